"""Organisations by level, programmes, where a contest belongs, and who sees what: an
account of an organisation organises its contests and those below it, never a sibling's
or a parent's (on SQLite and PostgreSQL)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from flask import Flask
from sqlalchemy import func, select

from competition.extensions import db
from competition.models import AuditEntry, Contest, Organisation, Programme
from competition.services import contests, organisations, programmes
from competition.services.authority import Actor, Refused, require_role, roles_in
from tests.factories import (
    make_admin,
    make_contest,
    make_member,
    make_union,
    make_user,
    rule_source,
)


def contest_of(admin: Actor, name: str, organisation_id: int) -> Contest:
    return contests.create_contest(
        admin, name, [("焊工", rule_source())], organisation_id=organisation_id, trade="焊工"
    )


def test_the_tree_reads_top_down_with_its_levels(db_app: Flask) -> None:
    admin = make_admin()
    make_union(admin)
    tree = [(b.organisation.name, b.organisation.level, b.depth) for b in organisations.tree()]
    assert tree == [
        ("延安市总工会", "city", 0),
        ("安塞区总工会", "county", 1),
        ("宝塔区总工会", "county", 1),
        ("宝塔石化工会", "enterprise", 2),
    ]
    created = db.session.scalars(
        select(AuditEntry.action).where(AuditEntry.subject.like("organisation:%"))
    )
    assert list(created) == ["organisation.create"] * 4


@pytest.mark.parametrize(
    ("level", "parent", "says"),
    [
        ("county", None, "sits under the city union"),
        ("county", "baota", "not under '宝塔区总工会'"),
        ("county", "works", "not under '宝塔石化工会'"),
        ("enterprise", None, "under a county or the city union"),
        ("enterprise", "works", "not under '宝塔石化工会'"),
        ("city", "city", "it has no parent"),
        ("district", "city", "choose the level"),
    ],
)
def test_an_organisation_out_of_place_is_refused(
    db_app: Flask, level: str, parent: str | None, says: str
) -> None:
    admin = make_admin()
    ids = make_union(admin)
    with pytest.raises(Refused) as refused:
        organisations.create_organisation(
            admin, "新工会", level, parent_id=ids[parent] if parent else None
        )
    assert says in refused.value.render("en")
    assert db.session.scalar(select(func.count()).select_from(Organisation)) == 4


def test_an_enterprise_may_sit_under_the_city_and_names_are_unique(db_app: Flask) -> None:
    admin = make_admin()
    ids = make_union(admin)
    direct = organisations.create_organisation(
        admin, "延安卷烟厂工会", "enterprise", parent_id=ids["city"]
    )
    assert direct.parent_id == ids["city"]
    with pytest.raises(Refused, match="already an organisation named"):
        organisations.create_organisation(admin, " 宝塔区总工会 ", "county", parent_id=ids["city"])


def test_only_an_admin_adds_an_organisation(db_app: Flask) -> None:
    admin = make_admin()
    ids = make_union(admin)
    member = make_member(admin, "city_office", ids["city"])
    with pytest.raises(Refused, match="only an admin can add an organisation"):
        organisations.create_organisation(member, "新工会", "county", parent_id=ids["city"])


def test_a_county_account_organises_the_enterprise_contest_below_it(db_app: Flask) -> None:
    admin = make_admin()
    ids = make_union(admin)
    county_final = contest_of(admin, "宝塔区焊工决赛", ids["baota"])
    works_round = contest_of(admin, "石化焊工初赛", ids["works"])
    sibling = contest_of(admin, "安塞区焊工赛", ids["ansai"])
    city_final = contest_of(admin, "全市焊工决赛", ids["city"])
    loose = make_contest(admin, name="无组织的竞赛")
    county = make_member(admin, "baota_office", ids["baota"])
    assert require_role(county, works_round.id, ["organiser"]) == "organiser"
    assert require_role(county, county_final.id, ["organiser"]) == "organiser"
    for refused in (sibling, city_final, loose):
        with pytest.raises(Refused, match="only the organiser of this contest"):
            require_role(county, refused.id, ["organiser"])
    assert {c.name for c in contests.visible_to(county)} == {"宝塔区焊工决赛", "石化焊工初赛"}


def test_an_enterprise_account_cannot_open_its_countys_contest(db_app: Flask) -> None:
    admin = make_admin()
    ids = make_union(admin)
    county_final = contest_of(admin, "宝塔区焊工决赛", ids["baota"])
    works_round = contest_of(admin, "石化焊工初赛", ids["works"])
    works = make_member(admin, "works_office", ids["works"])
    assert roles_in(works, county_final.id) == set()
    with pytest.raises(Refused):
        contests.get_for(works, county_final.id)
    assert contests.get_for(works, works_round.id)[1] == "organiser"
    assert [c.name for c in contests.visible_to(works)] == ["石化焊工初赛"]


def test_the_city_sees_every_contest_of_the_tree_and_a_role_still_counts(db_app: Flask) -> None:
    admin = make_admin()
    ids = make_union(admin)
    for name, org in (("宝塔区赛", "baota"), ("石化赛", "works"), ("安塞区赛", "ansai")):
        contest_of(admin, name, ids[org])
    city = make_member(admin, "city_office", ids["city"])
    assert len(contests.visible_to(city)) == 3
    works = make_member(admin, "works_office", ids["works"])
    judged = make_contest(admin, name="外单位邀请赛", organisers=(works.id or 0,))
    assert {c.name for c in contests.visible_to(works)} == {"石化赛", "外单位邀请赛"}
    assert "organiser" in roles_in(works, judged.id)
    plain = make_user(admin, "someone")
    assert contests.visible_to(plain) == []


def test_a_programme_is_added_by_an_account_of_its_owner(db_app: Flask) -> None:
    admin = make_admin()
    ids = make_union(admin)
    county = make_member(admin, "baota_office", ids["baota"])
    programme = programmes.create_programme(
        county, "宝塔区劳动竞赛", 2026, ids["baota"], series="建功十四五", budget="50,000"
    )
    assert programme.budget == Decimal("50000.00") and programme.series == "建功十四五"
    with pytest.raises(Refused, match="only an admin or an account of '延安市总工会'"):
        programmes.create_programme(county, "全市劳动竞赛", 2026, ids["city"])
    with pytest.raises(Refused, match="only an admin or an account of '安塞区总工会'"):
        programmes.create_programme(county, "安塞区劳动竞赛", 2026, ids["ansai"])
    assert [p.name for p in programmes.programmes_for(county)] == ["宝塔区劳动竞赛"]
    city_programme = programmes.create_programme(admin, "十百千万", 2026, ids["city"])
    assert {p.name for p in programmes.programmes_for(county)} == {"宝塔区劳动竞赛", "十百千万"}
    ansai = make_member(admin, "ansai_office", ids["ansai"])
    assert programmes.programmes_for(ansai) == [city_programme]


@pytest.mark.parametrize(
    ("year", "budget", "says"),
    [
        (1999, "", "between 2000 and 2100"),
        (None, "", "between 2000 and 2100"),
        (2026, "五万", "an amount in yuan"),
        (2026, "-1", "an amount in yuan"),
        (2026, "NaN", "an amount in yuan"),
        (2026, "1e20", "an amount in yuan"),
    ],
)
def test_a_programme_with_a_bad_year_or_budget_is_refused(
    db_app: Flask, year: int | None, budget: str, says: str
) -> None:
    admin = make_admin()
    ids = make_union(admin)
    with pytest.raises(Refused, match=says):
        programmes.create_programme(admin, "十百千万", year, ids["city"], budget=budget)
    assert db.session.scalar(select(func.count()).select_from(Programme)) == 0


def test_a_contest_joins_a_programme_of_its_organisation_or_above(db_app: Flask) -> None:
    admin = make_admin()
    ids = make_union(admin)
    city_programme = programmes.create_programme(admin, "十百千万", 2026, ids["city"])
    ansai_programme = programmes.create_programme(admin, "安塞区竞赛", 2026, ids["ansai"])
    contest = contests.create_contest(
        admin,
        "石化焊工初赛",
        [("焊工", rule_source())],
        programme_id=city_programme.id,
        organisation_id=ids["works"],
        trade="焊工",
    )
    assert (contest.programme_id, contest.organisation_id, contest.trade) == (
        city_programme.id,
        ids["works"],
        "焊工",
    )
    with pytest.raises(Refused, match="belongs to '安塞区总工会'"):
        programmes.place_contest(
            admin,
            contest.id,
            programme_id=ansai_programme.id,
            organisation_id=ids["works"],
            trade="焊工",
        )
    with pytest.raises(Refused, match="needs the organisation that runs it"):
        contests.create_contest(
            admin, "无主", [("焊工", rule_source())], programme_id=city_programme.id
        )
    assert db.session.scalar(select(func.count()).select_from(Contest)) == 1


def test_the_countys_account_moves_a_contest_within_its_tree_only(db_app: Flask) -> None:
    admin = make_admin()
    ids = make_union(admin)
    contest = contest_of(admin, "宝塔区焊工决赛", ids["baota"])
    county = make_member(admin, "baota_office", ids["baota"])
    moved = programmes.place_contest(
        county, contest.id, programme_id=None, organisation_id=ids["works"], trade="电工"
    )
    assert (moved.organisation_id, moved.trade) == (ids["works"], "电工")
    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "contest.placement")
    ).one()
    assert entry.before["organisation"] == "宝塔区总工会"
    assert entry.after == {"programme": None, "organisation": "宝塔石化工会", "trade": "电工"}
    with pytest.raises(Refused, match="or above it\\) may run a contest under it"):
        programmes.place_contest(
            county, contest.id, programme_id=None, organisation_id=ids["ansai"], trade=""
        )
    works = make_member(admin, "works_office", ids["works"])
    with pytest.raises(Refused, match="'延安市总工会' \\(or above it\\)"):
        programmes.place_contest(
            works, contest.id, programme_id=None, organisation_id=ids["city"], trade=""
        )
    assert db.session.get(Contest, contest.id).organisation_id == ids["works"]


def test_a_single_contests_organiser_cannot_move_it(db_app: Flask) -> None:
    admin = make_admin()
    ids = make_union(admin)
    organiser = make_user(admin, "organiser")
    contest = make_contest(admin, organisers=(organiser.id or 0,))
    with pytest.raises(Refused, match="account of the organisation that runs the contest"):
        programmes.place_contest(
            organiser, contest.id, programme_id=None, organisation_id=ids["city"], trade=""
        )
    assert db.session.get(Contest, contest.id).organisation_id is None


def test_an_account_belongs_to_an_existing_organisation(db_app: Flask) -> None:
    admin = make_admin()
    ids = make_union(admin)
    assert make_member(admin, "city_office", ids["city"]).organisation_id == ids["city"]
    with pytest.raises(Refused, match="no such organisation"):
        make_member(admin, "ghost", 9999)
