from __future__ import annotations

from fractions import Fraction

import pytest

from competition.rules.numbers import (
    RoundingMode,
    format_exact,
    format_fixed,
    parse_decimal,
    round_count,
    round_fraction,
)


@pytest.mark.parametrize(
    ("value", "mode", "expected"),
    [
        ("87.665", RoundingMode.half_up, "87.67"),
        ("87.665", RoundingMode.half_even, "87.66"),
        ("87.675", RoundingMode.half_even, "87.68"),
        ("87.665", RoundingMode.half_down, "87.66"),
        ("87.669", RoundingMode.down, "87.66"),
        ("87.661", RoundingMode.up, "87.67"),
        ("-2.345", RoundingMode.half_up, "-2.35"),
        ("-2.341", RoundingMode.floor, "-2.35"),
        ("-2.349", RoundingMode.ceiling, "-2.34"),
        ("-2.349", RoundingMode.down, "-2.34"),
    ],
)
def test_rounding_modes_round_as_an_official_would(
    value: str, mode: RoundingMode, expected: str
) -> None:
    parsed = parse_decimal(value)
    assert parsed is not None
    assert format_fixed(round_fraction(parsed, 2, mode), 2) == expected


def test_a_repeating_mean_rounds_half_up_to_the_printed_digits() -> None:
    # (85 + 88 + 90) / 3 = 87.666… → 87.67 (RULES.md 1.2)
    assert format_fixed(round_fraction(Fraction(263, 3), 2, RoundingMode.half_up), 2) == "87.67"


def test_proportional_prize_counts_round_like_the_notice_says() -> None:
    # 47 entrants: 10 % → 4.7 → 5, 20 % → 9.4 → 9, 30 % → 14.1 → 14 (RULES.md 1.11)
    counts = [round_count(Fraction(p, 100) * 47, RoundingMode.half_up) for p in (10, 20, 30)]
    assert counts == [5, 9, 14]


def test_values_display_exactly_or_marked_as_cut() -> None:
    assert format_exact(Fraction(1735, 20)) == "86.75"
    assert format_exact(Fraction(263, 3)) == "87.6666666666…"
    assert format_exact(Fraction(-7, 2)) == "-3.5"
    assert format_fixed(Fraction(736, 10), 2) == "73.60"


@pytest.mark.parametrize("text", ["", "abc", "1,5", "nan", "inf", "1e"])
def test_text_that_is_not_a_plain_number_is_refused(text: str) -> None:
    assert parse_decimal(text) is None
