"""Wrong passwords and wrong PINs, counted on the row they were tried against.

An attempt is counted before the secret is checked, in one UPDATE … RETURNING that only
succeeds while the row is not locked: attempts made at the same moment, or on different server
processes, each get their own number, and only the first ``limit`` of them are ever checked.
The row that reaches the limit is locked until a time after which attempts count again. The
caller commits.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, update

from competition.extensions import db


def reserve_attempt(
    row: Any, failures: str, until: str, now: datetime, *, limit: int, lockout: timedelta
) -> int | None:
    """The number of this attempt since the last right one, or None when the row is locked
    (this attempt may not be checked). An attempt beyond ``limit`` locks the row."""
    model = type(row)
    locked_until = getattr(model, until)
    count: int | None = db.session.scalar(
        update(model)
        .where(model.id == row.id, or_(locked_until.is_(None), locked_until <= now))
        .values({failures: getattr(model, failures) + 1})
        .returning(getattr(model, failures))
    )
    if count is not None and count > limit:
        _lock(model, row.id, failures, until, now + lockout)
        return None
    return count


def failed(
    row: Any,
    attempt: int,
    failures: str,
    until: str,
    now: datetime,
    *,
    lockout: timedelta,
    limit: int,
) -> None:
    """The secret of attempt number ``attempt`` was wrong: the last one allowed locks the row."""
    if attempt >= limit:
        _lock(type(row), row.id, failures, until, now + lockout)


def forget_attempts(row: Any, failures: str, until: str) -> None:
    """A right answer (or an admin's unlock): the count starts again and no lock stands."""
    model = type(row)
    db.session.execute(update(model).where(model.id == row.id).values({failures: 0, until: None}))


def locked(row: Any, until: str, now: datetime) -> bool:
    ends: datetime | None = getattr(row, until)
    return ends is not None and ends > now


def _lock(model: Any, row_id: int, failures: str, until: str, ends: datetime) -> None:
    db.session.execute(update(model).where(model.id == row_id).values({failures: 0, until: ends}))
