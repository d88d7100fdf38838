"""Workbooks built to hurt: a sheet declared 16,384 columns wide, a zip that unpacks to
gigabytes, cells far right of a sheet with no dimension. Each is refused with what to fix, in
bounded memory, and nothing else of the sheet is read."""

from __future__ import annotations

import io
import tracemalloc
import zipfile
from collections.abc import Callable

import pytest

from competition.services.entrant_sheets import SheetError, read_sheet

PACKAGE = "http://schemas.openxmlformats.org/package/2006"
OFFICE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
SPREADSHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    f'<Types xmlns="{PACKAGE}/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    f'<Override PartName="/xl/workbook.xml" ContentType="{SPREADSHEET}.sheet.main+xml"/>'
    f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{SPREADSHEET}.worksheet+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    f'<Relationships xmlns="{PACKAGE}/relationships">'
    f'<Relationship Id="rId1" Type="{OFFICE}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    f'xmlns:r="{OFFICE}">'
    '<sheets><sheet name="参赛名单" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    f'<Relationships xmlns="{PACKAGE}/relationships">'
    f'<Relationship Id="rId1" Type="{OFFICE}/worksheet" Target="worksheets/sheet1.xml"/>'
    "</Relationships>"
)


def workbook(sheet_xml: str, *, padding: int = 0) -> bytes:
    """A minimal .xlsx around one worksheet's XML, as a hostile tool would write it;
    ``padding`` bytes of blanks in an extra member make the zip unpack large."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        archive.writestr("xl/worksheets/sheet1.xml", sheet_xml)
        if padding:
            archive.writestr("xl/media/padding.bin", b" " * padding)
    return buffer.getvalue()


def sheet(rows: str, dimension: str | None) -> str:
    head = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"{head}<sheetData>{rows}</sheetData></worksheet>"
    )


def cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


HEADER = '<row r="1">' + cell("A1", "编号") + cell("B1", "姓名") + "</row>"
FAR_RIGHT = "".join(f'<row r="{r}">{cell(f"XFD{r}", "x")}</row>' for r in range(2, 20_001))

BOMBS: dict[str, tuple[Callable[[], bytes], str]] = {
    "20,000 rows reaching column XFD": (
        lambda: workbook(sheet(HEADER + FAR_RIGHT, "A1:XFD20000")),
        "reaches column XFD",
    ),
    # no <dimension>: only the first 201 columns are read, so the far cells are never seen
    "the same with no dimension": (
        lambda: workbook(sheet(HEADER + FAR_RIGHT, None)),
        "no entrants below them",
    ),
    "a cell in column 201 of a sheet with no dimension": (
        lambda: workbook(sheet(HEADER + '<row r="2">' + cell("GS2", "x") + "</row>", None)),
        "reaches column GS",
    ),
    "a zip that unpacks to 120 MB": (
        lambda: workbook(sheet(HEADER, "A1:B1"), padding=120 * 1024 * 1024),
        "unpacks to more than 100 MB",
    ),
}


@pytest.mark.parametrize("name", BOMBS)
def test_a_workbook_bomb_is_refused_in_bounded_memory(name: str) -> None:
    build, expected = BOMBS[name]
    data = build()
    assert len(data) < 1024 * 1024  # small to upload
    tracemalloc.start()
    try:
        with pytest.raises(SheetError) as refused:
            read_sheet(data, "参赛名单.xlsx")
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    messages = [problem.message.render("en") for problem in refused.value.problems]
    assert any(expected in message for message in messages), messages
    assert peak < 100 * 1024 * 1024


def test_a_wide_dimension_over_a_narrow_sheet_reads_the_cells_that_are_there() -> None:
    rows = HEADER + '<row r="2">' + cell("A2", "001") + cell("B2", "张三") + "</row>"
    read = read_sheet(workbook(sheet(rows, "A1:B2")), "参赛名单.xlsx")
    assert read.headers == ["编号", "姓名"] and read.rows == [{"编号": "001", "姓名": "张三"}]


def test_rows_beyond_the_limit_are_refused_not_cut_off() -> None:
    rows = HEADER + "".join(
        f'<row r="{r}">{cell(f"A{r}", str(r))}{cell(f"B{r}", "名")}</row>' for r in range(2, 20_100)
    )
    with pytest.raises(SheetError) as refused:
        read_sheet(workbook(sheet(rows, "A1:B20099")), "参赛名单.xlsx")
    assert "more than 20000 rows" in refused.value.problems[0].message.render("en")
