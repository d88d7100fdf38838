"""Registering entrants: a whole sheet or nothing, only before scoring, audited, exported."""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Sequence

import openpyxl
import pandas as pd
import pytest
from flask import Flask
from sqlalchemy import func, select

from competition.extensions import db
from competition.models import (
    Assignment,
    AuditEntry,
    BlindCode,
    BlindDraw,
    Contest,
    ContestRole,
    Entrant,
    Judge,
)
from competition.services import entrants, lifecycle
from competition.services.authority import Actor, Refused
from competition.services.entrant_sheets import SheetError
from tests.factories import make_admin, make_contest, make_user

WELDING_HEADERS = ["编号", "姓名", "工作单位", "职工身份"]
WELDERS = [
    ["W01", "王建国", "市第一建筑公司", "是"],
    ["W02", "李秀英", "市热力公司", "否"],
    ["W03", "张伟", "市自来水公司", "是"],
]


def xlsx(rows: Sequence[Sequence[object]]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(list(row))
    for cells in sheet.iter_rows():
        for cell in cells:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # text typed as '=…, not a formula
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: Sequence[Sequence[object]], encoding: str) -> bytes:
    text = io.StringIO()
    csv.writer(text).writerows(rows)
    return text.getvalue().encode(encoding)


def count(contest: Contest) -> int:
    event_id = contest.events[0].id
    query = select(func.count()).select_from(Entrant).where(Entrant.event_id == event_id)
    return db.session.scalar(query) or 0


def registered(contest: Contest) -> list[tuple[str, str, dict[str, object]]]:
    rows = db.session.scalars(
        select(Entrant).where(Entrant.event_id == contest.events[0].id).order_by(Entrant.code)
    )
    return [(e.code, e.name, e.attributes) for e in rows]


def audit_entries() -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEntry)) or 0


def problems_of(error: pytest.ExceptionInfo[SheetError]) -> list[tuple[int | None, str, str]]:
    return [(p.row, p.column, p.message.render("en")) for p in error.value.problems]


@pytest.fixture
def admin(db_app: Flask) -> Actor:
    return make_admin()


@pytest.fixture
def organiser(admin: Actor) -> Actor:
    return make_user(admin, "organiser")


@pytest.fixture
def welding(admin: Actor, organiser: Actor) -> Contest:
    return make_contest(admin, organisers=(organiser.id or 0,))


def test_a_downloaded_and_filled_in_template_imports(organiser: Actor, welding: Contest) -> None:
    event_id = welding.events[0].id
    workbook = openpyxl.load_workbook(io.BytesIO(entrants.template(organiser, event_id)))
    for row in WELDERS:
        workbook["参赛名单"].append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    data = buffer.getvalue()
    result = entrants.import_entrants(organiser, event_id, data, "报名表.xlsx")
    assert (result.count, result.sha256) == (3, hashlib.sha256(data).hexdigest())
    assert registered(welding) == [
        ("W01", "王建国", {"unit": "市第一建筑公司", "is_worker": True}),
        ("W02", "李秀英", {"unit": "市热力公司", "is_worker": False}),
        ("W03", "张伟", {"unit": "市自来水公司", "is_worker": True}),
    ]
    entry = db.session.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc())).first()
    assert entry is not None
    assert (entry.action, entry.subject, entry.actor) == (
        "entrants.import",
        f"event:{event_id}",
        organiser.label,
    )
    assert entry.after["count"] == 3 and entry.after["file"] == "报名表.xlsx"
    assert entry.after["sha256"] == result.sha256


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_a_csv_imports_in_utf8_or_gbk(encoding: str, organiser: Actor, welding: Contest) -> None:
    data = csv_bytes([WELDING_HEADERS, *WELDERS], encoding)
    entrants.import_entrants(organiser, welding.events[0].id, data, "报名表.csv")
    assert [name for _, name, _ in registered(welding)] == ["王建国", "李秀英", "张伟"]


