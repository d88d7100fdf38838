"""Every lifecycle step says what it will do and what stands in its way; a doubt (a flagged
mark, an unsigned sheet, a re-check not answered, a missing mark) stops it until someone
overrides it with a reason, which the audit log keeps; a hard blocker stops it always."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import select

from competition.extensions import db
from competition.models import AuditEntry, Contest
from competition.models.base import utcnow
from competition.services import appeals, lifecycle, monitor, scoring, users
from competition.services.authority import Actor, Refused
from tests.factories import make_admin, make_user
from tests.scenes import INSPECTION, Orchards, inspect, orchard_contest, publish


def kinds(scene: Orchards, step: str) -> list[str]:
    return [b.kind for b in lifecycle.preview(scene.admin, scene.contest_id, step).blockers]


def status(scene: Orchards) -> str:
    contest = db.session.get(Contest, scene.contest_id)
    assert contest is not None
    return contest.status


def step_entries(scene: Orchards, step: str) -> list[AuditEntry]:
    return list(
        db.session.scalars(
            select(AuditEntry).where(
                AuditEntry.action == f"contest.{step}",
                AuditEntry.subject == f"contest:{scene.contest_id}",
            )
        )
    )


def flagged_scene(admin: Actor | None = None) -> Orchards:
    """Two orchards marked in full; the third expert gave YA001 2 where the others gave 8:
    on the two 0–10 criteria that is beyond the rule file's max_deviation of 3."""
    scene = orchard_contest(admin or make_admin(), count=2)
    inspect(scene, "YA001", "8", range(2))
    inspect(scene, "YA001", "2", range(2, 3))
    inspect(scene, "YA002", "8")
    return scene


def test_flagged_marks_stop_closing_until_overridden_with_a_reason(db_app: Flask) -> None:
    scene = flagged_scene()
    plan = lifecycle.preview(scene.admin, scene.contest_id, "close_scoring")
    assert [b.kind for b in plan.blockers] == ["flagged_marks"]
    text = plan.blockers[0].message.render("en")
    assert "further from their panel's median than the rule file allows: 2" in text
    assert "专家3 → YA001" in text
    assert plan.needs_reason and "judges can no longer enter marks" in plan.effect.render("en")

    with pytest.raises(Refused) as caught:
        lifecycle.advance(scene.admin, scene.contest_id, "close_scoring")
    assert caught.value.code == "blocked" and "confirm the override" in caught.value.render("en")
    with pytest.raises(Refused) as caught:
        lifecycle.advance(scene.admin, scene.contest_id, "close_scoring", " ", override=True)
    assert caught.value.code == "reason_required"
    assert status(scene) == "scoring" and step_entries(scene, "close_scoring") == []

    lifecycle.advance(scene.admin, scene.contest_id, "close_scoring", "专家3 已复核", override=True)
    assert status(scene) == "review"
    (entry,) = step_entries(scene, "close_scoring")
    assert entry.reason == "专家3 已复核"
    assert [o["kind"] for o in entry.after["overridden"]] == ["flagged_marks"]
    assert "专家3 → YA001" in entry.after["overridden"][0]["what"]


def test_flagged_marks_stop_lock_and_publish_again(db_app: Flask) -> None:
    scene = flagged_scene()
    lifecycle.advance(scene.admin, scene.contest_id, "close_scoring", "复核", override=True)
    for judge in scene.judges:
        scoring.sign_sheet(judge, scene.event_id)
    assert kinds(scene, "lock") == ["flagged_marks"]
    with pytest.raises(Refused):
        lifecycle.advance(scene.admin, scene.contest_id, "lock", "锁定")
    lifecycle.advance(scene.admin, scene.contest_id, "lock", "裁判长确认", override=True)
    assert kinds(scene, "publish") == ["flagged_marks"]
    with pytest.raises(Refused):
        lifecycle.advance(scene.admin, scene.contest_id, "publish", "公示")
    assert status(scene) == "locked"


