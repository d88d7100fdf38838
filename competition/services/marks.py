"""Recording marks: checked against the pinned rules, appended (never updated), audited, and
acknowledged only once committed (:mod:`competition.services.mark_store` checks and writes
one mark).

Marks that arrive while another batch is being committed are committed together, in one
transaction (group commit): the first caller to find no batch under way writes every mark
waiting at that moment, commits once, and hands its answers back; whoever arrived meanwhile
leads the next batch. A lone mark is written at once, as before; twenty tablets marking at
full speed share a commit instead of queueing for one each.
"""

from __future__ import annotations

import threading
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import pandas as pd
from flask import Flask, current_app
from sqlalchemy import and_, exists, select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import aliased

from competition.database import is_busy, release_connection
from competition.extensions import db, process_state
from competition.models import Entrant, Mark
from competition.offload import off_the_loop
from competition.rules.datafiles import marks_frame
from competition.rules.messages import N_, msg
from competition.services import mark_reads, mark_store, notifications, outbox
from competition.services.authority import Actor, Refused
from competition.services.mark_store import MEASURED_STAGES, MarkInput, StoredMark

__all__ = [
    "MEASURED_STAGES",
    "MarkInput",
    "StoredMark",
    "current_marks",
    "record_mark",
    "record_marks",
]

BUSY = msg(N_("the server is busy: send the mark again in a moment"))


def record_mark(
    actor: Actor, event_id: int, mark: MarkInput, link: str | None = None
) -> StoredMark:
    """Store one mark (a judge's) or measured value (an organiser's), or refuse with why;
    returns once the mark is committed. With ``link`` (a tablet's session: the judge's id
    and the hash of the link it was opened with) the judge's link must still stand, and the
    judge is named from the database.

    A database that is only busy — other writers held it longer than we wait, or every
    connection of this process stayed taken (the pool's timeout) — is refused as ``busy``,
    stores nothing, and the tablet sends the mark again."""
    pending = _Pending(actor, event_id, mark, link)
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    _queue(app).submit(app, pending)
    if pending.failure is not None:
        raise pending.failure
    assert pending.stored is not None
    return pending.stored


def record_marks(actor: Actor, event_id: int, batch: Sequence[MarkInput]) -> int:
    """Store a sheet of one actor's marks (a judge's, or an organiser's measured values) in
    one transaction, each checked as :func:`record_mark` checks it: all or none, the first
    refusal raised with nothing stored. How many were stored."""
    together = mark_store.Batch()
    try:
        written = [mark_store.write(together, actor, event_id, mark) for mark in batch]
        together.finish()
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    for contest_id in sorted({change[0] for change in together.changed}):
        outbox.announce(contest_id)
    stored = [w.announce for w in written if w.announce is not None]  # not a resend
    for announce in stored:  # told as a tablet's mark is (the live boards look at once)
        notifications.publish("mark.recorded", announce)
    return len(stored)


@dataclass
class _Pending:
    actor: Actor
    event_id: int
    mark: MarkInput
    link: str | None
    stored: StoredMark | None = None
    failure: BaseException | None = None
    announce: dict[str, object] | None = None
    lead: bool = False  # woken to write the next batch, not with an answer
    woken: threading.Event = field(default_factory=threading.Event)


