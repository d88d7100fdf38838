"""`competition audit verify` and `audit anchor`: recompute the audit chain and report every
break; print the sealed head for an auditor to keep, and check the chain against it later."""

from __future__ import annotations

import json
from pathlib import Path

import click

from competition import create_app
from competition.rules.messages import N_, translate
from competition.services import audit as audit_service


@click.group()
def audit() -> None:
    """The audit log."""


@audit.command()
@click.option(
    "--anchor",
    "anchor_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A head printed earlier by `audit anchor`: the chain must still hold it.",
)
@click.pass_context
def verify(ctx: click.Context, anchor_file: Path | None) -> None:
    """Check that no audit entry or mark was edited, inserted or deleted, and that the head
    is sealed with this server's key; exit 1 if not."""
    locale: str = ctx.obj["locale"]
    anchor = _read_anchor(ctx, anchor_file) if anchor_file else None
    with create_app().app_context():
        result = audit_service.verify()
        if anchor is not None:
            result.problems.extend(audit_service.anchor_problems(*anchor))
    for problem in result.problems:
        click.echo(problem.render(locale), err=True)
    if not result.ok:
        ctx.exit(1)
    click.echo(
        translate(N_("%(count)s entries, chain intact; newest hash %(head)s"), locale)
        % {"count": result.entries, "head": result.head}
    )


@audit.command()
@click.pass_context
def anchor(ctx: click.Context) -> None:
    """Print the sealed head of a verified chain as JSON, for an auditor to keep (on paper or
    off this server) and give to `audit verify --anchor` later."""
    locale: str = ctx.obj["locale"]
    with create_app().app_context():
        result = audit_service.verify()
    if not result.ok:
        for problem in result.problems:
            click.echo(problem.render(locale), err=True)
        ctx.exit(1)
    record = {"seq": result.seq, "hash": result.head, "seal": result.signature}
    click.echo(json.dumps(record))


def _read_anchor(ctx: click.Context, path: Path) -> tuple[int, str]:
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
        return int(record["seq"]), str(record["hash"])
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        locale: str = ctx.obj["locale"]
        message = translate(N_("%(file)s is not an anchor printed by `audit anchor`"), locale)
        raise click.UsageError(message % {"file": path}) from None
