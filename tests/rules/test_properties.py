"""Invariants of the engine, checked on generated contests (hypothesis)."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from competition.rules.engine import compute_standings
from competition.rules.standings import Standings
from tests.factories import make_marks, make_rules

RULES = make_rules("""\
contest: property
items: {count: 2}
criteria:
  score:
    kind: judged
    judges: 5
    scale: {min: 0, max: 10, step: 0.5}
    aggregate: trimmed_mean
    drop_high: 1
    drop_low: 1
  time: {kind: measured, level: entrant, min: 0, max: 100}
  runs: {kind: items, of: score, combine: sum}
total: {formula: runs, round: {ndigits: 1}}
ranking:
  tiebreak: [{key: time, order: asc}]
""")

half_points = st.integers(min_value=0, max_value=20).map(lambda n: Fraction(n, 2))
panel = st.lists(half_points, min_size=5, max_size=5)
entrant = st.tuples(panel, panel, st.integers(min_value=0, max_value=5))
field = st.lists(entrant, min_size=1, max_size=8)
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def text(value: Fraction) -> str:
    return str(float(value))


def marks_of(
    entrants: list[tuple[list[Fraction], list[Fraction], int]], prefix: str = "E"
) -> list[tuple[str, str, str, str, str]]:
    rows = []
    for index, (first, second, time) in enumerate(entrants):
        name = f"{prefix}{index}"
        for item, values in (("1", first), ("2", second)):
            rows += [(name, item, "score", f"J{j}", text(v)) for j, v in enumerate(values)]
        rows.append((name, "", "time", "", str(time)))
    return rows


def standings(rows: list[tuple[str, str, str, str, str]]) -> Standings:
    return compute_standings(RULES, make_marks(rows))


def summary(result: Standings) -> dict[str, tuple[int | None, Fraction | None]]:
    return {row.key: (row.rank, row.total) for row in result.rows}


def trimmed(values: list[Fraction]) -> Fraction:
    kept = sorted(values)[1:-1]
    return sum(kept, Fraction(0)) / len(kept)


@SETTINGS
@given(field, st.randoms(use_true_random=False))
def test_the_order_marks_are_listed_in_never_changes_a_result(entrants, random) -> None:
    rows = marks_of(entrants)
    shuffled = rows[:]
    random.shuffle(shuffled)
    assert summary(standings(rows)) == summary(standings(shuffled))


@SETTINGS
@given(field)
def test_totals_are_the_exact_trimmed_means_rounded_half_up(entrants) -> None:
    result = standings(marks_of(entrants))
    for index, (first, second, _) in enumerate(entrants):
        exact = trimmed(first) + trimmed(second)
        scaled = exact * 10
        expected = Fraction(int(scaled) + (1 if scaled - int(scaled) >= Fraction(1, 2) else 0), 10)
        assert result.table.value("runs", f"E{index}") == exact
        assert next(r for r in result.rows if r.key == f"E{index}").total == expected


@SETTINGS
@given(panel, st.integers(min_value=0, max_value=4), st.sampled_from([Fraction(0), Fraction(10)]))
def test_one_outlier_judge_cannot_push_a_trimmed_panel_outside_the_others(
    values: list[Fraction], judge: int, extreme: Fraction
) -> None:
    wild = values[:]
    wild[judge] = extreme
    others = values[:judge] + values[judge + 1 :]
    rows = [("A", "1", "score", f"J{j}", text(v)) for j, v in enumerate(wild)]
    rows += [("A", "2", "score", f"J{j}", "5") for j in range(5)] + [("A", "", "time", "", "1")]
    result = standings(rows).table.value("score", "A", "1")
    assert result is not None and min(others) <= result <= max(others)


@SETTINGS
@given(field, entrant)
def test_adding_an_entrant_never_reorders_the_others(entrants, newcomer) -> None:
    before = summary(standings(marks_of(entrants)))
    after = summary(standings(marks_of(entrants) + marks_of([newcomer], prefix="N")))
    for a in before:
        for b in before:
            rank_a, rank_b = before[a][0], before[b][0]
            assert rank_a is not None and rank_b is not None
            new_a, new_b = after[a][0], after[b][0]
            assert new_a is not None and new_b is not None
            assert (rank_a < rank_b) == (new_a < new_b)
            assert (rank_a == rank_b) == (new_a == new_b)


@SETTINGS
@given(field)
def test_ranks_follow_totals_then_time_and_ties_share(entrants) -> None:
    result = standings(marks_of(entrants))
    keys = {
        row.key: (row.total, -Fraction(t))
        for row, (_, _, t) in zip(
            sorted(result.rows, key=lambda r: int(r.key[1:])), entrants, strict=True
        )
    }
    for row in result.rows:
        better = sum(1 for other in keys.values() if other > keys[row.key])
        assert row.rank == 1 + better


@SETTINGS
@given(field)
def test_the_engine_is_deterministic(entrants) -> None:
    rows = marks_of(entrants)
    first, second = standings(rows), standings(rows)
    assert [(r.key, r.rank, r.total) for r in first.rows] == [
        (r.key, r.rank, r.total) for r in second.rows
    ]
