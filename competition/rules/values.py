"""Every criterion's value for every entrant (and every item), computed column by column.

Columns are computed in dependency order so that transforms relative to the field see the
whole field. A value that cannot be computed yet (a mark not entered) is ``None``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from competition.rules.columns import (
    Column,
    from_values,
    rounded,
    to_fractions,
)
from competition.rules.combined import over_items, weighted_sum
from competition.rules.datafiles import Entrant
from competition.rules.formula import FormulaRuntimeError, MissingValue, Value
from competition.rules.formula_columns import evaluate_inputs, evaluate_values
from competition.rules.input_values import input_column, missing_input
from competition.rules.inputs import Inputs, Key
from competition.rules.messages import N_, Message, msg
from competition.rules.model import (
    Derived,
    Judged,
    Measured,
    OverItems,
    Points,
    Weighted,
)
from competition.rules.numbers import RoundingMode
from competition.rules.panels import PanelResult
from competition.rules.points import clamp, transform
from competition.rules.ruleset import RuleSet

Attribute = Fraction | bool | str
Problem = tuple[str, Message] | None  # ("missing" | "flag", what), or no problem


@dataclass
class ValueTable:
    ruleset: RuleSet
    entrants: list[Entrant]
    attributes: dict[str, dict[str, Attribute]]
    item_rows: dict[str, list[str]]  # entrant → its items, in order
    entrant_columns: dict[str, dict[str, Fraction | None]] = field(default_factory=dict)
    item_columns: dict[str, dict[Key, Fraction | None]] = field(default_factory=dict)
    panels: dict[str, PanelResult] = field(default_factory=dict)
    missing: dict[str, list[Message]] = field(default_factory=dict)  # entrant → what is missing
    flags: dict[str, list[Message]] = field(default_factory=dict)  # entrant → warnings
    outside_field: frozenset[str] = frozenset()  # disqualified or withdrawn: not compared with
    not_taken: dict[Key, str] = field(default_factory=dict)  # items left out → the code entered

    def items_of(self, name: str, entrant: str) -> list[str]:
        """The entrant's items the per-item criterion ``name`` is given for (its group's),
        taken or not."""
        items = self.item_rows.get(entrant, [])
        allowed = self.ruleset.items_of(name)
        return items if allowed is None else [item for item in items if item in allowed]

    def taken_items_of(self, name: str, entrant: str) -> list[str]:
        """:meth:`items_of` without the items the entrant did not take."""
        items = self.items_of(name, entrant)
        if not self.not_taken:
            return items
        return [item for item in items if (entrant, item) not in self.not_taken]

    def items_by_entrant(self, name: str, taken: bool = True) -> list[list[str]]:
        """:meth:`taken_items_of` (or :meth:`items_of`) of every entrant in order; with no
        item groups and every item taken, the item rows as they are (ten thousand entrants
        would otherwise cost as many calls per criterion)."""
        rows = self.item_rows
        if self.ruleset.items_of(name) is None and (not taken or not self.not_taken):
            return [rows.get(e.id, []) for e in self.entrants]
        pick = self.taken_items_of if taken else self.items_of
        return [pick(name, e.id) for e in self.entrants]

    def value(self, name: str, entrant: str, item: str | None = None) -> Fraction | None:
        if item is not None and name in self.item_columns:
            return self.item_columns[name].get((entrant, item))
        column = self.entrant_columns.get(name)
        return column.get(entrant) if column is not None else None

    def env(
        self, entrant: str, item: str | None = None, extra: dict[str, Value | None] | None = None
    ) -> RowEnv:
        return RowEnv(self, entrant, item, extra or {})

    def flag(self, entrant: str, message: Message) -> None:
        self.flags.setdefault(entrant, []).append(message)


class RowEnv:
    """The names a formula sees for one entrant (and item): values, attributes, extras."""

    def __init__(
        self, table: ValueTable, entrant: str, item: str | None, extra: dict[str, Value | None]
    ) -> None:
        self.table = table
        self.entrant = entrant
        self.item = item
        self.extra = extra

    def get(self, name: str, default: Value | None = None, /) -> Value | None:
        if name in self.extra:
            return self.extra[name]
        table = self.table
        if self.item is not None and name in table.item_columns:
            return table.item_columns[name].get((self.entrant, self.item))
        if name in table.entrant_columns:
            return table.entrant_columns[name].get(self.entrant)
        return table.attributes.get(self.entrant, {}).get(name, default)


def _number(value: Value) -> Fraction:
    if isinstance(value, str):
        raise FormulaRuntimeError(msg(N_("'{value}' is text, not a number"), value=value))
    return Fraction(int(value)) if isinstance(value, bool) else value


def evaluate_number(table: ValueTable, path: str, entrant: str, env: RowEnv) -> Fraction | None:
    """A formula's number, or ``None`` while an input is missing; errors become flags."""
    value, problem = _evaluate(table, path, env)
    if problem is not None:
        _note(table, entrant, problem)
    return value


