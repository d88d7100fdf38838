"""Team standings from members' totals: sum, mean or the best k members.

Members are scored like individual entrants; a team's value of any criterion (used by
tie-breaks and predicates) is the sum of its members' values.
"""

from __future__ import annotations

from fractions import Fraction

from competition.rules.datafiles import Entrant
from competition.rules.errors import DataFileError, Problem
from competition.rules.messages import N_, msg
from competition.rules.numbers import round_fraction
from competition.rules.ruleset import RuleSet
from competition.rules.standings import Row, Status
from competition.rules.values import ValueTable


def _team_total(ruleset: RuleSet, members: list[Row]) -> Fraction | None:
    team = ruleset.rule.entrants.team
    assert team is not None
    totals = sorted(
        (m.total for m in members if m.total is not None),
        reverse=ruleset.rule.ranking.order == "desc",
    )
    if not totals:
        return None
    if team.score == "mean":
        raw = sum(totals, Fraction(0)) / len(totals)
    elif team.score == "best_k":
        raw = sum(totals[: team.k], Fraction(0))
    else:
        raw = sum(totals, Fraction(0))
    rounding = ruleset.rule.total.round
    return round_fraction(raw, rounding.ndigits, rounding.mode)


def team_rows(ruleset: RuleSet, table: ValueTable, members: list[Row]) -> list[Row]:
    team = ruleset.rule.entrants.team
    assert team is not None
    teams: dict[str, list[Row]] = {}
    problems: list[Problem] = []
    for row in members:
        name = table.attributes.get(row.key, {}).get(team.attribute)
        if not isinstance(name, str) or not name:
            problems.append(
                Problem(
                    "entrants",
                    row.entrant.line,
                    team.attribute,
                    msg(N_("entrant {id} names no team"), id=row.key),
                )
            )
            continue
        teams.setdefault(name, []).append(row)
    if problems:
        raise DataFileError(problems)
    rows: list[Row] = []
    for name, team_members in teams.items():
        first = team_members[0]
        attributes = {k: v for k, v in table.attributes[first.key].items() if k != team.attribute}
        table.attributes[name] = attributes
        for column in table.entrant_columns.values():
            values = [column.get(m.key) for m in team_members]
            column[name] = (
                None
                if any(v is None for v in values)
                else sum((v for v in values if v is not None), Fraction(0))
            )
        scored = [m for m in team_members if m.status not in ("dq", "withdrawn")]
        status: Status = "ok"
        if team.members is not None and len(team_members) < team.members:
            table.missing.setdefault(name, []).append(
                msg(N_("{have} of {need} members"), have=len(team_members), need=team.members)
            )
        if name in table.missing or any(m.status == "incomplete" for m in team_members):
            status = "incomplete"
        if not scored:
            status = "dq"
        row = Row(
            Entrant(name, name, {k: str(v) for k, v in attributes.items()}), first.group, status
        )
        row.members = team_members
        row.total = _team_total(ruleset, scored)
        row.raw_total = row.total
        if row.total is None and row.status == "ok":
            row.status = "incomplete"
        rows.append(row)
    return rows
