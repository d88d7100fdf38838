"""Standings after one entrant's marks change: that entrant recomputed, everyone placed again.

Exact only where an entrant's values never depend on another entrant's until placing
(:func:`can_update`); the result then equals a full :func:`compute_standings` with
``provisional=True``.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from typing import TypeVar

import numpy as np
import pandas as pd

from competition.rules.collection import cycles_paused
from competition.rules.datafiles import Entrant
from competition.rules.engine import compute_standings
from competition.rules.inputs import Key
from competition.rules.messages import Message
from competition.rules.panels import PanelResult
from competition.rules.placing import place
from competition.rules.ruleset import RuleSet
from competition.rules.standings import Row, Standings
from competition.rules.values import ValueTable

# placing._run_checks writes this flag into the table at every placing: the next placing
# writes it again, so it is dropped before
CHECK_FLAG = "check: {label}"
# input_values.input_column: a panel's flag, with its criterion and " [item]"
PANEL_FLAG = "{criterion}{where}: {problem}"

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


def can_update(ruleset: RuleSet) -> bool:
    """Whether one entrant can be recomputed alone.

    Not when a value compares an entrant with the field (z-score, Borda, pairwise and
    skating panels; points relative to the best or on an open-ended min–max; the field
    recomputed without the disqualified), nor for teams (a team's values are its members').
    Everything else before placing is per entrant: panels, formulas, per-item combinations,
    penalties. A panel's scale (``digits``) follows the whole field, but values are exact
    fractions whatever the scale. Nor where the file lets each event choose its item count
    and the marks decide it: one entrant's sixth dive turns every other diver's event into
    a six-dive one."""
    return (
        not ruleset.field_relative
        and ruleset.rule.entrants.team is None
        and ruleset.item_counts is None
    )


def update(
    previous: Standings,
    marks_of_entrant: pd.DataFrame,
    entrant: Entrant,
    *,
    marks_source: str = "marks",
    entrants_source: str = "entrants",
) -> Standings:
    """:func:`update_many` for one entrant."""
    return update_many(
        previous,
        marks_of_entrant,
        [entrant],
        marks_source=marks_source,
        entrants_source=entrants_source,
    )


@cycles_paused()
def update_many(
    previous: Standings,
    marks_of_entrants: pd.DataFrame,
    entrants: Sequence[Entrant],
    *,
    marks_source: str = "marks",
    entrants_source: str = "entrants",
) -> Standings:
    """``previous`` (provisional standings) with ``entrants`` recomputed together from all
    their marks in force and the field placed once, equal to a full recomputation;
    ``previous`` is left as it was.

    ``marks_of_entrants`` are those entrants' rows of the marks a full recomputation would
    read, with their ``line`` numbers: the order of items in a panel's breakdown follows the
    line where each item was first marked. An entrant not in ``previous`` is added at the
    end: where it stands in the entrants list changes nothing, except with groups or ordinal
    ranking.

    Raises ``ValueError`` when the rules need a full recomputation (see :func:`can_update`),
    when the marks name other entrants, or for a new entrant whose place in the entrants
    list could matter (groups, ordinal ranking); ``DataFileError`` for marks a full
    recomputation would reject as well."""
    ruleset = previous.ruleset
    if not can_update(ruleset):
        raise ValueError("these rules compare entrants with the field: recompute in full")
    keys = [e.id for e in entrants]
    if len(set(keys)) != len(keys):
        raise ValueError("an entrant is named twice")
    if not marks_of_entrants["entrant"].isin(keys).all():
        raise ValueError(f"the marks name entrants other than {', '.join(keys)}")
    field_ = _entrants_after(previous, entrants)
    alone = compute_standings(
        ruleset,
        marks_of_entrants,
        list(entrants),
        provisional=True,
        marks_source=marks_source,
        entrants_source=entrants_source,
    )
    table = _merged_table(previous.table, alone.table, field_, frozenset(keys))
    by_key = {row.key: row for row in previous.rows}
    by_key.update((row.key, row) for row in alone.rows)
    rows = [unplaced(by_key[e.id]) for e in field_]
    result = Standings(
        ruleset, rows, table, complete=all(row.status != "incomplete" for row in rows)
    )
    place(result)
    return result


def _entrants_after(previous: Standings, changed: Sequence[Entrant]) -> list[Entrant]:
    """The entrants in registration order (which groups and ordinal ties follow)."""
    entrants = list(previous.table.entrants)
    where = {known.id: index for index, known in enumerate(entrants)}
    rule = previous.ruleset.rule
    for entrant in changed:
        if entrant.id in where:
            entrants[where[entrant.id]] = entrant
            continue
        if rule.entrants.group_by is not None or rule.ranking.method == "ordinal":
            raise ValueError(
                f"{entrant.id} is new and the entrants' order counts: recompute in full"
            )
        entrants.append(entrant)
    return entrants


def unplaced(row: Row) -> Row:
    """A copy of the row as totals leave it, before any placing."""
    return Row(
        row.entrant,
        row.group,
        row.status,
        row.raw_total,
        row.total,
        items=row.items,
        deductions=row.deductions,
        penalty=row.penalty,
        members=row.members,
    )


def _merged_table(
    before: ValueTable, alone: ValueTable, entrants: list[Entrant], keys: frozenset[str]
) -> ValueTable:
    """``before`` with every value of the entrants ``keys`` taken from ``alone`` (never
    mutated)."""
    old = [(key, item) for key in keys for item in [*before.item_rows.get(key, []), ""]]
    panels = {
        name: _merged_panel(panel, alone.panels[name], keys, old)
        for name, panel in before.panels.items()
    }
    flags = dict(before.flags)
    flags.update((key, alone.flags.get(key, [])) for key in keys)
    return ValueTable(
        before.ruleset,
        entrants,
        {**before.attributes, **{key: alone.attributes[key] for key in keys}},
        {**before.item_rows, **{key: alone.item_rows[key] for key in keys}},
        entrant_columns={
            name: {**column, **{key: alone.entrant_columns[name].get(key) for key in keys}}
            for name, column in before.entrant_columns.items()
        },
        item_columns={
            name: _replaced(column, old, alone.item_columns[name])
            for name, column in before.item_columns.items()
        },
        panels=panels,
        missing=_replaced(before.missing, keys, alone.missing),
        flags=_value_flags(flags, panels),
        not_taken=_replaced(before.not_taken, old, alone.not_taken),
    )


def _in_field_item_order(
    flags: dict[str, list[Message]], panels: dict[str, PanelResult]
) -> dict[str, list[Message]]:
    """A panel lists its flags in the order the field first marked each item, which one
    entrant's marks can change: every entrant's panel flags are put back in that order."""
    first_lines: dict[str, dict[str, int]] = {}
    order = list(panels)

    def field_order(message: Message) -> tuple[int, int]:
        criterion, where = str(message.params["criterion"]), str(message.params["where"])
        if criterion not in first_lines:
            lines = panels[criterion].marks.groupby("item", sort=False)["line"].min()
            first_lines[criterion] = {f" [{i}]" if i else "": n for i, n in lines.items()}
        return order.index(criterion), first_lines[criterion].get(where, 0)

    for entrant, messages in flags.items():
        places = [i for i, m in enumerate(messages) if m.text == PANEL_FLAG]
        if len(places) < 2:
            continue
        ordered = sorted((messages[i] for i in places), key=field_order)
        flags[entrant] = list(messages)
        for place_, message in zip(places, ordered, strict=True):
            flags[entrant][place_] = message
    return flags


def _replaced(mapping: Mapping[K, V], old: Iterable[K], new: Mapping[K, V]) -> dict[K, V]:
    """A copy of ``mapping`` without the keys ``old``, then with ``new``."""
    result = dict(mapping)
    for stale in old:
        result.pop(stale, None)
    result.update(new)
    return result


def _value_flags(
    flags: dict[str, list[Message]], panels: dict[str, PanelResult]
) -> dict[str, list[Message]]:
    """The flags the values raised, without those of the last placing's checks."""
    result: dict[str, list[Message]] = {}
    for entrant, messages in flags.items():
        kept = [m for m in messages if m.text != CHECK_FLAG]
        if kept:
            result[entrant] = kept
    return _in_field_item_order(result, panels)


