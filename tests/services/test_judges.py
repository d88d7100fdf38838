"""Judges sign in with personal links (hashed, revocable, optional PIN) and mark only what
they are assigned, never an entrant of their own unit; their QR cards print offline."""

from __future__ import annotations

import threading
import xml.etree.ElementTree as ElementTree
from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import select

from competition.extensions import db
from competition.models import AuditEntry, Contest, Entrant, Judge, Mark
from competition.models.base import utcnow
from competition.services import assignments, contests, judge_cards, judges, users
from competition.services.authority import Actor, Refused
from competition.services.contests import RuleSource
from tests.factories import make_admin, make_contest, make_user, rule_source

ORGANISER_OR_CHIEF = (
    "forbidden",
    "only the organiser of this contest or the chief judge of this contest may do this",
)

SVG = "{http://www.w3.org/2000/svg}"


def refusal(error: pytest.ExceptionInfo[Refused]) -> tuple[str, str]:
    return error.value.code, error.value.render("en")


def add_entrants(contest: Contest, *rows: tuple[str, str, str]) -> list[Entrant]:
    """Entrants as (code, name, unit) in the contest's first event."""
    entrants = [
        Entrant(event_id=contest.events[0].id, code=code, name=name, attributes={"unit": unit})
        for code, name, unit in rows
    ]
    db.session.add_all(entrants)
    db.session.commit()
    return entrants


def everything_stored() -> str:
    """Every judge row and audit entry as text, to search for what must never be stored."""
    judges_rows = db.session.execute(select(Judge.__table__)).all()
    audit_rows = db.session.execute(select(AuditEntry.__table__)).all()
    return repr(judges_rows) + repr(audit_rows)


# --- links and PINs -------------------------------------------------------------------------


def test_a_judge_signs_in_with_their_link_and_only_its_hash_is_stored(db_app: Flask) -> None:
    admin = make_admin()
    contest = make_contest(admin)
    judge, token = judges.create_judge(admin, contest.id, "李裁判", unit="市一建")
    assert judges.judge_for_token(token).id == judge.id
    assert judge.token_hash == judges.token_hash(token) and len(judge.token_hash) == 64
    assert token not in everything_stored()
    assert judges.login_url("https://jn.example/", token) == (
        f"https://jn.example/judge/login/{token}"
    )
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "judge.create")).one()
    assert entry.after == {"judge": judge.id, "name": "李裁判", "unit": "市一建", "pin": False}


def test_an_unknown_link_is_refused(db_app: Flask) -> None:
    with pytest.raises(Refused) as caught:
        judges.judge_for_token("no-such-token")
    assert refusal(caught) == (
        "unauthorised",
        "this judge link is not valid: ask the organisers for a new card",
    )


def test_a_reissued_link_replaces_the_old_one(db_app: Flask) -> None:
    admin = make_admin()
    contest = make_contest(admin)
    judge, old = judges.create_judge(admin, contest.id, "李裁判")
    new = judges.reissue_token(admin, judge.id)
    assert judges.judge_for_token(new).id == judge.id
    with pytest.raises(Refused):
        judges.judge_for_token(old)
    assert old not in everything_stored() and new not in everything_stored()


def test_a_revoked_judge_cannot_sign_in_or_get_a_new_link(db_app: Flask) -> None:
    admin = make_admin()
    contest = make_contest(admin)
    judge, token = judges.create_judge(admin, contest.id, "李裁判")
    with pytest.raises(Refused) as caught:
        judges.revoke(admin, judge.id, "  ")
    assert caught.value.code == "reason_required"
    judges.revoke(admin, judge.id, "卡片遗失")
    with pytest.raises(Refused) as caught:
        judges.judge_for_token(token)
    assert caught.value.code == "unauthorised"
    with pytest.raises(Refused) as caught:
        judges.reissue_token(admin, judge.id)
    assert caught.value.code == "revoked"
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "judge.revoke")).one()
    assert entry.reason == "卡片遗失"


