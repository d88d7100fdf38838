"""Certificates: one per awardee of a publication, with a code printed as a QR code that
opens the verification page; a revision that changes an award revokes the old one."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

from sqlalchemy import select

from competition.extensions import db
from competition.models import Certificate, Contest, Entrant, Event, Publication
from competition.models.base import utcnow


def issue(contest: Contest, publication: Publication) -> int:
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
