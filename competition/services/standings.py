"""Standings of an event, recomputed from the marks in force and the rule version in force.

Stored standings would be a cache; the truth is always the marks and the pinned rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
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


def event_standings(
    event: Event, provisional: bool = True, as_of: datetime | None = None
) -> Standings:
    """The event's standings now (provisional while marks are still coming in), or as they
    stood at ``as_of``."""
    return compute_standings(
        ruleset_of(event),
        current_marks(event.id, as_of),
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


@dataclass(frozen=True)
class Progress:
    """How far the marking of one criterion of an event has come."""

    criterion: str
    label: str
    complete: int  # panels (or values) complete
    partial: int  # panels with some judges' marks in
    expected: int  # entrants × items


def progress(event: Event, result: Standings | None = None) -> list[Progress]:
    """Per entered criterion: complete panels or values out of those expected (of the
    event's standings now, or of ``result``)."""
    if result is None:
        result = event_standings(event)
    table = result.table
    rows = []
    for name, criterion in result.ruleset.rule.criteria.items():
        if name not in result.ruleset.judged() and name not in result.ruleset.measured():
            continue
        per_item = result.ruleset.levels[name] == "item"
        expected = sum(
            len(table.item_rows.get(e.id, [])) if per_item else 1 for e in table.entrants
        )
        if name in table.panels:
            panel = table.panels[name]
            complete, partial = len(panel.values), len(panel.pending)
        else:
            column = table.item_columns[name] if per_item else table.entrant_columns[name]
            complete, partial = sum(1 for v in column.values() if v is not None), 0
        rows.append(Progress(name, criterion.label or name, complete, partial, expected))
    return rows
