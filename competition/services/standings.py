"""Standings of an event, recomputed from the marks in force and the rule version in force.

Stored standings would be a cache; the truth is always the marks and the pinned rules.
"""

from __future__ import annotations

from sqlalchemy import select

from competition.extensions import db
from competition.models import Entrant, Event
from competition.rules.datafiles import Entrant as EngineEntrant
from competition.rules.engine import compute_standings
from competition.rules.standings import Standings
from competition.services.contests import ruleset_of
from competition.services.marks import current_marks


def event_standings(event: Event, provisional: bool = True) -> Standings:
    """The event's standings now (provisional while marks are still coming in)."""
    entrants = [
        EngineEntrant(e.code, e.name, {k: str(v) for k, v in (e.attributes or {}).items()})
        for e in db.session.scalars(
            select(Entrant).where(Entrant.event_id == event.id).order_by(Entrant.code)
        )
    ]
    return compute_standings(
        ruleset_of(event),
        current_marks(event.id),
        entrants,
        provisional=provisional,
        marks_source=f"event {event.name}",
        entrants_source=f"event {event.name}",
    )
