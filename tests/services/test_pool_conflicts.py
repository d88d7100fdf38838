"""The judges' pool and conflicts of interest (回避): a judge from the pool is never
assigned to an entrant of their own unit or to a declared conflict, unless an organiser or
the chief judge overrides with a reason, which the audit log keeps with the conflicts."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import select

from competition.extensions import db
from competition.models import AuditEntry, Contest, Entrant, Person
from competition.services import assignments, monitor, pool
from competition.services.authority import Actor, Refused
from tests.factories import make_admin, make_contest, make_user


def refusal(error: pytest.ExceptionInfo[Refused]) -> tuple[str, str]:
    return error.value.code, error.value.render("en")


def add_entrant(contest: Contest, code: str, name: str, unit: str, person: bool = False) -> Entrant:
    """An entrant of the first event; ``person``: linked to a person of that name and unit
    (as the people records do), whose unit then counts, not the sheet's (an older one)."""
    linked = Person(name=name, unit=unit) if person else None
    if linked is not None:
        db.session.add(linked)
        db.session.flush()
    entrant = Entrant(
        event_id=contest.events[0].id,
        code=code,
        name=name,
        attributes={"unit": "原单位" if person else unit, "is_worker": True},
        person_id=linked.id if linked else None,
    )
    db.session.add(entrant)
    db.session.commit()
    return entrant


def pool_judge(admin: Actor, contest: Contest, name: str = "赵裁判", unit: str = "市一建"):  # type: ignore[no-untyped-def]
    person = pool.add_person(admin, name, unit, "焊接")
    judge, _token = pool.add_to_contest(admin, contest.id, person.id)
    return person, judge


def test_a_pool_judge_is_refused_an_entrant_of_their_own_unit(db_app: Flask) -> None:
    admin = make_admin()
    contest = make_contest(admin)
    wang = add_entrant(contest, "W01", "王建国", "市一建", person=True)
    _person, judge = pool_judge(admin, contest)
    assert judge.person_id is not None and judge.unit == "市一建"
    with pytest.raises(Refused) as caught:
        assignments.assign(admin, judge.id, contest.events[0].id, "appearance", wang.id)
    assert refusal(caught) == (
        "conflict",
        "赵裁判 and entrant W01 王建国 both belong to 市一建: a judge never marks an entrant "
        "of their own unit",
    )
    assert judge.assignments == []


def test_a_declared_conflict_with_a_person_is_refused_with_its_reason(db_app: Flask) -> None:
    admin = make_admin()
    contest = make_contest(admin)
    li = add_entrant(contest, "W02", "李强", "市二建", person=True)
    person, judge = pool_judge(admin, contest)
    pool.declare(admin, person.id, "师徒关系", person_name="李强")
    with pytest.raises(Refused) as caught:
        assignments.assign(admin, judge.id, contest.events[0].id, "appearance", li.id)
    assert refusal(caught) == (
        "conflict",
        "赵裁判 declared a conflict with entrant W02 李强: 师徒关系: a judge never marks a "
        "declared conflict (回避)",
    )
    assert judge.assignments == []


def test_a_declared_conflict_with_a_unit_covers_its_entrants(db_app: Flask) -> None:
    admin = make_admin()
    contest = make_contest(admin)
    zhang = add_entrant(contest, "W03", "张伟", "市三建")  # no person: the sheet's unit
    person, judge = pool_judge(admin, contest)
    pool.declare(admin, person.id, "曾任该单位技术顾问", unit="市三建")
    with pytest.raises(Refused) as caught:
        assignments.assign(admin, judge.id, contest.events[0].id, "appearance", zhang.id)
    assert refusal(caught)[1] == (
        "赵裁判 declared a conflict with 市三建, the unit of W03 张伟: 曾任该单位技术顾问: "
        "a judge never marks a declared conflict (回避)"
    )


def test_an_event_wide_assignment_names_every_conflicted_entrant(db_app: Flask) -> None:
    admin = make_admin()
    contest = make_contest(admin)
    add_entrant(contest, "W01", "王建国", "市一建")
    add_entrant(contest, "W02", "李强", "市二建", person=True)
    free = add_entrant(contest, "W04", "刘洋", "市四建")
    person, judge = pool_judge(admin, contest)
    pool.declare(admin, person.id, "亲属", person_name="李强")
    with pytest.raises(Refused) as caught:
        assignments.assign(admin, judge.id, contest.events[0].id)
    assert refusal(caught) == (
        "conflict",
        "赵裁判 and entrant W01 王建国 both belong to 市一建; 赵裁判 declared a conflict with "
        "entrant W02 李强: 亲属: assign entrant by entrant, leaving out W01 王建国, W02 李强",
    )
    assert judge.assignments == []
    seated = assignments.assign(admin, judge.id, contest.events[0].id, entrant_id=free.id)
    assert seated.entrant_id == free.id