def _merged_panel(
    before: PanelResult, alone: PanelResult, keys: frozenset[str], old: list[Key]
) -> PanelResult:
    return PanelResult(
        before.criterion,
        _replaced(before.values, old, alone.values),
        _replaced(before.pending, old, alone.pending),
        _replaced(before.excess, old, alone.excess),
        _merged_marks(before, alone, keys),
        max(before.digits, alone.digits),
        _replaced(before.flags, old, alone.flags),
        _replaced(before.first_line, old, alone.first_line),
        _replaced(before.absent, old, alone.absent),
    )


def _merged_marks(before: PanelResult, alone: PanelResult, keys: frozenset[str]) -> pd.DataFrame:
    """The panel's marks as a full recomputation sorts them: by entrant, then item (each in
    the order of its first line), then as each panel sorted its own marks. Built column by
    column from the arrays, in one copy (the board does this at every update)."""
    digits = max(before.digits, alone.digits)
    kept = ~before.marks["entrant"].isin(keys).to_numpy()
    parts = [
        (panel.marks, rows, 10 ** (digits - panel.digits))
        for panel, rows in ((before, kept), (alone, np.ones(len(alone.marks), dtype=bool)))
        if rows.any()
    ]
    if not parts:
        return alone.marks
    data = {
        str(column): np.concatenate([frame[column].to_numpy()[rows] for frame, rows, _ in parts])
        for column in alone.marks.columns
    }
    data["adjusted"] = np.concatenate(
        [frame["adjusted"].to_numpy()[rows] * scale for frame, rows, scale in parts]
    )
    lines = data["line"]
    order = np.lexsort((_first_lines(data["item"], lines), _first_lines(data["entrant"], lines)))
    return pd.DataFrame({name: values[order] for name, values in data.items()}, copy=False)


def _first_lines(labels: np.ndarray, lines: np.ndarray) -> np.ndarray:
    """For each row, the first line of any row with its label."""
    codes, uniques = pd.factorize(labels, sort=False)
    first = np.full(len(uniques), np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(first, codes, lines)
    return first[codes]
