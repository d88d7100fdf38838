"""The demo's programme: the city union's 2026 "十百千万" contests, three levels of unions,
a judges' pool, and two qualifier chains — enterprise welding rounds into county rounds
into the city welding final, county orchard rounds into the city orchard final.

Everything goes through the services, as in :mod:`competition.services.demo`; only the
contests' dates are set afterwards (:func:`_date_contests`): the services stamp the moment
they run, and a year's dashboard built in one minute would show one month. The audit log
keeps the true times.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import func, select, update

from competition.extensions import db
from competition.models import (
    Contest,
    Entrant,
    Event,
    Judge,
    Organisation,
    Person,
    Programme,
    Publication,
    User,
)
from competition.services import organisations, pool, programmes, qualifiers, users
from competition.services.authority import Actor
from competition.services.demo_people import REGION_CODES, Registry, sheet
from competition.services.demo_rounds import (
    CNC,
    ORCHARD,
    WELDING,
    Placed,
    create,
    import_sheet,
    publish,
    score_orchards,
    score_welding,
    seat_panel,
)
from competition.services.marks import MarkInput
from competition.services.person_ids import public_token

PROGRAMME = "2026 年度“十百千万”劳动和技能竞赛"
SERIES = "十百千万"
BUDGET = "5000000"
CITY = "延安市总工会"
UNION = ("union", "demo-union-2026")  # the union office: member of 市总工会
# enterprise unions: their county and the unit their workers' sheets give
ENTERPRISES = {
    "延安石化工会": ("洛川县", "延安石化"),
    "延长油田工会": ("延长县", "延长油田"),
    "陕建八建工会": ("宝塔区", "陕建八建"),
    "延安热电工会": ("宝塔区", "延安热电"),
    "延安职业技术学院工会": ("宝塔区", "延安职业技术学院"),
    "子长煤业工会": ("子长市", "子长煤业"),
    "黄陵矿业工会": ("黄陵县", "黄陵矿业"),
    "吴起采油厂工会": ("吴起县", "吴起采油厂"),
    "洛川苹果产业集团工会": ("洛川县", "洛川苹果产业集团"),
    "安塞华电工会": ("安塞区", "安塞华电"),
}
# the judges' pool: name, unit, expertise
POOL = [
    ("韩振江", "陕西省特种设备检验院延安分院", "焊工"),
    ("冯立群", "延安大学", "焊工"),
    ("曹建明", "延安市焊接协会", "焊工"),
    ("袁志宏", "西安石油大学", "焊工"),
    ("邓海燕", "市质量技术监督局", "焊工"),
    ("彭永胜", "陕西工业职业技术学院", "焊工"),
    ("苏卫国", "延安市安全生产协会", "焊工"),
    ("蒋德明", "西北农林科技大学", "果业"),
    ("蔡文静", "延安市果业中心", "果业"),
    ("贾春来", "洛川苹果研究所", "果业"),
    ("丁国华", "宜川县果业局", "果业"),
    ("魏红艳", "市农业技术推广站", "果业"),
    ("薛建林", "西安理工大学", "数控铣"),
    ("叶明远", "延安技师学院", "数控铣"),
]
CONFLICTED = ("高志远", "延长油田", "焊工（外观评定）")  # 回避: his colleagues are in the final
CARRIED = 4  # the top of each enterprise round into its county round
TO_FINAL = 3  # the top of each county round into the city final
# enterprise welding rounds feeding each county round, and the county's own entrants' unit
WELDING_CHAIN = {
    "宝塔区": (["陕建八建工会", "延安热电工会"], "延安职业技术学院"),
    "洛川县": (["延安石化工会"], "洛川县建筑安装公司"),
    "延长县": (["延长油田工会"], "延长县城市建设投资公司"),
}
ORCHARD_CHAIN = ["洛川县", "宜川县", "富县", "黄陵县"]


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


@dataclass
class Union:
    """The programme being built: its organisations by name, the pool, who is who."""

    admin: Actor
    rules_dir: Path
    programme_id: int
    orgs: dict[str, Organisation]
    pool: dict[str, list[Person]]
    registry: Registry = field(default_factory=Registry)
    months: dict[int, int] = field(default_factory=dict)  # contest → month it began

    def placed(self, organisation: str, trade: str) -> Placed:
        return Placed(self.programme_id, self.orgs[organisation].id, trade)

    def contest(self, name: str, organisation: str, trade: str, rule: str, month: int) -> Contest:
        made = create(
            self.admin, name, rule, self.rules_dir, self.placed(organisation, trade), True
        )
        self.months[made.id] = month
        return made


def existing() -> Programme | None:
    return db.session.scalar(select(Programme).where(Programme.name == PROGRAMME))


def found_union(admin: Actor, rules_dir: Path) -> Union:
    """The organisations, the programme, the union office's account and the judges' pool."""
    city = organisations.create_organisation(admin, CITY, "city")
    orgs = {CITY: city}
    for county in REGION_CODES:
        orgs[f"{county}总工会"] = organisations.create_organisation(
            admin, f"{county}总工会", "county", parent_id=city.id, district=county
        )
    for name, (county, _unit) in ENTERPRISES.items():
        parent = orgs[f"{county}总工会"].id
        orgs[name] = organisations.create_organisation(
            admin, name, "enterprise", parent_id=parent, district=county
        )
    programme = programmes.create_programme(
        admin, PROGRAMME, 2026, city.id, series=SERIES, budget=BUDGET
    )
    if db.session.scalar(select(User.id).where(User.username == UNION[0])) is None:
        users.create_user(
            admin, *UNION, display_name="市总工会劳动和经济工作部", organisation_id=city.id
        )
    judges: dict[str, list[Person]] = {}
    for name, unit, expertise in POOL:
        judges.setdefault(expertise, []).append(pool.add_person(admin, name, unit, expertise))
    pool.add_person(admin, *CONFLICTED)
    # a declared conflict to see on the pool's page: 叶明远 judges no contest of the demo
    (cnc_judge,) = [p for p in judges["数控铣"] if p.name == "叶明远"]
    pool.declare(admin, cnc_judge.id, "其子在延长油田从事数控加工", unit="延长油田")
    return Union(admin, rules_dir, programme.id, orgs, judges)


# --- the orchard chain: county rounds of the final's own orchards -----------------------------


def orchard_rounds(
    union: Union,
    final: Contest,
    sheets: Sequence[dict[str, object]],
    measured: dict[str, dict[str, str]],
) -> None:
    """Each county's round of the final's orchards of that county, declared a qualifier of
    the final (its top 3) and published while the final still takes entrants: the winners,
    the same people as on the final's list, are stamped with where they qualified."""
    for number, county in enumerate(ORCHARD_CHAIN):
        rows = [row for row in sheets if row["县（市、区）"] == county]
        contest = union.contest(
            f"{county} 2026 苹果亩均效益竞赛", f"{county}总工会", "果业", ORCHARD, 6 + number % 2
        )
        import_sheet(union.admin, contest, sheet(rows), f"{county}.xlsx")
        qualifiers.declare(union.admin, final.events[0].id, contest.events[0].id, TO_FINAL, None)
        panel = seat_panel(union.admin, contest, ORCHARD, _rotated(union.pool["果业"], number))
        values = [
            MarkInput(str(row["编号"]), criterion, value)
            for row in rows
            for criterion, value in measured[str(row["编号"])].items()
        ]
        score_orchards(union.admin, contest, panel, values, seed=300 + number)
        publish(union.admin, contest, panel)


