"""Panels of a declared size range: short panels, drops per size, absent panels."""

from __future__ import annotations

import textwrap
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from competition.rules import RuleFileError, RuleSet, load_rule_text
from competition.rules.errors import DataFileError
from competition.rules.report import standings_dict
from competition.rules.report_json import standings_json
from tests.factories import make_entrants, make_rules, panel_marks, standings_of
from tests.rules.test_report import assert_report_matches

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def ranged(
    judges: str = "{min: 8, max: 9}",
    drops: str = "drop_high: 1\n        drop_low: 1",
    aggregate: str = "trimmed_mean",
    extra: str = "",
) -> RuleSet:
    return make_rules(f"""\
    contest: a panel that may sit short
    criteria:
      goe:
        kind: judged
        judges: {judges}
        scale: {{min: 0, max: 10, step: 0.25}}
        aggregate: {aggregate}
        {drops}
        {extra}
    total: {{formula: goe, round: {{ndigits: 4}}}}
    """)


def problems(text: str) -> list[str]:
    with pytest.raises(RuleFileError) as caught:
        load_rule_text(textwrap.dedent(text), "f.yaml")
    return [p.render("en") for p in caught.value.problems]


NINE = [7, 7.5, 8, 8.25, 8.5, 8.5, 9, 9.25, 10]


def test_eight_judges_of_a_nine_judge_panel_drop_one_and_one_and_average_six() -> None:
    # 7.5, 8, 8.25, 8.5, 8.5, 9, 9.25, 10 → drop 7.5 and 10 → 51.5 / 6 = 8.58333…
    standings = standings_of(ranged(), panel_marks("A", "goe", NINE[1:]))
    assert standings.table.value("goe", "A") == Fraction(103, 12)
    assert standings.total_text(standings.rows[0]) == "8.5833"
    assert standings.complete


def test_nine_judges_of_the_same_panel_drop_one_and_one_and_average_seven() -> None:
    standings = standings_of(ranged(), panel_marks("A", "goe", NINE))
    assert standings.table.value("goe", "A") == Fraction(59, 7)  # (NINE[1:8] summed) / 7


def test_drops_given_per_size_trim_each_panel_by_its_own_count() -> None:
    rules = ranged(drops="drop_high: {8: 1, 9: 2}\n        drop_low: {8: 1, 9: 2}")
    nine = standings_of(rules, panel_marks("A", "goe", NINE))
    assert nine.table.value("goe", "A") == Fraction(8 + 8.25 + 8.5 + 8.5 + 9) / 5
    marks = nine.table.panels["goe"].marks
    assert sorted(marks.loc[~marks["counted"], "value"]) == ["10", "7", "7.5", "9.25"]
    eight = standings_of(rules, panel_marks("A", "goe", NINE[1:]))
    assert eight.table.value("goe", "A") == Fraction(103, 12)


def test_a_panel_short_of_the_range_is_missing_and_names_the_range() -> None:
    standings = standings_of(ranged(), panel_marks("A", "goe", NINE[2:]), provisional=True)
    assert standings.rows[0].status == "incomplete"
    assert [m.render("en") for m in standings.table.missing["A"]] == ["goe: 7 of 8–9 marks"]


def test_an_exact_panel_still_says_how_many_marks_it_needs() -> None:
    rules = ranged(judges="9")
    standings = standings_of(rules, panel_marks("A", "goe", NINE[1:]), provisional=True)
    assert [m.render("en") for m in standings.table.missing["A"]] == ["goe: 8 of 9 marks"]


def test_more_marks_than_the_range_allows_is_an_error() -> None:
    with pytest.raises(DataFileError) as caught:
        standings_of(ranged(), panel_marks("A", "goe", [*NINE, 8]), provisional=True)
    assert [p.message.render("en") for p in caught.value.problems] == [
        "10 marks for entrant A on 'goe', but its panel has at most 9 judges "
        "(lines 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)"
    ]


def test_a_named_panel_declares_the_range_for_its_criteria() -> None:
    rules = make_rules("""\
    contest: skating
    panels:
      technical: {judges: {min: 8, max: 9}, label: technical panel}
    criteria:
      goe: {kind: judged, panel: technical, scale: {min: 0, max: 10}, aggregate: trimmed_mean,
            drop_high: 1, drop_low: 1}
    total: {formula: goe}
    """)
    assert str(rules.panel_range["goe"]) == "8–9"
    assert rules.judges == {"goe": 9}  # the seats a panel has


