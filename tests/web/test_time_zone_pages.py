"""Every page shows a contest's times on its own clock with the zone named, and the organiser
changes the zone on the dashboard (both databases)."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from competition.extensions import db
from competition.models import AuditEntry, Contest
from competition.services import contests, judges
from competition.services.authority import Actor
from tests.factories import make_admin, make_contest
from tests.scenes import orchard_contest, publish

# 21:04 UTC on 9 December is 05:04 on 10 December in Beijing, 03:04 in Urumqi
EVENING_UTC = datetime(2026, 12, 9, 21, 4, tzinfo=UTC)


@pytest.fixture
def admin(db_app: Flask) -> Actor:
    return make_admin()


@pytest.fixture
def organiser(db_app: Flask, admin: Actor) -> FlaskClient:
    browser = db_app.test_client()
    answer = browser.post("/login", data={"username": "admin", "password": "correct horse battery"})
    assert answer.status_code == 302
    return browser


def evening_contest(admin: Actor) -> Contest:
    contest = make_contest(admin)
    contest.created_at = EVENING_UTC
    db.session.commit()
    return contest


def zone_of(contest_id: int) -> str:
    db.session.expire_all()
    contest = db.session.get(Contest, contest_id)
    assert contest is not None
    return contest.time_zone


def test_the_dashboard_shows_times_on_beijing_time(organiser: FlaskClient, admin: Actor) -> None:
    contest = evening_contest(admin)
    page = organiser.get(f"/console/contests/{contest.id}?lang=en").text
    assert "Created 10 Dec 2026, 05:04 (Beijing time)" in page
    assert "shown in Beijing time (Asia/Shanghai) and stored in UTC" in page
    listing = organiser.get("/console/?lang=zh_CN").text
    assert "2026年12月10日" in listing  # created on the 10th in Beijing, the 9th in UTC


def test_the_organiser_moves_the_contest_to_another_zone(
    organiser: FlaskClient, admin: Actor
) -> None:
    contest = evening_contest(admin)
    answer = organiser.post(
        f"/console/contests/{contest.id}/time-zone?lang=en",
        data={"time_zone": "Asia/Urumqi"},
        follow_redirects=True,
    )
    assert "Times of this contest are shown in Asia/Urumqi, UTC+06:00." in answer.text
    assert "Created 10 Dec 2026, 03:04 (Asia/Urumqi, UTC+06:00)" in answer.text
    assert zone_of(contest.id) == "Asia/Urumqi"
    audit = organiser.get(f"/console/contests/{contest.id}/audit?lang=en").text
    assert "contest.time_zone" in audit and "When (Asia/Urumqi, UTC+06:00)" in audit


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("Asia/Beijing", "&#39;Asia/Beijing&#39; is not a time zone: give an IANA name"),
        ("", "Give a time zone name, such as Asia/Shanghai."),
    ],
)
def test_a_bad_zone_name_is_refused_and_changes_nothing(
    organiser: FlaskClient, admin: Actor, typed: str, said: str
) -> None:
    contest = evening_contest(admin)
    answer = organiser.post(
        f"/console/contests/{contest.id}/time-zone?lang=en",
        data={"time_zone": typed},
        follow_redirects=True,
    )
    assert answer.status_code == 200 and said in answer.text
    assert "Created 10 Dec 2026, 05:04 (Beijing time)" in answer.text
    assert zone_of(contest.id) == "Asia/Shanghai"
    actions = db.session.scalars(select(AuditEntry.action)).all()
    assert "contest.time_zone" not in actions


def test_the_published_results_name_the_end_of_the_publicity_window_on_beijing_time(
    organiser: FlaskClient, admin: Actor
) -> None:
    scene = orchard_contest(admin)
    publish(scene)
    contest = db.session.get(Contest, scene.contest_id)
    assert contest is not None
    contest.publicity_ends_at = EVENING_UTC
    db.session.commit()
    until = "Publicity window (公示) until 10 Dec 2026, 05:04 (Beijing time)."
    assert until in organiser.get(f"/results/{contest.id}/awards?lang=en").text
    assert until in organiser.get(f"/console/contests/{contest.id}/results/?lang=en").text
    chinese = organiser.get(f"/results/{contest.id}/awards?lang=zh_CN").text
    assert "2026年12月10日 05:04" in chinese and "21:04" not in chinese
    # a program reads UTC with its offset, and the zone to show it in
    document = organiser.get(f"/api/contests/{contest.id}/awards").get_json()
    assert document["publicity_ends_at"] == "2026-12-09T21:04:00+00:00"
    assert document["contest"]["time_zone"] == "Asia/Shanghai"


def test_the_live_board_carries_the_zone_for_its_script(
    organiser: FlaskClient, admin: Actor
) -> None:
    scene = orchard_contest(admin)
    page = organiser.get(f"/live/{scene.contest_id}?lang=en").text
    found = re.search(r'id="live-strings">(.*?)</script>', page, re.S)
    assert found is not None
    strings = json.loads(found.group(1))
    assert strings["time_zone"] == "Asia/Shanghai"
    assert strings["zone_label"] == "Beijing time"
    assert strings["at_zone"] == "{time} ({zone})"
    board = organiser.get(f"/api/contests/{scene.contest_id}/standings").get_json()
    assert board["board"]["time_zone"] == "Asia/Shanghai"


def test_the_tablet_names_the_zone_of_its_sign_off_time(db_app: Flask, admin: Actor) -> None:
    contest = make_contest(admin)
    contests.set_time_zone(admin, contest.id, "Asia/Urumqi")
    _, token = judges.create_judge(admin, contest.id, "评委甲")
    tablet = db_app.test_client()
    assert tablet.get(f"/judge/login/{token}").status_code == 302
    page = tablet.get("/judge/?lang=en").text
    found = re.search(r'id="judge-strings">(.*?)</script>', page, re.S)
    assert found is not None
    strings = json.loads(found.group(1))
    assert strings["time_zone"] == "Asia/Urumqi"
    assert strings["zone_label"] == "Asia/Urumqi, UTC+06:00"
