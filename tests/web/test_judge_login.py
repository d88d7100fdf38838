"""A judge's personal link: it signs the judge in (asking for the PIN if there is one), shows
what they mark by blind code, and stops working when reissued or revoked."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from competition.extensions import db
from competition.models import Entrant
from competition.services import assignments, blind, judges
from tests.factories import make_admin, make_contest


@pytest.fixture
def client(db_app: Flask) -> FlaskClient:
    return db_app.test_client()


def test_the_link_signs_in_and_shows_codes_not_names(client: FlaskClient) -> None:
    admin = make_admin()
    contest = make_contest(admin, blind=True)
    event = contest.events[0]
    db.session.add(Entrant(event_id=event.id, code="W01", name="王建国", attributes={}))
    db.session.commit()
    blind.draw(admin, event.id, seed="cafe")
    judge, token = judges.create_judge(admin, contest.id, "李裁判")
    assignments.assign(admin, judge.id, event.id, "appearance")
    assert client.get(f"/judge/login/{token}").status_code == 302
    page = client.get("/judge/")
    assert page.status_code == 200 and "李裁判" in page.text and "appearance" in page.text
    assert "A-1" in page.text and "王建国" not in page.text


def test_a_reissued_link_ends_the_old_session_and_the_old_link(client: FlaskClient) -> None:
    admin = make_admin()
    contest = make_contest(admin)
    judge, token = judges.create_judge(admin, contest.id, "李裁判")
    client.get(f"/judge/login/{token}")
    judges.reissue_token(admin, judge.id)
    assert client.get("/judge/").status_code == 403
    dead = client.get(f"/judge/login/{token}")
    assert dead.status_code == 403 and "李裁判" not in dead.text


def test_a_pin_is_asked_for_and_a_wrong_one_asked_again(client: FlaskClient) -> None:
    admin = make_admin()
    contest = make_contest(admin)
    _, token = judges.create_judge(admin, contest.id, "赵裁判", pin="2468")
    asked = client.get(f"/judge/login/{token}?lang=en")
    assert asked.status_code == 200 and 'name="pin"' in asked.text
    wrong = client.post(f"/judge/login/{token}", data={"pin": "1111"})
    assert wrong.status_code == 200 and 'class="error"' in wrong.text
    right = client.post(f"/judge/login/{token}", data={"pin": "2468"})
    assert right.status_code == 302 and client.get("/judge/").status_code == 200


def test_another_judges_link_asks_before_it_replaces_the_judge_on_the_tablet(
    client: FlaskClient,
) -> None:
    admin = make_admin()
    contest = make_contest(admin)
    _, first = judges.create_judge(admin, contest.id, "李裁判")
    _, second = judges.create_judge(admin, contest.id, "赵裁判")
    _, with_pin = judges.create_judge(admin, contest.id, "钱裁判", pin="2468")
    client.get(f"/judge/login/{first}")
    assert client.get(f"/judge/login/{first}").status_code == 302  # one's own link: no question

    asked = client.get(f"/judge/login/{second}?lang=en")
    assert asked.status_code == 200
    assert "This tablet is signed in as 李裁判" in asked.text and "switch to 赵裁判?" in asked.text
    assert "李裁判" in client.get("/judge/").text  # nothing changed yet

    pin_asked = client.get(f"/judge/login/{with_pin}")
    assert pin_asked.status_code == 200 and "钱裁判" not in pin_asked.text  # named after the PIN
    dead = client.get("/judge/login/not-a-link")
    assert dead.status_code == 403 and "李裁判" in client.get("/judge/").text

    switched = client.post(f"/judge/switch/{second}", follow_redirects=True)
    assert switched.status_code == 200 and "赵裁判" in switched.text
    assert "李裁判" not in client.get("/judge/").text
