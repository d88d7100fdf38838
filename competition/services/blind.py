"""Blind judging (加密): the two-stage draw of contestant and station numbers, the sealed
mapping for the supervisors, and unblinding (解密) by the chief judge after lock.

The draw is made from a recorded seed, so an auditor reproduces it with :func:`redo` from the
seed and the entrant codes alone; the audit log keeps the seed, never the mapping itself.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Iterable
from typing import NamedTuple

from sqlalchemy import select

from competition.extensions import db
from competition.models import BlindCode, BlindDraw, Contest, Entrant, Event
from competition.models.base import utcnow
from competition.rules.messages import N_, msg
from competition.services import audit, outbox
from competition.services.authority import Actor, Refused, require_role
from competition.services.entrant_sheets import column_letter
from competition.services.stages import stage_name

METHOD = "two_stage"
BEFORE_SCORING = ("draft", "registration")
LOCKED = ("locked", "published", "final")
MAX_SEED = 64
HIDDEN = "—"  # what a blind viewer sees for an entrant who has no code yet


class DrawnCode(NamedTuple):
    entrant: str  # the entrant's code
    contestant_no: str
    station_no: str


class SealedRow(NamedTuple):
    contestant_no: str
    station_no: str
    entrant_code: str
    entrant_name: str


# --- the draw itself: pure, reproducible -----------------------------------------------------


def event_letter(position: int) -> str:
    """A, B, … Z, AA, AB …: the prefix that keeps numbers of different events apart (lettered
    like spreadsheet columns)."""
    return column_letter(position)


def redo(seed: str, entrant_codes: Iterable[str], event_position: int = 0) -> list[DrawnCode]:
    """The draw a seed gives, in the order the entrants drew (RULES.md 1.6).

    ``random.Random(seed)`` drives everything, in this order: stage 1 shuffles the entrant
    codes, sorted first so that the seed alone fixes the result, into the drawing order;
    stage 2 lets each entrant in that order take a contestant number from the remaining pool
    (``pool.pop(randrange(len(pool)))``); then, in the same order, each takes a station
    number from the station pool the same way.
    """
    codes = sorted(entrant_codes)
    if len(set(codes)) != len(codes):
        raise ValueError("entrant codes must be unique")
    rng = random.Random(seed)
    order = list(codes)
    rng.shuffle(order)
    width = len(str(len(codes)))
    letter = event_letter(event_position)
    numbers = _take_in_turn(rng, order, [f"{letter}-{n:0{width}d}" for n in _count(codes)])
    stations = _take_in_turn(rng, order, [f"工位{n:0{max(2, width)}d}" for n in _count(codes)])
    return [DrawnCode(code, numbers[i], stations[i]) for i, code in enumerate(order)]


def _count(codes: list[str]) -> range:
    return range(1, len(codes) + 1)


def _take_in_turn(rng: random.Random, order: list[str], pool: list[str]) -> list[str]:
    """What each entrant in ``order`` takes from the pool, in that order."""
    return [pool.pop(rng.randrange(len(pool))) for _ in order]


# --- the draw as a recorded, audited event ---------------------------------------------------


def draw(actor: Actor, event_id: int, seed: str | None = None) -> BlindDraw:
    """Draw an event's codes before scoring opens; a second draw needs the first discarded."""
    event = _event(event_id)
    role = require_role(actor, event.contest_id, ["organiser"])
    _check_may_draw(event)
    entrants = db.session.scalars(
        select(Entrant).where(Entrant.event_id == event.id).order_by(Entrant.code)
    ).all()
    if not entrants:
        raise Refused(
            "precondition", msg(N_("event '{event}' has no entrants yet"), event=event.name)
        )
    seed = secrets.token_hex(8) if seed is None else seed
    if not seed.strip() or len(seed) > MAX_SEED:
        raise Refused("invalid", msg(N_("a seed is 1 to {n} characters"), n=MAX_SEED))
    by_code = {entrant.code: entrant for entrant in entrants}
    blind_draw = BlindDraw(event_id=event.id, seed=seed, method=METHOD, drawn_by=actor.label)
    blind_draw.codes = [
        BlindCode(
            entrant=by_code[d.entrant], contestant_no=d.contestant_no, station_no=d.station_no
        )
        for d in redo(seed, by_code, event.position)
    ]
    db.session.add(blind_draw)
    db.session.flush()
    outbox.record(event.contest_id, outbox.BOARD, event.id)
    audit.record(
        actor,
        "blind.draw",
        f"event:{event.id}",
        role=role,
        after={"draw": blind_draw.id, "method": METHOD, "seed": seed, "entrants": len(entrants)},
    )
    db.session.commit()
    outbox.announce(event.contest_id)
    return blind_draw


def _check_may_draw(event: Event) -> None:
    contest = event.contest
    if not contest.blind:
        raise Refused("invalid", msg(N_("the contest is not blind: there are no codes to draw")))
    if contest.status not in BEFORE_SCORING:
        raise Refused("wrong_state", msg(N_("codes are drawn before scoring opens")))
    if current_draw(event.id) is not None:
        raise Refused(
            "exists",
            msg(
                N_(
                    "the codes of '{event}' are already drawn: discard that draw with a reason "
                    "to draw again"
                ),
                event=event.name,
            ),
        )


