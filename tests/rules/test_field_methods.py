"""Panel methods across the field: z-scores, Borda, pairwise majority, the skating system."""

from __future__ import annotations

from fractions import Fraction

import pytest

from competition.rules import RuleFileError
from tests.factories import make_rules, rows_by_entrant, standings_of


def field_rules(
    aggregate: str, judges: int, scale: str, extra: str = "", order: str = "desc"
) -> str:
    return f"""\
    contest: field
    criteria:
      mark:
        kind: judged
        judges: {judges}
        scale: {scale}
        aggregate: {aggregate}
        {extra}
    total: {{formula: mark, round: {{ndigits: 2}}}}
    ranking: {{order: {order}}}
    """


def marks(table: dict[str, list[object]]) -> list[tuple[str, str, str, str, str]]:
    return [
        (e, "", "mark", f"J{j}", str(v))
        for e, values in table.items()
        for j, v in enumerate(values, 1)
    ]


def test_skating_system_majority_places() -> None:
    # 5 judges, majority 3: A = 1,1,2,3,1; B = 2,2,1,1,3; C = 3,3,3,2,2 (RULES.md §4)
    # A has three 1sts → 1st; for 2nd B has four marks "2 or better", C two → B 2nd, C 3rd
    rules = make_rules(field_rules("skating", 5, "{min: 1, max: 3, step: 1}", order="asc"))
    standings = standings_of(
        rules, marks({"A": [1, 1, 2, 3, 1], "B": [2, 2, 1, 1, 3], "C": [3, 3, 3, 2, 2]})
    )
    rows = rows_by_entrant(standings)
    assert [(k, rows[k].total, rows[k].rank) for k in "ABC"] == [
        ("A", 1, 1),
        ("B", 2, 2),
        ("C", 3, 3),
    ]


def test_skating_equal_majority_goes_to_the_lower_sum() -> None:
    # 3 judges, majority 2. A = 1,1,3 and B = 2,1,1 both have two 1sts (sum 2 each), so the
    # next column decides: "2 or better" A has two, B three → B's larger majority wins 1st.
    rules = make_rules(field_rules("skating", 3, "{min: 1, max: 3, step: 1}", order="asc"))
    standings = standings_of(rules, marks({"A": [1, 1, 3], "B": [2, 1, 1], "C": [3, 3, 2]}))
    rows = rows_by_entrant(standings)
    assert (rows["B"].rank, rows["A"].rank, rows["C"].rank) == (1, 2, 3)


def test_borda_points_with_shared_positions() -> None:
    # 3 judges, 4 entrants: a judge's best scores 3 … last 0 (RULES.md §5: ranks 1, 2, 1 → 8)
    rules = make_rules(field_rules("borda", 3, "{min: 0, max: 10, step: 1}"))
    standings = standings_of(
        rules, marks({"A": [9, 8, 9], "B": [8, 9, 7], "C": [7, 7, 7], "D": [1, 2, 1]})
    )
    values = {k: standings.table.value("mark", k) for k in "ABCD"}
    # J3 marks B and C both 7: they share 2nd–3rd, (2 + 1) / 2 = 1.5 each
    # A 3 + 2 + 3 = 8; B 2 + 3 + 1.5 = 6.5; C 1 + 1 + 1.5 = 3.5; D 0
    assert values == {"A": 8, "B": Fraction(13, 2), "C": Fraction(7, 2), "D": 0}


def test_pairwise_majority_wins() -> None:
    rules = make_rules(field_rules("pairwise", 3, "{min: 0, max: 10, step: 1}"))
    standings = standings_of(rules, marks({"A": [9, 5, 9], "B": [8, 9, 8], "C": [1, 1, 1]}))
    # A beats B 2–1 and C 3–0; B beats C → A 2, B 1, C 0
    assert {k: standings.table.value("mark", k) for k in "ABC"} == {"A": 2, "B": 1, "C": 0}


def test_zscores_put_a_harsh_and_a_lenient_judge_on_one_footing() -> None:
    # J1 gives 70/80/90 and J2 50/55/60: both → −1, 0, +1 (RULES.md §5)
    rules = make_rules(
        field_rules("zscore", 2, "{min: 0, max: 100, step: 1}", "rescale: {mean: 70, sd: 10}")
    )
    standings = standings_of(rules, marks({"A": [70, 50], "B": [80, 55], "C": [90, 60]}))
    assert {k: standings.table.value("mark", k) for k in "ABC"} == {"A": 60, "B": 70, "C": 80}


def test_field_methods_refuse_what_does_not_apply() -> None:
    with pytest.raises(RuleFileError) as caught:
        make_rules(
            field_rules("skating", 3, "{min: 0, max: 3, step: 1}", "tolerance: {max_spread: 1}")
        )
    found = [p.render("en") for p in caught.value.problems]
    assert any("skating marks are places" in p for p in found)
    assert any("a tolerance does not apply to aggregate skating" in p for p in found)
