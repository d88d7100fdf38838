"""Judges without accounts: personal login links, optional PINs, and what each judge marks.

A judge signs in with a random token carried by a link (printed as a QR card). Only the
token's SHA-256 is stored, so a leaked database cannot be used to sign in, and a lost card
is cancelled by issuing a new token or revoking the judge.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from competition.extensions import db
from competition.models import Assignment, Contest, Entrant, Event, Judge, Mark
from competition.models.base import utcnow
from competition.rules import load_rule_text
from competition.rules.messages import N_, msg
from competition.services import audit
from competition.services.authority import Actor, Refused, require_role

PIN_PATTERN = re.compile(r"[0-9]{4,6}")
MAX_PIN_FAILURES = 5
PIN_LOCKOUT_SECONDS = 5 * 60
CLOSED = ("locked", "published", "final")


# --- tokens and PINs ------------------------------------------------------------------------


def token_hash(token: str) -> str:
    """What is stored and looked up: a token is random enough that a plain hash suffices."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def login_url(base_url: str, token: str) -> str:
    return f"{base_url.rstrip('/')}/judge/login/{token}"


@dataclass
class PinThrottle:
    """Wrong PINs per judge: after MAX_PIN_FAILURES the judge waits PIN_LOCKOUT_SECONDS.

    The state lives in this process only (a dict keyed by judge id, with monotonic
    timestamps) so that no column is needed. A restart forgets it, and with several worker
    processes each keeps its own count: a 4–6 digit PIN behind a 192-bit token needs no more.
    """

    clock: Callable[[], float] = time.monotonic
    _failures: dict[int, int] = field(default_factory=dict)
    _locked_until: dict[int, float] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def locked(self, judge_id: int) -> bool:
        with self._lock:
            until = self._locked_until.get(judge_id)
            if until is not None and until <= self.clock():
                del self._locked_until[judge_id]
                until = None
            return until is not None

    def fail(self, judge_id: int) -> None:
        with self._lock:
            count = self._failures.get(judge_id, 0) + 1
            if count >= MAX_PIN_FAILURES:
                self._locked_until[judge_id] = self.clock() + PIN_LOCKOUT_SECONDS
                count = 0
            self._failures[judge_id] = count

    def clear(self, judge_id: int) -> None:
        with self._lock:
            self._failures.pop(judge_id, None)
            self._locked_until.pop(judge_id, None)


PIN_THROTTLE = PinThrottle()


def _new_token() -> str:
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
    actor: Actor, contest_id: int, name: str, unit: str = "", pin: str | None = None
) -> tuple[Judge, str]:
    """A judge and their plain token: the only moment the token exists, so print it now."""
    if db.session.get(Contest, contest_id) is None:
        raise Refused("not_found", msg(N_("no such contest")))
    role = require_role(actor, contest_id, ["organiser"])
    name, unit = name.strip(), unit.strip()
    if not name or len(name) > 120 or len(unit) > 200:
        raise Refused(
            "invalid",
            msg(N_("a judge needs a name of 1 to 120 characters and a unit of 200 at most")),
        )
    token = _new_token()
    judge = Judge(
        contest_id=contest_id,
        name=name,
        unit=unit,
        token_hash=token_hash(token),
        pin_hash=_pin_hash(pin),
    )
    db.session.add(judge)
    db.session.flush()
    audit.record(
        actor,
        "judge.create",
        f"contest:{contest_id}",
        role=role,
        after={"judge": judge.id, "name": name, "unit": unit, "pin": judge.pin_hash is not None},
    )
    db.session.commit()
    return judge, token


def reissue_token(actor: Actor, judge_id: int) -> str:
    """A new token for a judge; the old link stops working at once."""
    judge = _judge(judge_id)
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
    token = _new_token()
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
    judge = _judge(judge_id)
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
    if PIN_THROTTLE.locked(judge.id):
        raise Refused("locked", msg(N_("too many wrong PINs: try again in a few minutes")))
    if not pin:
        raise Refused("pin_required", msg(N_("enter your PIN")))
    if not check_password_hash(judge.pin_hash or "", pin):
        PIN_THROTTLE.fail(judge.id)
        raise Refused("unauthorised", msg(N_("wrong PIN")))
    PIN_THROTTLE.clear(judge.id)


def _judge(judge_id: int) -> Judge:
    judge = db.session.get(Judge, judge_id)
    if judge is None:
        raise Refused("not_found", msg(N_("no such judge")))
    return judge


# --- assignments ----------------------------------------------------------------------------


def assign(
    actor: Actor, judge_id: int, event_id: int, criterion: str = "", entrant_id: int | None = None
) -> Assignment:
    """Let a judge mark a criterion ("" = every judged one) of one entrant (None = all).

    A judge never marks an entrant of their own work unit (回避): such an assignment is
    refused with the unit and the entrants named, so the organiser can assign around them.
    """
    judge = _judge(judge_id)
    role = require_role(actor, judge.contest_id, ["organiser", "chief_judge"])
    event = _event_of(judge, event_id)
    _check_criterion(event, criterion)
    entrant = _entrant_of(event, entrant_id)
    _check_conflicts(judge, event, entrant)
    _check_not_covered(judge, event, criterion, entrant_id)
    assignment = Assignment(
        judge_id=judge.id, event_id=event.id, criterion=criterion, entrant_id=entrant_id
    )
    db.session.add(assignment)
    db.session.flush()
    audit.record(
        actor,
        "judge.assign",
        f"event:{event.id}/judge:{judge.id}",
        role=role,
        after={
            "assignment": assignment.id,
            "criterion": criterion,
            "entrant": entrant.code if entrant else None,
        },
    )
    db.session.commit()
    return assignment


