"""The pure pipeline: (rule set, entrants, marks) → standings. No I/O, deterministic.

inputs checked → panels aggregated → criteria computed in dependency order → total with
penalties → eligibility → ranks with tie-breaks → awards → titles.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from competition.rules.attributes import typed_attributes
from competition.rules.collection import cycles_paused
from competition.rules.datafiles import Entrant
from competition.rules.errors import DataFileError, Problem, capped
from competition.rules.inputs import read_inputs
from competition.rules.messages import N_, Message, msg
from competition.rules.placing import place
from competition.rules.ruleset import RuleSet
from competition.rules.standings import Row, Standings
from competition.rules.teams import team_rows
from competition.rules.totals import leaves_field, total_rows
from competition.rules.values import (
    ValueTable,
    chosen_items,
    compute_values,
    item_rows_for,
)


@cycles_paused()
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
        seen = pd.unique(marks["entrant"].to_numpy()).tolist()  # in order of appearance
        entrants = [Entrant(entrant_id, entrant_id) for entrant_id in seen if entrant_id != ""]
    entrants = list(entrants)
    attributes = typed_attributes(ruleset, entrants, entrants_source, given)
    ids = [e.id for e in entrants]
    inputs = read_inputs(ruleset, marks, ids if given else None, marks_source)
    # the table computes with the event's item count; the standings keep the rules as given,
    # so an update (incremental.can_update) still sees that the marks choose the count
    counted = chosen_items(ruleset, inputs)
    item_rows = item_rows_for(counted, entrants, inputs)
    left_out = inputs.not_taken
    table = ValueTable(counted, entrants, attributes, item_rows, not_taken=left_out)
    compute_values(table, inputs)
    leaving = frozenset(e.id for e in entrants if leaves_field(table, e.id))
    if leaving and ruleset.field_relative:
        # the disqualified and the withdrawn must not set the best for the others
        table = ValueTable(
            counted, entrants, attributes, item_rows, outside_field=leaving, not_taken=left_out
        )
        compute_values(table, inputs)
    rows = total_rows(table, entrants)
    if ruleset.rule.entrants.team is not None:
        rows = team_rows(ruleset, table, rows)
    _check(table, rows, marks_source, provisional)
    complete = all(row.status != "incomplete" for row in rows)
    standings = Standings(ruleset, rows, table, complete=complete)
    place(standings)
    return standings


def _check(table: ValueTable, rows: list[Row], source: str, provisional: bool) -> None:
    """Marks beyond a panel's size are always errors; without ``provisional`` so is any entrant
    still in the contest whose total cannot be computed yet."""
    problems = [
        _excess_problem(table, source, name, key, lines)
        for name, panel in table.panels.items()
        for key, lines in panel.excess.items()
    ]
    if not provisional:
        for row in rows:
            if row.status == "incomplete":
                problems += _incomplete_problems(table, source, row)
    if problems:
        raise DataFileError(capped(sorted(problems, key=lambda p: (p.line or 0, p.field))))


def _excess_problem(
    table: ValueTable, source: str, name: str, key: tuple[str, str], lines: list[int]
) -> Problem:
    entrant, item = key
    sizes = table.ruleset.panel_range[name]
    text = (
        N_(
            "{count} marks for entrant {entrant}{where} on '{criterion}', but its panel has "
            "{judges} judges (lines {lines})"
        )
        if sizes.min == sizes.max
        else N_(
            "{count} marks for entrant {entrant}{where} on '{criterion}', but its panel has "
            "at most {judges} judges (lines {lines})"
        )
    )
    return Problem(
        source,
        lines[0],
        "judge",
        msg(
            text,
            count=len(lines),
            entrant=entrant,
            where=f" [{item}]" if item else "",
            criterion=name,
            judges=sizes.max,
            lines=", ".join(map(str, lines)),
        ),
    )


def _reasons(table: ValueTable, row: Row) -> list[Message]:
    return (
        table.missing.get(row.key)
        or table.flags.get(row.key)
        or [msg(N_("the total cannot be computed"))]
    )


def _incomplete_problems(table: ValueTable, source: str, row: Row) -> list[Problem]:
    reasons = list(table.missing.get(row.key, []))
    for member in row.members:  # a team: say which member is not complete
        if member.status == "incomplete":
            reasons += [
                msg(N_("member {id}: {what}"), id=member.key, what=what)
                for what in _reasons(table, member)
            ]
    if not reasons:
        reasons = _reasons(table, row)
    line = _first_line(table, row.key)
    return [
        Problem(source, line, f"entrant {row.key}", msg(N_("incomplete: {what}"), what=r))
        for r in reasons
    ]


def _first_line(table: ValueTable, entrant: str) -> int | None:
    lines = [
        line
        for panel in table.panels.values()
        for (e, _), line in panel.first_line.items()
        if e == entrant
    ]
    return min(lines) if lines else None
