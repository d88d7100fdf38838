"""Entrant lists as spreadsheets: the template, reading XLSX and CSV, mapping headers to
fields and checking every row, all before the database is touched.

Pure: no Flask, no database. An import is all-or-nothing, so every problem of the whole
sheet is collected (row, column, reason) rather than stopping at the first.
"""

from __future__ import annotations

import csv
import io
import math
import unicodedata
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Literal, TypeAlias

import pandas as pd

from competition.rules.messages import DEFAULT_LOCALE, N_, Message, msg
from competition.rules.ruleset import RuleSet
from competition.services.exports import escape_cell

MAX_ROWS = 20_000
MAX_PROBLEMS = 500
PROGRESS_EVERY = 500
CODE_LENGTH = 64  # the width of Entrant.code
NAME_LENGTH = 200  # the width of Entrant.name
TRUE_WORDS = frozenset({"1", "true", "yes", "y", "是", "√", "✓"})  # the engine's spellings
FALSE_WORDS = frozenset({"0", "false", "no", "n", "否", "×"})

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


@dataclass(frozen=True)
class Field:
    """A column of the template: the code, the name or a declared attribute."""

    key: str
    header: str
    english: str
    type: Literal["text", "number", "bool"] = "text"
    required: bool = False
    values: tuple[str, ...] = ()


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


# --- writing: the template and the export ----------------------------------------------------

ENTRANTS_SHEET = "参赛名单"
NOTES_SHEET = "说明"
_TYPE_NOTES = {"text": "文本 text", "number": "数字 number", "bool": "是/否 yes/no"}


def template_xlsx(ruleset: RuleSet) -> bytes:
    """An empty sheet with the Chinese headers, and a 说明 sheet on what each column takes."""
    return entrants_xlsx(ruleset, [])


def entrants_xlsx(
    ruleset: RuleSet, entrants: Iterable[tuple[str, str, Mapping[str, object]]]
) -> bytes:
    """Entrants (code, name, attributes) in the template's layout, so an export imports again.
    Text is escaped against formula injection; numbers are written as numbers."""
    columns = fields(ruleset)
    rows = []
    for code, name, attributes in entrants:
        values = {"code": code, "name": name, **attributes}
        rows.append([_export_cell(field, values.get(field.key)) for field in columns])
    frame = pd.DataFrame(rows, columns=[field.header for field in columns], dtype=object)
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        frame.to_excel(writer, sheet_name=ENTRANTS_SHEET, index=False, freeze_panes=(1, 0))
        sheet = writer.sheets[ENTRANTS_SHEET]
        for index, field in enumerate(columns):
            dimension = sheet.column_dimensions[_column_letter(index)]
            dimension.width = max(12, 2 * len(field.header) + 4)
            if field.type == "text":
                dimension.number_format = "@"  # Excel keeps a typed 001 as 001
        _write_notes(writer, columns)
    return buffer.getvalue()


def _export_cell(field: Field, value: object) -> object:
    if value is None or value == "":
        return None
    if field.type == "bool":
        truth = value if isinstance(value, bool) else str(value).strip().lower() in TRUE_WORDS
        return "是" if truth else "否"
    if field.type == "number":
        number = _decimal(str(value))
        if number is not None:
            return number
    return escape_cell(str(value))


def _write_notes(writer: pd.ExcelWriter, columns: list[Field]) -> None:
    """The 说明 sheet: each column, whether required, its type and allowed values."""
    notes = pd.DataFrame(
        [
            [
                field.header,
                field.english,
                "是 yes" if field.required else "否 no",
                _TYPE_NOTES[field.type],
                "、".join(field.values),
            ]
            for field in columns
        ],
        columns=["列 Column", "字段 Field", "必填 Required", "类型 Type", "允许的值 Values"],
    )
    notes.to_excel(writer, sheet_name=NOTES_SHEET, index=False, startrow=2)
    sheet = writer.sheets[NOTES_SHEET]
    sheet["A1"] = "每行一名参赛者，编号不可重复。One entrant per row; codes must be unique."
    for index, width in enumerate((16, 14, 14, 16, 60)):
        sheet.column_dimensions[_column_letter(index)].width = width


