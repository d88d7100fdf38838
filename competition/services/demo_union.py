"""The demo programme's union: its organisations at three levels (延安市总工会, the 13
county and district unions, ten enterprise unions), the programme of the year with its
budget, the union office's account and the judges' pool; and :class:`Union`, what the
rest of the demo builds on."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from competition.extensions import db
from competition.models import Contest, Organisation, Person, Programme, User
from competition.services import organisations, pool, programmes, users
from competition.services.authority import Actor
from competition.services.demo_people import REGION_CODES, Registry
from competition.services.demo_rounds import Placed, create

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


def rotated(judges: list[Person], by: int) -> list[Person]:
    by %= len(judges)
    return judges[by:] + judges[:by]