def test_reissue_all_gives_every_active_judge_a_new_link(db_app: Flask) -> None:
    admin = make_admin()
    contest = make_contest(admin)
    wang, _ = judges.create_judge(admin, contest.id, "王裁判")
    li, old = judges.create_judge(admin, contest.id, "李裁判")
    gone, _ = judges.create_judge(admin, contest.id, "赵裁判")
    judges.revoke(admin, gone.id, "换人")
    issued = judges.reissue_all(admin, contest.id)
    assert sorted(judge.name for judge, _ in issued) == ["李裁判", "王裁判"]
    for judge, token in issued:
        assert judges.judge_for_token(token).id == judge.id
    with pytest.raises(Refused):
        judges.judge_for_token(old)
    assert {wang.id, li.id} == {judge.id for judge, _ in issued}


def test_a_pin_is_asked_for_and_checked(db_app: Flask) -> None:
    admin = make_admin()
    contest = make_contest(admin)
    with pytest.raises(Refused) as caught:
        judges.create_judge(admin, contest.id, "李裁判", pin="12a4")
    assert refusal(caught) == ("invalid", "a PIN is 4 to 6 digits")
    judge, token = judges.create_judge(admin, contest.id, "李裁判", pin="2468")
    assert judge.pin_hash is not None and "2468" not in judge.pin_hash
    with pytest.raises(Refused) as caught:
        judges.judge_for_token(token)
    assert refusal(caught) == ("pin_required", "enter your PIN")
    with pytest.raises(Refused) as caught:
        judges.judge_for_token(token, "1357")
    assert refusal(caught) == ("unauthorised", "wrong PIN")
    assert judges.judge_for_token(token, "2468").id == judge.id


def test_five_wrong_pins_lock_the_judge_out_for_five_minutes(
    db_app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    admin = make_admin()
    contest = make_contest(admin)
    judge, token = judges.create_judge(admin, contest.id, "李裁判", pin="2468")
    other, other_token = judges.create_judge(admin, contest.id, "王裁判", pin="1111")
    start = utcnow()
    monkeypatch.setattr(judges, "utcnow", lambda: start)
    for _ in range(judges.MAX_PIN_FAILURES):
        with pytest.raises(Refused) as caught:
            judges.judge_for_token(token, "0000")
        assert caught.value.code == "unauthorised"
    with pytest.raises(Refused) as caught:
        judges.judge_for_token(token, "2468")
    assert refusal(caught) == ("locked", "too many wrong PINs: try again in a few minutes")
    assert judges.judge_for_token(other_token, "1111").id == other.id
    later = start + judges.PIN_LOCKOUT - timedelta(seconds=1)
    monkeypatch.setattr(judges, "utcnow", lambda: later)
    with pytest.raises(Refused) as caught:
        judges.judge_for_token(token, "2468")
    assert caught.value.code == "locked"
    monkeypatch.setattr(judges, "utcnow", lambda: start + judges.PIN_LOCKOUT)
    assert judges.judge_for_token(token, "2468").id == judge.id


def test_wrong_pins_count_across_server_processes(db_app: Flask) -> None:
    """Guesses spread over processes, some at the same moment, are all counted: the count is
    the database's (each thread here has its own session and connection, as a process would)."""
    admin = make_admin()
    contest = make_contest(admin)
    judge, token = judges.create_judge(admin, contest.id, "李裁判", pin="2468")
    answers: list[str] = []
    start = threading.Barrier(judges.MAX_PIN_FAILURES)

    def guess() -> None:
        with db_app.app_context():
            try:
                start.wait()
                judges.judge_for_token(token, "0000")
                answers.append("accepted")
            except Refused as refused:
                answers.append(refused.code)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=guess) for _ in range(judges.MAX_PIN_FAILURES)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == ["unauthorised"] * judges.MAX_PIN_FAILURES
    db.session.expire_all()
    with pytest.raises(Refused) as caught:
        judges.judge_for_token(token, "2468")  # even the right PIN waits now
    assert caught.value.code == "locked"
    assert db.session.get(Judge, judge.id).pin_locked_until is not None


def test_a_right_pin_forgets_earlier_wrong_ones(db_app: Flask) -> None:
    admin = make_admin()
    contest = make_contest(admin)
    judge, token = judges.create_judge(admin, contest.id, "李裁判", pin="2468")
    for _ in range(2):
        for _ in range(judges.MAX_PIN_FAILURES - 1):
            with pytest.raises(Refused):
                judges.judge_for_token(token, "0000")
        assert judges.judge_for_token(token, "2468").id == judge.id


