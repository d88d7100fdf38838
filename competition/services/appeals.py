"""Appeals (申诉) during the publicity window: recorded and decided by the organiser; an
upheld appeal is carried out as a correction of one mark, after which the results are
recomputed and published again as a numbered revision with its reason."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from competition.extensions import db
from competition.models import Appeal, Contest, Entrant, Event, Mark
from competition.models.base import utcnow
from competition.rules.messages import N_, msg
from competition.services import audit, outbox, scoring
from competition.services.authority import Actor, Refused, require_role
from competition.services.publication import snapshot

GROUNDS_LENGTH = 2000


def _published_contest(contest_id: int) -> Contest:
    contest = db.session.get(Contest, contest_id)
    if contest is None:
        raise Refused("not_found", msg(N_("no such contest")))
    return contest


def _window_open(contest: Contest) -> None:
    if contest.status != "published":
        raise Refused(
            "wrong_state",
            msg(N_("appeals are heard only while the results are published and not final")),
        )
    if contest.publicity_ends_at is not None and utcnow() >= contest.publicity_ends_at:
        raise Refused("window_closed", msg(N_("the publicity window has closed")))


def record_appeal(
    actor: Actor, event_id: int, entrant_code: str, appellant: str, grounds: str
) -> Appeal:
    """The organiser records an appeal against one entrant's result, within the window."""
    event = db.session.get(Event, event_id)
    if event is None:
        raise Refused("not_found", msg(N_("no such event")))
    contest = event.contest
    role = require_role(actor, contest.id, ("organiser",))
    _window_open(contest)
    entrant = db.session.scalar(
        select(Entrant).where(Entrant.event_id == event.id, Entrant.code == entrant_code.strip())
    )
    if entrant is None:
        raise Refused("unknown_entrant", msg(N_("unknown entrant '{code}'"), code=entrant_code))
    if not appellant.strip() or not grounds.strip():
        raise Refused("invalid", msg(N_("an appeal needs who appeals and on what grounds")))
    if len(grounds) > GROUNDS_LENGTH or len(appellant) > 200:
        raise Refused("invalid", msg(N_("the appeal's text is too long")))
    appeal = Appeal(
        contest_id=contest.id,
        event_id=event.id,
        entrant_id=entrant.id,
        appellant=appellant.strip(),
        grounds=grounds.strip(),
        recorded_by=actor.label,
    )
    db.session.add(appeal)
    db.session.flush()
    audit.record(
        actor,
        "appeal.record",
        f"contest:{contest.id}/appeal:{appeal.id}",
        role=role,
        after={"entrant": entrant.code, "appellant": appeal.appellant, "grounds": appeal.grounds},
    )
    db.session.commit()
    return appeal


@dataclass(frozen=True)
class Correction:
    """What an upheld appeal changes: one mark, to a new value."""

    mark_id: int
    value: str


def decide_appeal(
    actor: Actor, appeal_id: int, upheld: bool, decision: str, correction: Correction | None
) -> Appeal:
    """Reject an appeal, or uphold it: its correction replaces one mark of the appealing
    entrant, the results are recomputed and published again as a revision."""
    appeal = db.session.get(Appeal, appeal_id)
    if appeal is None:
        raise Refused("not_found", msg(N_("no such appeal")))
    contest = _published_contest(appeal.contest_id)
    role = require_role(actor, contest.id, ("organiser",))
    _window_open(contest)
    if appeal.status != "pending":
        raise Refused("decided", msg(N_("this appeal has been decided already")))
    if not decision.strip():
        raise Refused("reason_required", msg(N_("a decision needs its reasons")))
    if upheld and correction is None:
        raise Refused("invalid", msg(N_("an upheld appeal needs the mark it corrects")))
    new: Mark | None = None
    old: Mark | None = None
    if upheld and correction is not None:
        old = db.session.get(Mark, correction.mark_id)
        if old is None or old.event_id != appeal.event_id or old.entrant_id != appeal.entrant_id:
            raise Refused("not_found", msg(N_("no such mark of the appealing entrant")))
        new = scoring.supersede(
            actor, role, old, correction.value, f"appeal {appeal.id}: {decision.strip()}"
        )
    outbox.record(contest.id, outbox.BOARD)
    appeal.status = "upheld" if upheld else "rejected"
    appeal.decision = decision.strip()
    appeal.decided_by = actor.label
    appeal.decided_at = utcnow()
    appeal.correction_id = new.id if new is not None else None
    audit.record(
        actor,
        f"appeal.{appeal.status}",
        f"contest:{contest.id}/appeal:{appeal.id}",
        role=role,
        reason=appeal.decision,
        after={"correction": appeal.correction_id},
    )
    if new is not None:
        publication = snapshot(
            actor, role, contest, f"appeal {appeal.id} ({appeal.entrant.code}): {appeal.decision}"
        )
        appeal.publication_id = publication.id
    db.session.commit()
    if new is not None and old is not None:
        scoring.announce_correction(old, new)
    outbox.announce(contest.id)
    return appeal


def appeal_in(contest_id: int, appeal_id: int) -> Appeal | None:
    appeal = db.session.get(Appeal, appeal_id)
    return appeal if appeal is not None and appeal.contest_id == contest_id else None


def appeals_of(contest_id: int) -> list[Appeal]:
    return list(
        db.session.scalars(
            select(Appeal).where(Appeal.contest_id == contest_id).order_by(Appeal.id)
        )
    )


@dataclass(frozen=True)
class MarkInForce:
    id: int
    criterion: str
    item: str
    judge: str
    value: str


def marks_of(appeal: Appeal) -> list[MarkInForce]:
    """The appealing entrant's marks in force: what an upheld appeal may correct."""
    superseded = select(Mark.supersedes_id).where(Mark.supersedes_id.is_not(None))
    found = db.session.scalars(
        select(Mark)
        .where(
            Mark.event_id == appeal.event_id,
            Mark.entrant_id == appeal.entrant_id,
            Mark.id.not_in(superseded),
        )
        .order_by(Mark.criterion, Mark.item, Mark.judge_id)
    )
    return [
        MarkInForce(m.id, m.criterion, m.item, m.judge.name if m.judge else "", m.value)
        for m in found
    ]
