"""Standings as plain data (the JSON contract of ``competition rank``), with the breakdown an
official needs to check every number by hand."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np

from competition.rules.messages import DEFAULT_LOCALE
from competition.rules.numbers import format_exact
from competition.rules.standings import Row, Standings


class _MarkIndex:
    """Each judged criterion's marks grouped by entrant, built once per report."""

    def __init__(self, standings: Standings) -> None:
        self.by_criterion = {
            name: (
                panel,
                panel.marks.groupby("entrant", sort=False).indices if not panel.marks.empty else {},
            )
            for name, panel in standings.table.panels.items()
        }

    def panels(self, standings: Standings, entrant: str) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = []
        criteria = standings.ruleset.rule.criteria
        for name, (panel, index) in self.by_criterion.items():
            rows = index.get(entrant)
            if rows is None:
                continue
            frame = panel.marks.iloc[np.sort(rows)]
            criterion = criteria[name]
            factor = 10**panel.digits
            for item, marks in frame.groupby("item", sort=False):
                result.append(
                    {
                        "criterion": name,
                        "item": item or None,
                        "method": getattr(criterion, "aggregate", None),
                        "marks": [
                            {
                                "judge": judge,
                                "value": value,
                                "counted": bool(counted),
                                **(
                                    {"adjusted": format_exact(_fraction(adjusted, factor))}
                                    if getattr(criterion, "penalty", None)
                                    else {}
                                ),
                            }
                            for judge, value, adjusted, counted in marks[
                                ["judge", "value", "adjusted", "counted"]
                            ].itertuples(index=False, name=None)
                        ],
                        "result": standings.value_text(
                            name, standings.table.value(name, entrant, str(item) if item else None)
                        ),
                    }
                )
        return result


def _fraction(scaled: int, factor: int) -> Fraction:
    return Fraction(int(scaled), factor)


def breakdown(
    standings: Standings, row: Row, index: _MarkIndex, locale: str = DEFAULT_LOCALE
) -> dict[str, Any]:
    table = standings.table
    ruleset = standings.ruleset
    if row.members:
        return {
            "members": [
                {
                    "entrant": m.key,
                    "name": m.entrant.name,
                    "status": m.status,
                    "total": standings.total_text(m),
                    "breakdown": breakdown(standings, m, index, locale),
                }
                for m in row.members
            ],
            "eligibility": row.eligibility,
            "tiebreak": _tiebreak(standings, row),
        }
    values = {
        name: standings.value_text(name, column.get(row.key))
        for name, column in table.entrant_columns.items()
    }
    items = {
        item: {
            name: standings.value_text(name, table.item_columns[name].get((row.key, item)))
            for name in table.item_columns
        }
        for item in table.item_rows.get(row.key, [])
    }
    return {
        "values": values,
        "items": items,
        "panels": index.panels(standings, row.key),
        "raw_total": format_exact(row.raw_total) if row.raw_total is not None else None,
        "deductions": [
            {"label": d.label, "points": format_exact(d.points)} for d in row.deductions
        ],
        "penalty": row.penalty,
        "eligibility": row.eligibility,
        "tiebreak": _tiebreak(standings, row),
        "titles_need_approval": [t.name for t in row.titles if t.needs_approval],
        "missing": [m.render(locale) for m in table.missing.get(row.key, [])],
        "flags": [m.render(locale) for m in table.flags.get(row.key, [])],
        "rounding": ruleset.rule.total.round.model_dump(mode="json"),
    }


def _tiebreak(standings: Standings, row: Row) -> dict[str, Any]:
    return {
        "keys": {k: standings.value_text(k, v) for k, v in row.tiebreak.items()},
        "decided_by": row.decided_by,
        "shared": row.shared,
    }


def _money(value: Fraction | None) -> str | None:
    return None if value is None else format_exact(value)


def standings_dict(
    standings: Standings, locale: str = DEFAULT_LOCALE, with_breakdown: bool = True
) -> dict[str, Any]:
    """The JSON document of ``competition rank --format json``."""
    index = _MarkIndex(standings) if with_breakdown else None
    rule = standings.ruleset.rule
    points_name = standings.ruleset.item_points or ""
    rows = []
    for row in standings.rows:
        entry: dict[str, Any] = {
            "entrant": row.key,
            "name": row.entrant.name,
            "rank": row.rank,
            "total": standings.total_text(row),
            "award": row.award,
            "titles": [t.name for t in row.titles],
            "items": [
                {
                    "item": p.item,
                    "points": standings.value_text(points_name, p.points),
                    "counted": p.counted,
                }
                for p in row.items
            ],
            "status": row.status,
            "group": row.group,
            "prize": _money(row.prize),
        }
        if index is not None:
            entry["breakdown"] = breakdown(standings, row, index, locale)
        rows.append(entry)
    return {
        "contest": rule.contest,
        "rules_version": rule.version,
        "rules_sha256": standings.ruleset.sha256,
        "complete": standings.complete,
        "standings": rows,
        **awards_dict(standings),
    }


def awards_dict(standings: Standings) -> dict[str, Any]:
    """Per group and tier: the places, how many were awarded and the prize money; then the
    prize total against the rule file's budget."""
    budget = standings.ruleset.rule.awards.budget if standings.ruleset.rule.awards else None
    return {
        "awards": [
            {
                "group": summary.group,
                "tiers": [
                    {
                        "name": count.tier,
                        "places": count.places,
                        "awarded": summary.awarded.get(count.tier, 0),
                        "prize_total": format_exact(summary.prizes.get(count.tier, Fraction(0))),
                    }
                    for count in summary.tiers
                ],
            }
            for summary in standings.awards
        ],
        "prize_total": format_exact(standings.prize_total),
        "budget": str(budget) if budget is not None else None,
        "over_budget": budget is not None and standings.prize_total > budget,
    }
