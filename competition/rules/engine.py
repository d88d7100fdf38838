"""The pure pipeline: (rule set, entrants, marks) → standings. No I/O, deterministic.

inputs checked → panels aggregated → criteria computed in dependency order → total with
penalties → eligibility → ranks with tie-breaks → awards → titles.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from competition.rules.attributes import typed_attributes
from competition.rules.datafiles import Entrant
from competition.rules.errors import DataFileError, Problem
from competition.rules.inputs import read_inputs
from competition.rules.messages import N_, msg
from competition.rules.placing import place
from competition.rules.ruleset import RuleSet
from competition.rules.standings import Standings
from competition.rules.teams import team_rows
from competition.rules.totals import total_row
from competition.rules.values import (
    ValueTable,
    compute_values,
    item_rows_for,
)


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
    rows = [total_row(table, entrant) for entrant in entrants]
    if ruleset.rule.entrants.team is not None:
        rows = team_rows(ruleset, table, rows)
    standings = Standings(ruleset, rows, table, complete=not table.missing)
    place(standings)
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