def test_the_breakdown_says_how_many_judges_each_panel_had() -> None:
    rules = make_rules("""\
    contest: runs
    items: {count: 2}
    criteria:
      goe:
        kind: judged
        judges: {min: 2, max: 3}
        scale: {min: 0, max: 10}
        aggregate: trimmed_mean
        drop_high: {2: 0, 3: 1}
        absent: 0
      runs: {kind: items, of: goe}
    total: {formula: runs}
    """)
    marks = [*panel_marks("A", "goe", [6, 8, 9], "1"), *panel_marks("B", "goe", [5, 7], "2")]
    standings = standings_of(rules, marks)
    document = standings_dict(standings, "en")
    panels = {e["entrant"]: e["breakdown"]["panels"] for e in document["standings"]}
    shown = {
        entrant: [(p["item"], p["judges"], p["panel_size"], p["absent"], p["result"]) for p in ps]
        for entrant, ps in panels.items()
    }
    size = {"min": 2, "max": 3}
    assert shown == {
        "A": [("1", 3, size, False, "7"), ("2", 0, size, True, "0")],
        "B": [("2", 2, size, False, "6"), ("1", 0, size, True, "0")],
    }
    assert panels["A"][1]["marks"] == []
    assert_report_matches(standings)  # the JSON text says the same


def test_an_unmarked_cell_takes_the_absent_value_then_the_rounding() -> None:
    rules = ranged(extra="absent: 2.345\n        round: {ndigits: 2}")
    entrants = make_entrants({"entrant": e} for e in ("A", "B"))
    standings = standings_of(rules, panel_marks("A", "goe", NINE), entrants)
    assert standings.table.value("goe", "B") == Fraction("2.35")
    assert standings.table.panels["goe"].absent == {("B", ""): None}
    assert standings.complete


def test_a_partial_panel_is_missing_even_with_an_absent_value() -> None:
    rules = ranged(extra="absent: 0")
    standings = standings_of(rules, panel_marks("A", "goe", [8]), provisional=True)
    assert [m.render("en") for m in standings.table.missing["A"]] == ["goe: 1 of 8–9 marks"]
    assert standings.table.value("goe", "A") is None


def test_the_json_text_names_the_judges_of_a_short_panel() -> None:
    standings = standings_of(ranged(), panel_marks("A", "goe", NINE[1:]))
    assert standings_json(standings, "en").count('"judges": 8') == 1


# --- the checker ---------------------------------------------------------------------------

HEAD = """\
contest: c
criteria:
  goe:
    kind: judged
    scale: {min: 0, max: 10}
"""


def test_a_range_upside_down_is_refused() -> None:
    text = HEAD + "    judges: {min: 9, max: 8}\ntotal: {formula: goe}\n"
    assert problems(text) == ["f.yaml:6: criteria.goe.judges: min (9) must not be above max (8)"]


def test_drops_per_size_must_give_every_size_of_the_range_and_no_other() -> None:
    text = (
        HEAD
        + "    judges: {min: 7, max: 9}\n    aggregate: trimmed_mean\n"
        + "    drop_high:\n      8: 1\n      10: 1\n    drop_low: 1\ntotal: {formula: goe}\n"
    )
    assert problems(text) == [
        "f.yaml:8: criteria.goe.drop_high: give the marks dropped for every panel size: "
        "7, 9 missing",
        "f.yaml:10: criteria.goe.drop_high.10: a panel of 10 judges is outside the panel's "
        "7–9 judges",
    ]


def test_drops_that_leave_no_mark_at_some_size_are_refused() -> None:
    text = (
        HEAD
        + "    judges: {min: 2, max: 4}\n    aggregate: trimmed_mean\n"
        + "    drop_high: 1\n    drop_low: {2: 1, 3: 1, 4: 3}\ntotal: {formula: goe}\n"
    )
    assert problems(text) == [
        "f.yaml:3: criteria.goe: dropping 2 of 2 judges leaves no mark to count",
        "f.yaml:3: criteria.goe: dropping 4 of 4 judges leaves no mark to count",
    ]


def test_a_sum_over_a_range_of_sizes_is_refused_unless_every_size_counts_as_many() -> None:
    text = HEAD + "    judges: {min: 8, max: 9}\n    aggregate: sum\ntotal: {formula: goe}\n"
    assert problems(text) == [
        "f.yaml:7: criteria.goe.aggregate: sum adds up the counted marks, but a panel of 8 "
        "judges counts 8 and one of 9 counts 9: count as many at every size, or use a mean"
    ]
    even = (
        HEAD
        + "    judges: {min: 8, max: 9}\n    aggregate: trimmed_sum\n"
        + "    drop_high: {8: 1, 9: 1}\n    drop_low: {8: 0, 9: 1}\ntotal: {formula: goe}\n"
    )
    assert load_rule_text(textwrap.dedent(even)).panel_range["goe"].sizes == range(8, 10)


