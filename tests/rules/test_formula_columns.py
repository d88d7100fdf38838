"""Formulas over whole columns give, row by row, what the row-by-row evaluator gives."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from competition.rules.columns import from_values, group_sums, rounded, to_fractions
from competition.rules.formula import (
    FormulaRuntimeError,
    MissingValue,
    Value,
    _truth,
    parse_formula,
)
from competition.rules.formula_columns import column_formula, evaluate_inputs
from competition.rules.numbers import RoundingMode, exact_sum, round_fraction

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
NAMES = ("a", "b", "c")

# halves and fifths hit exact .5 ties when rounded; huge values overflow int64
numbers = st.one_of(
    st.integers(-40, 40).map(lambda n: Fraction(n, 2)),
    st.integers(-40, 40).map(lambda n: Fraction(n, 20)),
    st.fractions(max_denominator=7).filter(lambda f: abs(f) < 100),
    st.integers(-(2**70), 2**70).map(Fraction),
)
cells = st.one_of(numbers, st.booleans(), st.none())

leaves = st.one_of(
    st.sampled_from(NAMES),
    st.sampled_from(["0", "1", "2.5", "0.005", "10", "true", "false"]),
    st.sampled_from(NAMES).map(lambda name: f"missing({name})"),
)


def _extend(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    binary = st.tuples(inner, st.sampled_from(["+", "-", "*", "/"]), inner)
    compare = st.tuples(inner, st.sampled_from(["<", "<=", ">", ">=", "==", "!="]), inner)
    boolean = st.tuples(inner, st.sampled_from(["and", "or"]), inner)
    return st.one_of(
        binary.map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
        compare.map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
        boolean.map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
        inner.map(lambda x: f"(-{x})"),
        inner.map(lambda x: f"(not {x})"),
        st.tuples(inner, inner, inner).map(lambda t: f"({t[0]} if {t[1]} else {t[2]})"),
        st.tuples(st.sampled_from(["min", "max"]), st.lists(inner, min_size=2, max_size=3)).map(
            lambda t: f"{t[0]}({', '.join(t[1])})"
        ),
        st.tuples(st.sampled_from(["abs", "ceil", "floor"]), inner).map(
            lambda t: f"{t[0]}({t[1]})"
        ),
        st.tuples(inner, st.sampled_from(["", ", 1", ", 2", ", -1"])).map(
            lambda t: f"round({t[0]}{t[1]})"
        ),
        st.tuples(inner, inner, inner).map(lambda t: f"clamp({t[0]}, {t[1]}, {t[2]})"),
    )


formulas = st.recursive(leaves, _extend, max_leaves=8)
rows = st.lists(st.fixed_dictionaries({n: cells for n in NAMES}), min_size=1, max_size=12)


def _row_by_row(text: str, row: dict[str, Value | None]) -> Value | None:
    try:
        return parse_formula(text).evaluate(row)
    except (MissingValue, FormulaRuntimeError):
        return None


@SETTINGS
@given(formulas, rows)
def test_a_column_agrees_with_every_row(text: str, table: list[dict[str, Value | None]]) -> None:
    """Every row the column gives is the row-by-row value; every row it does not give has
    none row by row (a missing value or an error), even where only a branch not taken or an
    operand after the deciding one lacks a value."""
    inputs = {}
    for name in NAMES:
        column = from_values([row[name] for row in table])
        assert column is not None
        inputs[name] = column
    result = evaluate_inputs(text, inputs, len(table))
    assert result is not None, text
    values = to_fractions(result)
    for row, value, present in zip(table, values, result.present.tolist(), strict=True):
        expected = _row_by_row(text, row)
        assert present == (expected is not None), (text, row)
        if present:
            # bools count as 1 and 0 wherever a value is used, as numbers or as truths
            assert expected is not None
            assert value == expected and _truth(expected) == (value != 0), (text, row)


def _column_of(text: str, **values: list[Fraction | None]) -> list[Fraction | None]:
    """``text`` over the columns ``values``; ``None`` for the rows the column does not give."""
    inputs = {name: from_values(column) for name, column in values.items()}
    rows = len(next(iter(values.values())))
    result = evaluate_inputs(text, inputs, rows)  # type: ignore[arg-type]
    assert result is not None
    return to_fractions(result)


def test_a_void_element_scores_zero_column_wise() -> None:
    goe = [Fraction(1), None, Fraction(-2, 3)]
    base_value = [Fraction(5), Fraction(4), Fraction(3)]
    got = _column_of("0 if missing(goe) else base_value + goe", goe=goe, base_value=base_value)
    assert got == [6, 0, Fraction(7, 3)]


def test_a_branch_not_taken_neither_divides_by_zero_nor_lacks_a_value() -> None:
    a, b = [Fraction(3), Fraction(3), None], [Fraction(0), Fraction(2), Fraction(0)]
    assert _column_of("1 if b == 0 else a / b", a=a, b=b) == [1, Fraction(3, 2), 1]
    assert _column_of("b != 0 and a / b > 1", a=a, b=b) == [0, 1, 0]
    assert _column_of("b == 0 or a / b > 1", a=a, b=b) == [1, 1, 1]
    assert _column_of("a / b > 1 or b == 0", a=a, b=b) == [None, 1, None]


def test_text_and_computed_digits_stay_row_by_row() -> None:
    assert column_formula('unit == "延安石化"') is None
    assert column_formula("round(x, digits)") is None
    assert column_formula("round(x, 1.5)") is None
    assert column_formula("theory >= 60 and practical >= 60") is not None


@SETTINGS
@given(
    st.lists(st.one_of(numbers, st.none()), min_size=1, max_size=20),
    st.integers(-3, 4),
    st.sampled_from(list(RoundingMode)),
)
def test_rounding_a_column_is_rounding_each_value(
    values: list[Fraction | None], ndigits: int, mode: RoundingMode
) -> None:
    column = from_values(values)
    assert column is not None
    got = to_fractions(rounded(column, ndigits, mode))
    assert got == [None if v is None else round_fraction(v, ndigits, mode) for v in values]


def test_halves_round_half_up_away_from_zero() -> None:
    column = from_values([Fraction(5, 2), Fraction(-5, 2), Fraction(1, 200), Fraction(-1, 200)])
    assert column is not None
    got = to_fractions(rounded(column, 0, RoundingMode.half_up))
    assert got[:2] == [3, -3]
    assert to_fractions(rounded(column, 2, RoundingMode.half_up))[2:] == [
        Fraction(1, 100),
        Fraction(-1, 100),
    ]


def test_text_is_not_a_column() -> None:
    assert from_values([Fraction(1), "甲"]) is None
    column = from_values([None, True, Fraction(3, 4)])
    assert column is not None
    assert np.array_equal(column.present, [False, True, True])


@SETTINGS
@given(st.lists(st.lists(st.one_of(numbers, st.none()), max_size=5), min_size=1, max_size=8))
def test_sums_over_runs_of_rows_are_exact_sums(runs: list[list[Fraction | None]]) -> None:
    column = from_values([value for run in runs for value in run])
    assert column is not None
    sums, counts = group_sums(column, [len(run) for run in runs])
    expected = [[v for v in run if v is not None] for run in runs]
    assert counts.tolist() == [len(present) for present in expected]
    assert to_fractions(sums) == [exact_sum(p) if p else None for p in expected]
