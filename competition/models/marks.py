"""The append-only marks log and judges' sign-offs."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from competition.extensions import db
from competition.models.base import Code, Timestamp, utcnow
from competition.models.people import Entrant, Judge


class Mark(db.Model):  # type: ignore[name-defined,misc]
    """One value as entered (the exact text: 7.5 stays "7.5"). Never updated: a correction is
    a new row that supersedes the old one, with who and why."""

    __tablename__ = "marks"
    __table_args__ = (Index("ix_marks_entry", "event_id", "entrant_id", "criterion", "item"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"))
    entrant_id: Mapped[int] = mapped_column(ForeignKey("entrants.id"))
    item: Mapped[Code] = mapped_column(default="")
    criterion: Mapped[Code]
    judge_id: Mapped[int | None] = mapped_column(ForeignKey("judges.id"))
    value: Mapped[str] = mapped_column(String(32))
    idempotency_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("marks.id"), unique=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    entered_by: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[Timestamp] = mapped_column(default=utcnow)
    entrant: Mapped[Entrant] = relationship()
    judge: Mapped[Judge | None] = relationship()


class SheetSignoff(db.Model):  # type: ignore[name-defined,misc]
    """A judge's signature (签字确认) on their sheet for an event."""

    __tablename__ = "sheet_signoffs"
    __table_args__ = (UniqueConstraint("judge_id", "event_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    judge_id: Mapped[int] = mapped_column(ForeignKey("judges.id"), index=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"), index=True)
    signed_at: Mapped[Timestamp] = mapped_column(default=utcnow)
