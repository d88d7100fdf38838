"""Each entrant's total: penalties (deductions, disqualification, withdrawal), then rounding."""

from __future__ import annotations

from fractions import Fraction

from competition.rules.datafiles import Entrant
from competition.rules.formula import MissingValue, Value
from competition.rules.numbers import exact_sum, round_fraction
from competition.rules.standings import (
    Deduction,
    ItemPoints,
    Row,
)
from competition.rules.values import (
    ValueTable,
    evaluate_number,
    weighted_sum,
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


def total_row(table: ValueTable, entrant: Entrant) -> Row:
    rule = table.ruleset.rule
    group_by = rule.entrants.group_by
    group = table.attributes[entrant.id].get(group_by) if group_by else None
    row = Row(
        entrant,
        str(group) if group is not None else ("" if group_by else None),
        "incomplete" if entrant.id in table.missing else "ok",
    )
    row.items = item_points(table, entrant.id)
    env = table.env(entrant.id)
    for index, penalty in enumerate(rule.penalties):
        try:
            triggered = table.ruleset.formula(f"penalties.{index}.when").evaluate(env)
        except MissingValue:
            continue
        if not truth(triggered):
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
    total = rule.total
    if total.weights is not None:
        raw = weighted_sum(table, total.weights, entrant.id)
    else:
        raw = evaluate_number(table, "total.formula", entrant.id, env)
    row.raw_total = raw
    if raw is not None:
        if row.deductions:
            raw = raw - exact_sum(d.points for d in row.deductions)
        row.total = round_fraction(raw, total.round.ndigits, total.round.mode)
    elif row.status == "ok":
        row.status = "incomplete"
    return row


def truth(value: Value) -> bool:
    return value != "" if isinstance(value, str) else bool(value)


def item_points(table: ValueTable, entrant: str) -> list[ItemPoints]:
    """Each item's points, and whether it counts (best of N runs: only the best does)."""
    name = table.ruleset.item_points
    if name is None:
        return []
    column = table.item_columns[name]
    points = [(item, column.get((entrant, item))) for item in table.item_rows.get(entrant, [])]
    combination = table.ruleset.item_combination
    if combination is None or combination.combine not in ("best", "worst", "best_k"):
        return [ItemPoints(item, value, True) for item, value in points]
    present = [(item, value) for item, value in points if value is not None]
    present.sort(key=lambda pair: pair[1], reverse=combination.order == "desc")
    if combination.combine == "worst":
        present.reverse()
    keep = combination.k if combination.combine == "best_k" and combination.k else 1
    counted = {item for item, _ in present[:keep]}
    return [ItemPoints(item, value, item in counted) for item, value in points]
