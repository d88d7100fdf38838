"""Whole contests built through the services, for tests of the public side: an orchard
contest with measured data and an inspection panel of three judges."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from competition.extensions import db
from competition.models import Contest, Entrant
from competition.services import assignments, judges, lifecycle, marks, scoring
from competition.services import blind as blind_service
from competition.services.authority import Actor
from competition.services.marks import MarkInput
from tests.factories import make_contest

INSPECTION = (
    "canopy_pruning",
    "soil_fertiliser_water",
    "pest_control_green",
    "records_traceability",
)
COUNTIES = ("宝塔区", "洛川县", "富县", "黄陵县", "宜川县", "延川县")


@dataclass
class Orchards:
    admin: Actor
    contest_id: int
    event_id: int
    codes: list[str]
    judges: list[Actor] = field(default_factory=list)
    tokens: list[str] = field(default_factory=list)


def measured(index: int) -> dict[str, str]:
    """Orchard ``index``'s field data: the later the orchard, the higher its income."""
    area = 10
    yield_kg = 20000 + 1000 * index
    return {
        "area_mu": str(area),
        "yield_kg": str(yield_kg),
        "revenue_yuan": str(100000 + 10000 * index),
        "cost_yuan": "50000",
        "premium_kg": str(yield_kg * 8 // 10),
        "commercial_kg": str(yield_kg * 9 // 10),
    }


def orchard_contest(
    admin: Actor,
    count: int = 4,
    *,
    blind: bool = False,
    enter_measured: bool = True,
    judge_count: int = 3,
    name_of: Callable[[str], str] = "果园{}".format,
) -> Orchards:
    """A contest of ``count`` orchards (YA001…) in scoring, each with a phone number that must
    never be shown, measured data entered and three inspection judges seated."""
    contest = make_contest(
        admin, "苹果冠军园", rules="apple_orchard_per_mu_benefit.yaml", blind=blind
    )
    event = contest.events[0]
    codes = [f"YA{i:03d}" for i in range(1, count + 1)]
    for i, code in enumerate(codes):
        db.session.add(
            Entrant(
                event_id=event.id,
                code=code,
                name=name_of(code),
                attributes={
                    "county": COUNTIES[i % len(COUNTIES)],
                    "operator": f"农场{i}",
                    "variety": "富士",
                    "phone": f"1389110{i:04d}",
                },
            )
        )
    db.session.commit()
    scene = Orchards(admin, contest.id, event.id, codes)
    for n in range(judge_count):
        judge, token = judges.create_judge(admin, contest.id, f"专家{n + 1}")
        assignments.assign_panel(admin, judge.id, event.id, "inspection")
        scene.judges.append(Actor("judge", judge.id, judge.name))
        scene.tokens.append(token)
    lifecycle.advance(admin, contest.id, "open_registration")
    if blind:
        blind_service.draw(admin, event.id, seed="scene")
    lifecycle.advance(admin, contest.id, "open_scoring")
    if enter_measured:
        for i, code in enumerate(codes):
            for criterion, value in measured(i).items():
                marks.record_mark(admin, event.id, MarkInput(code, criterion, value))
    return scene


def inspect(scene: Orchards, code: str, value: str = "8", judges_: range | None = None) -> None:
    """The panel's marks for one orchard: ``value`` on the 0–10 criteria, half on 0–5 ones."""
    half = str(float(value) / 2).removesuffix(".0")
    for n in judges_ if judges_ is not None else range(len(scene.judges)):
        for criterion in INSPECTION:
            marks.record_mark(
                scene.judges[n],
                scene.event_id,
                MarkInput(code, criterion, value if criterion in INSPECTION[:2] else half),
            )


def publish(scene: Orchards, value: str = "8") -> None:
    """Every orchard inspected, every sheet signed, scoring closed, locked, unblinded when
    blind, published."""
    for code in scene.codes:
        inspect(scene, code, value)
    lifecycle.advance(scene.admin, scene.contest_id, "close_scoring")
    for judge in scene.judges:
        scoring.sign_sheet(judge, scene.event_id)
    lifecycle.advance(scene.admin, scene.contest_id, "lock")
    contest = db.session.get(Contest, scene.contest_id)
    assert contest is not None
    if contest.blind:
        blind_service.unblind(scene.admin, scene.contest_id)
    lifecycle.advance(scene.admin, scene.contest_id, "publish", "结果公示")
