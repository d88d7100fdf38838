"""Demo contests for `make run`: the 2026 Yan'an apple-orchard per-mu benefit championship
(120 orchards, measured data entered, every inspection mark given but the last three
orchards' from one expert) and a welding
contest of 40 workers, with their judges and an organiser account.

Everything goes through the same services as real use: accounts, contests from the shipped
rule files, entrants imported from a sheet, judges with their assignments, marks recorded
a sheet at a time (each checked as a tablet's is). Running it again changes nothing but
the judges' links, which are reissued.

With ``programme=True`` (`competition demo`) both contests become the city's, in the union's
programme of the year (:mod:`competition.services.demo_programme`): 30-odd contests at
three levels, the qualifier chains into both finals, about 2,000 people and a judges' pool.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import select

from competition.extensions import db
from competition.models import Contest, User
from competition.rules.messages import N_
from competition.services import (
    assignments,
    contests,
    demo_people,
    demo_union,
    entrants,
    judges,
    lifecycle,
    marks,
    scoring,
    users,
)
from competition.services import demo_programme as union_programme
from competition.services.authority import SYSTEM, Actor
from competition.services.contests import RuleSource
from competition.services.demo_people import REGION_CODES, id_number
from competition.services.marks import MarkInput

UNINSPECTED = 3  # orchards the third expert has still to mark in the demo
ORCHARD_CONTEST = "2026 延安市苹果亩均效益冠军园竞赛"
WELDING_CONTEST = "2026 市职工职业技能大赛 · 焊工"
ADMIN = ("admin", "demo-admin-2026")
ORGANISER = ("organiser", "demo-organiser-2026")
CHIEF_JUDGE = ("chief", "demo-chief-2026")  # 裁判长 of both demo contests: locks the results
COUNTIES = list(REGION_CODES)  # 延安's thirteen counties and districts
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = [
    "建军",
    "海龙",
    "秀英",
    "志强",
    "红梅",
    "宝平",
    "军",
    "立新",
    "延平",
    "小燕",
    "国庆",
    "文华",
    "春生",
    "玉兰",
    "向东",
    "治国",
]
VARIETIES = ["富士", "延长红", "瑞阳", "秦脆", "嘎啦", "维纳斯黄金"]
INSPECTION = [
    ("canopy_pruning", 10),
    ("soil_fertiliser_water", 10),
    ("pest_control_green", 5),
    ("records_traceability", 5),
]
UNITS = ["延安石化", "延长油田", "陕建八建", "延安职业技术学院", "延安热电"]


@dataclass
class DemoReport:
    accounts: list[tuple[str, str, str]] = field(default_factory=list)  # user, password, role
    contests: list[str] = field(default_factory=list)
    judge_links: list[tuple[str, str, str]] = field(default_factory=list)  # contest, judge, url
    live_boards: list[tuple[str, str]] = field(default_factory=list)  # contest, url
    programme: union_programme.ProgrammeReport | None = None


# called with the orchard final and its orchards' sheet rows and measured values, while the
# final still takes entrants
OrchardHook = Callable[[Contest, list[dict[str, object]], dict[str, dict[str, str]]], None]


def load_demo(rules_dir: Path, base_url: str, *, programme: bool = False) -> DemoReport:
    """Create the demo once; on every run print fresh judge links. ``programme``: the two
    contests in the union's programme of the year, with everything around them."""
    report = DemoReport(
        accounts=[
            (*ADMIN, N_("admin: creates contests and accounts, may take every step")),
            (*ORGANISER, N_("organiser of both contests: closes scoring, publishes")),
            (*CHIEF_JUDGE, N_("chief judge of both contests: locks the results")),
        ]
    )
    admin, organiser, chief = _accounts()
    union = None
    if programme:
        report.accounts.append(
            (*demo_union.UNION, N_("the union office (市总工会): the programme dashboard"))
        )
        if demo_union.existing() is None:
            union = demo_union.found_union(admin, rules_dir)
    found: dict[str, Contest] = {}
    for name, build in ((ORCHARD_CONTEST, _orchards), (WELDING_CONTEST, _welding)):
        contest = db.session.scalar(select(Contest).where(Contest.name == name))
        if contest is None:
            hook = _orchard_rounds(union) if union is not None else None
            contest = build(admin, organiser, rules_dir, hook)
        found[name] = contest
    if union is not None:
        union_programme.build(union, found[ORCHARD_CONTEST], found[WELDING_CONTEST])
    for contest in found.values():
        if chief.id not in {r.user_id for r in users.contest_roles(contest.id)}:
            users.grant_role(admin, chief.id or 0, contest.id, "chief_judge")
        report.contests.append(contest.name)
        report.live_boards.append((contest.name, f"{base_url}/live/{contest.id}"))
        for judge, token in judges.reissue_all(organiser, contest.id):
            report.judge_links.append((contest.name, judge.name, judges.login_url(base_url, token)))
    if programme:
        report.programme = union_programme.describe(base_url, found[WELDING_CONTEST])
    return report


def _orchard_rounds(union: demo_union.Union) -> OrchardHook:
    return lambda final, rows, measured: union_programme.orchard_rounds(
        union, final, rows, measured
    )


def _accounts() -> tuple[Actor, Actor, Actor]:
    found = {u.username: u for u in db.session.scalars(select(User))}
    admin_user = found.get(ADMIN[0]) or users.create_user(
        SYSTEM, *ADMIN, display_name="管理员", is_admin=True
    )
    admin = Actor.of_user(admin_user)
    organiser_user = found.get(ORGANISER[0]) or users.create_user(
        admin, *ORGANISER, display_name="市总工会竞赛组委会"
    )
    chief_user = found.get(CHIEF_JUDGE[0]) or users.create_user(
        admin, *CHIEF_JUDGE, display_name="王建国"
    )
    return admin, Actor.of_user(organiser_user), Actor.of_user(chief_user)


