"""The JSON report: each entrant's breakdown lists every panel and every judge's mark as a
straightforward entrant-by-entrant reading of the panels would, and the fast JSON text is
byte for byte what ``json.dumps(..., indent=2)`` writes."""

from __future__ import annotations

import json
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from competition.rules import load_rule_file
from competition.rules.datafiles import read_entrants_csv, read_marks_csv
from competition.rules.engine import compute_standings
from competition.rules.json_text import Rendered, Streamed, indented_json
from competition.rules.numbers import format_exact
from competition.rules.report import standings_dict
from competition.rules.report_json import standings_json
from competition.rules.standings import Row, Standings
from tests.factories import make_entrants, make_marks, make_rules, standings_of

SHIPPED = Path(__file__).resolve().parents[2] / "scoring_rules"
SAMPLES = sorted(SHIPPED.glob("**/*.sample.csv"))

RULES = make_rules("""\
contest: breakdown
items: {count: 3}
criteria:
  fault: {kind: measured, min: 0, max: 2, step: 0.5, default: 0}
  score:
    kind: judged
    judges: 3
    scale: {min: 0, max: 10, step: 0.5}
    aggregate: trimmed_mean
    drop_high: 1
    penalty: fault
  style: {kind: judged, level: entrant, judges: 2, scale: {min: 0, max: 5}, aggregate: median}
  runs: {kind: items, of: score, combine: sum}
total: {formula: runs + style}
""")

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def reference_panels(standings: Standings, row: Row) -> list[dict[str, Any]]:
    """The breakdown's panels read entrant by entrant: the entrant's rows of each panel in
    their order, grouped by item in the order the rows first name it."""
    result = []
    for name, panel in standings.table.panels.items():
        criterion = standings.ruleset.rule.criteria[name]
        marks = panel.marks[panel.marks["entrant"] == row.key]
        penalised = getattr(criterion, "penalty", None) is not None
        sizes = standings.ruleset.panel_range[name]
        absent = [item for entrant, item in panel.absent if entrant == row.key]
        for item in [*dict.fromkeys(marks["item"].tolist()), *absent]:
            rows = marks[marks["item"] == item]
            value = standings.table.value(name, row.key, item or None)
            result.append(
                {
                    "criterion": name,
                    "item": item or None,
                    "method": getattr(criterion, "aggregate", None),
                    "judges": len(rows),
                    "panel_size": {"min": sizes.min, "max": sizes.max},
                    "absent": item in absent,
                    "marks": [
                        {
                            "judge": judge,
                            "value": text,
                            "counted": bool(counted),
                            **(
                                {"adjusted": format_exact(Fraction(int(a), 10**panel.digits))}
                                if penalised
                                else {}
                            ),
                        }
                        for judge, text, counted, a in zip(
                            rows["judge"],
                            rows["value"],
                            rows["counted"],
                            rows["adjusted"],
                            strict=True,
                        )
                    ],
                    "result": standings.value_text(name, value),
                }
            )
    return result


def assert_report_matches(standings: Standings) -> None:
    document = standings_dict(standings, "en")
    by_key = {row.key: row for row in standings.rows}
    for entry in document["standings"]:
        breakdown = entry["breakdown"]
        members = breakdown.get("members")
        rows = [by_key[entry["entrant"]]] if members is None else by_key[entry["entrant"]].members
        parts = [breakdown] if members is None else [m["breakdown"] for m in members]
        for row, part in zip(rows, parts, strict=True):
            assert part["panels"] == reference_panels(standings, row)
    expected = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    assert standings_json(standings, "en") == expected


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda path: path.name.split(".")[0])
def test_shipped_samples_report_every_mark_as_read_entrant_by_entrant(sample: Path) -> None:
    stem = sample.name.removesuffix(".sample.csv").split(".")[0]  # NAME[.VARIANT].sample.csv
    entrants = sample.with_name(f"{stem}.entrants.csv")
    standings = compute_standings(
        load_rule_file(sample.with_name(f"{stem}.yaml")),
        read_marks_csv(sample),
        read_entrants_csv(entrants) if entrants.exists() else None,
    )
    assert_report_matches(standings)


