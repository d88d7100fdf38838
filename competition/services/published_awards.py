"""What a contest's published snapshots say of its awards: awardees per tier, the prize
money and the budget, as the public was shown them (never recomputed). A snapshot never
changes, so what is read from one is kept for the life of the process."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import ColumnElement, func, select

from competition.extensions import db
from competition.models import Contest, Publication
from competition.models.base import utcnow

REPEATING = "…"  # format_exact's mark of a cut repeating decimal


@dataclass(frozen=True)
class Snapshot:
    """The awards of a contest's latest publication, and when it was first published."""

    awards: dict[str, int]
    prize: Decimal
    budget: Decimal | None
    first_at: datetime


_READ: dict[tuple[str, int, str], tuple[dict[str, int], Decimal, Decimal | None]] = {}


def snapshots(where: ColumnElement[bool]) -> dict[int, Snapshot]:
    """Per published contest, what its latest publication says."""
    rows = db.session.execute(
        select(
            Publication.contest_id,
            func.max(Publication.number),
            func.min(Publication.published_at),
        )
        .join(Contest, Contest.id == Publication.contest_id)
        .where(where)
        .group_by(Publication.contest_id)
    ).all()
    if not rows:
        return {}
    latest = {contest_id: number for contest_id, number, _first in rows}
    first = {contest_id: at for contest_id, _number, at in rows}
    heads = db.session.execute(
        select(Publication.id, Publication.contest_id, Publication.number, Publication.published_at)
        .join(Contest, Contest.id == Publication.contest_id)
        .where(where)
    ).all()
    database = db.engine.url.render_as_string(hide_password=True)
    wanted = {
        contest_id: (database, pid, at.isoformat())
        for pid, contest_id, number, at in heads
        if latest[contest_id] == number
    }
    _read_documents([key for key in wanted.values() if key not in _READ])
    return {
        contest_id: Snapshot(*_READ[key], first_at=first[contest_id] or utcnow())
        for contest_id, key in wanted.items()
    }


def _read_documents(keys: list[tuple[str, int, str]]) -> None:
    by_id = {key[1]: key for key in keys}
    ids = list(by_id)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        for pid, document in db.session.execute(
            select(Publication.id, Publication.document).where(Publication.id.in_(chunk))
        ):
            _READ[by_id[pid]] = _awards_of(document)


def _awards_of(document: dict[str, Any]) -> tuple[dict[str, int], Decimal, Decimal | None]:
    """Awardees per tier, prize money and budget, from the events' award summaries."""
    awards: Counter[str] = Counter()
    prize, budget, budgeted = Decimal(0), Decimal(0), False
    for event in document.get("events", []):
        summary = event.get("awards") or {}
        for group in summary.get("groups", []):
            for tier in group.get("tiers", []):
                awards[tier["name"]] += int(tier.get("awarded") or 0)
        prize += _amount(summary.get("prize_total")) or Decimal(0)
        if (amount := _amount(summary.get("budget"))) is not None:
            budget, budgeted = budget + amount, True
    return dict(awards), prize, budget if budgeted else None


def _amount(text: object) -> Decimal | None:
    if text is None or text == "":
        return None
    try:
        return Decimal(str(text).removesuffix(REPEATING))
    except InvalidOperation:
        return None
