"""The audit log as an organiser reads it: a sentence for every kind of entry the services
write, people by name and role, entrants by code and name (only the contestant number while
blind), before → after and why; filters, pages and the XLSX export (on SQLite and
PostgreSQL)."""

from __future__ import annotations

import ast
import io
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from openpyxl import load_workbook  # type: ignore[import-untyped]

from competition.extensions import db
from competition.models import AuditEntry, Contest, Entrant, User
from competition.services import (
    audit_sentences,
    blind,
    lifecycle,
    marks,
    scoring,
)
from competition.services.audit_export import audit_xlsx_bytes
from competition.services.audit_reading import (
    FilterRefused,
    Filters,
    log_page,
    parse_filters,
)
from competition.services.audit_wording import Wording
from competition.services.authority import Actor
from competition.services.marks import MarkInput
from tests.factories import REPOSITORY, make_admin, make_contest

SERVICES = REPOSITORY / "competition" / "services"
# the actions written with a computed name, and every name they can take
COMPUTED = {
    "contest.": [f"contest.{step}" for step in lifecycle.STEPS],
    "round.": ["round.open", "round.closed"],
    "appeal.": ["appeal.upheld", "appeal.rejected"],
}


def recorded_actions() -> tuple[set[str], set[str]]:
    """Every action passed to audit.record / audit.Draft in the services: the literal ones,
    and the fixed beginnings of the computed ones (f"contest.{step}")."""
    literal, computed = set(), set()
    for path in sorted(Path(SERVICES).glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if not (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "audit"
                and node.func.attr in ("record", "Draft")
            ):
                continue
            action = node.args[1] if len(node.args) > 1 else None
            action = next((k.value for k in node.keywords if k.arg == "action"), action)
            if isinstance(action, ast.Constant) and isinstance(action.value, str):
                literal.add(action.value)
            elif isinstance(action, ast.JoinedStr) and isinstance(action.values[0], ast.Constant):
                computed.add(str(action.values[0].value))
            else:
                pytest.fail(f"{path.name}:{node.lineno}: an action the test cannot read")
    return literal, computed


def test_every_action_the_services_record_has_a_sentence() -> None:
    literal, computed = recorded_actions()
    assert {"mark.record", "mark.correct", "results.publish"} <= literal  # the scan works
    assert computed <= set(COMPUTED), f"a new computed action: list its names in {COMPUTED}"
    actions = literal | {name for prefix in computed for name in COMPUTED[prefix]}
    missing = sorted(actions - set(audit_sentences.SENTENCES))
    assert not missing, f"give these a sentence in services/audit_sentences.py: {missing}"


def test_an_unknown_action_still_reads_as_a_sentence(db_app: Flask) -> None:
    admin = make_admin()
    contest = make_contest(admin)
    strange = AuditEntry(
        seq=1,
        at=contest.created_at,
        actor="robot:x",
        role="auditor",
        action="contest.teleport",
        subject=f"contest:{contest.id}/moon:1",
        before=[1, 2],
        after="far",
        prev_hash="",
        hash="",
    )
    read = Wording(contest, "en").read(strange)
    assert read.what == "Recorded “contest.teleport”"
    assert (read.who, read.role, read.before, read.after) == ("robot:x", "auditor", "1, 2", "far")


def welding_with_a_mark(admin: Actor) -> tuple[Contest, int]:
    """A welding contest in scoring with one entrant, W01 王建军, whose theory mark the admin
    entered as 85."""
    contest = make_contest(admin)
    event = contest.events[0]
    lifecycle.advance(admin, contest.id, "open_registration")
    db.session.add(Entrant(event_id=event.id, code="W01", name="王建军", attributes={}))
    db.session.commit()
    lifecycle.advance(admin, contest.id, "open_scoring", "开赛")
    stored = marks.record_mark(admin, event.id, MarkInput("W01", "theory", "85"))
    return contest, stored.id


def test_entries_name_the_person_the_action_the_entrant_and_the_change(db_app: Flask) -> None:
    admin = make_admin()
    db.session.get(User, admin.id).display_name = "市总工会 李明"
    contest, mark_id = welding_with_a_mark(admin)
    scoring.correct_mark(admin, mark_id, "90", "试卷复核")
    db.session.commit()
    page = log_page(contest, Filters(), "en")
    corrected, recorded, opened = page.entries[:3]
    assert (corrected.who, corrected.role, corrected.what) == (
        "市总工会 李明",
        "Admin",
        "Corrected a mark",
    )
    assert (corrected.entrant, corrected.before, corrected.after) == ("W01 王建军", "85", "90")
    assert corrected.reason == "试卷复核" and corrected.action == "mark.correct"
    assert (recorded.what, recorded.about, recorded.after) == (
        "Recorded a mark",
        "criterion 理论考试",
        "85",
    )
    assert (opened.what, opened.before, opened.after, opened.reason) == (
        "Opened scoring",
        "Registration",
        "Scoring",
        "开赛",
    )
    assert "user:" not in " ".join(e.who for e in page.entries)
    zh = log_page(contest, Filters(), "zh_CN").entries[0]
    assert zh.role == "管理员"  # in the reader's language


def test_filters_select_by_person_kind_entrant_and_day_and_pages_hold_fifty(
    db_app: Flask,
) -> None:
    admin = make_admin()
    contest, _ = welding_with_a_mark(admin)
    event = contest.events[0]
    for n in range(2, 62):
        db.session.add(Entrant(event_id=event.id, code=f"W{n:02d}", name=f"选手{n}", attributes={}))
    db.session.commit()
    for n in range(2, 62):
        marks.record_mark(admin, event.id, MarkInput(f"W{n:02d}", "theory", "70"))
    everything = log_page(contest, Filters(), "en")  # created, two steps, 61 marks
    assert (everything.total, everything.pages, len(everything.entries)) == (64, 2, 50)
    last = log_page(contest, Filters(page=9), "en")  # beyond the last page: the last
    assert (last.page, len(last.entries), last.first) == (2, 14, 51)
    by_kind = log_page(contest, Filters(action="mark.record"), "en")
    assert by_kind.total == 61 and {e.what for e in by_kind.entries} == {"Recorded a mark"}
    by_entrant = log_page(contest, Filters(entrant="W01"), "en")
    assert [e.entrant for e in by_entrant.entries] == ["W01 王建军"]
    assert log_page(contest, Filters(entrant="王建"), "en").total == 1  # part of a name
    assert log_page(contest, Filters(actor=f"user:{admin.id}"), "en").total == 64
    assert log_page(contest, Filters(actor="system"), "en").total == 0
    today = everything.entries[0].at.astimezone(ZoneInfo(contest.time_zone)).date()  # its days
    assert log_page(contest, Filters(since=str(today), until=str(today)), "en").total == 64
    assert log_page(contest, Filters(until="2000-01-01"), "en").total == 0
    with pytest.raises(FilterRefused, match="no entrant of this contest has the code or name"):
        log_page(contest, Filters(entrant="W99"), "en")


def test_filters_that_cannot_be_used_are_each_named() -> None:
    filters, problems = parse_filters(
        {"actor": "bob", "action": "DROP TABLE", "from": "2026-02-30", "to": "soon", "page": "0"}
    )
    assert [p.render("en") for p in problems] == [
        "“bob” is not a person of this log",
        "“DROP TABLE” is not a kind of entry",
        "“2026-02-30” is not a date (year-month-day)",
        "“soon” is not a date (year-month-day)",
        "“0” is not a page number",
    ]
    assert filters.since == "2026-02-30"  # shown again as typed
    _, reversed_days = parse_filters({"from": "2026-05-02", "to": "2026-05-01"})
    assert [p.render("en") for p in reversed_days] == ["the first day comes after the last day"]
    kept, none = parse_filters({"actor": "user:2", "action": "mark.record", "page": "3"})
    assert not none and kept.query() == {"actor": "user:2", "action": "mark.record"}


def test_a_blind_contest_shows_only_contestant_numbers_until_unblinding(db_app: Flask) -> None:
    admin = make_admin()
    contest = make_contest(admin, blind=True)
    event = contest.events[0]
    lifecycle.advance(admin, contest.id, "open_registration")
    db.session.add(Entrant(event_id=event.id, code="W01", name="王建军", attributes={}))
    db.session.commit()
    blind.draw(admin, event.id, seed="seed")
    number = blind.numbers_by_code(event.id)["W01"]
    lifecycle.advance(admin, contest.id, "open_scoring")
    marks.record_mark(admin, event.id, MarkInput("W01", "theory", "85"))
    entry = log_page(contest, Filters(action="mark.record"), "en").entries[0]
    assert entry.entrant == number and entry.subject == f"event:{event.id}/entrant:#{number}"
    shown = " ".join(str(v) for v in vars(entry).values())
    assert "W01" not in shown and "王建军" not in shown
    assert log_page(contest, Filters(entrant=number), "en").total == 1
    with pytest.raises(FilterRefused, match="no entrant has the contestant number “W01”"):
        log_page(contest, Filters(entrant="W01"), "en")
    contest.unblinded_at = contest.created_at  # as blind.unblind leaves it, after lock
    db.session.commit()
    assert log_page(contest, Filters(action="mark.record"), "en").entries[0].entrant == (
        "W01 王建军"
    )


def test_the_export_holds_the_filtered_log_in_plain_words_and_as_recorded(
    db_app: Flask,
) -> None:
    admin = make_admin()
    contest, mark_id = welding_with_a_mark(admin)
    scoring.correct_mark(admin, mark_id, "90", '=HYPERLINK("http://x")')
    db.session.commit()
    data = audit_xlsx_bytes(contest, Filters(entrant="W01"), "en")
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0] == [
        "No.",
        "When (Beijing time)",
        "Who",
        "Role",
        "What",
        "Entrant concerned",
        "About",
        "Before",
        "After",
        "Why",
        "Action (as recorded)",
        "Subject (as recorded)",
        "Before (as recorded)",
        "After (as recorded)",
    ]
    assert len(rows) == 3  # the correction and the mark, newest first
    corrected = dict(zip(rows[0], rows[1], strict=True))
    assert corrected["What"] == "Corrected a mark"
    assert corrected["Entrant concerned"] == "W01 王建军"
    assert (corrected["Before"], corrected["After"]) == ("85", "90")
    assert corrected["Why"] == '=HYPERLINK("http://x")'  # text, never a formula
    assert sheet.cell(row=2, column=10).data_type == "s"
    assert corrected["Action (as recorded)"] == "mark.correct"
    assert corrected["Subject (as recorded)"].endswith("/entrant:W01")
    assert '"value": "85"' in corrected["Before (as recorded)"]
