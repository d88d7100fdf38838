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
    pairs = zip(table.entrants, counted_items(table, c), strict=True)
    return {(e.id, ""): _over_items(table, c, e.id, items) for e, items in pairs}


def counted_items(table: ValueTable, c: OverItems) -> list[list[str]]:
    """Each entrant's items a combination counts: those of its value's group, less the
    items not taken where they count nothing (where they count zero, they stay)."""
    items = table.ruleset.rule.items
    zero = items is not None and items.not_taken is not None and items.not_taken.counts == "zero"
    return table.items_by_entrant(c.of, taken=not zero)


def _item_values(table: ValueTable, name: str, keys: list[Key]) -> list[Fraction | None]:
    """The items' values; an item not taken (where such an item counts zero) counts 0."""
    column, left_out = table.item_columns[name], table.not_taken
    if not left_out:
        return [column.get(key) for key in keys]
    return [Fraction(0) if key in left_out else column.get(key) for key in keys]


def _summed_items(table: ValueTable, c: OverItems) -> dict[Key, Fraction | None]:
    """Sum or mean over each entrant's items, column-wise (exact: one common denominator).
    Missing while any item counted is missing (§9.5 of docs/rules.md): a partial sum would
    rank an entrant on the items marked so far."""
    items = counted_items(table, c)
    pairs = zip(table.entrants, items, strict=True)
    keys = [(e.id, item) for e, counted in pairs for item in counted]
    values = from_values(_item_values(table, c.of, keys))
    assert values is not None  # criteria values are numbers
    sizes = [len(counted) for counted in items]
    sums, counts = group_sums(values, sizes)
    present = sums.present & (counts == np.asarray(sizes, dtype=np.int64))
    denominators = sums.denominators
    if c.combine == "mean":
        denominators = _multiplied(denominators, counts)
    sums = Column(sums.numerators, denominators, present)
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


def _over_items(table: ValueTable, c: OverItems, entrant: str, items: list[str]) -> Fraction | None:
    """Best, worst or best k of the entrant's counted ``items``: missing while any is."""
    values = _item_values(table, c.of, [(entrant, item) for item in items])
    present = [v for v in values if v is not None]
    if not values or len(present) < len(values):
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
