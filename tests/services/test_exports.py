"""Export files read back with pandas and checked cell by cell against the standings."""

from __future__ import annotations

import io
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

import pandas as pd
import pytest

from competition.rules import load_rule_file
from competition.rules.datafiles import read_entrants_csv, read_marks_csv
from competition.rules.engine import compute_standings
from competition.rules.standings import Standings
from competition.services.award_frames import award_list_frame, prize_totals
from competition.services.exports import (
    award_list_csv_bytes,
    award_list_xlsx_bytes,
    score_sheet_csv_bytes,
    score_sheet_frame,
    score_sheet_xlsx_bytes,
    standings_csv_bytes,
    standings_xlsx_bytes,
)
from tests.factories import make_entrants, make_rules, panel_marks, standings_of

RULES = Path(__file__).resolve().parents[2] / "scoring_rules"


@pytest.fixture(scope="module")
def welding() -> Standings:
    return compute_standings(
        load_rule_file(RULES / "welding_skills.yaml"),
        read_marks_csv(RULES / "welding_skills.sample.csv"),
        read_entrants_csv(RULES / "welding_skills.entrants.csv"),
    )


def xlsx(data: bytes) -> dict[str, pd.DataFrame]:
    return pd.read_excel(io.BytesIO(data), sheet_name=None, dtype=str, keep_default_na=False)


def csv(data: bytes) -> pd.DataFrame:
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM that makes Excel read UTF-8
    return pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", dtype=str, keep_default_na=False)


GROUPED = """\
contest: 分组赛
entrants:
  attributes:
    level: {type: text, required: true}
  group_by: level
criteria:
  score: {kind: measured, level: entrant, min: 0, max: 100}
total: {formula: score, round: {ndigits: 1}}
awards:
  budget: BUDGET
  tiers:
    - {name: 一等奖, count: 1, prize: 300}
    - {name: 二等奖, count: 1, prize: 100.5}
titles:
  - {name: 新秀奖, when: "rank == 3"}
"""


def grouped(budget: str = "1000", names: dict[str, str] | None = None) -> Standings:
    scores = {"a1": 90, "a2": 80, "a3": 70, "b1": 95, "b2": 60, "b3": 50}
    entrants = make_entrants(
        [
            {"entrant": key, "name": (names or {}).get(key, key.upper()), "level": key[0]}
            for key in scores
        ]
    )
    marks = [(key, "", "score", "", str(score)) for key, score in scores.items()]
    return standings_of(make_rules(GROUPED.replace("BUDGET", budget)), marks, entrants)


# --- the score sheet --------------------------------------------------------------------------


def test_score_sheet_flags_each_dropped_mark_and_shows_the_panel_result(
    welding: Standings,
) -> None:
    sheet = xlsx(score_sheet_xlsx_bytes(welding, "en"))["Score sheet"]
    assert list(sheet.columns) == [
        "Entrant",
        "Item",
        "Criterion",
        "Judge",
        "Mark",
        "Dropped",
        "Panel result",
    ]
    marks = welding.table.panels["appearance"].marks
    assert len(sheet) == len(marks)
    # W01: 26, 27.5, 28, 27, 29 → 26 and 29 dropped; (27.5 + 28 + 27) / 3 = 27.50
    w01 = sheet[sheet["Entrant"] == "W01"]
    assert w01[["Judge", "Mark", "Dropped", "Panel result"]].values.tolist() == [
        ["J1", "26", "yes", "27.50"],
        ["J2", "27.5", "no", "27.50"],
        ["J3", "28", "no", "27.50"],
        ["J4", "27", "no", "27.50"],
        ["J5", "29", "yes", "27.50"],
    ]
    assert set(sheet["Criterion"]) == {"焊缝外观"}  # the rule file's label
    # every cell against the engine's own marks
    for mark in marks.itertuples():
        line = sheet[(sheet["Entrant"] == mark.entrant) & (sheet["Judge"] == mark.judge)]
        assert line["Mark"].tolist() == [str(mark.value)]
        assert line["Dropped"].tolist() == ["no" if mark.counted else "yes"]
        value = welding.table.value("appearance", str(mark.entrant))
        assert line["Panel result"].tolist() == [welding.value_text("appearance", value)]


