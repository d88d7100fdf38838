"""The example rule files in scoring_rules/examples/, checked by hand against their samples.

Every expected number below was worked out on paper from the sample CSV; the arithmetic is
in the comment above each assertion. Marks are listed J1…J7 (or A1…, S1…, E1…, X1…) as in
the CSV; "sorted" lists them from low to high; [brackets] mark the counted ones.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from competition.commands import main
from competition.rules import load_rule_file
from competition.rules.datafiles import read_entrants_csv, read_marks_csv
from competition.rules.engine import compute_standings
from competition.rules.report import standings_dict

EXAMPLES = Path(__file__).resolve().parents[2] / "scoring_rules" / "examples"
NAMES = [
    "diving_individual",
    "diving_synchro",
    "halfpipe",
    "gymnastics_apparatus",
    "worldskills_style",
]

Doc = dict[str, Any]


def _files(name: str) -> tuple[Path, Path, Path | None]:
    entrants = EXAMPLES / f"{name}.entrants.csv"
    return (
        EXAMPLES / f"{name}.yaml",
        EXAMPLES / f"{name}.sample.csv",
        entrants if entrants.exists() else None,
    )


def _ranked(name: str) -> Doc:
    rules, marks, entrants = _files(name)
    standings = compute_standings(
        load_rule_file(rules),
        read_marks_csv(marks),
        read_entrants_csv(entrants) if entrants else None,
    )
    return standings_dict(standings, "en")


def _rows(doc: Doc) -> dict[str, Doc]:
    return {row["entrant"]: row for row in doc["standings"]}


def _points(row: Doc) -> list[str | None]:
    return [item["points"] for item in row["items"]]


def _table(doc: Doc) -> list[tuple[str, int | None, str | None, str | None]]:
    return [(r["entrant"], r["rank"], r["total"], r["award"]) for r in doc["standings"]]


@pytest.mark.parametrize("name", NAMES)
def test_example_rule_file_loads(name: str) -> None:
    ruleset = load_rule_file(EXAMPLES / f"{name}.yaml")
    assert ruleset.contest


# --- diving, individual: 7 judges, cancel 2 + 2, sum 3 × DD --------------------------------


@pytest.fixture(scope="module")
def diving() -> Doc:
    return _ranked("diving_individual")


def test_diving_worked_example_dive(diving: Doc) -> None:
    # RULES.md §4: D1 dive 1 = 7.5 7.0 7.5 7.0 7.5 8.0 6.5, DD 3.0
    # sorted 6.5 7.0 [7.0 7.5 7.5] 7.5 8.0 → 7.0 + 7.5 + 7.5 = 22.0 × 3.0 = 66.00
    d1 = _rows(diving)["D1"]
    assert d1["items"][0] == {"item": "1", "points": "66.00", "counted": True}
    assert d1["breakdown"]["items"]["1"]["execution"] == "22"


def test_diving_all_dives_and_totals(diving: Doc) -> None:
    rows = _rows(diving)
    # D1: 2: 7.5 8.0 [8.0 8.0 8.0] 8.5 8.5 = 24.0 × 2.0 = 48.00
    #     3: 6.5 7.0 [7.0 7.0 7.0] 7.5 7.5 = 21.0 × 3.2 = 67.20
    #     4: 8.0 8.0 [8.0 8.5 8.5] 8.5 9.0 = 25.0 × 3.4 = 85.00
    #     5: 6.0 6.5 [6.5 7.0 7.0] 7.0 7.5 = 20.5 × 3.6 = 73.80
    #     total 66.00 + 48.00 + 67.20 + 85.00 + 73.80 = 340.00
    assert _points(rows["D1"]) == ["66.00", "48.00", "67.20", "85.00", "73.80"]
    assert rows["D1"]["total"] == "340.00"
    # D2: 1: 21.0 × 3.0 = 63.00; 2: 22.5 × 2.0 = 45.00; 3: (penalty, below) 13.5 × 3.2 = 43.20
    #     4: 24.0 × 3.4 = 81.60; 5: 21.0 × 3.6 = 75.60 → 308.40
    assert _points(rows["D2"]) == ["63.00", "45.00", "43.20", "81.60", "75.60"]
    assert rows["D2"]["total"] == "308.40"
    # D3: 19.5 × 2.8 = 54.60; 21.0 × 3.0 = 63.00; 18.0 × 3.3 = 59.40; 22.5 × 3.2 = 72.00;
    #     (7.0 + 7.5 + 7.5) 22.0 × 2.7 = 59.40 → 54.60 + 63.00 + 59.40 + 72.00 + 59.40 = 308.40
    assert _points(rows["D3"]) == ["54.60", "63.00", "59.40", "72.00", "59.40"]
    assert rows["D3"]["total"] == "308.40"
    # D4: 18.0 × 2.0 = 36.00; 19.5 × 2.6 = 50.70; 20.5 × 3.0 = 61.50; 17.5 × 3.1 = 54.25;
    #     21.0 × 2.9 = 60.90 → 263.35
    assert _points(rows["D4"]) == ["36.00", "50.70", "61.50", "54.25", "60.90"]
    assert rows["D4"]["total"] == "263.35"
    # D5: 16.0 × 2.0 = 32.00; 18.0 × 2.4 = 43.20; 19.5 × 2.7 = 52.65; 16.5 × 3.0 = 49.50;
    #     14.5 × 3.2 = 46.40 → 223.75
    assert rows["D5"]["total"] == "223.75"
    # D6: 18.0 × 2.2 = 39.60; failed dive, all judges 0 → 0.00; 21.0 × 2.5 = 52.50;
    #     19.5 × 2.8 = 54.60; 18.0 × 3.0 = 54.00 → 200.70
    assert _points(rows["D6"]) == ["39.60", "0.00", "52.50", "54.60", "54.00"]
    assert rows["D6"]["total"] == "200.70"


def test_diving_penalty_comes_off_each_award_before_cancelling(diving: Doc) -> None:
    # D2 dive 3, penalty 2: 6.0 6.5 6.5 7.0 6.0 6.5 7.0 → each − 2 → 4.0 4.5 4.5 5.0 4.0 4.5 5.0
    # sorted 4.0 4.0 [4.5 4.5 4.5] 5.0 5.0 → 13.5 × 3.2 = 43.20 (without it: 19.5 × 3.2 = 62.40)
    d2 = _rows(diving)["D2"]
    assert d2["breakdown"]["items"]["3"]["penalty"] == "2"
    assert d2["breakdown"]["items"]["3"]["execution"] == "13.5"
    panel = next(
        p for p in d2["breakdown"]["panels"] if p["criterion"] == "execution" and p["item"] == "3"
    )
    marks = {m["judge"]: (m["value"], m["adjusted"], m["counted"]) for m in panel["marks"]}
    assert marks == {
        "J1": ("6.0", "4", False),
        "J2": ("6.5", "4.5", True),
        "J3": ("6.5", "4.5", True),
        "J4": ("7.0", "5", False),
        "J5": ("6.0", "4", False),
        "J6": ("6.5", "4.5", True),
        "J7": ("7.0", "5", False),
    }
    assert panel["result"] == "13.5"
    # no penalty entered → default 0: adjusted equals the award
    plain = next(p for p in d2["breakdown"]["panels"] if p["item"] == "1")
    assert all(float(m["adjusted"]) == float(m["value"]) for m in plain["marks"])


def test_diving_ranks_ties_and_medals(diving: Doc) -> None:
    # 340.00 > 308.40 = 308.40 > 263.35 > 223.75 > 200.70 → 1, 2, 2, 4, 5, 6.
    # Gold 1 → D1; silver 1 place, D2 and D3 tie → both silver, using 2 places;
    # bronze: 3 places used of 3 → no bronze.
    assert _table(diving) == [
        ("D1", 1, "340.00", "金牌"),
        ("D2", 2, "308.40", "银牌"),
        ("D3", 2, "308.40", "银牌"),
        ("D4", 4, "263.35", None),
        ("D5", 5, "223.75", None),
        ("D6", 6, "200.70", None),
    ]
    assert _rows(diving)["D2"]["breakdown"]["tiebreak"]["shared"] is True
    tiers = {t["name"]: t["awarded"] for t in diving["awards"][0]["tiers"]}
    assert tiers == {"金牌": 1, "银牌": 2, "铜牌": 0}


# --- diving, synchro: 11 judges, (A + B + S) × DD × 0.6 ------------------------------------


@pytest.fixture(scope="module")
def synchro() -> Doc:
    return _ranked("diving_synchro")


def test_synchro_worked_example_dive(synchro: Doc) -> None:
    # RULES.md §4: A 7.0 [7.5] 8.0 → 7.5; B 6.5 [7.0] 7.0 → 7.0;
    # S 7.0 [7.5 7.5 8.0] 8.5 → 23.0; (7.5 + 7.0 + 23.0) = 37.5 × 3.0 × 0.6 = 67.50
    p1 = _rows(synchro)["P1"]
    assert p1["items"][0]["points"] == "67.50"
    values = p1["breakdown"]["items"]["1"]
    assert (values["execution_a"], values["execution_b"], values["synchronisation"]) == (
        "7.5",
        "7",
        "23",
    )


def test_synchro_dives_totals_and_ranks(synchro: Doc) -> None:
    rows = _rows(synchro)
    # P1: 2: 8.0 + 8.0 + 24.0 = 40.0 × 2.0 × 0.6 = 48.00; 3: 7.0 + 7.0 + 21.0 = 35.0 × 3.3 × 0.6
    #     = 69.30; 4: 7.0 + 7.0 + 21.5 = 35.5 × 3.4 × 0.6 = 72.42; 5: 7.5 + 7.5 + 23.5 = 38.5
    #     × 3.0 × 0.6 = 69.30 → 67.50 + 48.00 + 69.30 + 72.42 + 69.30 = 326.52
    assert _points(rows["P1"]) == ["67.50", "48.00", "69.30", "72.42", "69.30"]
    # P2: 35.0 × 1.8 = 63.00; 37.5 × 1.2 = 45.00; 32.5 × 1.98 = 64.35; (7.5 + 7.0 + 21.5) 36.0
    #     × 2.04 = 73.44; 32.5 × 1.8 = 58.50 → 304.29
    assert _points(rows["P2"]) == ["63.00", "45.00", "64.35", "73.44", "58.50"]
    # P3: 30.0 × 1.68 = 50.40; 35.0 × 1.2 = 42.00; 30.0 × 1.8 = 54.00; 32.5 × 1.92 = 62.40;
    #     (6.0 + 6.5 + 19.0) 31.5 × 1.8 = 56.70 → 265.50
    # P4: 26.0 × 1.2 = 31.20; 30.0 × 1.44 = 43.20; 27.5 × 1.68 = 46.20; 30.5 × 1.8 = 54.90;
    #     25.0 × 1.92 = 48.00 → 223.50
    assert _table(synchro) == [
        ("P1", 1, "326.52", "金牌"),
        ("P2", 2, "304.29", "银牌"),
        ("P3", 3, "265.50", "铜牌"),
        ("P4", 4, "223.50", None),
    ]


# --- halfpipe: 6 judges, mean of the middle 4, best of 3 runs, men and women apart ----------


@pytest.fixture(scope="module")
def halfpipe() -> Doc:
    return _ranked("halfpipe")


def test_halfpipe_trimmed_mean_run_and_best_run_counted(halfpipe: Doc) -> None:
    rows = _rows(halfpipe)
    # M2 run 1: 86 88 87 85 90 86 → sorted 85 [86 86 87 88] 90 → 347 / 4 = 86.75
    # run 2: 91 92 90 94 89 93 → 89 [90 91 92 93] 94 → 366 / 4 = 91.50
    # run 3: 40 45 42 41 44 43 → 40 [41 42 43 44] 45 → 170 / 4 = 42.50; best = run 2
    assert rows["M2"]["items"] == [
        {"item": "1", "points": "86.75", "counted": False},
        {"item": "2", "points": "91.50", "counted": True},
        {"item": "3", "points": "42.50", "counted": False},
    ]
    assert rows["M2"]["total"] == "91.50"
    # M3's best is the last run: 71.50, 76.50, then 78 [79 80 81 82] 83 → 322 / 4 = 80.50
    assert [(i["points"], i["counted"]) for i in rows["M3"]["items"]] == [
        ("71.50", False),
        ("76.50", False),
        ("80.50", True),
    ]
    assert rows["M3"]["total"] == "80.50"


def test_halfpipe_ranks_within_each_group(halfpipe: Doc) -> None:
    # 男子: M2 91.50 (above); M1 best run 2: 87 [88 89 90 91] 93 = 358 / 4 = 89.50;
    #       M4 run 2 82 [83 84 85 86] 88 = 338 / 4 = 84.50; M3 80.50 → 1, 2, 3, 4
    # 女子: W1 best run 2: 83 [84 85 86 87] 88 = 342 / 4 = 85.50, second run 1 = 318 / 4 = 79.50
    #       W2 best run 3: 84 [85 85 86 86] 90 = 342 / 4 = 85.50, second run 1: 81 [82 83 84
    #       85] 86 = 334 / 4 = 83.50 → tie on 85.50 broken by the second run: W2 1st, W1 2nd
    #       W3 best run 2: 73 [74 75 76 77] 78 = 302 / 4 = 75.50 → 3rd
    # Each group gets its own gold, silver and bronze.
    table = [
        (r["group"], r["entrant"], r["rank"], r["total"], r["award"]) for r in halfpipe["standings"]
    ]
    assert table == [
        ("男子", "M2", 1, "91.50", "金牌"),
        ("男子", "M1", 2, "89.50", "银牌"),
        ("男子", "M4", 3, "84.50", "铜牌"),
        ("男子", "M3", 4, "80.50", None),
        ("女子", "W2", 1, "85.50", "金牌"),
        ("女子", "W1", 2, "85.50", "银牌"),
        ("女子", "W3", 3, "75.50", "铜牌"),
    ]
    rows = _rows(halfpipe)
    assert rows["W2"]["breakdown"]["tiebreak"] == {
        "keys": {"second_run": "83.5"},
        "decided_by": "second_run",
        "shared": False,
    }
    assert rows["W1"]["breakdown"]["tiebreak"]["keys"] == {"second_run": "79.5"}
    assert rows["W2"]["name"] == "张雨桐"


# --- gymnastics: D + E − ND, E = 10 − trimmed mean of 5 deductions --------------------------


@pytest.fixture(scope="module")
def gymnastics() -> Doc:
    return _ranked("gymnastics_apparatus")


def test_gymnastics_worked_example_with_five_judges(gymnastics: Doc) -> None:
    # RULES.md §4 (3 judges: 0.3 0.5 0.4 → 0.4). G1 adds judges E4 0.2 and E5 0.7:
    # sorted 0.2 [0.3 0.4 0.5] 0.7 → 1.2 / 3 = 0.4 → E = 10 − 0.4 = 9.600
    # total = D 4.9 + bonus 0.5 + 9.600 − ND 0.1 = 14.900
    g1 = _rows(gymnastics)["G1"]
    assert g1["breakdown"]["values"]["execution"] == "9.600"
    assert g1["total"] == "14.900"


def test_gymnastics_execution_rounded_to_three_digits(gymnastics: Doc) -> None:
    rows = _rows(gymnastics)
    # G2: 0.5 0.4 0.4 0.6 0.3 → sorted 0.3 [0.4 0.4 0.5] 0.6 → 1.3 / 3 = 0.4333…
    # E = 10 − 0.4333… = 9.5666… → 9.567; total = 5.4 + 9.567 = 14.967
    assert rows["G2"]["breakdown"]["values"]["execution"] == "9.567"
    assert rows["G2"]["total"] == "14.967"
    # G4: 0.5 0.6 0.5 0.4 0.6 → 0.4 [0.5 0.5 0.6] 0.6 → 1.6 / 3 = 0.5333… → E 9.4666… → 9.467
    # total = 4.6 + 9.467 = 14.067
    assert rows["G4"]["breakdown"]["values"]["execution"] == "9.467"
    assert rows["G4"]["total"] == "14.067"


def test_gymnastics_ranks_with_execution_tiebreak(gymnastics: Doc) -> None:
    # G3: 0.7 [0.7 0.8 0.9] 1.0 → 0.8 → E 9.200; 5.0 + 0.2 + 9.2 − 0.3 = 14.100
    # G5: 0.5 [0.6 0.6 0.6] 0.7 → 0.6 → E 9.400; 5.5 + 9.4 = 14.900 = G1's 14.900;
    #     tie-break E: G1 9.600 > G5 9.400 → G1 2nd, G5 3rd
    assert _table(gymnastics) == [
        ("G2", 1, "14.967", "金牌"),
        ("G1", 2, "14.900", "银牌"),
        ("G5", 3, "14.900", "铜牌"),
        ("G3", 4, "14.100", None),
        ("G4", 5, "14.067", None),
    ]
    rows = _rows(gymnastics)
    assert rows["G1"]["breakdown"]["tiebreak"]["decided_by"] == "execution"
    assert rows["G5"]["breakdown"]["tiebreak"]["decided_by"] == "execution"


# --- WorldSkills-style: measurement by tolerance/bands, judgement max × sum / 9 -------------


@pytest.fixture(scope="module")
def worldskills() -> Doc:
    return _ranked("worldskills_style")


def test_worldskills_judgement_worked_example(worldskills: Doc) -> None:
    # RULES.md §3: max 4, scores 2 2 3 → 4 × 7 / 9 = 3.111… → 3.11 (C01's finish)
    values = _rows(worldskills)["C01"]["breakdown"]["values"]
    assert values["finish_scores"] == "7"
    assert values["finish"] == "3.11"


def test_worldskills_measurement_tolerances(worldskills: Doc) -> None:
    rows = _rows(worldskills)

    def points(entrant: str, name: str) -> str:
        return str(rows[entrant]["breakdown"]["values"][name])

    # bore Ø25.00: 25.03 (0.03 ≤ 0.05) → 2; 25.07 (≤ 0.10) → 1; 24.88 (0.12) → 0;
    # 25.10 (exactly 0.10) → 1; 25.05 (exactly 0.05) → 2
    assert [points(c, "bore") for c in ("C01", "C02", "C03", "C04", "C05")] == [
        "2",
        "1",
        "0",
        "1",
        "2",
    ]
    # features done: 10 → 20; 9 → band 8 → 12; 6 → 6; 8 → 12; 7 → band 6 → 6
    assert [points(c, "features") for c in ("C01", "C02", "C03", "C04", "C05")] == [
        "20",
        "12",
        "6",
        "12",
        "6",
    ]


def test_worldskills_totals_ranks_and_awards(worldskills: Doc) -> None:
    # C01: measurement 2 + 4 (120.08) + 10 (0.01) + 10 (Ra 0.6) + 20 + 10 = 56;
    #      judgement 4×7/9 = 3.11, 12×8/9 = 10.67, 12×9/9 = 12.00, 12×7/9 = 9.33 → 35.11
    #      total 91.11
    # C02: 1 + 8 (119.96) + 6 (0.04) + 5 (Ra 1.2) + 12 + 10 = 42;
    #      4×6/9 = 2.67, 12×8/9 = 10.67, 12×7/9 = 9.33, 12×9/9 = 12.00 → 34.67; total 76.67
    # C03: 0 + 8 (120.05, exactly 0.05) + 0 (0.12) + 5 (Ra 1.6, exactly) + 6 + 0 = 19;
    #      4×4/9 = 1.78, 12×5/9 = 6.67, 12×6/9 = 8.00, 12×3/9 = 4.00 → 20.45; total 39.45
    # C04: 1 + 0 (120.11) + 6 (0.05) + 10 (Ra 0.8) + 12 + 10 = 39;
    #      4×9/9 = 4.00, 12×6/9 = 8.00, 12×7/9 = 9.33, 12×7/9 = 9.33 → 30.66; total 69.66
    # C05: 2 + 4 (120.10) + 10 (0.02) + 0 (Ra 1.7) + 6 + 10 = 32;
    #      4×8/9 = 3.56, 12×7/9 = 9.33, 12×6/9 = 8.00, 12×5/9 = 6.67 → 27.56; total 59.56
    # gold, silver, bronze to the first three; 优胜奖 to the rest with total ≥ 50 → C05 only
    assert _table(worldskills) == [
        ("C01", 1, "91.11", "金牌"),
        ("C02", 2, "76.67", "银牌"),
        ("C04", 3, "69.66", "铜牌"),
        ("C05", 4, "59.56", "优胜奖"),
        ("C03", 5, "39.45", None),
    ]


def test_worldskills_expert_spread_over_one_is_flagged(worldskills: Doc) -> None:
    # C03 workmanship scores 1 2 3: spread 3 − 1 = 2 > 1 → flagged, mark still 12×6/9 = 8.00
    rows = _rows(worldskills)
    assert rows["C03"]["breakdown"]["flags"] == [
        "workmanship_scores: spread 2 of the counted marks exceeds 1"
    ]
    assert rows["C03"]["breakdown"]["values"]["workmanship"] == "8.00"
    assert all(not rows[c]["breakdown"]["flags"] for c in ("C01", "C02", "C04", "C05"))


# --- the same through the command line -----------------------------------------------------


def _cli(name: str) -> Doc:
    rules, marks, entrants = _files(name)
    args = ["--lang", "en", "rank", str(rules), "--marks", str(marks), "--format", "json"]
    if entrants is not None:
        args += ["--entrants", str(entrants)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_cli_diving_individual() -> None:
    doc = _cli("diving_individual")
    # see test_diving_ranks_ties_and_medals
    assert [(r["entrant"], r["rank"], r["total"]) for r in doc["standings"]][:3] == [
        ("D1", 1, "340.00"),
        ("D2", 2, "308.40"),
        ("D3", 2, "308.40"),
    ]
    assert doc["standings"][0]["items"][0]["points"] == "66.00"


def test_cli_diving_synchro() -> None:
    doc = _cli("diving_synchro")
    # 37.5 × 3.0 × 0.6 = 67.50; P1 total 326.52
    assert doc["standings"][0]["entrant"] == "P1"
    assert doc["standings"][0]["items"][0]["points"] == "67.50"
    assert doc["standings"][0]["total"] == "326.52"


def test_cli_halfpipe() -> None:
    doc = _cli("halfpipe")
    # W2 wins 女子 on the second run (83.50 > 79.50) after a tie on 85.50
    women = [
        (r["entrant"], r["rank"], r["total"]) for r in doc["standings"] if r["group"] == "女子"
    ]
    assert women == [("W2", 1, "85.50"), ("W1", 2, "85.50"), ("W3", 3, "75.50")]


def test_cli_gymnastics_apparatus() -> None:
    doc = _cli("gymnastics_apparatus")
    # 5.4 + (10 − 1.3/3 → 9.567) = 14.967; 4.9 + 0.5 + 9.6 − 0.1 = 14.900
    assert [(r["entrant"], r["total"]) for r in doc["standings"][:2]] == [
        ("G2", "14.967"),
        ("G1", "14.900"),
    ]


def test_cli_worldskills_style() -> None:
    doc = _cli("worldskills_style")
    # 56 + 3.11 + 10.67 + 12.00 + 9.33 = 91.11
    first = doc["standings"][0]
    assert (first["entrant"], first["total"], first["award"]) == ("C01", "91.11", "金牌")
    assert first["breakdown"]["values"]["finish"] == "3.11"
