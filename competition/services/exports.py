"""Standings as files people open: an aligned text table, CSV and an XLSX score sheet.

Text that came from users is escaped against spreadsheet formula injection: a cell that
starts with ``=``, ``+``, ``-`` or ``@`` gets a leading apostrophe.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pandas as pd

from competition.rules.messages import translate
from competition.rules.numbers import format_exact
from competition.rules.standings import Standings

_FORMULA_START = ("=", "+", "-", "@")


def escape_cell(text: str) -> str:
    return "'" + text if text.startswith(_FORMULA_START) else text


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

    status_text = {
        "ok": "",
        "incomplete": _("incomplete"),
        "dq": _("disqualified"),
        "withdrawn": _("withdrawn"),
    }
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


def score_sheet_frame(standings: Standings) -> pd.DataFrame:
    """Every judge's mark with whether it counted: the sheet an auditor checks by hand."""
    frames = []
    for name, panel in standings.table.panels.items():
        if panel.marks.empty:
            continue
        frame = panel.marks[["entrant", "item", "judge", "value", "counted"]].copy()
        frame.insert(2, "criterion", name)
        frames.append(frame)
    if not frames:
        return pd.DataFrame(columns=["entrant", "item", "criterion", "judge", "value", "counted"])
    sheet = pd.concat(frames, ignore_index=True).sort_values(
        ["entrant", "item", "criterion", "judge"], kind="stable"
    )
    for column in ("entrant", "item", "judge"):
        sheet[column] = sheet[column].map(escape_cell)
    return sheet.reset_index(drop=True)


def write_standings_xlsx(standings: Standings, path: Path, locale: str) -> None:
    def _(text: str) -> str:
        return translate(text, locale)

    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        standings_frame(standings).to_excel(writer, sheet_name=_("Standings"), index=False)
        score_sheet_frame(standings).to_excel(writer, sheet_name=_("Score sheet"), index=False)
