"""`competition audit verify`: recompute the audit chain and report every break."""

from __future__ import annotations

import click

from competition import create_app
from competition.rules.messages import N_, translate
from competition.services import audit as audit_service


@click.group()
def audit() -> None:
    """The audit log."""


@audit.command()
@click.pass_context
def verify(ctx: click.Context) -> None:
    """Check that no audit entry was edited, inserted or deleted; exit 1 if one was."""
    locale: str = ctx.obj["locale"]
    with create_app().app_context():
        result = audit_service.verify()
    for problem in result.problems:
        click.echo(problem.render(locale), err=True)
    if not result.ok:
        ctx.exit(1)
    click.echo(
        translate(N_("%(count)s entries, chain intact; newest hash %(head)s"), locale)
        % {"count": result.entries, "head": result.head}
    )
