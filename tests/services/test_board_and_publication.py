"""The public board (privacy, settings, diffs) and publication: snapshot, publicity window,
appeals that revise the results, certificates and the final state (both databases)."""

from __future__ import annotations

import json
import textwrap
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from competition.extensions import db
from competition.models import (
    AuditEntry,
    BoardChange,
    Certificate,
    Contest,
    Entrant,
    Mark,
    Publication,
)
from competition.models.base import utcnow
from competition.rules import load_rule_text
from competition.services import (
    appeals,
    audit,
    blind,
    board,
    board_changes,
    certificates,
    contests,
    lifecycle,
    marks,
    publication,
    scoring,
)
from competition.services.appeals import Correction
from competition.services.authority import Refused
from competition.services.contests import RuleSource
from competition.services.marks import MarkInput
from tests.factories import REPOSITORY, make_admin, make_contest, make_user, standings_of
from tests.scenes import Orchards, inspect, orchard_contest, publish


@pytest.fixture
def orchards(db_app: Flask) -> Orchards:
    return orchard_contest(make_admin())


def contest_of(scene: Orchards) -> Contest:
    contest = db.session.get(Contest, scene.contest_id)
    assert contest is not None
    return contest


def rows(document: dict[str, Any]) -> list[dict[str, Any]]:
    return list(document["events"][0]["rows"])


def test_the_names_are_headed_by_what_the_rule_file_calls_its_entrants(
    orchards: Orchards,
) -> None:
    (event,) = board.live_board(contest_of(orchards))["events"]
    assert event["entrant_label"] == "参赛果园"  # orchards, not 姓名


# --- privacy ------------------------------------------------------------------------------


def test_the_board_never_shows_a_phone_number(orchards: Orchards) -> None:
    document = board.live_board(contest_of(orchards))
    text = json.dumps(document, ensure_ascii=False)
    assert "13891100000" not in text and "联系电话" not in text and "phone" not in text
    first = rows(document)[0]
    assert first["attributes"]["县（市、区）"] in ("宝塔区", "洛川县", "富县", "黄陵县")
    assert first["label"].startswith("果园")


def test_an_attribute_named_like_an_id_number_stays_private_even_if_marked_public(
    db_app: Flask,
) -> None:
    admin = make_admin()
    text = (REPOSITORY / "scoring_rules" / "welding_skills.yaml").read_text(encoding="utf-8")
    text = text.replace(
        "    unit: { type: text, label: 工作单位, required: true }\n",
        "    unit: { type: text, label: 工作单位, required: true }\n"
        "    id_number: { type: text, label: 证件号, public: true }\n"
        "    mobile: { type: text, label: 联络, public: true }\n",
    )
    assert "id_number" in text
    contest = contests.create_contest(admin, "焊工", [("焊工", RuleSource("w.yaml", text))])
    event = contest.events[0]
    attributes = {"unit": "延安石化", "is_worker": "1", "id_number": "610602", "mobile": "13900"}
    db.session.add(Entrant(event_id=event.id, code="W01", name="王建国", attributes=attributes))
    db.session.commit()
    lifecycle.advance(admin, contest.id, "open_registration")
    shown = json.dumps(board.live_board(db.session.get(Contest, contest.id)), ensure_ascii=False)
    assert "工作单位" in shown and "延安石化" in shown  # a public attribute is shown
    assert "610602" not in shown and "13900" not in shown
    assert "证件号" not in shown and "联络" not in shown


def test_a_blind_contest_shows_contestant_numbers_only_until_unblinding(db_app: Flask) -> None:
    scene = orchard_contest(make_admin(), blind=True)
    document = board.live_board(contest_of(scene))
    text = json.dumps(document, ensure_ascii=False)
    # (the latest marks name the criterion 果园面积: a label, not a name)
    assert "果园YA" not in text and "YA00" not in text and "宝塔区" not in text
    assert all(r["label"] == r["number"] == r["key"] for r in rows(document))
    publish(scene)
    published = board.live_board(contest_of(scene))
    assert {r["label"] for r in rows(published)} == {f"果园{c}" for c in scene.codes}
    assert "13891100000" not in json.dumps(published, ensure_ascii=False)


