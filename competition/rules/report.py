"""Standings as plain data (the JSON contract of ``competition rank``), with the breakdown an
official needs to check every number by hand."""

from __future__ import annotations

from collections.abc import Hashable, Iterator, Mapping
from fractions import Fraction
from functools import cached_property
from typing import Any, TypeVar

from competition.rules.breakdown import PanelIndex
from competition.rules.collection import cycles_paused
from competition.rules.messages import DEFAULT_LOCALE
from competition.rules.numbers import format_exact
from competition.rules.standings import Row, Standings

K = TypeVar("K", bound=Hashable)


class Report:
    """What every entrant's breakdown reads, prepared once per report: the marks in order,
    each value's text (values are shared objects, so each distinct one is formatted once).

    The parts every entrant repeats (its item points, its items' values, its panels) are
    plain data here; :mod:`competition.rules.report_json` gives them as JSON text."""

    def __init__(self, standings: Standings, locale: str) -> None:
        self.standings = standings
        self.locale = locale
        self.panels = PanelIndex(standings)
        criteria = standings.ruleset.rule.criteria
        self.methods = {
            name: getattr(criteria[name], "aggregate", None) for name in self.panels.marks
        }
        ranges = standings.ruleset.panel_range
        self.sizes = {
            name: {"min": ranges[name].min, "max": ranges[name].max} for name in self.panels.marks
        }
        table = standings.table
        self.values = {n: _texts(standings, n, c) for n, c in table.entrant_columns.items()}
        self.item_values = {n: _texts(standings, n, c) for n, c in table.item_columns.items()}
        self._values_for: dict[str, list[tuple[str, dict[tuple[str, str], str | None]]]] = {}
        self.rounding = standings.ruleset.rule.total.round.model_dump(mode="json")

    def points_of(self, row: Row) -> object:
        """The row's ``items``: each item's points and whether they count."""
        return item_points(self.standings, row)

    def items_of(self, entrant: str) -> object:
        """The breakdown's ``items``: each of the entrant's items with its values."""
        return {
            item: {name: texts.get((entrant, item)) for name, texts in self.values_for(item)}
            for item in self.standings.table.item_rows.get(entrant, [])
        }

    def values_for(self, item: str) -> list[tuple[str, dict[tuple[str, str], str | None]]]:
        """The per-item values given for ``item``: every one, or its group's (made once
        per item: the breakdown asks for every entrant)."""
        known = self._values_for.get(item)
        if known is None:
            ruleset = self.standings.ruleset
            known = self._values_for[item] = [
                (name, texts)
                for name, texts in self.item_values.items()
                if (allowed := ruleset.items_of(name)) is None or item in allowed
            ]
        return known

    @cached_property
    def mark_dicts(self) -> dict[str, list[dict[str, Any]]]:
        """Every judged criterion's marks as the document lists them, in breakdown order."""
        return {name: marks.dicts() for name, marks in self.panels.marks.items()}

    def panels_of(self, entrant: str) -> object:
        """The breakdown's ``panels``: each panel with every judge's mark."""
        dicts = self.mark_dicts
        return [
            {
                "criterion": run.criterion,
                "item": run.item or None,
                "method": self.methods[run.criterion],
                "judges": run.stop - run.start,
                "panel_size": dict(self.sizes[run.criterion]),
                "absent": run.start == run.stop,
                "marks": dicts[run.criterion][run.start : run.stop],
                "result": self.result(run.criterion, entrant, run.item),
            }
            for run in self.panels.of(entrant)
        ]

    def result(self, name: str, entrant: str, item: str) -> str | None:
        """As ``table.value`` finds it: the item's value, else the entrant's."""
        if item and name in self.item_values:
            return self.item_values[name].get((entrant, item))
        column = self.values.get(name)
        return column.get(entrant) if column is not None else None


def item_points(standings: Standings, row: Row) -> list[dict[str, Any]]:
    points_name = standings.ruleset.item_points or ""
    return [
        {
            "item": p.item,
            "points": standings.value_text(points_name, p.points),
            "counted": p.counted,
        }
        for p in row.items
    ]


