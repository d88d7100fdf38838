"""The console: sign-in, contests from rule files, lifecycle steps, rules and audit pages,
and who may open what (on SQLite and PostgreSQL)."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from competition.extensions import db
from competition.models import Contest, Entrant
from competition.services import assignments, contests, judges, lifecycle, marks
from competition.services.marks import MarkInput
from tests.factories import (
    REPOSITORY,
    make_admin,
    make_contest,
    make_member,
    make_union,
    make_user,
    rule_source,
)

PASSWORD = "correct horse battery"


def sign_in(client: FlaskClient, username: str) -> None:
    response = client.post("/login", data={"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.text


@pytest.fixture
def client(db_app: Flask) -> FlaskClient:
    return db_app.test_client()


def test_sign_in_with_a_wrong_password_says_so_in_chinese(client: FlaskClient) -> None:
    make_admin()
    page = client.post("/login", data={"username": "admin", "password": "nope"})
    assert page.status_code == 200 and "用户名或密码错误" in page.text


def test_console_needs_an_account(client: FlaskClient) -> None:
    response = client.get("/console/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_admin_creates_a_contest_from_a_shipped_rule_file(
    client: FlaskClient, db_app: Flask, rules_dir: Path
) -> None:
    shutil.copy(REPOSITORY / "scoring_rules" / "welding_skills.yaml", rules_dir)
    make_admin()
    sign_in(client, "admin")
    form = client.get("/console/contests/new?lang=en")
    assert "welding_skills.yaml" in form.text
    created = client.post(
        "/console/contests/new",
        data={"name": "2026 焊工技能竞赛", "event": "焊工", "rule_file": "welding_skills.yaml"},
    )
    assert created.status_code == 302
    contest = db.session.query(Contest).one()
    dashboard = client.get(created.headers["Location"])
    assert "2026 焊工技能竞赛" in dashboard.text and contest.events[0].rules.sha256[:12] in (
        dashboard.text
    )
    rules = client.get(f"/console/contests/{contest.id}/rules")
    assert "theory: 0.30, practical: 0.70" in rules.text


def test_an_invalid_upload_shows_every_problem_with_its_line(client: FlaskClient) -> None:
    make_admin()
    sign_in(client, "admin")
    page = client.post(
        "/console/contests/new?lang=en",
        data={
            "name": "坏规则",
            "event": "焊工",
            "upload": (io.BytesIO(b"contest: x\ncriteria: {}\n"), "mine.yaml"),
        },
        content_type="multipart/form-data",
    )
    assert page.status_code == 200
    assert "mine.yaml:2: criteria: must not be empty" in page.text
    assert "mine.yaml:1: total: required, but missing" in page.text
    assert db.session.query(Contest).count() == 0


def test_an_uploaded_alias_bomb_is_refused_with_its_line(client: FlaskClient) -> None:
    from tests.rules.test_hostile_rule_files import LAUGHS

    make_admin()
    sign_in(client, "admin")
    page = client.post(
        "/console/contests/new?lang=en",
        data={"name": "炸弹", "event": "焊工", "upload": (io.BytesIO(LAUGHS.encode()), "b.yaml")},
        content_type="multipart/form-data",
    )
    assert page.status_code == 200
    assert "b.yaml:1:" in page.text and "more than 100000 values" in page.text
    assert db.session.query(Contest).count() == 0


def test_lifecycle_buttons_advance_or_say_why_not(client: FlaskClient) -> None:
    admin = make_admin()
    contest = make_contest(admin)
    sign_in(client, "admin")
    opened = client.post(
        f"/console/contests/{contest.id}/steps/open_registration",
        data={"reason": ""},
        follow_redirects=True,
    )
    assert db.session.get(Contest, contest.id).status == "registration"
    assert "竞赛现在处于“报名”阶段。" in opened.text
    refused = client.post(
        f"/console/contests/{contest.id}/steps/open_scoring?lang=en",
        data={"reason": ""},
        follow_redirects=True,
    )
    assert "event &#39;焊工&#39; has no entrants yet" in refused.text
    db.session.add(Entrant(event_id=contest.events[0].id, code="W01", name="王", attributes={}))
    db.session.commit()
    client.post(f"/console/contests/{contest.id}/steps/open_scoring", data={"reason": "开赛"})
    audit = client.get(f"/console/contests/{contest.id}/audit")
    assert "contest.open_scoring" in audit.text and "开赛" in audit.text


# every console route, with what an organiser of the contest and an admin get
# (None: the same as the organiser); anyone else gets the sign-in page or 403
ROUTES: list[tuple[str, str, int, int | None]] = [
    ("get", "/console/", 200, None),
    ("get", "/console/contests/new", 403, 200),
    ("post", "/console/contests/new", 403, 200),
    ("get", "/console/contests/from-template", 403, 200),
    ("post", "/console/contests/from-template", 403, 400),
    ("get", "/console/users", 403, 200),
    ("post", "/console/users", 403, 200),
    ("get", "/console/contests/{id}", 200, None),
    ("get", "/console/contests/{id}/steps/open_registration", 200, None),
    ("post", "/console/contests/{id}/steps/open_registration", 302, None),
    ("get", "/console/contests/{id}/rules", 200, None),
    ("post", "/console/contests/{id}/events/{event}/rules", 302, None),
    ("get", "/console/contests/{id}/audit", 200, None),
    ("get", "/console/contests/{id}/events/{event}/simulate", 200, None),
    ("post", "/console/contests/{id}/events/{event}/simulate", 200, None),
    ("post", "/console/contests/{id}/roles", 302, None),
    ("post", "/console/contests/{id}/time-zone", 302, None),
    ("post", "/console/contests/{id}/events/{event}/rounds", 302, None),
    ("get", "/console/contests/{id}/events/{event}/entrants/", 200, None),
    ("get", "/console/contests/{id}/events/{event}/entrants/template.xlsx", 200, None),
    ("get", "/console/contests/{id}/events/{event}/entrants/export.xlsx", 200, None),
    ("post", "/console/contests/{id}/events/{event}/entrants/upload", 302, None),
    ("post", "/console/contests/{id}/events/{event}/entrants/import", 302, None),
    ("get", "/console/contests/{id}/events/{event}/entrants/jobs/none", 404, None),
    ("get", "/console/contests/{id}/judges/", 200, None),
    ("post", "/console/contests/{id}/judges/", 200, None),
    ("post", "/console/contests/{id}/judges/cards", 200, None),
    ("post", "/console/contests/{id}/judges/{judge}/revoke", 302, None),
    ("post", "/console/contests/{id}/judges/assignments", 302, None),
    ("post", "/console/contests/{id}/judges/assignments/{assignment}/remove", 302, None),
    ("get", "/console/contests/{id}/blind/", 200, None),
    ("post", "/console/contests/{id}/blind/events/{event}/draw", 302, None),
    ("post", "/console/contests/{id}/blind/events/{event}/mapping", 302, None),
    ("post", "/console/contests/{id}/blind/unblind", 302, None),
    ("get", "/console/contests/{id}/events/{event}/monitor/", 200, None),
    ("get", "/console/contests/{id}/events/{event}/monitor/live", 200, None),
    ("get", "/console/organisations", 403, 200),
    ("post", "/console/organisations", 403, 400),
    ("get", "/console/programmes", 403, 200),
    ("post", "/console/programmes", 403, 400),
    ("post", "/console/contests/{id}/placement", 302, None),
]


def expected_status(who: str, route: str, organiser: int, admin: int | None) -> int:
    if who in ("anonymous", "judge"):
        return 302  # to the sign-in page: a judge's link is no console account
    if who == "admin":
        return organiser if admin is None else admin
    if who == "organiser":
        return organiser
    return 200 if route == "/console/" else 403  # the organiser of another contest


@pytest.mark.parametrize("who", ["anonymous", "judge", "other_organiser", "organiser", "admin"])
def test_authorisation_matrix(client: FlaskClient, who: str) -> None:
    admin = make_admin()
    organiser = make_user(admin, "organiser")
    other = make_user(admin, "other_organiser")
    contest = make_contest(admin, name="秘密竞赛", organisers=(organiser.id or 0,), blind=True)
    make_contest(admin, name="别的竞赛", organisers=(other.id or 0,))
    judge, token = judges.create_judge(admin, contest.id, "评委甲")
    if who == "judge":
        assert client.get(f"/judge/login/{token}").status_code == 302
    elif who != "anonymous":
        sign_in(client, who)
    seat = assignments.assign(admin, judge.id, contest.events[0].id, "appearance")
    ids = {
        "id": contest.id,
        "event": contest.events[0].id,
        "judge": judge.id,
        "assignment": seat.id,
    }
    for method, route, organiser_gets, admin_gets in ROUTES:
        expected = expected_status(who, route, organiser_gets, admin_gets)
        response = getattr(client, method)(route.format(**ids))
        assert response.status_code == expected, (who, method, route)
        if expected in (302, 403, 404):
            assert "秘密竞赛" not in response.text, (who, route)
    listing = client.get("/console/")
    assert ("秘密竞赛" in listing.text) == (who in ("organiser", "admin"))


@pytest.mark.parametrize("who", ["city_office", "baota_office", "works_office", "ansai_office"])
def test_authorisation_matrix_by_organisation(client: FlaskClient, who: str) -> None:
    """An account of the contest's organisation, or of one above it, gets what the
    contest's organiser gets; one below it or beside it, what a stranger gets."""
    admin = make_admin()
    ids = make_union(admin)
    for office in ("city", "baota", "works", "ansai"):
        make_member(admin, f"{office}_office", ids[office])
    contest = contests.create_contest(
        admin, "秘密竞赛", [("焊工", rule_source())], blind=True, organisation_id=ids["baota"]
    )
    contests.create_contest(
        admin, "别的竞赛", [("焊工", rule_source())], organisation_id=ids["ansai"]
    )
    judge, _token = judges.create_judge(admin, contest.id, "评委甲")
    seat = assignments.assign(admin, judge.id, contest.events[0].id, "appearance")
    ids_in_routes = {
        "id": contest.id,
        "event": contest.events[0].id,
        "judge": judge.id,
        "assignment": seat.id,
    }
    sign_in(client, who)
    reaches = who in ("city_office", "baota_office")
    listing = client.get("/console/")
    assert ("秘密竞赛" in listing.text) == reaches
    assert ("别的竞赛" in listing.text) == (who in ("city_office", "ansai_office"))
    for method, route, organiser_gets, admin_gets in ROUTES:
        if route in ("/console/programmes", "/console/contests/from-template"):
            expected = 200 if method == "get" else 400  # every organisation's account
        elif reaches:
            expected = organiser_gets
        else:
            expected = expected_status("other_organiser", route, organiser_gets, admin_gets)
        response = getattr(client, method)(route.format(**ids_in_routes))
        assert response.status_code == expected, (who, method, route)
        if expected in (302, 403, 404):
            assert "秘密竞赛" not in response.text, (who, route)
    assert db.session.get(Contest, contest.id).organisation_id == ids["baota"]


