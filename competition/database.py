"""SQLite settings that the embedded deployment depends on, applied to every new connection,
and how to tell a database that is only busy from one that is broken."""

from __future__ import annotations

from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import ConnectionPoolEntry

from competition.extensions import db
from competition.rules.messages import N_, Message, msg

# WAL lets the public board read while judges write; SQLite leaves foreign keys off; a writer
# waits up to 15 s for another to finish before the database is called busy
SQLITE_PRAGMAS = ("journal_mode=WAL", "foreign_keys=ON", "busy_timeout=15000")
# PostgreSQL's "try again" conditions: serialization failure, deadlock, lock not available
POSTGRES_BUSY_STATES = ("40001", "40P01", "55P03")


def init_app(app: Flask) -> None:
    with app.app_context():
        for engine in db.engines.values():
            if engine.dialect.name == "sqlite":
                event.listen(engine, "connect", _set_sqlite_pragmas)


def _set_sqlite_pragmas(connection: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
    cursor = connection.cursor()
    try:
        for pragma in SQLITE_PRAGMAS:
            cursor.execute(f"PRAGMA {pragma}")
    finally:
        cursor.close()


def is_busy(error: OperationalError) -> bool:
    """Whether the statement failed only because other writers held the database for too long
    (worth trying again in a moment), not because the database is broken or gone."""
    if getattr(error.orig, "sqlstate", None) in POSTGRES_BUSY_STATES:
        return True
    text = str(error.orig).lower()
    return "database is locked" in text or "database table is locked" in text


def release_connection() -> None:
    """Give this thread's database connection back to the pool before waiting for another
    thread or greenlet, which may need one itself (a pool emptied by waiters would stall
    them all), when the session has nothing of its own to write; its objects are read again
    when next used."""
    if not db.session.registry.has():  # none made here: nothing to give back
        return
    session = db.session()
    if session.in_transaction() and not (session.new or session.dirty or session.deleted):
        session.commit()


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