def test_score_sheet_csv_is_the_same_sheet_in_chinese(welding: Standings) -> None:
    sheet = csv(score_sheet_csv_bytes(welding, "zh_CN"))
    frame = score_sheet_frame(welding)
    assert len(sheet) == len(frame) and "裁判" in sheet.columns
    # a repeating mean is shown as the rule file rounds it: 74.5 / 3 → 24.83
    assert set(sheet[sheet.iloc[:, 0] == "W02"].iloc[:, -1]) == {"24.83"}
    assert frame["dropped"].tolist() == [not counted for counted in frame["counted"]]


def test_a_penalty_shows_each_mark_before_and_after_it() -> None:
    rules = make_rules("""\
    contest: dive
    items: {count: 1}
    criteria:
      execution:
        kind: judged
        judges: 3
        scale: {min: 0, max: 10, step: 0.5}
        aggregate: mean
        penalty: penalty
      penalty: {kind: measured, min: 0, max: 10, step: 0.5, default: 0}
      dives: {kind: items, of: execution}
    total: {formula: dives}
    """)
    marks = [*panel_marks("A", "execution", [6, 6.5, 7], item="1"), ("A", "1", "penalty", "", "2")]
    sheet = xlsx(score_sheet_xlsx_bytes(standings_of(rules, marks), "en"))["Score sheet"]
    assert sheet[["Item", "Mark", "Mark after penalty", "Panel result"]].values.tolist() == [
        ["1", "6", "4", "4.5"],
        ["1", "6.5", "4.5", "4.5"],
        ["1", "7", "5", "4.5"],
    ]


# --- standings ----------------------------------------------------------------------------------


def test_standings_download_keeps_exact_totals_and_translates_statuses(
    welding: Standings,
) -> None:
    sheet = xlsx(standings_xlsx_bytes(welding, "en"))["Standings"]
    by_entrant = sheet.set_index("Entrant")
    for row in welding.rows:
        line = by_entrant.loc[row.key]
        assert line["Name"] == row.entrant.name
        assert line["Total"] == (welding.total_text(row) or "")
        assert line["Award"] == (row.award or "")
        assert line["Prize (元)"] == (str(row.prize) if row.prize is not None else "")
    assert by_entrant.loc["W10", "Status"] == "withdrawn"
    assert by_entrant.loc["W07", "Status"] == "disqualified"
    assert by_entrant.loc["W01", "焊缝外观"] == "27.50"  # a value column under its label
    chinese = csv(standings_csv_bytes(welding, "zh_CN"))
    assert chinese["名次"].tolist()[:3] == ["1", "2", "3"]
    assert chinese["总成绩"].tolist() == sheet["Total"].tolist()


# --- the award list -------------------------------------------------------------------------------


def test_welding_award_list_and_prize_totals_against_the_budget(welding: Standings) -> None:
    sheets = xlsx(award_list_xlsx_bytes(welding, "en"))
    awards, totals = sheets["Award list"], sheets["Prize totals"]
    assert awards[
        ["Award", "Titles", "Rank", "Entrant", "Total", "Prize (元)"]
    ].values.tolist() == [
        ["一等奖", "市技术能手", "1", "W01", "95.85", "3000"],
        ["二等奖", "", "2", "W03", "88.15", "2000"],
        ["二等奖", "市技术能手", "3", "W06", "86.13", "2000"],
        ["三等奖", "", "5", "W09", "79.65", "1000"],
        ["三等奖", "", "6", "W02", "74.53", "1000"],
    ]
    # 1 × 3000 + 2 × 2000 + 2 × 1000 = 9000 of the 60000 budget
    assert totals.values.tolist() == [
        ["一等奖", "1", "1", "3000"],
        ["二等奖", "2", "2", "4000"],
        ["三等奖", "2", "2", "2000"],
        ["All awards", "", "5", "9000"],
        ["Budget", "", "", "60000"],
        ["Left of the budget", "", "", "51000"],
    ]


