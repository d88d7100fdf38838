"""Check every mark against the rules and turn values into exact numbers.

Judged marks become integers scaled by 10**digits so that panels can be trimmed and summed
with numpy without losing a digit; measured values become Fractions.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pandas as pd

from competition.rules.mark_checks import Collector, MarkColumns, check_shape
from competition.rules.messages import N_, Message, msg
from competition.rules.model import Judged, Measured
from competition.rules.not_taken import not_taken_code, split_not_taken
from competition.rules.numbers import PLAIN_DECIMAL, decimals_of, parse_mark
from competition.rules.ruleset import RuleSet

_DURATION = re.compile(r"^(?:(\d+):)?(\d{1,2}):(\d{1,2}(?:\.\d+)?)$", re.ASCII)

Key = tuple[str, str]  # (entrant, item); item is "" for entrant-level values


@dataclass(frozen=True)
class Labels:
    """A text column as codes into its distinct texts: the reader factorizes the entrant and
    item columns once, and the panels group by these codes instead of again by text."""

    codes: np.ndarray
    names: list[str]

    def subset(self, rows: np.ndarray | None) -> Labels:
        return self if rows is None else Labels(self.codes[rows], self.names)


@dataclass
class JudgedMarks:
    """One judged criterion's marks: value scaled by ``10**digits``, sorted by nothing yet."""

    criterion: str
    digits: int
    frame: pd.DataFrame  # entrant, item, judge, value (text), scaled (int64), line
    labels: tuple[Labels, Labels] | None = None  # the frame's entrants and items, if known


@dataclass
class Inputs:
    judged: dict[str, JudgedMarks]
    measured: dict[str, dict[Key, Fraction]]
    items_seen: dict[str, list[str]] = field(default_factory=dict)  # entrant → item ids
    not_taken: dict[Key, str] = field(default_factory=dict)  # item left out → code entered


def parse_duration(text: str) -> Fraction | None:
    """``"24:10"`` (minutes:seconds) or ``"1:02:03"`` → seconds; a plain number is seconds."""
    match = _DURATION.match(text.strip())
    if match is None:
        return parse_mark(text)
    hours, minutes, seconds = match.groups()
    return Fraction(int(hours or 0) * 3600 + int(minutes) * 60) + Fraction(Decimal(seconds))


MAX_DECIMALS = 6
MARK_COLUMNS = ["entrant", "item", "judge", "value", "line"]  # of a judged mark


def _decimals_needed(numbers: np.ndarray, at_least: int) -> int:
    """The fewest decimals (up to MAX_DECIMALS) that write every mark exactly, for a scale
    without a step."""
    for digits in range(at_least, MAX_DECIMALS + 1):
        scaled = numbers * 10**digits
        if np.all(np.abs(scaled - np.rint(scaled)) < 1e-6):
            return digits
    return MAX_DECIMALS


def _judged(
    name: str, c: Judged, rows: pd.DataFrame, out: Collector, labels: tuple[Labels, Labels]
) -> JudgedMarks:
    digits = max(
        decimals_of(c.scale.min),
        decimals_of(c.scale.max),
        decimals_of(c.scale.step) if c.scale.step is not None else 0,
    )
    codes, distinct = pd.factorize(rows["value"], sort=False)  # marks repeat: parse each once
    parsed = pd.to_numeric(pd.Series(distinct, dtype=object), errors="coerce")
    # the same notion of a number as the check before a tablet's mark is stored (parse_mark):
    # pandas alone would also read 1e1, and Python's Decimal ５ or 1_0
    plain = np.fromiter(
        (PLAIN_DECIMAL.fullmatch(str(text).strip()) is not None for text in distinct),
        dtype=bool,
        count=len(distinct),
    )
    parsed = parsed.where(plain)
    numbers = parsed.to_numpy(dtype="float64")[codes] if len(codes) else np.zeros(0)
    finite = np.isfinite(numbers)
    if c.scale.step is None:
        digits = _decimals_needed(numbers[finite], digits)
    factor = 10**digits
    scaled_float = np.where(finite, numbers, 0.0) * factor
    scaled = np.rint(scaled_float)
    exact = finite & (np.abs(scaled_float - scaled) < 1e-6) & (np.abs(scaled) < 2**52)
    bad = ~finite
    out.add(
        rows.loc[bad, "line"],
        "value",
        msg(N_("expected a number on the scale {min}–{max}"), min=c.scale.min, max=c.scale.max),
    )
    low, high = int(c.scale.min * factor), int(c.scale.max * factor)
    as_int = scaled.astype(np.int64)
    outside = finite & ((numbers < float(c.scale.min)) | (numbers > float(c.scale.max)))
    outside |= exact & ((as_int < low) | (as_int > high))
    lines = rows["line"].to_numpy(dtype=np.int64)
    texts = rows["value"].to_numpy(dtype=object)
    for index in np.flatnonzero(outside):
        out.add(
            [int(lines[index])],
            "value",
            msg(
                N_("{value} is outside the scale {min}–{max} of '{name}'"),
                value=texts[index],
                min=c.scale.min,
                max=c.scale.max,
                name=name,
            ),
        )
    off_step = finite & ~outside & ~exact
    if c.scale.step is not None:
        step = int(c.scale.step * factor)
        off_step |= exact & ~outside & ((as_int - low) % step != 0)
    for index in np.flatnonzero(off_step):
        out.add(
            [int(lines[index])],
            "value",
            msg(
                N_("{value} is not a valid value of '{name}': it goes in steps of {step}"),
                value=texts[index],
                step=c.scale.step or Decimal(1).scaleb(-digits),
                name=name,
            ),
        )
    keep = ~(bad | outside | off_step)
    kept = None if keep.all() else np.flatnonzero(keep)
    frame = taken(rows, kept, MARK_COLUMNS)
    frame["scaled"] = as_int if kept is None else as_int[kept]
    entrants, items = labels
    return JudgedMarks(name, digits, frame, (entrants.subset(kept), items.subset(kept)))