def test_english_headers_and_a_chosen_mapping(organiser: Actor, welding: Contest) -> None:
    event_id = welding.events[0].id
    english = xlsx([["Code", "Name", "Unit", "Is worker"], ["W01", "Wang", "No.1 Works", "yes"]])
    assert entrants.import_entrants(organiser, event_id, english, "a.xlsx").count == 1
    odd = xlsx([["号码", "人", "厂", "工人?", "备注"], ["W02", "Li", "Heat", "0", "x"]])
    preview = entrants.preview_sheet(organiser, event_id, odd, "b.xlsx")
    assert set(preview.mapping.values()) == {None}
    assert [f.key for f in preview.fields] == ["code", "name", "unit", "is_worker", "id_number"]
    mapping = {"号码": "code", "人": "name", "厂": "unit", "工人?": "is_worker", "备注": None}
    entrants.import_entrants(organiser, event_id, odd, "b.xlsx", mapping=mapping)
    assert registered(welding) == [
        ("W01", "Wang", {"unit": "No.1 Works", "is_worker": True}),
        ("W02", "Li", {"unit": "Heat", "is_worker": False}),
    ]


def test_one_bad_row_names_its_row_and_column_and_imports_nothing(
    organiser: Actor, welding: Contest
) -> None:
    bad = [*WELDERS[:2], ["W03", "张伟", "", "是"], *WELDERS[3:]]
    before = count(welding)
    entries = audit_entries()
    with pytest.raises(SheetError) as caught:
        entrants.import_entrants(
            organiser, welding.events[0].id, xlsx([WELDING_HEADERS, *bad]), "a.xlsx"
        )
    assert problems_of(caught) == [(4, "工作单位", "required, but empty")]
    assert count(welding) == before == 0
    assert audit_entries() == entries


def test_orchard_problems_of_every_kind_are_listed(admin: Actor) -> None:
    orchards = make_contest(admin, "苹果冠军园", rules="apple_orchard_per_mu_benefit.yaml")
    headers = ["果园编号", "果园名称", "县区", "经营主体", "主栽品种", "联系电话"]
    rows = [
        ["YA001", "宝塔张家果园", "宝塔区", "张家农场", "富士", 13900000001],
        ["YA001", "洛川李家果园", "洛川县", "", "", ""],
        ["", "无编号果园", "富县", "", "", ""],
        ["YA003", "", "西安市", "", "", ""],
        ["YA004", "黄陵王家果园", "", "", "", ""],
    ]
    with pytest.raises(SheetError) as caught:
        entrants.import_entrants(admin, orchards.events[0].id, xlsx([headers, *rows]), "a.xlsx")
    assert [(row, column) for row, column, _ in problems_of(caught)] == [
        (3, "果园编号"),
        (4, "果园编号"),
        (5, "果园名称"),
        (5, "县区"),
        (6, "县区"),
    ]
    assert count(orchards) == 0
    entrants.import_entrants(admin, orchards.events[0].id, xlsx([headers, rows[0]]), "b.xlsx")
    assert registered(orchards) == [
        (
            "YA001",
            "宝塔张家果园",
            {"county": "宝塔区", "operator": "张家农场", "variety": "富士", "phone": "13900000001"},
        )
    ]


def test_a_code_already_registered_is_a_problem_not_an_update(
    organiser: Actor, welding: Contest
) -> None:
    event_id = welding.events[0].id
    entrants.import_entrants(organiser, event_id, xlsx([WELDING_HEADERS, WELDERS[0]]), "a.xlsx")
    again = xlsx([WELDING_HEADERS, ["W01", "王建国", "改过的单位", "是"], WELDERS[1]])
    with pytest.raises(SheetError) as caught:
        entrants.import_entrants(organiser, event_id, again, "b.xlsx")
    assert problems_of(caught) == [(2, "编号", "'W01' is already registered in this event")]
    assert registered(welding) == [("W01", "王建国", {"unit": "市第一建筑公司", "is_worker": True})]