def _evaluate(table: ValueTable, path: str, env: RowEnv) -> tuple[Fraction | None, Problem]:
    try:
        return _number(table.ruleset.formula(path).evaluate(env)), None
    except MissingValue as missing:
        if missing.name in table.ruleset.deferred_inputs:
            return None, _needed_input(table, missing.name, env)
        if missing.name in table.ruleset.rule.criteria:
            return None, None  # already listed where the criterion's input is missing
        return None, ("missing", msg(N_("{name}: no value"), name=missing.name))
    except FormulaRuntimeError as error:
        return None, ("flag", msg(N_("{field}: {problem}"), field=path, problem=error.message))


def _needed_input(table: ValueTable, name: str, env: RowEnv) -> Problem:
    """What a row lacks of an entered criterion listed only where a formula needs it."""
    item = (env.item or "") if table.ruleset.levels[name] == "item" else ""
    message = missing_input(table, name, (env.entrant, item))
    return None if message is None else ("missing", message)


def _note(table: ValueTable, entrant: str, problem: tuple[str, Message]) -> None:
    kind, message = problem
    if kind == "flag":
        table.flag(entrant, message)
    elif message not in table.missing.setdefault(entrant, []):
        table.missing[entrant].append(message)


def _derived_column(table: ValueTable, name: str) -> dict[Key, Fraction | None]:
    """A formula over every row: column-wise where it can be, row by row for the rest (a
    missing input, an error, text). Rows whose inputs are the very same objects (panels,
    rounding and parsing share them) share one evaluation: a cache on ``id`` is exact."""
    path = f"criteria.{name}.formula"
    keys = _row_keys(table, name)
    ruleset = table.ruleset
    formula = ruleset.formula(path)
    names = sorted(formula.names)
    inputs = [_inputs_of(table, n, keys) for n in names]
    columns = evaluate_values(formula.text, dict(zip(names, inputs, strict=True)), len(keys))
    values: list[Fraction | None] = [None] * len(keys)
    left: Iterable[int] = range(len(keys))
    if columns is not None:
        values, present = columns
        left = np.flatnonzero(~present).tolist()
    # what a row lacks of these inputs names its item: such rows share no evaluation
    deferred = [i for n, i in zip(names, inputs, strict=True) if n in ruleset.deferred_inputs]
    done: dict[tuple[object, ...], tuple[Fraction | None, Problem]] = {}
    for row in left:
        key = keys[row]
        cache_key: tuple[object, ...] = tuple(id(column[row]) for column in inputs)
        if any(column[row] is None for column in deferred):
            cache_key = (*cache_key, key)
        outcome = done.get(cache_key)
        if outcome is None:
            env = table.env(key[0], key[1] or None)
            outcome = done[cache_key] = _evaluate(table, path, env)
        if outcome[1] is not None:
            _note(table, key[0], outcome[1])
        values[row] = outcome[0]
    return dict(zip(keys, values, strict=True))


def column_outcomes(
    table: ValueTable,
    path: str,
    keys: list[Key],
    extra: Mapping[str, Sequence[object] | Column] | None = None,
) -> tuple[list[Fraction | None], np.ndarray] | None:
    """The formula at ``path`` for the rows ``keys`` column-wise, with ``extra`` values (a
    list per name, like a row's extras) before the table's: each row's value and whether
    the column gave it (else evaluate that row alone), or ``None`` if no column can."""
    column = formula_column(table, path, keys, extra)
    return None if column is None else (to_fractions(column), column.present)


def formula_column(
    table: ValueTable,
    path: str,
    keys: list[Key],
    extra: Mapping[str, Sequence[object] | Column] | None = None,
) -> Column | None:
    """:func:`column_outcomes` as a column."""
    formula = table.ruleset.formula(path)
    extra = extra or {}
    inputs = {
        n: extra[n] if n in extra else _inputs_of(table, n, keys) for n in sorted(formula.names)
    }
    return evaluate_inputs(formula.text, inputs, len(keys))


