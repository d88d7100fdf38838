"""Wrong passwords and wrong PINs, counted on the row they were tried against.

The count is raised in one UPDATE … RETURNING, so attempts made at the same moment, or on
different server processes, are all counted; the row that reaches the limit is locked until a
time after which the next right answer lets it in again. The caller commits.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import update

from competition.extensions import db


def count_failure(
    row: Any, failures: str, until: str, now: datetime, *, limit: int, lockout: timedelta
) -> None:
    """One more wrong attempt against ``row`` (a mapped object with an ``id``); at ``limit``
    in a row the count starts again and ``until`` is set ``lockout`` after ``now``."""
    model = type(row)
    count = db.session.scalar(
        update(model)
        .where(model.id == row.id)
        .values({failures: getattr(model, failures) + 1})
        .returning(getattr(model, failures))
    )
    if count is not None and count >= limit:
        db.session.execute(
            update(model).where(model.id == row.id).values({failures: 0, until: now + lockout})
        )


def locked(row: Any, until: str, now: datetime) -> bool:
    ends: datetime | None = getattr(row, until)
    return ends is not None and ends > now


def clear(row: Any, failures: str, until: str) -> bool:
    """Forget the wrong attempts after a right one; whether there was anything to forget."""
    if not getattr(row, failures) and getattr(row, until) is None:
        return False
    setattr(row, failures, 0)
    setattr(row, until, None)
    return True
