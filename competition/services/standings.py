"""Standings of an event, recomputed from the marks in force and the rule version in force.

Stored standings would be a cache; the truth is always the marks and the pinned rules.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from competition.extensions import db
from competition.models import Entrant, Event
from competition.rules.datafiles import Entrant as EngineEntrant
from competition.rules.datafiles import read_marks_text
from competition.rules.engine import compute_standings
from competition.rules.standings import Standings
from competition.services.contests import ruleset_of
from competition.services.marks import current_marks


def event_standings(event: Event, provisional: bool = True) -> Standings:
    """The event's standings now (provisional while marks are still coming in)."""
    return compute_standings(
        ruleset_of(event),
        current_marks(event.id),
        _entrants(event),
        provisional=provisional,
        marks_source=f"event {event.name}",
        entrants_source=f"event {event.name}",
    )


def sample_marks(event: Event, rules_dir: Path) -> str | None:
    """The sample marks shipped beside the event's rule file (NAME.sample.csv), if any."""
    name = Path(event.rules.source_name)
    sample = (rules_dir / name.parent / f"{name.stem}.sample.csv").resolve()
    if rules_dir.resolve() not in sample.parents or not sample.is_file():
        return None
    return sample.read_text(encoding="utf-8-sig")


def simulate(event: Event, marks_text: str, source: str) -> Standings:
    """What the event's rules make of a set of marks (a sample, an upload), before any mark
    is entered: nothing is stored. The event's registered entrants are used when there are
    any, else the entrants the marks name."""
    entrants = _entrants(event) or None
    return compute_standings(
        ruleset_of(event),
        read_marks_text(marks_text, source),
        entrants,
        provisional=True,
        marks_source=source,
        entrants_source=f"event {event.name}",
    )


def _entrants(event: Event) -> list[EngineEntrant]:
    return [
        EngineEntrant(e.code, e.name, {k: str(v) for k, v in (e.attributes or {}).items()})
        for e in db.session.scalars(
            select(Entrant).where(Entrant.event_id == event.id).order_by(Entrant.code)
        )
    ]