def test_only_organisers_manage_judges(db_app: Flask) -> None:
    admin = make_admin()
    stranger = make_user(admin, "stranger")
    contest = make_contest(admin)
    judge, _ = judges.create_judge(admin, contest.id, "李裁判")
    for attempt in (
        lambda: judges.create_judge(stranger, contest.id, "王裁判"),
        lambda: judges.reissue_token(stranger, judge.id),
        lambda: judges.reissue_all(stranger, contest.id),
        lambda: judges.revoke(stranger, judge.id, "不喜欢"),
    ):
        with pytest.raises(Refused) as caught:
            attempt()
        assert refusal(caught) == ("forbidden", "only the organiser of this contest may do this")


# --- assignments ----------------------------------------------------------------------------


def chief_judge_of(admin: Actor, contest: Contest) -> Actor:
    chief = make_user(admin, "chief")
    users.grant_role(admin, chief.id or 0, contest.id, "chief_judge")
    return chief


def test_a_chief_judge_assigns_judges_to_judged_criteria(db_app: Flask) -> None:
    admin = make_admin()
    contest = make_contest(admin)
    chief = chief_judge_of(admin, contest)
    event = contest.events[0]
    wang, li = add_entrants(contest, ("W01", "王建国", "市一建"), ("W02", "李强", "市二建"))
    judge, _ = judges.create_judge(admin, contest.id, "赵裁判", unit="市三建")
    assignments.assign(chief, judge.id, event.id, "appearance", li.id)
    assignments.assign(chief, judge.id, event.id, "appearance", wang.id)
    assignments.assign(chief, judge.id, event.id)
    assert [
        (a.criterion, a.entrant.code if a.entrant else None)
        for a in assignments.assignments_of(judge.id)
    ] == [
        ("", None),
        ("appearance", "W01"),
        ("appearance", "W02"),
    ]
    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "judge.assign")
    ).first()
    assert entry is not None and entry.subject == f"event:{event.id}/judge:{judge.id}"
    assert entry.after["criterion"] == "appearance" and entry.after["entrant"] == "W02"


def test_a_criterion_must_be_judged(db_app: Flask) -> None:
    admin = make_admin()
    contest = make_contest(admin)
    judge, _ = judges.create_judge(admin, contest.id, "赵裁判")
    with pytest.raises(Refused) as caught:
        assignments.assign(admin, judge.id, contest.events[0].id, "theory")
    assert refusal(caught) == (
        "invalid",
        "'theory' is not a judged criterion of '焊工'; judged: appearance",
    )


def test_a_judge_never_marks_an_entrant_of_their_own_unit(db_app: Flask) -> None:
    admin = make_admin()
    contest = make_contest(admin)
    (wang,) = add_entrants(contest, ("W01", "王建国", "市一建"))
    judge, _ = judges.create_judge(admin, contest.id, "赵裁判", unit="市一建")
    with pytest.raises(Refused) as caught:
        assignments.assign(admin, judge.id, contest.events[0].id, "appearance", wang.id)
    assert refusal(caught) == (
        "conflict",
        "赵裁判 and entrant W01 王建国 both belong to 市一建: a judge never marks an entrant "
        "of their own unit",
    )
    assert judge.assignments == []


def test_an_all_entrants_assignment_names_the_entrants_to_leave_out(db_app: Flask) -> None:
    admin = make_admin()
    contest = make_contest(admin)
    event = contest.events[0]
    _, li, _ = add_entrants(
        contest, ("W01", "王建国", "市一建"), ("W02", "李强", "市二建"), ("W03", "张伟", "市一建")
    )
    judge, _ = judges.create_judge(admin, contest.id, "赵裁判", unit="市一建")
    with pytest.raises(Refused) as caught:
        assignments.assign(admin, judge.id, event.id)
    assert refusal(caught) == (
        "conflict",
        "赵裁判 belongs to 市一建, like W01 王建国, W03 张伟: assign entrant by entrant, "
        "leaving out W01 王建国, W03 张伟",
    )
    assert assignments.assign(admin, judge.id, event.id, entrant_id=li.id).entrant_id == li.id


def test_a_judge_without_a_unit_has_no_conflicts(db_app: Flask) -> None:
    admin = make_admin()
    contest = make_contest(admin)
    add_entrants(contest, ("W01", "王建国", ""))
    judge, _ = judges.create_judge(admin, contest.id, "赵裁判")
    assert assignments.assign(admin, judge.id, contest.events[0].id).entrant_id is None


