"""Reading a marks file: every cell as its stripped text, blank lines skipped without
shifting the line numbers that messages name."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from competition.rules.datafiles import MARK_COLUMNS, read_entrants_csv, read_marks_text
from competition.rules.errors import DataFileError

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


def test_a_first_row_with_a_cell_more_than_the_header_is_an_error_naming_its_line(
    tmp_path: Path,
) -> None:
    text = "entrant,item,criterion,judge,value\nE1,1,score,J1,5,9\nE2,1,score,J1,5\n"
    with pytest.raises(DataFileError) as marks_error:
        read_marks_text(text, "marks.csv")
    entrants = tmp_path / "entrants.csv"
    entrants.write_text("entrant,name\nA,张三,1\n", encoding="utf-8")
    with pytest.raises(DataFileError) as entrants_error:
        read_entrants_csv(entrants)
    found = [(p.line, p.message.render("en")) for p in marks_error.value.problems]
    assert found == [(2, "not CSV: Expected 5 fields in line 2, saw 6")]
    assert [p.line for p in entrants_error.value.problems] == [2]