def test_a_blind_contest_shows_no_rows_until_its_numbers_are_drawn(db_app: Flask) -> None:
    admin = make_admin()
    contest = make_contest(admin, blind=True)
    event = contest.events[0]
    for code in ("W01", "W02"):
        attributes = {"unit": "延安石化", "is_worker": "是"}
        db.session.add(Entrant(event_id=event.id, code=code, name=code, attributes=attributes))
    db.session.commit()
    lifecycle.advance(admin, contest.id, "open_registration")
    waiting = board.live_board(contest)["events"][0]
    assert waiting["awaiting_codes"] is True and waiting["rows"] == []
    blind.draw(admin, event.id, seed="board")
    drawn = board.live_board(contest)["events"][0]
    assert drawn["awaiting_codes"] is False
    assert len(drawn["rows"]) == 2 and all(r["label"] == r["number"] for r in drawn["rows"])


def test_publishing_a_blind_contest_needs_the_names_opened_first(db_app: Flask) -> None:
    scene = orchard_contest(make_admin(), blind=True, count=2)
    for code in scene.codes:
        inspect(scene, code)
    lifecycle.advance(scene.admin, scene.contest_id, "close_scoring")
    for judge in scene.judges:
        scoring.sign_sheet(judge, scene.event_id)
    lifecycle.advance(scene.admin, scene.contest_id, "lock")
    with pytest.raises(Refused) as refused:
        lifecycle.advance(scene.admin, scene.contest_id, "publish")
    assert refused.value.code == "precondition"
    assert contest_of(scene).status == "locked"


# --- the organiser's settings -------------------------------------------------------------


def test_a_hidden_board_shows_no_rows(orchards: Orchards) -> None:
    board.set_mode(orchards.admin, orchards.contest_id, "hidden")
    document = board.live_board(contest_of(orchards))
    assert document["hidden"] and rows(document) == []


def test_a_frozen_board_keeps_showing_the_standings_of_the_moment_it_froze(
    orchards: Orchards,
) -> None:
    inspect(orchards, "YA001", "9")
    before = rows(board.live_board(contest_of(orchards)))
    board.set_mode(orchards.admin, orchards.contest_id, "frozen")
    inspect(orchards, "YA002", "10")
    frozen = rows(board.live_board(contest_of(orchards)))
    assert frozen == before
    board.set_mode(orchards.admin, orchards.contest_id, "provisional")
    live = {r["key"]: r for r in rows(board.live_board(contest_of(orchards)))}
    assert live["YA002"]["total"] is not None and live["YA002"]["rank"] == 1


def test_only_an_organiser_changes_the_board_setting_and_it_is_audited(
    orchards: Orchards,
) -> None:
    outsider = make_user(orchards.admin, "zhang")
    with pytest.raises(Refused):
        board.set_mode(outsider, orchards.contest_id, "hidden")
    with pytest.raises(Refused):
        board.set_mode(orchards.admin, orchards.contest_id, "secret")
    assert contest_of(orchards).board_mode == "provisional"
    board.set_mode(orchards.admin, orchards.contest_id, "hidden")
    actions = db.session.scalars(select(AuditEntry.action)).all()
    assert "board.mode" in actions


# --- versions and diffs ------------------------------------------------------------------


def test_each_change_raises_the_version_in_its_own_commit(orchards: Orchards) -> None:
    """A mark, and a change of how the board is shown, each commit the next version with
    what they touched: nothing after the commit is needed."""
    first = board.current_version(orchards.contest_id)
    inspect(orchards, "YA003", "9", judges_=range(1))  # four marks
    assert board.current_version(orchards.contest_id) == first + 4
    board.set_mode(orchards.admin, orchards.contest_id, "frozen")
    assert board.current_version(orchards.contest_id) == first + 5
    rows = db.session.execute(
        select(BoardChange.version, BoardChange.scope, BoardChange.entrant_id)
        .where(BoardChange.contest_id == orchards.contest_id, BoardChange.version > first)
        .order_by(BoardChange.version)
    ).all()
    entrant = db.session.scalar(select(Entrant.id).where(Entrant.code == "YA003"))
    assert rows == [
        *[(first + n, "entrant", entrant) for n in range(1, 5)],
        (first + 5, "board", None),
    ]


def row_of(shown: dict[str, Any], key: str) -> dict[str, Any]:
    (row,) = [r for r in shown["events"][0]["rows"] if r["key"] == key]
    return row


