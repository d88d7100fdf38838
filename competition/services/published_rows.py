"""What a contest's latest published snapshot says of each entrant: rank, total, award and
titles, as the public was shown them. A snapshot never changes, so each is read once and
its rows kept, for the most recently read publications."""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from competition.extensions import db
from competition.models import Publication


@dataclass(frozen=True)
class PublishedRow:
    rank: int | None
    total: str | None
    award: str
    titles: tuple[Any, ...]
    title_valid_years: tuple[tuple[str, int | None], ...] = ()  # the rule file's, per title


EMPTY = PublishedRow(None, None, "", ())
KEPT = 512  # publications whose rows are kept; the least recently read go first
Rows = dict[tuple[int, str], PublishedRow]  # (event id, entrant code) → row
_Key = tuple[str, int, str]  # database, publication id, published at

_ROWS: OrderedDict[_Key, Rows] = OrderedDict()
_LOCK = threading.Lock()


def latest_rows(contest_ids: list[int]) -> dict[int, Rows]:
    """Per contest that has been published, the rows of its latest publication."""
    if not contest_ids:
        return {}
    latest: dict[int, tuple[int, int, datetime]] = {}
    for pid, contest_id, number, at in db.session.execute(
        select(
            Publication.id, Publication.contest_id, Publication.number, Publication.published_at
        ).where(Publication.contest_id.in_(contest_ids))
    ):
        if contest_id not in latest or number > latest[contest_id][1]:
            latest[contest_id] = (pid, number, at)
    database = db.engine.url.render_as_string(hide_password=True)
    keys = {cid: (database, pid, at.isoformat()) for cid, (pid, _n, at) in latest.items()}
    with _LOCK:
        missing = {key[1]: key for key in keys.values() if key not in _ROWS}
    read = _read(missing)
    with _LOCK:
        _ROWS.update(read)
        found = {}
        for contest_id, key in keys.items():
            found[contest_id] = _ROWS[key]
            _ROWS.move_to_end(key)
        while len(_ROWS) > KEPT:
            _ROWS.popitem(last=False)
    return found


def _read(missing: dict[int, _Key]) -> dict[_Key, Rows]:
    if not missing:
        return {}
    return {
        missing[pid]: _rows_of(document)
        for pid, document in db.session.execute(
            select(Publication.id, Publication.document).where(Publication.id.in_(missing))
        )
    }


def _rows_of(document: dict[str, Any]) -> Rows:
    return {
        (event["id"], row["key"]): PublishedRow(
            rank=row.get("rank"),
            total=row.get("total"),
            award=row.get("award") or "",
            titles=tuple(row.get("titles") or ()),
            title_valid_years=tuple((row.get("title_valid_years") or {}).items()),
        )
        for event in document.get("events", [])
        for row in event.get("rows", [])
    }
