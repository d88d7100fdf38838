"""Exact rationals for a whole column at once: a numerator and a denominator per row.

Per-entrant loops over Fractions cost microseconds a value; a column of 60,000 values is
computed here with a few numpy operations instead. Numerators and denominators are int64
while they surely fit, and Python ints in object arrays past that, so nothing is ever
rounded or wrapped; each distinct result becomes a Fraction once, at the end.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import pandas as pd

from competition.rules.numbers import RoundingMode

LIMIT = 2**62  # int64 holds any sum or product whose bound stays below this


@dataclass(frozen=True)
class Column:
    """Row i is ``numerators[i] / denominators[i]`` (denominators > 0) where ``present[i]``;
    a missing row holds 0/1."""

    numerators: np.ndarray
    denominators: np.ndarray
    present: np.ndarray

    def __len__(self) -> int:
        return len(self.present)


def magnitude(values: np.ndarray) -> int:
    """The largest absolute value, as a Python int (0 for no rows)."""
    return int(np.abs(values).max()) if len(values) else 0


def widened(values: np.ndarray, bound: int) -> np.ndarray:
    """``values`` as Python ints when an operation on them may reach ``bound``."""
    return values.astype(object) if bound >= LIMIT and values.dtype != object else values


def narrowed(values: np.ndarray) -> np.ndarray:
    """Back to int64 when every value fits again (int64 is much faster to sort and hash)."""
    if values.dtype == object and magnitude(values) < LIMIT:
        return values.astype(np.int64)
    return values


def constant(value: Fraction, rows: int) -> Column:
    numerators: np.ndarray = np.full(rows, value.numerator, dtype=_dtype(abs(value.numerator)))
    denominators: np.ndarray = np.full(rows, value.denominator, dtype=_dtype(value.denominator))
    return Column(numerators, denominators, np.ones(rows, dtype=bool))


def _dtype(bound: int) -> type:
    return object if bound >= LIMIT else np.int64


def from_values(values: Sequence[object]) -> Column | None:
    """The column of Fractions, bools (1/0) and ``None`` (missing); ``None`` if a value is
    text or anything else a column cannot hold. Values are shared objects, so each distinct
    object is taken apart once."""
    identities = np.fromiter(map(id, values), dtype=np.int64, count=len(values))
    positions, _ = pd.factorize(identities, sort=False)
    _, first = np.unique(positions, return_index=True)
    distinct = [values[row] for row in first.tolist()]
    parts: list[tuple[int, int, bool]] = []
    for value in distinct:
        if value is None:
            parts.append((0, 1, False))
        elif isinstance(value, (bool, int)):
            parts.append((int(value), 1, True))
        elif isinstance(value, Fraction):
            parts.append((value.numerator, value.denominator, True))
        else:
            return None
    numerators = [n for n, _, _ in parts]
    denominators = [d for _, d, _ in parts]
    top = max((abs(n) for n in numerators), default=0)
    return Column(
        np.array(numerators, dtype=_dtype(top))[positions],
        np.array(denominators, dtype=_dtype(max(denominators, default=1)))[positions],
        np.array([p for _, _, p in parts], dtype=bool)[positions],
    )


def to_fractions(column: Column, rows: np.ndarray | None = None) -> list[Fraction | None]:
    """Each row as a Fraction (``None`` where missing or outside ``rows``, a mask); equal
    rows share one Fraction object, made once."""
    keep = column.present if rows is None else column.present & rows
    numerator_codes, numerators = pd.factorize(narrowed(column.numerators[keep]), sort=False)
    denominator_codes, denominators = pd.factorize(narrowed(column.denominators[keep]), sort=False)
    width = max(len(denominators), 1)
    pair_codes, pairs = pd.factorize(
        numerator_codes.astype(np.int64) * width + denominator_codes, sort=False
    )
    tops, bottoms = numerators.tolist(), denominators.tolist()
    made = np.empty(len(pairs), dtype=object)
    made[:] = [Fraction(tops[pair // width], bottoms[pair % width]) for pair in pairs.tolist()]
    result = np.full(len(column), None, dtype=object)
    result[keep] = made[pair_codes]
    values: list[Fraction | None] = result.tolist()
    return values


def rounded_integers(
    numerators: np.ndarray, denominators: np.ndarray, mode: RoundingMode
) -> np.ndarray:
    """numerators / denominators rounded to integers, row by row exactly as
    :func:`competition.rules.numbers.round_fraction` rounds one value."""
    quotient: np.ndarray = numerators // denominators
    remainder = numerators - quotient * denominators
    inexact = remainder != 0
    negative = numerators < 0
    if mode is RoundingMode.floor:
        return quotient
    if mode is RoundingMode.ceiling:
        return np.asarray(quotient + inexact)
    if mode is RoundingMode.down:
        return np.asarray(quotient + (inexact & negative))
    if mode is RoundingMode.up:
        return np.asarray(quotient + (inexact & ~negative))
    twice = 2 * remainder
    above = twice > denominators
    half = twice == denominators
    if mode is RoundingMode.half_up:
        tie_up = ~negative
    elif mode is RoundingMode.half_down:
        tie_up = negative
    else:
        tie_up = (quotient % 2) != 0
    return np.asarray(quotient + (above | (half & tie_up)))


def rounded(column: Column, ndigits: int, mode: RoundingMode) -> Column:
    """Every row rounded to ``ndigits`` decimal places (negative: tens, hundreds)."""
    scale = 10 ** abs(ndigits)
    numerators, denominators = column.numerators, column.denominators
    if ndigits >= 0:
        top = widened(numerators, magnitude(numerators) * scale)
        integers = rounded_integers(top * scale, denominators, mode)
        result: np.ndarray = np.full(len(column), scale, dtype=_dtype(scale))
        return Column(narrowed(integers), result, column.present)
    below = widened(denominators, magnitude(denominators) * scale)
    integers = rounded_integers(numerators, below * scale, mode)
    tens = widened(integers, (magnitude(integers) + 1) * scale) * scale
    return Column(narrowed(tens), np.ones(len(column), dtype=np.int64), column.present)


def group_sums(column: Column, sizes: Sequence[int]) -> tuple[Column, np.ndarray]:
    """The sum of the present rows of each run of ``sizes`` consecutive rows, over one
    common denominator, and how many rows each sum counts."""
    keep = column.present
    denominators = narrowed(column.denominators[keep])
    common = math.lcm(*(int(d) for d in np.unique(denominators))) if len(denominators) else 1
    bound = common * (magnitude(column.numerators) + 1) * max(len(column), 1)
    scale = widened(column.denominators, bound)
    scaled = np.where(keep, widened(column.numerators, bound) * (common // scale), 0)
    ends = np.cumsum(np.asarray(sizes, dtype=np.int64))
    starts = ends - np.asarray(sizes, dtype=np.int64)
    running = np.concatenate([np.zeros(1, dtype=scaled.dtype), np.cumsum(scaled)])
    counted = np.concatenate([[0], np.cumsum(keep)])
    sums = narrowed(running[ends] - running[starts])
    counts = counted[ends] - counted[starts]
    bottom: np.ndarray = np.full(len(ends), common, dtype=_dtype(common))
    return Column(sums, bottom, counts > 0), counts