def test_a_diff_applied_to_the_old_board_gives_the_new_one(orchards: Orchards) -> None:
    contest = contest_of(orchards)
    old = board.live_board(contest)
    inspect(orchards, "YA003", "10")
    new = board.live_board(contest)
    change = board_changes.diff(old, new)
    assert board_changes.apply_diff(old, change) == new
    (event,) = change["events"]
    assert event["rows"] == []  # no new row: only the fields that changed are sent
    patched = {p["key"]: p for p in event["patch"]}
    assert patched["YA003"]["total"] == row_of(new, "YA003")["total"]
    assert "label" not in patched["YA003"] and "attributes" not in patched["YA003"]
    assert board_changes.diff(new, new) == {}


# --- publication -------------------------------------------------------------------------


def test_publishing_keeps_a_snapshot_with_the_rules_sha_and_opens_the_window(
    orchards: Orchards,
) -> None:
    publish(orchards)
    contest = contest_of(orchards)
    assert contest.status == "published"
    assert contest.publicity_ends_at is not None
    window = contest.publicity_ends_at - utcnow()
    assert timedelta(days=6, hours=23) < window <= timedelta(days=7)  # the rule file's 7d
    snapshot = db.session.scalars(select(Publication)).one()
    event = snapshot.document["events"][0]
    assert event["rules_sha256"] == contest.events[0].rules.sha256
    awarded = [r for r in event["rows"] if r["award"]]
    assert awarded and all(r["prize"] is not None for r in awarded)
    assert event["awards"]["budget"] == "150000"
    document = board.live_board(contest)
    assert document["published"] and not document["revised"]


def test_marks_after_publication_do_not_move_the_published_board(orchards: Orchards) -> None:
    publish(orchards)
    before = board.live_board(contest_of(orchards))
    with pytest.raises(Refused):
        marks.record_mark(orchards.admin, orchards.event_id, MarkInput("YA001", "area_mu", "5"))
    assert board.live_board(contest_of(orchards)) == before


def test_certificates_go_to_every_awardee(orchards: Orchards) -> None:
    publish(orchards)
    issued = certificates.certificates_of(orchards.contest_id)
    document = board.live_board(contest_of(orchards))
    awardees = {r["key"] for r in rows(document) if r.get("award") or r.get("titles")}
    assert {c.entrant.code for c in issued} == awardees
    found = certificates.verify(issued[0].code)
    assert found is not None and not found.revoked
    assert certificates.verify("0" * 16) is None and certificates.verify("<script>") is None


def _cost_mark(code: str) -> Mark:
    mark = db.session.scalar(
        select(Mark)
        .join(Mark.entrant)
        .where(Mark.criterion == "cost_yuan", Mark.entrant.has(code=code))
    )
    assert mark is not None
    return mark


def test_an_upheld_appeal_corrects_recomputes_and_publishes_a_revision(
    orchards: Orchards,
) -> None:
    publish(orchards)
    first = {r["key"]: r for r in rows(board.live_board(contest_of(orchards)))}
    assert first["YA001"]["rank"] == 4
    appeal = appeals.record_appeal(
        orchards.admin, orchards.event_id, "YA001", "果园YA001", "成本台账重复计入一笔化肥款"
    )
    decided = appeals.decide_appeal(
        orchards.admin,
        appeal.id,
        True,
        "经核实，成本应为 10000 元",
        Correction(_cost_mark("YA001").id, "10000"),
    )
    assert decided.status == "upheld" and decided.correction_id is not None
    document = board.live_board(contest_of(orchards))
    assert document["revised"] and document["revision"] == 2
    assert "经核实" in document["history"][1]["reason"]
    revised = {r["key"]: r for r in rows(document)}
    assert revised["YA001"]["rank"] == 1
    assert revised["YA001"]["total"] != first["YA001"]["total"]
    # certificates follow the revision: the changed awards are reissued, the old ones revoked
    revoked = db.session.scalars(
        select(Certificate).where(Certificate.revoked_at.is_not(None))
    ).all()
    assert revoked
    valid = {c.entrant.code: c for c in certificates.certificates_of(orchards.contest_id)}
    assert valid["YA001"].rank == 1
    assert audit.verify().ok


