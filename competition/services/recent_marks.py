"""The latest accepted marks of a contest as the public may see them: the big screen lists
them under its QR code while scoring runs.

Only a live board shows them: a frozen or hidden board, and a contest out of scoring, show
none (a frozen board must not say what came in after it froze). An entrant is named as the
board names them (the contestant number while names are closed). A measured value (field
data, no judge) is shown; a judge's mark is not, only that it came in, so that no judge sees
another's mark on the hall's screen while the panel is still marking.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from competition.extensions import db
from competition.models import BlindCode, Contest, Event, Mark
from competition.services.blind import current_draw
from competition.services.contests import ruleset_of

LATEST = 6  # the panel under the QR code holds six


def recent_marks(contest: Contest, names_open: bool, limit: int = LATEST) -> list[dict[str, Any]]:
    """The newest accepted marks first: ``{id, event, entrant, item, criterion, value}``,
    ``value`` null for a judge's mark; empty unless the board is live in scoring."""
    if contest.status != "scoring" or contest.board_mode != "provisional":
        return []
    events = {event.id: event for event in contest.events}
    marks = db.session.scalars(
        select(Mark)
        .options(joinedload(Mark.entrant))
        .where(Mark.event_id.in_(events))
        .order_by(Mark.id.desc())
        .limit(limit)
    ).all()
    numbers = {} if names_open else _numbers(events.values(), {m.entrant_id for m in marks})
    shown = []
    for mark in marks:
        entrant = mark.entrant.name if names_open else numbers.get(mark.entrant_id)
        if entrant is None:  # a blind entrant before the draw: nothing to name them by
            continue
        shown.append(_entry(events[mark.event_id], mark, entrant))
    return shown


def _entry(event: Event, mark: Mark, entrant: str) -> dict[str, Any]:
    rule = ruleset_of(event).rule
    criterion = rule.criteria.get(mark.criterion)
    item = None
    if mark.item:
        item = f"{rule.items.label} {mark.item}" if rule.items is not None else mark.item
    return {
        "id": mark.id,
        "event": event.name,
        "entrant": entrant,
        "item": item,
        "criterion": (criterion.label if criterion else None) or mark.criterion,
        "value": mark.value if criterion is not None and criterion.kind == "measured" else None,
    }


def _numbers(events: Any, entrant_ids: set[int]) -> dict[int, str]:
    """The contestant numbers of these entrants in their events' current draws."""
    draws = [draw.id for event in events if (draw := current_draw(event.id)) is not None]
    if not draws or not entrant_ids:
        return {}
    rows = db.session.execute(
        select(BlindCode.entrant_id, BlindCode.contestant_no).where(
            BlindCode.draw_id.in_(draws), BlindCode.entrant_id.in_(entrant_ids)
        )
    ).all()
    return {int(entrant_id): str(number) for entrant_id, number in rows}