def test_an_assignment_already_covered_is_refused(db_app: Flask) -> None:
    admin = make_admin()
    contest = make_contest(admin)
    event = contest.events[0]
    (wang,) = add_entrants(contest, ("W01", "王建国", "市一建"))
    judge, _ = judges.create_judge(admin, contest.id, "赵裁判")
    assignments.assign(admin, judge.id, event.id, "appearance")
    for criterion, entrant_id in (("appearance", None), ("appearance", wang.id)):
        with pytest.raises(Refused) as caught:
            assignments.assign(admin, judge.id, event.id, criterion, entrant_id)
        assert refusal(caught) == ("exists", "judge 赵裁判 is already assigned to this")


def test_unassign_is_refused_once_the_judge_has_marked(db_app: Flask) -> None:
    admin = make_admin()
    contest = make_contest(admin)
    event = contest.events[0]
    wang, li = add_entrants(contest, ("W01", "王建国", "市一建"), ("W02", "李强", "市二建"))
    judge, _ = judges.create_judge(admin, contest.id, "赵裁判")
    marked = assignments.assign(admin, judge.id, event.id, "appearance", wang.id)
    unmarked = assignments.assign(admin, judge.id, event.id, "appearance", li.id)
    db.session.add(
        Mark(
            event_id=event.id,
            entrant_id=wang.id,
            criterion="appearance",
            judge_id=judge.id,
            value="25",
            entered_by="judge",
        )
    )
    db.session.commit()
    with pytest.raises(Refused) as caught:
        assignments.unassign(admin, marked.id)
    assert refusal(caught) == (
        "precondition",
        "judge 赵裁判 has already entered marks under this assignment",
    )
    assignments.unassign(admin, unmarked.id)
    assert [a.entrant_id for a in assignments.assignments_of(judge.id)] == [wang.id]
    actions = db.session.scalars(select(AuditEntry.action)).all()
    assert actions[-1] == "judge.unassign"


def test_a_judge_beyond_the_panels_size_is_refused(db_app: Flask) -> None:
    """The welding appearance panel has five judges: a sixth is never seated, on the whole
    event or on one welder already marked by five; a revoked judge with no marks frees a seat."""
    admin = make_admin()
    contest = make_contest(admin)
    event = contest.events[0]
    wang, li = add_entrants(contest, ("W01", "王建国", "市一建"), ("W02", "李强", "市二建"))
    panel = [judges.create_judge(admin, contest.id, f"裁判{n}")[0] for n in range(1, 6)]
    for judge in panel[:4]:
        assignments.assign(admin, judge.id, event.id, "appearance")
    assignments.assign(admin, panel[4].id, event.id, "appearance", wang.id)
    sixth, _ = judges.create_judge(admin, contest.id, "裁判6")
    full = ("panel_full", "the panel of 'appearance' has 5 judges, all seated already")
    for criterion, entrant_id in (("appearance", wang.id), ("appearance", None), ("", None)):
        with pytest.raises(Refused) as caught:
            assignments.assign(admin, sixth.id, event.id, criterion, entrant_id)
        assert refusal(caught) == full
    assignments.assign(admin, sixth.id, event.id, "appearance", li.id)  # li has four
    judges.revoke(admin, panel[0].id, "病假")
    seventh, _ = judges.create_judge(admin, contest.id, "裁判7")
    assignments.assign(admin, seventh.id, event.id, "appearance", wang.id)


def test_a_panel_that_may_sit_short_seats_up_to_its_most_judges(db_app: Flask) -> None:
    admin = make_admin()
    welding = rule_source()
    text = welding.text.replace("judges: 5,", "judges: {min: 4, max: 5},")
    assert text != welding.text
    contest = contests.create_contest(admin, "焊工", [("焊工", RuleSource("w.yaml", text))])
    event = contest.events[0]
    panel = [judges.create_judge(admin, contest.id, f"裁判{n}")[0] for n in range(1, 7)]
    for judge in panel[:5]:
        assignments.assign(admin, judge.id, event.id, "appearance")
    with pytest.raises(Refused) as caught:
        assignments.assign(admin, panel[5].id, event.id, "appearance")
    assert refusal(caught) == (
        "panel_full",
        "the panel of 'appearance' has 5 judges, all seated already",
    )