def _measured_problem(name: str, c: Measured, text: str) -> Message | None:
    """Why a measured value's text cannot be used, or ``None`` when it can."""
    value = parse_duration(text) if c.type == "duration" else parse_mark(text)
    if value is None:
        if c.type == "duration":
            return msg(
                N_("expected a time such as 24:10 or a number of seconds, found '{value}'"),
                value=text,
            )
        return msg(N_("expected a number, found '{value}'"), value=text)
    if (c.min is not None and value < c.min) or (c.max is not None and value > c.max):
        return msg(
            N_("{value} is outside {min}–{max} of '{name}'"),
            value=text,
            min=c.min if c.min is not None else "…",
            max=c.max if c.max is not None else "…",
            name=name,
        )
    if c.step is not None:
        base = Fraction(c.min) if c.min is not None else Fraction(0)
        if ((value - base) / Fraction(c.step)).denominator != 1:
            return msg(
                N_("{value} is not a valid value of '{name}': it goes in steps of {step}"),
                value=text,
                step=c.step,
                name=name,
            )
    return None


def value_problem(ruleset: RuleSet, criterion: str, text: str) -> Message | None:
    """Why one value cannot be entered for ``criterion`` (the same checks and messages as a
    marks file gets), or ``None``: a tablet's mark is checked before it is stored. A code
    saying the item was not taken (``DNI``) can be entered where the file lets items be left
    out."""
    if not_taken_code(ruleset, criterion, text) is not None:
        return None
    c = ruleset.rule.criteria.get(criterion)
    if isinstance(c, Measured):
        return _measured_problem(criterion, c, text)
    if not isinstance(c, Judged):
        return msg(N_("'{name}' is not a criterion that is entered"), name=criterion)
    value = parse_mark(text)
    scale = c.scale
    if value is None:
        return msg(N_("expected a number on the scale {min}–{max}"), min=scale.min, max=scale.max)
    if value < scale.min or value > scale.max:
        return msg(
            N_("{value} is outside the scale {min}–{max} of '{name}'"),
            value=text,
            min=scale.min,
            max=scale.max,
            name=criterion,
        )
    step = Fraction(scale.step) if scale.step is not None else Fraction(1, 10**MAX_DECIMALS)
    if ((value - Fraction(scale.min)) / step).denominator != 1:
        return msg(
            N_("{value} is not a valid value of '{name}': it goes in steps of {step}"),
            value=text,
            step=scale.step or step,
            name=criterion,
        )
    return None


def _measured(name: str, c: Measured, rows: pd.DataFrame, out: Collector) -> dict[Key, Fraction]:
    """Each distinct text is parsed and checked once: measured columns repeat values a lot."""
    codes, texts = pd.factorize(rows["value"], sort=False)
    parse = parse_duration if c.type == "duration" else parse_mark
    parsed: list[Fraction | None] = []
    for text in texts:
        problem = _measured_problem(name, c, str(text))
        if problem is not None:
            bad = rows["line"].to_numpy()[codes == len(parsed)]
            out.add([int(line) for line in bad], "value", problem)
            parsed.append(None)
        else:
            parsed.append(parse(str(text)))
    keys = zip(rows["entrant"].tolist(), rows["item"].tolist(), strict=True)
    return {
        key: value
        for key, value in zip(keys, [parsed[code] for code in codes.tolist()], strict=True)
        if value is not None
    }


