"""Console pages for judges: cards with links printed once, assignments, revoking."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from competition.extensions import db
from competition.models import Entrant, Judge
from competition.services import assignments, judges
from competition.services.authority import Refused
from tests.factories import make_admin, make_contest, make_user

PASSWORD = "correct horse battery"


@pytest.fixture
def client(db_app: Flask) -> FlaskClient:
    return db_app.test_client()


def sign_in(client: FlaskClient, username: str) -> None:
    assert (
        client.post("/login", data={"username": username, "password": PASSWORD}).status_code == 302
    )


def test_a_new_judge_gets_a_printable_card_whose_link_works(client: FlaskClient) -> None:
    admin = make_admin()
    contest = make_contest(admin)
    sign_in(client, "admin")
    page = client.post(
        f"/console/contests/{contest.id}/judges/",
        data={"name": "李裁判", "unit": "市质监站", "pin": ""},
    )
    assert page.status_code == 200 and "<svg" in page.text and "李裁判" in page.text
    (url,) = re.findall(r"http://localhost/judge/login/[A-Za-z0-9_-]+", page.text)
    token = url.rsplit("/", 1)[1]
    assert judges.judge_for_token(token).name == "李裁判"
    stored = db.session.query(Judge).one()
    assert token not in stored.token_hash
    listing = client.get(f"/console/contests/{contest.id}/judges/")
    assert "李裁判" in listing.text and token not in listing.text


def test_reissuing_prints_new_cards_and_old_links_stop(client: FlaskClient) -> None:
    admin = make_admin()
    contest = make_contest(admin)
    _, old = judges.create_judge(admin, contest.id, "王裁判")
    sign_in(client, "admin")
    page = client.post(f"/console/contests/{contest.id}/judges/cards", data={})
    assert page.status_code == 200 and "王裁判" in page.text
    with pytest.raises(Refused):
        judges.judge_for_token(old)


def test_an_assignment_against_the_judges_own_unit_is_refused_with_the_reason(
    client: FlaskClient,
) -> None:
    admin = make_admin()
    contest = make_contest(admin)
    event = contest.events[0]
    db.session.add(
        Entrant(event_id=event.id, code="W01", name="王建国", attributes={"unit": "延安石化"})
    )
    db.session.commit()
    judge, _ = judges.create_judge(admin, contest.id, "张裁判", unit="延安石化")
    sign_in(client, "admin")
    page = client.post(
        f"/console/contests/{contest.id}/judges/assignments?lang=en",
        data={"judge": judge.id, "event": event.id, "criterion": "appearance", "entrant": "W01"},
        follow_redirects=True,
    )
    assert "延安石化" in page.text and "flash-error" in page.text


def test_revoking_needs_a_reason_and_kills_the_link(client: FlaskClient) -> None:
    admin = make_admin()
    contest = make_contest(admin)
    judge, token = judges.create_judge(admin, contest.id, "赵裁判")
    sign_in(client, "admin")
    client.post(
        f"/console/contests/{contest.id}/judges/{judge.id}/revoke", data={"reason": "卡片遗失"}
    )
    assert db.session.get(Judge, judge.id).revoked_at is not None


def test_judge_pages_are_closed_to_strangers(client: FlaskClient) -> None:
    admin = make_admin()
    make_user(admin, "stranger")
    contest = make_contest(admin, name="秘密竞赛")
    sign_in(client, "stranger")
    for method, path in (("get", "/"), ("post", "/"), ("post", "/cards"), ("post", "/assignments")):
        response = getattr(client, method)(f"/console/contests/{contest.id}/judges{path}")
        assert response.status_code == 403 and "秘密竞赛" not in response.text


def test_the_assignment_form_seats_a_judge_on_a_panel(client: FlaskClient) -> None:
    admin = make_admin()
    contest = make_contest(admin, "苹果", rules="apple_orchard_per_mu_benefit.yaml")
    judge, _ = judges.create_judge(admin, contest.id, "王志刚")
    sign_in(client, "admin")
    client.post(
        f"/console/contests/{contest.id}/judges/assignments",
        data={
            "judge": judge.id,
            "event": contest.events[0].id,
            "panel": "inspection",
            "criterion": "",
            "entrant": "",
        },
    )
    page = client.get(f"/console/contests/{contest.id}/judges/")
    assert page.text.count('class="tag"') == 4 and "canopy_pruning" in page.text


def test_the_judges_page_unseats_a_judge_who_has_not_marked(client: FlaskClient) -> None:
    admin = make_admin()
    contest = make_contest(admin)
    judge, _ = judges.create_judge(admin, contest.id, "赵裁判")
    seat = assignments.assign(admin, judge.id, contest.events[0].id, "appearance")
    sign_in(client, "admin")
    page = client.get(f"/console/contests/{contest.id}/judges/")
    remove = f"/console/contests/{contest.id}/judges/assignments/{seat.id}/remove"
    assert f'action="{remove}"' in page.text
    done = client.post(remove, follow_redirects=True)
    assert "已取消该分配" in done.text and assignments.assignments_of(judge.id) == []
    other = make_contest(admin, name="别的竞赛")
    again = assignments.assign(admin, judge.id, contest.events[0].id, "appearance")
    elsewhere = client.post(
        f"/console/contests/{other.id}/judges/assignments/{again.id}/remove", follow_redirects=True
    )
    assert "flash-error" in elsewhere.text and len(assignments.assignments_of(judge.id)) == 1
