"""Welding contests built through the services, for qualifiers: the shipped rule file's ten
welders with the sample marks, published (an enterprise round that feeds a city final)."""

from __future__ import annotations

import csv
from collections.abc import Mapping
from dataclasses import dataclass

from competition.extensions import db
from competition.models import Entrant, Event
from competition.services import assignments, judges, lifecycle, marks, scoring
from competition.services.authority import Actor
from competition.services.marks import MarkInput
from tests.factories import REPOSITORY, make_contest

RULES = REPOSITORY / "scoring_rules"


@dataclass
class WeldingRound:
    contest_id: int
    event_id: int
    judges: list[Actor]


def welding_round(
    admin: Actor, name: str, like: Mapping[str, str] | None = None, welders: int = 10
) -> WeldingRound:
    """A welding contest in scoring with the sample's welders (W01…) and their marks by five
    appearance judges; ``like`` gives a welder another's marks (``{"W02": "W01"}`` ties them)."""
    contest = make_contest(admin, name)
    event = contest.events[0]
    with open(RULES / "welding_skills.entrants.csv", encoding="utf-8") as rows:
        for row in list(csv.DictReader(rows))[:welders]:
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
    codes = {f"W{n:02d}" for n in range(1, welders + 1)}
    with open(RULES / "welding_skills.sample.csv", encoding="utf-8") as rows:
        sample = list(csv.DictReader(rows))
    copied = like or {}
    for code in sorted(codes):
        source = copied.get(code, code)
        for row in (r for r in sample if r["entrant"] == source):
            actor = panel[row["judge"]] if row["judge"] else admin
            mark = MarkInput(code, row["criterion"], row["value"], row["item"])
            marks.record_mark(actor, event.id, mark)
    return WeldingRound(contest.id, event.id, list(panel.values()))


def publish_round(admin: Actor, round_: WeldingRound) -> None:
    """Close scoring, every sheet signed, lock and publish (over any flagged mark)."""
    lifecycle.advance(admin, round_.contest_id, "close_scoring", "比赛结束", override=True)
    for judge in round_.judges:
        scoring.sign_sheet(judge, round_.event_id)
    lifecycle.advance(admin, round_.contest_id, "lock", "成绩核定", override=True)
    lifecycle.advance(admin, round_.contest_id, "publish", "结果公示", override=True)


def event_of(round_: WeldingRound) -> Event:
    event = db.session.get(Event, round_.event_id)
    assert event is not None
    return event