def test_a_revoked_judge_who_marked_keeps_the_seat(db_app: Flask) -> None:
    admin = make_admin()
    contest = make_contest(admin)
    event = contest.events[0]
    (wang,) = add_entrants(contest, ("W01", "王建国", "市一建"))
    panel = [judges.create_judge(admin, contest.id, f"裁判{n}")[0] for n in range(1, 6)]
    for judge in panel:
        assignments.assign(admin, judge.id, event.id, "appearance")
    db.session.add(
        Mark(
            event_id=event.id,
            entrant_id=wang.id,
            criterion="appearance",
            judge_id=panel[0].id,
            value="25",
            entered_by="judge",
        )
    )
    db.session.commit()
    judges.revoke(admin, panel[0].id, "离场")
    replacement, _ = judges.create_judge(admin, contest.id, "替补裁判")
    with pytest.raises(Refused) as caught:
        assignments.assign(admin, replacement.id, event.id, "appearance")
    assert refusal(caught)[0] == "panel_full"


def test_strangers_assign_nobody(db_app: Flask) -> None:
    admin = make_admin()
    stranger = make_user(admin, "stranger")
    contest = make_contest(admin)
    judge, _ = judges.create_judge(admin, contest.id, "赵裁判")
    with pytest.raises(Refused) as caught:
        assignments.assign(stranger, judge.id, contest.events[0].id)
    assert refusal(caught) == ORGANISER_OR_CHIEF


def test_a_judge_is_assigned_only_in_their_own_contest(db_app: Flask) -> None:
    admin = make_admin()
    contest = make_contest(admin)
    other = make_contest(admin, name="2026 电工技能竞赛")
    judge, _ = judges.create_judge(admin, contest.id, "赵裁判")
    with pytest.raises(Refused) as caught:
        assignments.assign(admin, judge.id, other.events[0].id)
    assert refusal(caught) == ("not_found", "no such event in the judge's contest")


# --- QR cards -------------------------------------------------------------------------------


def test_a_qr_code_is_a_self_contained_svg_path() -> None:
    svg = judge_cards.qr_svg("https://jn.example/judge/login/abc")
    root = ElementTree.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    paths = root.findall(f".//{SVG}path")
    assert paths and all(path.get("d") for path in paths)
    assert "href" not in svg and "<image" not in svg and "<script" not in svg


def test_cards_carry_name_unit_contest_and_link(db_app: Flask) -> None:
    admin = make_admin()
    contest = make_contest(admin)
    judges.create_judge(admin, contest.id, "赵裁判", unit="市三建", pin="2468")
    judges.create_judge(admin, contest.id, "钱裁判")
    issued = judges.reissue_all(admin, contest.id)
    links = [(judge, judges.login_url("https://jn.example", token)) for judge, token in issued]
    cards = judge_cards.card_sheet(contest, links)
    by_name = {c.judge_name: c for c in cards}
    assert [c.judge_name for c in cards] == [judge.name for judge, _ in issued]
    assert (by_name["赵裁判"].unit, by_name["赵裁判"].needs_pin) == ("市三建", True)
    assert (by_name["钱裁判"].unit, by_name["钱裁判"].needs_pin) == ("", False)
    assert {c.contest_name for c in cards} == {"2026 焊工技能竞赛"}
    assert [c.url for c in cards] == [url for _, url in links]
    assert all(c.qr_svg.startswith("<svg") for c in cards)


def test_a_judge_is_seated_on_a_panel_criterion_by_criterion(db_app: Flask) -> None:
    admin = make_admin()
    contest = make_contest(admin, "苹果", rules="apple_orchard_per_mu_benefit.yaml")
    judge, _ = judges.create_judge(admin, contest.id, "王志刚", unit="延安市果业中心")
    seats = assignments.assign_panel(admin, judge.id, contest.events[0].id, "inspection")
    assert sorted(a.criterion for a in seats) == [
        "canopy_pruning",
        "pest_control_green",
        "records_traceability",
        "soil_fertiliser_water",
    ]
    with pytest.raises(Refused) as caught:
        assignments.assign_panel(admin, judge.id, contest.events[0].id, "inspection")
    assert caught.value.code == "exists"
    assert len(assignments.assignments_of(judge.id)) == 4
    with pytest.raises(Refused) as caught:
        assignments.assign_panel(admin, judge.id, contest.events[0].id, "tasting")
    assert "no criterion" in caught.value.render("en")
