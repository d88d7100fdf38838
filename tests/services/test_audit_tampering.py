"""Tampering with the audit log by someone who can write the database but does not hold the
server's key: every way the chain was cut off, rewritten or extended, and every mark changed,
inserted or deleted behind the server's back, is reported (on SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import delete, select, text, update

from competition.extensions import db
from competition.models import AuditEntry, AuditHead, Mark
from competition.models.audit import GENESIS
from competition.services import audit, users
from tests.factories import make_admin
from tests.scenes import inspect, orchard_contest


@pytest.fixture
def scored(db_app: Flask) -> Flask:
    """A contest with measured data and one orchard inspected: a chain of about 40 entries,
    most of them marks."""
    admin = make_admin()
    scene = orchard_contest(admin, count=2)
    inspect(scene, scene.codes[0])
    users.create_user(admin, "late", "correct horse battery")  # the newest entry: no mark
    assert audit.verify().ok
    return db_app


def problems() -> list[str]:
    db.session.expire_all()
    return [problem.render("en") for problem in audit.verify().problems]


def entries() -> list[AuditEntry]:
    return list(db.session.scalars(select(AuditEntry).order_by(AuditEntry.seq)))


def rehash_from(seq: int) -> None:
    """What a forger without the key does: recompute every hash from ``seq`` on and the head."""
    previous = GENESIS
    for entry in entries():
        if entry.seq >= seq:
            entry.prev_hash = previous
            entry.hash = audit.entry_hash(entry)
        previous = entry.hash
    newest = entries()[-1] if entries() else None
    db.session.execute(
        update(AuditHead).values(
            seq=newest.seq if newest else 0, hash=newest.hash if newest else GENESIS
        )
    )
    db.session.commit()


def test_cutting_off_the_newest_entry_and_moving_the_head_is_found(scored: Flask) -> None:
    newest = entries()[-1]
    db.session.execute(delete(AuditEntry).where(AuditEntry.id == newest.id))
    db.session.commit()
    rehash_from(newest.seq)
    assert problems() == ["the chain's head is not sealed with this server's key: it was rewritten"]


def test_deleting_every_entry_and_resetting_the_head_is_found(scored: Flask) -> None:
    db.session.execute(delete(AuditEntry))
    db.session.execute(update(AuditHead).values(seq=0, hash=GENESIS, signature=None))
    db.session.commit()
    found = problems()
    assert "the chain's head is not sealed with this server's key: it was rewritten" in found
    assert any(line.endswith("has no audit entry") for line in found)


def test_an_edit_with_every_later_hash_recomputed_is_found(scored: Flask) -> None:
    entry = entries()[3]
    entry.reason = "quietly changed"
    db.session.commit()
    rehash_from(entry.seq)
    assert problems() == ["the chain's head is not sealed with this server's key: it was rewritten"]


def test_a_forged_entry_appended_with_a_right_hash_is_found(scored: Flask) -> None:
    newest = entries()[-1]
    forged = AuditEntry(
        seq=newest.seq + 1,
        at=newest.at + timedelta(seconds=1),
        actor="user:1:admin",
        role="admin",
        action="role.grant",
        subject="contest:1",
        reason="",
        before=None,
        after={"user": 2, "role": "organiser"},
        prev_hash=newest.hash,
        hash="",
    )
    forged.hash = audit.entry_hash(forged)
    db.session.add(forged)
    db.session.execute(update(AuditHead).values(seq=forged.seq, hash=forged.hash))
    db.session.commit()
    assert problems() == ["the chain's head is not sealed with this server's key: it was rewritten"]


def test_a_mark_changed_deleted_or_slipped_in_is_found(scored: Flask) -> None:
    marks = list(db.session.scalars(select(Mark).order_by(Mark.id)))
    changed, deleted, model = marks[-1], marks[-2], marks[0]
    db.session.execute(update(Mark).where(Mark.id == changed.id).values(value="10"))
    db.session.execute(delete(Mark).where(Mark.id == deleted.id))
    db.session.execute(
        text(
            "INSERT INTO marks (event_id, entrant_id, item, criterion, judge_id, value, "
            "reason, entered_by, created_at) VALUES (:event, :entrant, '', 'area_mu', NULL, "
            "'99', '', 'user:1:admin', :at)"
        ),
        {"event": model.event_id, "entrant": model.entrant_id, "at": model.created_at},
    )
    db.session.commit()
    slipped = db.session.scalar(select(Mark.id).order_by(Mark.id.desc()).limit(1))
    assert problems() == [
        f"mark {changed.id} was changed after it was written",
        f"mark {slipped} has no audit entry",
        f"mark {deleted.id} was deleted",
    ]


def test_an_anchor_kept_by_the_auditor_finds_a_rollback_to_an_older_sealed_head(
    scored: Flask,
) -> None:
    head = db.session.get(AuditHead, 1)
    assert head is not None
    older = (head.seq, head.hash, head.signature)  # a copy the forger kept of the database
    users.create_user(users.SYSTEM, "witness", "correct horse battery")
    result = audit.verify()
    anchor = (result.seq, result.head)  # what `audit anchor` gives the auditor
    db.session.execute(delete(AuditEntry).where(AuditEntry.seq > older[0]))
    db.session.execute(update(AuditHead).values(seq=older[0], hash=older[1], signature=older[2]))
    db.session.commit()
    assert problems() == []  # the rolled-back chain is whole and sealed …
    assert [p.render("en") for p in audit.anchor_problems(*anchor)] == [
        f"entry {anchor[0]} no longer has the hash the auditor holds"
    ]  # … but not the one the auditor holds
