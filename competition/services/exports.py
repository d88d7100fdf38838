"""Standings as files people open: a text table, and CSV and XLSX of the standings, the award
list and the score sheet an auditor checks by hand.

Text that came from users is escaped against spreadsheet formula injection: a cell that
starts with ``=``, ``+``, ``-`` or ``@`` gets a leading apostrophe. Numbers are written as
text in the exact decimal form the rule file rounds to, so a hand check matches digit for
digit.
"""

from __future__ import annotations

import io
import unicodedata
from collections import Counter
from collections.abc import Mapping
from fractions import Fraction
from pathlib import Path

import pandas as pd

from competition.rules.messages import N_, msg, translate
from competition.rules.model import Criterion, Judged
from competition.rules.numbers import format_exact, parse_decimal
from competition.rules.standings import Standings
from competition.services.award_frames import award_list_frame, prize_totals, prize_totals_frame
from competition.services.cells import escape_cell

_STATUS = {
    "ok": "",
    "incomplete": N_("incomplete"),
    "dq": N_("disqualified"),
    "withdrawn": N_("withdrawn"),
}


def standings_frame(standings: Standings) -> pd.DataFrame:
    """One row per entrant: rank, who, total, award, titles, each item's points, each value."""
    rows = standings.rows
    columns: dict[str, list[object]] = {
        "rank": [row.rank if row.rank is not None else "" for row in rows],
        "entrant": [escape_cell(row.key) for row in rows],
        "name": [escape_cell(row.entrant.name) for row in rows],
    }
    if standings.ruleset.rule.entrants.group_by:
        columns["group"] = [escape_cell(row.group or "") for row in rows]
    columns["status"] = [row.status for row in rows]
    columns["total"] = [standings.total_text(row) for row in rows]
    columns["award"] = [escape_cell(row.award or "") for row in rows]
    columns["prize"] = [format_exact(row.prize) if row.prize is not None else None for row in rows]
    columns["titles"] = [escape_cell("; ".join(t.name for t in row.titles)) for row in rows]
    points_name = standings.ruleset.item_points or ""
    item_ids = list(dict.fromkeys(p.item for row in rows for p in row.items))
    for item in item_ids:
        columns[f"item:{item}"] = []
    for row in rows:
        points = {p.item: p.points for p in row.items}
        for item in item_ids:
            columns[f"item:{item}"].append(standings.value_text(points_name, points.get(item)))
    for name, values in standings.table.entrant_columns.items():
        columns[name] = [standings.value_text(name, values.get(row.key)) for row in rows]
    return pd.DataFrame(columns)


def standings_csv(standings: Standings) -> str:
    return standings_frame(standings).to_csv(index=False, lineterminator="\n")


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int, right: bool) -> str:
    gap = " " * (width - _width(text))
    return gap + text if right else text + gap


def standings_text(standings: Standings, locale: str) -> str:
    """An aligned table for a terminal; CJK characters count as two columns."""

    def _(text: str) -> str:
        return translate(text, locale)

    status_text = {status: _(text) if text else "" for status, text in _STATUS.items()}
    grouped = standings.ruleset.rule.entrants.group_by is not None
    header = [
        _("Rank"),
        _("Entrant"),
        _("Name"),
        *([_("Group")] if grouped else []),
        _("Total"),
        _("Award"),
        _("Titles"),
    ]
    lines = [header]
    for row in standings.rows:
        total = standings.total_text(row)
        lines.append(
            [
                str(row.rank) if row.rank is not None else "—",
                row.key,
                row.entrant.name,
                *([row.group or ""] if grouped else []),
                total if total is not None else status_text[row.status] or "—",
                row.award or "",
                "、".join(t.name for t in row.titles),
            ]
        )
        if row.status in ("dq", "withdrawn", "incomplete") and total is not None:
            lines[-1][-1] = (lines[-1][-1] + " " + status_text[row.status]).strip()
    widths = [max(_width(line[i]) for line in lines) for i in range(len(header))]
    numeric = {0, len(header) - 3}
    title = f"{standings.ruleset.contest}  (sha256 {standings.ruleset.sha256[:12]})"
    body = [
        "  ".join(_pad(cell, widths[i], i in numeric) for i, cell in enumerate(line)).rstrip()
        for line in lines
    ]
    return "\n".join([title, *body]) + "\n"


