"""Ranks with ties: competition (1224), dense (1223), modified (1334) or ordinal (1234).

Entrants are ordered by their total and then by each tie-break key in turn; those equal on
every key share a rank (except in ordinal ranking, where the earlier-listed entrant goes first).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

Order = Literal["desc", "asc"]
Keyed = tuple[tuple[tuple[int, int], ...], int, str]  # sort key, position given, entrant


@dataclass(frozen=True)
class Ranked:
    key: str
    rank: int
    decided_by: str | None  # the tie-break that separated it from an entrant on the same total
    shared: bool  # the rank is shared with another entrant


def _integer_columns(
    entries: Sequence[tuple[str, Sequence[Fraction | None]]], orders: Sequence[Order]
) -> list[list[tuple[int, int]]]:
    """Each key column as exact integers over a common denominator (ints sort much faster
    than Fractions); a missing value sorts after every present one."""
    columns: list[list[tuple[int, int]]] = []
    for index, order in enumerate(orders):
        cells = [values[index] for _, values in entries]
        common = math.lcm(*{v.denominator for v in cells if v is not None} or {1})
        sign = -1 if order == "desc" else 1
        columns.append(
            [
                (1, 0) if v is None else (0, sign * v.numerator * (common // v.denominator))
                for v in cells
            ]
        )
    return columns


def rank(
    entries: Sequence[tuple[str, Sequence[Fraction | None]]],
    orders: Sequence[Order],
    names: Sequence[str],
    method: str = "competition",
) -> list[Ranked]:
    """``entries`` are (key, [total, tie-break 1, ...]); ``names`` name those columns."""
    columns = _integer_columns(entries, orders)
    sort_keys = list(zip(*columns, strict=True)) if columns else [()] * len(entries)
    keyed: list[Keyed] = [
        (sort_key, index, key)
        for index, (sort_key, (key, _)) in enumerate(zip(sort_keys, entries, strict=True))
    ]
    keyed.sort()  # by sort key, then as given: the positions are distinct
    result: list[Ranked] = []
    position = 0
    dense = 0
    while position < len(keyed):
        end = position
        while end + 1 < len(keyed) and keyed[end + 1][0] == keyed[position][0]:
            end += 1
        dense += 1
        for offset in range(end + 1 - position):
            key = keyed[position + offset][2]
            if method == "dense":
                number = dense
            elif method == "modified":
                number = end + 1
            elif method == "ordinal":
                number = position + offset + 1
            else:
                number = position + 1
            decided_by = _decided_by(keyed, position, end, position + offset, names)
            shared = end > position and method != "ordinal"
            result.append(Ranked(key, number, decided_by, shared))
        position = end + 1
    return result


def _decided_by(
    keyed: list[Keyed], start: int, end: int, index: int, names: Sequence[str]
) -> str | None:
    """The first tie-break on which entry ``index`` differs from a neighbour on the same
    total. The integer sort keys are equal exactly when the values are."""
    key = keyed[index][0]
    best: int | None = None
    for neighbour in (start - 1, end + 1):
        if not 0 <= neighbour < len(keyed):
            continue
        other = keyed[neighbour][0]
        if other[0] != key[0]:
            continue
        for column in range(1, len(key)):
            if other[column] != key[column]:
                best = column if best is None else min(best, column)
                break
    return names[best] if best is not None else None