def discard(actor: Actor, draw_id: int, reason: str) -> None:
    """Throw a draw away before scoring opens (an entrant added late, a botched ceremony).

    The draw and its codes are deleted; the audit entry keeps its seed, author and time, so
    the discarded draw can still be reproduced and questioned.
    """
    blind_draw = db.session.get(BlindDraw, draw_id)
    if blind_draw is None:
        raise Refused("not_found", msg(N_("no such draw")))
    event = _event(blind_draw.event_id)
    role = require_role(actor, event.contest_id, ["organiser"])
    if not reason.strip():
        raise Refused("reason_required", msg(N_("discarding a draw needs a reason")))
    if event.contest.status not in BEFORE_SCORING:
        raise Refused("wrong_state", msg(N_("scoring has opened: the codes are in use")))
    before = {
        "draw": blind_draw.id,
        "method": blind_draw.method,
        "seed": blind_draw.seed,
        "drawn_by": blind_draw.drawn_by,
        "drawn_at": blind_draw.drawn_at.isoformat(),
    }
    db.session.delete(blind_draw)
    outbox.record(event.contest_id, outbox.BOARD, event.id)
    audit.record(
        actor, "blind.discard", f"event:{event.id}", role=role, reason=reason.strip(), before=before
    )
    db.session.commit()
    outbox.announce(event.contest_id)


def current_draw(event_id: int) -> BlindDraw | None:
    return db.session.scalar(
        select(BlindDraw).where(BlindDraw.event_id == event_id).order_by(BlindDraw.id.desc())
    )


def codes_by_entrant(event_id: int) -> dict[int, BlindCode]:
    """Each entrant's code in the event's draw (empty before the draw), keyed by entrant id."""
    blind_draw = current_draw(event_id)
    return {code.entrant_id: code for code in blind_draw.codes} if blind_draw else {}


def numbers_by_code(event_id: int) -> dict[str, str]:
    """Each entrant's contestant number in the event's draw, keyed by the entrant's code
    (empty before the draw): one query, for boards of thousands of entrants."""
    blind_draw = current_draw(event_id)
    if blind_draw is None:
        return {}
    codes, entrants = BlindCode.__table__, Entrant.__table__
    rows = db.session.execute(
        select(entrants.c.code, codes.c.contestant_no)
        .join(entrants, entrants.c.id == codes.c.entrant_id)
        .where(codes.c.draw_id == blind_draw.id)
    ).all()
    return {str(code): str(number) for code, number in rows}


# --- the sealed mapping and unblinding -------------------------------------------------------


def sealed_mapping(actor: Actor, event_id: int) -> list[SealedRow]:
    """Code → entrant for the supervisors' sealed envelope; every look leaves an audit entry."""
    event = _event(event_id)
    role = require_role(actor, event.contest_id, ["organiser", "chief_judge"])
    blind_draw = current_draw(event.id)
    if blind_draw is None:
        raise Refused(
            "precondition", msg(N_("the codes of '{event}' are not drawn yet"), event=event.name)
        )
    rows = sorted(
        SealedRow(c.contestant_no, c.station_no, c.entrant.code, c.entrant.name)
        for c in blind_draw.codes
    )
    audit.record(
        actor, "blind.view_mapping", f"event:{event.id}", role=role, after={"draw": blind_draw.id}
    )
    db.session.commit()
    return rows


def unblind(actor: Actor, contest_id: int) -> Contest:
    """Open the names (解密) once the results are locked, so no mark can follow a name."""
    contest = db.session.get(Contest, contest_id)
    if contest is None:
        raise Refused("not_found", msg(N_("no such contest")))
    role = require_role(actor, contest.id, ["chief_judge"])
    if not contest.blind:
        raise Refused("invalid", msg(N_("the contest is not blind: the names are open")))
    if contest.unblinded_at is not None:
        raise Refused("exists", msg(N_("the contest is already unblinded")))
    if contest.status not in LOCKED:
        raise Refused(
            "wrong_state",
            msg(
                N_("the contest is '{status}': names open only after lock"),
                status=stage_name(contest.status),
            ),
        )
    contest.unblinded_at = utcnow()
    outbox.record(contest.id, outbox.BOARD)
    audit.record(
        actor,
        "contest.unblind",
        f"contest:{contest.id}",
        role=role,
        after={"unblinded_at": contest.unblinded_at.isoformat()},
    )
    db.session.commit()
    outbox.announce(contest.id)
    return contest


def names_hidden(contest: Contest, may_see_names: bool) -> bool:
    return contest.blind and contest.unblinded_at is None and not may_see_names


def display_label(
    entrant: Entrant, code: BlindCode | None, contest: Contest, may_see_names: bool
) -> str:
    """How an entrant appears on a screen: only the contestant number while names are
    hidden (a dash before the draw, never the registration code, which may be known);
    otherwise the name with the number, or with the registration code before a draw."""
    if names_hidden(contest, may_see_names):
        return code.contestant_no if code is not None else HIDDEN
    return f"{entrant.name} ({code.contestant_no if code is not None else entrant.code})"


def _event(event_id: int) -> Event:
    event = db.session.get(Event, event_id)
    if event is None:
        raise Refused("not_found", msg(N_("no such event")))
    return event
