"""The union's programme: its organisations by level, programmes of contests, the people
who enter and judge them across contests, qualifiers that carry the best of one contest
into another, and declared conflicts of interest (回避)."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import ForeignKey, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from competition.extensions import db
from competition.models.base import Label, Timestamp, utcnow

LEVELS = ("enterprise", "county", "city")  # 企业 → 县（区） → 市, bottom to top


class Organisation(db.Model):  # type: ignore[name-defined,misc]
    """A union organisation that runs contests: the city union, a county's, an
    enterprise's; each but the top one under its parent."""

    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[Label] = mapped_column(unique=True)
    level: Mapped[str] = mapped_column(String(16))  # one of LEVELS
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    district: Mapped[str | None] = mapped_column(String(64))  # 宝塔区 … for the dashboard
    created_at: Mapped[Timestamp] = mapped_column(default=utcnow)
    parent: Mapped[Organisation | None] = relationship(remote_side="Organisation.id")


class Programme(db.Model):  # type: ignore[name-defined,misc]
    """A year's or a series' contests under one budget ("建功十四五", 2026)."""

    __tablename__ = "programmes"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[Label]
    year: Mapped[int] = mapped_column(Integer)
    series: Mapped[str | None] = mapped_column(String(200))
    budget: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))  # yuan, for prizes
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    created_at: Mapped[Timestamp] = mapped_column(default=utcnow)
    organisation: Mapped[Organisation] = relationship()


class Person(db.Model):  # type: ignore[name-defined,misc]
    """A worker or a judge across contests. The national ID is never stored: only a keyed
    hash (for the duplicate check) and its last four characters (for the masked form)."""

    __tablename__ = "people"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    unit: Mapped[str] = mapped_column(String(200), default="")
    id_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    id_tail: Mapped[str | None] = mapped_column(String(4))
    expertise: Mapped[str] = mapped_column(String(200), default="")  # a judge's trade
    created_at: Mapped[Timestamp] = mapped_column(default=utcnow)
    erased_at: Mapped[Timestamp | None]  # erased on request: the name and unit are gone


class Qualifier(db.Model):  # type: ignore[name-defined,misc]
    """The best of an earlier event advance into a later one: its top ``top`` places, or
    those awarded ``tier`` or better."""

    __tablename__ = "qualifiers"
    __table_args__ = (UniqueConstraint("event_id", "source_event_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"), index=True)  # the final
    source_event_id: Mapped[int] = mapped_column(ForeignKey("events.id"), index=True)
    top: Mapped[int | None] = mapped_column(Integer)
    tier: Mapped[str | None] = mapped_column(String(64))
    carried_at: Mapped[Timestamp | None]  # when the advancing entrants were carried over
    created_at: Mapped[Timestamp] = mapped_column(default=utcnow)


class Conflict(db.Model):  # type: ignore[name-defined,misc]
    """A declared conflict of interest: the judge must not mark this person, or anyone of
    this unit (besides the judge's own unit, which is always one)."""

    __tablename__ = "conflicts"

    id: Mapped[int] = mapped_column(primary_key=True)
    judge_person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    unit: Mapped[str | None] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[Timestamp] = mapped_column(default=utcnow)
