"""Accounts and roles, entrants, judges with their assignments, and blind codes."""

from __future__ import annotations

from typing import Any

from flask_login import UserMixin
from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from competition.extensions import db
from competition.models.base import Code, Label, Timestamp, utcnow
from competition.models.contest import Contest, Event

ROLES = ("organiser", "chief_judge")


class User(UserMixin, db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(120), default="")
    password_hash: Mapped[str] = mapped_column(String(256))
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[Timestamp | None]
    # raised on sign-out: a session cookie names the version it was issued under, so a cookie
    # copied before the sign-out no longer opens the console
    session_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # an organiser of this organisation sees and runs its contests and those below it
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    created_at: Mapped[Timestamp] = mapped_column(default=utcnow)
    roles: Mapped[list[ContestRole]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )

    def get_id(self) -> str:
        """What the session cookie holds: the account and its session version."""
        return f"{self.id}.{self.session_version}"


class ContestRole(db.Model):  # type: ignore[name-defined,misc]
    """An organiser or chief judge of one contest."""

    __tablename__ = "contest_roles"
    __table_args__ = (UniqueConstraint("user_id", "contest_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contests.id"), index=True)
    role: Mapped[str] = mapped_column(String(16))
    user: Mapped[User] = relationship(back_populates="roles")
    contest: Mapped[Contest] = relationship()


class Entrant(db.Model):  # type: ignore[name-defined,misc]
    """A person, team member, orchard or work unit; ``code`` is its id in the rule engine."""

    __tablename__ = "entrants"
    __table_args__ = (UniqueConstraint("event_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"), index=True)
    code: Mapped[Code]
    name: Mapped[Label]
    attributes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    # carried over by a qualifier: from which event, at which rank and with which total
    qualified_from_event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id"))
    qualified_rank: Mapped[int | None] = mapped_column(Integer)
    qualified_total: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[Timestamp] = mapped_column(default=utcnow)
    event: Mapped[Event] = relationship(foreign_keys=[event_id])


class Judge(db.Model):  # type: ignore[name-defined,misc]
    """A judge signs in with a personal link; only the token's hash is stored."""

    __tablename__ = "judges"

    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contests.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    unit: Mapped[str] = mapped_column(String(200), default="")
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    pin_hash: Mapped[str | None] = mapped_column(String(256))
    # wrong PINs since the last right one, and the end of a lockout: in the database, so every
    # server process counts the same attempts
    failed_pins: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    pin_locked_until: Mapped[Timestamp | None]
    revoked_at: Mapped[Timestamp | None]
    created_at: Mapped[Timestamp] = mapped_column(default=utcnow)
    contest: Mapped[Contest] = relationship()
    assignments: Mapped[list[Assignment]] = relationship(
        back_populates="judge", cascade="all, delete-orphan"
    )


class Assignment(db.Model):  # type: ignore[name-defined,misc]
    """What a judge marks: an event's criterion ("" = every judged criterion) for one entrant
    (none = every entrant)."""

    __tablename__ = "assignments"
    __table_args__ = (UniqueConstraint("judge_id", "event_id", "criterion", "entrant_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    judge_id: Mapped[int] = mapped_column(ForeignKey("judges.id"), index=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"), index=True)
    criterion: Mapped[Code] = mapped_column(default="")
    entrant_id: Mapped[int | None] = mapped_column(ForeignKey("entrants.id"))
    judge: Mapped[Judge] = relationship(back_populates="assignments")
    entrant: Mapped[Entrant | None] = relationship()


class BlindDraw(db.Model):  # type: ignore[name-defined,misc]
    """A recorded draw of contestant and station numbers: the seed reproduces it."""

    __tablename__ = "blind_draws"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"), index=True)
    seed: Mapped[str] = mapped_column(String(64))
    method: Mapped[str] = mapped_column(String(16))
    drawn_by: Mapped[str] = mapped_column(String(128))
    drawn_at: Mapped[Timestamp] = mapped_column(default=utcnow)
    codes: Mapped[list[BlindCode]] = relationship(
        back_populates="draw", cascade="all, delete-orphan"
    )


class BlindCode(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "blind_codes"
    __table_args__ = (
        UniqueConstraint("draw_id", "entrant_id"),
        UniqueConstraint("draw_id", "contestant_no"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    draw_id: Mapped[int] = mapped_column(ForeignKey("blind_draws.id"), index=True)
    entrant_id: Mapped[int] = mapped_column(ForeignKey("entrants.id"))
    contestant_no: Mapped[str] = mapped_column(String(16))
    station_no: Mapped[str] = mapped_column(String(16))
    draw: Mapped[BlindDraw] = relationship(back_populates="codes")
    entrant: Mapped[Entrant] = relationship()
