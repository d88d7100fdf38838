"""Ranks with ties: competition (1224), dense (1223), modified (1334) or ordinal (1234).

Entrants are ordered by their total and then by each tie-break key in turn; those equal on
every key share a rank (except in ordinal ranking, where the earlier-listed entrant goes first).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction
from typing import Literal, NamedTuple

import numpy as np

from competition.rules.columns import LIMIT, from_values, magnitude

Order = Literal["desc", "asc"]
Keyed = tuple[tuple[tuple[int, int], ...], int, str]  # sort key, position given, entrant


class Ranked(NamedTuple):  # a tuple: ten thousand are made at every placing
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


def rank_columns(
    keys: Sequence[str],
    columns: Sequence[Sequence[Fraction | None]],
    orders: Sequence[Order],
    names: Sequence[str],
    method: str = "competition",
) -> list[Ranked]:
    """The ranks of ``keys``: ``columns`` holds the total's values, then each tie-break's,
    sorted by ``orders``; ``names`` name those columns (the one that decided a place)."""
    arrays = _sort_arrays(columns, orders)
    if arrays is not None:
        return _ranked_arrays(keys, arrays, names, method)
    entries = list(zip(keys, zip(*columns, strict=True), strict=True))
    return _ranked_tuples(entries, orders, names, method)


def _ranked_tuples(
    entries: Sequence[tuple[str, Sequence[Fraction | None]]],
    orders: Sequence[Order],
    names: Sequence[str],
    method: str,
) -> list[Ranked]:
    """:func:`rank_columns` by sorting Python tuples of exact integers, whatever their size."""
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
        # the entries of a tie share their key, and so what decided against the neighbours
        decided_by = _decided_by(keyed, position, end, position, names)
        shared = end > position and method != "ordinal"
        for offset in range(end + 1 - position):
            if method == "dense":
                number = dense
            elif method == "modified":
                number = end + 1
            elif method == "ordinal":
                number = position + offset + 1
            else:
                number = position + 1
            result.append(Ranked(keyed[position + offset][2], number, decided_by, shared))
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


def _sort_arrays(
    columns: Sequence[Sequence[Fraction | None]], orders: Sequence[Order]
) -> list[np.ndarray] | None:
    """:func:`_integer_columns` as int64 arrays (a missing flag, then the value, for each
    column), or ``None`` when a value would not fit."""
    arrays: list[np.ndarray] = []
    for values, order in zip(columns, orders, strict=True):
        column = from_values(values)
        if column is None or column.numerators.dtype == object:
            return None
        present = column.present
        denominators = column.denominators
        common = math.lcm(*(int(d) for d in np.unique(denominators[present])))
        if denominators.dtype == object or common * (magnitude(column.numerators) + 1) >= LIMIT:
            return None
        scaled = column.numerators * (common // denominators)
        arrays += [(~present).astype(np.int64), np.where(present, scaled, 0)]
        if order == "desc":
            arrays[-1] = -arrays[-1]
    return arrays


def _ranked_arrays(
    keys: Sequence[str],
    arrays: list[np.ndarray],
    names: Sequence[str],
    method: str,
) -> list[Ranked]:
    """:func:`rank_columns` on int64 sort keys with numpy: the same order, ties and deciding
    tie-break as sorting the key tuples (a placing ranks the whole field every time)."""
    count = len(keys)
    if count == 0:
        return []
    order = np.lexsort([np.arange(count), *reversed(arrays)])
    ordered = [key[order] for key in arrays]
    differs = np.array(
        [
            (ordered[c][1:] != ordered[c][:-1]) | (ordered[c + 1][1:] != ordered[c + 1][:-1])
            for c in range(0, len(ordered), 2)
        ]
    ).reshape(len(ordered) // 2, count - 1)
    boundary = differs.any(axis=0)
    group = np.r_[0, np.cumsum(boundary)]
    starts = np.flatnonzero(np.r_[True, boundary])
    ends = np.r_[starts[1:], count] - 1
    # across each boundary: the first tie-break that differs where the totals are equal
    across = np.r_[0, np.where(boundary & ~differs[0], np.argmax(differs, axis=0), 0), 0]
    before, after = across[starts], across[ends + 1]
    both = (before > 0) & (after > 0)
    deciding = np.where(both, np.minimum(before, after), np.maximum(before, after))
    labels = [None, *names[1:]]
    numbers = {
        "dense": group + 1,
        "modified": ends[group] + 1,
        "ordinal": np.arange(1, count + 1),
    }.get(method, starts[group] + 1)
    shared = (ends > starts)[group] & (method != "ordinal")
    ordered_keys = [keys[i] for i in order.tolist()]
    decided = [labels[c] for c in deciding[group].tolist()]
    return [
        Ranked(key, number, by, tie)
        for key, number, by, tie in zip(
            ordered_keys, numbers.tolist(), decided, shared.tolist(), strict=True
        )
    ]
