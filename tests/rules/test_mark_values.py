"""One notion of a valid mark: whatever the check before a mark is stored accepts, the engine
reads as the same number, and what it refuses (`1_0`, `５`, `٥`, `5e0`) the engine refuses
too; stored text is canonical."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from competition.rules import RuleSet
from competition.rules.errors import DataFileError
from competition.rules.inputs import read_inputs, value_problem
from competition.rules.numbers import canonical_mark, parse_mark
from tests.factories import make_marks, rule_source

WELDING = rule_source("welding_skills.yaml").load()
POISON = ["1_0", "５", "٥", "5e0", "0E+1", "1e1", "inf", "nan", "Infinity", "0x10", "5,5", "٥.٥"]


def engine_reads(ruleset: RuleSet, criterion: str, text: str) -> Fraction | None:
    """The number the engine takes from a marks file holding ``text``, or None if refused."""
    row = ("W01", "", criterion, "" if criterion == "theory" else "J1", text)
    try:
        inputs = read_inputs(ruleset, make_marks([row]), None, "MARKS.csv")
    except DataFileError:
        return None
    if criterion == "theory":
        return next(iter(inputs.measured["theory"].values()))
    judged = inputs.judged[criterion]
    return Fraction(int(judged.frame["scaled"].iloc[0]), 10**judged.digits)


@pytest.mark.parametrize("text", POISON)
@pytest.mark.parametrize("criterion", ["appearance", "theory"])
def test_a_poison_value_is_refused_before_it_is_stored_and_by_the_engine(
    criterion: str, text: str
) -> None:
    assert value_problem(WELDING, criterion, text) is not None
    assert engine_reads(WELDING, criterion, text) is None


@given(text=st.text(alphabet="0123456789.-+e_ ５٥E", max_size=8))
@example("10")
@example("9.5")
@example("-0.0")
@example("+5")
@example("05.50")
def test_what_the_check_accepts_the_engine_reads_as_the_same_number(text: str) -> None:
    for criterion in ("appearance", "theory"):
        accepted = value_problem(WELDING, criterion, text) is None
        if accepted:
            number = parse_mark(text)
            assert number is not None and engine_reads(WELDING, criterion, text) == number
            canonical = canonical_mark(text)
            assert parse_mark(canonical) == number
            assert value_problem(WELDING, criterion, canonical) is None
            assert canonical == canonical_mark(canonical)


@pytest.mark.parametrize(
    ("text", "stored"),
    [
        ("5", "5"),
        ("05", "5"),
        ("5.0", "5"),
        ("+5", "5"),
        ("9.50", "9.5"),
        ("-0.0", "0"),
        ("30", "30"),
    ],
)
def test_a_mark_is_stored_canonical(text: str, stored: str) -> None:
    assert canonical_mark(text) == stored


def test_a_time_is_stored_as_written() -> None:
    assert canonical_mark(" 24:10 ") == "24:10"
