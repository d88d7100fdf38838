"""Each entrant's panels as the breakdown lists them, cut out of every panel's marks at once.

A report lists, per entrant, each judged criterion's panels (one per item, in the order the
entrant's rows first name each item) with every judge's mark. Slicing the marks entrant by
entrant with pandas cost milliseconds each; here each criterion's marks are put in that order
once, and an entrant's panel is a run of consecutive rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from competition.rules.model import Judged
from competition.rules.numbers import format_exact
from competition.rules.panels import PanelResult
from competition.rules.standings import Standings


class PanelRun(NamedTuple):
    """One entrant's panel: rows ``start:stop`` of its criterion's ordered marks (none for a
    cell valued ``absent``, listed after the entrant's marked panels of the criterion)."""

    criterion: str
    item: str
    start: int
    stop: int


@dataclass(frozen=True)
class OrderedMarks:
    """One judged criterion's marks in breakdown order."""

    judges: np.ndarray  # objects
    values: np.ndarray  # objects: each mark's text as entered
    counted: np.ndarray  # bools
    adjusted: np.ndarray | None  # the mark after a per-judge penalty as text, if the rule has one

    def columns(self) -> list[np.ndarray]:
        """judge, value, counted (and adjusted): the fields of a mark, in the JSON's order."""
        fields = [self.judges, self.values, self.counted]
        return fields if self.adjusted is None else [*fields, self.adjusted]

    def dicts(self) -> list[dict[str, Any]]:
        """Every mark as the JSON lists it."""
        judges, values, counted = (column.tolist() for column in self.columns()[:3])
        if self.adjusted is None:
            return [
                {"judge": judge, "value": value, "counted": kept}
                for judge, value, kept in zip(judges, values, counted, strict=True)
            ]
        return [
            {"judge": judge, "value": value, "counted": kept, "adjusted": adjusted}
            for judge, value, kept, adjusted in zip(
                judges, values, counted, self.adjusted.tolist(), strict=True
            )
        ]


def _adjusted_texts(adjusted: np.ndarray, digits: int) -> np.ndarray:
    """Each adjusted mark as an exact decimal; marks repeat, so each is formatted once."""
    codes, distinct = pd.factorize(adjusted, sort=False)
    factor = 10**digits
    texts = [format_exact(Fraction(int(value), factor)) for value in distinct.tolist()]
    result: np.ndarray = np.array(texts, dtype=object)[codes]
    return result


class PanelIndex:
    """Every judged criterion's marks in breakdown order, and each entrant's runs of them."""

    def __init__(self, standings: Standings) -> None:
        self.marks: dict[str, OrderedMarks] = {}
        self.runs: dict[str, list[PanelRun]] = {}
        criteria = standings.ruleset.rule.criteria
        for name, panel in standings.table.panels.items():
            criterion = criteria[name]
            if not panel.marks.empty or panel.absent:
                penalised = isinstance(criterion, Judged) and criterion.penalty is not None
                self._add(name, panel, bool(penalised))
                self._add_absent(name, panel)

    def of(self, entrant: str) -> list[PanelRun]:
        return self.runs.get(entrant, [])

    def _add_absent(self, name: str, panel: PanelResult) -> None:
        runs = self.runs
        for entrant, item in panel.absent:
            runs.setdefault(entrant, []).append(PanelRun(name, item, 0, 0))

    def _add(self, name: str, panel: PanelResult, penalised: bool) -> None:
        frame = panel.marks
        if frame.empty:  # every cell absent
            none = np.zeros(0, dtype=object)
            counted = np.zeros(0, dtype=bool)
            self.marks[name] = OrderedMarks(none, none, counted, none if penalised else None)
            return
        entrant_codes, entrants = pd.factorize(frame["entrant"], sort=False)
        item_codes, items = pd.factorize(frame["item"], sort=False)
        # a pair (entrant, item) numbered in the order of its first row: that is the order in
        # which an entrant's items are listed
        pair_codes, pairs = pd.factorize(entrant_codes.astype(np.int64) * len(items) + item_codes)
        order = np.argsort(pair_codes, kind="stable")
        stops = np.cumsum(np.bincount(pair_codes, minlength=len(pairs)))
        starts = np.r_[0, stops[:-1]]
        entrant_of = np.asarray(entrants, dtype=object)[pairs // len(items)].tolist()
        item_of = np.asarray(items, dtype=object)[pairs % len(items)].tolist()
        runs = self.runs
        for entrant, item, start, stop in zip(
            entrant_of, item_of, starts.tolist(), stops.tolist(), strict=True
        ):
            run = PanelRun(name, item, start, stop)
            known = runs.get(entrant)
            if known is None:
                runs[entrant] = [run]
            else:
                known.append(run)
        adjusted = None
        if penalised:
            adjusted = _adjusted_texts(
                frame["adjusted"].to_numpy(dtype=np.int64)[order], panel.digits
            )
        self.marks[name] = OrderedMarks(
            frame["judge"].to_numpy(dtype=object)[order],
            frame["value"].to_numpy(dtype=object)[order],
            frame["counted"].to_numpy(dtype=bool)[order],
            adjusted,
        )
