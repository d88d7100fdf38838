"""The entered criteria's columns: panels aggregated, measured values with their defaults,
and for each entrant what is still missing or flagged."""

from __future__ import annotations

from fractions import Fraction
from typing import TYPE_CHECKING

from competition.rules.inputs import Inputs, JudgedMarks, Key
from competition.rules.messages import N_, Message, msg
from competition.rules.model import FIELD_METHODS, Judged, Measured
from competition.rules.panels import PanelResult, aggregate_panel

if TYPE_CHECKING:
    from competition.rules.values import ValueTable


def input_column(
    table: ValueTable, name: str, keys: list[Key], inputs: Inputs
) -> dict[Key, Fraction | None]:
    """An entered criterion's value for each row of ``keys``; what is missing or flagged is
    noted in the table."""
    criterion = table.ruleset.rule.criteria[name]
    if isinstance(criterion, Judged):
        panel = _panel(table, name, criterion, inputs)
        values = panel.values
        result = {key: values.get(key) for key in keys}
        for key, messages in panel.flags.items():
            for message in messages:
                table.flag(
                    key[0],
                    msg(
                        N_("{criterion}{where}: {problem}"),
                        criterion=name,
                        where=_where(key[1]),
                        problem=message,
                    ),
                )
        _absent(table, name, criterion, panel, result)
        _list_missing(table, name, [key for key in keys if result[key] is None])
        return result
    assert isinstance(criterion, Measured)
    given = inputs.measured[name]
    fallback = Fraction(criterion.default) if criterion.default is not None else None
    result = {key: given.get(key, fallback) for key in keys}
    _list_missing(table, name, [key for key in keys if result[key] is None])
    return result


def _absent(
    table: ValueTable,
    name: str,
    criterion: Judged,
    panel: PanelResult,
    result: dict[Key, Fraction | None],
) -> None:
    """A cell no judge marked takes the value ``absent`` where the rule gives one (a short
    panel stays missing; an overfull one is an error)."""
    if criterion.absent is None:
        return
    absent = Fraction(criterion.absent)
    for key, value in result.items():
        if value is None and key not in panel.excess and panel.pending.get(key, 0) == 0:
            result[key] = panel.values[key] = absent
            panel.absent[key] = None


def _list_missing(table: ValueTable, name: str, keys: list[Key]) -> None:
    """Note what each row lacks. Of a criterion the rules ask ``missing()`` about, only the
    rows part-marked (marks are coming); the formulas needing the others say so."""
    if name in table.ruleset.deferred_inputs:
        pending = table.panels[name].pending if name in table.panels else {}
        keys = [key for key in keys if key in pending]
    for key in keys:
        message = missing_input(table, name, key)
        if message is not None:
            table.missing.setdefault(key[0], []).append(message)


def missing_input(table: ValueTable, name: str, key: Key) -> Message | None:
    """What the entered criterion ``name`` lacks for the row ``key``: ``None`` where it has
    too many marks (an error of the marks file, not a value still to come)."""
    where = _where(key[1])
    if isinstance(table.ruleset.rule.criteria[name], Measured):
        return msg(N_("{criterion}{where}: no value"), criterion=name, where=where)
    panel = table.panels[name]
    if key in panel.excess:
        return None
    return msg(
        N_("{criterion}{where}: {have} of {need} marks"),
        criterion=name,
        where=where,
        have=panel.pending.get(key, 0),
        need=str(table.ruleset.panel_range[name]),  # 9, or 8–9 for a panel that may sit short
    )


def _panel(table: ValueTable, name: str, criterion: Judged, inputs: Inputs) -> PanelResult:
    penalty = inputs.measured.get(criterion.penalty) if criterion.penalty else None
    penalty_rule = table.ruleset.rule.criteria.get(criterion.penalty or "")
    default = Fraction(0)
    if isinstance(penalty_rule, Measured) and penalty_rule.default is not None:
        default = Fraction(penalty_rule.default)
    judged = inputs.judged[name]
    if criterion.aggregate in FIELD_METHODS and table.outside_field:
        kept = ~judged.frame["entrant"].isin(list(table.outside_field))
        judged = JudgedMarks(name, judged.digits, judged.frame[kept].reset_index(drop=True))
    sizes = table.ruleset.panel_range[name]
    panel = aggregate_panel(criterion, judged, sizes, penalty, default)
    table.panels[name] = panel
    return panel


def _where(item: str | None) -> str:
    return f" [{item}]" if item else ""
