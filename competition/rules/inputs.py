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

from competition.rules.errors import DataFileError, Problem
from competition.rules.messages import N_, Message, msg
from competition.rules.model import Judged, Measured
from competition.rules.numbers import decimals_of, parse_decimal
from competition.rules.ruleset import RuleSet

MAX_PROBLEMS = 200
_DURATION = re.compile(r"^(?:(\d+):)?(\d{1,2}):(\d{1,2}(?:\.\d+)?)$")

Key = tuple[str, str]  # (entrant, item); item is "" for entrant-level values


@dataclass
class JudgedMarks:
    """One judged criterion's marks: value scaled by ``10**digits``, sorted by nothing yet."""

    criterion: str
    digits: int
    frame: pd.DataFrame  # entrant, item, judge, value (text), scaled (int64), line


@dataclass
class Inputs:
    judged: dict[str, JudgedMarks]
    measured: dict[str, dict[Key, Fraction]]
    items_seen: dict[str, list[str]] = field(default_factory=dict)  # entrant → item ids


def parse_duration(text: str) -> Fraction | None:
    """``"24:10"`` (minutes:seconds) or ``"1:02:03"`` → seconds; a plain number is seconds."""
    match = _DURATION.match(text.strip())
    if match is None:
        return parse_decimal(text)
    hours, minutes, seconds = match.groups()
    return Fraction(int(hours or 0) * 3600 + int(minutes) * 60) + Fraction(Decimal(seconds))


class _Collector:
    def __init__(self, source: str) -> None:
        self.source = source
        self.problems: list[Problem] = []
        self.more = 0

    def add(self, lines: pd.Series | list[int], column: str, message: Message) -> None:
        for line in list(lines):
            if len(self.problems) >= MAX_PROBLEMS:
                self.more += 1
                continue
            self.problems.append(Problem(self.source, int(line), column, message))

    def raise_if_any(self) -> None:
        if not self.problems:
            return
        problems = sorted(self.problems, key=lambda p: (p.line or 0, p.field))
        if self.more:
            problems.append(
                Problem(
                    self.source, None, "", msg(N_("… problems not shown: {count}"), count=self.more)
                )
            )
        raise DataFileError(problems)


class _Columns:
    """The mark columns factorized once: a test on a column runs on its distinct values."""

    def __init__(self, marks: pd.DataFrame) -> None:
        self.marks = marks
        self.codes: dict[str, np.ndarray] = {}
        self.uniques: dict[str, list[str]] = {}
        for column in ("entrant", "item", "criterion", "judge"):
            codes, uniques = pd.factorize(marks[column], sort=False)
            self.codes[column], self.uniques[column] = codes, [str(u) for u in uniques]

    def where(self, column: str, test: Callable[[str], bool]) -> np.ndarray:
        """Rows whose ``column`` passes ``test``."""
        passes = np.array([test(u) for u in self.uniques[column]], dtype=bool)
        return passes[self.codes[column]] if len(passes) else np.zeros(0, dtype=bool)

    def equals(self, column: str, value: str) -> np.ndarray:
        found: np.ndarray = self.codes[column] == self.uniques[column].index(value)
        return found

    def lines(self, rows: np.ndarray) -> list[int]:
        return [int(line) for line in self.marks["line"].to_numpy()[rows]]

    def duplicated(self) -> np.ndarray:
        key = np.zeros(len(self.marks), dtype=np.int64)
        for column in ("entrant", "item", "criterion", "judge"):
            key = key * (len(self.uniques[column]) + 1) + self.codes[column]
        return pd.Series(key).duplicated(keep="first").to_numpy()


def _check_shape(
    ruleset: RuleSet, marks: pd.DataFrame, entrant_ids: Collection[str] | None, out: _Collector
) -> np.ndarray:
    """Flag rows naming unknown things or with misplaced cells; returns the rows still usable."""
    columns = _Columns(marks)
    ok = _check_names(ruleset, columns, entrant_ids, out)
    ok &= _check_cells(ruleset, columns, out)
    duplicated = columns.duplicated()
    if duplicated.any():
        first_line: dict[tuple[str, ...], int] = {}
        key_columns = ["entrant", "item", "criterion", "judge"]
        for key, line in zip(
            marks[key_columns].itertuples(index=False, name=None), marks["line"], strict=True
        ):
            if key in first_line:
                out.add(
                    [line],
                    "value",
                    msg(
                        N_(
                            "duplicate: the same entrant, item, criterion and judge as line {first}"
                        ),
                        first=first_line[key],
                    ),
                )
            else:
                first_line[key] = int(line)
        ok &= ~duplicated
    return ok


def _check_names(
    ruleset: RuleSet, columns: _Columns, entrant_ids: Collection[str] | None, out: _Collector
) -> np.ndarray:
    criteria = ruleset.rule.criteria
    inputs = {n for n, c in criteria.items() if isinstance(c, (Judged, Measured))}
    for name in columns.uniques["criterion"]:
        if name in inputs:
            continue
        if name in criteria:
            text = N_("'{name}' is computed by the rules, it cannot be entered")
        elif not name:
            text = N_("the criterion is empty")
        else:
            text = N_("unknown criterion '{name}'; expected one of: {known}")
        rows = columns.equals("criterion", name)
        out.add(
            columns.lines(rows), "criterion", msg(text, name=name, known=", ".join(sorted(inputs)))
        )
    ok = columns.where("criterion", lambda c: c in inputs)
    empty = columns.where("entrant", lambda e: e == "")
    out.add(columns.lines(empty), "entrant", msg(N_("the entrant is empty")))
    ok &= ~empty
    if entrant_ids is not None:
        known = set(entrant_ids)
        for entrant in columns.uniques["entrant"]:
            if entrant and entrant not in known:
                rows = columns.equals("entrant", entrant)
                out.add(
                    columns.lines(rows),
                    "entrant",
                    msg(N_("unknown entrant '{id}': not in the entrants file"), id=entrant),
                )
        ok &= columns.where("entrant", lambda e: e in known)
    return ok


