"""Contests, their events (焊工, 电工 ...), rule versions and scoring rounds."""

from __future__ import annotations

from datetime import date

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from competition.extensions import db
from competition.models.base import Code, Label, Timestamp, utcnow

STATUSES = ("draft", "registration", "scoring", "review", "locked", "published", "final")
BOARD_MODES = ("provisional", "frozen", "hidden")


class Contest(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "contests"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[Label]
    status: Mapped[str] = mapped_column(String(16), default="draft")
    blind: Mapped[bool] = mapped_column(Boolean, default=False)
    unblinded_at: Mapped[Timestamp | None]
    publicity_ends_at: Mapped[Timestamp | None]
    # the public board: provisional (live), frozen (as it stood at board_frozen_at) or hidden
    board_mode: Mapped[str] = mapped_column(String(12), default="provisional")
    board_frozen_at: Mapped[Timestamp | None]
    # raised before each change of the public board is computed, by whichever process does it
    board_version: Mapped[int] = mapped_column(Integer, default=0)
    # times are stored in UTC and shown in this zone (an IANA name)
    time_zone: Mapped[str] = mapped_column(
        String(64), default="Asia/Shanghai", server_default="Asia/Shanghai"
    )
    # the official documents: who issues them, on which date, under which seal
    issuer: Mapped[str | None] = mapped_column(String(200))
    issued_on: Mapped[date | None] = mapped_column(Date)
    seal_image: Mapped[bytes | None] = mapped_column(LargeBinary)
    seal_type: Mapped[str | None] = mapped_column(String(32))  # the image's MIME type
    # the programme it belongs to and the organisation that runs it (its level is theirs)
    programme_id: Mapped[int | None] = mapped_column(ForeignKey("programmes.id"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    trade: Mapped[str | None] = mapped_column(String(64))  # 焊工, 电工, 果业 …
    created_at: Mapped[Timestamp] = mapped_column(default=utcnow)
    events: Mapped[list[Event]] = relationship(
        back_populates="contest", order_by="Event.position", cascade="all, delete-orphan"
    )


class Event(db.Model):  # type: ignore[name-defined,misc]
    """One scored discipline of a contest, with its own rule file and entrants."""

    __tablename__ = "events"
    __table_args__ = (UniqueConstraint("contest_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contests.id"), index=True)
    name: Mapped[Label]
    position: Mapped[int] = mapped_column(Integer, default=0)
    # the item count chosen for a rule file that allows several (`count: [5, 6]`)
    item_count: Mapped[int | None] = mapped_column(Integer)
    contest: Mapped[Contest] = relationship(back_populates="events")
    rule_versions: Mapped[list[RuleVersion]] = relationship(
        back_populates="event", order_by="RuleVersion.version", cascade="all, delete-orphan"
    )
    rounds: Mapped[list[Round]] = relationship(
        back_populates="event", order_by="Round.item", cascade="all, delete-orphan"
    )

    @property
    def rules(self) -> RuleVersion:
        """The rule version in force: the newest."""
        return self.rule_versions[-1]


class RuleVersion(db.Model):  # type: ignore[name-defined,misc]
    """A rule file's text and SHA-256; pinned when scoring opens, never edited after."""

    __tablename__ = "rule_versions"
    __table_args__ = (UniqueConstraint("event_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    source_name: Mapped[str] = mapped_column(String(255))
    text: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[Timestamp] = mapped_column(default=utcnow)
    pinned_at: Mapped[Timestamp | None]
    event: Mapped[Event] = relationship(back_populates="rule_versions")


class Round(db.Model):  # type: ignore[name-defined,misc]
    """Scoring of one event (item "" = the whole event) or of one item is open or closed."""

    __tablename__ = "rounds"
    __table_args__ = (UniqueConstraint("event_id", "item"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"), index=True)
    item: Mapped[Code] = mapped_column(default="")
    status: Mapped[str] = mapped_column(String(8), default="open")
    opened_at: Mapped[Timestamp] = mapped_column(default=utcnow)
    closed_at: Mapped[Timestamp | None]
    event: Mapped[Event] = relationship(back_populates="rounds")


class BoardChange(db.Model):  # type: ignore[name-defined,misc]
    """The outbox of the public board: written in the transaction of the change it records
    (a mark, a correction, an import, a lifecycle step), so the board can never fall behind
    a committed change. ``version`` is the contest's ``board_version`` that change raised:
    writers of one contest take that row in turn, so versions follow commit order (ids do
    not). ``scope`` says what to recompute: ``entrant`` (that entrant), ``event`` (the
    whole event: entrants, rules) or ``board`` (only how the board is shown: codes, names,
    lifecycle, publication)."""

    __tablename__ = "board_changes"
    __table_args__ = (UniqueConstraint("contest_id", "version", "event_id", "entrant_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contests.id"))
    version: Mapped[int] = mapped_column(Integer)
    scope: Mapped[str] = mapped_column(String(8))
    event_id: Mapped[int | None] = mapped_column(Integer)
    entrant_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[Timestamp] = mapped_column(default=utcnow)
