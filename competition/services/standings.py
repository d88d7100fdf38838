"""Standings of an event, recomputed from the marks in force and the rule version in force.

Stored standings would be a cache; the truth is always the marks and the pinned rules.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select

from competition.extensions import db
from competition.models import Entrant, Event, Mark
from competition.rules.datafiles import Entrant as EngineEntrant
from competition.rules.datafiles import read_marks_text
from competition.rules.engine import compute_standings
from competition.rules.incremental import can_update, update
from competition.rules.model import Measured
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


@dataclass(frozen=True)
class _Known:
    standings: Standings
    rules_id: int
    entrants: tuple[int, int]  # how many, and the newest id: an added or removed one shows
    last_mark: int  # the newest mark id read


@dataclass
class LiveStandings:
    """Each event's provisional standings as last computed, brought up to date from the
    marks stored since (in this process or any other): where the rules let one entrant be
    recomputed alone (``competition.rules.incremental``), only the entrants with new marks
    are, and the field is placed again; otherwise, and after any other change (rules,
    entrants), in full. Equal to :func:`event_standings` either way."""

    most_changed: int = 50  # beyond that many changed entrants a full computation is cheaper
    known: dict[int, _Known] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    incremental: int = 0  # how often each path was taken (docs/performance.md)
    full: int = 0

    def of(self, event: Event) -> Standings:
        with self.lock:
            last = _last_mark(event.id)
            entrants = _entrant_signature(event.id)
            known = self.known.get(event.id)
            if known is not None and (known.rules_id, known.entrants) == (
                event.rules.id,
                entrants,
            ):
                if known.last_mark == last:
                    return known.standings
                result = self._updated(event, known)
                if result is not None:
                    self.incremental += 1
                    self.known[event.id] = _Known(result, event.rules.id, entrants, last)
                    return result
            result = event_standings(event)
            self.full += 1
            self.known[event.id] = _Known(result, event.rules.id, entrants, last)
            return result

    def _updated(self, event: Event, known: _Known) -> Standings | None:
        if not can_update(known.standings.ruleset):
            return None
        changed = list(
            db.session.scalars(
                select(Entrant.code)
                .join(Mark, Mark.entrant_id == Entrant.id)
                .where(Mark.event_id == event.id, Mark.id > known.last_mark)
                .distinct()
            )
        )
        if len(changed) > self.most_changed:
            return None
        by_code = {e.id: e for e in _entrants(event, changed)}
        result = known.standings
        try:
            for code in sorted(changed):
                result = update(
                    result,
                    current_marks(event.id, entrant=code),
                    by_code[code],
                    marks_source=f"event {event.name}",
                    entrants_source=f"event {event.name}",
                )
        except ValueError:  # a case the incremental path leaves to a full computation
            return None
        return result


def _last_mark(event_id: int) -> int:
    return int(db.session.scalar(select(func.max(Mark.id)).where(Mark.event_id == event_id)) or 0)


def _entrant_signature(event_id: int) -> tuple[int, int]:
    count, newest = db.session.execute(
        select(func.count(Entrant.id), func.max(Entrant.id)).where(Entrant.event_id == event_id)
    ).one()
    return int(count or 0), int(newest or 0)


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


def _entrants(event: Event, codes: list[str] | None = None) -> list[EngineEntrant]:
    """The event's entrants (or those with the given codes) as the engine takes them."""
    query = select(Entrant).where(Entrant.event_id == event.id)
    if codes is not None:
        query = query.where(Entrant.code.in_(codes))
    return [
        EngineEntrant(e.code, e.name, {k: str(v) for k, v in (e.attributes or {}).items()})
        for e in db.session.scalars(query.order_by(Entrant.code))
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
    event's standings now, or of ``result``). A measured value with a default (a deduction
    that is 0 unless entered) is owed by nobody, so it is not counted."""
    if result is None:
        result = event_standings(event)
    table = result.table
    rows = []
    for name, criterion in result.ruleset.rule.criteria.items():
        if name not in result.ruleset.judged() and name not in result.ruleset.measured():
            continue
        if isinstance(criterion, Measured) and criterion.default is not None:
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
