"""One mark checked and written inside the caller's transaction: the contest's row taken
first (its board version raised, once per transaction), then everything the mark needs
checked in one read (:mod:`competition.services.mark_reads`), then the mark appended. Its
outbox row and its audit entry wait in the :class:`Batch`, which writes those of every mark
of the transaction together before the commit. Nothing here commits: :mod:`marks` commits
the marks that arrive together in one transaction.

A judge's mark needs an open round, an assignment covering it and an unsigned sheet;
measured values are entered by the organisers. A resend with the same idempotency key gets
the mark already stored and stores nothing new.
"""

from __future__ import annotations

import hmac
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import CursorResult, Executable, bindparam, insert, select

from competition.extensions import db
from competition.models import Judge, Mark
from competition.models.base import utcnow
from competition.rules import RuleSet
from competition.rules.inputs import value_problem
from competition.rules.mark_checks import item_group_refusal
from competition.rules.messages import N_, msg
from competition.rules.model import Judged
from competition.rules.not_taken import stored_value
from competition.services import audit, audit_coverage, judges, outbox
from competition.services.authority import Actor, Refused, require_role
from competition.services.contests import ruleset_of_version
from competition.services.mark_reads import Cell, read_cell

MEASURED_STAGES = ("registration", "scoring", "review")


@dataclass(frozen=True)
class MarkInput:
    entrant: str  # the entrant's code
    criterion: str
    value: str
    item: str = ""
    idempotency_key: str | None = None


@dataclass(frozen=True)
class StoredMark:
    """A mark as stored: what the tablet's answer and the callers need of it."""

    id: int
    value: str
    judge_id: int | None
    supersedes_id: int | None


@dataclass
class Written:
    """One mark of a batch: the mark as stored and what to announce once committed (None for
    a resend, which stores nothing), filled in when the batch has written its marks."""

    stored: StoredMark | None = None
    announce: dict[str, object] | None = None


@dataclass
class _Row:
    """A checked mark waiting for the batch's one INSERT."""

    written: Written
    actor: Actor
    role: str
    cell: Cell
    mark: MarkInput
    value: str
    judge_id: int | None

    @property
    def supersedes(self) -> int | None:
        return self.cell.previous[0] if self.cell.previous else None

    def same_cell(self, other: _Row) -> bool:
        mine, theirs = self.cell, other.cell
        return (mine.event_id, mine.entrant_id, self.judge_id) == (
            theirs.event_id,
            theirs.entrant_id,
            other.judge_id,
        ) and (self.mark.item, self.mark.criterion) == (other.mark.item, other.mark.criterion)

    def inserted(self, at: datetime) -> dict[str, object]:
        return {
            "event_id": self.cell.event_id,
            "entrant_id": self.cell.entrant_id,
            "item": self.mark.item,
            "criterion": self.mark.criterion,
            "judge_id": self.judge_id,
            "value": self.value,
            "idempotency_key": self.mark.idempotency_key,
            "supersedes_id": self.supersedes,
            "reason": "",
            "entered_by": self.actor.label,
            "created_at": at,
        }


@dataclass
class Batch:
    """What the marks of one transaction share: each event's contest row, taken once (the
    contest's other writers — a lifecycle step closing scoring too — wait until the commit,
    so what each mark was checked against still holds when it is stored); the marks already
    stored under the batch's keys and its judges' links, read ahead for all at once; and the
    checked marks, their outbox rows and audit entries, written together by :meth:`finish`
    (one multi-row INSERT for the marks: on PostgreSQL each statement is a round trip)."""

    claims: dict[int, outbox.Claim | None] = field(default_factory=dict)
    changed: set[tuple[int, int, int, int]] = field(default_factory=set)
    entries: list[audit.Draft] = field(default_factory=list)
    known: dict[str, StoredMark] = field(default_factory=dict)  # by idempotency key
    looked_up: set[str] = field(default_factory=set)  # keys read ahead
    links: dict[int, tuple[str, str]] = field(default_factory=dict)  # judge: name, link hash
    linked: set[int] = field(default_factory=set)  # judges read ahead
    rows: list[_Row] = field(default_factory=list)  # checked, not inserted yet

    def claim(self, event_id: int) -> outbox.Claim:
        if event_id not in self.claims:
            self.claims[event_id] = outbox.claim_event(event_id)
        claimed = self.claims[event_id]
        if claimed is None:
            raise Refused("not_found", msg(N_("no such event")))
        return claimed

    def read_ahead(self, keys: list[str], judge_ids: list[int]) -> None:
        """The marks stored under ``keys`` and the links of ``judge_ids``, one statement
        each, before the contest's row is taken."""
        if keys:
            for row in _run(_BY_KEYS, {"keys": keys}):
                self.known[str(row[0])] = _stored(row[1:])
            self.looked_up.update(keys)
        if judge_ids:
            for judge_id, name, link in _run(_LINKS, {"judge_ids": judge_ids}):
                self.links[int(judge_id)] = (str(name), str(link))
            self.linked.update(judge_ids)

    def stored_under(self, key: str) -> StoredMark | None:
        if any(row.mark.idempotency_key == key for row in self.rows):
            self.flush()  # the same key twice in the batch: the second gets the first
        elif key in self.looked_up:
            return self.known.get(key)
        return by_key(key)

    def add(self, row: _Row) -> None:
        if any(row.same_cell(other) for other in self.rows):
            self.flush()  # the second mark of a cell supersedes the first: read it stored
            cell = row.cell
            row.cell = _read(cell.contest_id, cell.status, cell.event_id, row.mark, row.judge_id)
        self.rows.append(row)

    def flush(self) -> None:
        """Insert the checked marks, in one statement, and draft their audit entries."""
        rows, self.rows = self.rows, []
        if not rows:
            return
        now = utcnow()
        inserted = [row.inserted(now) for row in rows]
        ids = _new_ids(inserted)
        for row, columns, new_id in zip(rows, inserted, ids, strict=True):
            stored = StoredMark(int(new_id), row.value, row.judge_id, row.supersedes)
            row.written.stored = stored
            row.written.announce = _payload(stored, row.mark, row.cell)
            digest = audit_coverage.mark_digest({"id": stored.id, **columns})
            self.entries.append(_draft(row, stored, digest))

    def finish(self) -> None:
        """Before the commit: every checked mark, its outbox row and its audit entry."""
        self.flush()
        outbox.note_entrants(sorted(self.changed))
        audit.record_all(self.entries)


