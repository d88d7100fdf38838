"""The audit chain: every change leaves an entry, and tampering of any kind is found."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import delete, select, text, update

from competition.extensions import db
from competition.models import AuditEntry
from competition.services import audit, lifecycle
from tests.factories import make_admin, make_contest


def problems() -> list[str]:
    return [p.render("en") for p in audit.verify().problems]


def test_changes_leave_a_verifiable_chain(db_app: Flask) -> None:
    admin = make_admin()
    contest = make_contest(admin)
    lifecycle.advance(admin, contest.id, "open_registration")
    entries = db.session.scalars(select(AuditEntry).order_by(AuditEntry.seq)).all()
    assert [e.action for e in entries] == [
        "user.create",
        "contest.create",
        "contest.open_registration",
    ]
    assert entries[2].before == {"status": "draft"}
    assert entries[2].after == {"status": "registration"}
    assert entries[2].actor == f"user:{admin.id}:admin"
    result = audit.verify()
    assert result.ok and result.entries == 3 and result.head == entries[-1].hash


def test_an_edited_entry_is_found(db_app: Flask) -> None:
    admin = make_admin()
    make_contest(admin)
    db.session.execute(update(AuditEntry).where(AuditEntry.seq == 2).values(reason="tampered"))
    db.session.commit()
    assert problems() == ["entry 2 was changed after it was written"]


def test_a_deleted_entry_in_the_middle_is_found(db_app: Flask) -> None:
    admin = make_admin()
    contest = make_contest(admin)
    lifecycle.advance(admin, contest.id, "open_registration")
    db.session.execute(delete(AuditEntry).where(AuditEntry.seq == 2))
    db.session.commit()
    assert problems() == [
        "entry 2 is missing (the next is 3)",
        "entry 3 does not follow the entry before it",
    ]


def test_deleting_the_newest_entry_is_found_too(db_app: Flask) -> None:
    admin = make_admin()
    make_contest(admin)
    db.session.execute(delete(AuditEntry).where(AuditEntry.seq == 2))
    db.session.commit()
    assert problems() == ["the newest entry should be 2: entries were removed"]


def test_a_forged_entry_with_a_recomputed_hash_still_breaks_the_next_link(db_app: Flask) -> None:
    admin = make_admin()
    contest = make_contest(admin)
    lifecycle.advance(admin, contest.id, "open_registration")
    forged = db.session.scalar(select(AuditEntry).where(AuditEntry.seq == 2))
    assert forged is not None
    forged.reason = "forged"
    forged.hash = audit.entry_hash(forged)
    db.session.commit()
    assert problems() == ["entry 3 does not follow the entry before it"]
    assert db.session.execute(text("select count(*) from audit_log")).scalar() == 3
