"""Check every mark against the rules and turn values into exact numbers.

Judged marks become integers scaled by 10**digits so that panels can be trimmed and summed
with numpy without losing a digit; measured values become Fractions.
"""

from __future__ import annotations

import re
from collections.abc import Collection
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
    measured_lines: dict[str, dict[Key, int]]
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
                    self.source, None, "", msg(N_("… and {count} more problems"), count=self.more)
                )
            )
        raise DataFileError(problems)


def _check_shape(
    ruleset: RuleSet, marks: pd.DataFrame, entrant_ids: Collection[str] | None, out: _Collector
) -> pd.Series:
    """Flag rows naming unknown things or with misplaced cells; returns the rows still usable."""
    ok = pd.Series(True, index=marks.index)
    criteria = ruleset.rule.criteria
    inputs = {n for n, c in criteria.items() if isinstance(c, (Judged, Measured))}
    unknown = ~marks["criterion"].isin(inputs)
    for name in sorted(set(marks.loc[unknown, "criterion"])):
        rows = marks.loc[unknown & (marks["criterion"] == name), "line"]
        if name in criteria:
            text = N_("'{name}' is computed by the rules, it cannot be entered")
        elif not name:
            text = N_("the criterion is empty")
        else:
            text = N_("unknown criterion '{name}'; expected one of: {known}")
        out.add(rows, "criterion", msg(text, name=name, known=", ".join(sorted(inputs))))
    ok &= ~unknown
    empty_entrant = marks["entrant"] == ""
    out.add(marks.loc[empty_entrant, "line"], "entrant", msg(N_("the entrant is empty")))
    ok &= ~empty_entrant
    if entrant_ids is not None:
        strangers = ~marks["entrant"].isin(list(entrant_ids)) & ~empty_entrant
        for entrant in sorted(set(marks.loc[strangers, "entrant"])):
            rows = marks.loc[strangers & (marks["entrant"] == entrant), "line"]
            out.add(
                rows,
                "entrant",
                msg(N_("unknown entrant '{id}': not in the entrants file"), id=entrant),
            )
        ok &= ~strangers
    judged = marks["criterion"].isin(list(ruleset.judged()))
    no_judge = judged & (marks["judge"] == "")
    out.add(marks.loc[no_judge, "line"], "judge", msg(N_("a judged mark needs the judge")))
    measured = marks["criterion"].isin(list(ruleset.measured()))
    with_judge = measured & (marks["judge"] != "")
    out.add(
        marks.loc[with_judge, "line"],
        "judge",
        msg(N_("a measured value has no judge: leave the judge empty")),
    )
    ok &= ~no_judge & ~with_judge
    item_level = marks["criterion"].map(lambda c: ruleset.levels.get(c) == "item")
    no_item = item_level & (marks["item"] == "")
    out.add(
        marks.loc[no_item, "line"],
        "item",
        msg(N_("this criterion is given per item: name the item")),
    )
    stray_item = ~item_level & (marks["item"] != "") & marks["criterion"].isin(list(inputs))
    out.add(
        marks.loc[stray_item, "line"],
        "item",
        msg(N_("this criterion is given once per entrant: leave the item empty")),
    )
    ok &= ~no_item & ~stray_item
    if ruleset.item_ids is not None:
        bad_item = item_level & (marks["item"] != "") & ~marks["item"].isin(ruleset.item_ids)
        out.add(
            marks.loc[bad_item, "line"],
            "item",
            msg(N_("unknown item; expected one of: {ids}"), ids=", ".join(ruleset.item_ids)),
        )
        ok &= ~bad_item
    duplicated = marks.duplicated(["entrant", "item", "criterion", "judge"], keep="first")
    if duplicated.any():
        firsts = marks.drop_duplicates(["entrant", "item", "criterion", "judge"])
        first_line = firsts.set_index(["entrant", "item", "criterion", "judge"])["line"]
        for index in marks.index[duplicated]:
            row = marks.loc[index]
            first = first_line[(row["entrant"], row["item"], row["criterion"], row["judge"])]
            out.add(
                [row["line"]],
                "value",
                msg(N_("the same entrant, item, criterion and judge as line {first}"), first=first),
            )
        ok &= ~duplicated
    return ok


def _judged(name: str, c: Judged, rows: pd.DataFrame, out: _Collector) -> JudgedMarks:
    digits = max(
        decimals_of(c.scale.min),
        decimals_of(c.scale.max),
        decimals_of(c.scale.step) if c.scale.step is not None else 0,
    )
    numbers = pd.to_numeric(rows["value"], errors="coerce").to_numpy(dtype="float64")
    factor = 10**digits
    finite = np.isfinite(numbers)
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
                N_("{value} is not on the steps of {step} of '{name}'"),
                value=texts[index],
                step=c.scale.step or Decimal(1).scaleb(-digits),
                name=name,
            ),
        )
    keep = ~(bad | outside | off_step)
    frame = rows.loc[keep, ["entrant", "item", "judge", "value", "line"]].copy()
    frame["scaled"] = as_int[keep]
    return JudgedMarks(name, digits, frame.reset_index(drop=True))


def _measured(
    name: str, c: Measured, rows: pd.DataFrame, out: _Collector
) -> tuple[dict[Key, Fraction], dict[Key, int]]:
    values: dict[Key, Fraction] = {}
    lines: dict[Key, int] = {}
    parse = parse_duration if c.type == "duration" else parse_decimal
    for entrant, item, text, line in rows[["entrant", "item", "value", "line"]].itertuples(
        index=False, name=None
    ):
        value = parse(text)
        if value is None:
            expected = (
                N_("expected a time such as 24:10 or a number of seconds, found '{value}'")
                if c.type == "duration"
                else N_("expected a number, found '{value}'")
            )
            out.add([line], "value", msg(expected, value=text))
            continue
        if (c.min is not None and value < c.min) or (c.max is not None and value > c.max):
            out.add(
                [line],
                "value",
                msg(
                    N_("{value} is outside {min}–{max} of '{name}'"),
                    value=text,
                    min=c.min if c.min is not None else "…",
                    max=c.max if c.max is not None else "…",
                    name=name,
                ),
            )
            continue
        if c.step is not None:
            base = Fraction(c.min) if c.min is not None else Fraction(0)
            if ((value - base) / Fraction(c.step)).denominator != 1:
                out.add(
                    [line],
                    "value",
                    msg(
                        N_("{value} is not on the steps of {step} of '{name}'"),
                        value=text,
                        step=c.step,
                        name=name,
                    ),
                )
                continue
        values[(entrant, item)] = value
        lines[(entrant, item)] = int(line)
    return values, lines


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
    measured_lines: dict[str, dict[Key, int]] = {}
    for name, c in ruleset.measured().items():
        rows = by_criterion.get(name, usable.iloc[0:0])
        measured[name], measured_lines[name] = _measured(name, c, rows, out)
    out.raise_if_any()
    items_seen: dict[str, list[str]] = {}
    item_rows = usable[usable["item"] != ""]
    for entrant, item in (
        item_rows[["entrant", "item"]].drop_duplicates().itertuples(index=False, name=None)
    ):
        items_seen.setdefault(entrant, []).append(item)
    return Inputs(judged, measured, measured_lines, items_seen)
