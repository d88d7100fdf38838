"""The public board's outbox: every service that changes what a board shows records, in its own
transaction, the contest's next board version and what the change touches.

Nothing that runs after the commit is needed for the board to be right: a standings cache or
a live board in any process reads the changes after the version it holds, in version order,
and a process that crashed between a commit and its broadcast leaves nothing behind (the next
reader finds the change). The version is raised by an UPDATE of the contest's row, which
writers of one contest take in turn until they commit, so versions follow commit order.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.sql.dml import ReturningUpdate

from competition.extensions import db
from competition.models import BoardChange, Contest, Event
from competition.models.base import utcnow
from competition.services import notifications

ENTRANT = "entrant"  # that entrant's values changed (a mark, a correction)
EVENT = "event"  # the event must be recomputed (entrants, rules)
BOARD = "board"  # only how the board is shown (codes, names, lifecycle, mode, publication)


def record(
    contest_id: int,
    scope: str,
    event_id: int | None = None,
    entrant_ids: Iterable[int] = (),
) -> int:
    """In the caller's transaction, before it commits (and before its audit entry, so every
    writer takes the contest's row before the audit head): raise the contest's board version
    and note what changed (one row per entrant for ``ENTRANT``); the new version."""
    contests = Contest.__table__
    version = int(
        db.session.execute(
            update(contests)
            .where(contests.c.id == contest_id)
            .values(board_version=contests.c.board_version + 1)
            .returning(contests.c.board_version)
        ).scalar_one()
    )
    note(contest_id, version, scope, event_id, entrant_ids)
    return version


@dataclass(frozen=True)
class Claim:
    """A contest's row, taken by a transaction that raised its board version."""

    contest_id: int
    version: int
    status: str


def claim_event(event_id: int) -> Claim | None:
    """:func:`record`'s first half for a mark: raise the board version of the event's contest
    (taking its row until the commit) and read the contest's stage in the same statement;
    None when there is no such event. :func:`note` records what changed."""
    row = db.session.connection().execute(_CLAIM, {"event_id": event_id}).one_or_none()
    return Claim(int(row[0]), int(row[1]), str(row[2])) if row is not None else None


def _claim_statement() -> ReturningUpdate[Any]:
    contests, events = Contest.__table__, Event.__table__
    return (
        update(contests)
        .where(
            contests.c.id
            == select(events.c.contest_id)
            .where(events.c.id == bindparam("event_id"))
            .scalar_subquery()
        )
        .values(board_version=contests.c.board_version + 1)
        .returning(contests.c.id, contests.c.board_version, contests.c.status)
    )


_CLAIM = _claim_statement()
_NOTE = insert(BoardChange.__table__)


def note_entrants(changes: list[tuple[int, int, int, int]]) -> None:
    """Outbox rows of marks, in one statement: (contest, version, event, entrant) each."""
    if not changes:
        return
    now = utcnow()
    db.session.connection().execute(
        _NOTE,
        [
            {
                "contest_id": contest_id,
                "version": version,
                "scope": ENTRANT,
                "event_id": event_id,
                "entrant_id": entrant_id,
                "created_at": now,
            }
            for contest_id, version, event_id, entrant_id in changes
        ],
    )


def note(
    contest_id: int,
    version: int,
    scope: str,
    event_id: int | None = None,
    entrant_ids: Iterable[int] = (),
) -> None:
    """The outbox rows of a change that raised the board to ``version``."""
    now = utcnow()
    targets: list[int | None] = list(entrant_ids) if scope == ENTRANT else [None]
    db.session.execute(
        _NOTE,
        [
            {
                "contest_id": contest_id,
                "version": version,
                "scope": scope,
                "event_id": event_id,
                "entrant_id": entrant_id,
                "created_at": now,
            }
            for entrant_id in targets
        ],
    )


def announce(contest_id: int) -> None:
    """After the commit: wake this process's live board now rather than at its next look at
    the database (a hint only; nothing depends on it)."""
    notifications.publish("board.changed", {"contest_id": contest_id})


@dataclass(frozen=True)
class Changes:
    """What changed in one event between two board versions."""

    entrants: frozenset[int]  # entrant ids whose values changed
    whole_event: bool  # the event must be recomputed in full


def changes_between(contest_id: int, event_id: int, after: int, upto: int) -> Changes:
    """The changes of versions ``after`` < v ≤ ``upto`` that concern the event's standings
    (presentation changes do not)."""
    table = BoardChange.__table__
    rows = db.session.execute(
        select(table.c.scope, table.c.event_id, table.c.entrant_id).where(
            table.c.contest_id == contest_id,
            table.c.version > after,
            table.c.version <= upto,
            table.c.scope != BOARD,
        )
    ).all()
    entrants: set[int] = set()
    whole = False
    for scope, event, entrant in rows:
        if event is not None and event != event_id:
            continue
        if scope == ENTRANT and entrant is not None:
            entrants.add(int(entrant))
        else:
            whole = True
    return Changes(frozenset(entrants), whole)


def versions(contest_ids: Iterable[int]) -> dict[int, int]:
    """Each contest's board version now (one query)."""
    ids = list(contest_ids)
    if not ids:
        return {}
    rows = db.session.connection().execute(_VERSIONS, {"ids": ids}).all()
    return {int(i): int(v or 0) for i, v in rows}


_VERSIONS = select(Contest.__table__.c.id, Contest.__table__.c.board_version).where(
    Contest.__table__.c.id.in_(bindparam("ids", expanding=True))
)
