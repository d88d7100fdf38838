"""Marks: checked against the pinned rules, stored once, never overwritten (both databases)."""

from __future__ import annotations

import pytest
from flask import Flask

from competition import create_app
from competition.extensions import db
from competition.models import Assignment, Contest, Entrant, Judge, Mark, SheetSignoff
from competition.realtime import live
from competition.services import lifecycle, marks, standings
from competition.services.authority import Actor, Refused
from competition.services.marks import MarkInput
from tests.factories import make_admin, make_contest


def setup_orchards(admin: Actor) -> tuple[Contest, Actor]:
    contest = make_contest(admin, "苹果", rules="apple_orchard_per_mu_benefit.yaml")
    event = contest.events[0]
    for code, county in (("YA001", "宝塔区"), ("YA002", "洛川县")):
        db.session.add(
            Entrant(
                event_id=event.id, code=code, name=f"{code} 果园", attributes={"county": county}
            )
        )
    judge = Judge(contest_id=contest.id, name="专家一", token_hash="a" * 64)
    db.session.add(judge)
    db.session.flush()
    db.session.add(Assignment(judge_id=judge.id, event_id=event.id))
    db.session.commit()
    lifecycle.advance(admin, contest.id, "open_registration")
    return contest, Actor("judge", judge.id, judge.name)


def measured(code: str, criterion: str, value: str) -> MarkInput:
    return MarkInput(entrant=code, criterion=criterion, value=value)


def test_organisers_enter_measured_values_judges_mark_once_scoring_opens(db_app: Flask) -> None:
    admin = make_admin()
    contest, judge = setup_orchards(admin)
    event_id = contest.events[0].id
    stored = marks.record_mark(admin, event_id, measured("YA001", "area_mu", "18"))
    assert (stored.value, stored.judge_id) == ("18", None)
    inspection = MarkInput("YA001", "canopy_pruning", "8.5")
    with pytest.raises(Refused) as caught:
        marks.record_mark(judge, event_id, inspection)
    assert caught.value.code == "round_closed"
    lifecycle.advance(admin, contest.id, "open_scoring")
    assert marks.record_mark(judge, event_id, inspection).value == "8.5"
    with pytest.raises(Refused) as caught:
        marks.record_mark(admin, event_id, inspection)
    assert caught.value.code == "forbidden"


@pytest.mark.parametrize(
    ("mark", "code", "message"),
    [
        (MarkInput("YA009", "area_mu", "3"), "unknown_entrant", "unknown entrant 'YA009'"),
        (MarkInput("YA001", "colour", "3"), "unknown_criterion", "unknown criterion 'colour'"),
        (
            MarkInput("YA001", "area_mu", "0.5"),
            "invalid_value",
            "0.5 is outside 1–5000 of 'area_mu'",
        ),
        (MarkInput("YA001", "area_mu", "many"), "invalid_value", "expected a number, found 'many'"),
        (
            MarkInput("YA001", "area_mu", "3", item="1"),
            "invalid_item",
            "this criterion is given once per entrant: leave the item empty",
        ),
    ],
)
def test_a_mark_that_does_not_fit_is_refused_and_nothing_is_stored(
    db_app: Flask, mark: MarkInput, code: str, message: str
) -> None:
    admin = make_admin()
    contest, _ = setup_orchards(admin)
    with pytest.raises(Refused) as caught:
        marks.record_mark(admin, contest.events[0].id, mark)
    assert (caught.value.code, caught.value.render("en")) == (code, message)
    assert db.session.query(Mark).count() == 0


def test_judged_marks_check_scale_step_assignment_and_signature(db_app: Flask) -> None:
    admin = make_admin()
    contest, judge = setup_orchards(admin)
    event = contest.events[0]
    lifecycle.advance(admin, contest.id, "open_scoring")
    with pytest.raises(Refused) as caught:
        marks.record_mark(judge, event.id, MarkInput("YA001", "canopy_pruning", "8.3"))
    assert caught.value.render("en") == (
        "8.3 is not a valid value of 'canopy_pruning': it goes in steps of 0.5"
    )
    db.session.add(SheetSignoff(judge_id=judge.id, event_id=event.id))
    db.session.commit()
    with pytest.raises(Refused) as caught:
        marks.record_mark(judge, event.id, MarkInput("YA001", "canopy_pruning", "8"))
    assert caught.value.code == "signed"


def test_a_resend_stores_nothing_new_and_a_change_supersedes(db_app: Flask) -> None:
    admin = make_admin()
    contest, judge = setup_orchards(admin)
    event_id = contest.events[0].id
    lifecycle.advance(admin, contest.id, "open_scoring")
    first = marks.record_mark(
        judge, event_id, MarkInput("YA001", "canopy_pruning", "7", idempotency_key="k1")
    )
    again = marks.record_mark(
        judge, event_id, MarkInput("YA001", "canopy_pruning", "7", idempotency_key="k1")
    )
    assert again.id == first.id and db.session.query(Mark).count() == 1
    changed = marks.record_mark(
        judge, event_id, MarkInput("YA001", "canopy_pruning", "8", idempotency_key="k2")
    )
    assert changed.supersedes_id == first.id
    frame = marks.current_marks(event_id)
    assert frame[["entrant", "criterion", "judge", "value"]].values.tolist() == [
        ["YA001", "canopy_pruning", f"J{judge.id}", "8"]
    ]


