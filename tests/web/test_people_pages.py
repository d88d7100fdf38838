"""A person's page in the console, the public page a certificate links to, the JSON export
and erasure, and linking an entrant from the entrants list."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update

from competition.extensions import db
from competition.models import Certificate, Entrant, Person, Publication
from competition.services import people
from competition.services.person_ids import public_token
from tests.factories import make_admin
from tests.scenes import Orchards, orchard_contest, publish
from tests.services.test_people import ZHANG
from tests.welding_scenes import publish_round, welding_round

PASSWORD = "correct horse battery"


@pytest.fixture
def orchards(db_app: Flask) -> Orchards:
    return orchard_contest(make_admin())


@pytest.fixture
def admin(db_app: Flask, orchards: Orchards) -> FlaskClient:
    browser = db_app.test_client()
    answer = browser.post("/login", data={"username": "admin", "password": PASSWORD})
    assert answer.status_code == 302
    return browser


def linked(scene: Orchards, code: str = "YA004") -> tuple[Entrant, Person]:
    entrant = db.session.scalar(select(Entrant).where(Entrant.code == code))
    assert entrant is not None
    return entrant, people.link_new_person(scene.admin, entrant.id, "张建军", "农场3", ZHANG)


def test_the_person_page_lists_the_published_rank_award_and_certificate(
    admin: FlaskClient, orchards: Orchards
) -> None:
    entrant, person = linked(orchards)
    publish(orchards)
    certificate = db.session.scalar(select(Certificate).where(Certificate.entrant_id == entrant.id))
    assert certificate is not None
    page = admin.get(f"/console/people/{person.id}?lang=en")
    assert page.status_code == 200
    assert "张建军" in page.text and "苹果冠军园" in page.text and "YA004" in page.text
    assert certificate.award in page.text and f"/verify/{certificate.code}" in page.text
    assert "*" * 14 + ZHANG[-4:] in page.text and ZHANG not in page.text
    for title in certificate.titles:
        assert title in page.text
    assert "valid for life" in page.text  # the orchard rule gives its title no validity
    assert f"/people/{public_token(person.id)}" in page.text


def test_the_public_page_masks_the_name_and_links_each_certificate(
    db_app: Flask, orchards: Orchards
) -> None:
    entrant, person = linked(orchards)
    publish(orchards)
    certificate = db.session.scalar(select(Certificate).where(Certificate.entrant_id == entrant.id))
    assert certificate is not None
    anonymous = db_app.test_client()
    verify = anonymous.get(f"/verify/{certificate.code}?lang=en").text
    assert f"/people/{public_token(person.id)}" in verify
    page = anonymous.get(f"/people/{public_token(person.id)}?lang=en")
    assert page.status_code == 200
    assert "张*军" in page.text and "张建军" not in page.text
    assert "农场3" not in page.text and ZHANG[-4:] not in page.text
    assert certificate.award in page.text and f"/verify/{certificate.code}" in page.text
    assert anonymous.get(f"/people/{person.id}").status_code == 404  # no walking by id
    assert anonymous.get(f"/console/people/{person.id}").status_code == 302  # sign in first


def test_the_public_board_and_api_gain_no_personal_data(db_app: Flask, orchards: Orchards) -> None:
    linked(orchards)
    publish(orchards)
    anonymous = db_app.test_client()
    answer = anonymous.get(f"/api/contests/{orchards.contest_id}/awards")
    assert answer.status_code == 200
    body = answer.get_data(as_text=True)
    assert ZHANG[-4:] not in body and "person" not in body and "张建军" not in body


def test_export_and_erase_from_the_person_page(admin: FlaskClient, orchards: Orchards) -> None:
    _, person = linked(orchards)
    publish(orchards)
    exported = admin.get(f"/console/people/{person.id}/export")
    assert exported.status_code == 200 and "attachment" in exported.headers["Content-Disposition"]
    data = json.loads(exported.get_data(as_text=True))
    assert data["person"]["name"] == "张建军" and data["entries"][0]["code"] == "YA004"
    refused = admin.post(f"/console/people/{person.id}/erase", data={"reason": ""})
    assert refused.status_code == 302
    db.session.expire_all()
    assert db.session.get(Person, person.id).erased_at is None  # type: ignore[union-attr]
    done = admin.post(f"/console/people/{person.id}/erase", data={"reason": "本人申请"})
    assert done.status_code == 302
    page = admin.get(f"/console/people/{person.id}?lang=en").text
    assert "erased" in page and "张建军" not in page and "YA004" in page
    public = admin.get(f"/people/{public_token(person.id)}?lang=en").text
    assert "erased at the person" in public


def test_an_organiser_links_an_entrant_to_a_person_from_the_entrants_list(
    admin: FlaskClient, orchards: Orchards
) -> None:
    base = f"/console/contests/{orchards.contest_id}/events/{orchards.event_id}/entrants"
    listing = admin.get(base + "/?lang=en")
    assert f"{base}/YA001/person" in listing.text
    made = admin.post(
        f"{base}/YA001/person/new", data={"name": "李秀英", "unit": "农场0", "id_number": "123"}
    )
    assert made.status_code == 302
    assert db.session.scalars(select(Person)).all() == []  # a bad ID number: nothing made
    admin.post(f"{base}/YA001/person/new", data={"name": "李秀英", "unit": "农场0"})
    (person,) = db.session.scalars(select(Person)).all()
    page = admin.get(f"{base}/YA002/person?lang=en")
    assert "李秀英" not in page.text  # YA002 is 果园YA002: no namesake
    linked_ = admin.post(f"{base}/YA002/person/link", data={"person": person.id})
    assert linked_.status_code == 302
    db.session.expire_all()
    codes = {e.code: e.person_id for e in db.session.scalars(select(Entrant))}
    assert codes["YA001"] == codes["YA002"] == person.id


def test_both_pages_show_each_title_with_its_award_date_and_validity(db_app: Flask) -> None:
    admin_actor = make_admin()
    round_ = welding_round(admin_actor, "市焊工决赛")
    entrant = db.session.scalar(
        select(Entrant).where(Entrant.event_id == round_.event_id, Entrant.code == "W01")
    )
    assert entrant is not None
    person = people.link_new_person(admin_actor, entrant.id, entrant.name)
    publish_round(admin_actor, round_)
    browser = db_app.test_client()
    browser.post("/login", data={"username": "admin", "password": PASSWORD})
    page = browser.get(f"/console/people/{person.id}?lang=en").text
    today = datetime.now(UTC)  # published just now: valid three years on, not expired
    assert f"valid until {today.year + 3}-" in page and 'data-expired="false"' in page
    assert "valid for life" not in page and ">expired<" not in page
    db.session.execute(
        update(Publication)
        .where(Publication.contest_id == round_.contest_id)
        .values(published_at=datetime(2020, 5, 20, 2, 0, tzinfo=UTC))
    )
    db.session.commit()
    for url in (f"/console/people/{person.id}", f"/people/{public_token(person.id)}"):
        page = browser.get(url + "?lang=en").text
        assert "市技术能手" in page and "awarded 2020-05-20" in page
        assert "valid until 2023-05-20" in page and ">expired<" in page
        assert 'data-expired="true"' in page
