"""Publication (公示), appeals (申诉) and certificates.

Publishing keeps a snapshot of the standings, the awards and each event's rule version with
its SHA-256, and opens the publicity window. During the window the organiser records appeals
and their decisions; an upheld appeal is carried out as a correction of one mark, after which
the results are recomputed and published again as a numbered revision with its reason. When
the window has closed and no appeal is pending the results are final.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from competition.extensions import db
from competition.models import (
    Appeal,
    Certificate,
    Contest,
    Entrant,
    Event,
    Mark,
    Publication,
)
from competition.models.base import utcnow
from competition.rules.messages import N_, msg
from competition.services import audit, notifications, scoring
from competition.services.authority import SYSTEM, Actor, Refused, require_role
from competition.services.board import latest_publication, published_document
from competition.services.contests import ruleset_of

DEFAULT_WINDOW = "7d"  # a publicity window when the rule file names none
_WINDOW = re.compile(r"^(\d+(?:\.\d+)?)\s*(min|h|d)$")
_UNITS = {"min": "minutes", "h": "hours", "d": "days"}
GROUNDS_LENGTH = 2000


def window_length(text: str) -> timedelta:
    """``"7d"``, ``"48h"``, ``"30min"`` → a timedelta (the rule file's Duration)."""
    match = _WINDOW.match(text.strip())
    if match is None:
        raise ValueError(f"not a duration: {text!r}")
    return timedelta(**{_UNITS[match.group(2)]: float(match.group(1))})


def publicity_window(contest: Contest) -> timedelta:
    """The longest publicity window the events' rule files ask for."""
    windows = []
    for event in contest.events:
        lifecycle = ruleset_of(event).rule.lifecycle
        windows.append(lifecycle.publicity_window if lifecycle else None)
    return max(
        (window_length(w or DEFAULT_WINDOW) for w in windows),
        default=window_length(DEFAULT_WINDOW),
    )


def snapshot(actor: Actor, role: str, contest: Contest, reason: str) -> Publication:
    """Add (without committing) the next publication of the contest's results and issue
    certificates for them; the first one opens the publicity window."""
    number = (
        db.session.scalar(
            select(func.max(Publication.number)).where(Publication.contest_id == contest.id)
        )
        or 0
    ) + 1
    if number == 1:
        contest.publicity_ends_at = utcnow() + publicity_window(contest)
    publication = Publication(
        contest_id=contest.id,
        number=number,
        reason=reason,
        published_by=actor.label,
        document=published_document(contest),
    )
    db.session.add(publication)
    db.session.flush()
    issued = _issue_certificates(contest, publication)
    audit.record(
        actor,
        "results.publish",
        f"contest:{contest.id}",
        role=role,
        reason=reason,
        after={
            "publication": publication.id,
            "number": number,
            "rules": {
                str(e["id"]): {"version": e["rules_version"], "sha256": e["rules_sha256"]}
                for e in publication.document["events"]
            },
            "certificates_issued": issued,
            "publicity_ends_at": contest.publicity_ends_at.isoformat()
            if contest.publicity_ends_at
            else None,
        },
    )
    return publication


def _issue_certificates(contest: Contest, publication: Publication) -> int:
    """One certificate per awardee (an award tier or a title); an awardee whose award is
    unchanged keeps theirs, a changed or lost one is revoked."""
    now = utcnow()
    valid = {
        (c.event_id, c.entrant_id): c
        for c in db.session.scalars(
            select(Certificate).where(
                Certificate.contest_id == contest.id, Certificate.revoked_at.is_(None)
            )
        )
    }
    issued = 0
    keep: set[int] = set()
    for event_doc in publication.document["events"]:
        ids = dict(
            db.session.execute(
                select(Entrant.code, Entrant.id).where(Entrant.event_id == event_doc["id"])
            ).all()
        )
        for row in event_doc["rows"]:
            if not row.get("award") and not row.get("titles"):
                continue
            entrant_id = ids[row["key"]]
            old = valid.get((event_doc["id"], entrant_id))
            if (
                old is not None
                and old.award == (row["award"] or "")
                and old.titles == row["titles"]
                and old.rank == row["rank"]
            ):
                keep.add(old.id)
                continue
            db.session.add(
                Certificate(
                    code=secrets.token_hex(8),
                    contest_id=contest.id,
                    event_id=event_doc["id"],
                    entrant_id=entrant_id,
                    award=row["award"] or "",
                    titles=row["titles"],
                    rank=row["rank"],
                    group=row["group"],
                    publication_id=publication.id,
                    issued_at=now,
                )
            )
            issued += 1
    for certificate in valid.values():
        if certificate.id not in keep:
            certificate.revoked_at = now
    return issued


# --- appeals ------------------------------------------------------------------------------


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
    notifications.board_changed(contest.id)
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


def pending_appeals(contest_id: int) -> int:
    return (
        db.session.scalar(
            select(func.count())
            .select_from(Appeal)
            .where(Appeal.contest_id == contest_id, Appeal.status == "pending")
        )
        or 0
    )


def settle(contest: Contest, now: datetime | None = None) -> bool:
    """Make the results final once the publicity window has closed with no appeal pending;
    True when it did. Anyone's visit may trigger it: it is the calendar that decides."""
    now = now or utcnow()
    if (
        contest.status != "published"
        or contest.publicity_ends_at is None
        or now < contest.publicity_ends_at
        or pending_appeals(contest.id)
    ):
        return False
    contest.status = "final"
    audit.record(
        SYSTEM,
        "contest.finalise",
        f"contest:{contest.id}",
        role="system",
        reason="publicity window closed",
        before={"status": "published"},
        after={"status": "final"},
    )
    db.session.commit()
    notifications.board_changed(contest.id)
    return True


# --- certificates -------------------------------------------------------------------------


@dataclass(frozen=True)
class Verified:
    certificate: Certificate
    contest: Contest
    event: Event
    entrant: Entrant
    revoked: bool


def verify(code: str) -> Verified | None:
    """A certificate by the code on it, or None when no such certificate was issued."""
    if not re.fullmatch(r"[0-9a-f]{16}", code or ""):
        return None
    certificate = db.session.scalar(select(Certificate).where(Certificate.code == code))
    if certificate is None:
        return None
    contest = db.session.get(Contest, certificate.contest_id)
    event = db.session.get(Event, certificate.event_id)
    assert contest is not None and event is not None
    return Verified(
        certificate, contest, event, certificate.entrant, certificate.revoked_at is not None
    )


def certificates_of(contest_id: int) -> list[Certificate]:
    """The contest's valid certificates, by event and rank."""
    return list(
        db.session.scalars(
            select(Certificate)
            .where(Certificate.contest_id == contest_id, Certificate.revoked_at.is_(None))
            .order_by(Certificate.event_id, Certificate.rank, Certificate.id)
        )
    )


def document_of(contest: Contest) -> dict[str, Any] | None:
    publication = latest_publication(contest.id)
    return publication.document if publication is not None else None


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
