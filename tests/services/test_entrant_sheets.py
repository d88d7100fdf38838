"""Entrant sheets before the database: template, reading, header mapping, row checks."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import date

import openpyxl
import pandas as pd
import pytest

from competition.rules import RuleSet
from competition.services import entrant_sheets, entrant_workbooks
from competition.services.entrant_checks import suggest_mapping, validate
from competition.services.entrant_sheets import EntrantRow, Sheet, SheetError, read_sheet
from competition.services.entrant_workbooks import template_xlsx
from tests.factories import make_rules, rule_source

WELDING_HEADERS = ["编号", "姓名", "工作单位", "职工身份"]
ORCHARD_HEADERS = ["编号", "名称", "县（市、区）", "经营主体", "主栽品种", "联系电话"]


@pytest.fixture(scope="module")
def welding() -> RuleSet:
    return rule_source("welding_skills.yaml").load()


@pytest.fixture(scope="module")
def orchard() -> RuleSet:
    return rule_source("apple_orchard_per_mu_benefit.yaml").load()


def xlsx(rows: Sequence[Sequence[object]]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: Sequence[Sequence[object]], encoding: str = "utf-8") -> bytes:
    text = io.StringIO()
    csv.writer(text).writerows(rows)
    return text.getvalue().encode(encoding)


def problems_of(error: pytest.ExceptionInfo[SheetError]) -> list[tuple[int | None, str, str]]:
    return [(p.row, p.column, p.message.render("en")) for p in error.value.problems]


def checked(
    data: bytes, filename: str, ruleset: RuleSet, existing: set[str] | None = None
) -> list[EntrantRow]:
    sheet = read_sheet(data, filename)
    return validate(sheet, suggest_mapping(sheet.headers, ruleset), ruleset, existing or set())


# --- the template ----------------------------------------------------------------------------


def test_the_template_has_chinese_headers_and_a_sheet_explaining_each_column(
    orchard: RuleSet,
) -> None:
    sheets = pd.read_excel(io.BytesIO(template_xlsx(orchard)), sheet_name=None, header=None)
    assert list(sheets) == ["参赛名单", "说明"]
    assert list(sheets["参赛名单"].iloc[0]) == ORCHARD_HEADERS
    notes = sheets["说明"].fillna("")
    by_column = {row[0]: list(row[1:]) for row in notes.itertuples(index=False)}
    assert by_column["列 Column"] == ["字段 Field", "必填 Required", "类型 Type", "允许的值 Values"]
    assert by_column["编号"][:3] == ["code", "是 yes", "文本 text"]
    county = by_column["县（市、区）"]
    assert county[:3] == ["county", "是 yes", "文本 text"] and "宝塔区、安塞区" in county[3]
    assert by_column["联系电话"][:2] == ["phone", "否 no"]


def test_a_filled_in_template_reads_back_typed(welding: RuleSet) -> None:
    workbook = openpyxl.load_workbook(io.BytesIO(template_xlsx(welding)))
    sheet = workbook["参赛名单"]
    assert [cell.value for cell in sheet[1]] == WELDING_HEADERS
    sheet.append(["W01", "王建国", "市第一建筑公司", "是"])
    sheet.append(["W02", "李秀英", "市热力公司", "否"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    rows = checked(buffer.getvalue(), "报名表.xlsx", welding)
    assert [(r.row, r.code, r.name, r.attributes) for r in rows] == [
        (2, "W01", "王建国", {"unit": "市第一建筑公司", "is_worker": True}),
        (3, "W02", "李秀英", {"unit": "市热力公司", "is_worker": False}),
    ]


# --- reading ---------------------------------------------------------------------------------


def test_excel_numbers_read_as_the_text_the_user_typed() -> None:
    data = xlsx([["编号", "姓名", "面积"], [1.0, "王建国", 12.5], [2, "李秀英", 0.1 + 0.2]])
    sheet = read_sheet(data, "a.xlsx")
    assert sheet.rows == [
        {"编号": "1", "姓名": "王建国", "面积": "12.5"},
        {"编号": "2", "姓名": "李秀英", "面积": "0.3"},
    ]


def test_excel_dates_and_booleans_read_as_text(welding: RuleSet) -> None:
    data = xlsx([[*WELDING_HEADERS, "报名日期"], ["W01", "甲", "一建", True, date(2026, 5, 1)]])
    sheet = read_sheet(data, "a.xlsx")
    assert sheet.rows[0]["职工身份"] == "TRUE" and sheet.rows[0]["报名日期"] == "2026-05-01"
    (row,) = validate(sheet, suggest_mapping(sheet.headers, welding), welding, set())
    assert row.attributes == {"unit": "一建", "is_worker": True}


def test_a_tab_or_semicolon_separated_csv_is_read_too() -> None:
    for separator in ("\t", ";"):
        data = f"编号{separator}姓名\nW01{separator}王建国\n".encode()
        assert read_sheet(data, "a.csv").rows == [{"编号": "W01", "姓名": "王建国"}]


def test_row_numbers_match_excel_past_a_title_line_and_blank_rows() -> None:
    data = xlsx([["2026年焊工竞赛报名表"], ["编号", "姓名"], ["W01", "甲"], [], ["W02", "乙"]])
    sheet = read_sheet(data, "a.xlsx")
    assert sheet.header_row == 2
    assert sheet.headers == ["编号", "姓名"]
    assert sheet.row_numbers == [3, 5]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_csv_in_utf8_with_or_without_bom_or_gbk(encoding: str, welding: RuleSet) -> None:
    data = csv_bytes([WELDING_HEADERS, ["W01", "王建国", "市第一建筑公司", "是"]], encoding)
    (row,) = checked(data, "报名表.csv", welding)
    assert (row.code, row.name, row.attributes["unit"]) == ("W01", "王建国", "市第一建筑公司")


def test_a_blank_header_over_data_is_named_by_its_column_letter() -> None:
    sheet = read_sheet(csv_bytes([["编号", "", "姓名", ""], ["W01", "x", "王建国", ""]]), "a.csv")
    assert sheet.headers == ["编号", "B", "姓名"]
    assert sheet.rows == [{"编号": "W01", "B": "x", "姓名": "王建国"}]


@pytest.mark.parametrize(
    ("data", "filename", "reason"),
    [
        (b"%PDF-1.4 ...", "a.pdf", "not a spreadsheet: upload an .xlsx or .csv file"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest", "a.xls", "an Excel 97-2003 (.xls) file"),
        (b"PK\x03\x04broken", "a.xlsx", "the file cannot be read as an Excel workbook"),
        (b"\x00\x01binary", "a.csv", "not a spreadsheet"),
        (b"", "a.csv", "the file is empty"),
        (b"\n,,\n", "a.csv", "the file is empty"),
        ("编号,姓名\n".encode(), "a.csv", "the sheet has headers but no entrants below them"),
        (b"1,2\n3,4\n", "a.csv", "the first row holds numbers, not column headers"),
        ("编号,姓名,编号\nW1,a,b\n".encode(), "a.csv", "the header '编号' appears twice"),
    ],
)
def test_what_is_not_a_usable_sheet_is_refused_with_the_reason(
    data: bytes, filename: str, reason: str
) -> None:
    with pytest.raises(SheetError) as caught:
        read_sheet(data, filename)
    (problem,) = caught.value.problems
    assert problem.message.render("en").startswith(reason)


def test_more_than_the_row_limit_is_refused() -> None:
    rows = [["编号", "姓名"]] + [[f"W{i}", "x"] for i in range(entrant_sheets.MAX_ROWS + 1)]
    with pytest.raises(SheetError) as caught:
        read_sheet(csv_bytes(rows), "big.csv")
    assert problems_of(caught) == [(None, "", "more than 20000 rows: split the sheet")]


# --- mapping headers to fields ---------------------------------------------------------------


def test_chinese_synonyms_and_labels_map_to_fields(orchard: RuleSet, welding: RuleSet) -> None:
    headers = ["序号", "果园编号", "果园名称", "县区", "经营主体", "品种", "手机号", "备注"]
    assert suggest_mapping(headers, orchard) == {
        "序号": None,
        "果园编号": "code",
        "果园名称": "name",
        "县区": "county",
        "经营主体": "operator",
        "品种": "variety",
        "手机号": "phone",
        "备注": None,
    }
    assert suggest_mapping(["选手编号", "姓名", "单位", "是否职工"], welding) == {
        "选手编号": "code",
        "姓名": "name",
        "单位": "unit",
        "是否职工": "is_worker",
    }


def test_english_headers_match_without_case_spaces_or_full_width_forms(
    welding: RuleSet, orchard: RuleSet
) -> None:
    headers = ["Code", " NAME ", "Unit", "Is Worker", "Age"]
    assert suggest_mapping(headers, welding) == {
        "Code": "code",
        " NAME ": "name",
        "Unit": "unit",
        "Is Worker": "is_worker",
        "Age": None,  # not an attribute of these rules
    }
    assert suggest_mapping(["县(市、区)", "县 市 区"], orchard) == {
        "县(市、区)": "county",
        "县 市 区": None,  # county is taken by the first column that names it
    }


# --- checking rows ---------------------------------------------------------------------------


def test_one_bad_row_is_reported_with_its_row_and_column(welding: RuleSet) -> None:
    rows = [WELDING_HEADERS, ["W01", "王建国", "一建", "是"], ["W02", "李秀英", "热力", "也许"]]
    with pytest.raises(SheetError) as caught:
        checked(xlsx(rows), "a.xlsx", welding)
    assert problems_of(caught) == [
        (3, "职工身份", "expected yes or no (1/0, true/false, 是/否), found '也许'")
    ]
    assert caught.value.problems[0].render("en") == (
        "row 3, column 职工身份: expected yes or no (1/0, true/false, 是/否), found '也许'"
    )


def test_every_problem_of_every_row_is_reported(orchard: RuleSet) -> None:
    rows = [
        ORCHARD_HEADERS,
        ["YA001", "宝塔张家果园", "宝塔区", "", "", ""],
        ["", "无编号果园", "宝塔区", "", "", ""],
        ["YA001", "重复果园", "宝塔区", "", "", ""],
        ["YA009", "已报名果园", "宝塔区", "", "", ""],
        ["YA002", "", "", "", "", ""],
        ["YA003", "外县果园", "西安市", "", "", ""],
        ["Y" * 65, "长编号果园", "宝塔区", "", "", ""],
    ]
    with pytest.raises(SheetError) as caught:
        checked(xlsx(rows), "a.xlsx", orchard, existing={"YA009"})
    assert problems_of(caught) == [
        (3, "编号", "the code is empty"),
        (4, "编号", "'YA001' is listed twice (first on row 2)"),
        (5, "编号", "'YA009' is already registered in this event"),
        (6, "名称", "the name is empty"),
        (6, "县（市、区）", "required, but empty"),
        (7, "县（市、区）", "'西安市' is not one of: " + ", ".join(orchard_counties(orchard))),
        (8, "编号", "longer than 64 characters"),
    ]


def orchard_counties(orchard: RuleSet) -> list[str]:
    return list(orchard.rule.entrants.attributes["county"].values or [])


TEAMS = """\
contest: 班组赛
entrants:
  kind: team
  attributes:
    area: {type: number, label: 面积}
    grade: {type: text, label: 组别, values: [甲组, 乙组]}
  team: {attribute: team}
