"""What the public is shown for good: published results (with revisions), appeals against
them and the certificates handed to awardees."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from competition.extensions import db
from competition.models.base import Label, Timestamp, utcnow
from competition.models.people import Entrant

APPEAL_STATUSES = ("pending", "upheld", "rejected")


class Publication(db.Model):  # type: ignore[name-defined,misc]
    """A snapshot of the public results: number 1 is the first publication, each upheld
    appeal adds a revision. ``document`` holds the standings, awards and rule versions
    (with their SHA-256) exactly as the public saw them."""

    __tablename__ = "publications"
    __table_args__ = (UniqueConstraint("contest_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contests.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text, default="")
    published_by: Mapped[str] = mapped_column(String(128))
    published_at: Mapped[Timestamp] = mapped_column(default=utcnow)
    document: Mapped[dict[str, Any]] = mapped_column(JSON)


class Appeal(db.Model):  # type: ignore[name-defined,misc]
    """An appeal (申诉) recorded by the organiser during the publicity window, and its
    decision; an upheld appeal is carried out as a correction of one mark."""

    __tablename__ = "appeals"

    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contests.id"), index=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"))
    entrant_id: Mapped[int] = mapped_column(ForeignKey("entrants.id"))
    appellant: Mapped[Label]
    grounds: Mapped[str] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(128))
    filed_at: Mapped[Timestamp] = mapped_column(default=utcnow)
    status: Mapped[str] = mapped_column(String(12), default="pending")
    decision: Mapped[str] = mapped_column(Text, default="")
    decided_by: Mapped[str | None] = mapped_column(String(128))
    decided_at: Mapped[Timestamp | None]
    correction_id: Mapped[int | None] = mapped_column(ForeignKey("marks.id"))
    publication_id: Mapped[int | None] = mapped_column(ForeignKey("publications.id"))
    entrant: Mapped[Entrant] = relationship()


class Certificate(db.Model):  # type: ignore[name-defined,misc]
    """One awardee's certificate; its code is printed as a QR code that opens the
    verification page. A revision that changes the award revokes it and issues a new one."""

    __tablename__ = "certificates"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contests.id"), index=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"))
    # a person's record looks up the certificates of each entrant they were
    entrant_id: Mapped[int] = mapped_column(ForeignKey("entrants.id"), index=True)
    award: Mapped[Label] = mapped_column(default="")
    titles: Mapped[list[str]] = mapped_column(JSON, default=list)
    rank: Mapped[int | None] = mapped_column(Integer)
    group: Mapped[str | None] = mapped_column(String(64))
    publication_id: Mapped[int] = mapped_column(ForeignKey("publications.id"))
    issued_at: Mapped[Timestamp] = mapped_column(default=utcnow)
    revoked_at: Mapped[Timestamp | None]
    entrant: Mapped[Entrant] = relationship()