def read_inputs(
    ruleset: RuleSet, marks: pd.DataFrame, entrant_ids: Collection[str] | None, source: str
) -> Inputs:
    """Every mark checked; raises :class:`DataFileError` listing each row that does not fit."""
    out = Collector(source)
    marks, not_taken = split_not_taken(ruleset, marks, entrant_ids, out)
    columns = MarkColumns(marks)
    ok = check_shape(ruleset, columns, entrant_ids, out)
    every = bool(ok.all())
    usable = marks if every else marks[ok]
    rows_of = _by_criterion(usable, columns.codes["criterion"][ok], columns.uniques["criterion"])
    labels = [
        Labels(columns.codes[column], columns.uniques[column]).subset(None if every else ok)
        for column in ("entrant", "item")
    ]
    judged = {}
    for name, c in ruleset.judged().items():
        rows, picked = rows_of(name)
        of_rows = (labels[0].subset(picked), labels[1].subset(picked))
        judged[name] = _judged(name, c, rows, out, of_rows)
    measured: dict[str, dict[Key, Fraction]] = {}
    for name, spec in ruleset.measured().items():
        measured[name] = _measured(name, spec, rows_of(name)[0], out)
    out.raise_if_any()
    seen = _items_seen(columns, None if every else ok)
    for entrant, item in not_taken:
        if item not in seen.setdefault(entrant, []):
            seen[entrant].append(item)
    return Inputs(judged, measured, seen, not_taken)


def taken(frame: pd.DataFrame, rows: np.ndarray | None, columns: list[str]) -> pd.DataFrame:
    """The ``rows`` (positions; ``None``: all) of ``columns`` as a new frame with a fresh
    index. Built from the columns' arrays unconsolidated: a marks table has half a million
    rows, and pandas' row selection and block consolidation would copy each twice."""
    data = {
        column: frame[column].to_numpy() if rows is None else frame[column].to_numpy()[rows]
        for column in columns
    }
    return pd.DataFrame(data, columns=columns, copy=False)


def _by_criterion(
    marks: pd.DataFrame, codes: np.ndarray, names: list[str]
) -> Callable[[str], tuple[pd.DataFrame, np.ndarray | None]]:
    """Each criterion's rows, cut from the marks by their factorized codes (no copy per
    group), with their positions (``None``: all the rows)."""
    code_of = {name: code for code, name in enumerate(names)}
    columns = [str(c) for c in marks.columns]

    def rows_of(name: str) -> tuple[pd.DataFrame, np.ndarray | None]:
        code = code_of.get(name)
        picked = np.flatnonzero(codes == code) if code is not None else np.zeros(0, np.int64)
        rows = None if len(picked) == len(marks) else picked
        return taken(marks, rows, columns), rows

    return rows_of


def _items_seen(columns: MarkColumns, usable: np.ndarray | None) -> dict[str, list[str]]:
    """Each entrant's items in the order its rows first name them (``usable``: the rows
    that count, ``None`` for all)."""
    entrant_codes, item_codes = columns.codes["entrant"], columns.codes["item"]
    if usable is not None:
        entrant_codes, item_codes = entrant_codes[usable], item_codes[usable]
    entrant_ids, item_ids = columns.uniques["entrant"], columns.uniques["item"]
    named = np.array([item != "" for item in item_ids], dtype=bool)[item_codes]
    width = max(len(item_ids), 1)
    pairs = pd.unique(entrant_codes[named].astype(np.int64) * width + item_codes[named])
    entrants, items = np.divmod(pairs, width)
    if not len(pairs):
        return {}
    order = np.argsort(entrants, kind="stable")  # each entrant's items stay in order
    grouped = entrants[order]
    names = np.array(item_ids, dtype=object)[items[order]].tolist()
    bounds = [*np.flatnonzero(np.r_[True, grouped[1:] != grouped[:-1]]).tolist(), len(grouped)]
    return {
        entrant_ids[int(grouped[start])]: names[start:end]
        for start, end in zip(bounds[:-1], bounds[1:], strict=True)
    }