def _check_cells(ruleset: RuleSet, columns: _Columns, out: _Collector) -> np.ndarray:
    """Judge and item cells filled where the criterion needs them, empty where it does not."""
    judged = columns.where("criterion", lambda c: c in ruleset.judged())
    measured = columns.where("criterion", lambda c: c in ruleset.measured())
    no_judge = columns.where("judge", lambda j: j == "")
    item_level = columns.where("criterion", lambda c: ruleset.levels.get(c) == "item")
    no_item = columns.where("item", lambda i: i == "")
    problems = [
        (judged & no_judge, "judge", N_("a judged mark needs the judge")),
        (measured & ~no_judge, "judge", N_("a measured value has no judge: leave the judge empty")),
        (item_level & no_item, "item", N_("this criterion is given per item: name the item")),
        (
            (judged | measured) & ~item_level & ~no_item,
            "item",
            N_("this criterion is given once per entrant: leave the item empty"),
        ),
    ]
    ok = np.ones(len(columns.marks), dtype=bool)
    for rows, column, text in problems:
        out.add(columns.lines(rows), column, msg(text))
        ok &= ~rows
    item_ids = ruleset.item_ids
    if item_ids is not None:
        unknown = item_level & ~no_item & columns.where("item", lambda i: i not in item_ids)
        out.add(
            columns.lines(unknown),
            "item",
            msg(N_("unknown item; expected one of: {ids}"), ids=", ".join(item_ids)),
        )
        ok &= ~unknown
    return ok


MAX_DECIMALS = 6


def _decimals_needed(numbers: np.ndarray, at_least: int) -> int:
    """The fewest decimals (up to MAX_DECIMALS) that write every mark exactly, for a scale
    without a step."""
    for digits in range(at_least, MAX_DECIMALS + 1):
        scaled = numbers * 10**digits
        if np.all(np.abs(scaled - np.rint(scaled)) < 1e-6):
            return digits
    return MAX_DECIMALS


def _judged(name: str, c: Judged, rows: pd.DataFrame, out: _Collector) -> JudgedMarks:
    digits = max(
        decimals_of(c.scale.min),
        decimals_of(c.scale.max),
        decimals_of(c.scale.step) if c.scale.step is not None else 0,
    )
    codes, distinct = pd.factorize(rows["value"], sort=False)  # marks repeat: parse each once
    parsed = pd.to_numeric(pd.Series(distinct, dtype=object), errors="coerce")
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
    frame = rows.loc[keep, ["entrant", "item", "judge", "value", "line"]].copy()
    frame["scaled"] = as_int[keep]
    return JudgedMarks(name, digits, frame.reset_index(drop=True))


def _measured_problem(name: str, c: Measured, text: str) -> Message | None:
    """Why a measured value's text cannot be used, or ``None`` when it can."""
    value = parse_duration(text) if c.type == "duration" else parse_decimal(text)
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


def _measured(name: str, c: Measured, rows: pd.DataFrame, out: _Collector) -> dict[Key, Fraction]:
    """Each distinct text is parsed and checked once: measured columns repeat values a lot."""
    codes, texts = pd.factorize(rows["value"], sort=False)
    parse = parse_duration if c.type == "duration" else parse_decimal
    parsed: list[Fraction | None] = []
    for text in texts:
        problem = _measured_problem(name, c, str(text))
        if problem is not None:
            bad = rows["line"].to_numpy()[codes == len(parsed)]
            out.add([int(line) for line in bad], "value", problem)
            parsed.append(None)
        else:
            parsed.append(parse(str(text)))
    values: dict[Key, Fraction] = {}
    for entrant, item, code in zip(rows["entrant"], rows["item"], codes.tolist(), strict=True):
        value = parsed[code]
        if value is not None:
            values[(entrant, item)] = value
    return values


def read_inputs(
    ruleset: RuleSet, marks: pd.DataFrame, entrant_ids: Collection[str] | None, source: str
) -> Inputs:
    """Every mark checked; raises :class:`DataFileError` listing each row that does not fit."""
    out = _Collector(source)
    usable = marks[_check_shape(ruleset, marks, entrant_ids, out)]
    by_criterion = dict(tuple(usable.groupby("criterion", sort=False)))
    judged = {
        name: _judged(name, c, by_criterion.get(name, usable.iloc[0:0]), out)
        for name, c in ruleset.judged().items()
    }
    measured: dict[str, dict[Key, Fraction]] = {}
    for name, c in ruleset.measured().items():
        rows = by_criterion.get(name, usable.iloc[0:0])
        measured[name] = _measured(name, c, rows, out)
    out.raise_if_any()
    items_seen: dict[str, list[str]] = {}
    item_rows = usable[usable["item"] != ""]
    for entrant, item in (
        item_rows[["entrant", "item"]].drop_duplicates().itertuples(index=False, name=None)
    ):
        items_seen.setdefault(entrant, []).append(item)
    return Inputs(judged, measured, items_seen)
