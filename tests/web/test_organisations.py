"""The organisations and programmes pages, a contest's place on its dashboard and the
new-contest form, and an account's organisation: bad input says why and changes nothing
(on SQLite and PostgreSQL)."""

from __future__ import annotations

import shutil

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from competition.extensions import db
from competition.models import Contest, Organisation, Programme, User
from competition.services import contests, programmes
from tests.factories import REPOSITORY, make_admin, make_member, make_union, make_user, rule_source
from tests.web.test_console import sign_in


@pytest.fixture
def client(db_app: Flask) -> FlaskClient:
    return db_app.test_client()


def count(model: type) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def test_the_admin_builds_the_tree_on_its_page(client: FlaskClient) -> None:
    make_admin()
    sign_in(client, "admin")
    client.post("/console/organisations", data={"name": "延安市总工会", "level": "city"})
    city = db.session.scalars(select(Organisation)).one()
    added = client.post(
        "/console/organisations?lang=en",
        data={
            "name": "宝塔区总工会",
            "level": "county",
            "parent": str(city.id),
            "district": "宝塔区",
        },
        follow_redirects=True,
    )
    assert "Organisation added." in added.text
    page = client.get("/console/organisations?lang=en")
    assert page.text.index("延安市总工会") < page.text.index("宝塔区总工会")
    assert "County / district" in page.text and "City" in page.text


@pytest.mark.parametrize(
    ("data", "says"),
    [
        ({"name": "安塞区总工会", "level": "county"}, "sits under the city union"),
        ({"name": "", "level": "city"}, "Give the organisation a name"),
        ({"name": "某工会", "level": "nation"}, "choose the level"),
        ({"name": "某工会", "level": "county", "parent": "abc"}, "sits under the city union"),
    ],
)
def test_a_bad_organisation_says_why_and_adds_nothing(
    client: FlaskClient, data: dict[str, str], says: str
) -> None:
    make_admin()
    sign_in(client, "admin")
    page = client.post("/console/organisations?lang=en", data=data)
    assert page.status_code == 400 and says in page.text
    assert count(Organisation) == 0


def test_only_the_admin_opens_the_organisations(client: FlaskClient) -> None:
    admin = make_admin()
    ids = make_union(admin)
    make_member(admin, "city_office", ids["city"])
    sign_in(client, "city_office")
    assert client.get("/console/organisations").status_code == 403
    assert (
        client.post("/console/organisations", data={"name": "x", "level": "city"}).status_code
        == 403
    )
    assert count(Organisation) == 4


def test_a_countys_account_adds_and_lists_its_programmes(client: FlaskClient) -> None:
    admin = make_admin()
    ids = make_union(admin)
    programmes.create_programme(admin, "安塞区竞赛", 2026, ids["ansai"])
    make_member(admin, "baota_office", ids["baota"])
    sign_in(client, "baota_office")
    form = client.get("/console/programmes?lang=en")
    assert "宝塔石化工会" in form.text and "安塞区总工会" not in form.text
    client.post(
        "/console/programmes",
        data={
            "name": "宝塔区劳动竞赛",
            "year": "2026",
            "series": "建功十四五",
            "budget": "50,000",
            "organisation": str(ids["baota"]),
        },
    )
    page = client.get("/console/programmes?lang=en")
    assert "宝塔区劳动竞赛" in page.text and "50,000.00" in page.text
    assert "安塞区竞赛" not in page.text


@pytest.mark.parametrize(
    ("data", "says"),
    [
        ({"name": "竞赛", "year": "2026", "budget": "五万"}, "an amount in yuan"),
        ({"name": "竞赛", "year": "1800"}, "between 2000 and 2100"),
        ({"name": "竞赛", "year": "明年"}, "Give the programme a name and a year"),
        ({"name": "竞赛", "year": "2026", "owner": "ansai"}, "may add its programmes"),
        ({"name": "竞赛", "year": "2026", "owner": ""}, "choose the organisation"),
    ],
)
def test_a_bad_programme_says_why_and_adds_nothing(
    client: FlaskClient, data: dict[str, str], says: str
) -> None:
    admin = make_admin()
    ids = make_union(admin)
    make_member(admin, "baota_office", ids["baota"])
    sign_in(client, "baota_office")
    data = dict(data)
    owner = data.pop("owner", "baota")
    data["organisation"] = str(ids[owner]) if owner else ""
    page = client.post("/console/programmes?lang=en", data=data)
    assert page.status_code == 400 and says in page.text
    assert count(Programme) == 0


def test_an_account_without_an_organisation_has_no_programmes_page(client: FlaskClient) -> None:
    admin = make_admin()
    make_user(admin, "someone")
    sign_in(client, "someone")
    assert client.get("/console/programmes").status_code == 403


