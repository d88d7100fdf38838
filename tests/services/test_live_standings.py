"""The live board's standings follow each mark incrementally where the rules allow, and are
always equal to a computation from scratch (both databases)."""

from __future__ import annotations

import csv
import json

from flask import Flask

from competition.extensions import db
from competition.models import Entrant, Event
from competition.rules.report import standings_dict
from competition.rules.standings import Standings
from competition.services import assignments, contests, judges, lifecycle, marks
from competition.services import monitor as monitoring
from competition.services.authority import Actor
from competition.services.contests import RuleSource
from competition.services.marks import MarkInput
from competition.services.standings import StandingsService, event_standings, progress
from tests.factories import REPOSITORY, make_admin, make_contest
from tests.scenes import inspect, orchard_contest

RULES = REPOSITORY / "scoring_rules"


def as_json(standings: Standings) -> str:
    return json.dumps(standings_dict(standings), ensure_ascii=False, sort_keys=True)


def welding(admin: Actor, rules: str | None = None) -> tuple[Event, dict[str, Actor]]:
    """The shipped welding contest in scoring (or these rules for it): its ten welders, five
    appearance judges."""
    if rules is None:
        contest = make_contest(admin)
    else:
        source = RuleSource("welding_skills.yaml", rules)
        contest = contests.create_contest(admin, "2026 焊工技能竞赛", [("焊工", source)])
    event = contest.events[0]
    with open(RULES / "welding_skills.entrants.csv", encoding="utf-8") as rows:
        for row in csv.DictReader(rows):
            attributes = {"unit": row["unit"], "is_worker": row["is_worker"]}
            db.session.add(
                Entrant(
                    event_id=event.id, code=row["entrant"], name=row["name"], attributes=attributes
                )
            )
    db.session.commit()
    panel = {}
    for n in range(1, 6):
        judge, _ = judges.create_judge(admin, contest.id, f"评委{n}", unit=f"单位{n}")
        assignments.assign_panel(admin, judge.id, event.id, "appearance")
        panel[f"J{n}"] = Actor("judge", judge.id, judge.name)
    lifecycle.advance(admin, contest.id, "open_registration")
    lifecycle.advance(admin, contest.id, "open_scoring")
    return event, panel


def test_each_mark_updates_the_standings_incrementally_and_exactly(db_app: Flask) -> None:
    admin = make_admin()
    event, panel = welding(admin)
    live = StandingsService()
    live.of(event)  # the first computation is in full
    with open(RULES / "welding_skills.sample.csv", encoding="utf-8") as rows:
        for number, row in enumerate(csv.DictReader(rows)):
            actor = panel[row["judge"]] if row["judge"] else admin
            mark = MarkInput(row["entrant"], row["criterion"], row["value"], row["item"])
            marks.record_mark(actor, event.id, mark)
            if number % 7 == 0:
                assert as_json(live.of(event)) == as_json(event_standings(event))
    assert as_json(live.of(event)) == as_json(event_standings(event))
    assert live.incremental > 0 and live.full == 1


def test_a_correction_and_a_new_rule_version_are_followed_too(db_app: Flask) -> None:
    admin = make_admin()
    event, panel = welding(admin)
    for n, actor in enumerate(panel.values()):
        for code in ("W01", "W02"):
            marks.record_mark(actor, event.id, MarkInput(code, "appearance", str(20 + n)))
    live = StandingsService()
    live.of(event)
    judge_id = panel["J1"].id
    assert judge_id is not None
    monitoring.correct_cell(admin, event.id, judge_id, "W01", "", "appearance", "29", "看错了")
    assert as_json(live.of(event)) == as_json(event_standings(event))
    assert live.incremental == 1
    text = (RULES / "welding_skills.yaml").read_text(encoding="utf-8")
    changed = text.replace("名额：一等奖", "名额：一等奖 ", 1) + "\n# 第二版\n"
    contests.new_rule_version(admin, event.id, RuleSource("welding_skills.yaml", changed), "改版")
    assert as_json(live.of(event)) == as_json(event_standings(event))
    assert live.full == 2  # the rules changed: computed in full


def test_rules_that_compare_with_the_field_are_computed_in_full(db_app: Flask) -> None:
    orchards = orchard_contest(make_admin())
    event = db.session.get(Event, orchards.event_id)
    assert event is not None
    live = StandingsService()
    live.of(event)
    inspect(orchards, "YA002", "9")
    assert as_json(live.of(event)) == as_json(event_standings(event))
    assert live.incremental == 0 and live.full == 2
    assert live.of(event) is live.of(event)  # nothing new: the copy kept


def test_progress_counts_only_the_values_someone_owes(db_app: Flask) -> None:
    """A deduction that is 0 unless entered is not 'marked' before anyone marks anything."""
    event, _ = welding(make_admin())
    owed = {p.criterion: (p.complete, p.expected) for p in progress(event)}
    assert "undercut_mm" not in owed and "safety_deduction" not in owed  # default 0
    assert owed["theory"] == (0, 10)  # the ten welders
    assert owed["appearance"][0] == 0


def test_a_panel_that_sits_short_counts_live_and_an_absent_one_is_not_marked(
    db_app: Flask,
) -> None:
    """Appearance judged by four to five judges, an unmarked weld valued 0: four marks make
    W01's panel complete on the board; the welds nobody marked are not counted as marked."""
    admin = make_admin()
    text = (RULES / "welding_skills.yaml").read_text(encoding="utf-8")
    short = text.replace("judges: 5,", "judges: { min: 4, max: 5 },").replace(
        "    drop_low: 1\n", "    drop_low: 1\n    absent: 0\n", 1
    )
    event, panel = welding(admin, short)
    live = StandingsService()
    live.of(event)
    for actor, value in zip(list(panel.values())[:4], ("24", "25", "26", "28"), strict=True):
        marks.record_mark(actor, event.id, MarkInput("W01", "appearance", value))
    standings = live.of(event)
    assert as_json(standings) == as_json(event_standings(event))
    assert live.incremental > 0
    assert standings.table.value("appearance", "W01") == 25.5  # (25 + 26) / 2
    assert standings.table.value("appearance", "W02") == 0  # absent
    owed = {p.criterion: (p.complete, p.expected) for p in progress(event, standings)}
    assert owed["appearance"] == (1, 10)
