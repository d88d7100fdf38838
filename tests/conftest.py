from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import flask_babel
import pytest
import sqlalchemy
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient

from competition import create_app
from competition.config import REPOSITORY_ROOT
from competition.extensions import db
from competition.realtime import live
from competition.services import notifications


@pytest.fixture
def rules_dir(tmp_path: Path) -> Path:
    """An empty scoring_rules folder; tests put the rule files they need into it."""
    folder = tmp_path / "scoring_rules"
    folder.mkdir()
    return folder


@pytest.fixture
def app(tmp_path: Path, rules_dir: Path) -> Iterator[Flask]:
    app = create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": tmp_path / "instance",
            "SECRET_KEY": "test secret",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'test.db'}",
            "SCORING_RULES_DIR": rules_dir,
        }
    )
    with app.app_context():
        db.create_all()  # an empty schema: the home page lists contests
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner() -> CliRunner:
    """Runs the `competition` command line in-process."""
    return CliRunner()


@pytest.fixture
def shipped_rule_file() -> Path:
    """A rule file the project ships, so these tests follow the rule language as it grows."""
    shipped = sorted((REPOSITORY_ROOT / "scoring_rules").rglob("*.yaml"))
    assert shipped, "scoring_rules/ ships no rule file"
    return shipped[0]


POSTGRES_SERVER = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432"
)


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A database of this test run's own on the machine's PostgreSQL, dropped at the end.
    Unreachable PostgreSQL fails the run in CI (CI=true) and skips these tests elsewhere."""
    name = f"competition_test_{os.getpid()}"
    admin = sqlalchemy.create_engine(f"{POSTGRES_SERVER}/postgres", isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(sqlalchemy.text(f'DROP DATABASE IF EXISTS "{name}"'))
            connection.execute(sqlalchemy.text(f'CREATE DATABASE "{name}"'))
    except sqlalchemy.exc.OperationalError as error:
        admin.dispose()
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL is not reachable at {POSTGRES_SERVER}: {error}")
        pytest.skip(f"PostgreSQL is not reachable at {POSTGRES_SERVER}")
    yield f"{POSTGRES_SERVER}/{name}"
    with admin.connect() as connection:
        connection.execute(sqlalchemy.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_app(request: pytest.FixtureRequest, tmp_path: Path, rules_dir: Path) -> Iterator[Flask]:
    """The app with an empty schema, once on SQLite and once on PostgreSQL; the test runs
    inside an application context."""
    if request.param == "postgresql":
        uri = request.getfixturevalue("postgres_url")
    else:
        uri = f"sqlite:///{tmp_path / 'test.db'}"
    app = create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": tmp_path / "instance",
            "SECRET_KEY": "test secret",
            "SQLALCHEMY_DATABASE_URI": uri,
            "SCORING_RULES_DIR": rules_dir,
            "WTF_CSRF_ENABLED": False,
        }
    )
    # the test body runs inside one app context, which Flask reuses for the test client's
    # requests; in production each request has a fresh one, so forget its cached locale
    app.before_request(flask_babel.refresh)
    with app.app_context():
        db.drop_all()
        db.create_all()
        yield app
        live.shutdown(app)
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


@pytest.fixture
def heard() -> Iterator[Callable[[str], list[dict[str, object]]]]:
    """Listen to a notification topic for one test: heard("mark.corrected") → its payloads."""
    listening: list[tuple[str, Callable[[dict[str, object]], None]]] = []

    def listen(topic: str) -> list[dict[str, object]]:
        payloads: list[dict[str, object]] = []
        listening.append((topic, payloads.append))
        notifications.subscribe(topic, payloads.append)
        return payloads

    yield listen
    for topic, handler in listening:
        notifications.unsubscribe(topic, handler)
