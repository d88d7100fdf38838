"""A long list of problems shows the first 200 and ends saying how many more there are."""

from __future__ import annotations

import pytest

from competition.rules import DataFileError
from tests.factories import make_entrants, make_rules, standings_of

RULES = """\
contest: long lists
entrants:
  attributes:
    is_worker: {type: bool}
criteria:
  theory: {kind: measured, min: 0, max: 100}
  practical: {kind: measured, min: 0, max: 100}
total: {formula: theory + practical}
"""


def problem_lines(
    marks: list[tuple[str, str, str, str, str]], entrants: list[dict[str, str]] | None = None
) -> list[str]:
    with pytest.raises(DataFileError) as caught:
        standings_of(make_rules(RULES), marks, make_entrants(entrants) if entrants else None)
    return [problem.render("en") for problem in caught.value.problems]


def theory_only(count: int) -> list[tuple[str, str, str, str, str]]:
    return [(f"E{n:03}", "", "theory", "", "80") for n in range(count)]


def test_250_incomplete_entrants_show_200_and_how_many_more() -> None:
    lines = problem_lines(theory_only(250))
    assert len(lines) == 201
    assert lines[0] == "marks: entrant E000: incomplete: practical: no value"
    assert lines[199] == "marks: entrant E199: incomplete: practical: no value"
    assert lines[-1] == "marks: … and 50 more problems"


def test_200_incomplete_entrants_are_all_shown_and_nothing_more_is_said() -> None:
    lines = problem_lines(theory_only(200))
    assert len(lines) == 200
    assert "more problems" not in lines[-1]


def test_250_bad_attribute_cells_show_200_and_how_many_more() -> None:
    entrants = [{"entrant": f"E{n:03}", "is_worker": "maybe"} for n in range(250)]
    lines = problem_lines(theory_only(250), entrants)
    assert len(lines) == 201
    assert lines[0].startswith("entrants:2: is_worker: expected yes or no")
    assert lines[-1] == "entrants: … and 50 more problems"


def test_250_marks_outside_the_scale_show_200_and_how_many_more() -> None:
    marks = [(f"E{n:03}", "", "theory", "", "101") for n in range(250)]
    lines = problem_lines(marks)
    assert len(lines) == 201
    assert lines[-1] == "marks: … and 50 more problems"


def test_the_last_line_is_in_the_readers_language() -> None:
    with pytest.raises(DataFileError) as caught:
        standings_of(make_rules(RULES), theory_only(250))
    assert caught.value.problems[-1].render() == "marks: ……另有 50 个问题"