def _rotated(judges: list[Person], by: int) -> list[Person]:
    by %= len(judges)
    return judges[by:] + judges[:by]


# --- the welding chain ------------------------------------------------------------------------


def welding_chain(union: Union, final: Contest) -> None:
    """Enterprise rounds → county rounds → the city final, each carried on publication."""
    rounds = {}
    for number, (county, (sources, own_unit)) in enumerate(WELDING_CHAIN.items()):
        county_round = union.contest(
            f"{county} 2026 职工焊工技能竞赛", f"{county}总工会", "焊工", WELDING, 7
        )
        _register(union, county_round, own_unit, county, 12, "C")
        qualifiers.declare(
            union.admin, final.events[0].id, county_round.events[0].id, TO_FINAL, None
        )
        for source in sources:
            _, unit = ENTERPRISES[source]
            round_ = union.contest(
                f"{source} 2026 焊工技能比武", source, "焊工", WELDING, 4 + number % 2
            )
            _register(union, round_, unit, county, 24, "W")
            qualifiers.declare(
                union.admin, county_round.events[0].id, round_.events[0].id, CARRIED, None
            )
            _run_welding(union, round_, number)
        rounds[county] = county_round
    for number, county_round in enumerate(rounds.values()):
        _run_welding(union, county_round, 10 + number)


def _register(
    union: Union, contest: Contest, unit: str, county: str, count: int, prefix: str
) -> None:
    names = union.registry.new_names(count)
    rows = [
        {
            "编号": f"{prefix}{index:02d}",
            "姓名": name,
            "工作单位": unit,
            "职工身份": "否" if index % 11 == 0 else "是",
            "身份证号": union.registry.id_of(name, unit, county),
        }
        for index, name in enumerate(names, start=1)
    ]
    import_sheet(union.admin, contest, sheet(rows), "报名表.xlsx")


