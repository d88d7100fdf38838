"""The `competition` command line: one group, one module per subcommand."""

from __future__ import annotations

import os

import click

from competition.commands.demo import demo
from competition.commands.rank import rank
from competition.commands.rules import rules
from competition.commands.serve import serve
from competition.i18n import DEFAULT_LOCALE, LOCALES


def default_locale() -> str:
    """English for an English terminal, Chinese otherwise."""
    return "en" if os.environ.get("LANG", "").startswith("en") else DEFAULT_LOCALE


@click.group()
@click.option(
    "--lang",
    type=click.Choice(LOCALES),
    default=default_locale,
    envvar="COMPETITION_LOCALE",
    show_envvar=True,
    help="Language of messages (default: zh_CN, or en when LANG is English).",
)
@click.pass_context
def main(ctx: click.Context, lang: str) -> None:
    """Live scoring for labour skill contests."""
    ctx.ensure_object(dict)
    ctx.obj["locale"] = lang


main.add_command(demo)
main.add_command(rank)
main.add_command(rules)
main.add_command(serve)
