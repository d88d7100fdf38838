"""`competition rank` and `competition rules check`: outputs and every error path."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner, Result

from competition.commands import main
from competition.rules import load_rule_file
from competition.rules.datafiles import read_entrants_csv, read_marks_csv
from competition.rules.engine import compute_standings
from competition.rules.report import standings_dict

RULES = """\
contest: 测试赛
entrants:
  attributes:
    is_worker: {type: bool, required: true}
items: {count: 2}
criteria:
  score:
    kind: judged
    judges: 3
    scale: {min: 0, max: 10, step: 0.5}
    aggregate: trimmed_mean
    drop_high: 1
    drop_low: 1
  theory: {kind: measured, level: entrant, min: 0, max: 100}
  runs: {kind: items, of: score, combine: best}
total: {formula: runs + theory / 10}
"""

HEADER = "entrant,item,criterion,judge,value\n"
GOOD = (
    HEADER
    + "".join(
        f"{e},{i},score,J{j},{v}\n"
        for e, runs in {"A": ([7, 8, 9], [6, 6, 6]), "B": ([5, 5.5, 6], [8, 8.5, 9])}.items()
        for i, values in enumerate(runs, 1)
        for j, v in enumerate(values, 1)
    )
    + "A,,theory,,90\nB,,theory,,80\n"
)


def invoke(*args: str) -> Result:
    return CliRunner().invoke(main, ["--lang", "en", *args])


@pytest.fixture
def files(tmp_path: Path) -> Path:
    (tmp_path / "r.yaml").write_text(RULES, encoding="utf-8")
    (tmp_path / "m.csv").write_text(GOOD, encoding="utf-8")
    (tmp_path / "e.csv").write_text(
        "entrant,name,is_worker\nA,张三,1\nB,李四,0\n", encoding="utf-8"
    )
    return tmp_path


def rank(files: Path, marks: str, *extra: str) -> Result:
    (files / "m.csv").write_text(marks, encoding="utf-8")
    return invoke("rank", str(files / "r.yaml"), "--marks", str(files / "m.csv"), *extra)


def test_json_contract(files: Path) -> None:
    result = rank(files, GOOD, "--entrants", str(files / "e.csv"), "--format", "json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["contest"] == "测试赛" and len(document["rules_sha256"]) == 64
    first, second = document["standings"]
    # A: best run 8 (middle of 7, 8, 9) + 90/10 = 17.00; B: best run 8.5 + 8 = 16.50
    assert (first["entrant"], first["name"], first["rank"], first["total"]) == (
        "A",
        "张三",
        1,
        "17.00",
    )
    assert first["items"] == [
        {"item": "1", "points": "8", "counted": True},
        {"item": "2", "points": "6", "counted": False},
    ]
    assert (second["entrant"], second["rank"], second["total"]) == ("B", 2, "16.50")
    assert first["award"] is None and first["titles"] == [] and first["title_valid_years"] == {}
    panel = first["breakdown"]["panels"][0]
    assert [m["counted"] for m in panel["marks"]] == [False, True, False]


def test_json_is_the_documents_indented_dump(files: Path) -> None:
    """The fast encoder writes exactly what ``json.dumps(..., indent=2)`` wrote before."""
    result = rank(files, GOOD, "--entrants", str(files / "e.csv"), "--format", "json")
    ruleset = load_rule_file(files / "r.yaml")
    standings = compute_standings(
        ruleset,
        read_marks_csv(files / "m.csv"),
        read_entrants_csv(files / "e.csv"),
        marks_source=str(files / "m.csv"),
        entrants_source=str(files / "e.csv"),
    )
    document = standings_dict(standings, "en")
    assert result.stdout == json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def test_table_csv_and_xlsx(files: Path) -> None:
    table = rank(files, GOOD)
    assert table.exit_code == 0
    assert table.stdout.splitlines()[2].split() == ["1", "A", "A", "17.00"]
    csv_result = rank(files, GOOD, "--format", "csv", "--output", str(files / "o.csv"))
    assert csv_result.exit_code == 0
    frame = pd.read_csv(files / "o.csv", dtype=str)
    assert frame[["rank", "entrant", "total", "item:1", "item:2"]].values.tolist() == [
        ["1", "A", "17.00", "8", "6"],
        ["2", "B", "16.50", "5.5", "8.5"],
    ]
    assert rank(files, GOOD, "--format", "xlsx", "--output", str(files / "o.xlsx")).exit_code == 0
    sheets = pd.read_excel(files / "o.xlsx", sheet_name=None, dtype=str)
    standings, marks = sheets.values()
    assert standings["total"].tolist() == ["17.00", "16.50"]
    assert len(marks) == 12 and set(marks["counted"]) == {"True", "False"}


def test_xlsx_needs_an_output_file(files: Path) -> None:
    result = rank(files, GOOD, "--format", "xlsx")
    assert result.exit_code == 2 and "--output" in result.output


@pytest.mark.parametrize(
    ("bad_line", "expected"),
    [
        (
            "A,1,score,J4,7",
            "{m}:2: judge: 4 marks for entrant A [1] on 'score', but its panel "
            "has 3 judges (lines 2, 3, 4, 14)",
        ),
        (
            "C,1,color,J1,7",
            "{m}:14: criterion: unknown criterion 'color'; expected one of: score, theory",
        ),
        (
            "A,1,score,J1,7",
            "{m}:14: value: duplicate: the same entrant, item, criterion and judge as line 2",
        ),
        ("A,1,score,,7", "{m}:14: judge: a judged mark needs the judge"),
        ("A,,theory,J1,7", "{m}:14: judge: a measured value has no judge: leave the judge empty"),
        ("A,3,score,J9,7", "{m}:14: item: unknown item; expected one of: 1, 2"),
        ("A,,score,J9,7", "{m}:14: item: this criterion is given per item: name the item"),
        (
            "A,1,theory,,7",
            "{m}:14: item: this criterion is given once per entrant: leave the item empty",
        ),
        ("A,1,score,J9,10.5", "{m}:14: value: 10.5 is outside the scale 0–10 of 'score'"),
        (
            "A,1,score,J9,7.3",
            "{m}:14: value: 7.3 is not a valid value of 'score': it goes in steps of 0.5",
        ),
        ("A,1,score,J9,seven", "{m}:14: value: expected a number on the scale 0–10"),
        ("A,,theory,,101", "{m}:14: value: 101 is outside 0–100 of 'theory'"),
    ],
)
def test_marks_that_do_not_fit_are_reported_with_their_line(
    files: Path, bad_line: str, expected: str
) -> None:
    lines = GOOD.splitlines()
    lines.insert(13, bad_line)  # becomes line 14 of the file
    result = rank(files, "\n".join(lines) + "\n")
    assert result.exit_code == 1
    assert expected.format(m=files / "m.csv") in result.stderr.splitlines()
    assert result.stdout == ""


def test_unknown_entrant_when_an_entrants_file_is_given(files: Path) -> None:
    result = rank(files, GOOD + "Z,,theory,,50\n", "--entrants", str(files / "e.csv"))
    assert result.exit_code == 1
    assert (
        f"{files / 'm.csv'}:16: entrant: unknown entrant 'Z': not in the entrants file"
        in result.stderr
    )


def test_a_short_panel_is_an_error_unless_provisional(files: Path) -> None:
    short = GOOD.replace("B,2,score,J3,9\n", "")
    result = rank(files, short)
    assert result.exit_code == 1
    assert f"{files / 'm.csv'}:11: entrant B: incomplete: score [2]: 2 of 3 marks" in (
        result.stderr.splitlines()
    )
    provisional = rank(files, short, "--provisional", "--format", "json")
    assert provisional.exit_code == 0
    document = json.loads(provisional.stdout)
    b = document["standings"][1]
    # B's second run is pending: the best run is not known yet, so neither is the total
    # (§9.5; a best of the runs marked so far would rank B on a partial result)
    assert (b["entrant"], b["status"], b["total"], b["rank"]) == ("B", "incomplete", None, None)
    assert document["complete"] is False


def test_bad_entrants_file_names_row_and_column(files: Path) -> None:
    (files / "e.csv").write_text(
        "entrant,name,is_worker,colour\nA,张三,maybe,red\nA,x,1,\n", encoding="utf-8"
    )
    result = rank(files, GOOD, "--entrants", str(files / "e.csv"))
    assert result.exit_code == 1
    errors = result.stderr.splitlines()
    assert f"{files / 'e.csv'}:3: entrant: 'A' is listed twice (first on line 2)" in errors


def test_entrant_attribute_errors(files: Path) -> None:
    (files / "e.csv").write_text(
        "entrant,name,is_worker,colour\nA,张三,maybe,red\nB,李四,,\n", encoding="utf-8"
    )
    result = rank(files, GOOD, "--entrants", str(files / "e.csv"))
    errors = result.stderr.splitlines()
    e = files / "e.csv"
    assert f"{e}:2: is_worker: expected yes or no (1/0, true/false, 是/否), found 'maybe'" in errors
    assert f"{e}:2: colour: unknown column 'colour'; declared attributes: is_worker" in errors
    assert f"{e}:3: is_worker: required, but empty" in errors


def test_wrong_header_and_missing_files(files: Path) -> None:
    result = rank(files, "entrant,criterion,value\nA,theory,1\n")
    assert result.exit_code == 1
    assert result.stderr.startswith(
        f"{files / 'm.csv'}:1: the header must be "
        "entrant,item,criterion,judge,value; missing: item, judge"
    )
    missing = invoke("rank", str(files / "nope.yaml"), "--marks", str(files / "m.csv"))
    assert missing.exit_code == 1 and "cannot read the file" in missing.stderr


def test_rule_file_problems_stop_ranking(files: Path) -> None:
    (files / "r.yaml").write_text(RULES.replace("step: 0.5", "step: 0.7"), encoding="utf-8")
    result = rank(files, GOOD)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"{files / 'r.yaml'}:10: criteria.score.scale.step:")


def test_rules_check_reports_each_file(files: Path) -> None:
    (files / "bad.yaml").write_text("contest: x\ncriteria: {}\n", encoding="utf-8")
    result = invoke("rules", "check", str(files / "r.yaml"), str(files / "bad.yaml"))
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"{files / 'r.yaml'}: ok — 测试赛")
    assert f"{files / 'bad.yaml'}:2: criteria: must not be empty" in lines
    assert f"{files / 'bad.yaml'}:1: total: required, but missing" in lines
    assert invoke("rules", "check", str(files / "r.yaml")).exit_code == 0


def test_no_traceback_on_binary_or_empty_files(files: Path) -> None:
    (files / "bin.yaml").write_bytes(b"\xff\xfe\x00garbage")
    (files / "empty.yaml").write_text("", encoding="utf-8")
    result = invoke("rules", "check", str(files / "bin.yaml"), str(files / "empty.yaml"))
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert f"{files / 'bin.yaml'}:1: the file is not UTF-8 text" in result.stdout
    assert f"{files / 'empty.yaml'}:1: the file is empty" in result.stdout
    empty_marks = rank(files, "")
    assert empty_marks.exit_code == 1 and "the file is empty" in empty_marks.stderr


def test_blank_lines_do_not_shift_the_reported_line(files: Path) -> None:
    lines = GOOD.splitlines()
    lines[3:3] = ["", ""]  # two blank lines after line 3
    lines.insert(6, "A,1,score,J9,12")  # now line 7 of the file
    result = rank(files, "\n".join(lines) + "\n")
    assert result.exit_code == 1
    # the blank lines themselves are skipped, not reported
    assert result.stderr.splitlines() == [
        f"{files / 'm.csv'}:7: value: 12 is outside the scale 0–10 of 'score'"
    ]


def test_csv_ranks_stay_whole_numbers_when_some_entrants_are_unranked(tmp_path: Path) -> None:
    shipped = Path(__file__).resolve().parents[2] / "scoring_rules"
    output = tmp_path / "welding.csv"
    result = invoke(
        "rank",
        str(shipped / "welding_skills.yaml"),
        "--marks",
        str(shipped / "welding_skills.sample.csv"),
        "--entrants",
        str(shipped / "welding_skills.entrants.csv"),
        "--format",
        "csv",
        "--output",
        str(output),
    )
    assert result.exit_code == 0, result.output
    frame = pd.read_csv(output, dtype=str, keep_default_na=False)
    assert frame["rank"].tolist() == ["1", "2", "3", "4", "5", "6", "7", "8", "", ""]
    assert frame["status"].tolist()[-2:] == ["withdrawn", "dq"]


def test_an_output_file_that_cannot_be_written_is_an_error_not_a_traceback(files: Path) -> None:
    for output_format in ("csv", "xlsx"):
        target = files / "missing-folder" / f"out.{output_format}"
        result = rank(files, GOOD, "--format", output_format, "--output", str(target))
        assert result.exit_code == 1
        assert result.stderr.startswith(f"{target}: cannot write the file: ")
        assert "Traceback" not in result.output


def test_a_long_list_of_incomplete_entrants_ends_saying_how_many_more(files: Path) -> None:
    # 250 entrants with both runs judged and no theory mark: one problem each, 200 shown
    complete_runs = "".join(
        f"E{n:03},{i},score,J{j},7\n" for n in range(250) for i in (1, 2) for j in (1, 2, 3)
    )
    result = rank(files, HEADER + complete_runs)
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert len(lines) == 201
    assert lines[0].endswith("entrant E000: incomplete: theory: no value")
    assert lines[-1] == f"{files / 'm.csv'}: … and 50 more problems"


def test_rank_runs_without_loading_the_web_stack(files: Path) -> None:
    """An official ranking a file on a laptop waits for the engine only: `competition rank`
    imports neither Flask nor the database layer (they take longer to load than a thousand
    entrants take to rank)."""
    script = (
        "import sys\n"
        "from competition.commands import main\n"
        "try:\n"
        "    main(sys.argv[1:], standalone_mode=False)\n"
        "finally:\n"
        "    loaded = {'flask', 'sqlalchemy', 'flask_socketio'} & set(sys.modules)\n"
        "    print('LOADED', sorted(loaded))\n"
    )
    output = files / "out.csv"
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            script,
            "--lang",
            "en",
            "rank",
            str(files / "r.yaml"),
            "--marks",
            str(files / "m.csv"),
            "--format",
            "csv",
            "--output",
            str(output),
        ],
        capture_output=True,
        text=True,
        check=False,
        env=os.environ | {"COMPETITION_LOCALE": "en"},
    )
    assert result.returncode == 0, result.stderr
    assert output.read_text(encoding="utf-8").startswith("rank,entrant,name")
    assert result.stdout.strip().splitlines()[-1] == "LOADED []"