@dataclass
class _Queue:
    """The marks of one app and process waiting for their commit."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    waiting: list[_Pending] = field(default_factory=list)
    leading: bool = False

    def submit(self, app: Flask, pending: _Pending) -> None:
        release_connection()  # whoever writes the batch may need it
        with self.lock:
            self.waiting.append(pending)
            lead = not self.leading
            self.leading = True
        if not lead:
            pending.woken.wait()
            if not pending.lead:
                return
        self._lead(app)

    def _lead(self, app: Flask) -> None:
        with self.lock:
            batch, self.waiting = self.waiting, []
        try:
            # the commit waits for the disk: off the event loop, while the next marks queue
            off_the_loop(app, lambda: _write(batch))
        except Exception as error:  # the pool itself failed: every writer hears of it
            for pending in batch:
                if pending.stored is None and pending.failure is None:
                    pending.failure = error
        else:
            _announce(batch)  # here: the listeners send on the loop's sockets
        finally:
            with self.lock:
                following = self.waiting[0] if self.waiting else None
                if following is not None:
                    following.lead = True
                else:
                    self.leading = False
            if following is not None:  # first: the next batch is written while these answer
                following.woken.set()
            for pending in batch:
                pending.woken.set()


def _queue(app: Flask) -> _Queue:
    return process_state("mark_queue", _Queue, app)


def _write(batch: list[_Pending]) -> None:
    """Every mark of the batch in one transaction and one commit; each pending gets its
    stored mark or its refusal. Should the batch as a whole fail on a key or a cell taken at
    the same moment by a writer elsewhere, each mark is written again on its own."""
    try:
        together = mark_store.Batch()
        together.read_ahead([p.mark.idempotency_key for p in batch if p.mark.idempotency_key], [])
        _cells_ahead(together, batch)
        written = []
        for pending in batch:
            try:
                written.append((pending, _checked(together, pending)))
            except Refused as refused:
                pending.failure = refused
        together.finish()
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        for pending in batch:
            pending.failure = None
            _write_alone(pending)
        return
    except BaseException as error:
        db.session.rollback()
        for pending in batch:
            pending.failure = _busy_or(error)
        if not isinstance(error, Exception):  # an interrupt, not the marks' fault
            raise
        return
    for pending, done in written:
        pending.stored, pending.announce = done.stored, done.announce


def _cells_ahead(together: mark_store.Batch, batch: list[_Pending]) -> None:
    """The cells of the batch's new judges' marks and their judges' links, read in one
    statement for them all once their contest's row is taken (``mark_store.write`` reads a
    cell, or a link, itself otherwise)."""
    wanted: dict[int, list[mark_reads.Wanted]] = {}
    for pending in batch:
        actor, mark = pending.actor, pending.mark
        if actor.kind != "judge" or actor.id is None or mark.idempotency_key in together.known:
            continue
        cell = (pending.event_id, mark.entrant, mark.item, mark.criterion, actor.id)
        wanted.setdefault(pending.event_id, []).append(cell)
    for event_id, cells in wanted.items():
        try:
            claimed = together.claim(event_id)
        except Refused:
            continue  # no such event: each of its marks hears so from write
        # the judges' links come with their cells: a resend's is read when it is checked
        together.links |= mark_reads.read_ahead(claimed.contest_id, claimed.status, cells)
        together.linked.update(cell[4] for cell in cells)


def _checked(batch: mark_store.Batch, pending: _Pending) -> mark_store.Written:
    return mark_store.write(batch, pending.actor, pending.event_id, pending.mark, pending.link)


def _write_alone(pending: _Pending) -> None:
    try:
        alone = mark_store.Batch()
        done = _checked(alone, pending)
        alone.finish()
        db.session.commit()
        pending.stored, pending.announce = done.stored, done.announce
    except Refused as refused:
        db.session.rollback()
        pending.failure = refused
    except IntegrityError:
        # the same key arrived twice at once (a resend racing its original, or two cells
        # superseding the same mark): the first one stored wins, the other gets its answer
        db.session.rollback()
        try:
            pending.stored = mark_store.stored_twin(pending.mark)
        except Refused as refused:
            pending.failure = refused
    except Exception as error:  # the one mark's own fault: its caller hears of it
        db.session.rollback()
        pending.failure = _busy_or(error)


def _busy_or(error: BaseException) -> BaseException:
    """A database that is only busy becomes the ``busy`` refusal; anything else stays."""
    if isinstance(error, PoolTimeout) or (isinstance(error, OperationalError) and is_busy(error)):
        return Refused("busy", BUSY)
    return error


def _announce(batch: list[_Pending]) -> None:
    for pending in batch:
        if pending.announce is not None:
            notifications.publish("mark.recorded", pending.announce)


def current_marks(
    event_id: int,
    as_of: datetime | None = None,
    entrant: str | None = None,
    entrants: list[str] | None = None,
    entrant_ids: Collection[int] | None = None,
) -> pd.DataFrame:
    """Every mark in force (not superseded), shaped as the engine reads MARKS.csv; judges
    are named J<id> and each mark's ``line`` is its id, so the same mark has the same line
    in every read. With ``as_of``: the marks in force at that moment (a frozen board); with
    ``entrant`` or ``entrants``: only those entrants' (by code); with ``entrant_ids``: by id,
    read through the marks' (event, entrant) index instead of every mark of the event."""
    newer = aliased(Mark)
    superseding = exists().where(newer.supersedes_id == Mark.id)  # one probe of its index
    stored = Mark.event_id == event_id
    if as_of is not None:
        superseding = exists().where(newer.supersedes_id == Mark.id, newer.created_at <= as_of)
        stored = and_(stored, Mark.created_at <= as_of)
    if entrant is not None:
        stored = and_(stored, Entrant.code == entrant)
    if entrants is not None:
        stored = and_(stored, Entrant.code.in_(entrants))
    if entrant_ids is not None:
        stored = and_(stored, Mark.entrant_id.in_(sorted(entrant_ids)))
    rows = db.session.execute(
        select(Entrant.code, Mark.item, Mark.criterion, Mark.judge_id, Mark.value, Mark.id)
        .join(Entrant, Entrant.id == Mark.entrant_id)
        .where(and_(stored, ~superseding))
        .order_by(Mark.id)
    ).all()
    frame = marks_frame(
        [
            {
                "entrant": code,
                "item": item,
                "criterion": criterion,
                "judge": f"J{judge_id}" if judge_id is not None else "",
                "value": value,
            }
            for code, item, criterion, judge_id, value, _ in rows
        ]
    )
    frame["line"] = [row[-1] for row in rows]
    return frame
