"""`competition demo`: check that every shipped rule file loads."""

from __future__ import annotations

import os

import click

from competition.config import scoring_rules_dir
from competition.rules.messages import translate
from competition.services.rulebook import list_rule_files


@click.command()
@click.pass_context
def demo(ctx: click.Context) -> None:
    """Validate the shipped rule files; exit 1 if any is invalid."""
    locale: str = ctx.obj["locale"]

    def _(text: str) -> str:
        return translate(text, locale)

    root = scoring_rules_dir(os.environ)
    summaries = list_rule_files(root, locale=locale)
    if not summaries:
        click.echo(_("No rule files in %(folder)s") % {"folder": root})
    for summary in summaries:
        status = _("ok") if summary.valid else "; ".join(summary.problems)
        click.echo(f"{summary.contest or '-'}\t{summary.path}\t{status}")
    if not all(summary.valid for summary in summaries):
        ctx.exit(1)
