"""Marks that name unknown things or leave the wrong cells empty, found column by column."""

from __future__ import annotations

from collections.abc import Callable, Collection

import numpy as np
import pandas as pd

from competition.rules.errors import MAX_PROBLEMS, DataFileError, Problem, more_problems
from competition.rules.messages import N_, Message, msg
from competition.rules.model import Judged, Measured
from competition.rules.ruleset import RuleSet


class Collector:
    """Problems with the rows they are about, up to MAX_PROBLEMS."""

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
            problems.append(more_problems(self.source, self.more))
        raise DataFileError(problems)


class MarkColumns:
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

    def equals_any(self, column: str, value: str) -> np.ndarray:
        """Rows whose ``column`` is ``value`` (none when no row has it)."""
        if value not in self.uniques[column]:
            return np.zeros(len(self.marks), dtype=bool)
        return self.equals(column, value)

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


def check_shape(
    ruleset: RuleSet, columns: MarkColumns, entrant_ids: Collection[str] | None, out: Collector
) -> np.ndarray:
    """Flag rows naming unknown things or with misplaced cells; returns the rows still usable."""
    marks = columns.marks
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
    ruleset: RuleSet, columns: MarkColumns, entrant_ids: Collection[str] | None, out: Collector
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


def _check_cells(ruleset: RuleSet, columns: MarkColumns, out: Collector) -> np.ndarray:
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
    known = frozenset(item_ids) if item_ids is not None else None
    for name in ruleset.criterion_groups:
        allowed = ruleset.items_of(name) or frozenset()

        def elsewhere(item: str, allowed: frozenset[str] = allowed) -> bool:
            """An item of another group (an unknown item is refused above)."""
            return item != "" and item not in allowed and (known is None or item in known)

        outside = columns.equals_any("criterion", name) & columns.where("item", elsewhere)
        out.add(columns.lines(outside), "item", item_group_refusal(ruleset, name))
        ok &= ~outside
    return ok


def item_group_refusal(ruleset: RuleSet, criterion: str) -> Message:
    """Why a mark for ``criterion`` on an item of another group cannot be entered."""
    group = ruleset.criterion_groups[criterion]
    return msg(
        N_("'{criterion}' is given only for the items of '{group}': {ids}"),
        criterion=criterion,
        group=group,
        ids=", ".join(ruleset.item_groups[group]),
    )
