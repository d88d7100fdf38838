"""Places: eligibility, ranks within groups, plausibility checks, awards and titles."""

from __future__ import annotations

from fractions import Fraction

from competition.rules.awards import Candidate, assign_awards
from competition.rules.collection import cycles_paused
from competition.rules.formula import MissingValue, Value
from competition.rules.messages import N_, msg
from competition.rules.model import Tier
from competition.rules.ranking import rank
from competition.rules.standings import (
    AwardSummary,
    Row,
    Standings,
    TitleAward,
)
from competition.rules.totals import truth
from competition.rules.values import ValueTable


def _extras(row: Row) -> dict[str, Value | None]:
    extras: dict[str, Value | None] = {"total": row.total}
    extras.update(row.eligibility)
    if row.rank is not None:
        extras["rank"] = Fraction(row.rank)
    if row.field_size is not None:
        extras["field_size"] = Fraction(row.field_size)
    extras["award"] = row.award or ""
    return extras


@cycles_paused()
def place(standings: Standings) -> None:
    """Eligibility, then ranks within groups, then awards and titles, in standing order."""
    _run_checks(standings)
    _eligibility(standings)
    groups: dict[str | None, list[Row]] = {}
    for row in standings.rows:
        groups.setdefault(row.group, []).append(row)
    for members in groups.values():
        _rank_group(standings, members)
    ordered: list[Row] = []
    for members in groups.values():
        members.sort(key=lambda r: (r.rank is None, r.rank or 0, _status_order(r), r.key))
        ordered.extend(members)
    standings.rows = ordered
    if standings.ruleset.rule.awards is not None:
        _award(standings, groups)
    _titles(standings)


def _eligibility(standings: Standings) -> None:
    ruleset = standings.ruleset
    names = list(ruleset.rule.eligibility)
    if not names:
        return
    members = [member for team in standings.rows for member in team.members]
    for row in members + standings.rows:
        if row.members:  # a team is eligible when every member is
            row.eligibility = {
                n: all(m.eligibility.get(n, False) for m in row.members) for n in names
            }
            continue
        env = standings.table.env(row.key, extra=_extras(row))
        for name in names:
            try:
                row.eligibility[name] = truth(ruleset.formula(f"eligibility.{name}").evaluate(env))
            except MissingValue:
                row.eligibility[name] = False


def _rank_group(standings: Standings, members: list[Row]) -> None:
    ranking = standings.ruleset.rule.ranking
    keys = ["total", *(t.key for t in ranking.tiebreak)]
    orders = [ranking.order, *(t.order for t in ranking.tiebreak)]
    ranked = [row for row in members if row.total is not None]
    entries = []
    for row in ranked:
        row.tiebreak = {key: _key_value(standings.table, row, key) for key in keys[1:]}
        entries.append((row.key, [row.total, *row.tiebreak.values()]))
    by_key = {row.key: row for row in ranked}
    for result in rank(entries, orders, keys, ranking.method):
        row = by_key[result.key]
        row.rank, row.shared, row.decided_by = result.rank, result.shared, result.decided_by
        row.field_size = len(ranked)


def _run_checks(standings: Standings) -> None:
    """Plausibility checks: a true ``when`` flags the entrant for a re-survey, nothing more."""
    ruleset = standings.ruleset
    if not ruleset.rule.checks:
        return
    for row in standings.rows:
        env = standings.table.env(row.key, extra=_extras(row))
        for index, check in enumerate(ruleset.rule.checks):
            try:
                hit = truth(ruleset.formula(f"checks.{index}.when").evaluate(env))
            except MissingValue:
                continue
            if hit:
                standings.table.flag(row.key, msg(N_("check: {label}"), label=check.label))


def _status_order(row: Row) -> int:
    return {"ok": 0, "incomplete": 1, "withdrawn": 2, "dq": 3}[row.status]


def _key_value(table: ValueTable, row: Row, key: str) -> Fraction | None:
    if key == "total":
        return row.total
    value = table.value(key, row.key)
    if value is not None:
        return value
    attribute = table.attributes.get(row.key, {}).get(key)
    if isinstance(attribute, bool):
        return Fraction(int(attribute))
    return attribute if isinstance(attribute, Fraction) else None


def _award(standings: Standings, groups: dict[str | None, list[Row]]) -> None:
    awards = standings.ruleset.rule.awards
    assert awards is not None
    pools = groups if awards.per_group else {None: standings.rows}
    by_key = {row.key: row for row in standings.rows}
    for group, members in pools.items():
        ranked = [row for row in members if row.rank is not None]

        def base_of(tier: Tier, members: list[Row] = members, ranked: list[Row] = ranked) -> int:
            if awards.base == "entrants":
                return len(members)
            if awards.base == "eligible":
                return sum(1 for r in ranked if all(r.eligibility.get(n) for n in tier.require))
            return len(ranked)

        awarded, counts = assign_awards(
            awards,
            _candidates(standings, ranked, len(pools) == 1 and len(groups) > 1),
            base_of,
            lambda tier, key: _qualifies(standings, tier, by_key[key]),
        )
        summary = AwardSummary(group if awards.per_group else None, counts, {}, {})
        prizes = {tier.name: tier.prize for tier in awards.tiers}
        for key, tier_name in awarded.items():
            row = by_key[key]
            row.award = tier_name
            prize = prizes.get(tier_name)
            row.prize = Fraction(prize) if prize is not None else None
            summary.awarded[tier_name] = summary.awarded.get(tier_name, 0) + 1
            summary.prizes[tier_name] = summary.prizes.get(tier_name, Fraction(0)) + (
                row.prize or Fraction(0)
            )
        standings.awards.append(summary)


def _candidates(standings: Standings, ranked: list[Row], across_groups: bool) -> list[Candidate]:
    """Award candidates in rank order; across groups they are ranked again, on one list,
    by the same total and tie-breaks."""
    if not across_groups:
        return [Candidate(row.key, row.rank or 0) for row in ranked]
    ranking = standings.ruleset.rule.ranking
    keys = ["total", *(t.key for t in ranking.tiebreak)]
    orders = [ranking.order, *(t.order for t in ranking.tiebreak)]
    entries = [(r.key, [r.total, *(r.tiebreak.get(k) for k in keys[1:])]) for r in ranked]
    return [
        Candidate(result.key, result.rank) for result in rank(entries, orders, keys, ranking.method)
    ]


def _qualifies(standings: Standings, tier: Tier, row: Row) -> bool:
    if not all(row.eligibility.get(name, False) for name in tier.require):
        return False
    if tier.when is None:
        return True
    awards = standings.ruleset.rule.awards
    assert awards is not None
    env = standings.table.env(row.key, extra=_extras(row))
    formula = standings.ruleset.formula(f"awards.tiers.{awards.tiers.index(tier)}.when")
    try:
        return truth(formula.evaluate(env))
    except MissingValue:
        return False


def _titles(standings: Standings) -> None:
    ruleset = standings.ruleset
    if not ruleset.rule.titles:
        return
    for row in standings.rows:
        if row.rank is None:
            continue
        env = standings.table.env(row.key, extra=_extras(row))
        for index, title in enumerate(ruleset.rule.titles):
            try:
                granted = truth(ruleset.formula(f"titles.{index}.when").evaluate(env))
            except MissingValue:
                continue
            if granted:
                row.titles.append(TitleAward(title.name, title.needs_approval))
