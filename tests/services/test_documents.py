"""The official documents' issuer, date and seal: money and dates as documents print them,
a seal upload taken or refused whole, and only the organiser may set them (both databases)."""

from __future__ import annotations

import math
import struct
import zlib
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction

import pytest
from flask import Flask
from sqlalchemy import select

from competition.extensions import db
from competition.models import AuditEntry, Contest
from competition.services import documents, users
from competition.services.authority import Actor, Refused
from competition.services.award_frames import document_date, money
from tests.factories import make_admin, make_contest, make_user


def seal_png(size: int = 240) -> bytes:
    """A red round seal (a ring round a star-like dot) on a transparent ground, as a PNG."""
    radius, rows = size / 2, []
    for y in range(size):
        row = bytearray([0])  # filter: none
        for x in range(size):
            r = math.hypot(x - radius, y - radius) / radius
            angle = math.atan2(y - radius, x - radius)
            star = r < 0.28 * (0.6 + 0.4 * math.cos(5 * angle))
            red = 0.82 < r < 0.96 or star
            row += bytes((204, 28, 28, 235) if red else (0, 0, 0, 0))
        rows.append(bytes(row))
    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
        + chunk(b"IEND", b"")
    )


JPEG_START = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00"


def test_money_has_yuan_thousands_separators_and_every_digit() -> None:
    assert money("5000", "zh_CN") == "5,000 元"
    assert money("145000", "en") == "¥145,000"
    assert money(Decimal("1234567.50"), "zh_CN") == "1,234,567.50 元"  # exact, never a float
    assert money(Fraction(20000, 3), "zh_CN").startswith("6,666.666")
    assert money("-2500", "zh_CN") == "-2,500 元"  # over budget
    assert money("800", "en", "USD") == "800 USD"
    assert money(None, "zh_CN") == ""


def test_document_dates_read_as_chinese_documents_print_them() -> None:
    assert document_date(date(2026, 12, 7), "zh_CN") == "2026年12月7日"
    assert document_date(date(2026, 12, 7), "en") == "7 December 2026"


@pytest.fixture
def contest(db_app: Flask) -> Contest:
    return make_contest(make_admin())


def organiser_of(contest: Contest) -> Actor:
    admin = make_admin("root")
    organiser = make_user(admin, "organiser")
    users.grant_role(admin, organiser.id or 0, contest.id, "organiser")
    return organiser


def test_the_organiser_sets_the_issuer_and_date_and_the_audit_keeps_both(
    contest: Contest,
) -> None:
    organiser = organiser_of(contest)
    documents.set_issuer(organiser, contest.id, "  延安市总工会 ", date(2026, 12, 7))
    db.session.expire_all()
    stored = db.session.get(Contest, contest.id)
    assert stored is not None and stored.issuer == "延安市总工会"
    assert stored.issued_on == date(2026, 12, 7)
    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "documents.issuer")
    ).one()
    assert "延安市总工会" in str(entry.after) and "2026-12-07" in str(entry.after)
    with pytest.raises(Refused):
        documents.set_issuer(organiser, contest.id, "总" * 201, None)
    assert db.session.get(Contest, contest.id).issuer == "延安市总工会"  # type: ignore[union-attr]


def test_a_png_or_jpeg_seal_is_taken_and_anything_else_refused_changing_nothing(
    contest: Contest,
) -> None:
    organiser = organiser_of(contest)
    png = seal_png()
    documents.set_seal(organiser, contest.id, png)
    assert contest.seal_image == png and contest.seal_type == "image/png"
    for bad, says in (
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "PNG or JPEG"),
        (b"GIF89a" + bytes(100), "PNG or JPEG"),
        (b"\x89PNG\r\n\x1a\n" + bytes(documents.MAX_SEAL_BYTES), "512 KB"),
        (b"", "choose an image"),
    ):
        with pytest.raises(Refused) as refused:
            documents.set_seal(organiser, contest.id, bad)
        assert says in refused.value.render("en")
        db.session.rollback()
        assert db.session.get(Contest, contest.id).seal_image == png  # type: ignore[union-attr]
    documents.set_seal(organiser, contest.id, JPEG_START + bytes(64))
    assert contest.seal_type == "image/jpeg"
    entries = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "documents.seal")
    ).all()
    assert len(entries) == 2 and "image/png" in str(entries[1].before)
    documents.remove_seal(organiser, contest.id)
    assert contest.seal_image is None and contest.seal_type is None


def test_only_an_organiser_may_set_the_documents(contest: Contest) -> None:
    admin = make_admin("root")
    chief = make_user(admin, "chief")
    users.grant_role(admin, chief.id or 0, contest.id, "chief_judge")
    with pytest.raises(Refused) as refused:
        documents.set_seal(chief, contest.id, seal_png(16))
    assert refused.value.code == "forbidden"
    with pytest.raises(Refused):
        documents.set_issuer(chief, contest.id, "某单位", None)
    db.session.rollback()
    stored = db.session.get(Contest, contest.id)
    assert stored is not None and stored.seal_image is None and stored.issuer is None


def test_without_a_date_the_documents_carry_the_publication_day_in_the_contest_zone(
    contest: Contest,
) -> None:
    late_evening_utc = datetime(2026, 12, 7, 18, 30)  # 02:30 on the 8th in Beijing
    signed = documents.signature(contest, late_evening_utc)
    assert signed.issued_on == date(2026, 12, 8) and signed.dated_by_publication
    assert not signed.has_seal and signed.issuer is None
    missing = [m.render("en") for m in documents.missing(contest)]
    assert len(missing) == 3 and any("seal" in line for line in missing)
    contest.issued_on = date(2026, 12, 10)
    assert documents.signature(contest, late_evening_utc).issued_on == date(2026, 12, 10)
