"""Entrant workbooks written for people: the template to fill in and the export."""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping

import pandas as pd

from competition.rules.attributes import TRUE_WORDS
from competition.rules.ruleset import RuleSet
from competition.services.cells import escape_cell
from competition.services.entrant_sheets import (
    Field,
    column_letter,
    decimal_text,
    fields,
)

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
            dimension = sheet.column_dimensions[column_letter(index)]
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
        number = decimal_text(str(value))
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
        sheet.column_dimensions[column_letter(index)].width = width
