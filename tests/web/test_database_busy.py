"""Every connection of the process taken: a request is answered 503 "busy" within the pool's
timeout, in the reader's language (JSON on the API), never hung and never a 500."""

from __future__ import annotations

from pathlib import Path

import flask_babel

from competition import create_app
from competition.extensions import db


def test_a_request_that_finds_every_connection_taken_is_answered_busy(
    tmp_path: Path, rules_dir: Path
) -> None:
    app = create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": tmp_path / "instance",
            "SECRET_KEY": "x",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'busy.db'}",
            "SCORING_RULES_DIR": rules_dir,
            "SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": 1, "max_overflow": 0, "pool_timeout": 0.2},
        }
    )
    app.before_request(flask_babel.refresh)  # each request chooses its language again
    with app.app_context():
        db.create_all()
        held = db.engine.connect()  # the process's one connection, taken
        try:
            client = app.test_client()
            api = client.get("/api/contests?lang=en")
            assert api.status_code == 503
            assert api.json == {
                "error": {"code": "busy", "message": "the server is busy: try again in a moment"}
            }
            page = app.test_client().get("/")
            assert page.status_code == 503 and "服务器繁忙" in page.text
        finally:
            held.close()
        assert app.test_client().get("/api/contests").status_code == 200
        db.engine.dispose()
