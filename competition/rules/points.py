"""Transforms from a value to points: bounds, relative to the best, benchmark, bands, deductions.

Transforms relative to the field (min–max without bounds, relative to the best) look at
every entrant's value of the same field: all entrants for entrant-level values, all entrants'
attempts at the same item for item-level values.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable
from fractions import Fraction
from typing import TypeVar

from competition.rules.messages import N_, Message, msg
from competition.rules.model import Clamp, Deduct, Points
from competition.rules.numbers import format_exact

K = TypeVar("K", bound=Hashable)
Column = dict[K, Fraction | None]


def _field_extremes(
    column: Column[K], field_of: Callable[[K], str | None]
) -> dict[str, list[Fraction]]:
    fields: dict[str, list[Fraction]] = {}
    for key, value in column.items():
        name = field_of(key)
        if value is not None and name is not None:
            fields.setdefault(name, []).append(value)
    return fields


def deduct(rule: Deduct, value: Fraction) -> Fraction:
    if rule.zero_above is not None and value > rule.zero_above:
        return Fraction(0)
    units = value / Fraction(rule.per)
    if rule.count == "ceil":
        units = Fraction(math.ceil(units))
    elif rule.count == "floor":
        units = Fraction(math.floor(units))
    return max(Fraction(0), Fraction(rule.start) - units * Fraction(rule.points))


def _bands(c: Points, value: Fraction) -> Fraction:
    assert c.bands is not None
    reached = [band for band in c.bands.steps if value >= band.min]
    if not reached:
        return Fraction(c.bands.otherwise)
    return Fraction(max(reached, key=lambda band: band.min).points)


def _tolerance(c: Points, value: Fraction) -> Fraction:
    assert c.tolerance is not None
    gap = abs(value - Fraction(c.tolerance.target))
    within = [band for band in c.tolerance.bands if gap <= band.within]
    if not within:
        return Fraction(c.tolerance.otherwise)
    return Fraction(min(within, key=lambda band: band.within).points)


def transform(
    c: Points, column: Column[K], field_of: Callable[[K], str | None]
) -> tuple[Column[K], dict[K, Message]]:
    """Points for every key of ``column``; also the keys whose points cannot be computed.

    ``field_of`` names the field a key is compared with, or ``None`` for an entrant who has
    left the field (disqualified, withdrawn): it neither sets the best nor gets points
    relative to the others."""
    problems: dict[K, Message] = {}
    fields = _field_extremes(column, field_of)
    relative = c.relative_to_best is not None or (
        c.minmax is not None and (c.minmax.lo is None or c.minmax.hi is None)
    )
    result: Column[K] = {}
    for key, value in column.items():
        field = field_of(key)
        if value is None or (relative and field is None):
            result[key] = None
            continue
        peers = fields.get(field, [value]) if field is not None else [value]
        if c.minmax is not None:
            lo = Fraction(c.minmax.lo) if c.minmax.lo is not None else min(peers)
            hi = Fraction(c.minmax.hi) if c.minmax.hi is not None else max(peers)
            share = (
                Fraction(1)
                if hi == lo
                else min(Fraction(1), max(Fraction(0), (value - lo) / (hi - lo)))
            )
            if c.minmax.invert:
                share = 1 - share
            result[key] = Fraction(c.minmax.weight) * share
        elif c.relative_to_best is not None:
            weight = Fraction(c.relative_to_best.weight)
            if c.relative_to_best.order == "desc":
                best = max(peers)
                if best <= 0:
                    problems[key] = msg(
                        N_(
                            "the best value is {best}: points relative to the "
                            "best need a positive best"
                        ),
                        best=format_exact(best),
                    )
                    result[key] = None
                else:
                    result[key] = weight * value / best
            else:
                best = min(peers)
                if value <= 0 or best <= 0:
                    problems[key] = msg(N_("values must be positive to compare with the lowest"))
                    result[key] = None
                else:
                    result[key] = weight * best / value
        elif c.benchmark is not None:
            ratio = value / Fraction(c.benchmark.value)
            if c.benchmark.cap is not None:
                ratio = min(ratio, Fraction(c.benchmark.cap))
            result[key] = Fraction(c.benchmark.weight) * ratio
        elif c.bands is not None:
            result[key] = _bands(c, value)
        elif c.tolerance is not None:
            result[key] = _tolerance(c, value)
        else:
            assert c.deduct is not None
            result[key] = deduct(c.deduct, value)
    return result, problems


def clamp(value: Fraction, bounds: Clamp) -> Fraction:
    if bounds.min is not None:
        value = max(value, Fraction(bounds.min))
    if bounds.max is not None:
        value = min(value, Fraction(bounds.max))
    return value
