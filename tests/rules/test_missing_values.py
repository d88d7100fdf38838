"""missing(x) and lazy conditionals through the whole engine: a void element scores 0.

The contest is the issue's: an element the judges declare invalid gets no marks at all, and
``element = 0 if missing(goe) else base_value + goe``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from competition.commands import main
from competition.rules import DataFileError, RuleFileError
from competition.rules.standings import Standings
from tests.factories import (
    make_entrants,
    make_rules,
    panel_marks,
    rows_by_entrant,
    standings_of,
)

VOID = """\
contest: void elements
items: {label: element, count: 3, points: element}
criteria:
  base_value: {kind: measured, min: 0, max: 20, step: 0.01}
  goe: {kind: judged, judges: 3, scale: {min: -5, max: 5, step: 1}, aggregate: mean}
  element: {kind: derived, formula: "0 if missing(goe) else base_value + goe"}
  elements: {kind: items, of: element, combine: sum}
total: {formula: elements}
"""

# A: element 2 is void (no goe marks). B: every element marked.
MARKS = [
    ("A", "1", "base_value", "", "5.5"),
    *panel_marks("A", "goe", [2, 1, 3], "1"),
    ("A", "2", "base_value", "", "4"),
    ("A", "3", "base_value", "", "3"),
    *panel_marks("A", "goe", [-1, -1, -1], "3"),
    ("B", "1", "base_value", "", "5.5"),
    *panel_marks("B", "goe", [1, 1, 1], "1"),
    ("B", "2", "base_value", "", "4"),
    *panel_marks("B", "goe", [0, 0, 0], "2"),
    ("B", "3", "base_value", "", "3"),
    *panel_marks("B", "goe", [0, 0, 1], "3"),
]


def _elements(standings: Standings, entrant: str) -> list[str | None]:
    row = rows_by_entrant(standings)[entrant]
    return [None if i.points is None else str(i.points) for i in row.items]


def test_a_void_element_scores_zero_and_the_entrant_is_complete() -> None:
    # A: 5.5 + 2 = 7.5; void → 0; 3 − 1 = 2; total 9.5
    # B: 5.5 + 1 = 6.5; 4 + 0 = 4; 3 + 1/3 = 10/3; total 13.8333… → 13.83
    standings = standings_of(make_rules(VOID), MARKS)
    rows = rows_by_entrant(standings)
    assert standings.complete
    assert _elements(standings, "A") == ["15/2", "0", "2"]
    assert _elements(standings, "B") == ["13/2", "4", "10/3"]
    assert [(r.key, r.status, standings.total_text(r)) for r in standings.rows] == [
        ("B", "ok", "13.83"),
        ("A", "ok", "9.50"),
    ]
    assert rows["A"].rank == 2 and standings.missing(rows["A"]) == []


def test_a_part_marked_element_is_still_waited_for() -> None:
    marks = [m for m in MARKS if m[:4] != ("A", "3", "goe", "J3")]
    with pytest.raises(DataFileError) as caught:
        standings_of(make_rules(VOID), marks)
    assert [p.render("en") for p in caught.value.problems] == [
        "marks:8: entrant A: incomplete: goe [3]: 2 of 3 marks"
    ]


def test_a_formula_needing_the_value_lists_it_where_it_is_missing() -> None:
    rules = make_rules(
        VOID.replace("total: {formula: elements}", "total: {formula: elements + raw}").replace(
            "  elements:",
            '  raw_element: {kind: derived, formula: "base_value + goe"}\n'
            "  raw: {kind: items, of: raw_element, combine: sum}\n  elements:",
        )
    )
    standings = standings_of(rules, MARKS, provisional=True)
    rows = rows_by_entrant(standings)
    assert [m.render("en") for m in standings.missing(rows["A"])] == ["goe [2]: 0 of 3 marks"]
    assert (rows["A"].status, rows["B"].status) == ("incomplete", "ok")


def test_a_value_used_outside_formulas_is_waited_for_everywhere() -> None:
    rules = make_rules(
        VOID.replace("combine: sum}", "combine: sum}\n  goes: {kind: items, of: goe, combine: sum}")
    )
    with pytest.raises(DataFileError) as caught:
        standings_of(rules, MARKS)
    assert [p.render("en") for p in caught.value.problems] == [
        "marks: entrant A: incomplete: goe [2]: 0 of 3 marks"
    ]


def test_conditions_and_deductions_take_only_the_branch_they_need() -> None:
    rules = make_rules("""\
        contest: resits
        entrants:
          attributes:
            resit: {type: number}
            late_minutes: {type: number}
        criteria:
          theory: {kind: measured, min: 0, max: 100}
        total: {formula: theory}
        penalties:
          - {when: "not missing(late_minutes) and late_minutes > 0", deduct: late_minutes}
        eligibility:
          passed: "theory >= 60 if missing(resit) else resit >= 60"
        awards:
          tiers:
            - {name: gold, count: 3, require: [passed]}
        """)
    entrants = make_entrants(
        [
            {"entrant": "A", "resit": "", "late_minutes": "5"},
            {"entrant": "B", "resit": "65", "late_minutes": ""},
            {"entrant": "C", "resit": "", "late_minutes": ""},
        ]
    )
    marks = [("A", "", "theory", "", "70"), ("B", "", "theory", "", "50")]
    marks.append(("C", "", "theory", "", "50"))
    standings = standings_of(rules, marks, entrants)
    rows = rows_by_entrant(standings)
    assert standings.complete
    assert [(r.key, standings.total_text(r), r.award) for r in standings.rows] == [
        ("A", "65.00", "gold"),
        ("B", "50.00", "gold"),
        ("C", "50.00", None),
    ]
    assert rows["A"].eligibility == {"passed": True}


def test_misused_missing_is_a_rule_file_error_on_its_line() -> None:
    text = """\
        contest: misuse
        criteria:
          theory: {kind: measured, min: 0, max: 100}
          a: {kind: derived, formula: "missing(theory + 1)"}
          b: {kind: derived, formula: "missing()"}
          c: {kind: derived, formula: "missing(unknown_name)"}
          missing: {kind: measured}
        total: {formula: theory}
        """
    with pytest.raises(RuleFileError) as caught:
        make_rules(text, "misuse.yaml")
    assert [p.render("en") for p in caught.value.problems] == [
        "misuse.yaml:4: criteria.a.formula: missing() takes the name of a criterion or an "
        "attribute, found 'theory + 1'",
        "misuse.yaml:5: criteria.b.formula: missing() takes 1 arguments, found 0",
        "misuse.yaml:6: criteria.c.formula: unknown name 'unknown_name'; known names: "
        "a, b, c, missing, theory",
        "misuse.yaml:7: criteria.missing: 'missing' is a reserved name",
    ]


def test_competition_rank_scores_the_void_element(tmp_path: Path) -> None:
    rules = tmp_path / "void.yaml"
    rules.write_text(VOID, encoding="utf-8")
    marks = tmp_path / "marks.csv"
    lines = ["entrant,item,criterion,judge,value", *(",".join(m) for m in MARKS)]
    marks.write_text("\n".join(lines) + "\n", encoding="utf-8")
    args = ["--lang", "en", "rank", str(rules), "--marks", str(marks), "--format", "json"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    a = next(row for row in doc["standings"] if row["entrant"] == "A")
    assert doc["complete"] is True
    assert [item["points"] for item in a["items"]] == ["7.5", "0", "2"]
    assert (a["status"], a["total"], a["breakdown"]["missing"]) == ("ok", "9.50", [])
