"""Who is compared with whom: the disqualified leave the field, missing inputs are named."""

from __future__ import annotations

import pytest

from competition.rules import DataFileError, RuleFileError
from tests.factories import make_entrants, make_rules, rows_by_entrant, standings_of

INCOME = """\
contest: income
entrants:
  attributes:
    area: {type: number}
criteria:
  income: {kind: measured}
  fraud: {kind: measured, default: 0}
  points: {kind: points, of: income, relative_to_best: {weight: 50}}
total: {formula: points}
penalties:
  - {when: fraud, disqualify: true}
"""


def test_a_disqualified_entrant_does_not_set_the_best() -> None:
    # A (20 000) is disqualified: B's 10 000 is now the best and earns the full 50
    rules = make_rules(INCOME)
    marks = [
        ("A", "", "income", "", "20000"),
        ("A", "", "fraud", "", "1"),
        ("B", "", "income", "", "10000"),
        ("C", "", "income", "", "5000"),
    ]
    standings = standings_of(rules, marks)
    rows = rows_by_entrant(standings)
    assert rows["A"].status == "dq" and rows["A"].rank is None
    assert (standings.total_text(rows["B"]), standings.total_text(rows["C"])) == ("50.00", "25.00")


def test_an_empty_attribute_used_by_a_formula_is_named_and_stops_a_final_ranking() -> None:
    rules = make_rules(
        INCOME.replace("total: {formula: points}", "total: {formula: income / area}")
    )
    entrants = make_entrants([{"entrant": "A", "area": "10"}, {"entrant": "B", "area": ""}])
    marks = [("A", "", "income", "", "100"), ("B", "", "income", "", "100")]
    with pytest.raises(DataFileError) as caught:
        standings_of(rules, marks, entrants)
    assert [p.render("en") for p in caught.value.problems] == [
        "marks: entrant B: incomplete: area: no value"
    ]
    provisional = standings_of(rules, marks, entrants, provisional=True)
    assert provisional.complete is False
    assert [m.render("en") for m in provisional.missing(rows_by_entrant(provisional)["B"])] == [
        "area: no value"
    ]


def test_division_by_zero_is_reported_not_silent() -> None:
    rules = make_rules(
        INCOME.replace("total: {formula: points}", "total: {formula: income / area}")
    )
    entrants = make_entrants([{"entrant": "A", "area": "0"}])
    with pytest.raises(DataFileError) as caught:
        standings_of(rules, [("A", "", "income", "", "100")], entrants)
    assert caught.value.problems[0].render("en") == (
        "marks: entrant A: incomplete: total.formula: division by zero"
    )


@pytest.mark.parametrize("name", ["pass", "and", "min", "total", "true"])
def test_names_that_formulas_could_not_use_are_refused(name: str) -> None:
    with pytest.raises(RuleFileError) as caught:
        make_rules(INCOME + f"eligibility:\n  {name}: income > 0\n")
    assert any(f"'{name}'" in p.render("en") for p in caught.value.problems)


def test_only_the_documented_spelling_of_aliased_keys_is_accepted() -> None:
    rules = INCOME.replace(
        "relative_to_best: {weight: 50}", "deduct: {start: 10, per: 1, points: 1}"
    )
    with pytest.raises(RuleFileError) as caught:
        make_rules(rules)
    assert any(
        "unknown key" in p.render("en") and "from" in p.render("en") for p in caught.value.problems
    )
