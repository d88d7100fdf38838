"""Accounts: created by an admin (or the CLI), signed in with a password, throttled."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update
from werkzeug.security import check_password_hash, generate_password_hash

from competition.extensions import db
from competition.models import ContestRole, Organisation, User
from competition.models.base import utcnow
from competition.models.people import ROLES
from competition.rules.messages import N_, msg
from competition.services import audit, lockout
from competition.services.authority import SYSTEM, Actor, Refused, require_role

MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=5)
MIN_PASSWORD = 8
# checked against when the user name is unknown, so the answer takes as long as for a known one
UNKNOWN_USER_HASH = generate_password_hash("no such user: the time of a real check")


def create_user(
    actor: Actor,
    username: str,
    password: str,
    *,
    display_name: str = "",
    is_admin: bool = False,
    organisation_id: int | None = None,
) -> User:
    """An account; one that belongs to an organisation organises every contest of it and
    of those below it (services/organisations.py)."""
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
    organisation = db.session.get(Organisation, organisation_id) if organisation_id else None
    if organisation_id and organisation is None:
        raise Refused("invalid", msg(N_("no such organisation")))
    user = User(
        username=username,
        display_name=display_name or username,
        password_hash=generate_password_hash(password),
        is_admin=is_admin,
        organisation_id=organisation.id if organisation else None,
    )
    db.session.add(user)
    db.session.flush()
    audit.record(
        actor,
        "user.create",
        f"user:{user.id}",
        role="admin",
        after={"username": username, "is_admin": is_admin}
        | ({"organisation": organisation.name} if organisation else {}),
    )
    db.session.commit()
    return user


def authenticate(username: str, password: str) -> User:
    """The user, or :class:`Refused` — the same message, and the same work, whether the name
    or the password was wrong; after MAX_FAILURES wrong passwords the account waits LOCKOUT.

    The attempt is counted (and committed) before the password is looked at, so attempts
    made at the same moment cannot all slip past the limit: at most MAX_FAILURES of them are
    ever checked."""
    user: User | None = db.session.scalar(select(User).where(User.username == username.strip()))
    if user is None:
        check_password_hash(UNKNOWN_USER_HASH, password)  # as slow as a known name
        raise Refused("unauthorised", msg(N_("wrong user name or password")))
    now = utcnow()
    attempt = lockout.reserve_attempt(
        user, "failed_logins", "locked_until", now, limit=MAX_FAILURES, lockout=LOCKOUT
    )
    db.session.commit()
    if attempt is None:
        raise Refused("locked", msg(N_("too many failed sign-ins: try again in a few minutes")))
    if not check_password_hash(user.password_hash, password):
        lockout.failed(
            user, attempt, "failed_logins", "locked_until", now, limit=MAX_FAILURES, lockout=LOCKOUT
        )
        db.session.commit()
        raise Refused("unauthorised", msg(N_("wrong user name or password")))
    lockout.forget_attempts(user, "failed_logins", "locked_until")
    db.session.commit()
    return user


def end_sessions(user: User) -> None:
    """Sign the account out everywhere: every session cookie issued so far stops working."""
    db.session.execute(
        update(User).where(User.id == user.id).values(session_version=User.session_version + 1)
    )
    db.session.commit()


def unlock(username: str) -> User:
    """Lift a sign-in lockout from the server's command line (an admin locked out by someone
    trying passwords can still get in)."""
    user: User | None = db.session.scalar(select(User).where(User.username == username.strip()))
    if user is None:
        raise Refused("not_found", msg(N_("no such user")))
    lockout.forget_attempts(user, "failed_logins", "locked_until")
    audit.record(SYSTEM, "user.unlock", f"user:{user.id}", role="admin")
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
