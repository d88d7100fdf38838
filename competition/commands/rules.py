"""`competition rules check FILE...`: validate rule files, every problem with its line."""

from __future__ import annotations

import click

from competition.rules import RuleFileError, load_rule_file


@click.group()
def rules() -> None:
    """Rule files: check them before a contest uses them."""


@rules.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.pass_context
def check(ctx: click.Context, files: tuple[str, ...]) -> None:
    """Check FILES; print FILE:LINE: field: message for each problem and exit 1 if any."""
    locale: str = ctx.obj["locale"]
    failed = False
    for name in files:
        try:
            ruleset = load_rule_file(name)
        except RuleFileError as error:
            failed = True
            for problem in error.problems:
                click.echo(problem.render(locale))
            continue
        click.echo(f"{name}: ok — {ruleset.contest} (sha256 {ruleset.sha256[:12]})")
    if failed:
        ctx.exit(1)
