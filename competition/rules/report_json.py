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

from competition.rules.breakdown import OrderedMarks, PanelIndex
from competition.rules.collection import cycles_paused
from competition.rules.json_text import Rendered, indented_json
from competition.rules.messages import DEFAULT_LOCALE
from competition.rules.report import MarksOf, standings_dict
from competition.rules.standings import Standings


@cycles_paused()
def standings_json(standings: Standings, locale: str = DEFAULT_LOCALE) -> str:
    """The document of ``competition rank --format json``, with its final newline."""
    return indented_json(standings_dict(standings, locale, marks_as=_rendered_marks)) + "\n"


def _rendered_marks(index: PanelIndex) -> MarksOf:
    texts = {name: mark_texts(marks) for name, marks in index.marks.items()}
    return lambda run: Rendered(
        "[\n" + ",\n".join(texts[run.criterion][run.start : run.stop]) + "\n]"
    )


def mark_texts(marks: OrderedMarks) -> list[str]:
    """Each mark as an element of its list (indented one level). Judges, values and flags
    repeat, so each distinct combination is encoded once."""
    combined = np.zeros(len(marks.judges), dtype=np.int64)
    uniques = []
    for column in marks.columns():
        codes, distinct = pd.factorize(column, sort=False)
        combined = combined * len(distinct) + codes
        uniques.append(distinct.tolist())
    codes, combinations = pd.factorize(combined, sort=False)
    texts = [_mark_text(_decoded(int(c), uniques)) for c in combinations.tolist()]
    return [texts[code] for code in codes.tolist()]


def _decoded(combined: int, uniques: list[list[object]]) -> list[object]:
    values: list[object] = []
    for distinct in reversed(uniques):
        combined, code = divmod(combined, len(distinct))
        values.append(distinct[code])
    return values[::-1]


_MARK_KEYS = ("judge", "value", "counted", "adjusted")


def _mark_text(values: list[object]) -> str:
    mark = dict(zip(_MARK_KEYS, values, strict=False))
    return "  " + indented_json(mark).replace("\n", "\n  ")
