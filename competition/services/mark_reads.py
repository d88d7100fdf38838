"""What a mark is checked against, read in one statement inside its transaction: the rule
version in force, the entrant, the rounds, the judge's seat and sheet, and the mark it would
supersede. Built once with bind parameters: a mark's statements cost more to build than to
run, and on PostgreSQL each statement is a round trip to the server.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ARRAY,
    BindParameter,
    ColumnElement,
    CompoundSelect,
    Integer,
    ScalarSelect,
    Select,
    String,
    bindparam,
    exists,
    func,
    literal,
    literal_column,
    or_,
    select,
    true,
    union_all,
)

from competition.extensions import db
from competition.models import (
    Assignment,
    Entrant,
    Event,
    Judge,
    Mark,
    Round,
    RuleVersion,
    SheetSignoff,
)


@dataclass(frozen=True)
class Cell:
    """A mark's cell as its transaction sees it."""

    contest_id: int
    status: str  # the contest's stage
    event_id: int
    rules_id: int
    rules_sha256: str
    item_count: int | None  # the event's chosen item count, where its rule file offers several
    entrant_id: int | None  # None: no such entrant in the event
    item_round: str | None
    event_round: str | None
    previous: tuple[int, str] | None  # the mark in force for the cell: id and value
    judge_contest: int | None = None  # the judge's contest (None: not a judge, or none such)
    judge_revoked: bool = False
    covered: bool = False  # an assignment covers the cell
    signed: bool = False  # the judge's sheet of the event is signed


AT_ONCE = 32  # judges' cells read in one statement at most
Wanted = tuple[int, str, str, str, int]  # event, entrant code, item, criterion, judge
_AHEAD = "mark_reads.ahead"  # the session's cells read ahead, and in which transaction


def read_ahead(contest_id: int, status: str, wanted: list[Wanted]) -> dict[int, tuple[str, str]]:
    """Judges' cells of one contest read together, in a statement per AT_ONCE of them (on
    PostgreSQL each statement is a round trip), for :func:`read_cell` to hand out in the
    same transaction, each once: asked again (the batch wrote a mark of it since), a cell
    is read anew. Returns the name and link hash of each of their judges not revoked."""
    session = db.session()
    connection = session.connection()
    transaction = session.get_transaction()
    kept, found = session.info.get(_AHEAD, (None, {}))
    if kept is not transaction:
        found = {}
    links: dict[int, tuple[str, str]] = {}
    at_once = (len(wanted) or 1) if connection.dialect.name == "postgresql" else AT_ONCE
    for start in range(0, len(wanted), at_once):
        part = wanted[start : start + at_once]
        statement, params = _cells_statement(connection.dialect.name, part)
        for row in connection.execute(statement, params):
            one = part[int(row[-1])]
            found.setdefault(one, []).append(_cell(contest_id, status, one[0], row, True))
            if row[8] is None and row[-3] is not None:  # not revoked, and there is such a judge
                links[one[4]] = (str(row[-3]), str(row[-2]))
    session.info[_AHEAD] = (transaction, found)
    return links


def _taken_ahead(wanted: Wanted) -> Cell | None:
    session = db.session()
    transaction, found = session.info.get(_AHEAD, (None, {}))
    if transaction is None or transaction is not session.get_transaction():
        return None
    cells = found.get(wanted)
    return cells.pop() if cells else None


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
    if judge is not None:
        ahead = _taken_ahead((event_id, code, item, criterion, judge))
        if ahead is not None:
            return ahead
    params: dict[str, Any] = {
        "event_id": event_id,
        "code": code,
        "item": item,
        "criterion": criterion,
    }
    connection = db.session.connection()  # a Core statement: the ORM has no part in it
    if judge is None:
        row = connection.execute(_MEASURED, params).one()
    else:
        row = connection.execute(_JUDGED, params | {"judge_id": judge}).one()
    return _cell(contest_id, status, event_id, row, judge is not None)


def _cell(contest_id: int, status: str, event_id: int, row: Sequence[Any], judged: bool) -> Cell:
    extra: dict[str, Any] = {}
    if judged:
        extra = {
            "judge_contest": row[7],
            "judge_revoked": row[8] is not None,
            "covered": bool(row[9]),
            "signed": bool(row[10]),
        }
    previous = (int(row[5]), str(row[6])) if row[5] is not None else None
    item_count = row[11 if judged else 7]
    return Cell(
        contest_id,
        status,
        event_id,
        row[0],
        row[1],
        item_count,
        row[2],
        row[3],
        row[4],
        previous,
        **extra,
    )


Param = Callable[[str], BindParameter[Any]]  # a bind parameter by its name in one read


def _entrant(p: Param) -> ScalarSelect[int]:
    entrants = Entrant.__table__
    return (
        select(entrants.c.id)
        .where(entrants.c.event_id == p("event_id"), entrants.c.code == p("code"))
        .scalar_subquery()
    )


def _round_status(p: Param, item: BindParameter[str] | str) -> ScalarSelect[str]:
    rounds = Round.__table__
    return (
        select(rounds.c.status)
        .where(rounds.c.event_id == p("event_id"), rounds.c.item == item)
        .scalar_subquery()
    )


def _previous(p: Param, column: str, judged: bool) -> ScalarSelect[Any]:
    """The newest mark of the cell that nothing supersedes yet."""
    marks, newer = Mark.__table__, Mark.__table__.alias("newer")
    judge: ColumnElement[bool] = (
        marks.c.judge_id == p("judge_id") if judged else marks.c.judge_id.is_(None)
    )
    return (
        select(marks.c[column])
        .where(
            marks.c.event_id == p("event_id"),
            marks.c.entrant_id == _entrant(p),
            marks.c.item == p("item"),
            marks.c.criterion == p("criterion"),
            judge,
            ~exists().where(newer.c.supersedes_id == marks.c.id),
        )
        .order_by(marks.c.id.desc())
        .limit(1)
        .scalar_subquery()
    )