def test_only_an_organiser_imports_and_only_before_scoring(
    admin: Actor, organiser: Actor, welding: Contest
) -> None:
    event_id = welding.events[0].id
    stranger = make_user(admin, "stranger")
    data = xlsx([WELDING_HEADERS, *WELDERS])
    with pytest.raises(Refused) as caught:
        entrants.import_entrants(stranger, event_id, data, "a.xlsx")
    assert (caught.value.code, caught.value.render("en")) == (
        "forbidden",
        "only the organiser of this contest may do this",
    )
    lifecycle.advance(organiser, welding.id, "open_registration")
    entrants.import_entrants(organiser, event_id, xlsx([WELDING_HEADERS, WELDERS[0]]), "a.xlsx")
    lifecycle.advance(organiser, welding.id, "open_scoring")
    with pytest.raises(Refused) as caught:
        entrants.import_entrants(organiser, event_id, xlsx([WELDING_HEADERS, WELDERS[1]]), "b")
    assert (caught.value.code, caught.value.render("en")) == (
        "wrong_state",
        "the contest is 'Scoring': entrants change only before scoring opens",
    )
    assert count(welding) == 1


def test_progress_follows_checking_then_inserting(organiser: Actor, welding: Contest) -> None:
    rows = [[f"W{i:04d}", f"选手{i}", "一建", "是"] for i in range(1200)]
    calls: list[tuple[int, int]] = []
    entrants.import_entrants(
        organiser,
        welding.events[0].id,
        xlsx([WELDING_HEADERS, *rows]),
        "big.xlsx",
        progress=lambda done, total: calls.append((done, total)),
    )
    assert calls == [
        (500, 2400),
        (1000, 2400),
        (1200, 2400),
        (1700, 2400),
        (2200, 2400),
        (2400, 2400),
    ]
    assert count(welding) == 1200


def test_the_export_reads_back_with_the_same_values_and_escaped_formulas(
    admin: Actor, organiser: Actor, welding: Contest
) -> None:
    event_id = welding.events[0].id
    rows = [*WELDERS, ["W04", '=HYPERLINK("http://x")', "+1 车间", "否"]]
    entrants.import_entrants(organiser, event_id, xlsx([WELDING_HEADERS, *rows]), "a.xlsx")
    chief = make_user(admin, "chief")
    db.session.add(ContestRole(user_id=chief.id, contest_id=welding.id, role="chief_judge"))
    db.session.commit()
    data = entrants.export_entrants_xlsx(chief, event_id)
    frame = pd.read_excel(io.BytesIO(data), dtype=str)
    assert list(frame.columns) == WELDING_HEADERS
    assert frame.values.tolist() == [
        *WELDERS,
        ["W04", '\'=HYPERLINK("http://x")', "'+1 车间", "否"],
    ]
    with pytest.raises(Refused):
        entrants.import_entrants(chief, event_id, data, "export.xlsx")


def test_an_export_imports_again_into_another_contest(admin: Actor, welding: Contest) -> None:
    rows = [*WELDERS, ["-W04", "@张", "=1+1", "否"]]
    entrants.import_entrants(admin, welding.events[0].id, xlsx([WELDING_HEADERS, *rows]), "a")
    exported = entrants.export_entrants_xlsx(admin, welding.events[0].id)
    copy = make_contest(admin, "2027 焊工技能竞赛")
    entrants.import_entrants(admin, copy.events[0].id, exported, "export.xlsx")
    assert registered(copy) == registered(welding)


