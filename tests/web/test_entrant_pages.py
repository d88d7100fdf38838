"""Entrant pages: template, two-step import that names bad rows and imports nothing, export."""

from __future__ import annotations

import io
import time

import pandas as pd
import pytest
from flask import Flask
from flask.testing import FlaskClient

from competition.extensions import db
from competition.models import Entrant
from competition.web import entrants as entrant_pages
from competition.web import import_jobs
from tests.factories import make_admin, make_contest

PASSWORD = "correct horse battery"


@pytest.fixture
def client(db_app: Flask) -> FlaskClient:
    return db_app.test_client()


def xlsx(rows: list[dict[str, str]]) -> io.BytesIO:
    buffer = io.BytesIO()
    pd.DataFrame(rows).to_excel(buffer, index=False)
    buffer.seek(0)
    return buffer


def test_import_names_the_bad_row_imports_nothing_then_imports_the_fixed_sheet(
    client: FlaskClient,
) -> None:
    admin = make_admin()
    contest = make_contest(admin, "苹果", rules="apple_orchard_per_mu_benefit.yaml")
    event = contest.events[0]
    client.post("/login", data={"username": "admin", "password": PASSWORD})
    base = f"/console/contests/{contest.id}/events/{event.id}/entrants"
    template = client.get(f"{base}/template.xlsx")
    assert template.status_code == 200
    headers = list(pd.read_excel(io.BytesIO(template.data), dtype=str).columns)
    assert headers[:3] == ["编号", "名称", "县（市、区）"]
    rows = [
        {"编号": "YA001", "名称": "宝塔王果园", "县（市、区）": "宝塔区"},
        {"编号": "YA002", "名称": "洛川李果园", "县（市、区）": "洛川"},
    ]
    preview = client.post(
        f"{base}/upload?lang=en",
        data={"sheet": (xlsx(rows), "a.xlsx")},
        content_type="multipart/form-data",
    )
    assert preview.status_code == 200 and "map:县（市、区）" in preview.text
    report = client.post(
        f"{base}/import?lang=en",
        data={"map:编号": "code", "map:名称": "name", "map:县（市、区）": "county"},
    )
    assert "row 3, column 县（市、区）" in report.text and "Nothing was imported" in report.text
    assert db.session.query(Entrant).count() == 0
    rows[1]["县（市、区）"] = "洛川县"
    client.post(
        f"{base}/upload", data={"sheet": (xlsx(rows), "a.xlsx")}, content_type="multipart/form-data"
    )
    done = client.post(
        f"{base}/import",
        data={"map:编号": "code", "map:名称": "name", "map:县（市、区）": "county"},
    )
    assert done.status_code == 302
    assert sorted(e.code for e in db.session.query(Entrant)) == ["YA001", "YA002"]
    listing = client.get(base + "/")
    assert "洛川李果园" in listing.text
    exported = pd.read_excel(io.BytesIO(client.get(f"{base}/export.xlsx").data), dtype=str)
    assert exported["编号"].tolist() == ["YA001", "YA002"]


def test_confirming_without_an_upload_asks_for_it_again(client: FlaskClient) -> None:
    admin = make_admin()
    contest = make_contest(admin)
    client.post("/login", data={"username": "admin", "password": PASSWORD})
    response = client.post(
        f"/console/contests/{contest.id}/events/{contest.events[0].id}/entrants/import",
        data={},
        follow_redirects=True,
    )
    assert response.status_code == 200 and "flash-error" in response.text


def test_an_event_of_another_contest_is_not_found(client: FlaskClient) -> None:
    admin = make_admin()
    first, second = make_contest(admin, "一"), make_contest(admin, "二")
    client.post("/login", data={"username": "admin", "password": PASSWORD})
    response = client.get(f"/console/contests/{first.id}/events/{second.events[0].id}/entrants/")
    assert response.status_code == 404


def test_a_large_sheet_imports_in_the_background_and_reports_progress(
    client: FlaskClient,
) -> None:
    admin = make_admin()
    contest = make_contest(admin, "苹果", rules="apple_orchard_per_mu_benefit.yaml")
    event = contest.events[0]
    client.post("/login", data={"username": "admin", "password": PASSWORD})
    base = f"/console/contests/{contest.id}/events/{event.id}/entrants"
    rows = [
        {"编号": f"YA{i:04d}", "名称": f"果园{i}", "县（市、区）": "宝塔区"}
        for i in range(entrant_pages.BACKGROUND_ROWS + 1)
    ]
    client.post(
        f"{base}/upload",
        data={"sheet": (xlsx(rows), "big.xlsx")},
        content_type="multipart/form-data",
    )
    page = client.post(
        f"{base}/import",
        data={"map:编号": "code", "map:名称": "name", "map:县（市、区）": "county"},
    )
    assert page.status_code == 200 and "import-progress" in page.text
    (url,) = [part.split('"')[0] for part in page.text.split('data-url="')[1:]]
    state = client.get(url).get_json()
    for _ in range(600):  # bounded wait for the thread; no timing is asserted
        if state["finished"]:
            break
        time.sleep(0.05)
        state = client.get(url).get_json()
    assert state["finished"] and state["problems"] == []
    assert state["count"] == len(rows) and state["done"] == state["total"] == 2 * len(rows)
    db.session.expire_all()
    assert db.session.query(Entrant).filter_by(event_id=event.id).count() == len(rows)


def test_a_background_import_that_breaks_says_so_and_stores_nothing(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    admin = make_admin()
    contest = make_contest(admin, "苹果", rules="apple_orchard_per_mu_benefit.yaml")
    event = contest.events[0]
    client.post("/login", data={"username": "admin", "password": PASSWORD})
    base = f"/console/contests/{contest.id}/events/{event.id}/entrants"
    rows = [
        {"编号": f"YA{i:04d}", "名称": f"果园{i}", "县（市、区）": "宝塔区"}
        for i in range(entrant_pages.BACKGROUND_ROWS + 1)
    ]
    client.post(
        f"{base}/upload",
        data={"sheet": (xlsx(rows), "big.xlsx")},
        content_type="multipart/form-data",
    )

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(import_jobs.entrants, "import_entrants", broken)
    page = client.post(
        f"{base}/import",
        data={"map:编号": "code", "map:名称": "name", "map:县（市、区）": "county"},
    )
    (url,) = [part.split('"')[0] for part in page.text.split('data-url="')[1:]]
    state = client.get(url).get_json()
    for _ in range(600):  # bounded wait for the thread; no timing is asserted
        if state["finished"]:
            break
        time.sleep(0.05)
        state = client.get(url).get_json()
    assert state["finished"] and state["count"] == 0
    assert state["problems"] == ["导入时服务器出错：请先核对选手名单，再重新导入"]
    db.session.expire_all()
    assert db.session.query(Entrant).filter_by(event_id=event.id).count() == 0
