"""The programme dashboard's figures as an XLSX workbook, the tables a year-end review is
written from: a summary, every contest, and contests by district, trade and month. Money
is written as numbers in yuan with two decimals, so the sheets add up."""

from __future__ import annotations

import io
from collections.abc import Iterable
from decimal import Decimal

from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.cell import WriteOnlyCell  # type: ignore[import-untyped]
from openpyxl.styles import Font  # type: ignore[import-untyped]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]

from competition.rules.messages import N_, translate
from competition.services.cells import escape_cell
from competition.services.programme_contests import NONE_KEY
from competition.services.programme_dashboard import LEVEL_NAMES, Dashboard
from competition.services.stages import STAGE_NAMES

MONEY = "#,##0.00"


class _Sheets:
    def __init__(self, locale: str) -> None:
        self.locale = locale
        self.workbook = Workbook(write_only=True)

    def _(self, text: str) -> str:
        return translate(text, self.locale)

    def add(self, title: str, heading: list[str], rows: Iterable[list[object]]) -> None:
        sheet = self.workbook.create_sheet(self._(title))
        sheet.freeze_panes = "A2"
        for index, text in enumerate(heading, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = max(10, len(text) * 2 + 4)
        bold = Font(bold=True)
        cells = []
        for text in heading:
            cell = WriteOnlyCell(sheet, value=self._(text))
            cell.font = bold
            cells.append(cell)
        sheet.append(cells)
        for row in rows:
            sheet.append([self._cell(sheet, value) for value in row])

    @staticmethod
    def _cell(sheet: object, value: object) -> object:
        if isinstance(value, Decimal):
            cell = WriteOnlyCell(sheet, value=value)
            cell.number_format = MONEY
            return cell
        if isinstance(value, str):
            return escape_cell(value) if value else None
        return value

    def bytes(self) -> bytes:
        buffer = io.BytesIO()
        self.workbook.save(buffer)
        return buffer.getvalue()


def dashboard_xlsx_bytes(dashboard: Dashboard, locale: str) -> bytes:
    """The workbook of a dashboard read with every contest in its table (``page`` None)."""
    book = _Sheets(locale)
    _ = book._

    def named(key: str) -> str:
        return key if key != NONE_KEY else _(N_("(not recorded)"))

    summary: list[list[object]] = [
        [_(N_("Programme")), "、".join(p.name for p in dashboard.programmes)],
        [_(N_("Contests")), dashboard.contest_count],
        *([_(STAGE_NAMES.get(k, k)), v] for k, v in dashboard.by_status.items()),
        *([_(LEVEL_NAMES.get(k, N_("(not recorded)"))), v] for k, v in dashboard.by_level.items()),
        [_(N_("Entrants")), dashboard.entrants],
        [_(N_("People")), dashboard.people],
        [_(N_("Awards given")), dashboard.awarded],
        *([k, v] for k, v in dashboard.awards.items()),
        [_(N_("Prize money awarded (yuan)")), dashboard.prize_total],
        [_(N_("Contests' awards budgets (yuan)")), dashboard.contest_budgets],
        [_(N_("Programme budget (yuan)")), dashboard.budget],
        [_(N_("Left of the programme budget (yuan)")), dashboard.left],
    ]
    book.add(N_("Summary"), [N_("Figure"), N_("Value")], summary)
    book.add(
        N_("Contests"),
        [
            N_("Contest"),
            N_("Organisation"),
            N_("Level"),
            N_("District"),
            N_("Trade"),
            N_("Stage"),
            N_("Entrants"),
            N_("People"),
            N_("Awards given"),
            N_("Prize money (yuan)"),
            N_("Awards budget (yuan)"),
        ],
        (
            [
                c.name,
                c.organisation,
                _(LEVEL_NAMES[c.level]) if c.level in LEVEL_NAMES else "",
                c.district,
                c.trade,
                _(STAGE_NAMES.get(c.status, c.status)),
                c.entrants,
                c.people,
                c.awarded,
                c.prize,
                c.budget,
            ]
            for c in dashboard.contests.rows
        ),
    )
    book.add(
        N_("By district"),
        [N_("District"), N_("Contests")],
        ([named(k), v] for k, v in dashboard.by_district.items()),
    )
    book.add(
        N_("By trade"),
        [N_("Trade"), N_("Contests")],
        ([named(k), v] for k, v in dashboard.by_trade.items()),
    )
    book.add(
        N_("By month"),
        [N_("Month"), N_("Contests created"), N_("Contests published")],
        ([month, *counts] for month, counts in dashboard.by_month.items()),
    )
    return book.bytes()
