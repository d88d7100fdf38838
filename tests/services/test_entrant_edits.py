"""Correcting one entrant: checked like an imported row, only by the organiser, only until
scoring ends, audited before → after, and on the live board at once."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import select

from competition.extensions import db
from competition.models import AuditEntry, Contest, ContestRole, Entrant
from competition.services import audit_reading, entrants, lifecycle, scoring
from competition.services.authority import Actor, Refused
from competition.services.entrant_sheets import SheetError
from competition.services.live_boards import board_feed
from tests.factories import make_admin, make_contest, make_user
from tests.scenes import Orchards, inspect, orchard_contest


@pytest.fixture
def admin(db_app: Flask) -> Actor:
    return make_admin()


@pytest.fixture
def organiser(admin: Actor) -> Actor:
    return make_user(admin, "organiser")


@pytest.fixture
def welding(admin: Actor, organiser: Actor) -> Contest:
    contest = make_contest(admin, organisers=(organiser.id or 0,))
    entrants.add_entrant(
        organiser, contest.events[0].id, "W01", "王建国", {"unit": "一建", "is_worker": "是"}
    )
    return contest


@pytest.fixture
def orchards(db_app: Flask) -> Orchards:
    return orchard_contest(make_admin(), count=3)


def entrant(event_id: int, code: str) -> Entrant:
    found = db.session.scalar(
        select(Entrant).where(Entrant.event_id == event_id, Entrant.code == code)
    )
    assert found is not None
    return found


def last_entry() -> AuditEntry:
    found = db.session.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc())).first()
    assert found is not None
    return found


def test_a_correction_is_checked_like_an_imported_row_and_bad_input_changes_nothing(
    organiser: Actor, welding: Contest
) -> None:
    event_id = welding.events[0].id
    entries = last_entry().seq
    with pytest.raises(SheetError) as caught:
        entrants.edit_entrant(organiser, event_id, "W01", "", {"unit": "", "is_worker": "大概"})
    assert [(p.row, p.column, p.message.render("en")) for p in caught.value.problems] == [
        (None, "姓名", "the name is empty"),
        (None, "工作单位", "required, but empty"),
        (None, "职工身份", "expected yes or no (1/0, true/false, 是/否), found '大概'"),
    ]
    with pytest.raises(SheetError) as caught:
        entrants.edit_entrant(organiser, event_id, "W01", "王", {"age": "30"})
    assert caught.value.problems[0].message.render("en") == "'age' is not a field of this event"
    found = entrant(event_id, "W01")
    assert (found.name, found.attributes) == ("王建国", {"unit": "一建", "is_worker": True})
    assert last_entry().seq == entries


def test_a_correction_is_audited_before_and_after_and_the_code_stays(
    organiser: Actor, welding: Contest
) -> None:
    event_id = welding.events[0].id
    edited = entrants.edit_entrant(
        organiser, event_id, "W01", "王建军", {"unit": "市第一建筑公司", "is_worker": "否"}
    )
    assert (edited.code, edited.name) == ("W01", "王建军")
    assert edited.attributes == {"unit": "市第一建筑公司", "is_worker": False}
    entry = last_entry()
    assert (entry.action, entry.subject, entry.role) == (
        "entrant.edit",
        f"event:{event_id}/entrant:W01",
        "organiser",
    )
    assert entry.before == {
        "name": "王建国",
        "attributes": {"is_worker": True, "unit": "一建"},
    }
    assert entry.after == {
        "name": "王建军",
        "attributes": {"is_worker": False, "unit": "市第一建筑公司"},
    }
    (read,) = audit_reading.log_page(
        welding, audit_reading.Filters(action="entrant.edit"), "en"
    ).entries
    assert read.what == "Corrected an entrant's name or details"
    assert "王建国" in read.before and "王建军" in read.after
    seq = entry.seq
    entrants.edit_entrant(
        organiser, event_id, "W01", "王建军", {"unit": "市第一建筑公司", "is_worker": "0"}
    )
    assert last_entry().seq == seq  # nothing changed, nothing recorded


def test_only_the_organiser_or_an_admin_corrects(
    admin: Actor, organiser: Actor, welding: Contest
) -> None:
    event_id = welding.events[0].id
    chief = make_user(admin, "chief")
    db.session.add(ContestRole(user_id=chief.id, contest_id=welding.id, role="chief_judge"))
    db.session.commit()
    for someone in (chief, make_user(admin, "stranger")):
        with pytest.raises(Refused) as caught:
            entrants.edit_entrant(someone, event_id, "W01", "李四", {"unit": "一建"})
        assert caught.value.render("en") == "only the organiser of this contest may do this"
    assert entrant(event_id, "W01").name == "王建国"
    entrants.edit_entrant(admin, event_id, "W01", "李四", {"unit": "一建", "is_worker": "1"})
    assert (entrant(event_id, "W01").name, last_entry().role) == ("李四", "admin")
    with pytest.raises(Refused) as caught:
        entrants.edit_entrant(admin, event_id, "W99", "李四", {"unit": "一建"})
    assert caught.value.render("en") == "no entrant 'W99' in this event"


def test_a_name_corrected_while_scoring_reaches_the_live_board(orchards: Orchards) -> None:
    contest_id, event_id = orchards.contest_id, orchards.event_id
    before = board_feed().now(contest_id)
    assert before is not None
    assert "果园YA002" in {row["label"] for row in before.board["events"][0]["rows"]}
    entrants.edit_entrant(
        orchards.admin, event_id, "YA002", "洛川苹果示范园", {"county": "洛川县", "operator": "李"}
    )
    after = board_feed().now(contest_id)
    assert after is not None and after.version > before.version
    labels = {row["label"] for row in after.board["events"][0]["rows"]}
    assert "洛川苹果示范园" in labels and "果园YA002" not in labels


def test_corrections_stop_once_the_results_are_locked(orchards: Orchards) -> None:
    for code in orchards.codes:
        inspect(orchards, code)
    lifecycle.advance(orchards.admin, orchards.contest_id, "close_scoring")
    for judge in orchards.judges:
        scoring.sign_sheet(judge, orchards.event_id)
    # in review a typo seen on the draft award list can still be put right
    entrants.edit_entrant(orchards.admin, orchards.event_id, "YA001", "新名", {"county": "富县"})
    assert entrant(orchards.event_id, "YA001").name == "新名"
    lifecycle.advance(orchards.admin, orchards.contest_id, "lock")
    with pytest.raises(Refused) as caught:
        entrants.edit_entrant(orchards.admin, orchards.event_id, "YA001", "又一名", {})
    assert (caught.value.code, caught.value.render("en")) == (
        "wrong_state",
        "the contest is 'Locked': entrants are corrected only until the results are locked",
    )
    assert entrant(orchards.event_id, "YA001").name == "新名"
