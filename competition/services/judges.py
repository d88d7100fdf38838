"""Judges without accounts: personal login links, optional PINs, and what each judge marks.

A judge signs in with a random token carried by a link (printed as a QR card). Only the
token's SHA-256 is stored, so a leaked database cannot be used to sign in, and a lost card
is cancelled by issuing a new token or revoking the judge.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import timedelta

from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from competition.extensions import db
from competition.models import Contest, Judge
from competition.models.base import utcnow
from competition.rules.messages import N_, msg
from competition.services import audit, lockout
from competition.services.authority import Actor, Refused, require_role

PIN_PATTERN = re.compile(r"[0-9]{4,6}")
MAX_PIN_FAILURES = 5
PIN_LOCKOUT = timedelta(minutes=5)
CLOSED = ("locked", "published", "final")


# --- tokens and PINs ------------------------------------------------------------------------


def token_hash(token: str) -> str:
    """What is stored and looked up: a token is random enough that a plain hash suffices."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def login_url(base_url: str, token: str) -> str:
    return f"{base_url.rstrip('/')}/judge/login/{token}"


def new_token() -> str:
    """A login token for a new card: random, URL-safe, shown once."""
    return secrets.token_urlsafe(24)


def _pin_hash(pin: str | None) -> str | None:
    """The PIN's hash, None for no PIN, or :class:`Refused` for a PIN that is not 4–6 digits."""
    if pin is None or pin == "":
        return None
    if not PIN_PATTERN.fullmatch(pin):
        raise Refused("invalid", msg(N_("a PIN is 4 to 6 digits")))
    return generate_password_hash(pin)


# --- judges ---------------------------------------------------------------------------------


def create_judge(
    actor: Actor,
    contest_id: int,
    name: str,
    unit: str = "",
    pin: str | None = None,
    person_id: int | None = None,
) -> tuple[Judge, str]:
    """A judge and their plain token: the only moment the token exists, so print it now.
    ``person_id``: the judges' pool person this judge is (competition.services.pool)."""
    if db.session.get(Contest, contest_id) is None:
        raise Refused("not_found", msg(N_("no such contest")))
    role = require_role(actor, contest_id, ["organiser"])
    name, unit = name.strip(), unit.strip()
    if not name or len(name) > 120 or len(unit) > 200:
        raise Refused(
            "invalid",
            msg(N_("a judge needs a name of 1 to 120 characters and a unit of 200 at most")),
        )
    token = new_token()
    judge = Judge(
        contest_id=contest_id,
        name=name,
        unit=unit,
        token_hash=token_hash(token),
        pin_hash=_pin_hash(pin),
        person_id=person_id,
    )
    db.session.add(judge)
    db.session.flush()
    after: dict[str, object] = {
        "judge": judge.id,
        "name": name,
        "unit": unit,
        "pin": judge.pin_hash is not None,
    }
    if person_id is not None:
        after["person"] = person_id
    audit.record(actor, "judge.create", f"contest:{contest_id}", role=role, after=after)
    db.session.commit()
    return judge, token


def reissue_token(actor: Actor, judge_id: int) -> str:
    """A new token for a judge; the old link stops working at once."""
    judge = get_judge(judge_id)
    role = require_role(actor, judge.contest_id, ["organiser"])
    token = _replace_token(actor, role, judge)
    db.session.commit()
    return token


def reissue_all(actor: Actor, contest_id: int) -> list[tuple[Judge, str]]:
    """New tokens for every judge of a contest who is not revoked, to print every card again
    (plain tokens are never stored, so old cards cannot be reprinted)."""
    if db.session.get(Contest, contest_id) is None:
        raise Refused("not_found", msg(N_("no such contest")))
    role = require_role(actor, contest_id, ["organiser"])
    judges = db.session.scalars(
        select(Judge)
        .where(Judge.contest_id == contest_id, Judge.revoked_at.is_(None))
        .order_by(Judge.name, Judge.id)
    ).all()
    issued = [(judge, _replace_token(actor, role, judge)) for judge in judges]
    db.session.commit()
    return issued


def _replace_token(actor: Actor, role: str, judge: Judge) -> str:
    if judge.revoked_at is not None:
        raise Refused(
            "revoked",
            msg(N_("judge {judge} was revoked: add them again instead"), judge=judge.name),
        )
    token = new_token()
    judge.token_hash = token_hash(token)
    audit.record(
        actor,
        "judge.reissue_token",
        f"contest:{judge.contest_id}",
        role=role,
        after={"judge": judge.id},
    )
    return token