def test_one_entrant_added_and_removed_by_hand_is_audited(
    organiser: Actor, welding: Contest
) -> None:
    event_id = welding.events[0].id
    entrant = entrants.add_entrant(
        organiser, event_id, "W09", "赵敏", {"unit": "市燃气公司", "is_worker": "是"}
    )
    assert (entrant.code, entrant.attributes) == ("W09", {"unit": "市燃气公司", "is_worker": True})
    with pytest.raises(SheetError) as caught:
        entrants.add_entrant(organiser, event_id, "W09", "", {"is_worker": "大概", "age": "30"})
    assert problems_of(caught) == [(None, "age", "'age' is not a field of this event")]
    with pytest.raises(SheetError) as caught:
        entrants.add_entrant(organiser, event_id, "W09", "", {"is_worker": "大概"})
    assert problems_of(caught) == [
        (None, "编号", "'W09' is already registered in this event"),
        (None, "姓名", "the name is empty"),
        (None, "工作单位", "required, but empty"),
        (None, "职工身份", "expected yes or no (1/0, true/false, 是/否), found '大概'"),
    ]
    entrants.remove_entrant(organiser, event_id, "W09", reason="报名撤回")
    assert count(welding) == 0
    actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.seq)).all()
    assert actions[-2:] == ["entrant.add", "entrant.remove"]
    last = db.session.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc())).first()
    assert last is not None and last.reason == "报名撤回" and last.before["name"] == "赵敏"
    with pytest.raises(Refused) as refused:
        entrants.remove_entrant(organiser, event_id, "W09")
    assert refused.value.render("en") == "no entrant 'W09' in this event"


def test_no_entrant_is_removed_once_scoring_opens(organiser: Actor, welding: Contest) -> None:
    event_id = welding.events[0].id
    entrants.add_entrant(organiser, event_id, "W01", "王建国", {"unit": "一建", "is_worker": "1"})
    lifecycle.advance(organiser, welding.id, "open_registration")
    lifecycle.advance(organiser, welding.id, "open_scoring")
    with pytest.raises(Refused) as caught:
        entrants.remove_entrant(organiser, event_id, "W01")
    assert caught.value.code == "wrong_state"
    with pytest.raises(Refused) as caught:
        entrants.add_entrant(organiser, event_id, "W02", "李", {"unit": "一建", "is_worker": "1"})
    assert caught.value.code == "wrong_state"
    assert count(welding) == 1


def test_codes_registered_meanwhile_refuse_the_whole_import(
    organiser: Actor, welding: Contest, monkeypatch: pytest.MonkeyPatch
) -> None:
    event_id = welding.events[0].id
    entrants.import_entrants(organiser, event_id, xlsx([WELDING_HEADERS, WELDERS[0]]), "a.xlsx")
    monkeypatch.setattr(entrants, "_codes", lambda event_id: set())  # another import just won
    with pytest.raises(Refused) as caught:
        entrants.import_entrants(organiser, event_id, xlsx([WELDING_HEADERS, *WELDERS]), "b")
    assert caught.value.code == "conflict"
    with pytest.raises(Refused) as caught:
        entrants.add_entrant(organiser, event_id, "W01", "王", {"unit": "一建", "is_worker": "是"})
    assert caught.value.render("en") == "'W01' is already registered in this event"
    assert count(welding) == 1


def test_an_entrant_with_a_blind_code_or_a_judge_assigned_is_not_removed(
    organiser: Actor, welding: Contest
) -> None:
    event_id = welding.events[0].id
    entrant = entrants.add_entrant(
        organiser, event_id, "W01", "王", {"unit": "一建", "is_worker": "1"}
    )
    judge = Judge(contest_id=welding.id, name="赵国强", token_hash="0" * 64)
    judge.assignments.append(Assignment(event_id=event_id, entrant_id=entrant.id))
    db.session.add(judge)
    db.session.commit()
    with pytest.raises(Refused) as caught:
        entrants.remove_entrant(organiser, event_id, "W01")
    assert caught.value.render("en") == (
        "a judge is assigned to this entrant: remove the assignment first"
    )
    db.session.delete(judge)
    draw = BlindDraw(event_id=event_id, seed="1", method="two_stage", drawn_by="organiser")
    draw.codes.append(BlindCode(entrant_id=entrant.id, contestant_no="01", station_no="A1"))
    db.session.add(draw)
    db.session.commit()
    with pytest.raises(Refused) as caught:
        entrants.remove_entrant(organiser, event_id, "W01")
    assert caught.value.code == "in_use" and count(welding) == 1
