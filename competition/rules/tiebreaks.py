"""The tie-break chain as columns of exact values: one per ``key``, one per countback position.

A countback over a per-item value becomes columns "best item", "second best", ...: ranking
then compares them in turn like any other keys, so the vectorised ranking needs no new case.
An entrant with fewer item values has no value in the later columns, and a missing value
sorts after every present one: once all positions both have are equal, the entrant with the
extra item value goes first.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import NamedTuple

from competition.rules.model import TieBreak
from competition.rules.ranking import Order
from competition.rules.standings import Row, Standings
from competition.rules.values import ValueTable


class KeyColumn(NamedTuple):
    name: str  # as the breakdown lists it and ``decided_by`` names it
    order: Order
    values: list[Fraction | None]  # one per row ranked


def countback_name(name: str, position: int) -> str:
    """The key of a countback position: ``score#1`` is the best item's value, ``score#2``
    the second best."""
    return f"{name}#{position}"


def tiebreak_columns(standings: Standings, rows: Sequence[Row]) -> list[KeyColumn]:
    """Every tie-break of the ranking as columns of values for ``rows``, in chain order."""
    ranking = standings.ruleset.rule.ranking
    columns: list[KeyColumn] = []
    for tiebreak in ranking.tiebreak:
        order = tiebreak.sense(ranking.order)
        if tiebreak.countback is None:
            values = _key_values(standings.table, rows, tiebreak.name)
            columns.append(KeyColumn(tiebreak.name, order, values))
            continue
        positions = countback_values(standings.table, rows, tiebreak, order)
        columns += [
            KeyColumn(countback_name(tiebreak.name, n), order, values)
            for n, values in enumerate(positions, 1)
        ]
    return columns


def countback_values(
    table: ValueTable, rows: Sequence[Row], tiebreak: TieBreak, order: Order
) -> list[list[Fraction | None]]:
    """Column n holds each row's n-th best item value (``None`` when it has fewer); as many
    columns as the most values any row has, or ``items`` if fewer."""
    vectors = [
        sorted(_item_values(table, row, tiebreak.name), reverse=order == "desc") for row in rows
    ]
    width = max((len(vector) for vector in vectors), default=0)
    if tiebreak.items is not None:
        width = min(width, tiebreak.items)
    return [[v[n] if n < len(v) else None for v in vectors] for n in range(width)]


def _item_values(table: ValueTable, row: Row, name: str) -> list[Fraction]:
    """The row's present values of a per-item criterion; a team's are its members'."""
    if row.members:
        return [value for member in row.members for value in _item_values(table, member, name)]
    column = table.item_columns.get(name, {})
    key = row.key
    found = (column.get((key, item)) for item in table.item_rows.get(key, []))
    return [value for value in found if value is not None]


def _key_values(table: ValueTable, rows: Sequence[Row], key: str) -> list[Fraction | None]:
    """A tie-break's value for each row: the total, a criterion's, else a number or yes/no
    attribute's (yes counts 1)."""
    if key == "total":
        return [row.total for row in rows]
    column = table.entrant_columns.get(key, {})
    values = [column.get(row.key) for row in rows]
    for index, value in enumerate(values):
        if value is None:
            attribute = table.attributes.get(rows[index].key, {}).get(key)
            if isinstance(attribute, bool):
                values[index] = Fraction(int(attribute))
            elif isinstance(attribute, Fraction):
                values[index] = attribute
    return values
