"""The first worksheet of an .xlsx as rows of text cells, read within bounds.

A workbook is a zip of XML: 108 KB can declare 20,000 rows reaching column XFD (16,384
columns), which a DataFrame would pad out to 300 million cells, or unpack to gigabytes. The
zip's declared sizes, the sheet's declared dimension and the rows read are bounded before
anything is built, and each refusal says what to fix. A sheet without a declared dimension
(no spreadsheet program writes one so) is read to column MAX_COLUMNS + 1 and refused if that
column holds anything; cells further right are never looked at. Pure: no Flask, no database.
"""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime, time

from openpyxl import load_workbook  # type: ignore[import-untyped]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]

from competition.rules.messages import N_, Message, msg

MAX_COLUMNS = 200
MAX_UNPACKED = 100 * 1024 * 1024  # bytes of XML and the rest, once unzipped


class WorkbookRefused(Exception):
    def __init__(self, message: Message) -> None:
        self.message = message
        super().__init__(message.render("en"))


def xlsx_grid(data: bytes, max_rows: int) -> list[list[str]]:
    """At most ``max_rows`` rows (the caller refuses a sheet that fills them) of at most
    MAX_COLUMNS cells each, as the user sees them."""
    _check_unpacked_size(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds of error on a broken file
        raise WorkbookRefused(unreadable()) from None
    try:
        sheet = workbook.worksheets[0]
        declared = sheet.max_column or 0  # from the sheet's <dimension>, which may be absent
        if declared > MAX_COLUMNS:
            raise WorkbookRefused(_too_wide(declared))
        width = declared or MAX_COLUMNS + 1
        rows = sheet.iter_rows(max_row=max_rows, max_col=width, values_only=True)
        grid = [[cell_text(value) for value in row] for row in rows]
    except WorkbookRefused:
        raise
    except Exception:  # noqa: BLE001 - a broken sheet inside a valid zip
        raise WorkbookRefused(unreadable()) from None
    finally:
        workbook.close()
    if any(len(row) > MAX_COLUMNS and row[MAX_COLUMNS] for row in grid):
        raise WorkbookRefused(_too_wide(MAX_COLUMNS + 1))
    return _trimmed(grid)


def _too_wide(columns: int) -> Message:
    return msg(
        N_(
            "the sheet reaches column {column}: at most {limit} columns are read;"
            " delete the columns after the last one used"
        ),
        column=get_column_letter(min(columns, 16384)),
        limit=MAX_COLUMNS,
    )


def unreadable() -> Message:
    return msg(N_("the file cannot be read as an Excel workbook (.xlsx)"))


def _check_unpacked_size(data: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError):
        raise WorkbookRefused(unreadable()) from None
    if unpacked > MAX_UNPACKED:
        raise WorkbookRefused(
            msg(
                N_("the workbook unpacks to more than {limit} MB: save only the entrants sheet"),
                limit=MAX_UNPACKED // (1024 * 1024),
            )
        )


def _trimmed(grid: list[list[str]]) -> list[list[str]]:
    """Without the empty columns at the right of every row (a sheet declared wider than used)."""
    width = max((i + 1 for row in grid for i, cell in enumerate(row) if cell), default=0)
    return [row[:width] for row in grid]


def cell_text(value: object) -> str:
    """A cell as the user sees it: 1.0 stored by Excel reads "1", a date "2026-05-01"."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value != value:  # NaN
            return ""
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else f"{value:.15g}"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(" ")
    if isinstance(value, date | time):
        return value.isoformat()
    return unescaped(str(value).strip())


def unescaped(text: str) -> str:
    """Undo the export's formula escape, so that an exported sheet imports unchanged."""
    return text[1:] if text.startswith("'") and text[1:2] in ("=", "+", "-", "@") else text
