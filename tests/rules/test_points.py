"""Transforms from values to points, with RULES.md's worked examples."""

from __future__ import annotations

from fractions import Fraction

import pytest

from tests.factories import make_rules, standings_of


def points(transform: str, values: dict[str, str]) -> dict[str, Fraction | None]:
    rules = make_rules(f"""\
    contest: points
    criteria:
      x: {{kind: measured}}
      p: {{kind: points, of: x, {transform}}}
    total: {{formula: p, round: {{ndigits: 4}}}}
    """)
    standings = standings_of(rules, [(e, "", "x", "", v) for e, v in values.items()])
    return {e: standings.table.value("p", e) for e in values}


def test_ratio_to_a_benchmark_with_a_cap() -> None:
    # 9 000 元/亩 against 8 000, weight 50 → 1.125 × 50 = 56.25; capped at 1.5× (RULES.md §2)
    result = points("benchmark: {value: 8000, weight: 50, cap: 1.5}", {"A": "9000", "B": "16000"})
    assert result == {"A": Fraction(5625, 100), "B": Fraction(75)}


def test_relative_to_the_best_entrant() -> None:
    # best 12 000 → 50; 9 000 → 50 × 9 000 / 12 000 = 37.5 (RULES.md §5)
    result = points("relative_to_best: {weight: 50}", {"A": "12000", "B": "9000"})
    assert result == {"A": 50, "B": Fraction(75, 2)}
    lowest = points("relative_to_best: {weight: 10, order: asc}", {"A": "20", "B": "25"})
    assert lowest == {"A": 10, "B": 8}


def test_min_max_with_fixed_bounds_clamps_and_inverts() -> None:
    # yield 3.5 in [2.5, 4.5] → 0.5 (RULES.md §5)
    result = points("minmax: {lo: 2.5, hi: 4.5, weight: 1}", {"A": "3.5", "B": "5", "C": "1"})
    assert result == {"A": Fraction(1, 2), "B": 1, "C": 0}
    inverted = points("minmax: {lo: 2.5, hi: 4.5, weight: 10, invert: true}", {"A": "3"})
    assert inverted == {"A": Fraction(15, 2)}
    from_field = points("minmax: {weight: 10}", {"A": "10", "B": "20", "C": "15"})
    assert from_field == {"A": 0, "B": 10, "C": 5}


def test_banded_lookup() -> None:
    # "100% → 5; 95–100% → 3; 90–95% → 1; <90% → 0": 96 % → 3 (RULES.md §2)
    bands = (
        "bands: {steps: [{min: 1.0, points: 5}, {min: 0.95, points: 3}, "
        "{min: 0.90, points: 1}], else: 0}"
    )
    result = points(bands, {"A": "1", "B": "0.96", "C": "0.90", "D": "0.899"})
    assert result == {"A": 5, "B": 3, "C": 1, "D": 0}


def test_tolerance_bands() -> None:
    # tolerance ±0.05 → 2.0; ±0.10 → 1.0; else 0 (RULES.md §3)
    rule = (
        "tolerance: {target: 25.00, bands: [{within: 0.05, points: 2}, {within: 0.10, points: 1}]}"
    )
    result = points(rule, {"A": "25.04", "B": "24.95", "C": "25.08", "D": "25.2"})
    assert result == {"A": 2, "B": 2, "C": 1, "D": 0}


@pytest.mark.parametrize(
    ("undercut", "expected"), [("0", 20), ("20", 12), ("21", 10), ("30", 8), ("31", 0)]
)
def test_deduction_per_started_unit_floored_and_zeroed(undercut: str, expected: int) -> None:
    # 2 points per 5 mm started, from 20; over 30 mm the item is 0 (RULES.md 1.4)
    rule = "deduct: {from: 20, per: 5, points: 2, zero_above: 30}"
    assert points(rule, {"A": undercut}) == {"A": expected}


def test_deductions_never_go_below_zero() -> None:
    assert points("deduct: {from: 10, per: 1, points: 3}", {"A": "9"}) == {"A": 0}