def test_a_key_answers_only_its_own_judge(db_app: Flask) -> None:
    """Another judge replaying a key reads nothing of the mark stored under it."""
    admin = make_admin()
    contest, judge = setup_orchards(admin)
    event = contest.events[0]
    other = Judge(contest_id=contest.id, name="专家二", token_hash="b" * 64)
    db.session.add(other)
    db.session.flush()
    db.session.add(Assignment(judge_id=other.id, event_id=event.id))
    db.session.commit()
    lifecycle.advance(admin, contest.id, "open_scoring")
    mark = MarkInput("YA001", "canopy_pruning", "7", idempotency_key="k1")
    marks.record_mark(judge, event.id, mark)
    for someone in (Actor("judge", other.id, other.name), admin):
        with pytest.raises(Refused) as caught:
            marks.record_mark(someone, event.id, mark)
        assert caught.value.code == "duplicate_key" and "7" not in caught.value.render("en")
    assert db.session.query(Mark).count() == 1


def test_a_judge_learns_nothing_of_entrants_they_do_not_mark(db_app: Flask) -> None:
    """An unknown code and an existing entrant of another judge get the same answer."""
    admin = make_admin()
    contest, _judge = setup_orchards(admin)
    event = contest.events[0]
    stranger = Judge(contest_id=contest.id, name="专家三", token_hash="c" * 64)
    db.session.add(stranger)
    db.session.flush()
    yours = db.session.query(Entrant).filter_by(event_id=event.id, code="YA002").one()
    db.session.add(Assignment(judge_id=stranger.id, event_id=event.id, entrant_id=yours.id))
    db.session.commit()
    lifecycle.advance(admin, contest.id, "open_scoring")
    actor = Actor("judge", stranger.id, stranger.name)
    answers = []
    for code in ("YA001", "YA999"):
        with pytest.raises(Refused) as caught:
            marks.record_mark(actor, event.id, MarkInput(code, "canopy_pruning", "1_0"))
        answers.append((caught.value.code, caught.value.render("en")))
    assert answers[0] == answers[1] == ("not_assigned", "you are not assigned to mark this")


def test_a_mark_is_stored_canonical(db_app: Flask) -> None:
    admin = make_admin()
    contest, judge = setup_orchards(admin)
    lifecycle.advance(admin, contest.id, "open_scoring")
    stored = marks.record_mark(
        judge, contest.events[0].id, MarkInput("YA001", "canopy_pruning", " 08.50 ")
    )
    assert stored.value == "8.5"
    assert db.session.query(Mark.value).scalar() == "8.5"


def test_standings_follow_the_marks_in_force(db_app: Flask) -> None:
    admin = make_admin()
    contest, _ = setup_orchards(admin)
    event = contest.events[0]
    for criterion, value in (
        ("area_mu", "10"),
        ("yield_kg", "30000"),
        ("revenue_yuan", "200000"),
        ("cost_yuan", "80000"),
        ("premium_kg", "24000"),
        ("commercial_kg", "28800"),
    ):
        marks.record_mark(admin, event.id, measured("YA001", criterion, value))
    result = standings.event_standings(event)
    row = next(r for r in result.rows if r.key == "YA001")
    assert result.table.value("net_income_per_mu", "YA001") == 12000
    assert row.status == "incomplete" and result.complete is False


def test_a_mark_that_finds_every_connection_taken_is_refused_busy(db_app: Flask) -> None:
    """A burst that keeps every connection of the process taken longer than the pool waits
    is `busy` (the tablet keeps the mark and sends it again), never an unanswered error."""
    admin = make_admin()
    contest, _judge = setup_orchards(admin)
    event_id = contest.events[0].id
    lifecycle.advance(admin, contest.id, "open_scoring")
    db.session.remove()
    small = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test secret",
            "SQLALCHEMY_DATABASE_URI": db_app.config["SQLALCHEMY_DATABASE_URI"],
            "SCORING_RULES_DIR": db_app.config["SCORING_RULES_DIR"],
            # one connection, and a wait for it far shorter than the 30 s of production
            "SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": 1, "max_overflow": 0, "pool_timeout": 0.2},
        }
    )
    with small.app_context():
        taken = db.engine.connect()
        try:
            with pytest.raises(Refused) as caught:
                marks.record_mark(admin, event_id, measured("YA001", "area_mu", "12"))
            assert caught.value.code == "busy"
            assert caught.value.render("en").startswith("the server is busy")
        finally:
            taken.close()
        assert db.session.query(Mark).count() == 0
        marks.record_mark(admin, event_id, measured("YA001", "area_mu", "12"))  # sent again
        assert db.session.query(Mark).count() == 1
        db.session.remove()
        db.engine.dispose()
    live.shutdown(small)
