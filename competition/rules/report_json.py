"""The standings document as JSON text, byte for byte what ``json.dumps(standings_dict(...),
ensure_ascii=False, indent=2)`` writes, in a fraction of its time.

With ``indent`` the standard library encodes in pure Python, token by token; a breakdown
holds every judge's mark, so 10,000 entrants make a 100 MB document and seconds of encoding.
Here each distinct mark is encoded once and each panel's marks are joined as text, and the
rest of the document goes through a small encoder with the same layout.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from competition.rules.breakdown import OrderedMarks, PanelIndex, PanelRun
from competition.rules.collection import cycles_paused
from competition.rules.json_text import Rendered, Streamed, indented_json
from competition.rules.messages import DEFAULT_LOCALE
from competition.rules.report import MarksOf, standings_document, standings_entries
from competition.rules.standings import Standings


@cycles_paused()
def standings_json(standings: Standings, locale: str = DEFAULT_LOCALE) -> str:
    """The document of ``competition rank --format json``, with its final newline."""
    entries = standings_entries(standings, locale, marks_as=_rendered_marks)
    return indented_json(standings_document(standings, Streamed(entries)), end="\n")


# where a panel's marks sit in the document: standings[i].breakdown.panels[j].marks (a
# team member's are deeper, and indented again on the way in)
MARKS_NEWLINE = "\n" + "  " * 6


def _rendered_marks(index: PanelIndex) -> MarksOf:
    inner = MARKS_NEWLINE + "  "
    texts = {name: mark_texts(marks, inner) for name, marks in index.marks.items()}
    separator = "," + inner

    def rendered(run: PanelRun) -> Rendered:
        marks = separator.join(texts[run.criterion][run.start : run.stop])
        return Rendered(f"[{inner}{marks}{MARKS_NEWLINE}]", MARKS_NEWLINE)

    return rendered


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
