"""The filtered audit log as an XLSX workbook: the plain-language columns the console
shows, then the entry as recorded (action, subject, before and after) for an auditor."""

from __future__ import annotations

import io
from collections.abc import Callable

from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.cell import WriteOnlyCell  # type: ignore[import-untyped]
from openpyxl.styles import Font  # type: ignore[import-untyped]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]

from competition.local_time import zone_label
from competition.models import Contest
from competition.rules.messages import N_, translate
from competition.services.audit_reading import Filters, log_entries
from competition.services.audit_wording import ReadableEntry

COLUMNS: tuple[tuple[str, int, Callable[[ReadableEntry], object]], ...] = (
    (N_("No."), 8, lambda e: e.seq),
    (N_("When"), 20, lambda e: e.when),
    (N_("Who"), 16, lambda e: e.who),
    (N_("Role"), 12, lambda e: e.role),
    (N_("What"), 30, lambda e: e.what),
    (N_("Entrant concerned"), 18, lambda e: e.entrant),
    (N_("About"), 30, lambda e: e.about),
    (N_("Before"), 24, lambda e: e.before),
    (N_("After"), 24, lambda e: e.after),
    (N_("Why"), 30, lambda e: e.reason),
    (N_("Action (as recorded)"), 22, lambda e: e.action),
    (N_("Subject (as recorded)"), 24, lambda e: e.subject),
    (N_("Before (as recorded)"), 30, lambda e: e.raw_before),
    (N_("After (as recorded)"), 30, lambda e: e.raw_after),
)


def audit_xlsx_bytes(contest: Contest, filters: Filters, locale: str) -> bytes:
    """Every entry the filters select, newest first, one row each under a frozen heading."""
    entries = log_entries(contest, filters, locale)  # a filter naming nothing stops here
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(translate(N_("Audit log"), locale))
    sheet.freeze_panes = "A2"
    for index, (_, width, _value) in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    bold = Font(bold=True)
    heading = []
    for title, _width, _value in COLUMNS:
        text = translate(title, locale)
        if title == "When":  # the column's times are the contest's: its heading names the zone
            text = translate(N_("{time} ({zone})"), locale).format(
                time=text, zone=zone_label(contest.time_zone, locale)
            )
        cell = WriteOnlyCell(sheet, value=text)
        cell.font = bold
        heading.append(cell)
    sheet.append(heading)
    for entry in entries:
        sheet.append([_cell(sheet, value(entry)) for _title, _width, value in COLUMNS])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _cell(sheet: object, value: object) -> object:
    """Text as text: a reason typed as ``=HYPERLINK(…)`` must not become a formula; an
    empty value is no cell at all."""
    if value == "":
        return None
    if isinstance(value, str) and value.startswith("="):
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"
        return cell
    return value
