"""Standings of an event, recomputed from the marks in force and the rule version in force.

Stored standings would be a cache; the truth is always the marks and the pinned rules.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pandas as pd
from flask import Flask, current_app
from sqlalchemy import ColumnElement, select

from competition.database import release_connection
from competition.extensions import db, process_state
from competition.models import Entrant, Event
from competition.offload import off_the_loop, pool_lock
from competition.rules.datafiles import Entrant as EngineEntrant
from competition.rules.datafiles import read_marks_text
from competition.rules.engine import compute_standings
from competition.rules.errors import DataFileError, Problem
from competition.rules.incremental import can_update, update_many
from competition.rules.model import Measured
from competition.rules.standings import Standings
from competition.services import outbox
from competition.services.contests import ruleset_of
from competition.services.marks import current_marks

QUARANTINE_ROUNDS = 5


def event_standings(
    event: Event, provisional: bool = True, as_of: datetime | None = None
) -> Standings:
    """The event's standings now (provisional while marks are still coming in), or as they
    stood at ``as_of``; marks the engine cannot use are left out (:func:`_despite`)."""
    standings, _left_out = _despite(event, current_marks(event.id, as_of), provisional)
    return standings


def unusable_marks(event: Event) -> list[Problem]:
    """The marks in force the engine cannot use, each with its reason (``line`` is the
    mark's id): what the board leaves out, for the chief judge's monitor."""
    return _despite(event, current_marks(event.id), True)[1]


def _despite(
    event: Event, marks: pd.DataFrame, provisional: bool
) -> tuple[Standings, list[Problem]]:
    """The standings, and the marks left out to compute them. The engine refuses a whole
    marks table over one row it cannot use (a value stored before the mark check and the
    engine agreed on what a number is, a mark beyond a panel's size); a board must not stop
    for it. The cells of the rows the engine names are left out (their entrants show as
    incomplete, so no official result can pass) and the rest is placed, in a few rounds at
    most."""
    ruleset, entrants = ruleset_of(event), _entrants(event)
    source = f"event {event.name}"

    def computed(marks: pd.DataFrame) -> Standings:
        return compute_standings(
            ruleset,
            marks,
            entrants,
            provisional=provisional,
            marks_source=source,
            entrants_source=f"event {event.name} entrants",
        )

    left_out: list[Problem] = []
    for _round in range(QUARANTINE_ROUNDS):
        try:
            return computed(marks), left_out
        except DataFileError as error:
            named = [p for p in error.problems if p.source == source and p.line is not None]
            if not named:
                raise
            left_out.extend(named)
            marks = _without_cells_of(marks, {p.line for p in named})
    return computed(marks), left_out  # its refusal, if any, goes to the caller


def _without_cells_of(marks: pd.DataFrame, lines: set[int | None]) -> pd.DataFrame:
    """``marks`` without every mark of the cells (entrant, item, criterion) of ``lines``: of a
    panel with one mark too many, none can be told to be the extra one."""
    cell = ["entrant", "item", "criterion"]
    bad = marks.loc[marks["line"].isin(lines), cell].drop_duplicates()
    hit = marks[cell].merge(bad, how="left", on=cell, indicator=True)["_merge"] == "both"
    return marks[~hit.to_numpy()]


@dataclass(frozen=True)
class _Known:
    standings: Standings
    version: int  # the contest's board version read before these standings were read
    rules_id: int


@dataclass
class StandingsService:
    """Each event's provisional standings, one copy per process for every reader — the live
    board, the API, the monitor, the console's results, awards and exports — brought up to
    date from the board's outbox (:mod:`competition.services.outbox`): the changes after the
    version held, in version (commit) order. Where the rules let entrants be recomputed
    alone (``competition.rules.incremental``) only the entrants changed since are, together,
    and the field is placed once; after any other change (rules, entrants) in full. Equal to
    :func:`event_standings` either way.

    Standings labelled with version v hold every change up to v (v is read first; a change
    committed meanwhile may be in them too, and is folded in again next time, harmlessly)."""

    most_changed: float = 0.5  # past this share of the field changed, a full computation
    known: dict[int, _Known] = field(default_factory=dict)
    guard: threading.Lock = field(default_factory=threading.Lock)
    locks: dict[int, threading.Lock] = field(default_factory=dict)
    incremental: int = 0  # how often each path was taken (docs/performance.md)
    full: int = 0

    def of(self, event: Event) -> Standings:
        """The event's provisional standings now, computed off the event loop (the result is
        plain data, safe to hand back)."""
        event_id, contest_id = event.id, event.contest_id
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        return off_the_loop(app, lambda: self._locked_of(event_id, contest_id))

    def _locked_of(self, event_id: int, contest_id: int) -> Standings:
        lock = self._lock_of(event_id)
        if not lock.acquire(blocking=False):
            # another thread computes them: wait without holding a database connection,
            # which the computing thread may need
            release_connection()
            lock.acquire()
        try:
            return self._of(event_id, contest_id)
        finally:
            lock.release()

    def _lock_of(self, event_id: int) -> threading.Lock:
        with self.guard:
            return self.locks.setdefault(event_id, pool_lock())

    def _of(self, event_id: int, contest_id: int) -> Standings:
        version = outbox.versions([contest_id]).get(contest_id, 0)
        event = db.session.get(Event, event_id)
        assert event is not None, "events are never deleted"
        rules_id = event.rules.id
        known = self.known.get(event_id)
        result: Standings | None = None
        if known is not None and known.rules_id == rules_id:
            if known.version == version:
                return known.standings
            result = self._updated(event, known, version)
        if result is None:
            result = event_standings(event)
            self.full += 1
        self.known[event_id] = _Known(result, version, rules_id)
        return result

    def _updated(self, event: Event, known: _Known, version: int) -> Standings | None:
        """``known`` brought to ``version`` by recomputing only the entrants changed since,
        or None where a full computation is needed."""
        changes = outbox.changes_between(event.contest_id, event.id, known.version, version)
        if changes.whole_event:
            return None
        if not changes.entrants:
            return known.standings  # the change was elsewhere (another event, the board)
        field_size = max(len(known.standings.rows), 1)
        if not can_update(known.standings.ruleset) or (
            len(changes.entrants) > self.most_changed * field_size
        ):
            return None
        changed = _entrants_by_id(event, changes.entrants)
        try:
            result = update_many(
                known.standings,
                current_marks(event.id, entrant_ids=changes.entrants),
                changed,
                marks_source=f"event {event.name}",
                entrants_source=f"event {event.name}",
            )
        except (ValueError, DataFileError):  # left to a full computation (and its checks)
            return None
        self.incremental += 1
        return result


def standings_service(app: Flask | None = None) -> StandingsService:
    """The app's standings service in this process."""
    return process_state("standings", StandingsService, app)


def current_standings(event: Event) -> Standings:
    """The event's provisional standings now, from this process's service."""
    return standings_service().of(event)


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


def _entrants_by_id(event: Event, ids: frozenset[int]) -> list[EngineEntrant]:
    """The entrants with these database ids, in registration order, as the engine takes
    them."""
    return _read_entrants(event, Entrant.id.in_(sorted(ids)))


def _entrants(event: Event, codes: list[str] | None = None) -> list[EngineEntrant]:
    """The event's entrants (or those with the given codes) as the engine takes them."""
    return _read_entrants(event, Entrant.code.in_(codes) if codes is not None else None)


def _read_entrants(event: Event, which: ColumnElement[bool] | None) -> list[EngineEntrant]:
    """One plain query (no ORM objects: a full computation reads thousands)."""
    query = select(Entrant.code, Entrant.name, Entrant.attributes).where(
        Entrant.event_id == event.id
    )
    if which is not None:
        query = query.where(which)
    return [
        EngineEntrant(code, name, {k: str(v) for k, v in (attributes or {}).items()})
        for code, name, attributes in db.session.execute(query.order_by(Entrant.code))
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
    event's standings now, or of ``result``). A panel is complete with as many marks as its
    range of judges allows; a criterion of an item group is owed on its group's items only.
    A measured value with a default (a deduction that is 0 unless
    entered) is owed by nobody, so it is not counted."""
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
        # an item of another group, or not taken, is owed nothing
        if per_item:
            expected = sum(len(items) for items in table.items_by_entrant(name))
        else:
            expected = len(table.entrants)
        if name in table.panels:
            panel = table.panels[name]
            # a cell valued ``absent`` was not marked: it is not counted as marked in full
            complete, partial = len(panel.values) - len(panel.absent), len(panel.pending)
        else:
            column = table.item_columns[name] if per_item else table.entrant_columns[name]
            complete, partial = sum(1 for v in column.values() if v is not None), 0
        rows.append(Progress(name, criterion.label or name, complete, partial, expected))
    return rows
