"""The programme dashboard of a programme too big for one page: its contests table comes 50
at a time and filtered by stage, level, trade and district in the query string, while the
totals, the charts and the workbook still count every contest (on SQLite and PostgreSQL)."""

from __future__ import annotations

import re
from io import BytesIO
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook  # type: ignore[import-untyped]

from bench.programme import DISTRICTS, build
from competition.services import programme_dashboard
from competition.services.programme_contests import PAGE_SIZE
from tests.factories import make_admin
from tests.web.test_console import sign_in

CONTESTS = 120  # three pages: 50, 50 and 20
PUBLISHED = 40  # every third contest


@pytest.fixture
def programme(db_app: Flask) -> int:
    make_admin()
    return build(CONTESTS, entrants=10, marks=0)


@pytest.fixture
def client(db_app: Flask, programme: int) -> FlaskClient:
    client = db_app.test_client()
    sign_in(client, "admin")
    return client


def listing(text: str) -> dict[str, int]:
    found = re.search(
        r'class="listing-count" data-matching="(\d+)" data-page="(\d+)" data-pages="(\d+)"', text
    )
    assert found, "no listing count on the page"
    matching, page, pages = (int(g) for g in found.groups())
    rows = text.split('<table class="table programme-contests">')[-1].split("</table>")[0]
    return {
        "matching": matching,
        "page": page,
        "pages": pages,
        "rows": rows.count("<tr") - 1 if "programme-contests" in text else 0,
    }


def pager_links(text: str) -> dict[str, dict[str, list[str]]]:
    links = re.findall(r'<a href="([^"]+)" rel="(first|prev|next|last)">', text)
    return {rel: parse_qs(urlsplit(href.replace("&amp;", "&")).query) for href, rel in links}


def test_the_table_comes_a_page_at_a_time(client: FlaskClient, programme: int) -> None:
    url = f"/console/programmes/{programme}/dashboard?lang=en"
    first = client.get(url).text
    assert listing(first) == {"matching": CONTESTS, "page": 1, "pages": 3, "rows": PAGE_SIZE}
    assert "Contests 1–50 of 120" in first and "Page 1 of 3" in first
    assert set(pager_links(first)) == {"next", "last"}
    assert pager_links(first)["next"]["page"] == ["2"]
    last = client.get(url + "&page=3").text
    assert listing(last) == {"matching": CONTESTS, "page": 3, "pages": 3, "rows": 20}
    assert set(pager_links(last)) == {"first", "prev"}
    assert "Contests 101–120 of 120" in last
    # the totals and the charts are the whole programme's on every page
    for page in (first, last):
        assert "<div><dt>Contests</dt><dd>120</dd></div>" in page
        assert page.count("<svg") == 3
    # a page past the end shows the last one; a page that is no number, the first
    assert listing(client.get(url + "&page=99").text)["page"] == 3
    assert listing(client.get(url + "&page=-4").text)["page"] == 1
    assert listing(client.get(url + "&page=abc").text)["page"] == 1


def test_filters_narrow_the_table_and_are_kept_from_page_to_page(
    client: FlaskClient, programme: int
) -> None:
    url = f"/console/programmes/{programme}/dashboard?lang=en"
    published = client.get(url + "&status=published").text
    assert listing(published) == {"matching": PUBLISHED, "page": 1, "pages": 1, "rows": PUBLISHED}
    assert "Published (publicity window)" in published
    assert '<option value="published" selected>' in published
    assert "<div><dt>Contests</dt><dd>120</dd></div>" in published  # still the programme's
    enterprises = client.get(url + "&level=enterprise").text
    assert listing(enterprises)["matching"] == CONTESTS - 1 - len(DISTRICTS)
    assert pager_links(enterprises)["next"] == {"level": ["enterprise"], "page": ["2"]}
    second = client.get(url + "&level=enterprise&page=2").text
    assert listing(second)["page"] == 2
    assert pager_links(second)["prev"] == {"level": ["enterprise"]}  # page 1 has no number
    district = DISTRICTS[0]
    dashboard = programme_dashboard.programme_dashboard(make_admin("office"), programme)
    by_district = client.get(
        url.split("?")[0], query_string={"district": district, "status": "", "lang": "en"}
    ).text
    assert listing(by_district)["matching"] == dashboard.by_district[district]
    city = client.get(url + "&district=-").text  # the city union has no district recorded
    assert listing(city)["matching"] == dashboard.by_district[""] == 1
    nothing = client.get(url + "&trade=-&status=published").text
    assert listing(nothing)["matching"] == 0
    assert "No contest matches these filters." in nothing and "Clear the filters" in nothing


def test_the_workbook_counts_every_contest_whatever_the_page(
    client: FlaskClient, programme: int
) -> None:
    url = f"/console/programmes/{programme}/dashboard.xlsx?lang=en&page=2&status=published"
    book = load_workbook(BytesIO(client.get(url).data))
    summary = {row[0]: row[1] for row in book["Summary"].iter_rows(values_only=True)}
    assert summary["Contests"] == CONTESTS
    contests = list(book["Contests"].iter_rows(values_only=True))[1:]
    assert len(contests) == CONTESTS
    assert sum(row[1] for row in list(book["By trade"].iter_rows(values_only=True))[1:]) == 120
    months = list(book["By month"].iter_rows(values_only=True))[1:]
    assert sum(row[1] for row in months) == CONTESTS and sum(row[2] for row in months) == 40
    year = client.get("/console/programmes/years/2026/dashboard.xlsx?page=3")
    year_book = load_workbook(BytesIO(year.data))
    assert len(list(year_book["Contests"].iter_rows(values_only=True))) == CONTESTS + 1
