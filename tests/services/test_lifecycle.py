"""Contests move draft → … → final one audited step at a time, only for the right role."""

from __future__ import annotations

import pytest
from flask import Flask

from competition.extensions import db
from competition.models import Contest, Entrant, Judge
from competition.models.people import Assignment
from competition.rules import RuleFileError
from competition.services import contests, lifecycle, users
from competition.services.authority import Refused
from competition.services.contests import RuleSource
from tests.factories import make_admin, make_contest, make_user, rule_source


def refusal(error: pytest.ExceptionInfo[Refused]) -> tuple[str, str]:
    return error.value.code, error.value.render("en")


def test_a_contest_is_created_from_its_rule_file_as_a_draft(db_app: Flask) -> None:
    admin = make_admin()
    contest = make_contest(admin)
    assert contest.status == "draft"
    (event,) = contest.events
    assert event.rules.version == 1 and len(event.rules.sha256) == 64
    assert event.rules.text == rule_source().text


def test_an_invalid_rule_file_creates_nothing(db_app: Flask) -> None:
    admin = make_admin()
    broken = RuleSource("broken.yaml", "contest: x\ncriteria: {}\n")
    with pytest.raises(RuleFileError) as caught:
        contests.create_contest(admin, "坏的", [("焊工", broken)])
    assert caught.value.problems[0].render("en").startswith("broken.yaml:2: criteria:")
    assert db.session.query(Contest).count() == 0


def test_steps_need_the_right_role_and_state(db_app: Flask) -> None:
    admin = make_admin()
    organiser = make_user(admin, "organiser")
    stranger = make_user(admin, "stranger")
    contest = make_contest(admin, organisers=(organiser.id or 0,))
    with pytest.raises(Refused) as caught:
        lifecycle.advance(stranger, contest.id, "open_registration")
    assert refusal(caught) == ("forbidden", "only the organiser of this contest may do this")
    with pytest.raises(Refused) as caught:
        lifecycle.advance(organiser, contest.id, "open_scoring")
    assert refusal(caught) == (
        "wrong_state",
        "the contest is 'Draft'; this step needs 'Registration'",
    )
    assert caught.value.render("zh_CN") == "竞赛处于“草稿”阶段；此步骤需要“报名”阶段"
    assert lifecycle.advance(organiser, contest.id, "open_registration").status == "registration"


def test_scoring_needs_entrants_and_pins_the_rules(db_app: Flask) -> None:
    admin = make_admin()
    contest = make_contest(admin)
    lifecycle.advance(admin, contest.id, "open_registration")
    with pytest.raises(Refused) as caught:
        lifecycle.advance(admin, contest.id, "open_scoring")
    assert refusal(caught) == ("precondition", "event '焊工' has no entrants yet")
    event = contest.events[0]
    db.session.add(Entrant(event_id=event.id, code="W01", name="王建国", attributes={}))
    db.session.commit()
    lifecycle.advance(admin, contest.id, "open_scoring")
    assert event.rules.pinned_at is not None
    assert [(r.item, r.status) for r in event.rounds] == [("", "open")]


def test_no_rule_change_after_scoring_opens_without_a_reason(db_app: Flask) -> None:
    admin = make_admin()
    contest = make_contest(admin)
    event = contest.events[0]
    db.session.add(Entrant(event_id=event.id, code="W01", name="王建国", attributes={}))
    db.session.commit()
    lifecycle.advance(admin, contest.id, "open_registration")
    lifecycle.advance(admin, contest.id, "open_scoring")
    with pytest.raises(Refused) as caught:
        contests.new_rule_version(admin, event.id, rule_source(), "")
    assert caught.value.code == "reason_required"
    version = contests.new_rule_version(admin, event.id, rule_source(), "理论权重更正")
    assert (version.version, event.rules.version) == (2, 2)
    assert version.pinned_at is not None


def test_no_locking_while_a_judge_has_not_signed(db_app: Flask) -> None:
    admin = make_admin()
    contest = make_contest(admin)
    event = contest.events[0]
    db.session.add(Entrant(event_id=event.id, code="W01", name="王建国", attributes={}))
    judge = Judge(contest_id=contest.id, name="李裁判", token_hash="x" * 64)
    db.session.add(judge)
    db.session.flush()
    db.session.add(Assignment(judge_id=judge.id, event_id=event.id))
    db.session.commit()
    for step in ("open_registration", "open_scoring", "close_scoring"):
        lifecycle.advance(admin, contest.id, step, "nothing marked here", override=True)
    with pytest.raises(Refused) as caught:
        lifecycle.advance(admin, contest.id, "lock")
    code, text = refusal(caught)
    assert code == "blocked" and "not every judge has signed their sheet: 李裁判" in text
    assert contest.status == "review"


def test_sign_in_is_throttled(db_app: Flask) -> None:
    make_admin()
    for _ in range(users.MAX_FAILURES):
        with pytest.raises(Refused) as caught:
            users.authenticate("admin", "wrong")
        assert caught.value.code == "unauthorised"
    with pytest.raises(Refused) as caught:
        users.authenticate("admin", "correct horse battery")
    assert caught.value.code == "locked"


def test_a_blind_contest_opens_scoring_only_after_the_draw(db_app: Flask) -> None:
    from competition.services import blind

    admin = make_admin()
    contest = make_contest(admin, blind=True)
    event = contest.events[0]
    db.session.add(Entrant(event_id=event.id, code="W01", name="王建国", attributes={}))
    db.session.commit()
    lifecycle.advance(admin, contest.id, "open_registration")
    with pytest.raises(Refused) as caught:
        lifecycle.advance(admin, contest.id, "open_scoring")
    assert refusal(caught) == (
        "precondition",
        "event '焊工' is judged blind: draw the blind codes of all its entrants first",
    )
    blind.draw(admin, event.id, seed="0123abcd")
    assert lifecycle.advance(admin, contest.id, "open_scoring").status == "scoring"


def test_a_revoked_judge_does_not_block_locking(db_app: Flask) -> None:
    from competition.models.base import utcnow

    admin = make_admin()
    contest = make_contest(admin)
    event = contest.events[0]
    db.session.add(Entrant(event_id=event.id, code="W01", name="王建国", attributes={}))
    judge = Judge(contest_id=contest.id, name="李裁判", token_hash="x" * 64, revoked_at=utcnow())
    db.session.add(judge)
    db.session.flush()
    db.session.add(Assignment(judge_id=judge.id, event_id=event.id))
    db.session.commit()
    for step in ("open_registration", "open_scoring", "close_scoring"):
        lifecycle.advance(admin, contest.id, step, "nothing marked here", override=True)
    kinds = [b.kind for b in lifecycle.preview(admin, contest.id, "lock").blockers]
    assert "unsigned_sheets" not in kinds
    lifecycle.advance(admin, contest.id, "lock", "nothing marked here", override=True)
    assert contest.status == "locked"