def test_an_override_lets_it_through_audited_and_the_monitor_shows_it(db_app: Flask) -> None:
    admin = make_admin()
    contest = make_contest(admin)
    add_entrant(contest, "W01", "王建国", "市一建")
    add_entrant(contest, "W02", "李强", "市二建", person=True)
    person, judge = pool_judge(admin, contest)
    pool.declare(admin, person.id, "亲属", person_name="李强")
    event = contest.events[0]
    assignments.assign(admin, judge.id, event.id, override="全市仅此一名焊接考评员")
    entry = db.session.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc())).first()
    assert entry is not None
    assert (entry.action, entry.reason) == ("judge.assign_override", "全市仅此一名焊接考评员")
    assert entry.after["conflicts"] == [
        {"entrant": "W01", "unit": "市一建"},
        {"entrant": "W02", "declared": "亲属"},
    ]
    shown = monitor.monitor(admin, event.id).conflicts
    assert [(c.judge, c.entrant, c.overridden_by, c.override_reason) for c in shown] == [
        ("赵裁判", "W01 王建国", "admin", "全市仅此一名焊接考评员"),
        ("赵裁判", "W02 李强", "admin", "全市仅此一名焊接考评员"),
    ]
    assert "亲属" in shown[1].reason.render("en")


def test_no_conflict_is_allowed_and_audited_as_a_plain_assignment(db_app: Flask) -> None:
    admin = make_admin()
    contest = make_contest(admin)
    add_entrant(contest, "W04", "刘洋", "市四建", person=True)
    person, judge = pool_judge(admin, contest)
    pool.declare(admin, person.id, "同乡", unit="市五建")
    assignments.assign(admin, judge.id, contest.events[0].id)
    entry = db.session.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc())).first()
    assert entry is not None and entry.action == "judge.assign" and entry.reason == ""
    assert monitor.monitor(admin, contest.events[0].id).conflicts == []


def test_the_pool_is_searched_and_refuses_bad_input_changing_nothing(db_app: Flask) -> None:
    admin = make_admin()
    zhao = pool.add_person(admin, "赵裁判", "市一建", "焊接")
    pool.add_person(admin, "钱裁判", "市果业中心", "果树栽培")
    assert [m.person.name for m in pool.members(admin, "果树")] == ["钱裁判"]
    with pytest.raises(Refused) as caught:
        pool.add_person(admin, "赵裁判", "市一建", "焊接")
    assert refusal(caught)[0] == "exists"
    with pytest.raises(Refused) as caught:
        pool.add_person(admin, "孙裁判", "市二建", "")
    assert refusal(caught)[0] == "invalid"
    with pytest.raises(Refused) as caught:
        pool.declare(admin, zhao.id, "")
    assert refusal(caught)[0] == "reason_required"
    with pytest.raises(Refused) as caught:
        pool.declare(admin, zhao.id, "亲属", person_name="无此人")
    assert refusal(caught) == ("not_found", "no person named 无此人 is known")
    assert [m.person.name for m in pool.members(admin)] == ["赵裁判", "钱裁判"]
    assert all(m.conflicts == [] for m in pool.members(admin))


def test_conflicts_are_declared_and_withdrawn_in_the_audit_log(db_app: Flask) -> None:
    admin = make_admin()
    zhao = pool.add_person(admin, "赵裁判", "市一建", "焊接")
    conflict = pool.declare(admin, zhao.id, "曾任顾问", unit="市三建")
    pool.withdraw(admin, conflict.id)
    actions = db.session.scalars(
        select(AuditEntry.action).where(AuditEntry.subject == f"person:{zhao.id}")
    ).all()
    assert actions == ["pool.add", "conflict.declare", "conflict.withdraw"]
    assert pool.members(admin)[0].conflicts == []


def test_only_an_admin_or_an_organiser_keeps_the_pool(db_app: Flask) -> None:
    admin = make_admin()
    nobody = make_user(admin, "visitor")
    with pytest.raises(Refused) as caught:
        pool.add_person(nobody, "赵裁判", "市一建", "焊接")
    assert refusal(caught)[0] == "forbidden"
    assert pool.members(admin) == []
