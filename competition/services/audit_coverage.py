"""The marks the audit log covers. Each mark's entry (``mark.record`` or ``mark.correct``)
holds a digest of the mark's columns, so ``audit verify`` finds a mark that was changed
after it was written, a mark with no entry (inserted behind the server's back, or left
after its entry was cut off), and an entry whose mark is gone."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping

from sqlalchemy import select

from competition.extensions import db
from competition.models import AuditEntry, Mark
from competition.rules.messages import N_, Message, msg

MARK_ACTIONS = ("mark.record", "mark.correct")
# what a digest covers: everything a mark says, not when it arrived
COLUMNS = (
    "id",
    "event_id",
    "entrant_id",
    "item",
    "criterion",
    "judge_id",
    "value",
    "idempotency_key",
    "supersedes_id",
    "reason",
    "entered_by",
)


def mark_digest(columns: Mapping[str, object]) -> str:
    """SHA-256 of a mark's columns as stored (``columns`` holds at least COLUMNS)."""
    content = {name: columns.get(name) for name in COLUMNS}
    text = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def mark_problems() -> list[Message]:
    """Every mark without its entry, changed since, or deleted, by mark id."""
    recorded: dict[int, str | None] = {}
    entries = select(AuditEntry.after).where(AuditEntry.action.in_(MARK_ACTIONS))
    for after in db.session.scalars(entries):
        if isinstance(after, dict) and isinstance(after.get("mark"), int):
            digest = after.get("row")
            recorded[after["mark"]] = digest if isinstance(digest, str) else None
    problems = []
    table = Mark.__table__
    seen = set()
    for row in db.session.execute(select(*(table.c[name] for name in COLUMNS))).mappings():
        mark_id = int(row["id"])
        seen.add(mark_id)
        if mark_id not in recorded:
            problems.append(msg(N_("mark {id} has no audit entry"), id=mark_id))
        elif recorded[mark_id] is not None and recorded[mark_id] != mark_digest(dict(row)):
            problems.append(msg(N_("mark {id} was changed after it was written"), id=mark_id))
    for mark_id in sorted(set(recorded) - seen):
        problems.append(msg(N_("mark {id} was deleted"), id=mark_id))
    return problems
