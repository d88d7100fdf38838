"""The shipped welding contest, checked by hand against its sample marks."""

from __future__ import annotations

from pathlib import Path

import pytest

from competition.rules import load_rule_file
from competition.rules.datafiles import read_entrants_csv, read_marks_csv
from competition.rules.engine import compute_standings
from competition.rules.report import standings_dict
from competition.rules.standings import Standings
from tests.factories import rows_by_entrant

RULES = Path(__file__).resolve().parents[2] / "scoring_rules"


@pytest.fixture(scope="module")
def welding() -> Standings:
    ruleset = load_rule_file(RULES / "welding_skills.yaml")
    marks = read_marks_csv(RULES / "welding_skills.sample.csv")
    entrants = read_entrants_csv(RULES / "welding_skills.entrants.csv")
    return compute_standings(ruleset, marks, entrants)


def test_w01_total_by_hand(welding: Standings) -> None:
    # leg 10.4 mm (|0.4| ≤ 1) → 15; misalignment 0.3 → 10; undercut 0 → 15; grade I → 20;
    # appearance 26, 27.5, 28, 27, 29 → drop 26 and 29 → 82.5 / 3 = 27.50; safety 10
    # practical = 15 + 10 + 15 + 20 + 27.5 + 10 = 97.5; total = 0.3 × 92 + 0.7 × 97.5 = 95.85
    w01 = rows_by_entrant(welding)["W01"]
    assert welding.value_text("appearance", welding.table.value("appearance", "W01")) == "27.50"
    assert welding.table.value("practical", "W01") == 97.5
    assert welding.total_text(w01) == "95.85"
    assert (w01.rank, w01.award) == (1, "一等奖")
    assert [t.name for t in w01.titles] == ["市技术能手"]


def test_w02_deductions_by_hand(welding: Standings) -> None:
    # leg 11.5 (|1.5| ≤ 2) → 8; misalignment 0.8 (≤ 1) → 5; undercut 7 mm → ceil(7/5) = 2 × 3
    # → 15 − 6 = 9; grade II → 14; appearance 24, 25, 23.5, 25.5, 26 → (24 + 25 + 25.5)/3
    # = 24.83333… → 24.83; safety 10 − 1 = 9; practical = 8 + 5 + 9 + 14 + 24.83 + 9 = 69.83
    # total = 0.3 × 85.5 + 0.7 × 69.83 = 25.65 + 48.881 = 74.531 → 74.53
    assert welding.table.value("undercut", "W02") == 9
    assert welding.total_text(rows_by_entrant(welding)["W02"]) == "74.53"


def test_uncleaned_workstation_costs_three_points_on_the_total(welding: Standings) -> None:
    w04 = rows_by_entrant(welding)["W04"]
    assert [(d.label, d.points) for d in w04.deductions] == [("未清理工位 (总成绩扣 3 分)", 3)]
    assert w04.raw_total is not None and w04.total is not None
    assert w04.raw_total - w04.total == pytest.approx(3, abs=0.005)


def test_disqualified_and_withdrawn_are_unranked_and_last(welding: Standings) -> None:
    rows = rows_by_entrant(welding)
    assert (rows["W07"].status, rows["W07"].rank, rows["W07"].total) == ("dq", None, None)
    assert rows["W10"].status == "withdrawn" and rows["W10"].rank is None
    assert [r.key for r in welding.rows[-2:]] == ["W10", "W07"]


def test_prizes_go_by_proportion_skipping_those_below_the_pass_line(welding: Standings) -> None:
    # 8 ranked: 10 % → 0.8 → 1, 20 % → 1.6 → 2, 30 % → 2.4 → 2 (half up).
    # W05 (rank 4) has theory 58 < 60: no prize, and the position passes to the next.
    rows = rows_by_entrant(welding)
    assert rows["W05"].rank == 4 and rows["W05"].eligibility == {"passed": False}
    awarded = {r.key: r.award for r in welding.rows if r.award}
    assert awarded == {
        "W01": "一等奖",
        "W03": "二等奖",
        "W06": "二等奖",
        "W09": "三等奖",
        "W02": "三等奖",
    }
    # 3000 + 2 × 2000 + 2 × 1000
    assert welding.prize_total == 9000


def test_titles_only_for_workers_in_the_top_three(welding: Standings) -> None:
    rows = rows_by_entrant(welding)
    assert rows["W03"].rank == 2 and rows["W03"].titles == []  # a student: no 技术能手
    assert [t.name for t in rows["W06"].titles] == ["市技术能手"]
    assert all(t.needs_approval for t in rows["W06"].titles)
    assert [t.valid_years for t in rows["W06"].titles] == [3]  # 市技术能手: three years


def test_the_json_document_gives_each_title_its_validity(welding: Standings) -> None:
    entries = {e["entrant"]: e for e in standings_dict(welding, "en")["standings"]}
    assert entries["W01"]["title_valid_years"] == {"市技术能手": 3}
    assert entries["W03"]["title_valid_years"] == {}