def write(
    batch: Batch, actor: Actor, event_id: int, mark: MarkInput, link: str | None = None
) -> Written:
    """The mark checked and put in the batch, written by :meth:`Batch.finish` (not
    committed), or :class:`Refused` with nothing written but the contest's version. With
    ``link``, the judge's link must still stand (see
    :func:`competition.services.marks.record_mark`)."""
    if link is not None:
        actor = _linked_judge(batch, actor, link)
    as_judge = actor.id if actor.kind == "judge" else None
    if mark.idempotency_key:
        existing = batch.stored_under(mark.idempotency_key)
        if existing is not None:
            if existing.judge_id != as_judge:  # a key is its own judge's: no reading others'
                raise Refused(
                    "duplicate_key",
                    msg(N_("this key belongs to another mark: send the mark with a new key")),
                )
            return Written(existing, None)
    claimed = batch.claim(event_id)
    cell = _read(claimed.contest_id, claimed.status, event_id, mark, as_judge)
    ruleset = ruleset_of_version(cell.rules_id, cell.rules_sha256, cell.item_count)
    _check_item(ruleset, mark)
    judged = isinstance(ruleset.rule.criteria[mark.criterion], Judged)
    # rights before the entrant and the value: a judge learns nothing of entrants they do
    # not mark (an unknown code and another's entrant are both "not assigned")
    role = _authorise_judge(actor, cell) if judged else _authorise_entry(actor, cell)
    if cell.entrant_id is None:
        raise Refused("unknown_entrant", msg(N_("unknown entrant '{code}'"), code=mark.entrant))
    value = mark.value.strip()
    problem = value_problem(ruleset, mark.criterion, value)
    if problem is not None:
        raise Refused("invalid_value", problem)
    value = stored_value(ruleset, mark.criterion, value)  # 5, never 05, 5.0 or +5
    written = Written()
    batch.add(_Row(written, actor, role, cell, mark, value, as_judge if judged else None))
    batch.changed.add((cell.contest_id, claimed.version, event_id, cell.entrant_id))
    return written


def _read(contest_id: int, status: str, event_id: int, mark: MarkInput, judge: int | None) -> Cell:
    return read_cell(contest_id, status, event_id, mark.entrant, mark.item, mark.criterion, judge)


def _draft(row: _Row, stored: StoredMark, digest: str) -> audit.Draft:
    mark, cell = row.mark, row.cell
    return audit.Draft(
        row.actor,
        "mark.record",
        f"event:{cell.event_id}/entrant:{mark.entrant}",
        role=row.role,
        before={"value": cell.previous[1]} if cell.previous else None,
        after={
            "criterion": mark.criterion,
            "item": mark.item,
            "value": stored.value,
            "mark": stored.id,
            "row": digest,  # the mark's columns: `audit verify` sees a changed mark
        },
    )


def _linked_judge(batch: Batch, actor: Actor, link: str) -> Actor:
    """The judge of a tablet's session, named, as long as the link it was opened with still
    stands (reissued or revoked, it ends the sessions opened with it)."""
    if actor.kind != "judge" or actor.id is None:
        raise judges.link_not_valid()
    if actor.id in batch.linked:
        found = batch.links.get(actor.id)
    else:
        one = _run(_LINKS, {"judge_ids": [actor.id]}).one_or_none()
        found = (str(one[1]), str(one[2])) if one is not None else None
    if found is None or not hmac.compare_digest(found[1], link):
        raise judges.link_not_valid()
    return Actor("judge", actor.id, found[0])


