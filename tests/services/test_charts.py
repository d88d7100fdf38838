"""Server-made SVG charts, parsed back as XML and checked for what they show."""

from __future__ import annotations

import csv
import xml.etree.ElementTree as ET
from fractions import Fraction
from pathlib import Path

import pytest

from competition.rules import RuleSet, load_rule_file
from competition.rules.datafiles import read_entrants_csv, read_marks_csv
from competition.rules.engine import compute_standings
from competition.rules.standings import Standings
from competition.services.charts import (
    attribute_values,
    attribute_values_svg,
    chart_choice,
    judge_consistency_svg,
    judge_deviations,
    score_bins,
    score_distribution_svg,
)
from tests.factories import make_rules, panel_marks, standings_of

RULES = Path(__file__).resolve().parents[2] / "scoring_rules"
NAME = "apple_orchard_per_mu_benefit"
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def orchard_rules() -> RuleSet:
    return load_rule_file(RULES / f"{NAME}.yaml")


@pytest.fixture(scope="module")
def orchards(orchard_rules: RuleSet) -> Standings:
    return compute_standings(
        orchard_rules,
        read_marks_csv(RULES / f"{NAME}.sample.csv"),
        read_entrants_csv(RULES / f"{NAME}.entrants.csv"),
    )


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg" and root.get("viewBox", "").startswith("0 0 640 ")
    assert "Noto Sans CJK SC" in root.get("font-family", "") and "sans-serif" in root.get(
        "font-family", ""
    )
    assert root.find(f".//{SVG}script") is None
    return root


def of_class(root: ET.Element, tag: str, name: str) -> list[ET.Element]:
    return [e for e in root.iter(f"{SVG}{tag}") if e.get("class") == name]


def texts(root: ET.Element, name: str) -> list[str]:
    return [e.text or "" for e in of_class(root, "text", name)]


# --- score distribution -------------------------------------------------------------------------


def test_orchard_totals_in_bins_of_ten(orchards: Standings) -> None:
    root = parse(score_distribution_svg(orchards, "en"))
    # 20 totals from 44.93 to 93.47: about √20 → 5 bins, rounded to a width of 10:
    # 40s: 44.93 45.19 47.44 47.57 48.34 · 50s: 50.71 53.87 54.34 54.66 55.59 58.21
    # 60s: 62.81 62.83 64.56 66.98 69.91 · 70s: 71.19 78.65 · 80s: 84.41 · 90s: 93.47
    bars = of_class(root, "rect", "bar")
    assert len(bars) == 6
    assert texts(root, "count") == ["5", "6", "5", "2", "1", "1"]
    assert texts(root, "edge") == ["40", "50", "60", "70", "80", "90", "100"]
    heights = [float(bar.get("height", "")) for bar in bars]
    assert heights[1] == max(heights) and heights[0] == heights[2] == pytest.approx(
        heights[1] * 5 / 6
    )
    assert [bar.findtext(f"{SVG}title") for bar in bars][:2] == ["40–50: 5", "50–60: 6"]
    assert root.findtext(f"{SVG}title") == "Score distribution"


SCORES = """\
contest: 直方图
criteria:
  score: {kind: measured, level: entrant, min: 0, max: 100}
total: {formula: score}
"""


def test_the_highest_total_on_a_bin_edge_gets_a_bin_of_its_own() -> None:
    marks = [(e, "", "score", "", str(v)) for e, v in {"A": 40, "B": 60, "C": 100}.items()]
    bins = score_bins(standings_of(make_rules(SCORES), marks), bins=3)
    assert [(b.low, b.high, b.count) for b in bins] == [
        (40, 60, 1),
        (60, 80, 1),
        (80, 100, 0),
        (100, 120, 1),
    ]


def test_no_totals_yet_is_said_in_words() -> None:
    root = parse(score_distribution_svg(standings_of(make_rules(SCORES), []), "en"))
    assert of_class(root, "rect", "bar") == []
    assert texts(root, "empty") == ["Nothing to show yet"]


# --- judge consistency ----------------------------------------------------------------------------

PANEL = """\
contest: 裁判一致性
panels:
  look: {judges: 3, label: "外观 <组> & 评"}
criteria:
  shine: {kind: judged, panel: look, scale: {min: 0, max: 10, step: 0.5}, aggregate: median}
total: {formula: shine}
"""


def judged() -> Standings:
    # A: 6.5, 7, 8 → median 7; B: 5, 5.5, 6.5 → median 5.5
    # J1 is half a point strict on both, the middle judge on the median, J3 a point lenient
    marks = [*panel_marks("A", "shine", [6.5, 7, 8]), *panel_marks("B", "shine", [5, 5.5, 6.5])]
    marks = [(e, i, c, "J<2>&" if j == "J2" else j, v) for e, i, c, j, v in marks]
    return standings_of(make_rules(PANEL), marks)


def test_judge_deviations_are_exact_and_signed() -> None:
    deviations = judge_deviations(judged())
    assert [(d.judge, d.marks, d.deviation, d.text) for d in deviations] == [
        ("J1", 2, Fraction(-1, 2), "-0.50"),
        ("J3", 2, Fraction(1), "+1.00"),
        ("J<2>&", 2, Fraction(0), "0.00"),
    ]
    assert {(d.panel, d.label) for d in deviations} == {("look", "外观 <组> & 评")}