def test_a_rejected_appeal_changes_no_result(orchards: Orchards) -> None:
    publish(orchards)
    before = board.live_board(contest_of(orchards))
    appeal = appeals.record_appeal(
        orchards.admin, orchards.event_id, "YA002", "果园YA002", "认为现场考评偏低"
    )
    appeals.decide_appeal(orchards.admin, appeal.id, False, "复核无误，维持原结果", None)
    after = board.live_board(contest_of(orchards))
    assert rows(after) == rows(before) and after["revision"] == 1
    with pytest.raises(Refused) as twice:
        appeals.decide_appeal(orchards.admin, appeal.id, False, "again", None)
    assert twice.value.code == "decided"


def test_appeal_refusals_change_nothing(orchards: Orchards) -> None:
    with pytest.raises(Refused) as early:
        appeals.record_appeal(orchards.admin, orchards.event_id, "YA001", "x", "y")
    assert early.value.code == "wrong_state"
    publish(orchards)
    with pytest.raises(Refused) as unknown:
        appeals.record_appeal(orchards.admin, orchards.event_id, "YA999", "x", "y")
    assert unknown.value.code == "unknown_entrant"
    appeal = appeals.record_appeal(orchards.admin, orchards.event_id, "YA001", "x", "y")
    with pytest.raises(Refused) as without:
        appeals.decide_appeal(orchards.admin, appeal.id, True, "upheld", None)
    assert without.value.code == "invalid"
    other = _cost_mark("YA002")
    with pytest.raises(Refused) as wrong_mark:
        appeals.decide_appeal(orchards.admin, appeal.id, True, "upheld", Correction(other.id, "1"))
    assert wrong_mark.value.code == "not_found"
    with pytest.raises(Refused) as bad_value:
        appeals.decide_appeal(
            orchards.admin, appeal.id, True, "upheld", Correction(_cost_mark("YA001").id, "abc")
        )
    assert bad_value.value.code == "invalid_value"
    assert appeals.appeals_of(orchards.contest_id)[0].status == "pending"
    assert db.session.scalars(select(Publication)).all()[-1].number == 1


def test_results_become_final_when_the_window_closes_with_no_appeal_pending(
    orchards: Orchards,
) -> None:
    publish(orchards)
    contest = contest_of(orchards)
    assert contest.publicity_ends_at is not None
    with pytest.raises(Refused) as early:
        lifecycle.advance(orchards.admin, orchards.contest_id, "finalise")
    assert early.value.code == "precondition"
    appeal = appeals.record_appeal(orchards.admin, orchards.event_id, "YA001", "x", "y")
    later = contest.publicity_ends_at + timedelta(minutes=1)
    assert not publication.settle(contest, now=later)  # an appeal is pending
    appeals.decide_appeal(orchards.admin, appeal.id, False, "维持", None)
    assert publication.settle(contest, now=later)
    assert contest_of(orchards).status == "final"
    with pytest.raises(Refused) as closed:
        appeals.record_appeal(orchards.admin, orchards.event_id, "YA001", "x", "y")
    assert closed.value.code == "wrong_state"


def test_the_board_names_a_countback_position_by_its_criterions_label(db_app: Flask) -> None:
    text = textwrap.dedent("""\
        contest: U 型场地
        items: {label: 轮次, count: 3}
        criteria:
          score: {kind: measured, label: 轮次得分, min: 0, max: 100}
          best: {kind: items, of: score, combine: best}
        total: {formula: best}
        ranking:
          tiebreak:
            - { countback: score }
        """)
    admin = make_admin()
    contest = contests.create_contest(admin, "U 型场地", [("决赛", RuleSource("u.yaml", text))])
    lifecycle.advance(admin, contest.id, "open_registration")
    marks_ = [
        (rider, str(run), "score", "", str(value))
        for rider, values in {"A": [90, 70, 10], "B": [80, 90, 20]}.items()
        for run, value in enumerate(values, 1)
    ]
    standings = standings_of(load_rule_text(text, "u.yaml"), marks_)
    document = board.event_board(contest, contest.events[0], standings, awards=False)
    assert [(r["key"], r["rank"], r["decided_by"]) for r in document["rows"]] == [
        ("B", 1, "轮次得分 #2"),
        ("A", 2, "轮次得分 #2"),
    ]
