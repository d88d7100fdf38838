"""The latest accepted marks the big screen lists: named as the board names entrants, a
judge's value never shown, nothing from a frozen or hidden board."""

from __future__ import annotations

from flask import Flask

from competition.extensions import db
from competition.models import Contest
from competition.services import blind, board
from competition.services.recent_marks import LATEST, recent_marks
from tests.factories import make_admin
from tests.scenes import inspect, orchard_contest


def contest_of(contest_id: int) -> Contest:
    contest = db.session.get(Contest, contest_id)
    assert contest is not None
    return contest


def test_the_latest_marks_name_the_entrant_and_hide_a_judges_value(db_app: Flask) -> None:
    scene = orchard_contest(make_admin(), 2)
    inspect(scene, "YA001", "8", range(1))
    recent = board.live_board(contest_of(scene.contest_id))["recent"]
    assert len(recent) == LATEST
    assert recent[0] | {"id": 0} == {
        "id": 0,
        "event": "焊工",
        "entrant": "果园YA001",
        "item": None,
        "criterion": "生产记录与质量追溯",
        "value": None,
    }
    assert [m["value"] for m in recent[:4]] == [None] * 4
    measured = recent[4]  # the field data entered before: a value, shown
    assert (measured["criterion"], measured["value"]) == ("商品果重量", "18900")


def test_a_blind_contest_names_the_contestant_number_only(db_app: Flask) -> None:
    scene = orchard_contest(make_admin(), 2, blind=True)
    numbers = {
        c.entrant.code: c.contestant_no for c in blind.codes_by_entrant(scene.event_id).values()
    }
    recent = recent_marks(contest_of(scene.contest_id), names_open=False)
    assert {m["entrant"] for m in recent} <= set(numbers.values())
    assert all("果园" not in m["entrant"] for m in recent)


def test_a_frozen_or_hidden_board_lists_no_mark(db_app: Flask) -> None:
    scene = orchard_contest(make_admin(), 2)
    for mode in ("frozen", "hidden"):
        board.set_mode(scene.admin, scene.contest_id, mode)
        inspect(scene, "YA002", "8", range(1))
        assert board.live_board(contest_of(scene.contest_id))["recent"] == []
