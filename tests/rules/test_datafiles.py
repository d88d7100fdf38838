"""Reading a marks file: every cell as its stripped text, blank lines skipped without
shifting the line numbers that messages name."""

from __future__ import annotations

import csv
import io

from hypothesis import given, settings
from hypothesis import strategies as st

from competition.rules.datafiles import MARK_COLUMNS, read_marks_text

cells = st.sampled_from(["A", "B7", " 1 ", "score", "\tJ1", "9.5 ", "", "名字", 'a "q"', "x,y"])
rows = st.lists(st.one_of(st.lists(cells, min_size=5, max_size=5), st.just([])), max_size=12)


@settings(max_examples=150, deadline=None)
@given(rows, st.sampled_from(["\n", "\r\n"]))
def test_cells_are_read_stripped_with_the_line_each_came_from(
    written: list[list[str]], newline: str
) -> None:
    text = io.StringIO()
    writer = csv.writer(text, lineterminator=newline)
    writer.writerow(MARK_COLUMNS)
    writer.writerows(written)
    frame = read_marks_text(text.getvalue(), "marks.csv")
    expected = [
        ([cell.strip() for cell in row], line)
        for line, row in enumerate(written, start=2)
        if any(cell.strip() for cell in row)
    ]
    got = list(zip(frame[list(MARK_COLUMNS)].values.tolist(), frame["line"], strict=True))
    assert got == expected