# --- the score sheet --------------------------------------------------------------------------


def score_sheet_frame(standings: Standings) -> pd.DataFrame:
    """Every judge's mark, whether it was dropped, and the panel's result: the sheet an
    auditor checks by hand. ``counted`` stays for scripts that read the command's export;
    ``adjusted`` (the mark after a per-judge penalty) appears only where a rule has one, and
    ``judges`` (how many judges marked the cell, which sets its drops) only where a panel
    may sit short."""
    criteria = standings.ruleset.rule.criteria
    frames = [
        _panel_sheet(standings, name).assign(order=order)
        for order, name in enumerate(standings.table.panels)
        if not standings.table.panels[name].marks.empty
    ]
    if not frames:
        return pd.DataFrame(columns=[c for c in _SHEET_COLUMNS if c not in ("adjusted", "judges")])
    sheet = pd.concat(frames, ignore_index=True)
    sheet = sheet.sort_values(["entrant", "item", "order", "judge"], kind="stable")
    sheet = sheet.drop(columns="order").reset_index(drop=True)
    if not any(_penalised(criteria[name]) for name in standings.table.panels):
        sheet = sheet.drop(columns="adjusted")
    if all(sizes.min == sizes.max for sizes in standings.ruleset.panel_range.values()):
        sheet = sheet.drop(columns="judges")
    for column in ("entrant", "item", "criterion", "judge"):
        sheet[column] = sheet[column].map(escape_cell)
    return sheet


_SHEET_COLUMNS = (
    "entrant",
    "item",
    "criterion",
    "judge",
    "value",
    "adjusted",
    "counted",
    "dropped",
    "judges",
    "result",
)


def _panel_sheet(standings: Standings, name: str) -> pd.DataFrame:
    panel = standings.table.panels[name]
    marks = panel.marks
    keys = list(zip(marks["entrant"].tolist(), marks["item"].tolist(), strict=True))
    results = {
        key: standings.value_text(name, standings.table.value(name, *key))
        for key in dict.fromkeys(keys)
    }
    counted = marks["counted"].astype(bool).tolist()
    judges = Counter(keys)
    scale = 10**panel.digits
    columns: dict[str, list[object]] = {
        "entrant": [entrant for entrant, _ in keys],
        "item": [item for _, item in keys],
        "criterion": [name] * len(keys),
        "judge": marks["judge"].tolist(),
        "value": [_number_text(str(text)) for text in marks["value"].tolist()],
        "adjusted": [format_exact(Fraction(int(a), scale)) for a in marks["adjusted"].tolist()],
        "counted": list(counted),
        "dropped": [not kept for kept in counted],
        "judges": [judges[key] for key in keys],
        "result": [results[key] for key in keys],
    }
    return pd.DataFrame(columns)


def _penalised(criterion: Criterion) -> bool:
    return isinstance(criterion, Judged) and criterion.penalty is not None


def _number_text(text: str) -> str:
    """A mark as its exact decimal (``27.50`` → ``27.5``), never as text a sheet would run."""
    value = parse_decimal(text)
    return format_exact(value) if value is not None else escape_cell(text)


# --- files for download -----------------------------------------------------------------------

_HEADERS = {
    "rank": N_("Rank"),
    "entrant": N_("Entrant"),
    "name": N_("Name"),
    "group": N_("Group"),
    "status": N_("Status"),
    "total": N_("Total"),
    "award": N_("Award"),
    "titles": N_("Titles"),
    "item": N_("Item"),
    "criterion": N_("Criterion"),
    "judge": N_("Judge"),
    "value": N_("Mark"),
    "adjusted": N_("Mark after penalty"),
    "dropped": N_("Dropped"),
    "judges": N_("Judges on the panel"),
    "result": N_("Panel result"),
    "places": N_("Places"),
    "awarded": N_("Awarded"),
}