def test_forms_without_a_csrf_token_are_refused(tmp_path: Path, rules_dir: Path) -> None:
    from competition import create_app

    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "x",
            "INSTANCE_PATH": tmp_path / "i",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'c.db'}",
        }
    )
    with app.app_context():
        db.create_all()
        make_admin()
        response = app.test_client().post(
            "/login", data={"username": "admin", "password": PASSWORD}
        )
        assert response.status_code == 400
        assert "表单已过期" in response.text or "The form has expired" in response.text
        db.engine.dispose()


def test_the_dashboard_shows_marking_progress_per_criterion(client: FlaskClient) -> None:
    admin = make_admin()
    contest = make_contest(admin, "苹果", rules="apple_orchard_per_mu_benefit.yaml")
    event = contest.events[0]
    for code in ("YA001", "YA002"):
        db.session.add(
            Entrant(event_id=event.id, code=code, name=code, attributes={"county": "宝塔区"})
        )
    db.session.commit()
    lifecycle.advance(admin, contest.id, "open_registration")
    marks.record_mark(admin, event.id, MarkInput("YA001", "area_mu", "12"))
    sign_in(client, "admin")
    page = client.get(f"/console/contests/{contest.id}")
    assert "果园面积" in page.text and "1 / 2" in page.text


def test_admin_creates_accounts_and_gives_contest_roles(client: FlaskClient) -> None:
    admin = make_admin()
    contest = make_contest(admin)
    sign_in(client, "admin")
    created = client.post(
        "/console/users", data={"username": "chief", "display_name": "裁判长", "password": PASSWORD}
    )
    assert created.status_code == 302
    client.post(
        f"/console/contests/{contest.id}/roles", data={"username": "chief", "role": "chief_judge"}
    )
    dashboard = client.get(f"/console/contests/{contest.id}")
    assert '<li>裁判长：裁判长 <span class="hint">(chief)</span></li>' in dashboard.text
    chief = db_app_client_for(client)
    sign_in(chief, "chief")
    assert chief.get(f"/console/contests/{contest.id}").status_code == 200
    assert chief.get("/console/users").status_code == 403


