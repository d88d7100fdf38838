"""`competition db upgrade`: bring the database to the newest schema (Alembic)."""

from __future__ import annotations

import click
import flask_migrate

from competition import create_app


@click.group()
def db() -> None:
    """The database schema."""


@db.command()
def upgrade() -> None:
    """Apply every migration the database does not have yet (safe to repeat)."""
    with create_app().app_context():
        flask_migrate.upgrade()
