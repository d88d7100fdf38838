"""Placing's conditions (eligibility, checks, award conditions, titles) for many rows at once.

The live board places the whole field after every change, so each condition is evaluated
column-wise (:mod:`competition.rules.formula_columns`); the rows a column cannot decide (a
missing value, an error, text) are evaluated one by one, as before.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

from competition.rules.formula import MissingValue, Value
from competition.rules.standings import Row, Standings
from competition.rules.totals import truth
from competition.rules.values import column_outcomes

PLACED = ("total", "rank", "field_size", "award")  # what placing adds to a row's names


def extras(row: Row) -> dict[str, Value | None]:
    """The names placing gives a row's formulas on top of its values and attributes."""
    result: dict[str, Value | None] = {"total": row.total}
    result.update(row.eligibility)
    if row.rank is not None:
        result["rank"] = Fraction(row.rank)
    if row.field_size is not None:
        result["field_size"] = Fraction(row.field_size)
    result["award"] = row.award or ""
    return result


def truths(standings: Standings, rows: Sequence[Row], path: str) -> list[bool]:
    """Whether the formula at ``path`` holds for each row; a missing value makes it false."""
    decided = column_truths(standings, rows, path)
    return [
        row_truth(standings, row, path) if held is None else held
        for row, held in zip(rows, decided, strict=True)
    ]


def column_truths(standings: Standings, rows: Sequence[Row], path: str) -> list[bool | None]:
    """:func:`truths` as far as the column decides, ``None`` for the rows to evaluate alone
    (with :func:`row_truth`: a row-by-row error is then raised only for a row asked about)."""
    keys = [(row.key, "") for row in rows]
    names = standings.ruleset.formula(path).names
    extra = {name: _placed(standings, rows, name) for name in names if _is_placed(rows, name)}
    outcome = column_outcomes(standings.table, path, keys, extra)
    if outcome is None:
        return [None] * len(rows)
    values, present = outcome
    return [
        value is not None and value != 0 if given else None
        for value, given in zip(values, present.tolist(), strict=True)
    ]


def row_truth(standings: Standings, row: Row, path: str) -> bool:
    env = standings.table.env(row.key, extra=extras(row))
    try:
        return truth(standings.ruleset.formula(path).evaluate(env))
    except MissingValue:
        return False


def _is_placed(rows: Sequence[Row], name: str) -> bool:
    return name in PLACED or any(name in row.eligibility for row in rows)


def _placed(standings: Standings, rows: Sequence[Row], name: str) -> list[object]:
    """A placing name's value for each row, or the row's own value where placing gives
    none (as a row's formulas see it)."""
    if name == "total":
        return [row.total for row in rows]
    if name == "award":
        return [row.award or "" for row in rows]
    table = standings.table
    values: list[object] = []
    for row in rows:
        number = row.rank if name == "rank" else row.field_size if name == "field_size" else None
        if number is not None:
            values.append(Fraction(number))
        elif name in row.eligibility:
            values.append(row.eligibility[name])
        else:
            values.append(table.env(row.key).get(name))
    return values