def db_app_client_for(client: FlaskClient) -> FlaskClient:
    return client.application.test_client()


def test_a_new_rule_version_after_scoring_opens_needs_a_reason(client: FlaskClient) -> None:
    admin = make_admin()
    contest = make_contest(admin)
    event = contest.events[0]
    db.session.add(Entrant(event_id=event.id, code="W01", name="王", attributes={}))
    db.session.commit()
    lifecycle.advance(admin, contest.id, "open_registration")
    lifecycle.advance(admin, contest.id, "open_scoring")
    sign_in(client, "admin")
    text = (REPOSITORY / "scoring_rules" / "welding_skills.yaml").read_bytes()
    url = f"/console/contests/{contest.id}/events/{event.id}/rules?lang=en"
    refused = client.post(
        url,
        data={"upload": (io.BytesIO(text), "w.yaml"), "reason": ""},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "needs a reason" in refused.text and event.rules.version == 1
    client.post(
        url,
        data={"upload": (io.BytesIO(text), "w.yaml"), "reason": "更正权重"},
        content_type="multipart/form-data",
    )
    db.session.expire_all()
    assert db.session.get(Contest, contest.id).events[0].rules.version == 2
    broken = client.post(
        url,
        data={"upload": (io.BytesIO(b"contest: x\n"), "b.yaml"), "reason": "x"},
        content_type="multipart/form-data",
    )
    assert "b.yaml:1: criteria: required, but missing" in broken.text


def test_rounds_open_and_close_item_by_item_while_scoring(client: FlaskClient) -> None:
    admin = make_admin()
    contest = make_contest(admin, "U 型场地技巧", rules="examples/halfpipe.yaml")
    event = contest.events[0]
    db.session.add(
        Entrant(event_id=event.id, code="M1", name="甲", attributes={"category": "男子"})
    )
    db.session.commit()
    lifecycle.advance(admin, contest.id, "open_registration")
    lifecycle.advance(admin, contest.id, "open_scoring")
    sign_in(client, "admin")
    page = client.get(f"/console/contests/{contest.id}")
    assert page.text.count('name="item"') == 4  # the whole event and runs 1–3
    assert page.text.count("评分中") == 1 and page.text.count("未开放评分") == 3
    url = f"/console/contests/{contest.id}/events/{event.id}/rounds"
    opened = client.post(url, data={"item": "1", "status": "open"}, follow_redirects=True)
    assert "已开放评分。" in opened.text
    closed = client.post(url, data={"item": "", "status": "closed"}, follow_redirects=True)
    assert "已关闭：裁判不能再评分。" in closed.text
    assert closed.text.count("评分中") == 1  # run 1 open, the event as a whole closed
    db.session.expire_all()
    states = {r.item: r.status for r in db.session.get(Contest, contest.id).events[0].rounds}
    assert states == {"": "closed", "1": "open"}
    entries = client.get(f"/console/contests/{contest.id}/audit").text
    assert "round.open" in entries and "round.closed" in entries


def test_the_dashboard_names_every_role_the_account_holds(client: FlaskClient) -> None:
    admin = make_admin()
    organiser = make_user(admin, "organiser")
    contest = make_contest(admin, organisers=(organiser.id or 0,))
    sign_in(client, "organiser")
    page = client.get(f"/console/contests/{contest.id}")
    assert "你的角色：组织者" in page.text
    client.post(
        f"/console/contests/{contest.id}/roles",
        data={"username": "organiser", "role": "chief_judge"},
    )
    page = client.get(f"/console/contests/{contest.id}")
    assert "你的角色：组织者 / 裁判长" in page.text
