"""Each entrant's total: penalties (deductions, disqualification, withdrawal), then rounding."""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import NamedTuple

import numpy as np

from competition.rules import column_arithmetic as ops
from competition.rules.columns import constant, from_values, rounded, to_fractions
from competition.rules.combined import weighted_sum
from competition.rules.datafiles import Entrant
from competition.rules.formula import MissingValue, Value
from competition.rules.inputs import Key
from competition.rules.numbers import exact_sum, round_fraction
from competition.rules.standings import (
    Deduction,
    ItemPoints,
    Row,
)
from competition.rules.values import (
    RowEnv,
    ValueTable,
    column_outcomes,
    evaluate_number,
    formula_column,
)


def leaves_field(table: ValueTable, entrant: str) -> bool:
    """Whether a penalty disqualifies the entrant or counts them as withdrawn."""
    rule = table.ruleset.rule
    env = table.env(entrant)
    for index, penalty in enumerate(rule.penalties):
        if penalty.disqualify or penalty.withdraw:
            try:
                if truth(table.ruleset.formula(f"penalties.{index}.when").evaluate(env)):
                    return True
            except MissingValue:
                continue
    return False


class _Given(NamedTuple):  # a tuple: one is made per entrant
    """What columns decided for one entrant before its row is made: each penalty's
    ``when`` (``None``: evaluate it for this row) and the total before penalties."""

    triggered: list[bool | None]
    raw: Fraction | None
    rounded: Fraction | None  # the raw total rounded, used when nothing is deducted
    decided: bool  # whether ``raw`` was given by the column
    items: list[ItemPoints] | None  # the entrant's item points, when made for the field


def total_rows(table: ValueTable, entrants: Sequence[Entrant]) -> list[Row]:
    """Every entrant's row; penalties' conditions and the totals are computed column-wise
    where they can be, and row by row for the rest (missing values, errors)."""
    keys = [(e.id, "") for e in table.entrants]
    position = {e.id: n for n, e in enumerate(table.entrants)}
    rule = table.ruleset.rule
    conditions = [
        _decided_truths(table, f"penalties.{index}.when", keys)
        for index in range(len(rule.penalties))
    ]
    raw = _raw_totals(table, keys)
    rounded_raw = None
    if raw is not None:
        rounding = rule.total.round
        column = from_values(raw[0])
        assert column is not None
        rounded_raw = to_fractions(rounded(column, rounding.ndigits, rounding.mode))
    points = all_item_points(table)
    rows = []
    for entrant in entrants:
        n = position[entrant.id]
        given = _Given(
            [condition[n] for condition in conditions],
            raw[0][n] if raw is not None else None,
            rounded_raw[n] if rounded_raw is not None else None,
            raw is not None and bool(raw[1][n]),
            points.get(entrant.id) if points is not None else None,
        )
        rows.append(total_row(table, entrant, given))
    return rows


def _decided_truths(table: ValueTable, path: str, keys: list[Key]) -> list[bool | None]:
    """Whether a condition holds for each row, ``None`` where the column cannot say."""
    column = formula_column(table, path, keys)
    if column is None:
        return [None] * len(keys)
    held = (column.numerators != 0).tolist()
    return [h if given else None for h, given in zip(held, column.present.tolist(), strict=True)]


def _raw_totals(
    table: ValueTable, keys: list[Key]
) -> tuple[list[Fraction | None], np.ndarray] | None:
    total = table.ruleset.rule.total
    if total.weights is None:
        return column_outcomes(table, "total.formula", keys)
    parts = [
        from_values([table.value(name, entrant) for entrant, _ in keys]) for name in total.weights
    ]
    if not parts or any(part is None for part in parts):
        return None
    weighted = [
        ops.multiply(constant(Fraction(weight), len(keys)), part)
        for weight, part in zip(total.weights.values(), parts, strict=True)
        if part is not None
    ]
    column = weighted[0]
    for part in weighted[1:]:
        column = ops.add(column, part)
    return to_fractions(column), column.present


