"""Publication (公示): a snapshot of the results, the publicity window, and the end of it.

Publishing keeps a snapshot of the standings, the awards and each event's rule version with
its SHA-256, issues certificates and opens the publicity window. During the window appeals
are heard (competition.services.appeals); an upheld one publishes a numbered revision. When
the window has closed and no appeal is pending the results are final.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select

from competition.extensions import db
from competition.models import Appeal, Contest, Publication
from competition.models.base import utcnow
from competition.rules.model import duration_of
from competition.services import audit, certificates, outbox, qualifiers
from competition.services.authority import SYSTEM, Actor
from competition.services.board import published_document
from competition.services.contests import ruleset_of

DEFAULT_WINDOW = "7d"  # a publicity window when the rule file names none


def publicity_window(contest: Contest) -> timedelta:
    """The longest publicity window the events' rule files ask for."""
    windows = []
    for event in contest.events:
        lifecycle = ruleset_of(event).rule.lifecycle
        windows.append(lifecycle.publicity_window if lifecycle else None)
    return max(
        (duration_of(w or DEFAULT_WINDOW) for w in windows),
        default=duration_of(DEFAULT_WINDOW),
    )


def snapshot(actor: Actor, role: str, contest: Contest, reason: str) -> Publication:
    """Add (without committing) the next publication of the contest's results, issue
    certificates for them and carry the entrants who qualify into the finals it feeds; the
    first one opens the publicity window."""
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
    issued = certificates.issue(contest, publication)
    qualifiers.on_publication(actor, role, contest, publication)  # the same transaction
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
    outbox.record(contest.id, outbox.BOARD)
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
    outbox.announce(contest.id)
    return True
