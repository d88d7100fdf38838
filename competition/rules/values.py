"""Every criterion's value for every entrant (and every item), computed column by column.

Columns are computed in dependency order so that transforms relative to the field see the
whole field. A value that cannot be computed yet (a mark not entered) is ``None``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from competition.rules.datafiles import Entrant
from competition.rules.formula import FormulaRuntimeError, MissingValue, Value
from competition.rules.inputs import Inputs, JudgedMarks, Key
from competition.rules.messages import N_, Message, msg
from competition.rules.model import (
    FIELD_METHODS,
    Derived,
    Judged,
    Measured,
    OverItems,
    Points,
    Weighted,
)
from competition.rules.numbers import RoundingMode, round_fraction
from competition.rules.panels import PanelResult, aggregate_panel
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
    partial_items: set[str] = field(default_factory=set)  # entrants combined over some items
    outside_field: frozenset[str] = frozenset()  # disqualified or withdrawn: not compared with

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
        if missing.name in table.ruleset.rule.criteria:
            return None, None  # already listed where the criterion's input is missing
        return None, ("missing", msg(N_("{name}: no value"), name=missing.name))
    except FormulaRuntimeError as error:
        return None, ("flag", msg(N_("{field}: {problem}"), field=path, problem=error.message))


def _note(table: ValueTable, entrant: str, problem: tuple[str, Message]) -> None:
    kind, message = problem
    if kind == "flag":
        table.flag(entrant, message)
    elif message not in table.missing.setdefault(entrant, []):
        table.missing[entrant].append(message)


def _derived_column(table: ValueTable, name: str) -> dict[Key, Fraction | None]:
    """A formula over every row; rows with the same inputs share one evaluation."""
    path = f"criteria.{name}.formula"
    names = sorted(table.ruleset.formula(path).names)
    done: dict[tuple[object, ...], tuple[Fraction | None, Problem]] = {}
    result: dict[Key, Fraction | None] = {}
    for entrant, item in _keys(table, name):
        env = table.env(entrant, item)
        inputs = tuple(_hashable(env.get(n)) for n in names)
        outcome = done.get(inputs)
        if outcome is None:
            outcome = done[inputs] = _evaluate(table, path, env)
        if outcome[1] is not None:
            _note(table, entrant, outcome[1])
        result[(entrant, item or "")] = outcome[0]
    return result


def _hashable(value: Value | None) -> object:
    """A cache key for a value: a Fraction's hash is slow, a pair of ints' is not."""
    return (value.numerator, value.denominator) if isinstance(value, Fraction) else value


def _keys(table: ValueTable, name: str) -> list[tuple[str, str | None]]:
    if table.ruleset.levels[name] == "item":
        return [(e.id, item) for e in table.entrants for item in table.item_rows.get(e.id, [])]
    return [(e.id, None) for e in table.entrants]


def _input_column(table: ValueTable, name: str, inputs: Inputs) -> dict[Key, Fraction | None]:
    criterion = table.ruleset.rule.criteria[name]
    keys = _keys(table, name)
    result: dict[Key, Fraction | None] = {}
    if isinstance(criterion, Judged):
        penalty = inputs.measured.get(criterion.penalty) if criterion.penalty else None
        penalty_rule = table.ruleset.rule.criteria.get(criterion.penalty or "")
        default = (
            Fraction(penalty_rule.default)
            if isinstance(penalty_rule, Measured) and penalty_rule.default is not None
            else Fraction(0)
        )
        judged = inputs.judged[name]
        if criterion.aggregate in FIELD_METHODS and table.outside_field:
            kept = ~judged.frame["entrant"].isin(list(table.outside_field))
            judged = JudgedMarks(name, judged.digits, judged.frame[kept].reset_index(drop=True))
        panel = aggregate_panel(criterion, judged, table.ruleset.judges[name], penalty, default)
        table.panels[name] = panel
        for entrant, item in keys:
            key = (entrant, item or "")
            result[key] = panel.values.get(key)
            if key in panel.flags:
                for message in panel.flags[key]:
                    table.flag(
                        entrant,
                        msg(
                            N_("{criterion}{where}: {problem}"),
                            criterion=name,
                            where=_where(item),
                            problem=message,
                        ),
                    )
            if result[key] is None and key not in panel.excess:
                have, need = panel.pending.get(key, (0, table.ruleset.judges[name]))
                table.missing.setdefault(entrant, []).append(
                    msg(
                        N_("{criterion}{where}: {have} of {need} marks"),
                        criterion=name,
                        where=_where(item),
                        have=have,
                        need=need,
                    )
                )
    else:
        assert isinstance(criterion, Measured)
        given = inputs.measured[name]
        fallback = Fraction(criterion.default) if criterion.default is not None else None
        for entrant, item in keys:
            key = (entrant, item or "")
            result[key] = given.get(key, fallback)
            if result[key] is None:
                table.missing.setdefault(entrant, []).append(
                    msg(N_("{criterion}{where}: no value"), criterion=name, where=_where(item))
                )
    return result


def _rounded(
    column: dict[Key, Fraction | None], ndigits: int, mode: RoundingMode
) -> dict[Key, Fraction | None]:
    """Round a column; panels repeat values often, so each distinct value is rounded once."""
    done: dict[tuple[int, int], Fraction] = {}  # ints hash much faster than Fractions
    result: dict[Key, Fraction | None] = {}
    for key, value in column.items():
        if value is None:
            result[key] = None
            continue
        pair = (value.numerator, value.denominator)
        rounded = done.get(pair)
        if rounded is None:
            rounded = done[pair] = round_fraction(value, ndigits, mode)
        result[key] = rounded
    return result


def _where(item: str | None) -> str:
    return f" [{item}]" if item else ""


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
        for entrant, item in _keys(table, name):
            parts = [
                (Fraction(w), table.value(p, entrant, item)) for p, w in criterion.weights.items()
            ]
            result[(entrant, item or "")] = (
                None
                if any(v is None for _, v in parts)
                else sum((w * v for w, v in parts if v is not None), Fraction(0))
            )
    else:
        assert isinstance(criterion, OverItems)
        result = {(e.id, ""): _over_items(table, criterion, e.id) for e in table.entrants}
    return result


def _over_items(table: ValueTable, c: OverItems, entrant: str) -> Fraction | None:
    items = table.item_rows.get(entrant, [])
    values = [table.item_columns[c.of].get((entrant, item)) for item in items]
    present = [v for v in values if v is not None]
    if len(present) < len(values) or (table.ruleset.item_ids is None and not items):
        table.partial_items.add(entrant)
    if not present:
        return None
    if c.combine == "sum":
        return sum(present, Fraction(0))
    if c.combine == "mean":
        return sum(present, Fraction(0)) / len(present)
    best_first = sorted(present, reverse=c.order == "desc")
    if c.combine == "best":
        return best_first[0]
    if c.combine == "worst":
        return best_first[-1]
    assert c.k is not None
    return sum(best_first[: c.k], Fraction(0))


def _column(table: ValueTable, name: str) -> dict[Key, Fraction | None]:
    if table.ruleset.levels[name] == "item":
        return table.item_columns[name]
    return {(e, ""): v for e, v in table.entrant_columns[name].items()}


def compute_values(table: ValueTable, inputs: Inputs) -> None:
    """Fill every column of ``table`` in dependency order."""
    for name in table.ruleset.order:
        criterion = table.ruleset.rule.criteria[name]
        if isinstance(criterion, (Judged, Measured)):
            column = _input_column(table, name, inputs)
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
