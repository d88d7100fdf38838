"""The entered criteria's columns: panels aggregated, measured values with their defaults,
and for each entrant what is still missing or flagged."""

from __future__ import annotations

from fractions import Fraction
from typing import TYPE_CHECKING

from competition.rules.inputs import Inputs, JudgedMarks, Key
from competition.rules.messages import N_, Message, msg
from competition.rules.model import FIELD_METHODS, Judged, Measured
from competition.rules.panels import PanelResult, aggregate_panel
from competition.rules.ruleset import PanelRange

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
        _absent_or_missing(table, name, criterion, panel, result)
        return result
    assert isinstance(criterion, Measured)
    given = inputs.measured[name]
    fallback = Fraction(criterion.default) if criterion.default is not None else None
    result = {key: given.get(key, fallback) for key in keys}
    for key in keys:
        if result[key] is None:
            table.missing.setdefault(key[0], []).append(
                msg(N_("{criterion}{where}: no value"), criterion=name, where=_where(key[1]))
            )
    return result


def _absent_or_missing(
    table: ValueTable,
    name: str,
    criterion: Judged,
    panel: PanelResult,
    result: dict[Key, Fraction | None],
) -> None:
    """A cell without a value: valued ``absent`` when no judge marked it and the rule says
    so, else missing (a short panel is always missing; an overfull one is an error)."""
    sizes = table.ruleset.panel_range[name]
    absent = Fraction(criterion.absent) if criterion.absent is not None else None
    for key, value in result.items():
        if value is not None or key in panel.excess:
            continue
        have = panel.pending.get(key, 0)
        if have == 0 and absent is not None:
            result[key] = panel.values[key] = absent
            panel.absent[key] = None
            continue
        table.missing.setdefault(key[0], []).append(_short(name, key[1], have, sizes))


def _short(name: str, item: str | None, have: int, sizes: PanelRange) -> Message:
    if sizes.min == sizes.max:
        return msg(
            N_("{criterion}{where}: {have} of {need} marks"),
            criterion=name,
            where=_where(item),
            have=have,
            need=sizes.max,
        )
    return msg(
        N_("{criterion}{where}: {have} of {min}–{max} marks"),
        criterion=name,
        where=_where(item),
        have=have,
        min=sizes.min,
        max=sizes.max,
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
