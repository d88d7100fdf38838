"""The console's audit log and rules pages: plain words, filters in the address, a clear
message for a filter that cannot be used (never a 500), the export (SQLite and PostgreSQL)."""

from __future__ import annotations

import io

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook  # type: ignore[import-untyped]

from competition.extensions import db
from competition.models import Entrant
from competition.services import lifecycle, marks
from competition.services.marks import MarkInput
from tests.factories import make_admin, make_contest

PASSWORD = "correct horse battery"


@pytest.fixture
def client(db_app: Flask) -> FlaskClient:
    return db_app.test_client()


def contest_with_marks(count: int) -> int:
    admin = make_admin()
    contest = make_contest(admin)
    event = contest.events[0]
    lifecycle.advance(admin, contest.id, "open_registration")
    db.session.add_all(
        Entrant(event_id=event.id, code=f"W{n:02d}", name=f"选手{n}", attributes={})
        for n in range(1, count + 1)
    )
    db.session.commit()
    lifecycle.advance(admin, contest.id, "open_scoring", "开赛")
    for n in range(1, count + 1):
        marks.record_mark(admin, event.id, MarkInput(f"W{n:02d}", "theory", "80"))
    return contest.id


def signed_in(client: FlaskClient) -> FlaskClient:
    response = client.post("/login", data={"username": "admin", "password": PASSWORD})
    assert response.status_code == 302
    return client


def test_the_log_reads_in_plain_words_a_page_at_a_time(client: FlaskClient) -> None:
    contest_id = contest_with_marks(55)
    page = signed_in(client).get(f"/console/contests/{contest_id}/audit?lang=en")
    assert page.status_code == 200
    assert "Entries 1–50 of 58, newest first." in page.text
    assert "Recorded a mark" in page.text and "W55 选手55" in page.text
    assert "user:1:admin" not in page.text
    assert f'href="/console/contests/{contest_id}/audit?page=2"' in page.text
    older = client.get(f"/console/contests/{contest_id}/audit?page=2&lang=en")
    assert "Entries 51–58 of 58" in older.text and "开赛" in older.text


def test_a_filtered_page_keeps_its_filters_in_its_links(client: FlaskClient) -> None:
    contest_id = contest_with_marks(3)
    url = f"/console/contests/{contest_id}/audit?action=mark.record&entrant=W02&lang=en"
    page = signed_in(client).get(url)
    assert "Entries 1–1 of 1" in page.text and "W02 选手2" in page.text
    export = f"/console/contests/{contest_id}/audit.xlsx?action=mark.record&amp;entrant=W02"
    assert export in page.text


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("page=abc", "“abc” is not a page number"),
        ("from=2026-13-40", "“2026-13-40” is not a date (year-month-day)"),
        ("from=2026-05-02&to=2026-05-01", "the first day comes after the last day"),
        ("actor=%27%3B--", "“&#39;;--” is not a person of this log"),
        ("action=%3Cscript%3E", "“&lt;script&gt;” is not a kind of entry"),
        ("entrant=W99", "no entrant of this contest has the code or name “W99”"),
    ],
)
def test_a_filter_that_cannot_be_used_is_named_never_a_500(
    client: FlaskClient, query: str, message: str
) -> None:
    contest_id = contest_with_marks(1)
    page = signed_in(client).get(f"/console/contests/{contest_id}/audit?{query}&lang=en")
    assert page.status_code == 400 and message in page.text
    assert "These filters cannot be used:" in page.text
    export = client.get(f"/console/contests/{contest_id}/audit.xlsx?{query}")
    assert export.status_code == 302 and "/audit?" in export.headers["Location"]


def test_the_export_is_the_filtered_log_as_xlsx(client: FlaskClient) -> None:
    contest_id = contest_with_marks(3)
    response = signed_in(client).get(
        f"/console/contests/{contest_id}/audit.xlsx?action=mark.record&lang=en"
    )
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].endswith(f"contest{contest_id}-audit.xlsx")
    rows = list(load_workbook(io.BytesIO(response.data)).worksheets[0].values)
    assert len(rows) == 4 and {row[4] for row in rows[1:]} == {"Recorded a mark"}


def test_the_rules_page_shows_a_summary_beside_the_yaml(client: FlaskClient) -> None:
    contest_id = contest_with_marks(1)
    page = signed_in(client).get(f"/console/contests/{contest_id}/rules?lang=en")
    assert page.status_code == 200
    assert "mean, dropping the 1 highest and 1 lowest" in page.text
    assert "理论考试 × 0.30 + 实操成绩 × 0.70" in page.text
    assert "3,000 元" in page.text and "theory: 0.30, practical: 0.70" in page.text
