"""A lifecycle step in the console: its page says what it does and what stands in its way;
the POST refuses an override without the flag and a reason, and then nothing changes."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from competition.extensions import db
from competition.models import AuditEntry, Contest
from competition.services import lifecycle, scoring
from tests.factories import make_admin
from tests.scenes import inspect, orchard_contest
from tests.services.test_step_guards import flagged_scene

PASSWORD = "correct horse battery"


@pytest.fixture
def client(db_app: Flask) -> FlaskClient:
    client = db_app.test_client()
    return client


def sign_in(client: FlaskClient) -> None:
    client.post("/login", data={"username": "admin", "password": PASSWORD})


def status(contest_id: int) -> str:
    contest = db.session.get(Contest, contest_id)
    assert contest is not None
    db.session.refresh(contest)
    return contest.status


def actions() -> list[str]:
    return list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.seq)))


def test_the_step_page_names_what_it_does_and_what_stands_in_its_way(
    client: FlaskClient,
) -> None:
    scene = flagged_scene()
    sign_in(client)
    page = client.get(f"/console/contests/{scene.contest_id}/steps/close_scoring?lang=en")
    assert page.status_code == 200
    assert "judges can no longer enter marks" in page.text
    assert 'data-kind="flagged_marks"' in page.text and "专家3 → YA001" in page.text
    assert 'name="override"' in page.text and "(required)" in page.text
    assert client.get(f"/console/contests/{scene.contest_id}/steps/nonsense").status_code == 404


def test_an_override_without_its_flag_or_reason_changes_nothing(client: FlaskClient) -> None:
    scene = flagged_scene()
    sign_in(client)
    url = f"/console/contests/{scene.contest_id}/steps/close_scoring?lang=en"
    before = actions()
    refused = client.post(url, data={"reason": "复核过了"}, follow_redirects=True)
    assert "confirm the override and give a reason" in refused.text
    assert 'data-kind="flagged_marks"' in refused.text  # back on the step's page
    refused = client.post(url, data={"override": "y", "reason": ""}, follow_redirects=True)
    assert "an override needs a reason for the audit log" in refused.text
    assert status(scene.contest_id) == "scoring" and actions() == before

    done = client.post(url, data={"override": "y", "reason": "专家3 复核"}, follow_redirects=True)
    assert "The contest is now at the stage: Review." in done.text
    assert 'aria-current="step"' in done.text
    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "contest.close_scoring")
    ).one()
    assert entry.reason == "专家3 复核" and entry.after["overridden"][0]["kind"] == "flagged_marks"


def test_lock_needs_a_reason_even_with_nothing_in_its_way(client: FlaskClient) -> None:
    scene = orchard_contest(make_admin(), count=1)
    inspect(scene, "YA001")
    lifecycle.advance(scene.admin, scene.contest_id, "close_scoring")
    for judge in scene.judges:
        scoring.sign_sheet(judge, scene.event_id)
    sign_in(client)
    url = f"/console/contests/{scene.contest_id}/steps/lock?lang=en"
    page = client.get(url)
    assert "Nothing stands in its way." in page.text and 'name="override"' not in page.text
    refused = client.post(url, data={"reason": ""}, follow_redirects=True)
    assert "this step cannot be undone: give a reason for the audit log" in refused.text
    assert status(scene.contest_id) == "review"
    client.post(url, data={"reason": "复核完毕"})
    assert status(scene.contest_id) == "locked"


def test_the_dashboard_shows_the_stage_as_a_stepper_and_marks_its_tab(
    client: FlaskClient,
) -> None:
    scene = orchard_contest(make_admin(), count=1)
    sign_in(client)
    page = client.get(f"/console/contests/{scene.contest_id}?lang=en")
    stepper = page.text.split('<ol class="stepper"', 1)[1].split("</ol>", 1)[0]
    assert stepper.count('class="step-done"') == 2  # draft, registration
    assert 'class="step-current" aria-current="step"' in stepper and ">Scoring<" in stepper
    assert stepper.count('class="step-todo"') == 4
    assert 'aria-current="page">Dashboard</a>' in page.text
    steps = page.text.split("Next step", 1)[1]
    assert f"/console/contests/{scene.contest_id}/steps/close_scoring" in steps
    rules = client.get(f"/console/contests/{scene.contest_id}/rules?lang=en")
    assert 'aria-current="page">Rules</a>' in rules.text
    assert 'aria-current="page">Dashboard</a>' not in rules.text


def test_the_monitor_lists_unfinished_entrants_first_and_explains_the_tick(
    client: FlaskClient,
) -> None:
    scene = orchard_contest(make_admin(), count=3)
    inspect(scene, "YA001")
    inspect(scene, "YA003", judges_=range(1))
    scoring_sheet = scene.judges  # nobody signed: no tick yet
    assert scoring_sheet
    sign_in(client)
    url = f"/console/contests/{scene.contest_id}/events/{scene.event_id}/monitor/?lang=en"
    page = client.get(url)
    rows = page.text.split('<table class="table matrix">', 1)[1].split("<th>")[1:]
    order = [code for row in rows for code in ("YA001", "YA002", "YA003") if code in row[:40]]
    assert order == ["YA002", "YA003", "YA001"]
    assert "after a judge’s name: signed their sheet" in page.text
