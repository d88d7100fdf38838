"""The audit log: services write one entry per state change, in the same transaction.

Each entry's hash covers its content and the previous entry's hash; ``verify`` recomputes
the chain, so an edited, inserted or deleted row is found. The head (newest sequence number
and hash) is kept in its own row, which every append updates first: appends are serialised
on every database, and deleting the newest entry is caught too. The head is sealed with an
HMAC under a key derived from SECRET_KEY, so whoever can write the database but does not
hold the key cannot recompute the chain after an edit, cut it off or append to it and have
it verify; each mark's entry holds a digest of the mark (services/audit_coverage.py); and an
auditor can keep a copy of the head (``competition audit anchor``) to check later that the
chain up to it is unchanged even against a rollback to an earlier sealed head.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass, field
from typing import Any

from flask import current_app
from sqlalchemy import bindparam, insert, or_, select, update

from competition.extensions import db
from competition.models import AuditEntry, AuditHead
from competition.models.audit import GENESIS
from competition.models.base import utcnow
from competition.rules.messages import N_, Message, msg
from competition.services import audit_coverage
from competition.services.authority import Actor


def _canonical(value: Any) -> Any:
    """JSON-safe and stable: what is stored is exactly what was hashed."""
    if value is None or _plain(value):
        return value  # what the round trip below would give back
    return json.loads(json.dumps(value, ensure_ascii=False, sort_keys=True, default=str))


def _plain(value: Any) -> bool:
    """A flat object of texts and whole numbers (a mark's before and after)."""
    return type(value) is dict and all(
        type(key) is str and (item is None or type(item) in (str, int))
        for key, item in value.items()
    )


def entry_hash(entry: AuditEntry) -> str:
    return _hash({column: getattr(entry, column) for column in (*_HASHED, "prev_hash")})


_HASHED = ("seq", "at", "actor", "role", "action", "subject", "reason", "before", "after")


def _hash(columns: dict[str, Any]) -> str:
    """The hash of an entry's columns, chained to the previous entry's (``prev_hash``)."""
    content = {name: columns[name] for name in _HASHED}
    content["at"] = content["at"].isoformat()
    text = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256((columns["prev_hash"] + text).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Draft:
    """An entry to append: who did what to what, as whom, from what to what, and why."""

    actor: Actor
    action: str
    subject: str
    role: str
    before: Any = None
    after: Any = None
    reason: str = ""


def record(
    actor: Actor,
    action: str,
    subject: str,
    *,
    role: str,
    before: Any = None,
    after: Any = None,
    reason: str = "",
) -> None:
    """Append an entry; the caller's transaction commits it together with the change."""
    record_all([Draft(actor, action, subject, role, before, after, reason)])


def record_all(drafts: list[Draft]) -> None:
    """Append entries in order, in three statements however many (the marks of one batch):
    the head moved by their number, the entries, the head's new hash."""
    if not drafts:
        return
    connection = db.session.connection()  # Core statements: the ORM has no part in them
    taken = connection.execute(_TAKE_HEAD, {"count": len(drafts)}).one_or_none()
    if taken is None:  # the first entries ever
        connection.execute(insert(AuditHead.__table__).values(id=1, seq=0, hash=GENESIS))
        taken = connection.execute(_TAKE_HEAD, {"count": len(drafts)}).one()
    last, previous = int(taken[0]), str(taken[1])
    now = utcnow()
    rows = []
    for seq, draft in enumerate(drafts, start=last - len(drafts) + 1):
        row = {
            "seq": seq,
            "at": now,
            "actor": draft.actor.label,
            "role": draft.role,
            "action": draft.action,
            "subject": draft.subject,
            "reason": draft.reason,
            "before": _canonical(draft.before),
            "after": _canonical(draft.after),
            "prev_hash": previous,
        }
        row["hash"] = previous = _hash(row)
        rows.append(row)
    connection.execute(_APPEND, rows)
    connection.execute(_MOVE_HEAD, {"hash": previous, "signature": head_signature(last, previous)})


def head_signature(seq: int, head_hash: str) -> str:
    """The head's seal: an HMAC of its seq and hash under a key derived from SECRET_KEY."""
    key = hmac.new(
        str(current_app.config["SECRET_KEY"]).encode(), b"audit head", hashlib.sha256
    ).digest()
    return hmac.new(key, f"{seq}:{head_hash}".encode(), hashlib.sha256).hexdigest()


_HEAD = AuditHead.__table__
_TAKE_HEAD = (
    update(_HEAD)
    .where(_HEAD.c.id == 1)
    .values(seq=_HEAD.c.seq + bindparam("count"))
    .returning(_HEAD.c.seq, _HEAD.c.hash)
)
_APPEND = insert(AuditEntry.__table__)
_MOVE_HEAD = (
    update(_HEAD)
    .where(_HEAD.c.id == 1)
    .values(hash=bindparam("hash"), signature=bindparam("signature"))
)


@dataclass
class Verification:
    entries: int = 0
    head: str = GENESIS
    problems: list[Message] = field(default_factory=list)
    seq: int = 0
    signature: str = ""

    @property
    def ok(self) -> bool:
        return not self.problems


def verify() -> Verification:
    """Recompute the chain from the first entry; every break is reported with its seq."""
    result = Verification()
    previous = GENESIS
    expected_seq = 1
    for entry in db.session.scalars(select(AuditEntry).order_by(AuditEntry.seq)):
        if entry.seq != expected_seq:
            result.problems.append(
                msg(
                    N_("entry {seq} is missing (the next is {next})"),
                    seq=expected_seq,
                    next=entry.seq,
                )
            )
        if entry.prev_hash != previous:
            result.problems.append(
                msg(N_("entry {seq} does not follow the entry before it"), seq=entry.seq)
            )
        if entry_hash(entry) != entry.hash:
            result.problems.append(
                msg(N_("entry {seq} was changed after it was written"), seq=entry.seq)
            )
        previous = entry.hash
        expected_seq = entry.seq + 1
        result.entries += 1
    head = db.session.get(AuditHead, 1)
    head_seq, head_hash = (head.seq, head.hash) if head else (0, GENESIS)
    if head_seq != expected_seq - 1 or head_hash != previous:
        result.problems.append(
            msg(N_("the newest entry should be {seq}: entries were removed"), seq=head_seq)
        )
    seal = (head.signature if head is not None else None) or ""
    if (head is not None or result.entries) and not hmac.compare_digest(
        seal, head_signature(head_seq, head_hash)
    ):
        result.problems.append(
            msg(N_("the chain's head is not sealed with this server's key: it was rewritten"))
        )
    result.problems.extend(audit_coverage.mark_problems())
    result.head, result.seq, result.signature = previous, head_seq, seal
    return result


def anchor_problems(seq: int, expected_hash: str) -> list[Message]:
    """An auditor's copy of an earlier head (``audit anchor``): the chain must still hold
    that entry with that hash, so nothing up to it was cut off or rewritten."""
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.seq == seq))
    if seq == 0 and expected_hash == GENESIS:
        return []
    if entry is None or entry.hash != expected_hash:
        return [msg(N_("entry {seq} no longer has the hash the auditor holds"), seq=seq)]
    return []


def entries_about(contest_id: int, event_ids: list[int], limit: int = 500) -> list[AuditEntry]:
    """The newest entries about a contest and its events, for the console's audit page."""
    subjects = [f"contest:{contest_id}", *(f"event:{e}" for e in event_ids)]
    prefixes = [AuditEntry.subject.like(f"event:{e}/%") for e in event_ids]
    query = (
        select(AuditEntry)
        .where(or_(AuditEntry.subject.in_(subjects), *prefixes))
        .order_by(AuditEntry.seq.desc())
        .limit(limit)
    )
    return list(db.session.scalars(query))