def test_a_criterion_and_its_panel_must_agree_on_the_range() -> None:
    text = (
        "contest: c\npanels:\n  tech: {judges: {min: 8, max: 9}}\ncriteria:\n  goe:\n"
        "    kind: judged\n    panel: tech\n    judges: 9\n    scale: {min: 0, max: 10}\n"
        "total: {formula: goe}\n"
    )
    assert problems(text) == ["f.yaml:8: criteria.goe.judges: 9 judges, but panel 'tech' has 8–9"]


def test_shapes_are_named_by_their_field_not_by_each_branch_tried() -> None:
    text = (
        HEAD + "    judges: {min: 0}\n    aggregate: trimmed_mean\n    drop_high: {8: -1}\n"
        "    absent: none\ntotal: {formula: goe}\n"
    )
    assert problems(text) == [
        "f.yaml:6: criteria.goe.judges.min: must be ≥ 1, found '0'",
        "f.yaml:6: criteria.goe.judges.max: required, but missing",
        "f.yaml:8: criteria.goe.drop_high.8: must be ≥ 0, found '-1'",
        "f.yaml:9: criteria.goe.absent: expected a number, found 'none'",
    ]


# --- properties ----------------------------------------------------------------------------

MARK = st.integers(0, 40).map(lambda n: Fraction(n, 4))  # the scale 0–10 by 0.25


def _text(mark: Fraction) -> str:
    return str(float(mark))


@st.composite
def panels_in_range(draw: st.DrawFn) -> tuple[int, int, dict[int, tuple[int, int]], list[Fraction]]:
    """A declared range, drops of at least one each side for every size, one panel in it."""
    low = draw(st.integers(3, 8))
    high = draw(st.integers(low, 9))
    drops = {}
    for size in range(low, high + 1):
        dl = draw(st.integers(1, (size - 1) // 2))
        dh = draw(st.integers(1, size - 1 - dl))
        drops[size] = (dl, dh)
    size = draw(st.integers(low, high))
    return low, high, drops, draw(st.lists(MARK, min_size=size, max_size=size))


def _rules(judges: str, drops: dict[int, tuple[int, int]], aggregate: str) -> RuleSet:
    if not drops:
        return ranged(judges, "", aggregate)
    low = ", ".join(f"{s}: {d[0]}" for s, d in drops.items())
    high = ", ".join(f"{s}: {d[1]}" for s, d in drops.items())
    return ranged(judges, f"drop_low: {{{low}}}\n        drop_high: {{{high}}}", aggregate)


@SETTINGS
@given(panel=panels_in_range(), outlier=MARK, at=st.data())
def test_a_trimmed_panel_of_any_declared_size_is_immune_to_one_outlier(
    panel: tuple[int, int, dict[int, tuple[int, int]], list[Fraction]],
    outlier: Fraction,
    at: st.DataObject,
) -> None:
    low, high, drops, marks = panel
    rules = _rules(f"{{min: {low}, max: {high}}}", drops, "trimmed_mean")
    index = at.draw(st.integers(0, len(marks) - 1))
    others = marks[:index] + marks[index + 1 :]
    wild = [*others[:index], outlier, *others[index:]]
    value = standings_of(rules, panel_marks("A", "goe", map(_text, wild))).table.value("goe", "A")
    assert value is not None and min(others) <= value <= max(others)


@SETTINGS
@given(panel=panels_in_range(), aggregate=st.sampled_from(["trimmed_mean", "median", "mean"]))
def test_a_short_panel_gives_what_a_rule_of_exactly_its_size_gives(
    panel: tuple[int, int, dict[int, tuple[int, int]], list[Fraction]], aggregate: str
) -> None:
    low, high, drops, marks = panel
    size = len(marks)
    trimmed = aggregate == "trimmed_mean"
    ranged_rules = _rules(f"{{min: {low}, max: {high}}}", drops if trimmed else {}, aggregate)
    exact = _rules(str(size), {size: drops[size]} if trimmed else {}, aggregate)
    rows = panel_marks("A", "goe", [_text(m) for m in marks])
    assert standings_of(ranged_rules, rows).table.value("goe", "A") == standings_of(
        exact, rows
    ).table.value("goe", "A")