def _texts(
    standings: Standings, name: str, column: Mapping[K, Fraction | None]
) -> dict[K, str | None]:
    """A column's values as text (the column keeps each object alive, so ``id`` is safe)."""
    done: dict[int, str | None] = {}
    result: dict[K, str | None] = {}
    for key, value in column.items():
        text = done.get(id(value)) if value is not None else None
        if text is None and value is not None:
            text = done[id(value)] = standings.value_text(name, value)
        result[key] = text
    return result


def breakdown(report: Report, row: Row) -> dict[str, Any]:
    standings = report.standings
    table = standings.table
    if row.members:
        return {
            "members": [
                {
                    "entrant": m.key,
                    "name": m.entrant.name,
                    "status": m.status,
                    "total": standings.total_text(m),
                    "breakdown": breakdown(report, m),
                }
                for m in row.members
            ],
            "eligibility": row.eligibility,
            "tiebreak": _tiebreak(standings, row),
        }
    key = row.key
    locale = report.locale
    return {
        "values": {name: texts.get(key) for name, texts in report.values.items()},
        "items": report.items_of(key),
        "panels": report.panels_of(key),
        "raw_total": format_exact(row.raw_total) if row.raw_total is not None else None,
        "deductions": [
            {"label": d.label, "points": format_exact(d.points)} for d in row.deductions
        ],
        "penalty": row.penalty,
        "eligibility": row.eligibility,
        "tiebreak": _tiebreak(standings, row),
        "titles_need_approval": [t.name for t in row.titles if t.needs_approval],
        "missing": [m.render(locale) for m in table.missing.get(key, [])],
        "flags": [m.render(locale) for m in table.flags.get(key, [])],
        "rounding": dict(report.rounding),
        **_not_taken(standings, key),
    }


def _not_taken(standings: Standings, entrant: str) -> dict[str, Any]:
    """``not_taken``: the entrant's items left out, with the code entered (``DNI``), where
    the rule file lets items be left out."""
    items = standings.ruleset.rule.items
    if items is None or items.not_taken is None:
        return {}
    table = standings.table
    left_out = {
        item: table.not_taken[(entrant, item)]
        for item in table.item_rows.get(entrant, [])
        if (entrant, item) in table.not_taken
    }
    return {"not_taken": left_out}


def _tiebreak(standings: Standings, row: Row) -> dict[str, Any]:
    """The tie-break values; a countback position (``score#2``) is shown as its criterion
    says, like the criterion's own values."""
    return {
        "keys": {k: standings.value_text(k.partition("#")[0], v) for k, v in row.tiebreak.items()},
        "decided_by": row.decided_by,
        "shared": row.shared,
    }


def _money(value: Fraction | None) -> str | None:
    return None if value is None else format_exact(value)


@cycles_paused()
def standings_dict(
    standings: Standings, locale: str = DEFAULT_LOCALE, with_breakdown: bool = True
) -> dict[str, Any]:
    """The JSON document of ``competition rank --format json``."""
    entries = standings_entries(standings, locale, with_breakdown)
    return standings_document(standings, list(entries))


def standings_document(standings: Standings, entries: object) -> dict[str, Any]:
    """The document around its ``entries`` (a list, or anything the writer lists)."""
    rule = standings.ruleset.rule
    return {
        "contest": rule.contest,
        "rules_version": rule.version,
        "rules_sha256": standings.ruleset.sha256,
        "complete": standings.complete,
        "standings": entries,
        **awards_dict(standings),
    }


def standings_entries(
    standings: Standings,
    locale: str = DEFAULT_LOCALE,
    with_breakdown: bool = True,
    *,
    report_as: type[Report] = Report,
) -> Iterator[dict[str, Any]]:
    """Each row of the standings as the document lists it, one at a time; ``report_as``
    makes the parts each entrant repeats."""
    report = report_as(standings, locale) if with_breakdown else None
    for row in standings.rows:
        entry: dict[str, Any] = {
            "entrant": row.key,
            "name": row.entrant.name,
            "rank": row.rank,
            "total": standings.total_text(row),
            "award": row.award,
            "titles": [t.name for t in row.titles],
            "title_valid_years": {t.name: t.valid_years for t in row.titles},
            "items": item_points(standings, row) if report is None else report.points_of(row),
            "status": row.status,
            "group": row.group,
            "prize": _money(row.prize),
        }
        if report is not None:
            entry["breakdown"] = breakdown(report, row)
        yield entry


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
