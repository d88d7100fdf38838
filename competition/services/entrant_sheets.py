"""Entrant lists as spreadsheets: the template, reading XLSX and CSV, mapping headers to
fields and checking every row, all before the database is touched.

Pure: no Flask, no database. An import is all-or-nothing, so every problem of the whole
sheet is collected (row, column, reason) rather than stopping at the first.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Literal, TypeAlias

from competition.rules.messages import DEFAULT_LOCALE, N_, Message, msg
from competition.rules.ruleset import RuleSet
from competition.services.xlsx_grid import WorkbookRefused, unescaped, xlsx_grid

MAX_ROWS = 20_000
MAX_PROBLEMS = 500
PROGRESS_EVERY = 500
CODE_LENGTH = 64  # the width of Entrant.code
NAME_LENGTH = 200  # the width of Entrant.name

Progress = Callable[[int, int], None]
Value: TypeAlias = str | bool


@dataclass(frozen=True)
class SheetProblem:
    """One thing to fix: the spreadsheet row (None: the sheet as a whole), the column as the
    sheet names it, and the reason."""

    row: int | None
    column: str
    message: Message

    def render(self, locale: str = DEFAULT_LOCALE) -> str:
        problem = self.message.render(locale)
        if self.row is not None and self.column:
            text = N_("row {row}, column {column}: {problem}")
        elif self.row is not None:
            text = N_("row {row}: {problem}")
        elif self.column:
            text = N_("column {column}: {problem}")
        else:
            return problem
        return msg(text, row=self.row, column=self.column, problem=problem).render(locale)


class SheetError(Exception):
    """A sheet that cannot be imported as it stands; nothing was imported."""

    def __init__(self, problems: list[SheetProblem]) -> None:
        self.problems = problems
        super().__init__("\n".join(p.render("en") for p in problems))


@dataclass(frozen=True)
class Sheet:
    """Every cell as stripped text; ``row_numbers[i]`` is the spreadsheet row of ``rows[i]``."""

    headers: list[str]
    rows: list[dict[str, str]]
    row_numbers: list[int]
    header_row: int = 1


@dataclass(frozen=True)
class EntrantRow:
    """A checked row: numbers stay text (exact), yes/no becomes a boolean."""

    row: int
    code: str
    name: str
    attributes: dict[str, Value]
    id_number: str | None = None  # checked, linked to a person, never stored


@dataclass(frozen=True)
class Field:
    """A column of the template: the code, the name or a declared attribute."""

    key: str
    header: str
    english: str
    type: Literal["text", "number", "bool"] = "text"
    required: bool = False
    values: tuple[str, ...] = ()


# an optional column of an import (not of the template or the export): the person's
# national ID, which finds or makes the person record and is then forgotten
ID_NUMBER = Field("id_number", "身份证号", "ID number")


def fields(ruleset: RuleSet) -> list[Field]:
    """The columns an entrant has under these rules, in template order."""
    entrants = ruleset.rule.entrants
    name = "姓名" if entrants.kind == "individual" else "名称"
    result = [
        Field("code", "编号", "code", required=True),
        Field("name", name, "name", required=True),
    ]
    for key, spec in entrants.attributes.items():
        values = tuple(spec.values or ())
        result.append(Field(key, spec.label or key, key, spec.type, spec.required, values))
    team = entrants.team
    if team is not None and team.attribute not in entrants.attributes:
        result.append(Field(team.attribute, "队伍", team.attribute, required=True))
    return result


def import_fields(ruleset: RuleSet) -> list[Field]:
    """The columns an import may map: the entrant's fields and the ID number."""
    return [*fields(ruleset), ID_NUMBER]


_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Excel 97-2003 (.xls)
_XLSX_ROWS = MAX_ROWS + 12  # room for a title line or a few blank rows above the header


