"""Exact arithmetic for scores: values are Fractions, rounding happens only where a rule says.

Officials check totals by hand, so every value stays an exact rational until a rule file
declares a rounding step; display turns the rational into a decimal string.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from fractions import Fraction


class RoundingMode(StrEnum):
    half_up = "half_up"
    half_even = "half_even"
    half_down = "half_down"
    down = "down"  # towards zero: truncation (截尾)
    up = "up"  # away from zero
    floor = "floor"
    ceiling = "ceiling"


def parse_decimal(text: str) -> Fraction | None:
    """Parse a plain decimal such as ``"87.5"`` or ``"-3"``; ``None`` if it is not one."""
    stripped = text.strip()
    if not stripped:
        return None
    try:
        value = Decimal(stripped)
    except InvalidOperation:
        return None
    if not value.is_finite():
        return None
    return Fraction(value)


# a mark as a judge or a marks file writes it: ASCII digits, at most one decimal point, an
# optional sign; no exponent, no `_`, no full-width or Arabic-Indic digits, no inf or nan
PLAIN_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)", re.ASCII)
MAX_MARK_LENGTH = 32


def parse_mark(text: str) -> Fraction | None:
    """The one reading of a mark's text, shared by the check before a mark is stored and by
    the engine that computes the board: whatever one accepts the other can read."""
    stripped = text.strip()
    if len(stripped) > MAX_MARK_LENGTH or not PLAIN_DECIMAL.fullmatch(stripped):
        return None
    return Fraction(Decimal(stripped))


def canonical_mark(text: str) -> str:
    """The text a mark is stored as: ``5`` for 5, 05, 5.0 or +5; ``9.5`` for 9.50; ``0`` for
    -0.0. A value that is not a plain decimal (a time such as ``24:10``) stays as written."""
    stripped = text.strip()
    if not PLAIN_DECIMAL.fullmatch(stripped):
        return stripped
    value = Decimal(stripped)
    return "0" if value == 0 else format(value.normalize(), "f")


def to_fraction(value: Decimal | int | Fraction) -> Fraction:
    return value if isinstance(value, Fraction) else Fraction(value)


def decimals_of(value: Decimal | int) -> int:
    """How many digits after the point a declared number carries (``0.5`` → 1)."""
    if isinstance(value, int):
        return 0
    exponent = value.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


_POWERS = [10**n for n in range(19)]


def _round_integer(numerator: int, denominator: int, mode: RoundingMode) -> int:
    """Round numerator/denominator (denominator > 0) to an integer under ``mode``."""
    quotient, remainder = divmod(numerator, denominator)  # floor division
    if remainder == 0:
        return quotient
    negative = numerator < 0
    twice = 2 * remainder
    if mode is RoundingMode.floor:
        return quotient
    if mode is RoundingMode.ceiling:
        return quotient + 1
    if mode is RoundingMode.down:
        return quotient + 1 if negative else quotient
    if mode is RoundingMode.up:
        return quotient if negative else quotient + 1
    if twice > denominator:
        return quotient + 1
    if twice < denominator:
        return quotient
    # exactly half-way between quotient and quotient + 1
    if mode is RoundingMode.half_up:
        return quotient if negative else quotient + 1
    if mode is RoundingMode.half_down:
        return quotient + 1 if negative else quotient
    return quotient if quotient % 2 == 0 else quotient + 1


def round_fraction(value: Fraction, ndigits: int, mode: RoundingMode) -> Fraction:
    """Round to ``ndigits`` decimal places (negative ``ndigits`` rounds to tens, hundreds)."""
    if ndigits >= 0:
        scale = _POWERS[ndigits] if ndigits < len(_POWERS) else 10**ndigits
        rounded = _round_integer(value.numerator * scale, value.denominator, mode)
        return Fraction(rounded, scale)
    scale = 10**-ndigits
    return Fraction(_round_integer(value.numerator, value.denominator * scale, mode) * scale)


def exact_sum(values: Iterable[Fraction]) -> Fraction:
    """The sum over a common denominator: one Fraction instead of one per addition."""
    pairs = [(v.numerator, v.denominator) for v in values]
    common = math.lcm(*(d for _, d in pairs)) if pairs else 1
    return Fraction(sum(n * (common // d) for n, d in pairs), common)


def round_count(value: Fraction, mode: RoundingMode) -> int:
    """Round a count such as ``0.10 × 47 = 4.7`` prizes to a whole number."""
    return _round_integer(value.numerator, value.denominator, mode)


def _decimal_places(denominator: int) -> int | None:
    """Digits after the point of a fraction with this (reduced) denominator, if it terminates."""
    twos = fives = 0
    while denominator % 2 == 0:
        denominator //= 2
        twos += 1
    while denominator % 5 == 0:
        denominator //= 5
        fives += 1
    return max(twos, fives) if denominator == 1 else None


def is_terminating(value: Fraction) -> bool:
    return _decimal_places(value.denominator) is not None


def _digits(integer: int, ndigits: int) -> str:
    sign = "-" if integer < 0 else ""
    digits = str(abs(integer))
    if ndigits <= 0:
        return sign + digits
    digits = digits.rjust(ndigits + 1, "0")
    return f"{sign}{digits[:-ndigits]}.{digits[-ndigits:]}"


def format_fixed(value: Fraction, ndigits: int) -> str:
    """Exactly ``ndigits`` digits after the point; ``value`` must already be rounded to them."""
    scale = 10 ** max(ndigits, 0)
    integer, remainder = divmod(value.numerator * scale, value.denominator)
    if remainder:
        raise ValueError(f"{value} is not rounded to {ndigits} digits")
    return _digits(integer, ndigits)


def format_exact(value: Fraction, max_digits: int = 10) -> str:
    """The shortest exact decimal; a repeating one is cut at ``max_digits`` and marked ``…``."""
    places = _decimal_places(value.denominator)
    if places is not None:
        return format_fixed(value, places)
    rounded = round_fraction(value, max_digits, RoundingMode.down)
    return format_fixed(rounded, max_digits).rstrip("0") + "…"
