"""The tablet's service worker: served from /judge/ so it may control the tablet page, as
JavaScript that browsers always check for a newer version, keeping every file the page loads."""

from __future__ import annotations

import json
import re
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient

from competition.services import assignments, judges
from competition.web.judge import TABLET_ASSETS
from tests.factories import make_admin, make_contest


def kept_files(script: str) -> list[str]:
    found = re.search(r"^var ASSETS = (.*);$", script, re.MULTILINE)
    assert found is not None
    return list(json.loads(found.group(1)))


def test_the_worker_is_javascript_under_judge_and_never_cached(db_app: Flask) -> None:
    client = db_app.test_client()
    worker = client.get("/judge/sw.js")
    assert worker.status_code == 200
    assert worker.mimetype == "application/javascript"
    assert worker.headers["Cache-Control"] == "no-cache"
    assert 'var PAGE = "/judge/";' in worker.text
    assert "/static/vendor/socket.io.min.js" in kept_files(worker.text)


def test_the_worker_keeps_every_file_the_tablet_page_loads(db_app: Flask) -> None:
    admin = make_admin()
    contest = make_contest(admin)
    judge, token = judges.create_judge(admin, contest.id, "李裁判")
    assignments.assign(admin, judge.id, contest.events[0].id, "appearance")
    client: FlaskClient = db_app.test_client()
    client.get(f"/judge/login/{token}")
    page = client.get("/judge/")
    assert page.status_code == 200
    assert 'data-service-worker="/judge/sw.js"' in page.text
    loaded = re.findall(r'<(?:script|link)[^>]* (?:src|href)="(/static/[^"]+)"', page.text)
    assert len(loaded) >= 4
    assert set(loaded) <= set(kept_files(client.get("/judge/sw.js").text))


def test_a_changed_file_makes_a_new_worker(db_app: Flask, tmp_path: Path) -> None:
    """A browser replaces its worker only when the worker's text changes: the cache's name
    carries the kept files' digest, so a new release of any of them reaches the tablets."""
    for name in TABLET_ASSETS:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("/* one */", encoding="utf-8")
    db_app.static_folder = str(tmp_path)
    client = db_app.test_client()
    before = client.get("/judge/sw.js").text
    assert client.get("/judge/sw.js").text == before
    (tmp_path / "js/judge_tablet.js").write_text("/* two */", encoding="utf-8")
    assert client.get("/judge/sw.js").text != before
