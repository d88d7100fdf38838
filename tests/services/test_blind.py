"""Blind codes: a two-stage draw reproducible from its seed, a sealed mapping whose every
look is logged, and names that open only when the chief judge unblinds after lock."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import select

from competition.extensions import db
from competition.models import AuditEntry, BlindDraw, Contest, Entrant
from competition.services import blind, lifecycle, users
from competition.services.authority import Actor, Refused
from tests.factories import make_admin, make_contest, make_user

ORGANISER_OR_CHIEF = (
    "forbidden",
    "only the organiser of this contest or the chief judge of this contest may do this",
)

CODES = [f"W{n:02d}" for n in range(1, 13)]


def refusal(error: pytest.ExceptionInfo[Refused]) -> tuple[str, str]:
    return error.value.code, error.value.render("en")


def blind_contest(admin: Actor, codes: list[str] = CODES) -> Contest:
    """A blind contest open for registration, its one event holding the given entrants."""
    contest = make_contest(admin, blind=True)
    event = contest.events[0]
    db.session.add_all(
        Entrant(event_id=event.id, code=code, name=f"选手{code}", attributes={}) for code in codes
    )
    db.session.commit()
    lifecycle.advance(admin, contest.id, "open_registration")
    return contest


def chief_judge_of(admin: Actor, contest: Contest) -> Actor:
    chief = make_user(admin, "chief")
    users.grant_role(admin, chief.id or 0, contest.id, "chief_judge")
    return chief


def audit_actions() -> list[str]:
    return list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.seq)))


# --- the pure draw --------------------------------------------------------------------------


def test_the_same_seed_gives_the_same_draw_whatever_the_order_of_entrants() -> None:
    first = blind.redo("5eed", CODES)
    assert blind.redo("5eed", list(reversed(CODES))) == first
    assert blind.redo("other seed", CODES) != first


def test_a_draw_gives_every_entrant_exactly_one_number_and_one_station() -> None:
    drawn = blind.redo("5eed", CODES, event_position=1)
    assert sorted(d.entrant for d in drawn) == CODES
    assert sorted(d.contestant_no for d in drawn) == [f"B-{n:02d}" for n in range(1, 13)]
    assert sorted(d.station_no for d in drawn) == [f"工位{n:02d}" for n in range(1, 13)]


def test_numbers_are_padded_to_the_width_of_the_entrant_count() -> None:
    drawn = blind.redo("5eed", [f"E{n:03d}" for n in range(120)])
    assert min(d.contestant_no for d in drawn) == "A-001"
    assert max(d.station_no for d in drawn) == "工位120"
    assert {d.station_no for d in blind.redo("5eed", ["x", "y"])} == {"工位01", "工位02"}


def test_event_letters_run_like_spreadsheet_columns() -> None:
    assert [blind.event_letter(p) for p in (0, 1, 25, 26, 27)] == ["A", "B", "Z", "AA", "AB"]


# --- the recorded draw ----------------------------------------------------------------------


def test_a_recorded_draw_is_reproduced_from_its_seed(db_app: Flask) -> None:
    admin = make_admin()
    contest = blind_contest(admin)
    event = contest.events[0]
    draw = blind.draw(admin, event.id)
    assert (draw.method, draw.drawn_by) == ("two_stage", f"user:{admin.id}:admin")
    assert len(draw.seed) == 16
    stored = {(c.entrant.code, c.contestant_no, c.station_no) for c in draw.codes}
    assert stored == set(blind.redo(draw.seed, CODES, event.position))
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "blind.draw")).one()
    assert entry.after["seed"] == draw.seed
    assert "A-" not in repr(entry.after)  # the seed, not the mapping


def test_a_given_seed_is_used_as_it_is(db_app: Flask) -> None:
    admin = make_admin()
    contest = blind_contest(admin)
    draw = blind.draw(admin, contest.events[0].id, seed="监督员 2026-05-01")
    assert draw.seed == "监督员 2026-05-01"
    codes = blind.codes_by_entrant(contest.events[0].id)
    assert {(c.entrant.code, c.contestant_no, c.station_no) for c in codes.values()} == set(
        blind.redo("监督员 2026-05-01", CODES)
    )


def test_a_second_draw_needs_the_first_discarded_with_a_reason(db_app: Flask) -> None:
    admin = make_admin()
    contest = blind_contest(admin)
    event = contest.events[0]
    first = blind.draw(admin, event.id, seed="one")
    with pytest.raises(Refused) as caught:
        blind.draw(admin, event.id, seed="two")
    assert refusal(caught) == (
        "exists",
        "the codes of '焊工' are already drawn: discard that draw with a reason to draw again",
    )
    with pytest.raises(Refused) as caught:
        blind.discard(admin, first.id, "")
    assert caught.value.code == "reason_required"
    blind.discard(admin, first.id, "检录时新增一名选手")
    second = blind.draw(admin, event.id, seed="two")
    assert blind.current_draw(event.id) is second
    assert db.session.scalars(select(BlindDraw)).all() == [second]
    discarded = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "blind.discard")
    ).one()
    assert discarded.reason == "检录时新增一名选手" and discarded.before["seed"] == "one"


def test_codes_are_drawn_only_for_a_blind_contest_before_scoring(db_app: Flask) -> None:
    admin = make_admin()
    open_contest = make_contest(admin, name="公开赛")
    with pytest.raises(Refused) as caught:
        blind.draw(admin, open_contest.events[0].id)
    assert refusal(caught) == ("invalid", "the contest is not blind: there are no codes to draw")
    contest = blind_contest(admin)
    draw = blind.draw(admin, contest.events[0].id)
    lifecycle.advance(admin, contest.id, "open_scoring")
    with pytest.raises(Refused) as caught:
        blind.discard(admin, draw.id, "重抽")
    assert refusal(caught) == ("wrong_state", "scoring has opened: the codes are in use")


def test_no_draw_without_entrants(db_app: Flask) -> None:
    admin = make_admin()
    contest = blind_contest(admin, codes=[])
    with pytest.raises(Refused) as caught:
        blind.draw(admin, contest.events[0].id)
    assert refusal(caught) == ("precondition", "event '焊工' has no entrants yet")


# --- the sealed mapping ---------------------------------------------------------------------


def test_every_look_at_the_sealed_mapping_is_logged(db_app: Flask) -> None:
    admin = make_admin()
    contest = blind_contest(admin)
    chief = chief_judge_of(admin, contest)
    event = contest.events[0]
    blind.draw(admin, event.id, seed="5eed")
    mapping = blind.sealed_mapping(chief, event.id)
    assert [row.contestant_no for row in mapping] == [f"A-{n:02d}" for n in range(1, 13)]
    assert {(r.entrant_code, r.contestant_no, r.station_no) for r in mapping} == set(
        blind.redo("5eed", CODES)
    )
    assert all(r.entrant_name == f"选手{r.entrant_code}" for r in mapping)
    blind.sealed_mapping(admin, event.id)
    assert audit_actions()[-2:] == ["blind.view_mapping", "blind.view_mapping"]
    entry = db.session.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc())).first()
    assert entry is not None and entry.subject == f"event:{event.id}"


def test_strangers_neither_draw_nor_see_the_mapping(db_app: Flask) -> None:
    admin = make_admin()
    stranger = make_user(admin, "stranger")
    contest = blind_contest(admin)
    event = contest.events[0]
    with pytest.raises(Refused) as caught:
        blind.draw(stranger, event.id)
    assert refusal(caught) == ("forbidden", "only the organiser of this contest may do this")
    blind.draw(admin, event.id)
    with pytest.raises(Refused) as caught:
        blind.sealed_mapping(stranger, event.id)
    assert refusal(caught) == ORGANISER_OR_CHIEF
    assert "blind.view_mapping" not in audit_actions()


# --- unblinding and what screens show -------------------------------------------------------


def move_to(admin: Actor, contest: Contest, *steps: str) -> None:
    """Take the steps; these contests are never marked, which the override says."""
    for step in steps:
        lifecycle.advance(admin, contest.id, step, "no marks in this test", override=True)


def test_the_chief_judge_unblinds_only_after_lock(db_app: Flask) -> None:
    admin = make_admin()
    contest = blind_contest(admin)
    chief = chief_judge_of(admin, contest)
    organiser = make_user(admin, "organiser")
    users.grant_role(admin, organiser.id or 0, contest.id, "organiser")
    blind.draw(admin, contest.events[0].id)
    move_to(admin, contest, "open_scoring", "close_scoring")
    with pytest.raises(Refused) as caught:
        blind.unblind(chief, contest.id)
    assert refusal(caught) == ("wrong_state", "the contest is 'Review': names open only after lock")
    move_to(admin, contest, "lock")
    with pytest.raises(Refused) as caught:
        blind.unblind(organiser, contest.id)
    assert refusal(caught) == ("forbidden", "only the chief judge of this contest may do this")
    assert blind.unblind(chief, contest.id).unblinded_at is not None
    assert audit_actions()[-1] == "contest.unblind"
    with pytest.raises(Refused) as caught:
        blind.unblind(chief, contest.id)
    assert caught.value.code == "exists"


def test_labels_show_codes_until_unblinding(db_app: Flask) -> None:
    admin = make_admin()
    contest = blind_contest(admin, codes=["W01", "W02"])
    event = contest.events[0]
    first = db.session.scalars(select(Entrant).where(Entrant.code == "W01")).one()
    assert blind.display_label(first, None, contest, may_see_names=False) == "—"
    blind.draw(admin, event.id, seed="5eed")
    code = blind.codes_by_entrant(event.id)[first.id]
    assert blind.display_label(first, code, contest, may_see_names=False) == code.contestant_no
    assert blind.display_label(first, code, contest, may_see_names=True) == (
        f"选手W01 ({code.contestant_no})"
    )
    move_to(admin, contest, "open_scoring", "close_scoring", "lock")
    assert blind.display_label(first, code, contest, may_see_names=False) == code.contestant_no
    blind.unblind(admin, contest.id)
    assert blind.display_label(first, code, contest, may_see_names=False) == (
        f"选手W01 ({code.contestant_no})"
    )


def test_an_open_contest_shows_names(db_app: Flask) -> None:
    admin = make_admin()
    contest = make_contest(admin)
    entrant = Entrant(event_id=contest.events[0].id, code="W01", name="王建国", attributes={})
    db.session.add(entrant)
    db.session.commit()
    assert blind.display_label(entrant, None, contest, may_see_names=False) == "王建国 (W01)"
