"""Panel aggregation, vectorised: per-judge penalties, trimming, mean/median/sum, tolerance.

All arithmetic is on integers scaled by ``10**digits``; only each panel's result becomes a
Fraction. A panel counts only once it has every judge's mark.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np
import pandas as pd

from competition.rules.field_methods import FIELD_METHODS, field_values
from competition.rules.inputs import JudgedMarks, Key
from competition.rules.messages import N_, Message, msg
from competition.rules.model import Judged
from competition.rules.numbers import format_exact


@dataclass
class PanelResult:
    criterion: str
    values: dict[Key, Fraction]
    pending: dict[Key, tuple[int, int]]  # panels still short of judges: (marks, judges)
    excess: dict[Key, list[int]]  # panels with more marks than judges: their lines
    marks: pd.DataFrame  # sorted, with ``adjusted`` and ``counted`` columns
    digits: int
    flags: dict[Key, list[Message]] = field(default_factory=dict)
    first_line: dict[Key, int] = field(default_factory=dict)  # of each pending panel


def _digits_for(values: list[Fraction]) -> int:
    digits = 0
    for value in values:
        while (value * 10**digits).denominator != 1 and digits < 12:
            digits += 1
    return digits


def _penalties(
    marks: pd.DataFrame, penalty: dict[Key, Fraction], default: Fraction, digits: int
) -> tuple[np.ndarray, int]:
    """Per-row penalty scaled like the marks (raising the scale if a penalty needs it)."""
    needed = max(digits, _digits_for([*penalty.values(), default]))
    keys = list(zip(marks["entrant"], marks["item"], strict=True))
    factor = 10**needed
    scaled = np.fromiter(
        (int(penalty.get(key, default) * factor) for key in keys), dtype=np.int64, count=len(keys)
    )
    return scaled, needed


def aggregate_panel(
    c: Judged,
    judged: JudgedMarks,
    judges: int,
    penalty: dict[Key, Fraction] | None = None,
    penalty_default: Fraction = Fraction(0),
) -> PanelResult:
    marks = judged.frame
    digits = judged.digits
    values_scaled = marks["scaled"].to_numpy(dtype=np.int64)
    if penalty is not None:
        penalty_scaled, raised = _penalties(marks, penalty, penalty_default, digits)
        values_scaled = values_scaled * 10 ** (raised - digits)
        digits = raised
        values_scaled = np.maximum(values_scaled - penalty_scaled, 0)
    if marks.empty:
        empty = marks.assign(adjusted=values_scaled, counted=np.zeros(0, dtype=bool))
        return PanelResult(judged.criterion, {}, {}, {}, empty, digits)

    entrant_codes, entrant_index = pd.factorize(marks["entrant"], sort=False)
    item_codes, item_index = pd.factorize(marks["item"], sort=False)
    entrant_names, item_names = entrant_index.tolist(), item_index.tolist()
    group_key = entrant_codes.astype(np.int64) * len(item_names) + item_codes
    order = np.lexsort((values_scaled, group_key))
    sorted_key = group_key[order]
    adjusted = values_scaled[order]
    starts = np.flatnonzero(np.r_[True, sorted_key[1:] != sorted_key[:-1]])
    sizes = np.diff(np.r_[starts, len(sorted_key)])
    group_of_row = np.repeat(np.arange(len(starts)), sizes)
    position = np.arange(len(sorted_key)) - starts[group_of_row]
    size_of_row = sizes[group_of_row]

    trimmed = c.aggregate.startswith("trimmed")
    drop_low, drop_high = (c.drop_low, c.drop_high) if trimmed else (0, 0)
    counted = (position >= drop_low) & (position < size_of_row - drop_high)
    sums = np.add.reduceat(np.where(counted, adjusted, 0), starts)
    totals = np.add.reduceat(adjusted, starts)
    kept = sizes - drop_low - drop_high
    middle_low = adjusted[starts + (sizes - 1) // 2]
    middle_high = adjusted[starts + sizes // 2]
    lowest_kept = adjusted[np.minimum(starts + drop_low, starts + sizes - 1)]
    highest_kept = adjusted[np.maximum(starts + sizes - 1 - drop_high, starts)]

    factor = 10**digits
    sorted_marks = marks.iloc[order].reset_index(drop=True)
    sorted_marks["adjusted"] = adjusted
    sorted_marks["counted"] = counted
    result = PanelResult(judged.criterion, {}, {}, {}, sorted_marks, digits)
    first_key = sorted_key[starts]
    lines = sorted_marks["line"].to_numpy(dtype=np.int64)
    for g in range(len(starts)):
        key = (
            str(entrant_names[first_key[g] // len(item_names)]),
            str(item_names[first_key[g] % len(item_names)]),
        )
        size = int(sizes[g])
        if size > judges:
            result.excess[key] = sorted(int(n) for n in lines[starts[g] : starts[g] + size])
        elif size < judges:
            result.pending[key] = (size, judges)
            result.first_line[key] = int(lines[starts[g]])
        elif c.aggregate in FIELD_METHODS:
            result.values[key] = Fraction(0)  # computed across the field below
        elif c.aggregate in ("sum", "trimmed_sum"):
            result.values[key] = Fraction(int(sums[g]), factor)
        elif c.aggregate == "median":
            result.values[key] = Fraction(int(middle_low[g]) + int(middle_high[g]), 2 * factor)
        else:
            result.values[key] = Fraction(int(sums[g]), factor * int(kept[g]))
        if c.tolerance is not None and key in result.values:
            panel = _Panel(
                spread=Fraction(int(highest_kept[g] - lowest_kept[g]), factor),
                mean_all=Fraction(int(totals[g]), factor * size),
                kept=int(kept[g]),
                median=Fraction(int(middle_low[g]) + int(middle_high[g]), 2 * factor),
                marks=[Fraction(int(v), factor) for v in adjusted[starts[g] : starts[g] + size]],
                judges=sorted_marks["judge"].iloc[starts[g] : starts[g] + size].tolist(),
            )
            result.values[key] = _apply_tolerance(
                c, panel, result.values[key], result.flags.setdefault(key, [])
            )
            if not result.flags[key]:
                del result.flags[key]
    if c.aggregate in FIELD_METHODS:
        complete = {k for k in result.values}
        result.values = field_values(c, sorted_marks, factor, complete)
    return result


@dataclass(frozen=True)
class _Panel:
    spread: Fraction  # highest counted mark − lowest counted mark
    mean_all: Fraction
    kept: int
    median: Fraction
    marks: list[Fraction]
    judges: list[str]


def _apply_tolerance(c: Judged, panel: _Panel, value: Fraction, flags: list[Message]) -> Fraction:
    tolerance = c.tolerance
    assert tolerance is not None
    if tolerance.max_spread is not None and panel.spread > tolerance.max_spread:
        spread = format_exact(panel.spread)
        if tolerance.on_violation == "fallback_mean":
            flags.append(
                msg(
                    N_(
                        "spread {spread} of the counted marks exceeds {limit}: the mean "
                        "of all marks is used"
                    ),
                    spread=spread,
                    limit=tolerance.max_spread,
                )
            )
            summed = c.aggregate in ("sum", "trimmed_sum")
            value = panel.mean_all * panel.kept if summed else panel.mean_all
        else:
            flags.append(
                msg(
                    N_("spread {spread} of the counted marks exceeds {limit}"),
                    spread=spread,
                    limit=tolerance.max_spread,
                )
            )
    if tolerance.max_deviation is not None:
        for mark, judge in zip(panel.marks, panel.judges, strict=True):
            if abs(mark - panel.median) > tolerance.max_deviation:
                flags.append(
                    msg(
                        N_("judge {judge} is more than {limit} from the panel median"),
                        judge=judge,
                        limit=tolerance.max_deviation,
                    )
                )
    return value
