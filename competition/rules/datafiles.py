"""Marks and entrants as the engine reads them: CSV files into checked tables.

MARKS.csv is long format, ``entrant,item,criterion,judge,value``, one row per value.
ENTRANTS.csv is ``entrant,name,`` followed by the declared attribute columns.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from competition.rules.errors import DataFileError, Problem
from competition.rules.messages import N_, msg

MARK_COLUMNS = ("entrant", "item", "criterion", "judge", "value")
FIRST_DATA_LINE = 2  # line 1 is the header


@dataclass(frozen=True)
class Entrant:
    id: str
    name: str
    attributes: dict[str, str] = field(default_factory=dict)
    line: int | None = None


def _read_text(path: Path, source: str) -> str:
    try:
        return path.read_bytes().decode("utf-8-sig")
    except OSError as error:
        detail = error.strerror or str(error)
        raise DataFileError(
            [Problem(source, None, "", msg(N_("cannot read the file: {detail}"), detail=detail))]
        ) from None
    except UnicodeDecodeError:
        raise DataFileError(
            [
                Problem(
                    source, None, "", msg(N_("the file is not UTF-8 text; save it as 'CSV UTF-8'"))
                )
            ]
        ) from None


def _frame(text: str, source: str) -> pd.DataFrame:
    """Every cell as stripped text; a row with too many cells is an error naming its line."""
    reader = csv.reader(_lines(text))
    try:
        header = next(reader)
    except StopIteration:
        raise DataFileError([Problem(source, 1, "", msg(N_("the file is empty")))]) from None
    except csv.Error as error:
        raise DataFileError(
            [Problem(source, 1, "", msg(N_("not CSV: {detail}"), detail=error))]
        ) from None
    header = [h.strip() for h in header]
    data = text.encode("utf-8")
    try:
        frame = _texts(
            pd.read_csv(
                io.BytesIO(data),
                dtype="category",
                encoding="utf-8",
                na_filter=False,
                skip_blank_lines=False,
                skipinitialspace=True,
            )
        )
    except (pd.errors.ParserError, ValueError) as error:
        raise DataFileError(
            [Problem(source, None, "", msg(N_("not CSV: {detail}"), detail=error))]
        ) from None
    if not isinstance(frame.index, pd.RangeIndex):
        # the row after the header has a cell more than the header, and pandas took that
        # column for an index (any later row like it is a ParserError, worded as below)
        line = reader.line_num + 1
        detail = f"Expected {len(header)} fields in line {line}, saw {len(header) + 1}"
        raise DataFileError(
            [Problem(source, line, "", msg(N_("not CSV: {detail}"), detail=detail))]
        )
    frame.columns = header
    codes = np.frombuffer(data, dtype=np.uint8)
    if _may_have_blank_line(codes) and _BLANK_LINE.search(text):
        # drop blank rows but keep the index, so that index + 2 stays the row's line
        frame = frame[~(frame == "").all(axis=1)]
    if _space_at_edge(text, data):
        for column in frame.columns:
            frame[column] = _stripped(frame[column])
    return frame


def _lines(text: str) -> Iterator[str]:
    """The lines of ``text`` one by one, as the CSV reader asks for them (the header is all
    it reads; a copy of the whole text for it would take longer than the header)."""
    start = 0
    while start < len(text):
        end = text.find("\n", start) + 1 or len(text)
        yield text[start:end]
        start = end


def _texts(frame: pd.DataFrame) -> pd.DataFrame:
    """Categorical columns as text columns holding one object per distinct text: read so,
    half a million rows of marks take fewer strings to make, and each string's hash is
    computed once however many rows repeat it (the checks factorize every column)."""
    columns = {}
    for column in frame.columns:
        values = frame[column].array
        assert isinstance(values, pd.Categorical)
        codes = values.codes
        if len(codes) and codes.min() < 0:  # a missing cell, if the reader ever leaves one
            columns[column] = np.asarray(values, dtype=object)
        else:
            columns[column] = np.asarray(values.categories, dtype=object)[codes]
    return pd.DataFrame(columns, index=frame.index, columns=frame.columns, copy=False)


# a line with nothing but commas and spaces
_BLANK_LINE = re.compile(r"\n[ \t,]*\r?\n")
_BLANK_LINE_STARTS = np.array([ord(c) for c in " \t,\r\n"], dtype=np.uint8)


def _may_have_blank_line(codes: np.ndarray) -> bool:
    """Whether some line break is followed by what a blank line starts with."""
    after_breaks = codes[np.flatnonzero(codes[:-1] == ord("\n")) + 1]
    return bool(np.isin(after_breaks, _BLANK_LINE_STARTS).any())


def _space_at_edge(text: str, data: bytes) -> bool:
    """Whether some cell may keep a space that skipinitialspace does not remove: before a
    comma or a line end, or at the start of a line. (Substring tests: a regex is slower;
    without a space or a tab at all, none is needed.)"""
    if b" " not in data and b"\t" not in data:
        return False
    edges = (" ,", " \n", " \r", "\t", "\n ")
    return any(edge in text for edge in edges) or text.startswith(" ") or text.endswith(" ")


def _stripped(column: pd.Series) -> pd.Series:
    """Strip each distinct value once: marks repeat the same texts thousands of times."""
    codes, uniques = pd.factorize(column, sort=False)
    return pd.Series(uniques.str.strip().to_numpy()[codes], index=column.index)


def read_marks_csv(path: Path | str, display: str | None = None) -> pd.DataFrame:
    """MARKS.csv as a table with a ``line`` column for messages."""
    path = Path(path)
    source = display or str(path)
    return read_marks_text(_read_text(path, source), source)


def read_marks_text(text: str, source: str) -> pd.DataFrame:
    """Marks CSV text (an upload, say) as :func:`read_marks_csv` reads a file."""
    frame = _frame(text, source)
    missing = [c for c in MARK_COLUMNS if c not in frame.columns]
    extra = [c for c in frame.columns if c not in MARK_COLUMNS]
    if missing or extra:
        raise DataFileError(
            [
                Problem(
                    source,
                    1,
                    "",
                    msg(
                        N_(
                            "the header must be {expected}; missing: {missing}; unexpected: {extra}"
                        ),
                        expected=",".join(MARK_COLUMNS),
                        missing=", ".join(missing) or "—",
                        extra=", ".join(extra) or "—",
                    ),
                )
            ]
        )
    if list(frame.columns) == list(MARK_COLUMNS) and isinstance(frame.index, pd.RangeIndex):
        # as read, no blank line dropped: the frame is ours to extend, no copy needed
        frame["line"] = np.arange(FIRST_DATA_LINE, FIRST_DATA_LINE + len(frame))
        return frame
    frame = frame[list(MARK_COLUMNS)].copy()
    frame["line"] = frame.index.to_numpy() + FIRST_DATA_LINE
    return frame.reset_index(drop=True)


def marks_frame(rows: list[dict[str, str]]) -> pd.DataFrame:
    """Marks given in code (tests, services) in the same shape as :func:`read_marks_csv`."""
    frame = pd.DataFrame(
        [{c: str(row.get(c, "") or "").strip() for c in MARK_COLUMNS} for row in rows],
        columns=list(MARK_COLUMNS),
    )
    frame["line"] = frame.index.to_numpy() + FIRST_DATA_LINE
    return frame


def read_entrants_csv(path: Path | str, display: str | None = None) -> list[Entrant]:
    path = Path(path)
    source = display or str(path)
    frame = _frame(_read_text(path, source), source)
    if list(frame.columns[:2]) != ["entrant", "name"]:
        raise DataFileError(
            [
                Problem(
                    source,
                    1,
                    "",
                    msg(
                        N_("the header must start with entrant,name and then the attribute columns")
                    ),
                )
            ]
        )
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    entrants: list[Entrant] = []
    attribute_columns = list(frame.columns[2:])
    for index, record in zip(frame.index, frame.itertuples(index=False, name=None), strict=True):
        line = int(index) + FIRST_DATA_LINE
        entrant_id, name = str(record[0]), str(record[1])
        if not entrant_id:
            problems.append(Problem(source, line, "entrant", msg(N_("the entrant id is empty"))))
            continue
        if entrant_id in seen:
            problems.append(
                Problem(
                    source,
                    line,
                    "entrant",
                    msg(
                        N_("'{id}' is listed twice (first on line {first})"),
                        id=entrant_id,
                        first=seen[entrant_id],
                    ),
                )
            )
            continue
        seen[entrant_id] = line
        attributes = {c: str(v) for c, v in zip(attribute_columns, record[2:], strict=True)}
        entrants.append(Entrant(entrant_id, name or entrant_id, attributes, line))
    if problems:
        raise DataFileError(problems)
    return entrants
