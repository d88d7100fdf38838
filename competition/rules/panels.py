"""Panel aggregation, vectorised: per-judge penalties, trimming, mean/median/sum, tolerance.

All arithmetic is on integers scaled by ``10**digits``; only each panel's result becomes a
Fraction. A panel counts once it has as many marks as its declared range of judges allows
(``judges: 9`` is 9–9), each size trimmed by its own drops.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np
import pandas as pd

from competition.rules.field_methods import field_values
from competition.rules.inputs import JudgedMarks, Key, Labels, taken
from competition.rules.messages import N_, Message, msg
from competition.rules.model import FIELD_METHODS, Judged
from competition.rules.numbers import format_exact
from competition.rules.ruleset import PanelRange


@dataclass
class PanelResult:
    criterion: str
    values: dict[Key, Fraction]
    pending: dict[Key, int]  # panels still short of judges: their marks
    excess: dict[Key, list[int]]  # panels with more marks than judges: their lines
    marks: pd.DataFrame  # sorted, with ``adjusted`` and ``counted`` columns
    digits: int
    flags: dict[Key, list[Message]] = field(default_factory=dict)
    first_line: dict[Key, int] = field(default_factory=dict)  # of each pending panel
    absent: dict[Key, None] = field(default_factory=dict)  # unmarked cells valued ``absent``


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


@dataclass
class _Groups:
    """The marks sorted by (entrant, item, value): one run of rows per panel."""

    keys: list[Key]
    starts: np.ndarray
    sizes: np.ndarray
    adjusted: np.ndarray  # scaled marks after penalties, sorted within each panel
    counted: np.ndarray
    kept: np.ndarray  # marks counted per panel
    sums: np.ndarray  # of the counted marks per panel
    middles: np.ndarray  # per panel: the two middle marks added (one counted twice if odd)

    def slice(self, group: int) -> slice:
        start = int(self.starts[group])
        return slice(start, start + int(self.sizes[group]))

    def values(self, c: Judged, groups: np.ndarray, factor: int) -> dict[Key, Fraction]:
        """The value of each of ``groups``. Panels share few distinct results (sums of marks
        on a scale), so each distinct numerator/denominator becomes a Fraction once."""
        if c.aggregate == "median":
            numerators, denominators = self.middles[groups], np.full(len(groups), 2 * factor)
        elif c.aggregate in ("sum", "trimmed_sum"):
            numerators, denominators = self.sums[groups], np.full(len(groups), factor)
        else:
            numerators, denominators = self.sums[groups], factor * self.kept[groups]
        made: dict[tuple[int, int], Fraction] = {}
        result: dict[Key, Fraction] = {}
        keys = self.keys
        for g, pair in zip(
            groups.tolist(),
            zip(numerators.tolist(), denominators.tolist(), strict=True),
            strict=True,
        ):
            value = made.get(pair)
            if value is None:
                value = made[pair] = Fraction(*pair)
            result[keys[g]] = value
        return result


def _codes(marks: pd.DataFrame, column: str, known: Labels | None) -> tuple[np.ndarray, list[str]]:
    """The column factorized in order of appearance; from the reader's codes (integers
    factorize several times faster than text) when it has them."""
    if known is None:
        codes, uniques = pd.factorize(marks[column], sort=False)
        return codes, uniques.tolist()
    codes, seen = pd.factorize(known.codes, sort=False)
    return codes, [known.names[code] for code in seen.tolist()]


def _group(
    c: Judged,
    sizes_declared: PanelRange,
    marks: pd.DataFrame,
    scaled: np.ndarray,
    labels: tuple[Labels, Labels] | None,
) -> tuple[_Groups, np.ndarray]:
    entrant_codes, entrants = _codes(marks, "entrant", labels[0] if labels else None)
    item_codes, items = _codes(marks, "item", labels[1] if labels else None)
    group_key = entrant_codes.astype(np.int64) * len(items) + item_codes
    order = _panel_order(group_key, scaled)
    sorted_key = group_key[order]
    starts = np.flatnonzero(np.r_[True, sorted_key[1:] != sorted_key[:-1]])
    sizes = np.diff(np.r_[starts, len(sorted_key)])
    group_of_row = np.repeat(np.arange(len(starts)), sizes)
    position = np.arange(len(sorted_key)) - starts[group_of_row]
    drop_low, drop_high = _drops(c, sizes_declared, sizes)
    counted = (position >= drop_low[group_of_row]) & (position < (sizes - drop_high)[group_of_row])
    first = sorted_key[starts]
    entrant_of = np.array(entrants, dtype=object)[first // len(items)]
    item_of = np.array(items, dtype=object)[first % len(items)]
    keys = list(zip(entrant_of.tolist(), item_of.tolist(), strict=True))
    adjusted = scaled[order]
    sums = np.add.reduceat(np.where(counted, adjusted, 0), starts)
    middles = adjusted[starts + (sizes - 1) // 2] + adjusted[starts + sizes // 2]
    kept = sizes - drop_low - drop_high
    return _Groups(keys, starts, sizes, adjusted, counted, kept, sums, middles), order


def _drops(c: Judged, declared: PanelRange, sizes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per panel, the lowest and highest marks dropped at its own size: looked up in a table
    by size (a size outside the range drops none; such a panel gets no value)."""
    by_size = np.zeros((2, declared.max + 2), dtype=np.int64)
    for size in declared.sizes:
        by_size[:, size] = c.dropped(size)
    index = np.minimum(sizes, declared.max + 1)
    return by_size[0, index], by_size[1, index]


