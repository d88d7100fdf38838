"""One mark checked and written inside the caller's transaction: the contest's row taken
first (its board version raised), then everything a mark needs checked, then the mark
appended, its outbox row and its audit entry. Nothing here commits: :mod:`marks` commits
marks that arrive together in one transaction.

A judge's mark needs an open round, an assignment covering it and an unsigned sheet;
measured values are entered by the organisers. A resend with the same idempotency key gets
the mark already stored and stores nothing new.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import BindParameter, ScalarSelect, Select, bindparam, exists, insert, or_, select

from competition.extensions import db
from competition.models import (
    Assignment,
    Entrant,
    Judge,
    Mark,
    Round,
    RuleVersion,
    SheetSignoff,
)
from competition.models.base import utcnow
from competition.rules import RuleSet
from competition.rules.inputs import value_problem
from competition.rules.messages import N_, msg
from competition.rules.model import Judged
from competition.services import audit, outbox
from competition.services.authority import Actor, Refused, require_role
from competition.services.contests import ruleset_of_version

MEASURED_STAGES = ("registration", "scoring", "review")


@dataclass(frozen=True)
class MarkInput:
    entrant: str  # the entrant's code
    criterion: str
    value: str
    item: str = ""
    idempotency_key: str | None = None


def write(
    actor: Actor, event_id: int, mark: MarkInput
) -> tuple[StoredMark, dict[str, object] | None]:
    """The mark stored (not committed) and what to announce once it is committed (None for
    a resend, which stores nothing), or :class:`Refused` before anything but the contest's
    version was written."""
    if mark.idempotency_key:
        existing = by_key(mark.idempotency_key)
        if existing is not None:
            return existing, None
    # the contest's row first: its board version is raised (rolled back with a refusal), and
    # the contest's other writers — a lifecycle step closing scoring too — wait until this
    # commits, so what is checked below still holds when the mark is stored
    claimed = outbox.claim_event(event_id)
    if claimed is None:
        raise Refused("not_found", msg(N_("no such event")))
    cell = _cell(claimed, event_id, mark)
    ruleset = ruleset_of_version(cell.rules_id, cell.rules_sha256)
    _check_item(ruleset, mark)
    judged = isinstance(ruleset.rule.criteria[mark.criterion], Judged)
    role = _authorise_judge(actor, cell, mark) if judged else _authorise_entry(actor, cell)
    value = mark.value.strip()
    problem = value_problem(ruleset, mark.criterion, value)
    if problem is not None:
        raise Refused("invalid_value", problem)
    judge_id = actor.id if judged else None
    previous = _current(event_id, cell.entrant_id, mark, judge_id)
    stored = _insert(cell, mark, value, judge_id, previous, actor.label)
    outbox.note(cell.contest_id, claimed.version, outbox.ENTRANT, event_id, [cell.entrant_id])
    audit.record(
        actor,
        "mark.record",
        f"event:{event_id}/entrant:{mark.entrant}",
        role=role,
        before={"value": previous[1]} if previous else None,
        after={"criterion": mark.criterion, "item": mark.item, "value": value, "mark": stored.id},
    )
    return stored, _payload(stored, mark, cell)


@dataclass(frozen=True)
class StoredMark:
    """A mark as stored: what the tablet's answer and the callers need of it."""

    id: int
    value: str
    judge_id: int | None
    supersedes_id: int | None


@dataclass(frozen=True)
class _Cell:
    """What a mark is checked against, read in one statement inside its transaction."""

    contest_id: int
    status: str
    event_id: int
    rules_id: int
    rules_sha256: str
    entrant_id: int
    item_round: str | None
    event_round: str | None


def _cell(claimed: outbox.Claim, event_id: int, mark: MarkInput) -> _Cell:
    found = db.session.execute(
        _CELL, {"event_id": event_id, "code": mark.entrant, "item": mark.item}
    ).one()
    rules_id, rules_sha256, entrant_id, item_round, event_round = found
    if entrant_id is None:
        raise Refused("unknown_entrant", msg(N_("unknown entrant '{code}'"), code=mark.entrant))
    return _Cell(
        claimed.contest_id,
        claimed.status,
        event_id,
        rules_id,
        rules_sha256,
        entrant_id,
        item_round,
        event_round,
    )


def by_key(key: str) -> StoredMark | None:
    row = db.session.execute(_BY_KEY, {"key": key}).one_or_none()
    return StoredMark(*row) if row is not None else None


def _insert(
    cell: _Cell,
    mark: MarkInput,
    value: str,
    judge_id: int | None,
    previous: tuple[int, str] | None,
    entered_by: str,
) -> StoredMark:
    supersedes = previous[0] if previous else None
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


def _payload(stored: StoredMark, mark: MarkInput, cell: _Cell) -> dict[str, object]:
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


