"""Console pages for judges: cards with links printed once, assignments, revoking."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from competition.extensions import db
from competition.models import AuditEntry, Entrant, Judge
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
        data={"judge": judge.id, "seat": f"{event.id}:criterion:appearance", "entrant": "W01"},
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
        data={"judge": judge.id, "seat": f"{contest.events[0].id}:panel:inspection", "entrant": ""},
    )
    page = client.get(f"/console/contests/{contest.id}/judges/")
    # the criteria by their labels in the rule file, never their ids
    assert page.text.count('class="tag"') == 4 and "树体结构与整形修剪" in page.text
    assert "canopy_pruning ·" not in page.text


def test_the_assignment_form_offers_the_rule_files_panels_and_criteria_by_label(
    client: FlaskClient,
) -> None:
    admin = make_admin()
    contest = make_contest(admin, "苹果", rules="apple_orchard_per_mu_benefit.yaml")
    judges.create_judge(admin, contest.id, "王志刚")
    sign_in(client, "admin")
    page = client.get(f"/console/contests/{contest.id}/judges/?lang=en").text
    event = contest.events[0].id
    options = dict(re.findall(r'<option value="([^"]+)">([^<]+)</option>', page))
    assert options[f"{event}:all:"] == "every judged criterion"
    assert options[f"{event}:panel:inspection"] == "panel 现场考评专家组 (all its criteria)"
    assert options[f"{event}:criterion:canopy_pruning"] == "树体结构与整形修剪"
    assert not any(key.endswith(":area_mu") for key in options)  # measured: no judge


def test_a_seat_not_offered_is_refused_and_nothing_is_assigned(client: FlaskClient) -> None:
    admin = make_admin()
    contest = make_contest(admin, "苹果", rules="apple_orchard_per_mu_benefit.yaml")
    judge, _ = judges.create_judge(admin, contest.id, "王志刚")
    sign_in(client, "admin")
    page = client.post(
        f"/console/contests/{contest.id}/judges/assignments?lang=en",
        data={"judge": judge.id, "seat": "999:criterion:canopy_pruning", "entrant": ""},
        follow_redirects=True,
    )
    assert "Choose a judge and what they mark from the lists." in page.text
    assert assignments.assignments_of(judge.id) == []


def test_one_judges_card_is_reprinted_and_every_other_card_still_works(
    client: FlaskClient,
) -> None:
    admin = make_admin()
    contest = make_contest(admin)
    lost, lost_token = judges.create_judge(admin, contest.id, "李裁判")
    _, kept_token = judges.create_judge(admin, contest.id, "王裁判")
    sign_in(client, "admin")
    listing = client.get(f"/console/contests/{contest.id}/judges/").text
    reprint = f"/console/contests/{contest.id}/judges/{lost.id}/card"
    assert f'action="{reprint}"' in listing
    page = client.post(f"{reprint}?lang=en")
    assert page.status_code == 200 and page.text.count('class="card"') == 1
    assert "A new card for 李裁判" in page.text and "王裁判" not in page.text
    (url,) = re.findall(r"http://localhost/judge/login/[A-Za-z0-9_-]+", page.text)
    assert judges.judge_for_token(url.rsplit("/", 1)[1]).name == "李裁判"
    with pytest.raises(Refused):
        judges.judge_for_token(lost_token)
    assert judges.judge_for_token(kept_token).name == "王裁判"
    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "judge.reissue_token")
    ).one()
    assert entry.after == {"judge": lost.id}


def test_a_judge_of_another_contest_cannot_be_reprinted_here(client: FlaskClient) -> None:
    admin = make_admin()
    contest, other = make_contest(admin), make_contest(admin, name="别的竞赛")
    stranger, token = judges.create_judge(admin, other.id, "外人")
    sign_in(client, "admin")
    page = client.post(
        f"/console/contests/{contest.id}/judges/{stranger.id}/card", follow_redirects=True
    )
    assert "flash-error" in page.text and "外人" not in page.text.split("flash-error")[0]
    assert judges.judge_for_token(token).name == "外人"


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