def test_unsigned_sheets_stop_the_lock_until_signed_or_overridden(db_app: Flask) -> None:
    scene = orchard_contest(make_admin(), count=2)
    for code in scene.codes:
        inspect(scene, code)
    assert kinds(scene, "close_scoring") == []
    lifecycle.advance(scene.admin, scene.contest_id, "close_scoring")
    scoring.sign_sheet(scene.judges[0], scene.event_id)
    plan = lifecycle.preview(scene.admin, scene.contest_id, "lock")
    assert [b.kind for b in plan.blockers] == ["unsigned_sheets"]
    assert plan.blockers[0].message.render("en") == (
        "not every judge has signed their sheet: 专家2, 专家3"
    )
    with pytest.raises(Refused) as caught:
        lifecycle.advance(scene.admin, scene.contest_id, "lock", "锁定")
    assert caught.value.code == "blocked" and status(scene) == "review"
    for judge in scene.judges[1:]:
        scoring.sign_sheet(judge, scene.event_id)
    lifecycle.advance(scene.admin, scene.contest_id, "lock", "锁定")
    (entry,) = step_entries(scene, "lock")
    assert "overridden" not in entry.after


def test_missing_marks_are_named_per_criterion(db_app: Flask) -> None:
    scene = orchard_contest(make_admin(), count=2)
    inspect(scene, "YA001")
    (blocker,) = lifecycle.preview(scene.admin, scene.contest_id, "close_scoring").blockers
    text = blocker.message.render("en")
    assert blocker.kind == "missing_marks" and "judges cannot add them once scoring closes" in text
    assert "树体结构与整形修剪 1" in text
    lifecycle.advance(scene.admin, scene.contest_id, "close_scoring", "YA002 缺席", override=True)
    assert "missing_marks" in kinds(scene, "lock")


def test_a_recheck_request_waits_for_its_answer(db_app: Flask) -> None:
    scene = orchard_contest(make_admin(), count=1)
    inspect(scene, "YA001")
    judge = scene.judges[0]
    monitor.request_recheck(
        scene.admin, scene.event_id, judge.id or 0, "YA001", "", INSPECTION[0], "请再看一下"
    )
    (blocker,) = lifecycle.preview(scene.admin, scene.contest_id, "close_scoring").blockers
    assert blocker.kind == "pending_rechecks"
    assert "re-check requests not answered yet: 1" in blocker.message.render("en")
    monitor.correct_cell(
        scene.admin, scene.event_id, judge.id or 0, "YA001", "", INSPECTION[0], "7", "复查后更正"
    )
    assert kinds(scene, "close_scoring") == []


def test_hard_blockers_stay_refused_whatever_the_override(db_app: Flask) -> None:
    scene = orchard_contest(make_admin(), count=1)
    for code in scene.codes:
        inspect(scene, code)
    publish(scene)
    contest = db.session.get(Contest, scene.contest_id)
    assert contest is not None
    appeals.record_appeal(scene.admin, scene.event_id, "YA001", "果园YA001", "面积测量有误")
    contest.publicity_ends_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    plan = lifecycle.preview(scene.admin, scene.contest_id, "finalise")
    assert [(b.kind, b.hard) for b in plan.blockers] == [("precondition", True)]
    with pytest.raises(Refused) as caught:
        lifecycle.advance(scene.admin, scene.contest_id, "finalise", "到期", override=True)
    assert caught.value.render("en") == "an appeal is still pending: decide it first"
    assert status(scene) == "published"


def test_a_step_that_fixes_the_results_needs_a_reason_at_the_console(db_app: Flask) -> None:
    scene = orchard_contest(make_admin(), count=1)
    inspect(scene, "YA001")
    for judge in scene.judges:
        scoring.sign_sheet(judge, scene.event_id)
    lifecycle.confirm(scene.admin, scene.contest_id, "close_scoring")  # no reason needed
    with pytest.raises(Refused) as caught:
        lifecycle.confirm(scene.admin, scene.contest_id, "lock", "  ")
    assert caught.value.code == "reason_required" and status(scene) == "review"
    lifecycle.confirm(scene.admin, scene.contest_id, "lock", "复核完毕")
    assert status(scene) == "locked" and step_entries(scene, "lock")[0].reason == "复核完毕"


def test_the_plan_names_who_may_take_the_step(db_app: Flask) -> None:
    scene = orchard_contest(make_admin(), count=1)
    organiser = make_user(scene.admin, "organiser")
    users.grant_role(scene.admin, organiser.id or 0, scene.contest_id, "organiser")
    marks_left = lifecycle.preview(organiser, scene.contest_id, "lock")
    first = marks_left.blockers[0]
    assert (first.kind, first.message.render("en")) == (
        "forbidden",
        "only the chief judge of this contest may do this",
    )
    assert marks_left.blockers[1].kind == "wrong_state"
    with pytest.raises(Refused) as caught:
        lifecycle.advance(organiser, scene.contest_id, "lock", "x", override=True)
    assert caught.value.code == "forbidden"