def test_a_lenient_judge_is_right_of_zero_and_a_strict_one_left() -> None:
    svg = judge_consistency_svg(judged(), "en")
    root = parse(svg)
    (zero,) = of_class(root, "line", "zero")
    centre = float(zero.get("x1", ""))
    rows = {}
    for group in of_class(root, "g", "judge-row"):
        (bar,) = group.iter(f"{SVG}rect")
        label, value = (t.text for t in group.iter(f"{SVG}text"))
        rows[label] = (float(bar.get("x", "")), float(bar.get("width", "")), value)
    x, width, text = rows["J3"]
    assert x == pytest.approx(centre) and width > 0 and text == "+1.00"
    x, width, text = rows["J1"]
    assert x + width == pytest.approx(centre) and width == pytest.approx(rows["J3"][1] / 2)
    assert text == "-0.50"
    assert rows["J<2>&"][1] == 0
    # text with < and & is escaped in the source and whole again once parsed
    assert "J&lt;2&gt;&amp;" in svg and "<2>" not in svg
    assert texts(root, "panel") == ["外观 <组> & 评"]


def test_orchard_inspectors_are_one_panel(orchards: Standings) -> None:
    deviations = judge_deviations(orchards)
    # 20 orchards × 4 criteria, every expert marked each
    assert [(d.label, d.judge, d.marks) for d in deviations] == [
        ("现场考评专家组", "E1", 80),
        ("现场考评专家组", "E2", 80),
        ("现场考评专家组", "E3", 80),
    ]
    root = parse(judge_consistency_svg(orchards))
    assert len(of_class(root, "g", "judge-row")) == 3


# --- a value by an attribute ----------------------------------------------------------------------


def test_net_income_per_mu_by_county(orchards: Standings) -> None:
    root = parse(attribute_values_svg(orchards, "net_income_per_mu", "county", "en"))
    assert root.findtext(f"{SVG}title") == "亩均纯收入 (元/亩) by 县（市、区）"
    labels = texts(root, "label")
    counties = {row.entrant.attributes["county"] for row in orchards.rows}
    assert {label.rsplit(" (", 1)[0] for label in labels} == counties
    assert len(of_class(root, "circle", "dot")) == 20
    # 延川县: 24 471.00 and 15 481.40 → median 19 976.2, the highest median, drawn first
    assert labels[0] == "延川县 (2)"
    first = of_class(root, "g", "group")[0]
    (median,) = (e for e in first.iter(f"{SVG}line") if e.get("class") == "median")
    assert median.findtext(f"{SVG}title") == "median: 19976.2"
    dots = {d.findtext(f"{SVG}title"): float(d.get("cx", "")) for d in first.iter(f"{SVG}circle")}
    assert dots["延川周军果园 (YA004): 24471.00"] > float(median.get("x1", ""))
    assert dots["延川张秀英果园 (YA017): 15481.40"] < float(median.get("x1", ""))


def test_groups_come_from_the_data(orchards: Standings) -> None:
    groups = attribute_values(orchards, "net_income_per_mu", "county")
    assert [g.median for g in groups] == sorted((g.median for g in groups), reverse=True)
    assert sum(len(g.entrants) for g in groups) == 20


def test_text_from_entrants_is_escaped_and_the_svg_still_parses(
    orchard_rules: RuleSet, tmp_path: Path
) -> None:
    text = (RULES / f"{NAME}.entrants.csv").read_text(encoding="utf-8")
    rows = list(csv.DictReader(text.splitlines()))
    rows[0]["operator"], rows[0]["name"] = "<b>刘 & 子</b>", "宝塔<script>"
    path = tmp_path / "entrants.csv"
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    standings = compute_standings(
        orchard_rules, read_marks_csv(RULES / f"{NAME}.sample.csv"), read_entrants_csv(path)
    )
    svg = attribute_values_svg(standings, "total", "operator", "en")
    root = parse(svg)
    assert "<b>" not in svg and "<script>" not in svg
    assert "<b>刘 & 子</b> (1)" in texts(root, "label")
    tips = [d.findtext(f"{SVG}title") for d in of_class(root, "circle", "dot")]
    assert "宝塔<script> (YA001): 45.19" in tips


def test_the_group_chart_skips_a_countback_for_the_first_tie_break_key() -> None:
    rules = make_rules("""\
        contest: runs
        entrants:
          attributes:
            county: {type: text, values: [宝塔区, 洛川县]}
        items: {count: 2}
        criteria:
          score: {kind: measured, min: 0, max: 100}
          best: {kind: items, of: score, combine: best}
          age: {kind: measured, level: entrant}
        total: {formula: best}
        ranking:
          tiebreak:
            - {countback: score}
            - {key: age, order: asc}
        """)
    marks = [("A", "1", "score", "", "80"), ("A", "2", "score", "", "70")]
    standings = standings_of(rules, [*marks, ("A", "", "age", "", "30")])
    assert chart_choice(standings) == ("age", "county")
