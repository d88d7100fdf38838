"""The standings document as JSON text, byte for byte what ``json.dumps(standings_dict(...),
ensure_ascii=False, indent=2)`` writes, in a fraction of its time.

With ``indent`` the standard library encodes in pure Python, token by token; a breakdown
holds every judge's mark, so 10,000 entrants make a 100 MB document and seconds of encoding.
Here each distinct mark is encoded once, the parts every entrant repeats (its item points,
its items' values, its panels with their marks) are written from templates, and the rest of
the document goes through a small encoder with the same layout.
"""

from __future__ import annotations

from json.encoder import encode_basestring as _string

import numpy as np
import pandas as pd

from competition.rules.breakdown import OrderedMarks
from competition.rules.collection import cycles_paused
from competition.rules.json_text import Rendered, Streamed, indented_json
from competition.rules.messages import DEFAULT_LOCALE
from competition.rules.report import Report, standings_document, standings_entries
from competition.rules.standings import Row, Standings


@cycles_paused()
def standings_json(standings: Standings, locale: str = DEFAULT_LOCALE) -> str:
    """The document of ``competition rank --format json``, with its final newline."""
    entries = standings_entries(standings, locale, report_as=RenderedReport)
    return indented_json(standings_document(standings, Streamed(entries)), end="\n")


def _newline(depth: int) -> str:
    return "\n" + "  " * depth


# where the repeated parts sit in the document: standings[i].items at depth 3, and in
# standings[i].breakdown the items and panels at depth 4, each panel's marks at depth 6 (a
# team member's are deeper, and indented again on the way in)
POINTS_NEWLINE, PARTS_NEWLINE, MARKS_NEWLINE = _newline(3), _newline(4), _newline(6)


def _text(value: str | None) -> str:
    return "null" if value is None else _string(value)


def _listed(elements: list[str], newline: str) -> str:
    """A JSON array of these elements' texts, laid out at the depth of ``newline``."""
    if not elements:
        return "[]"
    inner = newline + "  "
    return f"[{inner}{(',' + inner).join(elements)}{newline}]"


class RenderedReport(Report):
    """The parts every entrant repeats as JSON text, laid out where an entrant's entry has
    them: ten thousand entrants repeat them sixty thousand times, and text made from
    templates here costs a fraction of dicts that the encoder then takes apart."""

    def __init__(self, standings: Standings, locale: str) -> None:
        super().__init__(standings, locale)
        inner = MARKS_NEWLINE + "  "
        self.mark_texts = {name: mark_texts(m, inner) for name, m in self.panels.marks.items()}
        self.points_name = standings.ruleset.item_points or ""
        self._item_labels: dict[str, list[tuple[str, dict[tuple[str, str], str | None]]]] = {}
        at = PARTS_NEWLINE + "    "
        # the parts of a panel's text that are its criterion's, made once per criterion
        self.size_texts = {
            name: f'{at}"panel_size": {{{at}  "min": {size["min"]},'
            f'{at}  "max": {size["max"]}{at}}},'
            for name, size in self.sizes.items()
        }
        self._panel_heads = {name: f'{{{at}"criterion": {_string(name)},' for name in self.sizes}
        self._panel_middles = {
            name: f'{at}"method": {_text(method)},' for name, method in self.methods.items()
        }

    def points_of(self, row: Row) -> Rendered:
        at = POINTS_NEWLINE + "    "
        value_text, name = self.standings.value_text, self.points_name
        points = [
            f'{{{at}"item": {_string(p.item)},{at}"points": {_text(value_text(name, p.points))},'
            f'{at}"counted": {"true" if p.counted else "false"}{POINTS_NEWLINE}  }}'
            for p in row.items
        ]
        return Rendered(_listed(points, POINTS_NEWLINE), POINTS_NEWLINE)

    def items_of(self, entrant: str) -> Rendered:
        items = dict.fromkeys(self.standings.table.item_rows.get(entrant, []))
        if not items:
            return Rendered("{}", PARTS_NEWLINE)
        inner = PARTS_NEWLINE + "  "
        parts = []
        for item in items:
            labels = self._labels_for(item)
            pair = (entrant, item)
            values = ",".join([label + _text(texts.get(pair)) for label, texts in labels])
            parts.append(
                f"{_string(item)}: {{{values}{inner}}}" if values else f"{_string(item)}: {{}}"
            )
        return Rendered(f"{{{inner}{(',' + inner).join(parts)}{PARTS_NEWLINE}}}", PARTS_NEWLINE)

    def _labels_for(self, item: str) -> list[tuple[str, dict[tuple[str, str], str | None]]]:
        """Each value given for ``item`` with its key as JSON text, made once per item."""
        known = self._item_labels.get(item)
        if known is None:
            at = PARTS_NEWLINE + "    "
            known = self._item_labels[item] = [
                (f"{at}{_string(name)}: ", texts) for name, texts in self.values_for(item)
            ]
        return known

    def panels_of(self, entrant: str) -> Rendered:
        at, marks_at = PARTS_NEWLINE + "    ", MARKS_NEWLINE + "  "
        separator = "," + marks_at
        heads, middles = self._panel_heads, self._panel_middles
        panels = []
        for run in self.panels.of(entrant):
            criterion, count = run.criterion, run.stop - run.start
            marks = (
                f"[{marks_at}"
                f"{separator.join(self.mark_texts[criterion][run.start : run.stop])}"
                f"{MARKS_NEWLINE}]"
                if count
                else "[]"
            )
            result = self.result(criterion, entrant, run.item)
            panels.append(
                f'{heads[criterion]}{at}"item": {_text(run.item or None)},{middles[criterion]}'
                f'{at}"judges": {count},{self.size_texts[criterion]}'
                f'{at}"absent": {"false" if count else "true"},'
                f'{at}"marks": {marks},{at}"result": {_text(result)}'
                f"{PARTS_NEWLINE}  }}"
            )
        return Rendered(_listed(panels, PARTS_NEWLINE), PARTS_NEWLINE)


def mark_texts(marks: OrderedMarks, newline: str) -> list[str]:
    """Each mark as JSON text at the depth of ``newline``. Judges, values and flags repeat,
    so each distinct combination is encoded once."""
    combined = np.zeros(len(marks.judges), dtype=np.int64)
    uniques = []
    for column in marks.columns():
        codes, distinct = pd.factorize(column, sort=False)
        combined = combined * len(distinct) + codes
        uniques.append(distinct.tolist())
    codes, combinations = pd.factorize(combined, sort=False)
    texts = [_mark_text(_decoded(int(c), uniques), newline) for c in combinations.tolist()]
    return [texts[code] for code in codes.tolist()]


def _decoded(combined: int, uniques: list[list[object]]) -> list[object]:
    values: list[object] = []
    for distinct in reversed(uniques):
        combined, code = divmod(combined, len(distinct))
        values.append(distinct[code])
    return values[::-1]


_MARK_KEYS = ("judge", "value", "counted", "adjusted")


def _mark_text(values: list[object], newline: str) -> str:
    mark = dict(zip(_MARK_KEYS, values, strict=False))
    return indented_json(mark).replace("\n", newline)