def _panel_order(group_key: np.ndarray, scaled: np.ndarray) -> np.ndarray:
    """Rows by panel, then by mark, ties as given: one stable sort of a combined int64 key
    (4× faster than lexsort on two) when it fits, else lexsort."""
    if not len(scaled):
        return np.zeros(0, dtype=np.int64)
    low = int(scaled.min())
    span = int(scaled.max()) - low + 1
    if (int(group_key.max()) + 1) * span < 2**62:
        return np.argsort(group_key * span + (scaled - low), kind="stable")
    return np.lexsort((scaled, group_key))


def aggregate_panel(
    c: Judged,
    judged: JudgedMarks,
    sizes: PanelRange,
    penalty: dict[Key, Fraction] | None = None,
    penalty_default: Fraction = Fraction(0),
) -> PanelResult:
    """Each complete panel's value; panels short of ``sizes.min`` are pending, those past
    ``sizes.max`` are errors."""
    marks = judged.frame
    digits = judged.digits
    scaled = marks["scaled"].to_numpy(dtype=np.int64)
    if penalty is not None:
        penalty_scaled, raised = _penalties(marks, penalty, penalty_default, digits)
        scaled = np.maximum(scaled * 10 ** (raised - digits) - penalty_scaled, 0)
        digits = raised
    if marks.empty:
        empty = marks.assign(adjusted=scaled, counted=np.zeros(0, dtype=bool))
        return PanelResult(judged.criterion, {}, {}, {}, empty, digits)
    groups, order = _group(c, sizes, marks, scaled, judged.labels)
    factor = 10**digits
    sorted_marks = taken(marks, order, [str(c) for c in marks.columns])
    lines = sorted_marks["line"].to_numpy(dtype=np.int64)
    result = PanelResult(judged.criterion, {}, {}, {}, sorted_marks, digits)
    for g in np.flatnonzero(groups.sizes > sizes.max).tolist():
        result.excess[groups.keys[g]] = sorted(int(n) for n in lines[groups.slice(g)])
    for g in np.flatnonzero(groups.sizes < sizes.min).tolist():
        result.pending[groups.keys[g]] = int(groups.sizes[g])
        result.first_line[groups.keys[g]] = int(lines[groups.starts[g]])
    complete = np.flatnonzero((groups.sizes >= sizes.min) & (groups.sizes <= sizes.max))
    if c.aggregate in FIELD_METHODS:
        result.values = dict.fromkeys((groups.keys[g] for g in complete.tolist()), Fraction(0))
    else:
        result.values = groups.values(c, complete, factor)
        if c.tolerance is not None:
            for g in complete.tolist():
                _tolerate(c, result, groups, g, factor, sorted_marks["judge"])
    sorted_marks["adjusted"] = groups.adjusted
    sorted_marks["counted"] = groups.counted
    if c.aggregate in FIELD_METHODS:
        result.values = field_values(c, sorted_marks, factor, set(result.values))
    return result


def _tolerate(
    c: Judged, result: PanelResult, groups: _Groups, g: int, factor: int, judges: pd.Series
) -> None:
    """Apply the criterion's tolerance to panel ``g``: flag it, or fall back to the mean."""
    key = groups.keys[g]
    rows = groups.slice(g)
    marks = [Fraction(int(v), factor) for v in groups.adjusted[rows]]
    counted = [m for m, keep in zip(marks, groups.counted[rows], strict=True) if keep]
    size = len(marks)
    panel = _Panel(
        spread=max(counted) - min(counted),
        mean_all=sum(marks, Fraction(0)) / size,
        kept=int(groups.kept[g]),
        median=(marks[(size - 1) // 2] + marks[size // 2]) / 2,
        marks=marks,
        judges=judges.iloc[rows].tolist(),
    )
    flags: list[Message] = []
    value, fell_back = _apply_tolerance(c, panel, result.values[key], flags)
    result.values[key] = value
    if fell_back:
        groups.counted[rows] = True  # the breakdown shows every mark as counted
    if flags:
        result.flags[key] = flags


@dataclass(frozen=True)
class _Panel:
    spread: Fraction  # highest counted mark − lowest counted mark
    mean_all: Fraction
    kept: int
    median: Fraction
    marks: list[Fraction]
    judges: list[str]


def _apply_tolerance(
    c: Judged, panel: _Panel, value: Fraction, flags: list[Message]
) -> tuple[Fraction, bool]:
    """The panel's value under the tolerance, and whether it fell back to the mean of all."""
    tolerance = c.tolerance
    assert tolerance is not None
    fell_back = False
    if tolerance.max_spread is not None and panel.spread > tolerance.max_spread:
        spread = format_exact(panel.spread)
        if tolerance.on_violation == "fallback_mean":
            text = N_(
                "spread {spread} of the counted marks exceeds {limit}: the mean of all "
                "marks is used"
            )
            summed = c.aggregate in ("sum", "trimmed_sum")
            value = panel.mean_all * panel.kept if summed else panel.mean_all
            fell_back = True
        else:
            text = N_("spread {spread} of the counted marks exceeds {limit}")
        flags.append(msg(text, spread=spread, limit=tolerance.max_spread))
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
    return value, fell_back
