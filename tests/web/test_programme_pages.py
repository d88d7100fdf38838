"""The programme dashboard page and its workbook: who may open them, and what they show
(on SQLite and PostgreSQL)."""

from __future__ import annotations

from io import BytesIO

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook  # type: ignore[import-untyped]

from competition.extensions import db
from competition.models import User
from tests.factories import make_user
from tests.services.test_programme_dashboard import City, build_city
from tests.web.test_console import sign_in


@pytest.fixture
def client(db_app: Flask) -> FlaskClient:
    return db_app.test_client()


def account(city: City, username: str, organisation_id: int | None) -> None:
    actor = make_user(city.admin, username)
    user = db.session.get(User, actor.id)
    assert user is not None
    user.organisation_id = organisation_id
    db.session.commit()


def test_the_union_office_opens_its_programme_from_the_console(client: FlaskClient) -> None:
    city = build_city()
    account(city, "office", city.city.id)
    sign_in(client, "office")
    index = client.get("/console/?lang=en").text
    url = f"/console/programmes/{city.programme.id}/dashboard"
    assert url in index and "建功十四五" in index
    page = client.get(url + "?lang=en")
    assert page.status_code == 200
    assert "Programme dashboard" in page.text
    assert "¥70,000" in page.text  # awarded, from the orchard contest's snapshot
    assert "¥5,000,000.00" in page.text and "¥4,930,000.00" in page.text
    assert "市焊工大赛" in page.text and "宝塔区" in page.text
    assert page.text.count("<svg") == 3 and "cdn" not in page.text.lower()


def test_others_are_refused_and_a_missing_programme_is_not_found(client: FlaskClient) -> None:
    city = build_city()
    account(city, "firm", city.enterprise.id)  # below the programme's organisation
    account(city, "nobody", None)
    url = f"/console/programmes/{city.programme.id}/dashboard"
    for username in ("firm", "nobody"):
        sign_in(client, username)
        assert client.get(url).status_code == 403
        assert client.get(url + ".xlsx").status_code == 403
        assert url not in client.get("/console/").text
        client.post("/logout")
    sign_in(client, "admin")
    assert client.get("/console/programmes/9999/dashboard").status_code == 404
    assert client.get("/console/programmes/years/1999/dashboard").status_code == 404


def test_the_workbook_holds_the_figures(client: FlaskClient) -> None:
    city = build_city()
    sign_in(client, "admin")
    response = client.get(f"/console/programmes/{city.programme.id}/dashboard.xlsx?lang=en")
    assert response.status_code == 200
    book = load_workbook(BytesIO(response.data))
    assert book.sheetnames == ["Summary", "Contests", "By district", "By trade", "By month"]
    summary = {row[0]: row[1] for row in book["Summary"].iter_rows(values_only=True)}
    assert summary["Contests"] == 3 and summary["Entrants"] == 7
    assert summary["Left of the programme budget (yuan)"] == 4930000
    rows = {row[0]: row for row in book["Contests"].iter_rows(values_only=True)}
    assert rows["苹果冠军园"][2:6] == (
        "Enterprise",
        "宝塔区",
        "果业",
        "Published (publicity window)",
    )
    assert rows["苹果冠军园"][9:] == (70000, 150000)
    assert rows["市焊工大赛"][9:] == (0, 60000)
    districts = list(book["By district"].iter_rows(values_only=True))[1:]
    assert districts == [("宝塔区", 2), ("(not recorded)", 1)]


def test_the_year_view_adds_up_the_programmes(client: FlaskClient) -> None:
    city = build_city()
    sign_in(client, "admin")
    page = client.get("/console/programmes/years/2026/dashboard?lang=en")
    assert page.status_code == 200 and "建功十四五" in page.text
    workbook = client.get("/console/programmes/years/2026/dashboard.xlsx")
    assert workbook.status_code == 200 and city.programme.id