def _inputs_of(table: ValueTable, name: str, keys: list[Key]) -> list[object]:
    """The value of ``name`` (a criterion or an attribute) for each row of ``keys``."""
    if name in table.item_columns:
        column = table.item_columns[name]
        return [column.get(key) for key in keys]
    if name in table.entrant_columns:
        values = table.entrant_columns[name]
        return [values.get(entrant) for entrant, _ in keys]
    attributes = table.attributes
    return [attributes.get(entrant, {}).get(name) for entrant, _ in keys]


def _row_keys(table: ValueTable, name: str) -> list[Key]:
    """The rows of a criterion: (entrant, item), with item "" for entrant-level values."""
    if table.ruleset.levels[name] == "item":
        pairs = zip(table.entrants, table.items_by_entrant(name), strict=True)
        return [(e.id, item) for e, items in pairs for item in items]
    return [(e.id, "") for e in table.entrants]


def _rounded(
    column: dict[Key, Fraction | None], ndigits: int, mode: RoundingMode
) -> dict[Key, Fraction | None]:
    """Round a column, all rows at once (exactly as ``round_fraction`` rounds each)."""
    values = from_values(list(column.values()))
    assert values is not None  # criteria values are numbers
    return dict(zip(column, to_fractions(rounded(values, ndigits, mode)), strict=True))


def _computed_column(table: ValueTable, name: str) -> dict[Key, Fraction | None]:
    criterion = table.ruleset.rule.criteria[name]
    result: dict[Key, Fraction | None] = {}
    if isinstance(criterion, Derived):
        result = _derived_column(table, name)
    elif isinstance(criterion, Points):
        source = _column(table, criterion.of)
        level = table.ruleset.levels[criterion.of]
        outside = table.outside_field

        def field_of(key: Key) -> str | None:
            if key[0] in outside:
                return None
            return key[1] if level == "item" else ""

        points, problems = transform(criterion, source, field_of)
        for key, problem in problems.items():
            table.flag(key[0], msg(N_("{criterion}: {problem}"), criterion=name, problem=problem))
        result = points
    elif isinstance(criterion, Weighted):
        for entrant, item in _row_keys(table, name):
            result[(entrant, item)] = weighted_sum(table, criterion.weights, entrant, item or None)
    else:
        assert isinstance(criterion, OverItems)
        result = over_items(table, criterion)
    return result


def _column(table: ValueTable, name: str) -> dict[Key, Fraction | None]:
    if table.ruleset.levels[name] == "item":
        return table.item_columns[name]
    return {(e, ""): v for e, v in table.entrant_columns[name].items()}


def compute_values(table: ValueTable, inputs: Inputs) -> None:
    """Fill every column of ``table`` in dependency order."""
    for name in table.ruleset.order:
        criterion = table.ruleset.rule.criteria[name]
        if isinstance(criterion, (Judged, Measured)):
            column = input_column(table, name, _row_keys(table, name), inputs)
        else:
            column = _computed_column(table, name)
        if criterion.clamp is not None:
            bounds = criterion.clamp
            column = {k: None if v is None else clamp(v, bounds) for k, v in column.items()}
        if criterion.round is not None:
            column = _rounded(column, criterion.round.ndigits, criterion.round.mode)
        if table.ruleset.levels[name] == "item":
            table.item_columns[name] = column
        else:
            table.entrant_columns[name] = {entrant: v for (entrant, _), v in column.items()}


def item_rows_for(
    ruleset: RuleSet, entrants: Sequence[Entrant], inputs: Inputs
) -> dict[str, list[str]]:
    if ruleset.item_ids is not None:
        return {e.id: list(ruleset.item_ids) for e in entrants}
    return {e.id: list(inputs.items_seen.get(e.id, [])) for e in entrants}


def chosen_items(ruleset: RuleSet, inputs: Inputs) -> RuleSet:
    """The rule set for the item count an event chose, where the file lets each event choose
    and the caller did not say (:meth:`RuleSet.item_count_for` the items marked)."""
    if ruleset.item_counts is None:
        return ruleset
    seen = {item for items in inputs.items_seen.values() for item in items}
    return ruleset.with_item_count(ruleset.item_count_for(seen))
