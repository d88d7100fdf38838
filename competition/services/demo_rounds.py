"""One contest of the demo programme, taken through the services as its organisers would:
created in the programme under its organisation, entrants imported from a sheet, judges
taken from the pool and seated, marks recorded a sheet at a time, then scoring closed, the
sheets signed, the results locked and published (certificates and qualifiers follow)."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from competition.extensions import db
from competition.models import Contest, Entrant, Event, Person
from competition.services import assignments, contests, entrants, lifecycle, marks, pool, scoring
from competition.services.authority import Actor
from competition.services.contests import RuleSource
from competition.services.demo_people import skill
from competition.services.marks import MarkInput

WELDING = "welding_skills.yaml"
ORCHARD = "apple_orchard_per_mu_benefit.yaml"
CNC = "examples/worldskills_style.yaml"
EVENT_NAMES = {WELDING: "焊工", ORCHARD: "亩均效益", CNC: "数控铣"}
PANELS = {WELDING: ("appearance", 5), ORCHARD: ("inspection", 3)}
OVERRIDE = "赛后复核：偏离评分已由裁判长确认"


@dataclass(frozen=True)
class Placed:
    """Where a new contest goes: the programme, its organisation and trade."""

    programme_id: int
    organisation_id: int
    trade: str


def create(
    admin: Actor, name: str, rule: str, rules_dir: Path, placed: Placed, open_registration: bool
) -> Contest:
    text = (rules_dir / rule).read_text("utf-8")
    contest = contests.create_contest(
        admin,
        name,
        [(EVENT_NAMES[rule], RuleSource(Path(rule).name, text))],
        programme_id=placed.programme_id,
        organisation_id=placed.organisation_id,
        trade=placed.trade,
    )
    if open_registration:
        lifecycle.advance(admin, contest.id, "open_registration")
    return contest


def seat_panel(admin: Actor, contest: Contest, rule: str, judges: Sequence[Person]) -> list[Actor]:
    """The pool's judges on the rule file's panel; their actors, to mark and sign."""
    panel, size = PANELS[rule]
    event = contest.events[0]
    seated = []
    for person in judges[:size]:
        judge, _token = pool.add_to_contest(admin, contest.id, person.id)
        assignments.assign_panel(admin, judge.id, event.id, panel)
        seated.append(Actor("judge", judge.id, judge.name))
    return seated


def welding_marks(
    entrant: Entrant, judges: int, rng: random.Random
) -> tuple[list[MarkInput], list[MarkInput]]:
    """The measured values and each appearance judge's mark of a welder, from their skill."""
    level = skill(entrant.name, str((entrant.attributes or {}).get("unit", "")))
    measured = [
        ("theory", _step(55 + 44 * level + rng.uniform(-4, 4), 0.5, 0, 100)),
        ("leg_size_mm", f"{10 + rng.choice([-1, 1]) * (1 - level) * rng.uniform(0.5, 3):.1f}"),
        ("misalignment_mm", f"{(1 - level) * rng.uniform(0.2, 1.6):.1f}"),
        ("undercut_mm", str(round((1 - level) * rng.uniform(0, 24)))),
        ("radiography_grade", "1" if level > 0.75 else "2" if level > 0.5 else "3"),
        (
            "completion_time",
            f"{int(30 + (1 - level) * 50 + rng.randint(0, 8))}:{rng.randint(0, 59):02d}",
        ),
    ]
    base = 12 + 17 * level
    judged = [_step(base + rng.uniform(-1.5, 1.5), 0.5, 0, 30) for _ in range(judges)]
    return [MarkInput(entrant.code, c, v) for c, v in measured], [
        MarkInput(entrant.code, "appearance", v) for v in judged
    ]


def orchard_inspection(entrant: Entrant, rng: random.Random) -> list[MarkInput]:
    level = skill(entrant.name, "orchard")
    return [
        MarkInput(entrant.code, criterion, _step(level * top + rng.uniform(-1, 1), 0.5, 0, top))
        for criterion, top in (
            ("canopy_pruning", 10),
            ("soil_fertiliser_water", 10),
            ("pest_control_green", 5),
            ("records_traceability", 5),
        )
    ]


def _step(value: float, step: float, low: float, high: float) -> str:
    return f"{min(high, max(low, round(value / step) * step)):g}"


def event_entrants(event: Event) -> list[Entrant]:
    query = select(Entrant).where(Entrant.event_id == event.id).order_by(Entrant.code)
    return list(db.session.scalars(query))


def score_welding(admin: Actor, contest: Contest, panel: list[Actor], seed: int) -> None:
    """Open scoring and record every welder's marks: the measured values, then each judge's
    sheet."""
    rng = random.Random(seed)
    event = contest.events[0]
    lifecycle.advance(admin, contest.id, "open_scoring")
    measured: list[MarkInput] = []
    judged: list[list[MarkInput]] = [[] for _ in panel]
    for entrant in event_entrants(event):
        values, appearance = welding_marks(entrant, len(panel), rng)
        measured += values
        for sheet, mark in zip(judged, appearance, strict=True):
            sheet.append(mark)
    marks.record_marks(admin, event.id, measured)
    for judge, sheet in zip(panel, judged, strict=True):
        marks.record_marks(judge, event.id, sheet)


def score_orchards(
    admin: Actor, contest: Contest, panel: list[Actor], measured: list[MarkInput], seed: int
) -> None:
    """The field team's measured values (entered in registration), then the experts'."""
    rng = random.Random(seed)
    event = contest.events[0]
    marks.record_marks(admin, event.id, measured)
    lifecycle.advance(admin, contest.id, "open_scoring")
    rows = event_entrants(event)
    for judge in panel:
        sheet = [mark for entrant in rows for mark in orchard_inspection(entrant, rng)]
        marks.record_marks(judge, event.id, sheet)


def publish(admin: Actor, contest: Contest, panel: list[Actor]) -> None:
    """Close scoring, every sheet signed, lock and publish, over flagged marks."""
    event = contest.events[0]
    lifecycle.advance(admin, contest.id, "close_scoring", OVERRIDE, override=True)
    for judge in panel:
        scoring.sign_sheet(judge, event.id)
    lifecycle.advance(admin, contest.id, "lock", OVERRIDE, override=True)
    lifecycle.advance(admin, contest.id, "publish", "结果公示", override=True)


def import_sheet(admin: Actor, contest: Contest, data: bytes, filename: str) -> None:
    entrants.import_entrants(admin, contest.events[0].id, data, filename)
