"""Item groups and runs not taken through the judges' tablets (both databases): what a judge
may enter where, how it is stored, and what the live standings make of it."""

from __future__ import annotations

import pytest
from flask import Flask

from competition.extensions import db
from competition.models import Assignment, Contest, Entrant, Judge
from competition.services import lifecycle, marks, scoring, standings
from competition.services.authority import Actor, Refused
from competition.services.marks import MarkInput
from tests.factories import make_admin, make_contest


def seated_judge(admin: Actor, rules: str, entrant: Entrant) -> tuple[Contest, Actor, Judge]:
    contest = make_contest(admin, "项目", rules=rules)
    event = contest.events[0]
    entrant.event_id = event.id
    judge = Judge(contest_id=contest.id, name="裁判一", token_hash="b" * 64)
    db.session.add_all([entrant, judge])
    db.session.flush()
    db.session.add(Assignment(judge_id=judge.id, event_id=event.id))
    db.session.commit()
    lifecycle.advance(admin, contest.id, "open_registration")
    lifecycle.advance(admin, contest.id, "open_scoring")
    return contest, Actor("judge", judge.id, judge.name), judge


def test_a_judge_enters_dni_for_a_run_not_taken(db_app: Flask) -> None:
    admin = make_admin()
    rider = Entrant(code="M1", name="甲", attributes={"category": "男子"})
    contest, judge, _ = seated_judge(admin, "examples/halfpipe.yaml", rider)
    event = contest.events[0]
    stored = marks.record_mark(judge, event.id, MarkInput("M1", "score", " dni ", item="3"))
    assert stored.value == "DNI"
    marks.record_mark(judge, event.id, MarkInput("M1", "score", "80", item="1"))
    table = standings.event_standings(event).table
    assert table.not_taken == {("M1", "3"): "DNI"}
    (score,) = standings.progress(event)
    assert score.expected == 2  # runs 1 and 2; run 3 was not taken
    with pytest.raises(Refused) as caught:
        marks.record_mark(judge, event.id, MarkInput("M1", "score", "DNQ", item="2"))
    assert caught.value.code == "invalid_value"


def test_a_judge_marks_only_the_items_of_a_criterions_group(db_app: Flask) -> None:
    admin = make_admin()
    skater = Entrant(code="S1", name="乙", attributes={})
    contest, actor, judge = seated_judge(admin, "examples/figure_skating_segment.yaml", skater)
    event = contest.events[0]
    assert marks.record_mark(actor, event.id, MarkInput("S1", "goe", "1.5", item="E1")).value
    with pytest.raises(Refused) as caught:
        marks.record_mark(actor, event.id, MarkInput("S1", "goe", "1.5", item="PC-transitions"))
    assert (caught.value.code, caught.value.message.render("en")) == (
        "invalid_item",
        "'goe' is given only for the items of 'elements': "
        + ", ".join(f"E{n}" for n in range(1, 14)),
    )
    owed_by_criterion = {p.criterion: p.expected for p in standings.progress(event)}
    assert owed_by_criterion == {"goe": 13, "factor": 5, "component": 5}
    sheet = scoring.sheet_of(judge, event)
    owed = {(item, criterion) for _, item, criterion in sheet.cells()}
    assert ("E1", "goe") in owed and ("PC-transitions", "component") in owed
    assert ("PC-transitions", "goe") not in owed and ("E1", "component") not in owed
    labels = {c.name: c.item_label for c in sheet.criteria}
    assert (labels["goe"], labels["component"]) == ("技术动作", "节目内容分")


def test_a_sheet_names_items_by_the_rule_files_word(db_app: Flask) -> None:
    admin = make_admin()
    rider = Entrant(code="M1", name="甲", attributes={"category": "男子"})
    contest, _, judge = seated_judge(admin, "examples/halfpipe.yaml", rider)
    sheet = scoring.sheet_of(judge, contest.events[0])
    assert [c.item_label for c in sheet.criteria if c.per_item] == ["轮次"]