def _authorise_entry(actor: Actor, cell: _Cell) -> str:
    role = require_role(actor, cell.contest_id, ["organiser", "chief_judge"])
    if cell.status not in MEASURED_STAGES:
        raise Refused(
            "closed", msg(N_("measured values are entered from registration until review"))
        )
    return role


def _authorise_judge(actor: Actor, cell: _Cell, mark: MarkInput) -> str:
    if actor.kind != "judge" or actor.id is None:
        raise Refused("forbidden", msg(N_("only the judges mark this criterion")))
    row = db.session.execute(
        _JUDGE_SEAT,
        {
            "judge_id": actor.id,
            "event_id": cell.event_id,
            "criterion": mark.criterion,
            "entrant_id": cell.entrant_id,
        },
    ).one_or_none()
    if row is None or row[0] is not None or row[1] != cell.contest_id:
        raise Refused("forbidden", msg(N_("this judge may not mark in this contest")))
    _, _, covered, signed = row
    round_ = cell.item_round if cell.item_round is not None else cell.event_round
    if cell.status != "scoring" or round_ != "open":
        raise Refused("round_closed", msg(N_("scoring of this item is closed")))
    if not covered:
        raise Refused("not_assigned", msg(N_("you are not assigned to mark this")))
    if signed:
        raise Refused(
            "signed", msg(N_("your sheet is signed: ask the chief judge for a correction"))
        )
    return "judge"


def _current(
    event_id: int, entrant_id: int, mark: MarkInput, judge_id: int | None
) -> tuple[int, str] | None:
    """The mark this one replaces (id and value): the newest not yet superseded for the
    same cell."""
    params = {
        "event_id": event_id,
        "entrant_id": entrant_id,
        "item": mark.item,
        "criterion": mark.criterion,
    }
    if judge_id is None:
        row = db.session.execute(_CURRENT_MEASURED, params).one_or_none()
    else:
        row = db.session.execute(_CURRENT_JUDGED, params | {"judge_id": judge_id}).one_or_none()
    return (int(row[0]), str(row[1])) if row is not None else None


# --- the statements, built once: a mark's dozen statements cost less to run than to build -----

_MARKS = Mark.__table__
_NEWER = Mark.__table__.alias("newer")


def _round_status(item: BindParameter[str] | str) -> ScalarSelect[str]:
    rounds = Round.__table__
    return (
        select(rounds.c.status)
        .where(rounds.c.event_id == bindparam("event_id"), rounds.c.item == item)
        .scalar_subquery()
    )


def _cell_statement() -> Select[Any]:
    entrants, versions = Entrant.__table__, RuleVersion.__table__
    entrant = (
        select(entrants.c.id)
        .where(entrants.c.event_id == bindparam("event_id"), entrants.c.code == bindparam("code"))
        .scalar_subquery()
    )
    return (
        select(
            versions.c.id,
            versions.c.sha256,
            entrant,
            _round_status(bindparam("item")),
            _round_status(""),
        )
        .where(versions.c.event_id == bindparam("event_id"))
        .order_by(versions.c.version.desc())
        .limit(1)
    )


def _judge_seat_statement() -> Select[Any]:
    judges, seats, signoffs = Judge.__table__, Assignment.__table__, SheetSignoff.__table__
    return select(
        judges.c.revoked_at,
        judges.c.contest_id,
        exists().where(
            seats.c.judge_id == judges.c.id,
            seats.c.event_id == bindparam("event_id"),
            or_(seats.c.criterion == "", seats.c.criterion == bindparam("criterion")),
            or_(seats.c.entrant_id.is_(None), seats.c.entrant_id == bindparam("entrant_id")),
        ),
        exists().where(
            signoffs.c.judge_id == judges.c.id, signoffs.c.event_id == bindparam("event_id")
        ),
    ).where(judges.c.id == bindparam("judge_id"))


def _current_statement(judged: bool) -> Select[Any]:
    return (
        select(_MARKS.c.id, _MARKS.c.value)
        .where(
            _MARKS.c.event_id == bindparam("event_id"),
            _MARKS.c.entrant_id == bindparam("entrant_id"),
            _MARKS.c.item == bindparam("item"),
            _MARKS.c.criterion == bindparam("criterion"),
            _MARKS.c.judge_id == bindparam("judge_id") if judged else _MARKS.c.judge_id.is_(None),
            ~exists().where(_NEWER.c.supersedes_id == _MARKS.c.id),
        )
        .order_by(_MARKS.c.id.desc())
        .limit(1)
    )


_CELL = _cell_statement()
_JUDGE_SEAT = _judge_seat_statement()
_CURRENT_JUDGED = _current_statement(judged=True)
_CURRENT_MEASURED = _current_statement(judged=False)
_BY_KEY = select(_MARKS.c.id, _MARKS.c.value, _MARKS.c.judge_id, _MARKS.c.supersedes_id).where(
    _MARKS.c.idempotency_key == bindparam("key")
)
_INSERT = insert(_MARKS).returning(_MARKS.c.id)
