"""What a mark is checked against, read in one statement inside its transaction: the rule
version in force, the entrant, the rounds, the judge's seat and sheet, and the mark it would
supersede. Built once with bind parameters: a mark's statements cost more to build than to
run, and on PostgreSQL each statement is a round trip to the server.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    ScalarSelect,
    Select,
    bindparam,
    exists,
    or_,
    select,
)

from competition.extensions import db
from competition.models import Assignment, Entrant, Judge, Mark, Round, RuleVersion, SheetSignoff


@dataclass(frozen=True)
class Cell:
    """A mark's cell as its transaction sees it."""

    contest_id: int
    status: str  # the contest's stage
    event_id: int
    rules_id: int
    rules_sha256: str
    entrant_id: int | None  # None: no such entrant in the event
    item_round: str | None
    event_round: str | None
    previous: tuple[int, str] | None  # the mark in force for the cell: id and value
    judge_contest: int | None = None  # the judge's contest (None: not a judge, or none such)
    judge_revoked: bool = False
    covered: bool = False  # an assignment covers the cell
    signed: bool = False  # the judge's sheet of the event is signed


def read_cell(
    contest_id: int,
    status: str,
    event_id: int,
    code: str,
    item: str,
    criterion: str,
    judge: int | None,
) -> Cell:
    """The cell of a judge's mark (``judge``) or of a measured value (``judge`` None)."""
    params: dict[str, Any] = {
        "event_id": event_id,
        "code": code,
        "item": item,
        "criterion": criterion,
    }
    connection = db.session.connection()  # a Core statement: the ORM has no part in it
    if judge is None:
        row = connection.execute(_MEASURED, params).one()
        extra: dict[str, Any] = {}
    else:
        row = connection.execute(_JUDGED, params | {"judge_id": judge}).one()
        extra = {
            "judge_contest": row[7],
            "judge_revoked": row[8] is not None,
            "covered": bool(row[9]),
            "signed": bool(row[10]),
        }
    previous = (int(row[5]), str(row[6])) if row[5] is not None else None
    return Cell(
        contest_id, status, event_id, row[0], row[1], row[2], row[3], row[4], previous, **extra
    )


def _entrant() -> ScalarSelect[int]:
    entrants = Entrant.__table__
    return (
        select(entrants.c.id)
        .where(entrants.c.event_id == bindparam("event_id"), entrants.c.code == bindparam("code"))
        .scalar_subquery()
    )


def _round_status(item: BindParameter[str] | str) -> ScalarSelect[str]:
    rounds = Round.__table__
    return (
        select(rounds.c.status)
        .where(rounds.c.event_id == bindparam("event_id"), rounds.c.item == item)
        .scalar_subquery()
    )


def _previous(column: str, judged: bool) -> ScalarSelect[Any]:
    """The newest mark of the cell that nothing supersedes yet."""
    marks, newer = Mark.__table__, Mark.__table__.alias("newer")
    judge: ColumnElement[bool] = (
        marks.c.judge_id == bindparam("judge_id") if judged else marks.c.judge_id.is_(None)
    )
    return (
        select(marks.c[column])
        .where(
            marks.c.event_id == bindparam("event_id"),
            marks.c.entrant_id == _entrant(),
            marks.c.item == bindparam("item"),
            marks.c.criterion == bindparam("criterion"),
            judge,
            ~exists().where(newer.c.supersedes_id == marks.c.id),
        )
        .order_by(marks.c.id.desc())
        .limit(1)
        .scalar_subquery()
    )


def _seat() -> list[Any]:
    """The judge's contest and revocation, whether an assignment covers the cell, and whether
    the judge's sheet is signed."""
    judges, seats, signoffs = Judge.__table__, Assignment.__table__, SheetSignoff.__table__

    def of_judge(column: str) -> ScalarSelect[Any]:
        return (
            select(judges.c[column]).where(judges.c.id == bindparam("judge_id")).scalar_subquery()
        )

    covered = exists().where(
        seats.c.judge_id == bindparam("judge_id"),
        seats.c.event_id == bindparam("event_id"),
        or_(seats.c.criterion == "", seats.c.criterion == bindparam("criterion")),
        or_(seats.c.entrant_id.is_(None), seats.c.entrant_id == _entrant()),
    )
    signed = exists().where(
        signoffs.c.judge_id == bindparam("judge_id"), signoffs.c.event_id == bindparam("event_id")
    )
    return [of_judge("contest_id"), of_judge("revoked_at"), covered, signed]


def _statement(judged: bool) -> Select[Any]:
    versions = RuleVersion.__table__
    columns: list[Any] = [
        versions.c.id,
        versions.c.sha256,
        _entrant(),
        _round_status(bindparam("item")),
        _round_status(""),
        _previous("id", judged),
        _previous("value", judged),
    ]
    if judged:
        columns += _seat()
    return (
        select(*columns)
        .where(versions.c.event_id == bindparam("event_id"))
        .order_by(versions.c.version.desc())
        .limit(1)
    )


_JUDGED = _statement(judged=True)
_MEASURED = _statement(judged=False)
