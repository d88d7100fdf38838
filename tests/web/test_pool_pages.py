"""The judges' pool page, a contest's judge taken from it, and a conflicted assignment on
the judges page refused with its reason (回避)."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from competition.extensions import db
from competition.models import Assignment, AuditEntry, Conflict, Entrant, Judge, Person
from competition.services import judges, pool
from tests.factories import make_admin, make_contest, make_user

PASSWORD = "correct horse battery"


@pytest.fixture
def client(db_app: Flask) -> FlaskClient:
    return db_app.test_client()


def sign_in(client: FlaskClient, username: str) -> None:
    assert (
        client.post("/login", data={"username": username, "password": PASSWORD}).status_code == 302
    )


def count(model: type) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def test_the_pool_lists_searches_and_adds_people(client: FlaskClient) -> None:
    admin = make_admin()
    pool.add_person(admin, "钱裁判", "市果业中心", "果树栽培")
    sign_in(client, "admin")
    page = client.post(
        "/console/judges-pool/?lang=en",
        data={"name": "赵裁判", "unit": "市一建", "expertise": "焊接"},
        follow_redirects=True,
    )
    assert "赵裁判" in page.text and "市一建" in page.text and "焊接" in page.text
    found = client.get("/console/judges-pool/?lang=en&q=果树").text
    assert "钱裁判" in found and "赵裁判" not in found


def test_bad_input_on_the_pool_page_is_named_and_changes_nothing(client: FlaskClient) -> None:
    admin = make_admin()
    zhao = pool.add_person(admin, "赵裁判", "市一建", "焊接")
    sign_in(client, "admin")
    page = client.post(
        "/console/judges-pool/?lang=en",
        data={"name": "赵裁判", "unit": "市一建", "expertise": "焊接"},
    )
    assert page.status_code == 200 and "is in the pool already" in page.text
    page = client.post("/console/judges-pool/?lang=en", data={"name": "孙裁判", "unit": "x"})
    assert page.status_code == 200 and "This field is required" in page.text
    page = client.post(
        f"/console/judges-pool/{zhao.id}/conflicts?lang=en",
        data={"person_name": "无此人", "reason": "亲属"},
        follow_redirects=True,
    )
    assert "no person named 无此人 is known" in page.text
    page = client.post(
        f"/console/judges-pool/{zhao.id}/conflicts?lang=en",
        data={"person_name": "", "unit": "", "reason": "亲属"},
        follow_redirects=True,
    )
    assert "name the person or the unit" in page.text
    assert (count(Person), count(Conflict)) == (1, 0)


def test_conflicts_are_declared_and_withdrawn_on_the_pool_page(client: FlaskClient) -> None:
    admin = make_admin()
    zhao = pool.add_person(admin, "赵裁判", "市一建", "焊接")
    sign_in(client, "admin")
    page = client.post(
        f"/console/judges-pool/{zhao.id}/conflicts?lang=en",
        data={"unit": "市三建", "reason": "曾任该单位技术顾问"},
        follow_redirects=True,
    )
    assert "with the unit 市三建: 曾任该单位技术顾问" in page.text
    conflict = db.session.scalars(select(Conflict)).one()
    page = client.post(
        f"/console/judges-pool/conflicts/{conflict.id}/withdraw?lang=en", follow_redirects=True
    )
    assert "曾任该单位技术顾问" not in page.text and count(Conflict) == 0


def test_the_pool_is_closed_to_an_account_without_an_organiser_role(client: FlaskClient) -> None:
    admin = make_admin()
    make_user(admin, "visitor")
    sign_in(client, "visitor")
    assert client.get("/console/judges-pool/").status_code == 403
    page = client.post("/console/judges-pool/", data={"name": "x", "expertise": "y"})
    assert page.status_code == 403 and count(Person) == 0


def test_a_judge_from_the_pool_gets_a_card_and_is_linked(client: FlaskClient) -> None:
    admin = make_admin()
    contest = make_contest(admin)
    zhao = pool.add_person(admin, "赵裁判", "市一建", "焊接")
    sign_in(client, "admin")
    listing = client.get(f"/console/contests/{contest.id}/judges/?lang=en").text
    assert "赵裁判 · 市一建 · 焊接" in listing
    page = client.post(f"/console/contests/{contest.id}/judges/from-pool", data={"person": zhao.id})
    (url,) = re.findall(r"http://localhost/judge/login/[A-Za-z0-9_-]+", page.text)
    judge = judges.judge_for_token(url.rsplit("/", 1)[1])
    assert (judge.name, judge.unit, judge.person_id) == ("赵裁判", "市一建", zhao.id)
    again = client.post(
        f"/console/contests/{contest.id}/judges/from-pool?lang=en", data={"person": zhao.id}
    )
    assert "赵裁判 judges this contest already" in again.text and count(Judge) == 1
    bad = client.post(
        f"/console/contests/{contest.id}/judges/from-pool?lang=en", data={"person": "9999"}
    )
    assert "Choose a judge from the pool" in bad.text and count(Judge) == 1


def test_a_conflicted_assignment_is_refused_with_the_reason_then_overridden(
    client: FlaskClient,
) -> None:
    admin = make_admin()
    contest = make_contest(admin)
    event = contest.events[0]
    li = Person(name="李强", unit="市二建")
    db.session.add(li)
    db.session.flush()
    db.session.add(
        Entrant(
            event_id=event.id,
            code="W02",
            name="李强",
            attributes={"unit": "市二建", "is_worker": True},
            person_id=li.id,
        )
    )
    db.session.commit()
    zhao = pool.add_person(admin, "赵裁判", "市一建", "焊接")
    pool.declare(admin, zhao.id, "师徒关系", person_name="李强")
    judge, _ = pool.add_to_contest(admin, contest.id, zhao.id)
    sign_in(client, "admin")
    seat = {"judge": judge.id, "seat": f"{event.id}:all:", "entrant": ""}
    page = client.post(
        f"/console/contests/{contest.id}/judges/assignments?lang=en",
        data=seat,
        follow_redirects=True,
    )
    assert "flash-error" in page.text
    assert "赵裁判 declared a conflict with entrant W02 李强: 师徒关系" in page.text
    assert count(Assignment) == 0
    client.post(
        f"/console/contests/{contest.id}/judges/assignments",
        data={**seat, "override": "唯一的焊接考评员"},
    )
    assert count(Assignment) == 1
    entry = db.session.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc())).first()
    assert entry is not None and entry.action == "judge.assign_override"
    monitor = client.get(f"/console/contests/{contest.id}/events/{event.id}/monitor/?lang=en")
    assert "Conflicts of interest" in monitor.text
    assert "admin: 唯一的焊接考评员" in monitor.text and "师徒关系" in monitor.text
