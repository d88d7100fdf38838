"""An event whose rule file lets it choose its number of items (``count: [5, 6]``): the
organiser chooses when registering it or before scoring opens, and the judges' tablets, the
mark checks and the standings all follow the choice (both databases)."""

from __future__ import annotations

import pytest
from flask import Flask

from competition.extensions import db
from competition.models import Assignment, AuditEntry, Contest, Entrant, Judge
from competition.services import contests, lifecycle, marks, scoring, standings
from competition.services.authority import Actor, Refused
from competition.services.marks import MarkInput
from tests.factories import make_admin, rule_source

DIVING = "examples/diving_individual.yaml"


def diving_event(admin: Actor, count: int | None) -> Contest:
    return contests.create_contest(admin, "跳水", [("男子十米台", rule_source(DIVING), count)])


def seat_a_judge(admin: Actor, contest: Contest) -> tuple[Actor, Judge]:
    event = contest.events[0]
    judge = Judge(contest_id=contest.id, name="裁判一", token_hash="c" * 64)
    db.session.add_all([Entrant(event_id=event.id, code="D1", name="甲", attributes={}), judge])
    db.session.flush()
    db.session.add(Assignment(judge_id=judge.id, event_id=event.id, criterion="execution"))
    db.session.commit()
    return Actor("judge", judge.id, judge.name), judge


def refusal(caught: pytest.ExceptionInfo[Refused]) -> tuple[str, str]:
    return caught.value.code, caught.value.render("en")


def test_an_event_is_registered_with_one_of_its_files_item_counts(db_app: Flask) -> None:
    admin = make_admin()
    with pytest.raises(Refused) as caught:
        diving_event(admin, None)
    assert refusal(caught) == ("invalid", "event '男子十米台': choose how many items it has (5, 6)")
    with pytest.raises(Refused):
        diving_event(admin, 7)
    assert db.session.query(Contest).count() == 0
    event = diving_event(admin, 6).events[0]
    assert event.item_count == 6
    assert contests.ruleset_of(event).item_ids == ["1", "2", "3", "4", "5", "6"]
    assert contests.offered_item_counts(event) == [5, 6]


def test_the_choice_rules_the_tablet_the_mark_checks_and_the_standings(db_app: Flask) -> None:
    admin = make_admin()
    contest = diving_event(admin, 6)
    event = contests.choose_item_count(admin, contest.events[0].id, 5)
    assert contests.ruleset_of(event).item_ids == ["1", "2", "3", "4", "5"]
    entry = db.session.query(AuditEntry).filter_by(action="event.item_count").one()
    assert (entry.before, entry.after) == ({"item_count": 6}, {"item_count": 5})
    actor, judge = seat_a_judge(admin, contest)
    lifecycle.advance(admin, contest.id, "open_registration")
    lifecycle.advance(admin, contest.id, "open_scoring")
    assert {item for _, item, _ in scoring.sheet_of(judge, event).cells()} == {
        "1",
        "2",
        "3",
        "4",
        "5",
    }
    assert marks.record_mark(actor, event.id, MarkInput("D1", "execution", "7.5", item="5"))
    with pytest.raises(Refused) as caught:
        marks.record_mark(actor, event.id, MarkInput("D1", "execution", "7.5", item="6"))
    assert refusal(caught) == ("invalid_item", "unknown item; expected one of: 1, 2, 3, 4, 5")
    (execution,) = [p for p in standings.progress(event) if p.criterion == "execution"]
    assert execution.expected == 5  # one entrant, five dives


def test_the_count_is_fixed_once_scoring_opens(db_app: Flask) -> None:
    admin = make_admin()
    contest = diving_event(admin, 6)
    seat_a_judge(admin, contest)
    lifecycle.advance(admin, contest.id, "open_registration")
    lifecycle.advance(admin, contest.id, "open_scoring")
    with pytest.raises(Refused) as caught:
        contests.choose_item_count(admin, contest.events[0].id, 5)
    assert refusal(caught) == (
        "closed",
        "scoring has opened: the number of items can no longer change",
    )
    assert contest.events[0].item_count == 6


def test_a_count_not_offered_or_for_a_fixed_file_is_refused(db_app: Flask) -> None:
    admin = make_admin()
    contest = diving_event(admin, 6)
    with pytest.raises(Refused) as caught:
        contests.choose_item_count(admin, contest.events[0].id, 4)
    assert refusal(caught) == ("invalid", "event '男子十米台': choose how many items it has (5, 6)")
    welding = contests.create_contest(admin, "焊工", [("焊工", rule_source())])
    with pytest.raises(Refused) as caught:
        contests.choose_item_count(admin, welding.events[0].id, 5)
    assert refusal(caught) == ("invalid", "this event's rule file fixes its number of items")
    db.session.expire_all()
    assert contest.events[0].item_count == 6