def _column_letter(index: int) -> str:
    """Excel's name of the 0-based column: 0 → A, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


# --- reading ---------------------------------------------------------------------------------

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
        frame = pd.read_excel(
            io.BytesIO(data), sheet_name=0, header=None, dtype=object, nrows=_XLSX_ROWS
        )
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds of error on a broken file
        raise _refusal(N_("the file cannot be read as an Excel workbook (.xlsx)")) from None
    if len(frame) >= _XLSX_ROWS:  # stop reading early: a huge sheet is refused anyway
        raise _refusal(N_("more than {limit} rows: split the sheet"), limit=MAX_ROWS)
    return [[_cell_text(v) for v in row] for row in frame.itertuples(index=False, name=None)]


def _cell_text(value: object) -> str:
    """A cell as the user sees it: 1.0 stored by Excel reads "1", a date "2026-05-01"."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else f"{value:.15g}"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(" ")
    if isinstance(value, date | time):
        return value.isoformat()
    return _unescaped(str(value).strip())


def _unescaped(text: str) -> str:
    """Undo the export's formula escape, so that an exported sheet imports unchanged."""
    return text[1:] if text.startswith("'") and text[1:2] in ("=", "+", "-", "@") else text


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
            [_unescaped(cell.strip()) for cell in row]
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
        header = header or _column_letter(index)
        if header in headers.values():
            raise _refusal(N_("the header '{header}' appears twice"), row, header=header)
        headers[index] = header
    if all(_decimal(h) is not None for h in headers.values()):
        raise _refusal(N_("the first row holds numbers, not column headers"), row)
    return headers


# --- mapping headers to fields ---------------------------------------------------------------

_CODE_WORDS = ["code", "entrant", "entrant code", "id", "no", "编号", "选手编号", "参赛编号"]
_CODE_WORDS += ["果园编号", "参赛号", "参赛证号", "单位编号", "队伍编号", "代码"]
_NAME_WORDS = ["name", "entrant name", "full name", "姓名", "名称", "选手姓名", "果园名称"]
_NAME_WORDS += ["单位名称", "参赛单位", "队伍名称", "参赛果园"]
SYNONYMS: dict[str, tuple[str, ...]] = {
    "unit": ("工作单位", "单位", "所在单位", "work unit", "employer"),
    "is_worker": ("是否职工", "职工身份", "职工", "worker"),
    "county": ("县区", "县(市、区)", "县市区", "区县", "县", "所在县区"),
    "operator": ("经营主体", "经营者", "负责人"),
    "variety": ("品种", "主栽品种"),
    "phone": ("电话", "联系电话", "手机", "手机号", "手机号码", "联系方式", "telephone"),
    "gender": ("性别", "sex"),
    "age": ("年龄",),
    "team": ("队伍", "团队", "代表队", "参赛队"),
    "group": ("组别", "分组"),
}


