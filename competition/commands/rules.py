"""`competition rules check FILE...`: validate rule files, every problem with its line.

`competition rules schema [--output FILE]`: the JSON Schema of a rule file.
"""

from __future__ import annotations

from pathlib import Path

import click

from competition.rules import RuleFileError, load_rule_file
from competition.rules.messages import translate
from competition.rules.schema import rule_file_schema_text


@click.group()
def rules() -> None:
    """Rule files: check them before a contest uses them."""


@rules.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.pass_context
def check(ctx: click.Context, files: tuple[str, ...]) -> None:
    """Check FILES; print FILE:LINE: field: message for each problem and exit 1 if any."""
    locale: str = ctx.obj["locale"]

    def _(text: str) -> str:
        return translate(text, locale)

    failed = False
    for name in files:
        try:
            ruleset = load_rule_file(name)
        except RuleFileError as error:
            failed = True
            for problem in error.problems:
                click.echo(problem.render(locale))
            continue
        ok = _("%(file)s: ok — %(contest)s (sha256 %(sha)s)")
        click.echo(ok % {"file": name, "contest": ruleset.contest, "sha": ruleset.sha256[:12]})
    if failed:
        ctx.exit(1)


@rules.command()
@click.option(
    "--output",
    "output",
    type=click.Path(dir_okay=False),
    help="Write the schema to this file instead of standard output.",
)
def schema(output: str | None) -> None:
    """Print the JSON Schema of a rule file (for editor validation)."""
    text = rule_file_schema_text()
    if output is None:
        click.echo(text, nl=False)
    else:
        Path(output).write_text(text, encoding="utf-8")