def _localise(frame: pd.DataFrame, standings: Standings, locale: str) -> pd.DataFrame:
    """Headers and statuses in the reader's language; ``counted`` gives way to ``dropped``."""
    frame = frame.drop(columns=["counted"], errors="ignore")
    if "status" in frame:
        frame["status"] = frame["status"].map(lambda s: translate(_STATUS[s], locale) if s else "")
    if "criterion" in frame:
        criteria = standings.ruleset.rule.criteria
        frame["criterion"] = frame["criterion"].map(
            lambda name: escape_cell(criteria[name].label or name) if name in criteria else name
        )
    if "dropped" in frame:
        yes, no = translate(N_("yes"), locale), translate(N_("no"), locale)
        frame["dropped"] = frame["dropped"].map(lambda dropped: yes if dropped else no)
    return frame.rename(columns=lambda column: _header(str(column), standings, locale))


def _header(column: str, standings: Standings, locale: str) -> str:
    if column == "prize":
        awards = standings.ruleset.rule.awards
        currency = awards.currency if awards else ""
        return escape_cell(msg(N_("Prize ({currency})"), currency=currency).render(locale))
    if column in _HEADERS:
        return translate(_HEADERS[column], locale)
    if column.startswith("item:"):
        return escape_cell(msg(N_("Item {item}"), item=column[5:]).render(locale))
    criterion = standings.ruleset.rule.criteria.get(column)
    return escape_cell(criterion.label if criterion and criterion.label else column)


def _csv_bytes(frame: pd.DataFrame) -> bytes:
    """UTF-8 with a byte-order mark, which is how Excel knows to read Chinese correctly."""
    return frame.to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def _write_xlsx(target: Path | io.BytesIO, sheets: dict[str, pd.DataFrame]) -> None:
    with pd.ExcelWriter(target, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            frame.to_excel(writer, sheet_name=name, index=False, freeze_panes=(1, 0))
            sheet = writer.sheets[name]
            for index, column in enumerate(frame.columns):
                values = frame[column].head(500)
                cells = [str(column), *(str(v) for v in values[values.notna()])]
                width = min(60, max(_width(cell) for cell in cells) + 2)
                sheet.column_dimensions[_column_letter(index)].width = max(8, width)


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def _xlsx_bytes(sheets: dict[str, pd.DataFrame]) -> bytes:
    buffer = io.BytesIO()
    _write_xlsx(buffer, sheets)
    return buffer.getvalue()


def standings_csv_bytes(standings: Standings, locale: str) -> bytes:
    return _csv_bytes(_localise(standings_frame(standings), standings, locale))


def standings_xlsx_bytes(standings: Standings, locale: str) -> bytes:
    frame = _localise(standings_frame(standings), standings, locale)
    return _xlsx_bytes({translate(N_("Standings"), locale): frame})


def award_list_csv_bytes(standings: Standings, locale: str) -> bytes:
    return _csv_bytes(_localise(award_list_frame(standings), standings, locale))


def award_list_xlsx_bytes(standings: Standings, locale: str) -> bytes:
    """The award list, and a second sheet of prize totals against the budget."""
    totals = _localise(prize_totals_frame(prize_totals(standings), locale), standings, locale)
    return _xlsx_bytes(
        {
            translate(N_("Award list"), locale): _localise(
                award_list_frame(standings), standings, locale
            ),
            translate(N_("Prize totals"), locale): totals,
        }
    )


def _named_sheet(standings: Standings, judges: Mapping[str, str] | None) -> pd.DataFrame:
    """The score sheet with each judge's name for their id in the marks (``J12``)."""
    sheet = score_sheet_frame(standings)
    if judges:
        sheet["judge"] = [
            escape_cell(judges.get(judge, judge)) for judge in sheet["judge"].tolist()
        ]
    return sheet


def score_sheet_csv_bytes(
    standings: Standings, locale: str, judges: Mapping[str, str] | None = None
) -> bytes:
    return _csv_bytes(_localise(_named_sheet(standings, judges), standings, locale))


def score_sheet_xlsx_bytes(
    standings: Standings, locale: str, judges: Mapping[str, str] | None = None
) -> bytes:
    frame = _localise(_named_sheet(standings, judges), standings, locale)
    return _xlsx_bytes({translate(N_("Score sheet"), locale): frame})


def write_standings_xlsx(standings: Standings, path: Path, locale: str) -> None:
    """The command's export: standings and score sheet with the stable column names that
    scripts read (the downloads above carry translated headers instead)."""
    _write_xlsx(
        path,
        {
            translate(N_("Standings"), locale): standings_frame(standings),
            translate(N_("Score sheet"), locale): score_sheet_frame(standings),
        },
    )
