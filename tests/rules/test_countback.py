"""Countback tie-breaks: entrants tied so far compare their best item, then the next best."""

from __future__ import annotations

import textwrap
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from competition.rules import RuleFileError, load_rule_text
from competition.rules.report import standings_dict
from competition.rules.standings import Standings
from tests.factories import make_entrants, make_rules, rows_by_entrant, standings_of

Mark = tuple[str, str, str, str, str]

# runs as the entrant's marks name them: an entrant may have fewer runs than another
RUNS = """\
contest: countback
items: {label: run}
criteria:
  score: {kind: measured, min: 0, max: 100, round: {ndigits: 2}}
  best: {kind: items, of: score, combine: best}
total: {formula: best}
"""


def runs(**scores: list[object]) -> list[Mark]:
    return [
        (entrant, str(run), "score", "", str(value))
        for entrant, values in scores.items()
        for run, value in enumerate(values, 1)
    ]


def ranked(ranking: str, marks: list[Mark], rules: str = RUNS) -> Standings:
    return standings_of(make_rules(rules + ranking), marks)


def table(standings: Standings) -> list[tuple[str, int | None, str | None]]:
    return [(r.key, r.rank, r.decided_by) for r in standings.rows]


COUNTBACK = "ranking:\n  tiebreak:\n    - { countback: score }\n"


def test_riders_tied_on_the_best_run_are_separated_by_the_second_best() -> None:
    standings = ranked(COUNTBACK, runs(A=[85.5, 70, 79.5], B=[83.5, 85.5, 60], C=[75.5]))
    assert table(standings) == [("B", 1, "score#2"), ("A", 2, "score#2"), ("C", 3, None)]
    rows = rows_by_entrant(standings)
    assert rows["B"].tiebreak == {
        "score#1": Fraction(171, 2),
        "score#2": Fraction(167, 2),
        "score#3": Fraction(60),
    }


def test_the_third_best_decides_when_the_second_best_ties_too() -> None:
    standings = ranked(COUNTBACK, runs(A=[90, 80, 70], B=[80, 90, 75]))
    assert table(standings) == [("B", 1, "score#3"), ("A", 2, "score#3")]


def test_the_same_values_in_another_order_stay_tied() -> None:
    standings = ranked(COUNTBACK, runs(A=[90, 80, 70], B=[70, 90, 80], C=[60]))
    assert table(standings) == [("A", 1, None), ("B", 1, None), ("C", 3, None)]
    assert rows_by_entrant(standings)["A"].shared


def test_an_extra_item_value_wins_once_every_shared_position_is_equal() -> None:
    standings = ranked(COUNTBACK, runs(A=[90, 80], B=[80, 90, 10]))
    assert table(standings) == [("B", 1, "score#3"), ("A", 2, "score#3")]
    assert rows_by_entrant(standings)["A"].tiebreak["score#3"] is None


def test_items_n_compares_only_the_best_n() -> None:
    marks = runs(A=[90, 80, 70], B=[90, 80, 75], C=[90, 85, 0])
    standings = ranked("ranking:\n  tiebreak:\n    - { countback: score, items: 2 }\n", marks)
    assert table(standings) == [("C", 1, "score#2"), ("A", 2, "score#2"), ("B", 2, "score#2")]
    assert set(rows_by_entrant(standings)["A"].tiebreak) == {"score#1", "score#2"}


def test_an_ascending_ranking_counts_back_from_the_lowest_value() -> None:
    # times: the lower the better, for the total and, by default, for the countback
    rules = RUNS.replace("combine: best", "combine: worst")
    ranking = "ranking:\n  order: asc\n  tiebreak:\n    - { countback: score }\n"
    standings = ranked(ranking, runs(A=[50, 61, 52], B=[50, 51, 70]), rules)
    assert table(standings) == [("B", 1, "score#2"), ("A", 2, "score#2")]


def test_an_explicit_order_overrides_the_rankings() -> None:
    rules = RUNS.replace("combine: best", "combine: worst")
    ranking = "ranking:\n  order: asc\n  tiebreak:\n    - { countback: score, order: desc }\n"
    standings = ranked(ranking, runs(A=[50, 61, 52], B=[50, 51, 70]), rules)
    assert table(standings) == [("B", 1, "score#1"), ("A", 2, "score#1")]


