"""Ranking with numpy gives what sorting the key tuples gives: order, ties, deciding key."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from competition.rules.ranking import (
    Order,
    _ranked_arrays,
    _ranked_tuples,
    _sort_arrays,
    rank_columns,
)

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
NAMES = ["total", "time", "practical"]

# few distinct values, so that totals and whole key rows tie often; some missing
cells = st.one_of(
    st.none(),
    st.integers(0, 6).map(lambda n: Fraction(n, 2)),
    st.integers(0, 6).map(lambda n: Fraction(n, 3)),
)
fields = st.lists(st.lists(cells, min_size=3, max_size=3), max_size=25)
orders = st.lists(st.sampled_from(["asc", "desc"]), min_size=3, max_size=3)
methods = st.sampled_from(["competition", "dense", "modified", "ordinal"])


@SETTINGS
@given(fields, orders, methods, st.integers(1, 3))
def test_numpy_ranks_are_the_tuple_ranks(
    rows: list[list[Fraction | None]], given_orders: list[Order], method: str, keys: int
) -> None:
    entries = [(f"E{n}", values[:keys]) for n, values in enumerate(rows)]
    columns = [[values[n] for values in rows] for n in range(keys)]
    arrays = _sort_arrays(columns, given_orders[:keys])
    assert arrays is not None
    expected = _ranked_tuples(entries, given_orders[:keys], NAMES[:keys], method)
    ids = [key for key, _ in entries]
    assert _ranked_arrays(ids, arrays, NAMES[:keys], method) == expected


def test_keys_past_int64_are_ranked_exactly_by_tuples() -> None:
    huge = Fraction(2**80)
    assert _sort_arrays([[huge + 1, huge, huge + 1]], ["desc"]) is None
    ranked = rank_columns(["A", "B", "C"], [[huge + 1, huge, huge + 1]], ["desc"], ["total"])
    assert [(r.key, r.rank, r.shared) for r in ranked] == [
        ("A", 1, True),
        ("C", 1, True),
        ("B", 3, False),
    ]
