"""The pure pipeline: (rule set, entrants, marks) → standings. No I/O, deterministic.

inputs checked → panels aggregated → criteria computed in dependency order → total with
penalties → eligibility → ranks with tie-breaks → awards → titles.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

import pandas as pd

from competition.rules.awards import Candidate, assign_awards
from competition.rules.datafiles import Entrant
from competition.rules.errors import DataFileError, Problem
from competition.rules.formula import MissingValue, Value
from competition.rules.inputs import read_inputs
from competition.rules.messages import N_, msg
from competition.rules.model import Tier
from competition.rules.numbers import parse_decimal, round_fraction
from competition.rules.ranking import rank
from competition.rules.ruleset import RuleSet
from competition.rules.standings import (
    AwardSummary,
    Deduction,
    ItemPoints,
    Row,
    Standings,
    TitleAward,
)
from competition.rules.teams import team_rows
from competition.rules.values import (
    Attribute,
    ValueTable,
    compute_values,
    evaluate_number,
    item_rows_for,
)

_TRUE = {"1", "true", "yes", "y", "是", "√", "✓"}
_FALSE = {"0", "false", "no", "n", "否", "", "×"}


def typed_attributes(
    ruleset: RuleSet, entrants: Sequence[Entrant], source: str, checked: bool
) -> dict[str, dict[str, Attribute]]:
    """Attribute text → text, number or bool as declared; every bad cell is a problem."""
    declared = ruleset.rule.entrants.attributes
    team = ruleset.rule.entrants.team
    problems: list[Problem] = []
    result: dict[str, dict[str, Attribute]] = {}
    for entrant in entrants:
        typed: dict[str, Attribute] = {}
        for column, text in entrant.attributes.items():
            spec = declared.get(column)
            if spec is None:
                if team is not None and column == team.attribute:
                    typed[column] = text
                    continue
                problems.append(
                    Problem(
                        source,
                        entrant.line,
                        column,
                        msg(
                            N_("unknown column '{column}'; declared attributes: {known}"),
                            column=column,
                            known=", ".join(declared) or "—",
                        ),
                    )
                )
                continue
            if not text:
                if spec.required:
                    problems.append(
                        Problem(source, entrant.line, column, msg(N_("required, but empty")))
                    )
                continue
            if spec.type == "number":
                number = parse_decimal(text)
                if number is None:
                    problems.append(
                        Problem(
                            source,
                            entrant.line,
                            column,
                            msg(N_("expected a number, found '{value}'"), value=text),
                        )
                    )
                    continue
                typed[column] = number
            elif spec.type == "bool":
                lowered = text.lower()
                if lowered not in _TRUE | _FALSE:
                    problems.append(
                        Problem(
                            source,
                            entrant.line,
                            column,
                            msg(
                                N_("expected yes or no (1/0, true/false, 是/否), found '{value}'"),
                                value=text,
                            ),
                        )
                    )
                    continue
                typed[column] = lowered in _TRUE
            else:
                if spec.values is not None and text not in spec.values:
                    problems.append(
                        Problem(
                            source,
                            entrant.line,
                            column,
                            msg(
                                N_("'{value}' is not one of: {values}"),
                                value=text,
                                values=", ".join(spec.values),
                            ),
                        )
                    )
                    continue
                typed[column] = text
        if checked:
            for column, spec in declared.items():
                if spec.required and column not in entrant.attributes:
                    problems.append(
                        Problem(
                            source,
                            entrant.line,
                            column,
                            msg(N_("required column '{column}' is missing"), column=column),
                        )
                    )
        result[entrant.id] = typed
    if problems:
        raise DataFileError(problems[:200])
    return result


def compute_standings(
    ruleset: RuleSet,
    marks: pd.DataFrame,
    entrants: Sequence[Entrant] | None = None,
    *,
    provisional: bool = False,
    marks_source: str = "marks",
    entrants_source: str = "entrants",
) -> Standings:
    """Standings from raw marks. Without ``provisional`` every mark must be in."""
    given = entrants is not None
    if entrants is None:
        seen = dict.fromkeys(marks["entrant"][marks["entrant"] != ""].tolist())
        entrants = [Entrant(entrant_id, entrant_id) for entrant_id in seen]
    entrants = list(entrants)
    attributes = typed_attributes(ruleset, entrants, entrants_source, given)
    ids = [e.id for e in entrants]
    inputs = read_inputs(ruleset, marks, ids if given else None, marks_source)
    table = ValueTable(ruleset, entrants, attributes, item_rows_for(ruleset, entrants, inputs))
    compute_values(table, inputs)
    _check_panels(table, marks_source, provisional)
    rows = [_total_row(table, entrant) for entrant in entrants]
    if ruleset.rule.entrants.team is not None:
        rows = team_rows(ruleset, table, rows)
    standings = Standings(ruleset, rows, table, complete=not table.missing)
    _rank_and_award(standings)
    return standings


def _check_panels(table: ValueTable, source: str, provisional: bool) -> None:
    problems: list[Problem] = []
    for name, panel in table.panels.items():
        for (entrant, item), lines in panel.excess.items():
            problems.append(
                Problem(
                    source,
                    lines[0],
                    "judge",
                    msg(
                        N_(
                            "{count} marks for entrant {entrant}{where} on '{criterion}', "
                            "but its panel has {judges} judges (lines {lines})"
                        ),
                        count=len(lines),
                        entrant=entrant,
                        where=f" [{item}]" if item else "",
                        criterion=name,
                        judges=table.ruleset.judges[name],
                        lines=", ".join(map(str, lines)),
                    ),
                )
            )
    if not provisional:
        for entrant, missing in table.missing.items():
            for message in missing:
                problems.append(
                    Problem(
                        source,
                        _first_line(table, entrant),
                        f"entrant {entrant}",
                        msg(N_("incomplete: {what}"), what=message),
                    )
                )
    if problems:
        raise DataFileError(sorted(problems, key=lambda p: (p.line or 0, p.field))[:200])


def _first_line(table: ValueTable, entrant: str) -> int | None:
    lines = [
        line
        for panel in table.panels.values()
        for (e, _), line in panel.first_line.items()
        if e == entrant
    ]
    return min(lines) if lines else None


def _total_row(table: ValueTable, entrant: Entrant) -> Row:
    rule = table.ruleset.rule
    group_by = rule.entrants.group_by
    group = table.attributes[entrant.id].get(group_by) if group_by else None
    row = Row(
        entrant,
        str(group) if group is not None else ("" if group_by else None),
        "incomplete" if entrant.id in table.missing else "ok",
    )
    row.items = _item_points(table, entrant.id)
    env = table.env(entrant.id)
    for index, penalty in enumerate(rule.penalties):
        try:
            triggered = table.ruleset.formula(f"penalties.{index}.when").evaluate(env)
        except MissingValue:
            continue
        if not _truth(triggered):
            continue
        label = penalty.label or penalty.when
        if penalty.disqualify or penalty.withdraw:
            if row.status not in ("dq", "withdrawn"):
                row.status = "dq" if penalty.disqualify else "withdrawn"
                row.penalty = label
            continue
        if isinstance(penalty.deduct, str):
            points = evaluate_number(table, f"penalties.{index}.deduct", entrant.id, env)
        else:
            points = Fraction(penalty.deduct) if penalty.deduct is not None else None
        if points is not None:
            row.deductions.append(Deduction(label, points))
    if row.status in ("dq", "withdrawn"):
        return row
    total = rule.total
    if total.weights is not None:
        parts = [(Fraction(w), table.value(n, entrant.id)) for n, w in total.weights.items()]
        raw = (
            None
            if any(v is None for _, v in parts)
            else sum((w * v for w, v in parts if v is not None), Fraction(0))
        )
    else:
        raw = evaluate_number(table, "total.formula", entrant.id, env)
    row.raw_total = raw
    if raw is not None:
        deducted = raw - sum((d.points for d in row.deductions), Fraction(0))
        row.total = round_fraction(deducted, total.round.ndigits, total.round.mode)
    elif row.status == "ok":
        row.status = "incomplete"
    return row


def _truth(value: Value) -> bool:
    return value != "" if isinstance(value, str) else bool(value)


def _item_points(table: ValueTable, entrant: str) -> list[ItemPoints]:
    rule = table.ruleset.rule
    if rule.items is None:
        return []
    name = table.ruleset.item_points
    if name is None:
        return []
    combination = next(
        (c for c in rule.criteria.values() if c.kind == "items" and c.of == name), None
    )
    points = [
        (item, table.item_columns[name].get((entrant, item)))
        for item in table.item_rows.get(entrant, [])
    ]
    counted = {item for item, _ in points}
    if combination is not None and combination.combine in ("best", "worst", "best_k"):
        present = [(item, value) for item, value in points if value is not None]
        present.sort(key=lambda pair: pair[1], reverse=combination.order == "desc")
        if combination.combine == "worst":
            present.reverse()
        keep = combination.k if combination.combine == "best_k" and combination.k else 1
        counted = {item for item, _ in present[:keep]}
    return [ItemPoints(item, value, item in counted) for item, value in points]


def _extras(row: Row) -> dict[str, Value | None]:
    extras: dict[str, Value | None] = {"total": row.total}
    extras.update(row.eligibility)
    if row.rank is not None:
        extras["rank"] = Fraction(row.rank)
    extras["award"] = row.award or ""
    return extras


def _rank_and_award(standings: Standings) -> None:
    ruleset = standings.ruleset
    rule = ruleset.rule
    table = standings.table
    _run_checks(standings)
    members = [member for team in standings.rows for member in team.members]
    for row in members + standings.rows:
        if row.members:
            row.eligibility = {
                name: all(m.eligibility.get(name, False) for m in row.members)
                for name in rule.eligibility
            }
            continue
        env = table.env(row.key, extra=_extras(row))
        for name in rule.eligibility:
            try:
                row.eligibility[name] = _truth(ruleset.formula(f"eligibility.{name}").evaluate(env))
            except MissingValue:
                row.eligibility[name] = False
    groups: dict[str | None, list[Row]] = {}
    for row in standings.rows:
        groups.setdefault(row.group, []).append(row)
    keys = ["total", *(t.key for t in rule.ranking.tiebreak)]
    orders = [rule.ranking.order, *(t.order for t in rule.ranking.tiebreak)]
    for members in groups.values():
        ranked = [row for row in members if row.total is not None]
        entries = []
        for row in ranked:
            row.tiebreak = {key: _key_value(table, row, key) for key in keys[1:]}
            entries.append((row.key, [row.total, *row.tiebreak.values()]))
        by_key = {row.key: row for row in ranked}
        for result in rank(entries, orders, keys, rule.ranking.method):
            row = by_key[result.key]
            row.rank, row.shared, row.decided_by = result.rank, result.shared, result.decided_by
    ordered: list[Row] = []
    for members in groups.values():
        members.sort(key=lambda r: (r.rank is None, r.rank or 0, _status_order(r), r.key))
        ordered.extend(members)
    standings.rows = ordered
    if rule.awards is not None:
        _award(standings, groups)
    _titles(standings)


def _run_checks(standings: Standings) -> None:
    """Plausibility checks: a true ``when`` flags the entrant for a re-survey, nothing more."""
    ruleset = standings.ruleset
    for row in standings.rows:
        env = standings.table.env(row.key, extra=_extras(row))
        for index, check in enumerate(ruleset.rule.checks):
            try:
                hit = _truth(ruleset.formula(f"checks.{index}.when").evaluate(env))
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
    rule = standings.ruleset.rule
    awards = rule.awards
    assert awards is not None
    pools = groups if awards.per_group else {None: standings.rows}
    by_key = {row.key: row for row in standings.rows}

    def qualifies(tier: Tier, key: str) -> bool:
        row = by_key[key]
        if not all(row.eligibility.get(name, False) for name in tier.require):
            return False
        if tier.when is None:
            return True
        env = standings.table.env(key, extra=_extras(row))
        index = rule.awards.tiers.index(tier) if rule.awards else 0
        try:
            return _truth(standings.ruleset.formula(f"awards.tiers.{index}.when").evaluate(env))
        except MissingValue:
            return False

    for group, members in pools.items():
        ranked = [row for row in members if row.rank is not None]
        if not awards.per_group and rule.entrants.group_by:
            overall = rank(
                [(r.key, [r.total]) for r in ranked],
                [rule.ranking.order],
                ["total"],
                rule.ranking.method,
            )
            order = {result.key: result.rank for result in overall}
            candidates = [
                Candidate(key, number)
                for key, number in sorted(order.items(), key=lambda pair: pair[1])
            ]
        else:
            candidates = [Candidate(row.key, row.rank or 0) for row in ranked]

        def base_of(tier: Tier, members: list[Row] = members, ranked: list[Row] = ranked) -> int:
            if awards.base == "entrants":
                return len(members)
            if awards.base == "eligible":
                return sum(1 for r in ranked if all(r.eligibility.get(n) for n in tier.require))
            return len(ranked)

        awarded, counts = assign_awards(awards, candidates, base_of, qualifies)
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


def _titles(standings: Standings) -> None:
    ruleset = standings.ruleset
    for row in standings.rows:
        if row.rank is None:
            continue
        env = standings.table.env(row.key, extra=_extras(row))
        for index, title in enumerate(ruleset.rule.titles):
            try:
                granted = _truth(ruleset.formula(f"titles.{index}.when").evaluate(env))
            except MissingValue:
                continue
            if granted:
                row.titles.append(TitleAward(title.name, title.needs_approval))
