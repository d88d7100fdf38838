"""The console page that starts a contest from a past one: the chooser with both kinds of
source, the preview, errors on the page, the organisation's reach, and the new draft's
dashboard at the end (on SQLite and PostgreSQL)."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from competition.extensions import db
from competition.models import Contest, Judge
from competition.services import assignments, contests, pool
from competition.services.authority import Actor
from tests.factories import REPOSITORY, make_admin, make_member, make_union, rule_source
from tests.web.test_console import sign_in

PAGE = "/console/contests/from-template"


@pytest.fixture
def client(db_app: Flask, rules_dir: Path) -> FlaskClient:
    shipped = REPOSITORY / "scoring_rules" / "welding_skills.yaml"
    (rules_dir / "welding_skills.yaml").write_text(shipped.read_text(encoding="utf-8"))
    return db_app.test_client()


def baota_contest(admin: Actor, ids: dict[str, int]) -> Contest:
    contest = contests.create_contest(
        admin, "2025 宝塔区焊工竞赛", [("焊工", rule_source())], organisation_id=ids["baota"]
    )
    person = pool.add_person(admin, "赵裁判", "市一建", "焊接")
    judge, _token = pool.add_to_contest(admin, contest.id, person.id)
    assignments.assign_panel(admin, judge.id, contest.events[0].id, "appearance")
    return contest


def contest_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Contest)) or 0


def test_the_chooser_offers_past_contests_and_rule_files_with_a_preview(
    client: FlaskClient,
) -> None:
    admin = make_admin()
    source = baota_contest(admin, make_union(admin))
    sign_in(client, "admin")
    listing = client.get("/console/?lang=en")
    assert f'href="{PAGE}"' in listing.text
    dashboard = client.get(f"/console/contests/{source.id}?lang=en")
    assert f'href="{PAGE}?source={source.id}"' in dashboard.text
    page = client.get(f"{PAGE}?source={source.id}&lang=en")
    assert page.status_code == 200
    assert f'<option selected value="contest:{source.id}">' in page.text
    assert 'value="rules:welding_skills.yaml"' in page.text
    assert 'value="2025 宝塔区焊工竞赛"' in page.text  # the name to edit
    assert f'data-contest="{source.id}"' in page.text
    assert "一等奖" in page.text and "1 judges, 1 assignments" in page.text


def test_starting_from_a_past_contest_lands_on_the_new_draft(client: FlaskClient) -> None:
    admin = make_admin()
    source = baota_contest(admin, make_union(admin))
    sign_in(client, "admin")
    answer = client.post(
        f"{PAGE}?lang=en",
        data={"source": f"contest:{source.id}", "name": "2026 宝塔区焊工竞赛", "copy_judges": "y"},
    )
    new = db.session.scalars(select(Contest).where(Contest.name == "2026 宝塔区焊工竞赛")).one()
    assert answer.status_code == 302
    assert answer.headers["Location"].endswith(f"/console/contests/{new.id}")
    assert new.organisation_id == source.organisation_id
    page = client.get(answer.headers["Location"] + "?lang=en")
    assert "with 1 judges and 1 assignments" in page.text
    (judge,) = db.session.scalars(select(Judge).where(Judge.contest_id == new.id))
    assert judge.name == "赵裁判"


def test_a_shipped_rule_file_opens_the_new_contest_form_with_it_chosen(
    client: FlaskClient,
) -> None:
    make_admin()
    sign_in(client, "admin")
    answer = client.post(PAGE, data={"source": "rules:welding_skills.yaml", "name": "焊工赛"})
    assert answer.status_code == 302 and "/console/contests/new?" in answer.headers["Location"]
    form = client.get(answer.headers["Location"])
    assert '<option selected value="welding_skills.yaml">' in form.text
    assert 'value="焊工赛"' in form.text
    assert contest_count() == 0


@pytest.mark.parametrize(
    ("data", "says"),
    [
        ({"source": "contest:SOURCE", "name": ""}, "Give the new contest a name"),
        ({"source": "contest:999999", "name": "新"}, "no such contest among those you may open"),
        ({"source": "", "name": "新"}, "no such contest among those you may open"),
        (
            {"source": "contest:SOURCE", "name": "新", "programme": "12345"},
            "no such programme",
        ),
    ],
)
def test_a_bad_request_says_why_and_creates_nothing(
    client: FlaskClient, data: dict[str, str], says: str
) -> None:
    admin = make_admin()
    source = baota_contest(admin, make_union(admin))
    sign_in(client, "admin")
    filled = {k: v.replace("SOURCE", str(source.id)) for k, v in data.items()}
    page = client.post(f"{PAGE}?lang=en", data=filled)
    assert page.status_code == 400
    assert says in page.text.replace("&#39;", "'")
    assert 'role="alert"' in page.text
    assert contest_count() == 1


def test_a_sibling_countys_account_neither_sees_nor_copies_the_contest(
    client: FlaskClient,
) -> None:
    admin = make_admin()
    ids = make_union(admin)
    source = baota_contest(admin, ids)
    make_member(admin, "ansai_office", ids["ansai"])
    sign_in(client, "ansai_office")
    page = client.get(f"{PAGE}?source={source.id}&lang=en")
    assert page.status_code == 200
    assert "2025 宝塔区焊工竞赛" not in page.text
    assert "rules:" not in page.text  # only an admin starts from a rule file
    refused = client.post(
        f"{PAGE}?lang=en", data={"source": f"contest:{source.id}", "name": "偷来的"}
    )
    assert refused.status_code == 400
    assert "no such contest among those you may open" in refused.text
    assert contest_count() == 1


def test_the_countys_account_starts_its_next_contest(client: FlaskClient) -> None:
    admin = make_admin()
    ids = make_union(admin)
    source = baota_contest(admin, ids)
    make_member(admin, "baota_office", ids["baota"])
    sign_in(client, "baota_office")
    page = client.get(f"{PAGE}?source={source.id}")
    assert "2025 宝塔区焊工竞赛" in page.text
    answer = client.post(
        PAGE,
        data={
            "source": f"contest:{source.id}",
            "name": "2026 石化焊工竞赛",
            "organisation": str(ids["works"]),
        },
    )
    assert answer.status_code == 302
    new = db.session.scalars(select(Contest).where(Contest.name == "2026 石化焊工竞赛")).one()
    assert new.organisation_id == ids["works"]
    assert db.session.scalar(select(func.count()).where(Judge.contest_id == new.id)) == 0