criteria:
  score: {kind: measured}
total: {formula: score}
"""


def test_numbers_stay_exact_text_and_a_team_column_is_required() -> None:
    rules = make_rules(TEAMS)
    headers = ["编号", "名称", "面积", "组别", "队伍"]
    rows = [
        ["T1", "甲", " 12.50 ", "甲组", "一队"],
        ["T2", "乙", "十二", "丙组", ""],
        ["T3", "丙", "", "", "二队"],
    ]
    sheet = Sheet(headers, [dict(zip(headers, row, strict=True)) for row in rows], [2, 3, 4])
    with pytest.raises(SheetError) as caught:
        validate(sheet, suggest_mapping(headers, rules), rules, set())
    assert problems_of(caught) == [
        (3, "面积", "expected a number, found '十二'"),
        (3, "组别", "'丙组' is not one of: 甲组, 乙组"),
        (3, "队伍", "required, but empty"),
    ]
    good = Sheet(headers, sheet.rows[::2], [2, 4])
    first, second = validate(good, suggest_mapping(headers, rules), rules, set())
    assert first.attributes == {"area": "12.50", "grade": "甲组", "team": "一队"}
    assert second.attributes == {"team": "二队"}  # empty optional cells are left out


@pytest.mark.parametrize(
    ("mapping", "expected"),
    [
        (
            {"编号": "code", "姓名": "name", "工作单位": "unit", "职工身份": "unit"},
            [
                (
                    1,
                    "职工身份",
                    "'工作单位' is already mapped to unit: map one column to each field",
                ),
                (1, "", "no column is mapped to is_worker (职工身份), which is required"),
            ],
        ),
        (
            {"编号": None, "姓名": "name", "工作单位": "unit", "职工身份": "is_worker"},
            [(1, "", "no column is mapped to code (编号), which is required")],
        ),
        (
            {
                "编号": "code",
                "姓名": "name",
                "工作单位": "unit",
                "职工身份": "is_worker",
                "x": None,
            },
            [(1, "x", "the sheet has no such column")],
        ),
        (
            {"编号": "code", "姓名": "name", "工作单位": "county", "职工身份": "is_worker"},
            [
                (1, "工作单位", "'county' is not a field of this event"),
                (1, "", "no column is mapped to unit (工作单位), which is required"),
            ],
        ),
    ],
)
def test_a_mapping_names_each_required_field_once(
    welding: RuleSet, mapping: dict[str, str | None], expected: list[tuple[int, str, str]]
) -> None:
    sheet = read_sheet(xlsx([WELDING_HEADERS, ["W01", "王建国", "一建", "是"]]), "a.xlsx")
    with pytest.raises(SheetError) as caught:
        validate(sheet, mapping, welding, set())
    assert problems_of(caught) == expected


def test_problems_are_capped_with_a_count_of_the_rest(welding: RuleSet) -> None:
    rows = [dict(zip(WELDING_HEADERS, ["", "甲", "一建", "是"], strict=True)) for _ in range(620)]
    sheet = Sheet(WELDING_HEADERS, rows, list(range(2, 622)))
    with pytest.raises(SheetError) as caught:
        validate(sheet, suggest_mapping(WELDING_HEADERS, welding), welding, set())
    problems = problems_of(caught)
    assert len(problems) == entrant_sheets.MAX_PROBLEMS + 1
    assert problems[-1] == (None, "", "… and 120 more problems")


def test_progress_is_reported_every_500_rows_and_at_the_end(welding: RuleSet) -> None:
    rows = [
        dict(zip(WELDING_HEADERS, [f"W{i}", "甲", "一建", "是"], strict=True)) for i in range(1200)
    ]
    sheet = Sheet(WELDING_HEADERS, rows, list(range(2, 1202)))
    calls: list[tuple[int, int]] = []
    mapping = suggest_mapping(WELDING_HEADERS, welding)
    validate(sheet, mapping, welding, set(), lambda done, total: calls.append((done, total)))
    assert calls == [(500, 1200), (1000, 1200), (1200, 1200)]


# --- writing back ----------------------------------------------------------------------------


def test_an_export_escapes_formulas_and_imports_again_unchanged(welding: RuleSet) -> None:
    entrants = [
        ("W01", '=HYPERLINK("x")', {"unit": "+一建", "is_worker": True}),
        ("-W02", "@李秀英", {"unit": "热力", "is_worker": False}),
    ]
    data = entrant_workbooks.entrants_xlsx(welding, entrants)
    frame = pd.read_excel(io.BytesIO(data), dtype=str)
    assert frame.values.tolist() == [
        ["W01", '\'=HYPERLINK("x")', "'+一建", "是"],
        ["'-W02", "'@李秀英", "热力", "否"],
    ]
    rows = checked(data, "export.xlsx", welding)
    assert [(r.code, r.name, r.attributes) for r in rows] == [
        (code, name, attributes) for code, name, attributes in entrants
    ]
