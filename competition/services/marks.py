"""Recording marks: checked against the pinned rules, appended (never updated), audited.

A judge's mark needs an open round, an assignment covering it and an unsigned sheet;
measured values are entered by the organisers. A resend with the same idempotency key gets
the mark already stored and stores nothing new.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pandas as pd
from sqlalchemy import and_, or_, select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from competition.database import is_busy
from competition.extensions import db
from competition.models import Assignment, Entrant, Event, Judge, Mark, SheetSignoff
from competition.rules import RuleSet
from competition.rules.datafiles import marks_frame
from competition.rules.inputs import value_problem
from competition.rules.messages import N_, msg
from competition.rules.model import Judged
from competition.services import audit, notifications
from competition.services.authority import Actor, Refused, require_role
from competition.services.contests import ruleset_of

MEASURED_STAGES = ("registration", "scoring", "review")


@dataclass(frozen=True)
class MarkInput:
    entrant: str  # the entrant's code
    criterion: str
    value: str
    item: str = ""
    idempotency_key: str | None = None


BUSY = msg(N_("the server is busy: send the mark again in a moment"))


def record_mark(actor: Actor, event_id: int, mark: MarkInput) -> Mark:
    """Store one mark (a judge's) or measured value (an organiser's), or refuse with why.

    A database that is only busy — other writers held it longer than we wait, or every
    connection of this process stayed taken (the pool's timeout) — is refused as ``busy``,
    stores nothing, and the tablet sends the mark again."""
    try:
        return _record(actor, event_id, mark)
    except PoolTimeout:
        db.session.rollback()
        raise Refused("busy", BUSY) from None
    except OperationalError as error:
        db.session.rollback()
        if not is_busy(error):
            raise
        raise Refused("busy", BUSY) from None


def _record(actor: Actor, event_id: int, mark: MarkInput) -> Mark:
    if mark.idempotency_key:
        existing: Mark | None = db.session.scalar(
            select(Mark).where(Mark.idempotency_key == mark.idempotency_key)
        )
        if existing is not None:
            return existing
    event = db.session.get(Event, event_id)
    if event is None:
        raise Refused("not_found", msg(N_("no such event")))
    ruleset = ruleset_of(event)
    entrant = db.session.scalar(
        select(Entrant).where(Entrant.event_id == event.id, Entrant.code == mark.entrant)
    )
    if entrant is None:
        raise Refused("unknown_entrant", msg(N_("unknown entrant '{code}'"), code=mark.entrant))
    _check_item(ruleset, mark)
    problem = value_problem(ruleset, mark.criterion, mark.value.strip())
    if problem is not None:
        raise Refused("invalid_value", problem)
    judged = isinstance(ruleset.rule.criteria[mark.criterion], Judged)
    role = (
        _authorise_judge(actor, event, entrant, mark) if judged else _authorise_entry(actor, event)
    )
    previous = _current(event.id, entrant.id, mark, actor.id if judged else None)
    stored = Mark(
        event_id=event.id,
        entrant_id=entrant.id,
        item=mark.item,
        criterion=mark.criterion,
        judge_id=actor.id if judged else None,
        value=mark.value.strip(),
        idempotency_key=mark.idempotency_key,
        supersedes_id=previous.id if previous else None,
        entered_by=actor.label,
    )
    db.session.add(stored)
    try:
        db.session.flush()
        audit.record(
            actor,
            "mark.record",
            f"event:{event.id}/entrant:{entrant.code}",
            role=role,
            before={"value": previous.value} if previous else None,
            after={
                "criterion": mark.criterion,
                "item": mark.item,
                "value": stored.value,
                "mark": stored.id,
            },
        )
        payload = _payload(stored, mark, event.contest_id)  # read before the commit expires it
        db.session.commit()
    except IntegrityError:
        # the same key arrived twice at once (a resend racing its original, or two cells
        # superseding the same mark): the first one stored wins, the other gets its answer
        db.session.rollback()
        return _stored_twin(mark)
    notifications.publish("mark.recorded", payload)
    return stored


def _stored_twin(mark: MarkInput) -> Mark:
    if mark.idempotency_key:
        twin: Mark | None = db.session.scalar(
            select(Mark).where(Mark.idempotency_key == mark.idempotency_key)
        )
        if twin is not None:
            return twin
    raise Refused(
        "conflict", msg(N_("another mark for this cell arrived at the same moment: send it again"))
    )


def _payload(stored: Mark, mark: MarkInput, contest_id: int) -> dict[str, object]:
    return {
        "contest_id": contest_id,
        "event_id": stored.event_id,
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


def _authorise_entry(actor: Actor, event: Event) -> str:
    role = require_role(actor, event.contest_id, ["organiser", "chief_judge"])
    if event.contest.status not in MEASURED_STAGES:
        raise Refused(
            "closed", msg(N_("measured values are entered from registration until review"))
        )
    return role


def _authorise_judge(actor: Actor, event: Event, entrant: Entrant, mark: MarkInput) -> str:
    if actor.kind != "judge" or actor.id is None:
        raise Refused("forbidden", msg(N_("only the judges mark this criterion")))
    judge = db.session.get(Judge, actor.id)
    if judge is None or judge.revoked_at is not None or judge.contest_id != event.contest_id:
        raise Refused("forbidden", msg(N_("this judge may not mark in this contest")))
    if event.contest.status != "scoring" or not _round_open(event, mark.item):
        raise Refused("round_closed", msg(N_("scoring of this item is closed")))
    covered = db.session.scalar(
        select(Assignment.id).where(
            Assignment.judge_id == judge.id,
            Assignment.event_id == event.id,
            or_(Assignment.criterion == "", Assignment.criterion == mark.criterion),
            or_(Assignment.entrant_id.is_(None), Assignment.entrant_id == entrant.id),
        )
    )
    if covered is None:
        raise Refused("not_assigned", msg(N_("you are not assigned to mark this")))
    signed = db.session.scalar(
        select(SheetSignoff.id).where(
            SheetSignoff.judge_id == judge.id, SheetSignoff.event_id == event.id
        )
    )
    if signed is not None:
        raise Refused(
            "signed", msg(N_("your sheet is signed: ask the chief judge for a correction"))
        )
    return "judge"


def _round_open(event: Event, item: str) -> bool:
    rounds = {r.item: r.status for r in event.rounds}
    if item in rounds:
        return rounds[item] == "open"
    return rounds.get("") == "open"


def _current(event_id: int, entrant_id: int, mark: MarkInput, judge_id: int | None) -> Mark | None:
    """The mark this one replaces: the newest not yet superseded for the same cell."""
    superseded = select(Mark.supersedes_id).where(Mark.supersedes_id.is_not(None))
    query = select(Mark).where(
        Mark.event_id == event_id,
        Mark.entrant_id == entrant_id,
        Mark.item == mark.item,
        Mark.criterion == mark.criterion,
        Mark.judge_id.is_(None) if judge_id is None else Mark.judge_id == judge_id,
        Mark.id.not_in(superseded),
    )
    return db.session.scalar(query.order_by(Mark.id.desc()))


def current_marks(
    event_id: int, as_of: datetime | None = None, entrant: str | None = None
) -> pd.DataFrame:
    """Every mark in force (not superseded), shaped as the engine reads MARKS.csv; judges
    are named J<id> and each mark's ``line`` is its id, so the same mark has the same line
    in every read. With ``as_of``: the marks in force at that moment (a frozen board); with
    ``entrant``: only that entrant's (by code)."""
    superseded = select(Mark.supersedes_id).where(Mark.supersedes_id.is_not(None))
    stored = Mark.event_id == event_id
    if as_of is not None:
        superseded = superseded.where(Mark.created_at <= as_of)
        stored = and_(stored, Mark.created_at <= as_of)
    if entrant is not None:
        stored = and_(stored, Entrant.code == entrant)
    rows = db.session.execute(
        select(Entrant.code, Mark.item, Mark.criterion, Mark.judge_id, Mark.value, Mark.id)
        .join(Entrant, Entrant.id == Mark.entrant_id)
        .where(and_(stored, Mark.id.not_in(superseded)))
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
