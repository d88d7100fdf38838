"""Placing's conditions (eligibility, checks, award conditions, titles) for many rows at once.

The live board places the whole field after every change, so each condition is evaluated
column-wise (:mod:`competition.rules.formula_columns`); the rows a column cannot decide (a
missing value, an error, text) are evaluated one by one, as before.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

import numpy as np

from competition.rules.columns import Column
from competition.rules.formula import MissingValue, Value
from competition.rules.standings import Row, Standings
from competition.rules.totals import truth
from competition.rules.values import formula_column

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
    column = formula_column(standings.table, path, keys, extra)
    if column is None:
        return [None] * len(rows)
    held = (column.numerators != 0).tolist()
    return [h if given else None for h, given in zip(held, column.present.tolist(), strict=True)]


def row_truth(standings: Standings, row: Row, path: str) -> bool:
    env = standings.table.env(row.key, extra=extras(row))
    try:
        return truth(standings.ruleset.formula(path).evaluate(env))
    except MissingValue:
        return False


def _is_placed(rows: Sequence[Row], name: str) -> bool:
    return name in PLACED or any(name in row.eligibility for row in rows)


def _placed(standings: Standings, rows: Sequence[Row], name: str) -> Sequence[object] | Column:
    """A placing name's value for each row, or the row's own value where placing gives
    none (as a row's formulas see it)."""
    if name == "total":
        return [row.total for row in rows]
    if name == "award":
        return [row.award or "" for row in rows]
    if name in ("rank", "field_size"):
        # reserved: no criterion or attribute has the name, so an unplaced row has no value
        numbers = [getattr(row, name) for row in rows]
        present = np.array([n is not None for n in numbers], dtype=bool)
        counts = np.array([n or 0 for n in numbers], dtype=np.int64)
        return Column(counts, np.ones(len(rows), dtype=np.int64), present)
    table = standings.table
    return [
        row.eligibility[name] if name in row.eligibility else table.env(row.key).get(name)
        for row in rows
    ]