def _orchards(
    admin: Actor, organiser: Actor, rules_dir: Path, before_scoring: OrchardHook | None
) -> Contest:
    rng = random.Random(2026)
    path = rules_dir / "apple_orchard_per_mu_benefit.yaml"
    contest = contests.create_contest(
        admin,
        ORCHARD_CONTEST,
        [("亩均效益", RuleSource(path.name, path.read_text("utf-8")))],
        organisers=[organiser.id or 0],
    )
    event = contest.events[0]
    lifecycle.advance(organiser, contest.id, "open_registration")
    orchards = list(_orchard_rows(rng, 120))
    entrants.import_entrants(
        organiser, event.id, demo_people.sheet([o.sheet for o in orchards]), "orchards.xlsx"
    )
    experts = [
        judges.create_judge(organiser, contest.id, name, unit=unit)[0]
        for name, unit in (
            ("王志刚", "延安市果业中心"),
            ("李秀兰", "西北农林科技大学"),
            ("张建华", "洛川苹果研究所"),
        )
    ]
    for expert in experts:
        assignments.assign_panel(organiser, expert.id, event.id, "inspection")
    measured = [
        MarkInput(orchard.code, criterion, value)
        for orchard in orchards
        for criterion, value in orchard.measured.items()
    ]
    marks.record_marks(organiser, event.id, measured)
    if before_scoring is not None:
        before_scoring(contest, [o.sheet for o in orchards], {o.code: o.measured for o in orchards})
    lifecycle.advance(organiser, contest.id, "open_scoring")
    # two experts have inspected every orchard and signed; the third still owes the last
    # UNINSPECTED orchards: open their link, mark them, and the board moves
    for number, expert in enumerate(experts):
        actor = Actor("judge", expert.id, expert.name)
        done = orchards if number < 2 else orchards[:-UNINSPECTED]
        sheet = [
            MarkInput(orchard.code, criterion, _inspection_mark(rng, orchard.quality, top))
            for orchard in done
            for criterion, top in INSPECTION
        ]
        marks.record_marks(actor, event.id, sheet)
        if number < 2:
            scoring.sign_sheet(actor, event.id)
    return contest


@dataclass
class _Orchard:
    code: str
    sheet: dict[str, object]
    measured: dict[str, str]
    quality: float


def _people(rng: random.Random, count: int) -> list[str]:
    """``count`` different Chinese names: two entrants of one name would read as one."""
    people: list[str] = []
    while len(people) < count:
        person = rng.choice(SURNAMES) + rng.choice(GIVEN)
        if person not in people:
            people.append(person)
    return people


def _orchard_rows(rng: random.Random, count: int) -> Iterator[_Orchard]:
    for index, person in enumerate(_people(rng, count), start=1):
        county = COUNTIES[(index - 1) % len(COUNTIES)]
        area = rng.choice([8, 10, 12, 15, 18, 20, 25, 30, 35, 40, 50, 60, 80])
        per_mu = rng.randint(2200, 4800)
        harvest = area * per_mu
        quality = rng.uniform(0.55, 0.95)
        code = f"YA{index:03d}"
        yield _Orchard(
            code=code,
            sheet={
                "编号": code,
                "名称": f"{county.rstrip('区县市')}{person}果园",
                "县（市、区）": county,
                "经营主体": f"{person}家庭农场",
                "主栽品种": rng.choice(VARIETIES),
                "联系电话": f"139{rng.randint(10_000_000, 99_999_999)}",
                # the operator's, for the duplicate check: the same orchard in a county
                # round is the same person
                "身份证号": id_number(
                    REGION_CODES[county], date(1962, 3, 1) + timedelta(days=97 * index), index
                ),
            },
            measured={
                "area_mu": str(area),
                "yield_kg": str(harvest),
                "revenue_yuan": str(round(harvest * rng.choice([4.8, 5.2, 5.6, 6.0, 6.4, 7.0]))),
                "cost_yuan": str(area * rng.randint(5200, 9800)),
                "premium_kg": str(round(harvest * min(0.92, quality * rng.uniform(0.8, 1.0)))),
                "commercial_kg": str(round(harvest * rng.uniform(0.84, 0.98))),
            },
            quality=quality,
        )


def _inspection_mark(rng: random.Random, quality: float, top: int) -> str:
    value = round((quality * top + rng.uniform(-1, 1)) * 2) / 2
    return f"{min(top, max(0, value)):g}"


def _welding(
    admin: Actor, organiser: Actor, rules_dir: Path, _hook: OrchardHook | None = None
) -> Contest:
    rng = random.Random(1955)
    path = rules_dir / "welding_skills.yaml"
    contest = contests.create_contest(
        admin,
        WELDING_CONTEST,
        [("焊工", RuleSource(path.name, path.read_text("utf-8")))],
        blind=True,
        organisers=[organiser.id or 0],
    )
    event = contest.events[0]
    lifecycle.advance(organiser, contest.id, "open_registration")
    workers = [
        {
            "编号": f"W{i:02d}",
            "姓名": person,
            "工作单位": UNITS[i % len(UNITS)],
            "职工身份": "否" if i % 9 == 0 else "是",
        }
        for i, person in enumerate(_people(rng, 40), start=1)
    ]
    entrants.import_entrants(organiser, event.id, demo_people.sheet(workers), "welders.xlsx")
    for name in ("赵国强", "钱文斌", "孙丽华", "周海军", "吴建平"):
        judge, _ = judges.create_judge(organiser, contest.id, name, unit="市质量技术监督局")
        assignments.assign(organiser, judge.id, event.id, "appearance")
    return contest