def _run_welding(union: Union, contest: Contest, number: int) -> None:
    panel = seat_panel(union.admin, contest, WELDING, _rotated(union.pool["焊工"], number))
    score_welding(union.admin, contest, panel, seed=100 + contest.id)
    publish(union.admin, contest, panel)


# --- the rest of the year ---------------------------------------------------------------------


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
        panel = seat_panel(union.admin, contest, WELDING, _rotated(union.pool["焊工"], number))
        score_welding(union.admin, contest, panel, seed=500 + number)
    else:
        panel = seat_panel(union.admin, contest, ORCHARD, _rotated(union.pool["果业"], number))
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


# --- the final touches ------------------------------------------------------------------------


def place_live_contests(union: Union, orchard: Contest, welding: Contest) -> None:
    """The two live contests are the city's, in the programme."""
    for contest, trade, month in ((orchard, "果业", 10), (welding, "焊工", 11)):
        programmes.place_contest(
            union.admin,
            contest.id,
            programme_id=union.programme_id,
            organisation_id=union.orgs[CITY].id,
            trade=trade,
        )
        union.months[contest.id] = month


def add_conflicted_judge(union: Union, welding: Contest) -> None:
    """高志远 of 延长油田 judges the final, not yet assigned: assigning him is refused."""
    person = db.session.scalar(select(Person).where(Person.name == CONFLICTED[0]))
    assert person is not None
    pool.add_to_contest(union.admin, welding.id, person.id)


def _date_contests(months: dict[int, int]) -> None:
    """Each contest began in its month of 2026, and was published three weeks later."""
    zone = timezone(timedelta(hours=8))
    for contest_id, month in months.items():
        began = datetime(2026, month, 3 + contest_id % 20, 9, tzinfo=zone).astimezone(UTC)
        db.session.execute(update(Contest).where(Contest.id == contest_id).values(created_at=began))
        db.session.execute(
            update(Publication)
            .where(Publication.contest_id == contest_id)
            .values(published_at=began + timedelta(days=21))
        )
    db.session.commit()


def build(union: Union, orchard: Contest, welding: Contest) -> None:
    """Everything but the orchard chain (built while the orchard final takes entrants)."""
    welding_chain(union, welding)
    other_contests(union)
    place_live_contests(union, orchard, welding)
    add_conflicted_judge(union, welding)
    _date_contests(union.months)


# --- what the printout names ------------------------------------------------------------------


@dataclass(frozen=True)
class ProgrammeReport:
    dashboard_url: str
    record_url: str
    worker: str
    county_round: str  # the county round they won, whose certificates are printed
    certificates_url: str
    conflicted_judge: str
    final: str


def describe(base_url: str, welding_final: Contest) -> ProgrammeReport | None:
    """The programme's dashboard, the record of the worker with the most contests, the
    certificates of the county round they won, and the judge whose assignment is refused."""
    programme = existing()
    if programme is None:
        return None
    person = star(welding_final)
    county_round = _county_round_of(person) if person is not None else None
    won = db.session.get(Contest, county_round) if county_round else None
    return ProgrammeReport(
        dashboard_url=f"{base_url}/console/programmes/{programme.id}/dashboard",
        record_url=f"{base_url}/people/{public_token(person.id)}" if person else "",
        worker=person.name if person else "",
        county_round=won.name if won else "",
        certificates_url=(
            f"{base_url}/console/contests/{county_round}/results/certificates"
            if county_round
            else ""
        ),
        conflicted_judge=CONFLICTED[0],
        final=welding_final.name,
    )


def star(welding_final: Contest) -> Person | None:
    """The welder who won a county round and is in the city final, through an enterprise
    round before it: the one with the most lines on their record."""
    lines = func.count(Entrant.id)
    winners = select(Entrant.person_id).where(
        Entrant.event_id == welding_final.events[0].id,
        Entrant.qualified_rank == 1,
        Entrant.person_id.is_not(None),
    )
    row = db.session.execute(
        select(Entrant.person_id, lines)
        .where(Entrant.person_id.in_(winners))
        .group_by(Entrant.person_id)
        .order_by(lines.desc(), Entrant.person_id)
        .limit(1)
    ).first()
    return db.session.get(Person, row[0]) if row is not None else None


def _county_round_of(person: Person) -> int | None:
    query = (
        select(Contest.id)
        .join(Event, Event.contest_id == Contest.id)
        .join(Entrant, Entrant.event_id == Event.id)
        .join(Organisation, Organisation.id == Contest.organisation_id)
        .where(Entrant.person_id == person.id, Organisation.level == "county")
    )
    return db.session.scalar(query.limit(1))


def conflicted_judge_of(contest: Contest) -> Judge | None:
    return db.session.scalar(
        select(Judge).where(Judge.contest_id == contest.id, Judge.name == CONFLICTED[0])
    )
