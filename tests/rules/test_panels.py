"""Panels: trimming, median, sums, per-judge penalties, tolerance — against RULES.md."""

from __future__ import annotations

from fractions import Fraction

from competition.rules import RuleSet
from tests.factories import make_rules, panel_marks, rows_by_entrant, standings_of


def one_panel(
    aggregate: str, judges: int, extra: str = "", scale: str = "{min: 0, max: 10, step: 0.5}"
) -> RuleSet:
    return make_rules(f"""\
    contest: panel
    criteria:
      score:
        kind: judged
        judges: {judges}
        scale: {scale}
        aggregate: {aggregate}
        {extra}
    total: {{formula: score, round: {{ndigits: 4}}}}
    """)


def value(rules: RuleSet, marks: list[tuple[str, str, str, str, str]]) -> Fraction | None:
    standings = standings_of(rules, marks)
    return standings.table.value("score", "A")


def test_five_judges_drop_highest_and_lowest() -> None:
    # 82, 85, 88, 90, 95 → (85 + 88 + 90) / 3 = 87.666… (RULES.md 1.2)
    rules = one_panel(
        "trimmed_mean", 5, "drop_high: 1\n        drop_low: 1", "{min: 0, max: 100, step: 1}"
    )
    assert value(rules, panel_marks("A", "score", [90, 82, 95, 88, 85])) == Fraction(263, 3)
    standings = standings_of(rules, panel_marks("A", "score", [90, 82, 95, 88, 85]))
    assert standings.total_text(standings.rows[0]) == "87.6667"


def test_seven_judges_cancel_two_and_two_and_sum_three() -> None:
    # 7.5, 7.0, 7.5, 7.0, 7.5, 8.0, 6.5 → drop 8.0, 7.5, 6.5, 7.0 → 7.0 + 7.5 + 7.5 = 22.0
    rules = one_panel("trimmed_sum", 7, "drop_high: 2\n        drop_low: 2")
    marks = panel_marks("A", "score", [7.5, 7.0, 7.5, 7.0, 7.5, 8.0, 6.5])
    assert value(rules, marks) == 22
    dropped = standings_of(rules, marks).table.panels["score"].marks
    assert sorted(dropped.loc[~dropped["counted"], "value"]) == ["6.5", "7.0", "7.5", "8.0"]


def test_median_of_three_and_of_four() -> None:
    rules = one_panel("median", 3, scale="{min: 0, max: 20, step: 0.1}")
    assert value(rules, panel_marks("A", "score", ["9.8", "10.1", "10.0"])) == 10
    rules = one_panel("median", 4, scale="{min: 0, max: 20, step: 0.1}")
    assert value(rules, panel_marks("A", "score", ["9", "10", "12", "11"])) == Fraction(21, 2)


def test_a_trimmed_panel_is_immune_to_one_wild_judge() -> None:
    rules = one_panel("trimmed_mean", 5, "drop_high: 1\n        drop_low: 1")
    calm = value(rules, panel_marks("A", "score", [7, 7.5, 8, 7.5, 8]))
    wild = value(rules, panel_marks("A", "score", [7, 7.5, 8, 7.5, 0]))
    assert calm is not None and wild is not None
    assert abs(calm - wild) <= Fraction(1, 2)


def test_per_judge_penalty_comes_off_each_mark_before_trimming_floored_at_zero() -> None:
    rules = make_rules("""\
    contest: dive
    items: {count: 1}
    criteria:
      execution:
        kind: judged
        judges: 5
        scale: {min: 0, max: 10, step: 0.5}
        aggregate: trimmed_sum
        drop_high: 1
        drop_low: 1
        penalty: penalty
      penalty: {kind: measured, min: 0, max: 10, step: 0.5, default: 0}
      dives: {kind: items, of: execution}
    total: {formula: dives}
    """)
    marks = panel_marks("A", "execution", [6, 6.5, 1.5, 7, 6], item="1")
    marks.append(("A", "1", "penalty", "", "2"))
    # 6 → 4, 6.5 → 4.5, 1.5 → 0 (floored), 7 → 5, 6 → 4; drop 0 and 5 → 4 + 4 + 4.5 = 12.5
    standings = standings_of(rules, marks)
    assert standings.table.value("execution", "A", "1") == Fraction(25, 2)
    adjusted = sorted(standings.table.panels["execution"].marks["adjusted"].tolist())
    assert adjusted == [0, 40, 40, 45, 50]  # scaled by 10


def test_spread_tolerance_flags_or_falls_back_to_the_mean_of_all() -> None:
    # E scores 8.2, 8.5, 8.9, 9.0 with 1 + 1 dropped: middle 8.5 and 8.9, gap 0.4 > 0.3
    # → mean of all = 34.6 / 4 = 8.65 (RULES.md 1.8)
    extra = (
        "drop_high: 1\n        drop_low: 1\n"
        "        tolerance: {max_spread: 0.3, on_violation: fallback_mean}"
    )
    rules = one_panel("trimmed_mean", 4, extra, "{min: 0, max: 10, step: 0.1}")
    marks = panel_marks("A", "score", ["8.2", "8.5", "8.9", "9.0"])
    assert value(rules, marks) == Fraction(865, 100)
    standings = standings_of(rules, marks)
    assert "spread 0.4" in standings.flags(standings.rows[0])[0].render("en")
    flag_only = one_panel(
        "trimmed_mean", 4, extra.replace("fallback_mean", "flag"), "{min: 0, max: 10, step: 0.1}"
    )
    assert value(flag_only, marks) == Fraction(87, 10)  # (8.5 + 8.9) / 2


def test_a_judge_far_from_the_median_is_flagged_by_name() -> None:
    rules = one_panel("median", 3, "tolerance: {max_deviation: 2}")
    standings = standings_of(rules, panel_marks("A", "score", [8, 8.5, 4]))
    flags = [f.render("en") for f in standings.flags(rows_by_entrant(standings)["A"])]
    assert flags == ["score: judge J3 is more than 2 from the panel median"]


def test_a_criterion_nobody_has_marked_yet_is_pending_for_everyone() -> None:
    rules = make_rules("""\
    contest: pending
    criteria:
      theory: {kind: measured, min: 0, max: 100}
      score: {kind: judged, judges: 3, scale: {min: 0, max: 10}}
    total: {formula: theory + score}
    """)
    standings = standings_of(rules, [("A", "", "theory", "", "80")], provisional=True)
    row = rows_by_entrant(standings)["A"]
    assert (row.status, row.total, row.rank) == ("incomplete", None, None)
    assert [m.render("en") for m in standings.missing(row)] == ["score: 0 of 3 marks"]


def test_fallback_to_the_mean_counts_every_mark_in_the_breakdown() -> None:
    extra = (
        "drop_high: 1\n        drop_low: 1\n"
        "        tolerance: {max_spread: 0.3, on_violation: fallback_mean}"
    )
    rules = one_panel("trimmed_mean", 4, extra, "{min: 0, max: 10, step: 0.1}")
    standings = standings_of(rules, panel_marks("A", "score", ["8.2", "8.5", "8.9", "9.0"]))
    assert standings.table.panels["score"].marks["counted"].tolist() == [True] * 4


def test_a_scale_without_step_takes_the_decimals_it_is_given() -> None:
    rules = one_panel("mean", 2, scale="{min: 0, max: 10.0}")
    # (7.25 + 8.125) / 2 = 7.6875
    assert value(rules, panel_marks("A", "score", ["7.25", "8.125"])) == Fraction(123, 16)