def revoke(actor: Actor, judge_id: int, reason: str) -> Judge:
    """Withdraw a judge's link for good (a lost card, a judge replaced); a reason is required
    because the judge's marks stay in the log."""
    judge = get_judge(judge_id)
    role = require_role(actor, judge.contest_id, ["organiser"])
    if not reason.strip():
        raise Refused("reason_required", msg(N_("revoking a judge needs a reason")))
    if judge.revoked_at is not None:
        raise Refused("revoked", msg(N_("judge {judge} is already revoked"), judge=judge.name))
    judge.revoked_at = utcnow()
    audit.record(
        actor,
        "judge.revoke",
        f"contest:{judge.contest_id}",
        role=role,
        reason=reason.strip(),
        after={"judge": judge.id},
    )
    db.session.commit()
    return judge


def judge_for_token(token: str, pin: str | None = None) -> Judge:
    """The judge a login link belongs to, or :class:`Refused`. An unknown and a revoked token
    get the same answer, so a link reveals nothing about other judges."""
    judge: Judge | None = db.session.scalar(
        select(Judge).where(Judge.token_hash == token_hash(token))
    )
    if judge is None or judge.revoked_at is not None:
        raise Refused(
            "unauthorised",
            msg(N_("this judge link is not valid: ask the organisers for a new card")),
        )
    if judge.pin_hash is not None:
        _check_pin(judge, pin)
    return judge


def _check_pin(judge: Judge, pin: str | None) -> None:
    """After MAX_PIN_FAILURES wrong PINs in a row the judge waits PIN_LOCKOUT; the count is on
    the judge's row, so every server process counts the same attempts."""
    now = utcnow()
    if not pin:
        if lockout.locked(judge, "pin_locked_until", now):
            raise Refused("locked", msg(N_("too many wrong PINs: try again in a few minutes")))
        raise Refused("pin_required", msg(N_("enter your PIN")))
    attempt = lockout.reserve_attempt(
        judge, "failed_pins", "pin_locked_until", now, limit=MAX_PIN_FAILURES, lockout=PIN_LOCKOUT
    )
    db.session.commit()
    if attempt is None:
        raise Refused("locked", msg(N_("too many wrong PINs: try again in a few minutes")))
    if not check_password_hash(judge.pin_hash or "", pin):
        lockout.failed(
            judge,
            attempt,
            "failed_pins",
            "pin_locked_until",
            now,
            limit=MAX_PIN_FAILURES,
            lockout=PIN_LOCKOUT,
        )
        db.session.commit()
        raise Refused("unauthorised", msg(N_("wrong PIN")))
    lockout.forget_attempts(judge, "failed_pins", "pin_locked_until")
    db.session.commit()


def contest_judges(contest_id: int) -> list[Judge]:
    """The judges of a contest, by name, the revoked ones included (the console shows them)."""
    query = select(Judge).where(Judge.contest_id == contest_id).order_by(Judge.name, Judge.id)
    return list(db.session.scalars(query))


def judge_of_contest(judge_id: int, contest_id: int) -> Judge:
    """A judge of this contest, or :class:`Refused` as if there were none (a judge of another
    contest is not this console page's to touch)."""
    judge = db.session.get(Judge, judge_id)
    if judge is None or judge.contest_id != contest_id:
        raise Refused("not_found", msg(N_("no such judge")))
    return judge


def get_judge(judge_id: int) -> Judge:
    judge = db.session.get(Judge, judge_id)
    if judge is None:
        raise Refused("not_found", msg(N_("no such judge")))
    return judge


def signed_in_judge(judge_id: int, link_hash: str) -> Judge:
    """The judge of a session, as long as the link it was opened with still stands: a
    reissued or revoked link ends the sessions opened with it."""
    judge = db.session.get(Judge, judge_id)
    if judge is None or judge.revoked_at is not None or judge.token_hash != link_hash:
        raise link_not_valid()
    return judge


def link_not_valid() -> Refused:
    """A reissued or revoked judge link, or a session that names no judge."""
    return Refused(
        "unauthorised", msg(N_("this judge link is not valid: ask the organisers for a new card"))
    )
