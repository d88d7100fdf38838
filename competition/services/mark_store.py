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

from dataclasses import dataclass, field

from sqlalchemy import bindparam, insert, select

from competition.extensions import db
from competition.models import Judge, Mark
from competition.models.base import utcnow
from competition.rules import RuleSet
from competition.rules.inputs import value_problem
from competition.rules.messages import N_, msg
from competition.rules.model import Judged
from competition.services import audit, judges, outbox
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
class Batch:
    """What the marks of one transaction share: each event's contest row, taken once (the
    contest's other writers — a lifecycle step closing scoring too — wait until the commit,
    so what each mark was checked against still holds when it is stored), and the outbox
    rows and audit entries, written together by :meth:`finish`."""

    claims: dict[int, outbox.Claim | None] = field(default_factory=dict)
    changed: set[tuple[int, int, int, int]] = field(default_factory=set)
    entries: list[audit.Draft] = field(default_factory=list)

    def claim(self, event_id: int) -> outbox.Claim:
        if event_id not in self.claims:
            self.claims[event_id] = outbox.claim_event(event_id)
        claimed = self.claims[event_id]
        if claimed is None:
            raise Refused("not_found", msg(N_("no such event")))
        return claimed

    def finish(self) -> None:
        """Before the commit: every stored mark's outbox row and audit entry."""
        outbox.note_entrants(sorted(self.changed))
        audit.record_all(self.entries)


def write(
    batch: Batch, actor: Actor, event_id: int, mark: MarkInput, link: str | None = None
) -> tuple[StoredMark, dict[str, object] | None]:
    """The mark stored (not committed) and what to announce once it is committed (None for
    a resend, which stores nothing), or :class:`Refused` with nothing written but the
    contest's version. With ``link``, the judge's link must still stand (see
    :func:`competition.services.marks.record_mark`)."""
    if link is not None:
        actor = _linked_judge(actor, link)
    if mark.idempotency_key:
        existing = by_key(mark.idempotency_key)
        if existing is not None:
            return existing, None
    claimed = batch.claim(event_id)
    as_judge = actor.id if actor.kind == "judge" else None
    cell = read_cell(
        claimed.contest_id,
        claimed.status,
        event_id,
        mark.entrant,
        mark.item,
        mark.criterion,
        as_judge,
    )
    if cell.entrant_id is None:
        raise Refused("unknown_entrant", msg(N_("unknown entrant '{code}'"), code=mark.entrant))
    ruleset = ruleset_of_version(cell.rules_id, cell.rules_sha256)
    _check_item(ruleset, mark)
    judged = isinstance(ruleset.rule.criteria[mark.criterion], Judged)
    role = _authorise_judge(actor, cell) if judged else _authorise_entry(actor, cell)
    value = mark.value.strip()
    problem = value_problem(ruleset, mark.criterion, value)
    if problem is not None:
        raise Refused("invalid_value", problem)
    stored = _insert(cell, mark, value, as_judge if judged else None, actor.label)
    batch.changed.add((cell.contest_id, claimed.version, event_id, cell.entrant_id))
    batch.entries.append(
        audit.Draft(
            actor,
            "mark.record",
            f"event:{event_id}/entrant:{mark.entrant}",
            role=role,
            before={"value": cell.previous[1]} if cell.previous else None,
            after={
                "criterion": mark.criterion,
                "item": mark.item,
                "value": value,
                "mark": stored.id,
            },
        )
    )
    return stored, _payload(stored, mark, cell)


def _linked_judge(actor: Actor, link: str) -> Actor:
    """The judge of a tablet's session, named, as long as the link it was opened with still
    stands (reissued or revoked, it ends the sessions opened with it)."""
    row = db.session.execute(_LINKED, {"judge_id": actor.id, "link": link}).one_or_none()
    if actor.kind != "judge" or row is None:
        raise judges.link_not_valid()
    return Actor("judge", actor.id, str(row[0]))


def by_key(key: str) -> StoredMark | None:
    row = db.session.execute(_BY_KEY, {"key": key}).one_or_none()
    return StoredMark(*row) if row is not None else None


def _insert(
    cell: Cell, mark: MarkInput, value: str, judge_id: int | None, entered_by: str
) -> StoredMark:
    supersedes = cell.previous[0] if cell.previous else None
    new_id = db.session.execute(
        _INSERT,
        {
            "event_id": cell.event_id,
            "entrant_id": cell.entrant_id,
            "item": mark.item,
            "criterion": mark.criterion,
            "judge_id": judge_id,
            "value": value,
            "idempotency_key": mark.idempotency_key,
            "supersedes_id": supersedes,
            "reason": "",
            "entered_by": entered_by,
            "created_at": utcnow(),
        },
    ).scalar_one()
    return StoredMark(int(new_id), value, judge_id, supersedes)


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
_BY_KEY = select(_MARKS.c.id, _MARKS.c.value, _MARKS.c.judge_id, _MARKS.c.supersedes_id).where(
    _MARKS.c.idempotency_key == bindparam("key")
)
_INSERT = insert(_MARKS).returning(_MARKS.c.id)
_JUDGES = Judge.__table__
_LINKED = select(_JUDGES.c.name).where(
    _JUDGES.c.id == bindparam("judge_id"),
    _JUDGES.c.revoked_at.is_(None),
    _JUDGES.c.token_hash == bindparam("link"),
)
