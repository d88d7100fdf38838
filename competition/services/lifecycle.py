"""The contest lifecycle: draft → registration → scoring → review → locked → published → final.

Each step is one call, allowed to the right role only, refused with the reason when its
preconditions fail, and written to the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from competition.extensions import db
from competition.local_time import at
from competition.models import (
    Assignment,
    BlindCode,
    BlindDraw,
    Contest,
    Entrant,
    Event,
    Judge,
    Round,
    SheetSignoff,
)
from competition.models.base import utcnow
from competition.rules.messages import N_, Message, msg
from competition.services import audit, outbox, publication
from competition.services.authority import Actor, Refused, require_role
from competition.services.stages import stage_name


@dataclass(frozen=True)
class Step:
    source: str
    target: str
    roles: tuple[str, ...]


STEPS = {
    "open_registration": Step("draft", "registration", ("organiser",)),
    "open_scoring": Step("registration", "scoring", ("organiser",)),
    "close_scoring": Step("scoring", "review", ("organiser", "chief_judge")),
    "lock": Step("review", "locked", ("chief_judge",)),
    "publish": Step("locked", "published", ("organiser",)),
    "finalise": Step("published", "final", ("organiser",)),
}


def advance(actor: Actor, contest_id: int, step_name: str, reason: str = "") -> Contest:
    contest = db.session.get(Contest, contest_id)
    if contest is None:
        raise Refused("not_found", msg(N_("no such contest")))
    step = STEPS.get(step_name)
    if step is None:
        raise Refused("invalid", msg(N_("unknown step '{step}'"), step=step_name))
    role = require_role(actor, contest.id, step.roles)
    if contest.status != step.source:
        raise Refused(
            "wrong_state",
            msg(
                N_("the contest is '{status}'; this step needs '{needed}'"),
                status=stage_name(contest.status),
                needed=stage_name(step.source),
            ),
        )
    blockers = _blockers(contest, step_name)
    if blockers:
        raise Refused("precondition", blockers[0])
    before = contest.status
    contest.status = step.target
    if step_name == "open_scoring":
        _open_scoring(contest)
    elif step_name == "publish":
        publication.snapshot(actor, role, contest, reason)
    elif step_name == "close_scoring":
        for event in contest.events:
            for round_ in event.rounds:
                if round_.status == "open":
                    round_.status, round_.closed_at = "closed", utcnow()
    outbox.record(contest.id, outbox.BOARD)
    audit.record(
        actor,
        f"contest.{step_name}",
        f"contest:{contest.id}",
        role=role,
        reason=reason,
        before={"status": before},
        after={"status": step.target},
    )
    db.session.commit()
    outbox.announce(contest.id)
    return contest


def _open_scoring(contest: Contest) -> None:
    """Pin each event's rule version and open scoring of the whole event."""
    now = utcnow()
    for event in contest.events:
        event.rules.pinned_at = now
        if not any(r.item == "" for r in event.rounds):
            event.rounds.append(Round(item="", status="open", opened_at=now))


def _blockers(contest: Contest, step_name: str) -> list[Message]:
    """Why the step cannot happen yet (empty: it can)."""
    if step_name == "open_scoring":
        for event in contest.events:
            count = db.session.scalar(
                select(func.count()).select_from(Entrant).where(Entrant.event_id == event.id)
            )
            if not count:
                return [msg(N_("event '{event}' has no entrants yet"), event=event.name)]
            if contest.blind and _uncoded(event):
                return [
                    msg(
                        N_(
                            "event '{event}' is judged blind: draw the blind codes of all "
                            "its entrants first"
                        ),
                        event=event.name,
                    )
                ]
    if step_name == "publish" and contest.blind and contest.unblinded_at is None:
        return [msg(N_("the contest is judged blind: open the names (unblind) before publishing"))]
    if step_name == "finalise":
        if contest.publicity_ends_at is not None and utcnow() < contest.publicity_ends_at:
            return [
                msg(
                    N_("the publicity window is open until {end}"),
                    end=at(contest.publicity_ends_at, contest.time_zone),
                )
            ]
        if publication.pending_appeals(contest.id):
            return [msg(N_("an appeal is still pending: decide it first"))]
    if step_name == "lock":
        unsigned = unsigned_judges(contest)
        if unsigned:
            return [
                msg(
                    N_("not every judge has signed their sheet: {judges}"),
                    judges=", ".join(unsigned),
                )
            ]
    return []


def _uncoded(event: Event) -> int:
    """Entrants of the event without a code in its current blind draw."""
    coded = (
        select(BlindCode.entrant_id)
        .join(BlindDraw, BlindDraw.id == BlindCode.draw_id)
        .where(BlindDraw.event_id == event.id)
    )
    return (
        db.session.scalar(
            select(func.count())
            .select_from(Entrant)
            .where(Entrant.event_id == event.id, Entrant.id.not_in(coded))
        )
        or 0
    )


def unsigned_judges(contest: Contest) -> list[str]:
    """Judges with an assignment in the contest who have not signed that event's sheet."""
    rows = db.session.execute(
        select(Assignment.judge_id, Assignment.event_id)
        .join(Event, Event.id == Assignment.event_id)
        .join(Judge, Judge.id == Assignment.judge_id)
        .where(Event.contest_id == contest.id, Judge.revoked_at.is_(None))
        .distinct()
    ).all()
    signed = set(db.session.execute(select(SheetSignoff.judge_id, SheetSignoff.event_id)).all())
    missing = {judge_id for judge_id, event_id in rows if (judge_id, event_id) not in signed}
    names = db.session.scalars(select(Judge.name).where(Judge.id.in_(missing)).order_by(Judge.name))
    return list(names)


def set_round(actor: Actor, event_id: int, item: str, status: str) -> Round:
    """Open or close scoring of one item (a dive, a module) of an event during scoring."""
    event = db.session.get(Event, event_id)
    if event is None:
        raise Refused("not_found", msg(N_("no such event")))
    role = require_role(actor, event.contest_id, ("organiser", "chief_judge"))
    if event.contest.status != "scoring":
        raise Refused("wrong_state", msg(N_("rounds open and close only while scoring")))
    if status not in ("open", "closed"):
        raise Refused("invalid", msg(N_("a round is open or closed")))
    round_ = next((r for r in event.rounds if r.item == item), None)
    if round_ is None:
        round_ = Round(item=item, status=status)
        event.rounds.append(round_)
    before = round_.status
    round_.status = status
    if status == "closed":
        round_.closed_at = utcnow()
    db.session.flush()
    audit.record(
        actor,
        f"round.{status}",
        f"event:{event.id}/item:{item}",
        role=role,
        before={"status": before},
        after={"status": status},
    )
    db.session.commit()
    return round_
