"""Marks that arrive together are committed together: one transaction whose marks are
inserted in one statement, and each mark still answered as if it had come alone (both
databases)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from sqlalchemy import event, func, select

from competition.extensions import db
from competition.models import BoardChange, Mark
from competition.services import audit, lifecycle, marks
from competition.services.authority import Actor, Refused
from competition.services.marks import MarkInput, _Pending, _write
from tests.factories import make_admin
from tests.services.test_marks import setup_orchards

LINK = "a" * 64  # the link setup_orchards gives its judge


def pruning(code: str, value: str, key: str) -> MarkInput:
    return MarkInput(code, "canopy_pruning", value, idempotency_key=key)


def orchards_in_scoring() -> tuple[int, int, Actor]:
    """setup_orchards' contest open for scoring: its id, its event's and its judge."""
    admin = make_admin()
    contest, judge = setup_orchards(admin)
    lifecycle.advance(admin, contest.id, "open_scoring")
    return contest.id, contest.events[0].id, judge


def arrive_together(
    judge: Actor, event_id: int, *inputs: MarkInput, links: list[str] | None = None
) -> list[_Pending]:
    """One batch from tablets, as the group commit writes the marks waiting at one moment."""
    batch = [
        _Pending(Actor("judge", judge.id, ""), event_id, mark, link)
        for mark, link in zip(inputs, links or [LINK] * len(inputs), strict=True)
    ]
    _write(batch)
    db.session.remove()
    return batch


def test_a_batch_answers_each_mark_and_stores_each_once(db_app: Flask) -> None:
    _, event_id, judge = orchards_in_scoring()
    first = pruning("YA001", "8", "k1")
    batch = arrive_together(
        judge,
        event_id,
        first,
        pruning("YA002", "11", "k2"),  # off the scale
        pruning("YA002", "7.5", "k3"),
        first,  # a resend racing its original: answered with it
    )
    assert [p.failure.code if isinstance(p.failure, Refused) else None for p in batch] == [
        None,
        "invalid_value",
        None,
        None,
    ]
    stored = [p.stored for p in batch]
    assert stored[0] is not None and stored[2] is not None
    assert stored[3] == stored[0] and batch[3].announce is None  # stores nothing, says nothing
    assert [p.announce is not None for p in batch[:3]] == [True, False, True]
    rows = db.session.scalars(select(Mark).order_by(Mark.id)).all()
    assert [(m.idempotency_key, m.value) for m in rows] == [("k1", "8"), ("k3", "7.5")]
    assert [m.id for m in rows] == [stored[0].id, stored[2].id]  # ids in arrival order
    changes = db.session.scalar(select(func.count()).select_from(BoardChange))
    assert changes == 2 + 2  # the two entrants, and the board changes of the lifecycle
    assert audit.verify().ok


def test_two_marks_of_one_cell_in_a_batch_supersede_in_order(db_app: Flask) -> None:
    """Nothing else would stop both: a first mark supersedes none, and NULLs never clash."""
    contest_id, event_id, judge = orchards_in_scoring()
    batch = arrive_together(
        judge,
        event_id,
        pruning("YA001", "7", "a"),
        pruning("YA001", "9", "b"),
    )
    older, newer = (p.stored for p in batch)
    assert older is not None and newer is not None
    assert newer.supersedes_id == older.id and older.supersedes_id is None
    in_force = marks.current_marks(event_id)
    assert list(in_force[in_force["criterion"] == "canopy_pruning"]["value"]) == ["9"]
    assert audit.verify().ok
    entries = audit.entries_about(contest_id, [event_id])
    assert entries[0].before == {"value": "7"} and entries[0].after["value"] == "9"


def test_a_mark_from_a_reissued_link_is_refused_alone(db_app: Flask) -> None:
    contest_id, event_id, judge = orchards_in_scoring()
    batch = arrive_together(
        judge,
        event_id,
        pruning("YA001", "8", "old"),
        pruning("YA002", "8", "new"),
        links=["b" * 64, LINK],
    )
    assert isinstance(batch[0].failure, Refused) and batch[0].failure.code == "unauthorised"
    assert batch[1].stored is not None and batch[1].failure is None
    keys = db.session.scalars(select(Mark.idempotency_key)).all()
    assert keys == ["new"]
    entries = audit.entries_about(contest_id, [event_id])
    assert entries[0].actor == f"judge:{judge.id}:{judge.name}"  # named from the database


def test_a_batch_costs_the_statements_of_one_mark(db_app: Flask) -> None:
    """On PostgreSQL each statement is a round trip: a batch reads its cells together and
    inserts its marks together, so seven marks cost what one does."""
    _, event_id, judge = orchards_in_scoring()
    criteria = ["canopy_pruning", "soil_fertiliser_water", "pest_control_green"]
    criteria.append("records_traceability")
    cells = [
        MarkInput(c, k, "5", idempotency_key=c + k) for c in ("YA001", "YA002") for k in criteria
    ]
    counted: list[str] = []

    def count(*args: object) -> None:
        counted.append(str(args[2]))

    with db.engine.connect():  # the pool's first connection is made outside the count
        pass
    event.listen(db.engine, "before_cursor_execute", count)
    try:
        arrive_together(judge, event_id, cells[0])
        one = len(counted)
        counted.clear()
        batch = arrive_together(judge, event_id, *cells[1:])
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert all(p.stored is not None for p in batch)
    assert len(counted) == one, [c[:40] for c in counted]


def test_a_judges_sheet_is_stored_whole_or_not_at_all(
    db_app: Flask, heard: Callable[[str], list[dict[str, object]]]
) -> None:
    """record_marks: every mark of the sheet checked as a tablet's; one off the scale and
    none is stored, the refusal naming it; the sheet put right, all are, each announced as
    a tablet's mark is; sent again with the same keys, none is stored twice."""
    _, event_id, judge = orchards_in_scoring()
    recorded = heard("mark.recorded")
    sheet = [
        MarkInput("YA001", "canopy_pruning", "8", idempotency_key="s-1"),
        MarkInput("YA002", "canopy_pruning", "11", idempotency_key="s-2"),
    ]
    with pytest.raises(Refused) as refused:
        marks.record_marks(judge, event_id, sheet)
    assert refused.value.code == "invalid_value"
    assert db.session.scalar(select(func.count()).select_from(Mark)) == 0
    sheet[1] = MarkInput("YA002", "canopy_pruning", "7.5", idempotency_key="s-2")
    assert marks.record_marks(judge, event_id, sheet) == 2
    stored = {(m.entrant_id, m.value) for m in db.session.scalars(select(Mark))}
    assert len(stored) == 2 and {v for _, v in stored} == {"8", "7.5"}
    assert len(recorded) == 2
    assert marks.record_marks(judge, event_id, sheet) == 0  # a resend stores nothing
    assert db.session.scalar(select(func.count()).select_from(Mark)) == 2
    assert len(recorded) == 2
    assert audit.verify().ok
