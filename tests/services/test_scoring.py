"""A judge's sheet: what to mark and what is marked, signing it, and the chief judge's
corrections afterwards (both databases)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask

from competition.extensions import db
from competition.models import Entrant, Judge, Mark
from competition.services import assignments, judges, lifecycle, marks, scoring
from competition.services.authority import Actor, Refused
from competition.services.marks import MarkInput
from tests.factories import make_admin, make_contest, make_user


def scoring_contest() -> tuple[Actor, Actor, int]:
    admin = make_admin()
    contest = make_contest(admin, "苹果", rules="apple_orchard_per_mu_benefit.yaml")
    event = contest.events[0]
    for code in ("YA001", "YA002"):
        db.session.add(
            Entrant(event_id=event.id, code=code, name=code, attributes={"county": "宝塔区"})
        )
    db.session.commit()
    judge, _ = judges.create_judge(admin, contest.id, "王志刚")
    assignments.assign(admin, judge.id, event.id, "canopy_pruning")
    lifecycle.advance(admin, contest.id, "open_registration")
    lifecycle.advance(admin, contest.id, "open_scoring")
    return admin, Actor("judge", judge.id, judge.name), event.id


def test_the_sheet_lists_what_to_mark_and_what_is_marked(db_app: Flask) -> None:
    _, judge, event_id = scoring_contest()
    marks.record_mark(judge, event_id, MarkInput("YA001", "canopy_pruning", "8.5"))
    (sheet,) = scoring.judge_sheets(db.session.get(Judge, judge.id))
    assert [c.name for c in sheet.criteria] == ["canopy_pruning"]
    assert (sheet.criteria[0].min, sheet.criteria[0].max, sheet.criteria[0].step) == (
        "0",
        "10",
        "0.5",
    )
    assert [e.code for e in sheet.entrants] == ["YA001", "YA002"]
    assert [(m.entrant, m.value) for m in sheet.marks] == [("YA001", "8.5")]
    assert sheet.round_open[""] is True and sheet.signed_at is None


def test_the_sheet_lists_criteria_in_the_rule_files_order_and_says_how_to_head_it(
    db_app: Flask,
) -> None:
    admin, judge, event_id = scoring_contest()
    for name in ("records_traceability", "soil_fertiliser_water", "pest_control_green"):
        assignments.assign(admin, judge.id or 0, event_id, name)
    (sheet,) = scoring.judge_sheets(db.session.get(Judge, judge.id))
    assert [c.name for c in sheet.criteria] == [
        "canopy_pruning",
        "soil_fertiliser_water",
        "pest_control_green",
        "records_traceability",
    ]
    assert (sheet.stage, sheet.names_hidden, sheet.entrant_label) == ("scoring", False, "参赛果园")
    assert [c.item_label for c in sheet.criteria] == ["", "", "", ""]


def test_signing_needs_every_mark_and_then_stops_further_marks(db_app: Flask) -> None:
    _, judge, event_id = scoring_contest()
    marks.record_mark(judge, event_id, MarkInput("YA001", "canopy_pruning", "8.5"))
    with pytest.raises(Refused) as caught:
        scoring.sign_sheet(judge, event_id)
    assert (caught.value.code, caught.value.render("en")) == (
        "incomplete",
        "1 marks are still missing",
    )
    marks.record_mark(judge, event_id, MarkInput("YA002", "canopy_pruning", "7"))
    assert scoring.sign_sheet(judge, event_id).signed_at is not None
    with pytest.raises(Refused) as caught:
        marks.record_mark(judge, event_id, MarkInput("YA002", "canopy_pruning", "9"))
    assert caught.value.code == "signed"


def test_the_chief_judge_corrects_with_a_reason_and_the_judge_is_told(
    db_app: Flask, heard: Callable[[str], list[dict[str, object]]]
) -> None:
    admin, judge, event_id = scoring_contest()
    first = marks.record_mark(judge, event_id, MarkInput("YA001", "canopy_pruning", "8.5"))
    marks.record_mark(judge, event_id, MarkInput("YA002", "canopy_pruning", "7"))
    scoring.sign_sheet(judge, event_id)
    told = heard("mark.corrected")
    organiser = make_user(admin, "organiser")
    with pytest.raises(Refused) as caught:
        scoring.correct_mark(organiser, first.id, "9", "看错了")
    assert caught.value.code == "forbidden"
    with pytest.raises(Refused) as caught:
        scoring.correct_mark(admin, first.id, "9", "")
    assert caught.value.code == "reason_required"
    corrected = scoring.correct_mark(admin, first.id, "9", "复核发现录入错误")
    assert corrected.supersedes_id == first.id and corrected.judge_id == judge.id
    assert told[-1]["value"] == "9" and told[-1]["reason"] == "复核发现录入错误"
    (sheet,) = scoring.judge_sheets(db.session.get(Judge, judge.id))
    assert sorted(m.value for m in sheet.marks) == ["7", "9"]
    assert db.session.query(Mark).count() == 3  # nothing overwritten
    with pytest.raises(Refused) as caught:
        scoring.correct_mark(admin, first.id, "8", "again")
    assert caught.value.code == "superseded"
