"""The Alembic migrations build exactly the schema the models describe, on both databases."""

from __future__ import annotations

from pathlib import Path

import flask_migrate
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from competition import create_app
from competition.extensions import db


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_upgrade_builds_the_models_schema(
    database: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    if database == "postgresql":
        uri = request.getfixturevalue("postgres_url")
    else:
        uri = f"sqlite:///{tmp_path / 'migrated.db'}"
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": uri, "SECRET_KEY": "x", "INSTANCE_PATH": tmp_path / "instance"}
    )
    with app.app_context():
        db.drop_all()
        with db.engine.begin() as connection:
            connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
        flask_migrate.upgrade()
        flask_migrate.upgrade()  # a second run changes nothing
        with db.engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), db.metadata)
        db.drop_all()
        with db.engine.begin() as connection:
            connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
        db.engine.dispose()
    assert differences == []


def test_the_upgrade_seals_the_head_of_an_existing_chain(tmp_path: Path) -> None:
    from competition.services import audit
    from tests.factories import make_admin

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'chain.db'}",
            "SECRET_KEY": "the server's key",
            "INSTANCE_PATH": tmp_path / "instance",
        }
    )
    with app.app_context():
        flask_migrate.upgrade()
        make_admin()
        flask_migrate.downgrade(revision="0005")  # a chain written before heads were sealed
        flask_migrate.upgrade()
        db.session.remove()
        result = audit.verify()
        db.engine.dispose()
    assert result.ok and result.entries == 1 and len(result.signature) == 64