def test_awardees_by_group_then_tier_then_rank_with_title_only_rows_last() -> None:
    standings = grouped()
    frame = award_list_frame(standings)
    assert frame[["group", "award", "titles", "entrant", "prize"]].values.tolist() == [
        ["a", "一等奖", "", "a1", "300"],
        ["a", "二等奖", "", "a2", "100.5"],
        ["a", "", "新秀奖", "a3", None],
        ["b", "一等奖", "", "b1", "300"],
        ["b", "二等奖", "", "b2", "100.5"],
        ["b", "", "新秀奖", "b3", None],
    ]
    sheet = csv(award_list_csv_bytes(standings, "en"))
    assert sheet["Entrant"].tolist() == frame["entrant"].tolist()


def test_prize_totals_per_group_and_over_the_budget_are_exact() -> None:
    totals = prize_totals(grouped(budget="800"))
    assert totals.groups == {"a": Fraction(801, 2), "b": Fraction(801, 2)}
    assert totals.total == 801 and totals.budget == 800 and totals.over_budget
    sheet = xlsx(award_list_xlsx_bytes(grouped(budget="800"), "en"))["Prize totals"]
    assert sheet.values.tolist() == [
        ["a", "一等奖", "1", "1", "300"],
        ["a", "二等奖", "1", "1", "100.5"],
        ["a", "Subtotal", "", "2", "400.5"],
        ["b", "一等奖", "1", "1", "300"],
        ["b", "二等奖", "1", "1", "100.5"],
        ["b", "Subtotal", "", "2", "400.5"],
        ["", "All awards", "", "4", "801"],
        ["", "Budget", "", "", "800"],
        ["", "Left of the budget", "", "", "-1"],
    ]


# --- formula injection ----------------------------------------------------------------------------

NASTY = {"a1": "=HYPERLINK(1)", "a2": "+1", "b1": "-2", "b2": "@SUM(A1)"}


@pytest.mark.parametrize(
    "download",
    [standings_xlsx_bytes, standings_csv_bytes, award_list_xlsx_bytes, award_list_csv_bytes],
)
def test_names_that_look_like_formulas_come_back_with_an_apostrophe(
    download: Callable[[Standings, str], bytes],
) -> None:
    data = download(grouped(names=NASTY), "en")
    sheet = next(iter(xlsx(data).values())) if data.startswith(b"PK") else csv(data)
    names = dict(zip(sheet["Entrant"], sheet["Name"], strict=True))
    for key, name in NASTY.items():
        assert names[key] == "'" + name


def test_a_panel_that_may_sit_short_shows_how_many_judges_marked_each_cell() -> None:
    rules = make_rules("""\
    contest: short panels
    criteria:
      score:
        kind: judged
        judges: {min: 2, max: 3}
        scale: {min: 0, max: 10}
        aggregate: trimmed_mean
        drop_high: {2: 0, 3: 1}
    total: {formula: score}
    """)
    marks = [*panel_marks("A", "score", [6, 8, 9]), *panel_marks("B", "score", [5, 7])]
    sheet = xlsx(score_sheet_xlsx_bytes(standings_of(rules, marks), "en"))["Score sheet"]
    assert sheet[["Entrant", "Mark", "Dropped", "Judges on the panel", "Panel result"]].astype(
        str
    ).values.tolist() == [
        ["A", "6", "no", "3", "7"],
        ["A", "8", "no", "3", "7"],
        ["A", "9", "yes", "3", "7"],
        ["B", "5", "no", "2", "6"],
        ["B", "7", "no", "2", "6"],
    ]