def _key(text: str) -> str:
    """Headers compare without case, spaces, punctuation or full-width forms."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", text).casefold() if ch.isalnum())


def _vocabulary(ruleset: RuleSet) -> dict[str, str]:
    """Normalised header → field; names and labels win over synonyms."""
    columns = fields(ruleset)
    label = ruleset.rule.entrants.label or ""
    exact = [(w, f.key) for f in columns for w in (f.key, f.header, f.english)]
    made = [(label + "编号", "code"), (label + "名称", "name"), (label + "姓名", "name")]
    common = [(w, "code") for w in _CODE_WORDS] + [(w, "name") for w in _NAME_WORDS]
    common += [(w, f.key) for f in columns for w in SYNONYMS.get(f.key, ())]
    vocabulary: dict[str, str] = {}
    for word, key in [*exact, *made, *common]:
        vocabulary.setdefault(_key(word), key)
    return vocabulary


def suggest_mapping(headers: list[str], ruleset: RuleSet) -> dict[str, str | None]:
    """Each header → the field it most likely holds (None: ignored); a field goes to the first
    header that names it, so a suggestion never maps two columns to one field."""
    vocabulary = _vocabulary(ruleset)
    taken: set[str] = set()
    mapping: dict[str, str | None] = {}
    for header in headers:
        key = vocabulary.get(_key(header))
        mapping[header] = key if key not in taken else None
        if key is not None:
            taken.add(key)
    return mapping


# --- checking --------------------------------------------------------------------------------


def validate(
    sheet: Sheet,
    mapping: Mapping[str, str | None],
    ruleset: RuleSet,
    existing_codes: Collection[str],
    progress: Progress | None = None,
) -> list[EntrantRow]:
    """Every row checked and typed, or :class:`SheetError` with every problem (at most
    :data:`MAX_PROBLEMS`): the caller imports all rows or none."""
    columns = fields(ruleset)
    by_key = {field.key: field for field in columns}
    problems = _mapping_problems(sheet, mapping, by_key)
    if problems:
        raise SheetError(problems)
    chosen = [(header, by_key[key]) for header, key in mapping.items() if key]
    checker = _RowChecker(chosen, existing_codes)
    total = len(sheet.rows)
    for done, (number, cells) in enumerate(zip(sheet.row_numbers, sheet.rows, strict=True), 1):
        checker.check(number, cells)
        if progress is not None and (done % PROGRESS_EVERY == 0 or done == total):
            progress(done, total)
    if checker.problems:
        raise SheetError(_capped(checker.problems))
    return checker.rows


def _capped(problems: list[SheetProblem]) -> list[SheetProblem]:
    if len(problems) <= MAX_PROBLEMS:
        return problems
    more = len(problems) - MAX_PROBLEMS
    return [
        *problems[:MAX_PROBLEMS],
        SheetProblem(None, "", msg(N_("… and {count} more problems"), count=more)),
    ]


def _mapping_problems(
    sheet: Sheet, mapping: Mapping[str, str | None], by_key: dict[str, Field]
) -> list[SheetProblem]:
    """A mapping names columns of this sheet, fields of these rules, each field once, and
    covers the code, the name and every required attribute."""
    row = sheet.header_row
    problems: list[SheetProblem] = []
    first: dict[str, str] = {}
    for header, key in mapping.items():
        if header not in sheet.headers:
            problems.append(SheetProblem(row, header, msg(N_("the sheet has no such column"))))
        elif key is not None and key not in by_key:
            text = N_("'{field}' is not a field of this event")
            problems.append(SheetProblem(row, header, msg(text, field=key)))
        elif key is not None and key in first:
            text = N_("'{first}' is already mapped to {field}: map one column to each field")
            problems.append(SheetProblem(row, header, msg(text, first=first[key], field=key)))
        elif key is not None:
            first[key] = header
    for field in by_key.values():
        if field.required and field.key not in first:
            text = N_("no column is mapped to {field} ({header}), which is required")
            problems.append(SheetProblem(row, "", msg(text, field=field.key, header=field.header)))
    return problems


class _RowChecker:
    """Checks rows one by one, remembering codes seen, the rows kept and the problems."""

    def __init__(self, columns: list[tuple[str, Field]], existing: Collection[str]) -> None:
        self.columns = columns
        self.existing = existing
        self.seen: dict[str, int] = {}
        self.rows: list[EntrantRow] = []
        self.problems: list[SheetProblem] = []

    def check(self, number: int, cells: Mapping[str, str]) -> None:
        before = len(self.problems)
        values: dict[str, Value] = {}
        for header, field in self.columns:
            value = self._cell(number, header, field, cells.get(header, "").strip())
            if value is not None:
                values[field.key] = value
        if len(self.problems) == before:
            code, name = str(values.pop("code")), str(values.pop("name"))
            self.rows.append(EntrantRow(number, code, name, values))

    def _cell(self, number: int, header: str, field: Field, text: str) -> Value | None:
        problem = _problem(field, text) if field.key != "code" else self._code_problem(text)
        if problem is not None:
            self.problems.append(SheetProblem(number, header, problem))
            return None
        if field.key == "code":
            self.seen[text] = number
        if not text:
            return None
        if field.type == "bool":
            return text.lower() in TRUE_WORDS
        if field.type == "number":
            return str(_decimal(text))
        return text

    def _code_problem(self, code: str) -> Message | None:
        if not code:
            return msg(N_("the code is empty"))
        if len(code) > CODE_LENGTH:
            return msg(N_("longer than {limit} characters"), limit=CODE_LENGTH)
        if code in self.seen:
            return msg(
                N_("'{code}' is listed twice (first on row {first})"),
                code=code,
                first=self.seen[code],
            )
        if code in self.existing:
            return msg(N_("'{code}' is already registered in this event"), code=code)
        return None


def _problem(field: Field, text: str) -> Message | None:
    """What is wrong with one cell of a name or attribute column (None: nothing)."""
    if not text and field.key == "name":
        return msg(N_("the name is empty"))
    if not text:
        return msg(N_("required, but empty")) if field.required else None
    if field.key == "name" and len(text) > NAME_LENGTH:
        return msg(N_("longer than {limit} characters"), limit=NAME_LENGTH)
    if field.type == "number" and _decimal(text) is None:
        return msg(N_("expected a number, found '{value}'"), value=text)
    if field.type == "bool" and text.lower() not in TRUE_WORDS | FALSE_WORDS:
        text_id = N_("expected yes or no (1/0, true/false, 是/否), found '{value}'")
        return msg(text_id, value=text)
    if field.type == "text" and field.values and text not in field.values:
        return msg(
            N_("'{value}' is not one of: {values}"), value=text, values=", ".join(field.values)
        )
    return None


def _decimal(text: str) -> Decimal | None:
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        return None
    return value if value.is_finite() else None
