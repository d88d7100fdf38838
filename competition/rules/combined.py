"""Values combined from other values: weighted sums, and each entrant's items combined.

A sum or a mean over the items is computed for the whole field at once, over one common
denominator; the best, the worst and the best k sort each entrant's values.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING

import numpy as np

from competition.rules.columns import (
    Column,
    from_values,
    group_sums,
    magnitude,
    to_fractions,
    widened,
)
from competition.rules.inputs import Key
from competition.rules.model import OverItems
from competition.rules.numbers import exact_sum

if TYPE_CHECKING:
    from competition.rules.values import ValueTable


def over_items(table: ValueTable, c: OverItems) -> dict[Key, Fraction | None]:
    """The combination ``c`` of each entrant's item values."""
    if c.combine in ("sum", "mean"):
        return _summed_items(table, c)
    return {(e.id, ""): _over_items(table, c, e.id) for e in table.entrants}


def _summed_items(table: ValueTable, c: OverItems) -> dict[Key, Fraction | None]:
    """Sum or mean over each entrant's items, column-wise (exact: one common denominator)."""
    column = table.item_columns[c.of]
    keys = [(e.id, item) for e in table.entrants for item in table.item_rows.get(e.id, [])]
    values = from_values([column.get(key) for key in keys])
    assert values is not None  # criteria values are numbers
    sizes = [len(table.item_rows.get(e.id, [])) for e in table.entrants]
    sums, counts = group_sums(values, sizes)
    if c.combine == "mean":
        sums = Column(sums.numerators, _multiplied(sums.denominators, counts), sums.present)
    return dict(zip(((e.id, "") for e in table.entrants), to_fractions(sums), strict=True))


def _multiplied(denominators: np.ndarray, counts: np.ndarray) -> np.ndarray:
    bound = magnitude(denominators) * (magnitude(counts) + 1)
    return np.asarray(widened(denominators, bound) * np.maximum(counts, 1))


def weighted_sum(
    table: ValueTable, weights: dict[str, Decimal], entrant: str, item: str | None = None
) -> Fraction | None:
    """Σ weight × value, or ``None`` while any of the values is missing."""
    parts = [(Fraction(w), table.value(name, entrant, item)) for name, w in weights.items()]
    if any(value is None for _, value in parts):
        return None
    return exact_sum(w * value for w, value in parts if value is not None)


def _over_items(table: ValueTable, c: OverItems, entrant: str) -> Fraction | None:
    items = table.item_rows.get(entrant, [])
    values = [table.item_columns[c.of].get((entrant, item)) for item in items]
    present = [v for v in values if v is not None]
    if not present:
        return None
    if c.combine == "sum":
        return exact_sum(present)
    if c.combine == "mean":
        return exact_sum(present) / len(present)
    best_first = sorted(present, reverse=c.order == "desc")
    if c.combine == "best":
        return best_first[0]
    if c.combine == "worst":
        return best_first[-1]
    assert c.k is not None
    return exact_sum(best_first[: c.k])
