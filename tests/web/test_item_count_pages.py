"""The console registers a diving event with 5 or 6 dives from one rule file, and changes
the count until scoring opens (on SQLite and PostgreSQL)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from competition.extensions import db
from competition.models import Contest
from tests.factories import REPOSITORY, make_admin
from tests.web.test_console import sign_in


@pytest.fixture
def client(db_app: Flask) -> FlaskClient:
    return db_app.test_client()


@pytest.fixture
def diving_file(rules_dir: Path) -> str:
    shutil.copy(REPOSITORY / "scoring_rules" / "examples" / "diving_individual.yaml", rules_dir)
    return "diving_individual.yaml"


def test_an_event_of_a_file_with_several_counts_is_created_with_the_one_chosen(
    client: FlaskClient, diving_file: str
) -> None:
    make_admin()
    sign_in(client, "admin")
    data = {"name": "跳水", "event": "女子十米台", "rule_file": diving_file}
    refused = client.post("/console/contests/new?lang=en", data=data)
    assert refused.status_code == 200
    assert "event &#39;女子十米台&#39;: choose how many items it has (5, 6)" in refused.text
    assert db.session.query(Contest).count() == 0
    created = client.post("/console/contests/new", data=data | {"items": "5"})
    assert created.status_code == 302
    event = db.session.query(Contest).one().events[0]
    assert event.item_count == 5


def test_the_rules_page_changes_the_count_and_says_why_not(
    client: FlaskClient, diving_file: str
) -> None:
    make_admin()
    sign_in(client, "admin")
    client.post(
        "/console/contests/new",
        data={"name": "跳水", "event": "男子十米台", "rule_file": diving_file, "items": "5"},
    )
    contest = db.session.query(Contest).one()
    page = client.get(f"/console/contests/{contest.id}/rules?lang=en")
    assert "Number of items in this event" in page.text
    assert '<option value="5" selected>5</option>' in page.text
    url = f"/console/contests/{contest.id}/events/{contest.events[0].id}/items?lang=en"
    changed = client.post(url, data={"count": "6"}, follow_redirects=True)
    assert "The event now has 6 items." in changed.text
    refused = client.post(url, data={"count": "9"}, follow_redirects=True)
    assert "choose how many items it has (5, 6)" in refused.text
    empty = client.post(url, data={"count": ""}, follow_redirects=True)
    assert "Choose how many items the event has." in empty.text
    db.session.expire_all()
    assert db.session.get(Contest, contest.id).events[0].item_count == 6
