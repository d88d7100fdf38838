from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient

from competition import create_app
from competition.config import REPOSITORY_ROOT
from competition.extensions import db


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