def test_a_new_contest_starts_in_a_programme_under_its_organisation(
    client: FlaskClient, rules_dir: object
) -> None:
    shutil.copy(REPOSITORY / "scoring_rules" / "welding_skills.yaml", str(rules_dir))
    admin = make_admin()
    ids = make_union(admin)
    programme = programmes.create_programme(admin, "十百千万", 2026, ids["city"])
    sign_in(client, "admin")
    form = client.get("/console/contests/new?lang=en")
    assert "十百千万 (2026)" in form.text and "宝塔石化工会" in form.text
    created = client.post(
        "/console/contests/new",
        data={
            "name": "石化焊工初赛",
            "event": "焊工",
            "rule_file": "welding_skills.yaml",
            "programme": str(programme.id),
            "organisation": str(ids["works"]),
            "trade": "焊工",
        },
    )
    assert created.status_code == 302
    contest = db.session.scalars(select(Contest)).one()
    assert (contest.programme_id, contest.organisation_id, contest.trade) == (
        programme.id,
        ids["works"],
        "焊工",
    )
    dashboard = client.get(created.headers["Location"] + "?lang=en")
    assert "十百千万" in dashboard.text and "宝塔石化工会" in dashboard.text
    assert "Enterprise" in dashboard.text


def test_a_new_contest_in_a_programme_without_an_organisation_is_refused(
    client: FlaskClient, rules_dir: object
) -> None:
    shutil.copy(REPOSITORY / "scoring_rules" / "welding_skills.yaml", str(rules_dir))
    admin = make_admin()
    ids = make_union(admin)
    programme = programmes.create_programme(admin, "十百千万", 2026, ids["city"])
    sign_in(client, "admin")
    page = client.post(
        "/console/contests/new?lang=en",
        data={
            "name": "无主",
            "event": "焊工",
            "rule_file": "welding_skills.yaml",
            "programme": str(programme.id),
        },
    )
    assert page.status_code == 200 and "needs the organisation that runs it" in page.text
    assert count(Contest) == 0


def test_the_countys_account_moves_its_contest_on_the_dashboard(client: FlaskClient) -> None:
    admin = make_admin()
    ids = make_union(admin)
    contest = contests.create_contest(
        admin, "宝塔区焊工决赛", [("焊工", rule_source())], organisation_id=ids["baota"]
    )
    make_member(admin, "baota_office", ids["baota"])
    sign_in(client, "baota_office")
    dashboard = client.get(f"/console/contests/{contest.id}?lang=en")
    assert 'id="placement-form"' in dashboard.text and "County / district" in dashboard.text
    moved = client.post(
        f"/console/contests/{contest.id}/placement?lang=en",
        data={"organisation": str(ids["works"]), "trade": "电工"},
        follow_redirects=True,
    )
    assert "Programme, organisation and trade saved." in moved.text
    refused = client.post(
        f"/console/contests/{contest.id}/placement?lang=en",
        data={"organisation": str(ids["ansai"]), "trade": "焊工"},
        follow_redirects=True,
    )
    assert refused.status_code == 200 and "may run a contest under it" in refused.text
    emptied = client.post(
        f"/console/contests/{contest.id}/placement?lang=en",
        data={"organisation": "", "trade": ""},
        follow_redirects=True,
    )
    assert "choose the organisation that runs the contest" in emptied.text
    db.session.expire_all()
    moved_contest = db.session.get(Contest, contest.id)
    assert (moved_contest.organisation_id, moved_contest.trade) == (ids["works"], "电工")


def test_a_sibling_countys_account_cannot_move_the_contest(client: FlaskClient) -> None:
    admin = make_admin()
    ids = make_union(admin)
    contest = contests.create_contest(
        admin, "宝塔区焊工决赛", [("焊工", rule_source())], organisation_id=ids["baota"]
    )
    make_member(admin, "ansai_office", ids["ansai"])
    sign_in(client, "ansai_office")
    assert client.get(f"/console/contests/{contest.id}").status_code == 403
    response = client.post(
        f"/console/contests/{contest.id}/placement", data={"organisation": str(ids["ansai"])}
    )
    assert response.status_code == 403
    assert db.session.get(Contest, contest.id).organisation_id == ids["baota"]


def test_an_account_is_created_in_an_organisation(client: FlaskClient) -> None:
    admin = make_admin()
    ids = make_union(admin)
    sign_in(client, "admin")
    client.post(
        "/console/users",
        data={
            "username": "works_office",
            "password": "correct horse battery",
            "organisation": str(ids["works"]),
        },
    )
    user = db.session.scalars(select(User).where(User.username == "works_office")).one()
    assert user.organisation_id == ids["works"]
    page = client.get("/console/users?lang=en")
    assert "宝塔石化工会" in page.text
    refused = client.post(
        "/console/users?lang=en",
        data={"username": "ghost", "password": "correct horse battery", "organisation": "9999"},
    )
    assert "no such organisation" in refused.text
    assert db.session.scalar(select(User.id).where(User.username == "ghost")) is None
