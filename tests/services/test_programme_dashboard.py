"""The programme dashboard's figures: counts by status, level, trade and district, entrants
and people, and prize money against the budgets, read from what was published."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from io import BytesIO

import pytest
from flask import Flask
from openpyxl import load_workbook  # type: ignore[import-untyped]

from competition.extensions import db
from competition.models import Contest, Entrant, Organisation, Person, Programme, Publication
from competition.services import programme_charts, programme_dashboard
from competition.services.authority import Actor, Refused
from competition.services.programme_workbook import dashboard_xlsx_bytes
from tests.factories import make_admin, make_contest, make_user
from tests.scenes import orchard_contest, publish


@dataclass
class City:
    admin: Actor
    programme: Programme
    city: Organisation
    county: Organisation
    enterprise: Organisation
    orchards: int  # the published contest


def organisations() -> tuple[Organisation, Organisation, Organisation]:
    city = Organisation(name="延安市总工会", level="city")
    db.session.add(city)
    db.session.flush()
    county = Organisation(name="宝塔区总工会", level="county", parent_id=city.id, district="宝塔区")
    db.session.add(county)
    db.session.flush()
    enterprise = Organisation(
        name="延长石油工会", level="enterprise", parent_id=county.id, district="宝塔区"
    )
    db.session.add(enterprise)
    db.session.flush()
    return city, county, enterprise


def build_city(admin: Actor | None = None) -> City:
    """A programme of three contests: the city's welding contest and a county's one still
    in draft, and an enterprise's orchard contest published; another programme's contest."""
    admin = admin or make_admin()
    city, county, enterprise = organisations()
    programme = Programme(
        name="建功十四五", year=2026, budget=Decimal("5000000.00"), organisation_id=city.id
    )
    other = Programme(name="其他", year=2025, organisation_id=city.id)
    db.session.add_all([programme, other])
    db.session.commit()
    welding = make_contest(admin, "市焊工大赛")
    county_welding = make_contest(admin, "宝塔区焊工赛")
    stray = make_contest(admin, "别的项目")
    scene = orchard_contest(admin, count=4)
    for contest, owner, trade, of in (
        (welding, city, "焊工", programme),
        (county_welding, county, "焊工", programme),
        (db.session.get(Contest, scene.contest_id), enterprise, "果业", programme),
        (stray, county, "电工", other),
    ):
        assert contest is not None
        contest.programme_id, contest.organisation_id, contest.trade = of.id, owner.id, trade
    person = Person(name="张三", unit="延长石油")
    db.session.add(person)
    db.session.flush()
    for i, code in enumerate(("W001", "W002")):
        db.session.add(
            Entrant(event_id=welding.events[0].id, code=code, name=f"焊工{i}", person_id=person.id)
        )
    db.session.add(Entrant(event_id=county_welding.events[0].id, code="B001", name="焊工甲"))
    db.session.commit()
    publish(scene)
    return City(admin, programme, city, county, enterprise, scene.contest_id)


def test_contests_are_counted_by_status_level_trade_and_district(db_app: Flask) -> None:
    city = build_city()
    dashboard = programme_dashboard.programme_dashboard(city.admin, city.programme.id)
    assert dashboard.contest_count == 3  # the other programme's contest is not counted
    assert dashboard.by_status == {"draft": 2, "published": 1}
    assert dashboard.by_level == {"city": 1, "county": 1, "enterprise": 1}
    assert dashboard.by_trade == {"焊工": 2, "果业": 1}
    assert dashboard.by_district == {"宝塔区": 2, "": 1}  # the city union has no district
    assert dashboard.entrants == 3 + 4
    assert dashboard.people == 1  # the same worker twice is one person


def test_prize_money_is_exact_against_each_budget_and_the_programme(db_app: Flask) -> None:
    city = build_city()
    dashboard = programme_dashboard.programme_dashboard(city.admin, city.programme.id)
    orchards = next(c for c in dashboard.contests.rows if c.id == city.orchards)
    welding = next(c for c in dashboard.contests.rows if c.name == "市焊工大赛")
    assert dashboard.awards == {"一等奖": 3, "二等奖": 1, "三等奖": 0}
    assert orchards.prize == Decimal("70000") and orchards.budget == Decimal("150000")
    assert welding.prize == Decimal(0) and welding.budget == Decimal("60000")  # its rule file
    assert dashboard.prize_total == Decimal("70000")
    assert dashboard.contest_budgets == Decimal("270000")  # 150,000 + 60,000 twice
    assert dashboard.budget == Decimal("5000000.00")
    assert dashboard.left == Decimal("4930000.00")
    assert not dashboard.over_budget


def test_a_published_contest_is_read_from_its_snapshot_not_recomputed(db_app: Flask) -> None:
    city = build_city()
    publication = db.session.query(Publication).filter_by(contest_id=city.orchards).one()
    document = dict(publication.document)
    events = [dict(e) for e in document["events"]]
    events[0]["awards"] = dict(events[0]["awards"], prize_total="160000.5", budget="150000")
    publication.document = {**document, "events": events}
    db.session.commit()
    dashboard = programme_dashboard.programme_dashboard(city.admin, city.programme.id)
    orchards = next(c for c in dashboard.contests.rows if c.id == city.orchards)
    assert orchards.prize == Decimal("160000.5")
    assert orchards.over_budget


def test_the_year_adds_up_every_programme_of_it(db_app: Flask) -> None:
    city = build_city()
    second = Programme(name="工匠", year=2026, budget=Decimal("0.10"), organisation_id=city.city.id)
    db.session.add(second)
    db.session.commit()
    dashboard = programme_dashboard.year_dashboard(city.admin, 2026)
    assert [p.name for p in dashboard.programmes] == ["工匠", "建功十四五"]
    assert dashboard.budget == Decimal("5000000.10")
    with pytest.raises(Refused):
        programme_dashboard.year_dashboard(city.admin, 1999)


def test_only_the_organisation_and_those_above_see_a_programme(db_app: Flask) -> None:
    city = build_city()
    county_programme = Programme(name="区项目", year=2026, organisation_id=city.county.id)
    db.session.add(county_programme)
    db.session.commit()
    ours, below, stranger = (make_user(city.admin, n) for n in ("city", "firm", "none"))
    for actor, organisation in ((ours, city.city), (below, city.enterprise)):
        user = db.session.get(programme_dashboard.User, actor.id)
        assert user is not None
        user.organisation_id = organisation.id
    db.session.commit()
    assert programme_dashboard.may_view(ours, county_programme)
    assert not programme_dashboard.may_view(below, county_programme)
    assert not programme_dashboard.may_view(stranger, county_programme)
    with pytest.raises(Refused) as refused:
        programme_dashboard.programme_dashboard(below, city.programme.id)
    assert refused.value.code == "forbidden"
    with pytest.raises(Refused) as missing:
        programme_dashboard.programme_dashboard(ours, 9999)
    assert missing.value.code == "not_found"


def test_charts_and_workbook_show_the_figures(db_app: Flask) -> None:
    city = build_city()
    dashboard = programme_dashboard.programme_dashboard(city.admin, city.programme.id, page=None)
    month, district, trade = programme_charts.dashboard_charts(dashboard, "en")
    assert "Contests by month" in month and "Contests published" in month
    assert "宝塔区 · Contests: 2" in district
    assert "焊工 · Contests: 2" in trade and "<script" not in trade
    book = load_workbook(BytesIO(dashboard_xlsx_bytes(dashboard, "en")))
    assert book.sheetnames == ["Summary", "Contests", "By district", "By trade", "By month"]
    summary = {row[0]: row[1] for row in book["Summary"].iter_rows(values_only=True)}
    assert summary["Prize money awarded (yuan)"] == 70000
    assert summary["Programme budget (yuan)"] == 5000000
    contests = list(book["Contests"].iter_rows(values_only=True))
    assert len(contests) == 4 and contests[0][0] == "Contest"
    assert list(book["By trade"].iter_rows(values_only=True))[1:] == [("焊工", 2), ("果业", 1)]
