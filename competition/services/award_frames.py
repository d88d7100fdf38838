"""The award list as data, without the database: who is awarded in what order, the prize
money per tier against the budget, and money and dates as official documents print them
(``competition rank`` uses these without loading Flask or the models)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from fractions import Fraction

import pandas as pd

from competition.rules.messages import translate
from competition.rules.numbers import format_exact
from competition.rules.standings import Row, Standings
from competition.services.cells import escape_cell


def _awardees(standings: Standings) -> list[Row]:
    """Awardees by group (when awards are per group), then tier as the rule file lists them
    (title-only rows last), then standing order."""
    awards = standings.ruleset.rule.awards
    tiers = {tier.name: index for index, tier in enumerate(awards.tiers)} if awards else {}
    per_group = any(summary.group is not None for summary in standings.awards)
    groups = list(
        dict.fromkeys([s.group for s in standings.awards] + [r.group for r in standings.rows])
    )

    def order(row: Row) -> tuple[int, int]:
        group = groups.index(row.group) if per_group else 0
        return group, tiers.get(row.award, len(tiers)) if row.award else len(tiers)

    return sorted((r for r in standings.rows if r.award or r.titles), key=order)


def award_list_frame(standings: Standings) -> pd.DataFrame:
    """One row per awardee: tier, titles, who, total and prize money."""
    rows = _awardees(standings)
    columns: dict[str, list[object]] = {}
    if standings.ruleset.rule.entrants.group_by:
        columns["group"] = [escape_cell(row.group or "") for row in rows]
    columns["award"] = [escape_cell(row.award or "") for row in rows]
    columns["titles"] = [escape_cell("; ".join(t.name for t in row.titles)) for row in rows]
    columns["rank"] = [row.rank if row.rank is not None else "" for row in rows]
    columns["entrant"] = [escape_cell(row.key) for row in rows]
    columns["name"] = [escape_cell(row.entrant.name) for row in rows]
    columns["total"] = [standings.total_text(row) for row in rows]
    columns["prize"] = [format_exact(row.prize) if row.prize is not None else None for row in rows]
    return pd.DataFrame(columns)


@dataclass(frozen=True)
class TierTotal:
    group: str | None
    tier: str
    places: int | None  # None for a threshold-only tier
    awarded: int
    prize: Fraction


@dataclass(frozen=True)
class PrizeTotals:
    """Prize money per tier and group, in total, and against the rule file's budget."""

    tiers: list[TierTotal]
    total: Fraction
    budget: Fraction | None
    currency: str

    @property
    def groups(self) -> dict[str | None, Fraction]:
        totals: dict[str | None, Fraction] = {}
        for tier in self.tiers:
            totals[tier.group] = totals.get(tier.group, Fraction(0)) + tier.prize
        return totals

    @property
    def over_budget(self) -> bool:
        return self.budget is not None and self.total > self.budget


def prize_totals(standings: Standings) -> PrizeTotals:
    awards = standings.ruleset.rule.awards
    tiers = [
        TierTotal(
            summary.group,
            count.tier,
            count.places,
            summary.awarded.get(count.tier, 0),
            summary.prizes.get(count.tier, Fraction(0)),
        )
        for summary in standings.awards
        for count in summary.tiers
    ]
    budget = Fraction(awards.budget) if awards and awards.budget is not None else None
    currency = awards.currency if awards else ""
    return PrizeTotals(tiers, standings.prize_total, budget, currency)


_TotalLine = tuple[str | None, str, int | None, int | None, Fraction]  # group, label, …, prize


def prize_totals_frame(totals: PrizeTotals, locale: str) -> pd.DataFrame:
    """Tier rows, a subtotal per group when there are several, the total, the budget and
    what is left of it (negative when over)."""

    def _(text: str) -> str:
        return translate(text, locale)

    lines: list[_TotalLine] = []
    groups = totals.groups
    for group, subtotal in groups.items():
        tiers = [t for t in totals.tiers if t.group == group]
        lines.extend((group, t.tier, t.places, t.awarded, t.prize) for t in tiers)
        if len(groups) > 1:
            lines.append((group, _("Subtotal"), None, sum(t.awarded for t in tiers), subtotal))
    awarded = sum(t.awarded for t in totals.tiers)
    lines.append((None, _("All awards"), None, awarded, totals.total))
    if totals.budget is not None:
        lines.append((None, _("Budget"), None, None, totals.budget))
        lines.append((None, _("Left of the budget"), None, None, totals.budget - totals.total))
    columns: dict[str, object] = {}
    if any(group is not None for group in groups):
        columns["group"] = [escape_cell(line[0] or "") for line in lines]
    columns["award"] = [escape_cell(line[1]) for line in lines]
    columns["places"] = pd.array([line[2] for line in lines], dtype="Int64")
    columns["awarded"] = pd.array([line[3] for line in lines], dtype="Int64")
    columns["prize"] = [format_exact(line[4]) for line in lines]
    return pd.DataFrame(columns)


# --- the printed award list --------------------------------------------------------------

YUAN = frozenset({"元", "yuan", "cny", "rmb", "人民币", "¥", "￥"})
REPEATING = "…"  # format_exact's mark of a cut repeating decimal


def money(value: Decimal | Fraction | str | None, locale: str, currency: str = "元") -> str:
    """An amount with thousands separators and every digit it has: "5,000 元" in Chinese,
    "¥5,000" in English; another currency by its name after the number. Empty for none."""
    if value is None or value == "":
        return ""
    if isinstance(value, Fraction):
        value = format_exact(value)
    cut = isinstance(value, str) and value.endswith(REPEATING)
    try:
        amount = Decimal(value.removesuffix(REPEATING) if isinstance(value, str) else value)
    except InvalidOperation:
        return str(value)
    digits = f"{amount:,}" + (REPEATING if cut else "")
    if currency.strip().lower() in YUAN:
        return f"{digits} 元" if locale.startswith("zh") else f"¥{digits}"
    return f"{digits} {currency}"


def document_date(day: date, locale: str) -> str:
    """The date as official documents print it: 2026年12月7日, or 7 December 2026. The one
    place to change should a contest want another style (二〇二六年十二月七日)."""
    if locale.startswith("zh"):
        return f"{day.year}年{day.month}月{day.day}日"
    return f"{day.day} {day.strftime('%B')} {day.year}"
