"""Accounts: created by an admin (or the CLI), signed in with a password, throttled."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from competition.extensions import db
from competition.models import ContestRole, User
from competition.models.base import utcnow
from competition.models.people import ROLES
from competition.rules.messages import N_, msg
from competition.services import audit, lockout
from competition.services.authority import Actor, Refused, require_role

MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=5)
MIN_PASSWORD = 8


def create_user(
    actor: Actor, username: str, password: str, *, display_name: str = "", is_admin: bool = False
) -> User:
    if not actor.is_admin:
        raise Refused("forbidden", msg(N_("only an admin can create accounts")))
    username = username.strip()
    if not username or len(username) > 64:
        raise Refused("invalid", msg(N_("the user name must be 1 to 64 characters")))
    if len(password) < MIN_PASSWORD:
        raise Refused(
            "invalid", msg(N_("the password needs at least {n} characters"), n=MIN_PASSWORD)
        )
    if db.session.scalar(select(User.id).where(User.username == username)) is not None:
        raise Refused("exists", msg(N_("the user name '{name}' is taken"), name=username))
    user = User(
        username=username,
        display_name=display_name or username,
        password_hash=generate_password_hash(password),
        is_admin=is_admin,
    )
    db.session.add(user)
    db.session.flush()
    audit.record(
        actor,
        "user.create",
        f"user:{user.id}",
        role="admin",
        after={"username": username, "is_admin": is_admin},
    )
    db.session.commit()
    return user


def authenticate(username: str, password: str) -> User:
    """The user, or :class:`Refused` — the same message whether the name or the password was
    wrong; after MAX_FAILURES wrong passwords the account waits LOCKOUT."""
    user: User | None = db.session.scalar(select(User).where(User.username == username.strip()))
    now = utcnow()
    if user is not None and lockout.locked(user, "locked_until", now):
        raise Refused("locked", msg(N_("too many failed sign-ins: try again in a few minutes")))
    if user is None or not check_password_hash(user.password_hash, password):
        if user is not None:
            lockout.count_failure(
                user, "failed_logins", "locked_until", now, limit=MAX_FAILURES, lockout=LOCKOUT
            )
            db.session.commit()
        raise Refused("unauthorised", msg(N_("wrong user name or password")))
    if lockout.clear(user, "failed_logins", "locked_until"):
        db.session.commit()
    return user


def grant_role(actor: Actor, user_id: int, contest_id: int, role: str) -> ContestRole:
    """Make a user organiser or chief judge of a contest (organisers and admins may)."""
    acting_role = require_role(actor, contest_id, ["organiser"])
    if role not in ROLES:
        raise Refused("invalid", msg(N_("unknown role '{role}'"), role=role))
    if db.session.get(User, user_id) is None:
        raise Refused("not_found", msg(N_("no such user")))
    grant = ContestRole(user_id=user_id, contest_id=contest_id, role=role)
    db.session.add(grant)
    db.session.flush()
    audit.record(
        actor,
        "role.grant",
        f"contest:{contest_id}",
        role=acting_role,
        after={"user": user_id, "role": role},
    )
    db.session.commit()
    return grant


def all_users(actor: Actor) -> list[User]:
    """Every account, for the admin's user page."""
    if not actor.is_admin:
        raise Refused("forbidden", msg(N_("only an admin can see the accounts")))
    return list(db.session.scalars(select(User).order_by(User.username)))


def contest_roles(contest_id: int) -> list[ContestRole]:
    """Who holds which role in a contest (the dashboard lists them)."""
    query = (
        select(ContestRole)
        .join(User, User.id == ContestRole.user_id)
        .where(ContestRole.contest_id == contest_id)
        .order_by(ContestRole.role, User.username)
    )
    return list(db.session.scalars(query))


def user_id_for(username: str) -> int:
    found = db.session.scalar(select(User.id).where(User.username == username.strip()))
    if found is None:
        raise Refused("not_found", msg(N_("no such user")))
    return found


def get_user(user_id: int) -> User | None:
    """The account behind a signed-in session (Flask-Login's user loader)."""
    return db.session.get(User, user_id)