def total_row(table: ValueTable, entrant: Entrant, given: _Given | None = None) -> Row:
    rule = table.ruleset.rule
    group_by = rule.entrants.group_by
    group = table.attributes[entrant.id].get(group_by) if group_by else None
    row = Row(
        entrant,
        str(group) if group is not None else ("" if group_by else None),
        "incomplete" if entrant.id in table.missing else "ok",
    )
    known = given.items if given is not None else None
    row.items = known if known is not None else item_points(table, entrant.id)
    env = table.env(entrant.id)
    for index, penalty in enumerate(rule.penalties):
        triggered = given.triggered[index] if given is not None else None
        if triggered is None:
            try:
                triggered = truth(table.ruleset.formula(f"penalties.{index}.when").evaluate(env))
            except MissingValue:
                continue
        if not triggered:
            continue
        label = penalty.label or penalty.when
        if penalty.disqualify or penalty.withdraw:
            if row.status not in ("dq", "withdrawn"):
                row.status = "dq" if penalty.disqualify else "withdrawn"
                row.penalty = label
            continue
        if isinstance(penalty.deduct, str):
            points = evaluate_number(table, f"penalties.{index}.deduct", entrant.id, env)
        else:
            points = Fraction(penalty.deduct) if penalty.deduct is not None else None
        if points is not None:
            row.deductions.append(Deduction(label, points))
    if row.status in ("dq", "withdrawn"):
        return row
    _total(table, row, env, given)
    return row


def _total(table: ValueTable, row: Row, env: RowEnv, given: _Given | None) -> None:
    total = table.ruleset.rule.total
    if given is not None and given.decided:
        raw = given.raw
    elif total.weights is not None:
        raw = weighted_sum(table, total.weights, row.key)
    else:
        raw = evaluate_number(table, "total.formula", row.key, env)
    row.raw_total = raw
    if raw is None:
        if row.status == "ok":
            row.status = "incomplete"
        return
    if row.deductions:
        raw = raw - exact_sum(d.points for d in row.deductions)
    elif given is not None and given.decided:
        row.total = given.rounded
        return
    row.total = round_fraction(raw, total.round.ndigits, total.round.mode)


def truth(value: Value) -> bool:
    return value != "" if isinstance(value, str) else bool(value)


def all_item_points(table: ValueTable) -> dict[str, list[ItemPoints]] | None:
    """:func:`item_points` of every entrant at once where every item counts (a sum, a mean),
    else ``None``: one pass over the column instead of a lookup loop per entrant."""
    name = table.ruleset.item_points
    combination = table.ruleset.item_combination
    if name is None or (combination is not None and combination.combine in PICKED):
        return None
    column = table.item_columns[name]
    items = table.item_rows
    keys = [(e.id, item) for e in table.entrants for item in items.get(e.id, [])]
    counted = [True] * len(keys)
    items_of = [item for _, item in keys]
    points = list(map(ItemPoints._make, zip(items_of, map(column.get, keys), counted, strict=True)))
    result: dict[str, list[ItemPoints]] = {}
    start = 0
    for entrant in table.entrants:
        end = start + len(items.get(entrant.id, []))
        result[entrant.id] = points[start:end]
        start = end
    return result


PICKED = ("best", "worst", "best_k")  # combinations where only some items count


def item_points(table: ValueTable, entrant: str) -> list[ItemPoints]:
    """Each item's points, and whether it counts (best of N runs: only the best does)."""
    name = table.ruleset.item_points
    if name is None:
        return []
    column = table.item_columns[name]
    points = [(item, column.get((entrant, item))) for item in table.item_rows.get(entrant, [])]
    combination = table.ruleset.item_combination
    if combination is None or combination.combine not in PICKED:
        return [ItemPoints(item, value, True) for item, value in points]
    present = [(item, value) for item, value in points if value is not None]
    present.sort(key=lambda pair: pair[1], reverse=combination.order == "desc")
    if combination.combine == "worst":
        present.reverse()
    keep = combination.k if combination.combine == "best_k" and combination.k else 1
    counted = {item for item, _ in present[:keep]}
    return [ItemPoints(item, value, item in counted) for item, value in points]
