"""`competition users …`: accounts made and unlocked on the server itself."""

from __future__ import annotations

import click

from competition import create_app
from competition.rules.messages import N_, translate
from competition.services import users as user_service
from competition.services.authority import SYSTEM, Refused


@click.group()
def users() -> None:
    """Accounts."""


@users.command("create-admin")
@click.option("--username", prompt=True, help="The admin's user name.")
@click.password_option(help="At least 8 characters; asked for when not given.")
@click.option("--display-name", default="", help="The name shown in the console.")
@click.pass_context
def create_admin(ctx: click.Context, username: str, password: str, display_name: str) -> None:
    """Create an admin account (admins create contests and give organisers their roles)."""
    locale: str = ctx.obj["locale"]
    with create_app().app_context():
        try:
            user = user_service.create_user(
                SYSTEM, username, password, display_name=display_name, is_admin=True
            )
        except Refused as refused:
            click.echo(refused.render(locale), err=True)
            ctx.exit(1)
        click.echo(translate(N_("admin '%(name)s' created"), locale) % {"name": user.username})


@users.command("unlock")
@click.argument("username")
@click.pass_context
def unlock(ctx: click.Context, username: str) -> None:
    """Lift the sign-in lockout of an account (after too many wrong passwords)."""
    locale: str = ctx.obj["locale"]
    with create_app().app_context():
        try:
            user = user_service.unlock(username)
        except Refused as refused:
            click.echo(refused.render(locale), err=True)
            ctx.exit(1)
        click.echo(translate(N_("'%(name)s' can sign in again"), locale) % {"name": user.username})