def unassign(actor: Actor, assignment_id: int) -> None:
    """Take an assignment away, unless the judge has already entered marks under it: those
    marks would be left without the authority they were entered under."""
    assignment = db.session.get(Assignment, assignment_id)
    if assignment is None:
        raise Refused("not_found", msg(N_("no such assignment")))
    judge = assignment.judge
    role = require_role(actor, judge.contest_id, ["organiser", "chief_judge"])
    if judge.contest.status in CLOSED:
        raise Refused("locked", msg(N_("the contest is locked: assignments can no longer change")))
    if _marks_under(assignment):
        raise Refused(
            "precondition",
            msg(
                N_("judge {judge} has already entered marks under this assignment"),
                judge=judge.name,
            ),
        )
    before = {
        "assignment": assignment.id,
        "criterion": assignment.criterion,
        "entrant": assignment.entrant.code if assignment.entrant else None,
    }
    db.session.delete(assignment)
    audit.record(
        actor,
        "judge.unassign",
        f"event:{assignment.event_id}/judge:{judge.id}",
        role=role,
        before=before,
    )
    db.session.commit()


def assignments_of(judge_id: int) -> list[Assignment]:
    """A judge's assignments, in the order their screen lists them."""
    query = (
        select(Assignment)
        .join(Event, Event.id == Assignment.event_id)
        .outerjoin(Entrant, Entrant.id == Assignment.entrant_id)
        .where(Assignment.judge_id == judge_id)
        .order_by(Event.position, Assignment.criterion, Entrant.code.nulls_first())
    )
    return list(db.session.scalars(query))


def _event_of(judge: Judge, event_id: int) -> Event:
    event = db.session.get(Event, event_id)
    if event is None or event.contest_id != judge.contest_id:
        raise Refused("not_found", msg(N_("no such event in the judge's contest")))
    if event.contest.status in CLOSED:
        raise Refused("locked", msg(N_("the contest is locked: assignments can no longer change")))
    return event


def _check_criterion(event: Event, criterion: str) -> None:
    """Judges mark judged criteria only; measured values are entered by the organisers."""
    if criterion == "":
        return
    rules = event.rules
    judged = load_rule_text(rules.text, rules.source_name, rules.sha256).judged()
    if criterion not in judged:
        raise Refused(
            "invalid",
            msg(
                N_("'{criterion}' is not a judged criterion of '{event}'; judged: {judged}"),
                criterion=criterion,
                event=event.name,
                judged=", ".join(judged) or "—",
            ),
        )


def _entrant_of(event: Event, entrant_id: int | None) -> Entrant | None:
    if entrant_id is None:
        return None
    entrant = db.session.get(Entrant, entrant_id)
    if entrant is None or entrant.event_id != event.id:
        raise Refused("not_found", msg(N_("no such entrant in '{event}'"), event=event.name))
    return entrant


def _unit_of(entrant: Entrant) -> str:
    return str((entrant.attributes or {}).get("unit") or "").strip()


def _check_conflicts(judge: Judge, event: Event, entrant: Entrant | None) -> None:
    if not judge.unit:
        return
    if entrant is not None:
        if _unit_of(entrant) == judge.unit:
            raise Refused(
                "conflict",
                msg(
                    N_(
                        "{judge} and entrant {entrant} both belong to {unit}: a judge never "
                        "marks an entrant of their own unit"
                    ),
                    judge=judge.name,
                    entrant=f"{entrant.code} {entrant.name}",
                    unit=judge.unit,
                ),
            )
        return
    entrants = db.session.scalars(
        select(Entrant).where(Entrant.event_id == event.id).order_by(Entrant.code)
    )
    same_unit = [f"{e.code} {e.name}" for e in entrants if _unit_of(e) == judge.unit]
    if same_unit:
        raise Refused(
            "conflict",
            msg(
                N_(
                    "{judge} belongs to {unit}, like {entrants}: assign entrant by entrant, "
                    "leaving out {entrants}"
                ),
                judge=judge.name,
                unit=judge.unit,
                entrants=", ".join(same_unit),
            ),
        )


def _check_not_covered(judge: Judge, event: Event, criterion: str, entrant_id: int | None) -> None:
    """Refuse an assignment that an existing one already includes (or repeats)."""
    for existing in judge.assignments:
        if (
            existing.event_id == event.id
            and existing.criterion in ("", criterion)
            and existing.entrant_id in (None, entrant_id)
        ):
            raise Refused(
                "exists", msg(N_("judge {judge} is already assigned to this"), judge=judge.name)
            )


def _marks_under(assignment: Assignment) -> bool:
    query = select(Mark.id).where(
        Mark.judge_id == assignment.judge_id, Mark.event_id == assignment.event_id
    )
    if assignment.criterion:
        query = query.where(Mark.criterion == assignment.criterion)
    if assignment.entrant_id is not None:
        query = query.where(Mark.entrant_id == assignment.entrant_id)
    return db.session.scalar(query.limit(1)) is not None