marks = st.sampled_from(["0", "2.5", "5", "7.5", "10"])
style_marks = st.sampled_from(["0", "1.25", "3", "4.5", "5"])
fault_values = st.sampled_from(["0", "0.5", "1.5", "2"])
cell = st.tuples(
    st.sampled_from(["A", "B", "C", "D"]), st.sampled_from(["1", "2", "3"]), st.integers(1, 3)
)


@SETTINGS
@given(
    st.dictionaries(cell, marks, max_size=30),
    st.dictionaries(st.tuples(st.sampled_from("ABCD"), st.integers(1, 2)), style_marks),
    st.dictionaries(st.tuples(st.sampled_from("ABCD"), st.sampled_from("123")), fault_values),
    st.randoms(use_true_random=False),
)
def test_generated_marks_in_any_order_report_as_read_entrant_by_entrant(
    scores: dict[tuple[str, str, int], str],
    styles: dict[tuple[str, int], str],
    faults: dict[tuple[str, str], str],
    random: Any,
) -> None:
    rows = [(e, item, "score", f"J{j}", v) for (e, item, j), v in scores.items()]
    rows += [(e, "", "style", f"J{j}", v) for (e, j), v in styles.items()]
    rows += [(e, item, "fault", "", v) for (e, item), v in faults.items()]
    random.shuffle(rows)
    if not rows:
        return
    assert_report_matches(compute_standings(RULES, make_marks(rows), provisional=True))


def test_the_json_text_is_laid_out_as_json_dumps_with_indent() -> None:
    value = {
        "text": 'a "quoted" 名字\n%s',
        "numbers": [0, -3, 2**70, 1.5, True, False, None],
        "empty": [{}, [], ""],
        1: {"nested": ({"x": (1, 2)},)},
        None: "null key",
        "%": {"%s": "%d"},
    }
    assert indented_json(value) == json.dumps(value, ensure_ascii=False, indent=2)


def test_rendered_text_is_indented_to_where_it_is_nested() -> None:
    inner = {"a": [1, {"b": None}]}
    rendered = {"outer": [Rendered(json.dumps(inner, indent=2))]}
    assert indented_json(rendered) == json.dumps({"outer": [inner]}, indent=2)


def test_rendered_text_laid_out_deeper_is_indented_to_where_it_is_nested() -> None:
    inner = {"a": [1, {"b": None}]}
    deep = "\n" + "  " * 3
    rendered = Rendered(json.dumps(inner, indent=2).replace("\n", deep), deep)
    for value in ({"x": {"y": {"z": rendered}}}, {"outer": [rendered]}):
        expected = json.dumps(value, default=lambda _: inner, indent=2)
        assert indented_json(value) == expected


def test_streamed_elements_are_written_as_a_list_at_any_depth() -> None:
    rows = [{"entrant": "A", "items": [1, 2]}, {"entrant": "B", "items": []}]
    shapes: list[Callable[[Any], object]] = [
        lambda listed: {"standings": listed, "more": [{}]},
        lambda listed: {"x": {"y": {"standings": listed}}},
        lambda listed: [listed, {"empty": []}],
        lambda listed: listed,
    ]
    for shape in shapes:
        expected = json.dumps(shape(rows), indent=2) + "\n"
        assert indented_json(shape(Streamed(row for row in rows)), end="\n") == expected


def test_a_teams_members_are_reported_with_their_panels_items_and_points() -> None:
    rules = make_rules("""\
contest: pairs
entrants:
  kind: team
  team: {score: sum}
  attributes:
    team: {type: text}
items: {count: 2}
criteria:
  score: {kind: judged, judges: 2, scale: {min: 0, max: 10, step: 0.5}, aggregate: mean}
  runs: {kind: items, of: score, combine: sum}
total: {formula: runs}
""")
    members = [("a1", "红队"), ("a2", "红队"), ("b1", "蓝队"), ("b2", "蓝队")]
    entrants = make_entrants([{"entrant": e, "team": t} for e, t in members])
    marks = [
        (e, item, "score", f"J{j}", (n + j + int(item)) % 10)
        for n, (e, _) in enumerate(members)
        for item in "12"
        for j in (1, 2)
    ]
    standings = standings_of(rules, marks, entrants)
    assert all(row.members for row in standings.rows)
    assert_report_matches(standings)