def read_sheet(data: bytes, filename: str) -> Sheet:
    """The first worksheet of an .xlsx, or a .csv in UTF-8 (with or without BOM) or GB18030,
    as text cells; :class:`SheetError` when it is not a usable spreadsheet."""
    suffix = filename.lower().rpartition(".")[2]
    if data.startswith(_ZIP):
        grid = _xlsx_grid(data)
    elif data.startswith(_OLE) or suffix == "xls":
        raise _refusal(N_("an Excel 97-2003 (.xls) file: save it as .xlsx or CSV and upload again"))
    elif suffix in ("csv", "txt"):
        grid = _csv_grid(data)
    else:
        raise _refusal(N_("not a spreadsheet: upload an .xlsx or .csv file"))
    return _sheet(grid)


def _refusal(text: str, row: int | None = None, **params: object) -> SheetError:
    return SheetError([SheetProblem(row, "", msg(text, **params))])


def _xlsx_grid(data: bytes) -> list[list[str]]:
    try:
        grid = xlsx_grid(data, _XLSX_ROWS)
    except WorkbookRefused as refused:
        raise SheetError([SheetProblem(None, "", refused.message)]) from None
    if len(grid) >= _XLSX_ROWS:  # reading stopped there: the sheet goes on, and is refused
        raise _refusal(N_("more than {limit} rows: split the sheet"), limit=MAX_ROWS)
    return grid


def _csv_grid(data: bytes) -> list[list[str]]:
    if b"\x00" in data:
        raise _refusal(N_("not a spreadsheet: upload an .xlsx or .csv file"))
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise _refusal(N_("the CSV file is neither UTF-8 nor GBK text"))
    first_line = text.split("\n", 1)[0]
    delimiter = max(",\t;", key=first_line.count)
    try:
        return [
            [unescaped(cell.strip()) for cell in row]
            for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        ]
    except csv.Error as error:
        raise _refusal(N_("not CSV: {detail}"), detail=str(error)) from None


def _sheet(grid: list[list[str]]) -> Sheet:
    """Headers from the first row with two or more cells (a title line above is skipped),
    blank rows dropped but counted, so that row numbers match what Excel shows."""
    filled = [i for i, row in enumerate(grid) if any(row)]
    if not filled:
        raise _refusal(N_("the file is empty"))
    wide = [i for i in filled[:10] if sum(1 for cell in grid[i] if cell) >= 2]
    start = wide[0] if wide else filled[0]
    headers = _headers(grid[start], grid[start + 1 :], start + 1)
    rows, numbers = [], []
    for index in filled:
        if index <= start:
            continue
        cells = grid[index]
        rows.append({h: cells[i] if i < len(cells) else "" for i, h in headers.items()})
        numbers.append(index + 1)
    if not rows:
        raise _refusal(N_("the sheet has headers but no entrants below them"), start + 1)
    if len(rows) > MAX_ROWS:
        raise _refusal(N_("more than {limit} rows: split the sheet"), limit=MAX_ROWS)
    return Sheet(list(headers.values()), rows, numbers, start + 1)


def _headers(cells: list[str], below: list[list[str]], row: int) -> dict[int, str]:
    """Column index → header text. A blank header over data is named by its column letter;
    a blank column is dropped; a header repeated is refused (its data would be ambiguous)."""
    width = max([len(cells), *(len(r) for r in below)])
    headers: dict[int, str] = {}
    for index in range(width):
        header = cells[index] if index < len(cells) else ""
        if not header and not any(index < len(r) and r[index] for r in below):
            continue
        header = header or column_letter(index)
        if header in headers.values():
            raise _refusal(N_("the header '{header}' appears twice"), row, header=header)
        headers[index] = header
    if all(decimal_text(h) is not None for h in headers.values()):
        raise _refusal(N_("the first row holds numbers, not column headers"), row)
    return headers


def decimal_text(text: str) -> Decimal | None:
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def column_letter(index: int) -> str:
    """Excel's name of the 0-based column: 0 → A, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters
