from __future__ import annotations

from fractions import Fraction

import pytest

from competition.rules.formula import (
    FormulaRuntimeError,
    FormulaSyntaxError,
    MissingValue,
    parse_formula,
)


def evaluate(text: str, **values: object) -> object:
    return parse_formula(text).evaluate(values)  # type: ignore[arg-type]


def test_net_income_per_mu_is_exact() -> None:
    # (400 000 − 100 000) / 15 mu = 20 000 元/亩 (RULES.md §2)
    value = evaluate(
        "(revenue_yuan - cost_yuan) / area_mu",
        revenue_yuan=Fraction(400000),
        cost_yuan=Fraction(100000),
        area_mu=Fraction(15),
    )
    assert value == Fraction(20000)


def test_decimal_literals_are_exact_not_binary_floats() -> None:
    assert evaluate("0.1 + 0.2") == Fraction(3, 10)
    assert evaluate("0.3 * t + 0.7 * p", t=Fraction(80), p=Fraction(90)) == Fraction(87)


def test_conditions_functions_and_names() -> None:
    assert evaluate("max(0, 20 - ceil(u / 5) * 2) if u <= 30 else 0", u=Fraction(21)) == 10
    assert evaluate("rank <= 3 and is_worker", rank=Fraction(2), is_worker=True) is True
    assert evaluate("rank <= 3 and is_worker", rank=Fraction(2), is_worker=False) is False
    assert evaluate('county == "洛川县"', county="洛川县") is True
    assert evaluate("round(2.345, 2)") == Fraction(235, 100)
    assert evaluate("clamp(x, 0, 10)", x=Fraction(12)) == 10
    assert parse_formula("a + b * max(c, d)").names == {"a", "b", "c", "d"}


@pytest.mark.parametrize(
    "text",
    [
        "__import__('os').system('true')",
        "x.real",
        "x[0]",
        "open('f')",
        "lambda: 1",
        "[1, 2]",
        "2 ** 1000000",
        "x % 2",
        "f'{x}'",
        "(y := 1)",
    ],
)
def test_unsafe_or_unknown_constructs_are_refused(text: str) -> None:
    with pytest.raises(FormulaSyntaxError):
        parse_formula(text)


def test_a_syntax_error_names_the_column() -> None:
    with pytest.raises(FormulaSyntaxError) as caught:
        parse_formula("(a + b")
    assert "column" in caught.value.message.render("en")


def test_wrong_argument_counts_are_refused() -> None:
    with pytest.raises(FormulaSyntaxError):
        parse_formula("abs(a, b)")
    with pytest.raises(FormulaSyntaxError):
        parse_formula("min(a)")


def test_a_missing_value_is_reported_by_name_and_division_by_zero_is_an_error() -> None:
    with pytest.raises(MissingValue) as missing:
        evaluate("a + b", a=Fraction(1))
    assert missing.value.name == "b"
    with pytest.raises(FormulaRuntimeError):
        evaluate("a / b", a=Fraction(1), b=Fraction(0))