def _seat(p: Param) -> list[Any]:
    """The judge's contest and revocation, whether an assignment covers the cell, and whether
    the judge's sheet is signed."""
    judges, seats, signoffs = Judge.__table__, Assignment.__table__, SheetSignoff.__table__

    def of_judge(column: str) -> ScalarSelect[Any]:
        return select(judges.c[column]).where(judges.c.id == p("judge_id")).scalar_subquery()

    covered = exists().where(
        seats.c.judge_id == p("judge_id"),
        seats.c.event_id == p("event_id"),
        or_(seats.c.criterion == "", seats.c.criterion == p("criterion")),
        or_(seats.c.entrant_id.is_(None), seats.c.entrant_id == _entrant(p)),
    )
    signed = exists().where(
        signoffs.c.judge_id == p("judge_id"), signoffs.c.event_id == p("event_id")
    )
    return [of_judge("contest_id"), of_judge("revoked_at"), covered, signed]


def _statement(judged: bool, p: Param = bindparam) -> Select[Any]:
    versions = RuleVersion.__table__
    columns: list[Any] = [
        versions.c.id,
        versions.c.sha256,
        _entrant(p),
        _round_status(p, p("item")),
        _round_status(p, ""),
        _previous(p, "id", judged),
        _previous(p, "value", judged),
    ]
    if judged:
        columns += _seat(p)
    events = Event.__table__
    columns.append(
        select(events.c.item_count).where(events.c.id == p("event_id")).scalar_subquery()
    )  # last: after the seat's columns, before a batch read's own
    return (
        select(*columns)
        .where(versions.c.event_id == p("event_id"))
        .order_by(versions.c.version.desc())
        .limit(1)
    )


def _cells_statement(
    dialect: str, part: list[Wanted]
) -> tuple[Select[Any] | CompoundSelect[Any], dict[str, Any]]:
    """The statement that reads ``part`` and its parameters. On PostgreSQL one statement
    for any number of cells, the cells passed as arrays: the same text every time, so the
    server plans it once per connection and keeps the plan (a union of twenty cells took
    50 ms to plan and 8 ms to run). SQLite plans a union in microseconds."""
    if dialect == "postgresql":
        columns = list(zip(*part, strict=True))
        names = ("event_id", "code", "item", "criterion", "judge_id")
        params: dict[str, Any] = {
            f"w_{name}": list(col) for name, col in zip(names, columns, strict=True)
        }
        params["w_n"] = list(range(len(part)))
        return _UNNESTED, params
    params = {}
    for n, (event_id, code, item, criterion, judge) in enumerate(part):
        params |= {f"m{n}_event_id": event_id, f"m{n}_code": code, f"m{n}_item": item}
        params |= {f"m{n}_criterion": criterion, f"m{n}_judge_id": judge}
    return _judged_cells(len(part)), params


def _unnested_cells() -> Select[Any]:
    """Judges' cells given as arrays (``w_event_id``, ``w_code`` … and ``w_n``, their
    numbers), each read as :data:`_JUDGED` does through a LATERAL subquery, then the
    judge's name and link hash, and its number last — the rows :func:`_judged_cells`
    gives."""
    judges = Judge.__table__
    arrays: dict[str, ARRAY[Any]] = {
        "event_id": ARRAY(Integer),
        "code": ARRAY(String),
        "item": ARRAY(String),
        "criterion": ARRAY(String),
        "judge_id": ARRAY(Integer),
        "n": ARRAY(Integer),
    }
    wanted = select(
        *(
            func.unnest(bindparam(f"w_{name}", type_=kind)).label(name)
            for name, kind in arrays.items()
        )
    ).subquery("wanted")

    def p(name: str) -> Any:
        # named as text: a column object would pull ``wanted`` into every subquery's FROM
        # (a cross join) instead of referring to the LATERAL's outer row
        return literal_column(f"wanted.{name}")

    cell = _statement(True, p).lateral("cell")
    link = [
        select(judges.c[column]).where(judges.c.id == wanted.c.judge_id).scalar_subquery()
        for column in ("name", "token_hash")
    ]
    return (
        select(*cell.c, *link, wanted.c.n)
        .select_from(wanted.join(cell, true()))
        .order_by(wanted.c.n)
    )


@functools.lru_cache(maxsize=AT_ONCE)
def _judged_cells(count: int) -> CompoundSelect[Any]:
    """``count`` judges' cells in one statement: each read as :data:`_JUDGED` does, with its
    parameters numbered, then the judge's name and link hash, and its number last."""
    judges = Judge.__table__

    def reading(n: int) -> Select[Any]:
        def p(name: str) -> BindParameter[Any]:
            return bindparam(f"m{n}_{name}")  # not name_1: SQLAlchemy names its own so

        one = _statement(True, p).subquery(f"cell_{n}")
        link = [
            select(judges.c[column]).where(judges.c.id == p("judge_id")).scalar_subquery()
            for column in ("name", "token_hash")
        ]
        return select(*one.c, *link, literal(n).label("n"))

    return union_all(*(reading(n) for n in range(count)))


_JUDGED = _statement(judged=True)
_MEASURED = _statement(judged=False)
_UNNESTED = _unnested_cells()