def test_a_countback_comes_in_the_chain_where_it_is_written() -> None:
    rules = RUNS.replace(
        "total: {formula: best}",
        "  age: {kind: measured, level: entrant}\ntotal: {formula: best}",
    )
    ranking = "ranking:\n  tiebreak:\n    - { key: age, order: asc }\n    - { countback: score }\n"
    marks = runs(A=[90, 80], B=[90, 70], C=[90, 60]) + [
        ("A", "", "age", "", "30"),
        ("B", "", "age", "", "20"),
        ("C", "", "age", "", "30"),
    ]
    standings = ranked(ranking, marks, rules)
    # A is told apart from B by age, which comes first, and from C by the countback
    assert table(standings) == [("B", 1, "age"), ("A", 2, "age"), ("C", 3, "score#2")]


def test_missing_item_values_do_not_count() -> None:
    # B's third run has a style mark but no score yet: it has two values, not three, and
    # (provisionally) no best run yet either, so it waits unranked (§9.5)
    rules = RUNS.replace("total:", "  style: {kind: measured, min: 0, max: 10}\ntotal:")
    marks = runs(A=[90, 80], B=[90, 85]) + [("B", "3", "style", "", "5")]
    standings = standings_of(make_rules(rules + COUNTBACK), marks, provisional=True)
    rows = rows_by_entrant(standings)
    assert (rows["A"].rank, rows["B"].rank) == (1, None)
    assert "score#3" not in rows["B"].tiebreak


def test_a_team_counts_back_over_its_members_items() -> None:
    rules = RUNS.replace(
        "items:", "entrants:\n  kind: team\n  team: {score: mean}\nitems:"
    ).replace("contest: countback", "contest: teams")
    rules = rules.replace("entrants:\n", "entrants:\n  attributes: {team: {type: text}}\n")
    entrants = [
        {"entrant": "A1", "team": "红队"},
        {"entrant": "A2", "team": "红队"},
        {"entrant": "B1", "team": "蓝队"},
        {"entrant": "B2", "team": "蓝队"},
    ]

    marks = runs(A1=[90, 10], A2=[80, 10], B1=[90, 50], B2=[80, 5])
    standings = standings_of(make_rules(rules + COUNTBACK), marks, make_entrants(entrants))
    assert table(standings) == [("蓝队", 1, "score#3"), ("红队", 2, "score#3")]


def test_groups_ranked_together_for_the_awards_count_back_too() -> None:
    rules = RUNS.replace(
        "items:",
        "entrants:\n  attributes: {category: {type: text}}\n  group_by: category\nitems:",
    )
    awards = "awards:\n  per_group: false\n  tiers:\n    - { name: gold, count: 1 }\n"
    entrants = [{"entrant": "M", "category": "men"}, {"entrant": "W", "category": "women"}]

    standings = standings_of(
        make_rules(rules + COUNTBACK + awards),
        runs(M=[90, 70], W=[90, 80]),
        make_entrants(entrants),
    )
    assert {r.key: r.award for r in standings.rows} == {"M": None, "W": "gold"}


def test_the_breakdown_shows_each_countback_value_as_its_criterion_shows_values() -> None:
    standings = ranked(COUNTBACK, runs(A=[85.5, 70], B=[83.5, 85.5]))
    document = standings_dict(standings, "en")
    b = next(e for e in document["standings"] if e["entrant"] == "B")
    assert b["breakdown"]["tiebreak"] == {
        "keys": {"score#1": "85.50", "score#2": "83.50"},
        "decided_by": "score#2",
        "shared": False,
    }


# --- the loader -----------------------------------------------------------------------------


def problems(ranking: str, rules: str = RUNS) -> list[str]:
    with pytest.raises(RuleFileError) as caught:
        load_rule_text(rules + textwrap.dedent(ranking), "f.yaml")
    return [p.render("en") for p in caught.value.problems]