def _run(statement: Executable, params: Any) -> CursorResult[*tuple[Any, ...]]:
    """A prebuilt Core statement on the session's connection (the ORM's part of
    ``Session.execute`` is a third of a small statement's cost, for nothing here)."""
    return db.session.connection().execute(statement, params)


def _new_ids(inserted: list[dict[str, object]]) -> list[int]:
    """The ids of marks inserted in one statement, in their order (no two of them share a
    cell: :meth:`Batch.add` writes the first before a second is read)."""
    found = {tuple(row[1:]): int(row[0]) for row in _run(_INSERT, inserted)}
    return [found[tuple(columns[name] for name in _CELL)] for columns in inserted]


def by_key(key: str) -> StoredMark | None:
    row = _run(_BY_KEY, {"key": key}).one_or_none()
    return _stored(row) if row is not None else None


def _stored(row: Sequence[Any]) -> StoredMark:
    """A mark as :data:`_STORED` reads it."""
    return StoredMark(int(row[0]), str(row[1]), row[2], row[3])


def stored_twin(mark: MarkInput) -> StoredMark:
    if mark.idempotency_key:
        twin = by_key(mark.idempotency_key)
        if twin is not None:
            return twin
    raise Refused(
        "conflict", msg(N_("another mark for this cell arrived at the same moment: send it again"))
    )


def _payload(stored: StoredMark, mark: MarkInput, cell: Cell) -> dict[str, object]:
    return {
        "contest_id": cell.contest_id,
        "event_id": cell.event_id,
        "mark_id": stored.id,
        "judge_id": stored.judge_id,
        "entrant": mark.entrant,
        "item": mark.item,
        "criterion": mark.criterion,
        "value": stored.value,
    }


def _check_item(ruleset: RuleSet, mark: MarkInput) -> None:
    if mark.criterion not in ruleset.levels:
        raise Refused(
            "unknown_criterion", msg(N_("unknown criterion '{name}'"), name=mark.criterion)
        )
    per_item = ruleset.levels[mark.criterion] == "item"
    if per_item and not mark.item:
        raise Refused("invalid_item", msg(N_("this criterion is given per item: name the item")))
    if not per_item and mark.item:
        raise Refused(
            "invalid_item",
            msg(N_("this criterion is given once per entrant: leave the item empty")),
        )
    if per_item and ruleset.item_ids is not None and mark.item not in ruleset.item_ids:
        raise Refused(
            "invalid_item",
            msg(N_("unknown item; expected one of: {ids}"), ids=", ".join(ruleset.item_ids)),
        )
    allowed = ruleset.items_of(mark.criterion) if per_item else None
    if allowed is not None and mark.item not in allowed:
        raise Refused("invalid_item", item_group_refusal(ruleset, mark.criterion))


def _authorise_entry(actor: Actor, cell: Cell) -> str:
    role = require_role(actor, cell.contest_id, ["organiser", "chief_judge"])
    if cell.status not in MEASURED_STAGES:
        raise Refused(
            "closed", msg(N_("measured values are entered from registration until review"))
        )
    return role


def _authorise_judge(actor: Actor, cell: Cell) -> str:
    if actor.kind != "judge" or actor.id is None:
        raise Refused("forbidden", msg(N_("only the judges mark this criterion")))
    if cell.judge_contest != cell.contest_id or cell.judge_revoked:
        raise Refused("forbidden", msg(N_("this judge may not mark in this contest")))
    round_ = cell.item_round if cell.item_round is not None else cell.event_round
    if cell.status != "scoring" or round_ != "open":
        raise Refused("round_closed", msg(N_("scoring of this item is closed")))
    if not cell.covered:
        raise Refused("not_assigned", msg(N_("you are not assigned to mark this")))
    if cell.signed:
        raise Refused(
            "signed", msg(N_("your sheet is signed: ask the chief judge for a correction"))
        )
    return "judge"


_MARKS = Mark.__table__
_STORED = (_MARKS.c.id, _MARKS.c.value, _MARKS.c.judge_id, _MARKS.c.supersedes_id)
_BY_KEY = select(*_STORED).where(_MARKS.c.idempotency_key == bindparam("key"))
_BY_KEYS = select(_MARKS.c.idempotency_key, *_STORED).where(
    _MARKS.c.idempotency_key.in_(bindparam("keys", expanding=True))
)
# matched back by cell: SQLite chooses the order of RETURNING, and asking SQLAlchemy for the
# order given (sort_by_parameter_order) has it insert the rows one at a time there
_CELL = ("entrant_id", "item", "criterion", "judge_id")
_INSERT = insert(_MARKS).returning(_MARKS.c.id, *(_MARKS.c[name] for name in _CELL))
_JUDGES = Judge.__table__
_LINKS = select(_JUDGES.c.id, _JUDGES.c.name, _JUDGES.c.token_hash).where(
    _JUDGES.c.id.in_(bindparam("judge_ids", expanding=True)),
    _JUDGES.c.revoked_at.is_(None),
)
