"""The `competition` command line: one group, one module per subcommand."""

from __future__ import annotations

import importlib
import os

import click

from competition.rules.messages import DEFAULT_LOCALE, LOCALES, Message

# name → module defining a command of that name; imported only when that command runs, so
# that `competition rank` does not load Flask and gunicorn
COMMANDS = {
    "audit": "competition.commands.audit",
    "db": "competition.commands.database",
    "demo": "competition.commands.demo",
    "rank": "competition.commands.rank",
    "rules": "competition.commands.rules",
    "serve": "competition.commands.serve",
    "users": "competition.commands.users",
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        command = getattr(importlib.import_module(COMMANDS[cmd_name]), cmd_name)
        assert isinstance(command, click.Command)
        return command

    def invoke(self, ctx: click.Context) -> object:
        """A setting from the environment that cannot be used is an error message in the
        reader's language, whatever command met it (competition.config.SettingError, told
        apart by its message, so that commands that never load Flask do not import it)."""
        try:
            return super().invoke(ctx)
        except ValueError as error:
            message = getattr(error, "message", None)
            if not isinstance(message, Message):
                raise
            locale = (ctx.obj or {}).get("locale", DEFAULT_LOCALE)
            raise click.ClickException(message.render(locale)) from None


def default_locale() -> str:
    """English for an English terminal, Chinese otherwise."""
    return "en" if os.environ.get("LANG", "").startswith("en") else DEFAULT_LOCALE


@click.group(cls=LazyGroup)
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
