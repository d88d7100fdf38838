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


def test_missing_asks_whether_a_value_is_absent_and_is_never_missing_itself() -> None:
    void = "0 if missing(goe) else base_value + goe"
    assert evaluate(void, base_value=Fraction(4)) == 0
    assert evaluate(void, base_value=Fraction(4), goe=Fraction(-1, 3)) == Fraction(11, 3)
    assert evaluate("missing(goe)", goe=None) is True
    assert evaluate("missing(goe)", goe=Fraction(0)) is False
    assert evaluate("missing(county)", county="") is False  # an empty text is a value
    formula = parse_formula("missing(goe) or goe < 0")
    assert (formula.names, formula.tested) == ({"goe"}, {"goe"})


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "missing(theory + 1)",
            "missing() takes the name of a criterion or an attribute, found 'theory + 1'",
        ),
        ("missing()", "missing() takes 1 arguments, found 0"),
        ("missing(a, b)", "missing() takes 1 arguments, found 2"),
        ("missing(true)", "missing() takes the name of a criterion or an attribute, found 'true'"),
        ("missing(min)", "missing() takes the name of a criterion or an attribute, found 'min'"),
        ("missing", "'missing' is a function: call it as missing(...)"),
        (
            "sqrt(a)",
            "unknown function 'sqrt'; allowed: min, max, abs, ceil, floor, round, clamp, missing",
        ),
    ],
)
def test_missing_takes_exactly_one_name(text: str, message: str) -> None:
    with pytest.raises(FormulaSyntaxError) as caught:
        parse_formula(text)
    assert caught.value.message.render("en") == message


def test_a_conditional_evaluates_only_the_branch_taken() -> None:
    assert evaluate("0 if void else base_value + goe", void=True, base_value=Fraction(4)) == 0
    assert evaluate("1 if b == 0 else a / b", a=Fraction(1), b=Fraction(0)) == 1
    with pytest.raises(MissingValue):
        evaluate("0 if void else base_value + goe", void=False, base_value=Fraction(4))


def test_and_or_stop_at_the_first_operand_that_decides() -> None:
    assert evaluate("void or goe > 0", void=True) is True
    assert evaluate("not void and goe > 0", void=True) is False
    assert evaluate("b != 0 and a / b > 1", a=Fraction(1), b=Fraction(0)) is False
    with pytest.raises(MissingValue):
        evaluate("goe > 0 or void", void=True)  # the first operand is always needed
