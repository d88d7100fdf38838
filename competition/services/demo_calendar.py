"""The rest of the demo programme's year, beyond the qualifier chains: enterprise, county
and city contests of welding, orchards and CNC milling, from March to December, published,
scoring, in registration or drafts, with fields large enough for a city's year."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from competition.extensions import db
from competition.models import Contest, Entrant
from competition.services.demo_people import sheet
from competition.services.demo_rounds import (
    CNC,
    ORCHARD,
    WELDING,
    create,
    import_sheet,
    publish,
    score_orchards,
    score_welding,
    seat_panel,
)
from competition.services.demo_union import CITY, ENTERPRISES, Union, rotated
from competition.services.marks import MarkInput


@dataclass(frozen=True)
class Spec:
    """A contest of the programme beyond the chains: who runs it, its rule file, how far it
    has got, in which month it began, and how many entrants register."""

    name: str
    organisation: str
    trade: str
    rule: str
    stage: str  # draft, registration, scoring or published
    month: int
    entrants: int


OTHERS = [
    Spec("子长煤业工会 2026 焊工技能比武", "子长煤业工会", "焊工", WELDING, "published", 3, 24),
    Spec("黄陵矿业工会 2026 焊工技能比武", "黄陵矿业工会", "焊工", WELDING, "published", 6, 24),
    Spec("吴起采油厂工会 2026 焊工技能比武", "吴起采油厂工会", "焊工", WELDING, "published", 6, 24),
    Spec("安塞华电工会 2026 焊工技能比武", "安塞华电工会", "焊工", WELDING, "published", 9, 24),
    Spec(
        "洛川苹果产业集团 2026 果园管理比武",
        "洛川苹果产业集团工会",
        "果业",
        ORCHARD,
        "published",
        5,
        20,
    ),
    Spec("子长市 2026 职工焊工技能竞赛", "子长市总工会", "焊工", WELDING, "scoring", 10, 30),
    Spec("延川县 2026 苹果亩均效益竞赛", "延川县总工会", "果业", ORCHARD, "scoring", 9, 15),
    Spec("黄陵县 2026 职工焊工技能竞赛", "黄陵县总工会", "焊工", WELDING, "registration", 11, 40),
    Spec("2026 市职工职业技能大赛 · 数控铣", CITY, "数控铣", CNC, "registration", 10, 240),
    Spec(
        "延安职业技术学院 2026 数控铣技能比武",
        "延安职业技术学院工会",
        "数控铣",
        CNC,
        "registration",
        9,
        120,
    ),
    Spec(
        "延长油田工会 2026 数控铣技能比武", "延长油田工会", "数控铣", CNC, "registration", 10, 200
    ),
    Spec("宝塔区 2026 职工数控铣技能竞赛", "宝塔区总工会", "数控铣", CNC, "registration", 11, 180),
    Spec("安塞区 2026 职工数控铣技能竞赛", "安塞区总工会", "数控铣", CNC, "registration", 9, 150),
    Spec("吴起县 2026 职工焊工技能竞赛", "吴起县总工会", "焊工", WELDING, "registration", 10, 160),
    Spec("甘泉县 2026 职工焊工技能竞赛", "甘泉县总工会", "焊工", WELDING, "registration", 11, 100),
    Spec("延川县 2026 职工焊工技能竞赛", "延川县总工会", "焊工", WELDING, "registration", 10, 120),
    Spec("陕建八建工会 2026 数控铣技能比武", "陕建八建工会", "数控铣", CNC, "draft", 11, 150),
    Spec("志丹县 2026 职工焊工技能竞赛", "志丹县总工会", "焊工", WELDING, "draft", 11, 120),
    Spec("富县 2026 职工焊工技能竞赛", "富县总工会", "焊工", WELDING, "draft", 12, 80),
    Spec("延安热电工会 2026 冬季焊工技能比武", "延安热电工会", "焊工", WELDING, "draft", 12, 0),
    Spec("宝塔区 2026 苹果亩均效益竞赛", "宝塔区总工会", "果业", ORCHARD, "draft", 11, 0),
]


def other_contests(union: Union) -> None:
    for number, spec in enumerate(OTHERS):
        contest = create(
            union.admin,
            spec.name,
            spec.rule,
            union.rules_dir,
            union.placed(spec.organisation, spec.trade),
            spec.stage != "draft",
        )
        union.months[contest.id] = spec.month
        if spec.entrants:
            _register_for(union, contest, spec)
        if spec.stage in ("scoring", "published"):
            _score(union, contest, spec, number)


def _register_for(union: Union, contest: Contest, spec: Spec) -> None:
    org = union.orgs[spec.organisation]
    county = org.district or "宝塔区"
    unit = ENTERPRISES.get(spec.organisation, (county, f"{county}职工"))[1]
    names = union.registry.new_names(spec.entrants)
    if spec.rule == ORCHARD:
        rows = [
            {
                "编号": f"G{i:03d}",
                "名称": f"{county.rstrip('区县市')}{name}果园",
                "县（市、区）": county,
                "经营主体": f"{name}家庭农场",
                "身份证号": union.registry.id_of(
                    f"{county.rstrip('区县市')}{name}果园", "", county
                ),
            }
            for i, name in enumerate(names, start=1)
        ]
    elif spec.rule == CNC:
        rows = [
            {
                "编号": f"C{i:03d}",
                "姓名": name,
                "身份证号": union.registry.id_of(name, unit, county),
            }
            for i, name in enumerate(names, start=1)
        ]
    else:
        units = [unit] if spec.organisation in ENTERPRISES else _county_units(union, county, unit)
        rows = [
            {
                "编号": f"W{i:03d}",
                "姓名": name,
                "工作单位": units[i % len(units)],
                "职工身份": "是",
                "身份证号": union.registry.id_of(name, units[i % len(units)], county),
            }
            for i, name in enumerate(names, start=1)
        ]
    import_sheet(union.admin, contest, sheet(rows), "报名表.xlsx")


def _county_units(union: Union, county: str, fallback: str) -> list[str]:
    units = [unit for c, unit in ENTERPRISES.values() if c == county]
    return units + [fallback]


def _score(union: Union, contest: Contest, spec: Spec, number: int) -> None:
    if spec.rule == WELDING:
        panel = seat_panel(union.admin, contest, WELDING, rotated(union.pool["焊工"], number))
        score_welding(union.admin, contest, panel, seed=500 + number)
    else:
        panel = seat_panel(union.admin, contest, ORCHARD, rotated(union.pool["果业"], number))
        measured = [
            MarkInput(entrant.code, criterion, value)
            for entrant in _entrants_of(contest)
            for criterion, value in _orchard_values(entrant.code).items()
        ]
        score_orchards(union.admin, contest, panel, measured, seed=700 + number)
    if spec.stage == "published":
        publish(union.admin, contest, panel)


def _entrants_of(contest: Contest) -> list[Entrant]:
    query = select(Entrant).where(Entrant.event_id == contest.events[0].id).order_by(Entrant.code)
    return list(db.session.scalars(query))


def _orchard_values(code: str) -> dict[str, str]:
    n = int(code[1:])
    area = 10 + (n * 7) % 40
    harvest = area * (2600 + (n * 389) % 2000)
    return {
        "area_mu": str(area),
        "yield_kg": str(harvest),
        "revenue_yuan": str(harvest * 6),
        "cost_yuan": str(area * (5600 + (n * 211) % 3000)),
        "premium_kg": str(harvest * (60 + n % 25) // 100),
        "commercial_kg": str(harvest * (85 + n % 12) // 100),
    }