def test_a_countback_over_an_entrant_value_is_refused() -> None:
    assert problems("ranking:\n  tiebreak:\n    - { countback: best }\n") == [
        "f.yaml:9: ranking.tiebreak.0.countback: 'best' has one value per entrant; a countback "
        "compares per-item values (use key: best)"
    ]


def test_a_countback_over_an_unknown_name_lists_the_per_item_values() -> None:
    assert problems("ranking:\n  tiebreak:\n    - { countback: scores }\n") == [
        "f.yaml:9: ranking.tiebreak.0.countback: unknown name 'scores'; per-item values: score"
    ]


def test_key_and_countback_in_one_entry_are_refused() -> None:
    found = problems("ranking:\n  tiebreak:\n    - { key: best, countback: score }\n    - {}\n")
    assert found == [
        "f.yaml:9: ranking.tiebreak.0: give exactly one of key or countback",
        "f.yaml:10: ranking.tiebreak.1: give exactly one of key or countback",
    ]


def test_items_without_a_countback_and_a_second_countback_are_refused() -> None:
    ranking = (
        "ranking:\n  tiebreak:\n    - { key: best, items: 2 }\n    - { countback: score }\n"
        "    - { countback: score, order: asc }\n"
    )
    assert problems(ranking) == [
        "f.yaml:9: ranking.tiebreak.0.items: items: N goes with countback only",
        "f.yaml:11: ranking.tiebreak.2.countback: 'score' is already counted back in tie-break 1",
    ]


def test_a_per_item_key_says_it_is_per_item_not_unknown() -> None:
    assert problems("ranking:\n  tiebreak:\n    - { key: score }\n") == [
        "f.yaml:9: ranking.tiebreak.0.key: 'score' is a per-item value; a tie-break key needs "
        "one value per entrant (combine it with kind: items, or use countback: score)"
    ]


def test_a_per_item_key_names_the_per_item_value_that_made_it_so() -> None:
    # pcs has no level of its own: it is per item because the factor is
    rules = RUNS.replace(
        "total: {formula: best}",
        "  factor: {kind: measured, min: 0, max: 2}\n"
        "  pcs: {kind: derived, formula: best * factor}\n"
        "total: {formula: best}",
    )
    assert problems("ranking:\n  tiebreak:\n    - { key: pcs }\n", rules) == [
        "f.yaml:11: ranking.tiebreak.0.key: 'pcs' is a per-item value (it uses 'factor', given "
        "per item); a tie-break key needs one value per entrant (combine it with kind: items, "
        "or use countback: pcs)"
    ]


# --- invariants -----------------------------------------------------------------------------

SUMS = RUNS.replace("combine: best", "combine: sum")
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
fields = st.lists(st.lists(st.integers(0, 3), min_size=1, max_size=4), min_size=1, max_size=8)


def _better_or_equal(a: list[int], b: list[int]) -> int:
    """-1 if the sorted values ``a`` come first by countback, 1 if ``b`` does, else 0."""
    for n in range(max(len(a), len(b))):
        if n >= len(a) or n >= len(b):
            return -1 if n < len(a) else 1
        if a[n] != b[n]:
            return -1 if a[n] > b[n] else 1
    return 0


@SETTINGS
@given(fields)
def test_countback_only_refines_the_ranking_by_totals(field: list[list[int]]) -> None:
    marks = runs(**{f"E{n}": list(values) for n, values in enumerate(field)})
    plain = rows_by_entrant(standings_of(make_rules(SUMS), marks))
    counted = rows_by_entrant(standings_of(make_rules(SUMS + COUNTBACK), marks))
    vectors = {f"E{n}": sorted(values, reverse=True) for n, values in enumerate(field)}
    for a in counted:
        for b in counted:
            rank_a, rank_b = counted[a].rank, counted[b].rank
            assert rank_a is not None and rank_b is not None
            if plain[a].total != plain[b].total:
                # never reordered across different totals
                assert (rank_a < rank_b) == ((plain[a].rank or 0) < (plain[b].rank or 0))
                continue
            expected = _better_or_equal(vectors[a], vectors[b])
            assert (rank_a > rank_b) - (rank_a < rank_b) == expected
