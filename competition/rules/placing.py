"""Places: eligibility, ranks within groups, plausibility checks, awards and titles."""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction

from competition.rules.awards import Candidate, assign_awards
from competition.rules.collection import cycles_paused
from competition.rules.messages import N_, msg
from competition.rules.model import Awards, Tier
from competition.rules.predicates import column_truths, row_truth, truths
from competition.rules.ranking import rank_columns
from competition.rules.standings import (
    AwardSummary,
    Row,
    Standings,
    TitleAward,
)
from competition.rules.tiebreaks import tiebreak_columns

STATUS_ORDER = {"ok": 0, "incomplete": 1, "withdrawn": 2, "dq": 3}  # of the unranked
Qualifying = Callable[[Tier, list[str]], list[bool]]


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
        members.sort(key=lambda r: (r.rank is None, r.rank or 0, STATUS_ORDER[r.status], r.key))
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
    teams = [row for row in standings.rows if row.members]
    members = [member for team in teams for member in team.members]
    alone = (
        [row for row in members + standings.rows if not row.members] if teams else standings.rows
    )
    held = [truths(standings, alone, f"eligibility.{n}") for n in names]
    # every condition sees the row as it was before any was evaluated
    for row, values in zip(alone, zip(*held, strict=True), strict=True):
        found = dict(zip(names, values, strict=True))
        row.eligibility = {**row.eligibility, **found} if row.eligibility else found
    for row in [member for member in members if member.members] + teams:
        # a team is eligible when every member is
        row.eligibility = {n: all(m.eligibility.get(n, False) for m in row.members) for n in names}


def _rank_group(standings: Standings, members: list[Row]) -> None:
    ranking = standings.ruleset.rule.ranking
    ranked = [row for row in members if row.total is not None]
    columns = tiebreak_columns(standings, ranked)
    names = [column.name for column in columns]
    for index, row in enumerate(ranked):
        row.tiebreak = {column.name: column.values[index] for column in columns}
    ids = [row.key for row in ranked]
    by_key = dict(zip(ids, ranked, strict=True))
    size = len(ranked)
    for key, rank_, decided_by, shared in rank_columns(
        ids,
        [[row.total for row in ranked], *(column.values for column in columns)],
        [ranking.order, *(column.order for column in columns)],
        ["total", *names],
        ranking.method,
    ):
        row = by_key[key]
        row.rank, row.shared, row.decided_by, row.field_size = rank_, shared, decided_by, size


def _run_checks(standings: Standings) -> None:
    """Plausibility checks: a true ``when`` flags the entrant for a re-survey, nothing more."""
    checks = standings.ruleset.rule.checks
    if not checks:
        return
    hits = [truths(standings, standings.rows, f"checks.{n}.when") for n in range(len(checks))]
    for index, row in enumerate(standings.rows):
        for check, hit in zip(checks, hits, strict=True):
            if hit[index]:
                standings.table.flag(row.key, msg(N_("check: {label}"), label=check.label))


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
            _qualifying(standings, awards, ranked),
        )
        summary = AwardSummary(group if awards.per_group else None, counts, {}, {})
        prizes = {t.name: Fraction(t.prize) for t in awards.tiers if t.prize is not None}
        for key, tier_name in awarded.items():
            row = by_key[key]
            row.award = tier_name
            row.prize = prizes.get(tier_name)
            summary.awarded[tier_name] = summary.awarded.get(tier_name, 0) + 1
        for tier_name, count in summary.awarded.items():
            summary.prizes[tier_name] = count * prizes.get(tier_name, Fraction(0))
        standings.awards.append(summary)


def _candidates(standings: Standings, ranked: list[Row], across_groups: bool) -> list[Candidate]:
    """Award candidates in rank order; across groups they are ranked again, on one list,
    by the same total and tie-breaks (a countback as long as the longest of them all)."""
    if not across_groups:
        return [Candidate(row.key, row.rank or 0) for row in ranked]
    ranking = standings.ruleset.rule.ranking
    columns = tiebreak_columns(standings, ranked)
    ranks = rank_columns(
        [row.key for row in ranked],
        [[row.total for row in ranked], *(column.values for column in columns)],
        [ranking.order, *(column.order for column in columns)],
        ["total", *(column.name for column in columns)],
        ranking.method,
    )
    return [Candidate(result.key, result.rank) for result in ranks]


def _qualifying(standings: Standings, awards: Awards, ranked: list[Row]) -> Qualifying:
    """Which of some ranked rows meet a tier's requirements and condition; each condition is
    computed for the pool column-wise once, a row the column leaves open when asked."""
    by_key = {row.key: row for row in ranked}
    decided: dict[int, dict[str, bool | None]] = {}

    def qualifying(tier: Tier, keys: list[str]) -> list[bool]:
        rows = [by_key[key] for key in keys]
        allowed = [True] * len(rows)
        for name in tier.require:
            allowed = [
                a and r.eligibility.get(name, False) for a, r in zip(allowed, rows, strict=True)
            ]
        if tier.when is None:
            return allowed
        index = awards.tiers.index(tier)
        path = f"awards.tiers.{index}.when"
        if index not in decided:
            decided[index] = dict(zip(by_key, column_truths(standings, ranked, path), strict=True))
        known = decided[index]
        return [
            a and (row_truth(standings, r, path) if known[r.key] is None else bool(known[r.key]))
            for a, r in zip(allowed, rows, strict=True)
        ]

    return qualifying


def _titles(standings: Standings) -> None:
    titles = standings.ruleset.rule.titles
    if not titles:
        return
    ranked = [row for row in standings.rows if row.rank is not None]
    granted = [truths(standings, ranked, f"titles.{n}.when") for n in range(len(titles))]
    for index, row in enumerate(ranked):
        for title, holds in zip(titles, granted, strict=True):
            if holds[index]:
                row.titles.append(TitleAward(title.name, title.needs_approval, title.valid_years))
