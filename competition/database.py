"""SQLite settings that the embedded deployment depends on, applied to every new connection."""

from __future__ import annotations

from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.pool import ConnectionPoolEntry

from competition.extensions import db
from competition.rules.messages import N_, Message, msg

SQLITE_PRAGMAS = ("journal_mode=WAL", "foreign_keys=ON", "busy_timeout=5000")


def init_app(app: Flask) -> None:
    with app.app_context():
        for engine in db.engines.values():
            if engine.dialect.name == "sqlite":
                event.listen(engine, "connect", _set_sqlite_pragmas)


def _set_sqlite_pragmas(connection: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
    """WAL lets the public board read while judges write; SQLite leaves foreign keys off."""
    cursor = connection.cursor()
    try:
        for pragma in SQLITE_PRAGMAS:
            cursor.execute(f"PRAGMA {pragma}")
    finally:
        cursor.close()


def schema_problem(app: Flask) -> Message | None:
    """Why the database cannot be served yet (its schema is not the newest), or None."""
    with app.app_context():
        config = app.extensions["migrate"].migrate.get_config()
        head = ScriptDirectory.from_config(config).get_current_head()
        with db.engine.connect() as connection:
            current = MigrationContext.configure(connection).get_current_revision()
    if current == head:
        return None
    return msg(
        N_(
            "the database's schema is {current}, this version needs {head}: "
            "run `competition db upgrade` first"
        ),
        current=current or "-",
        head=head or "-",
    )
