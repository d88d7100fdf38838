"""The entrants' list searched and paged, and one entrant corrected from it."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from competition.extensions import db
from competition.models import ContestRole, Entrant
from competition.services import lifecycle, people
from tests.factories import make_admin, make_user
from tests.scenes import Orchards, orchard_contest

PASSWORD = "correct horse battery"


@pytest.fixture
def scene(db_app: Flask) -> Orchards:
    return orchard_contest(make_admin(), count=120, enter_measured=False, judge_count=1)


@pytest.fixture
def client(db_app: Flask, scene: Orchards) -> FlaskClient:
    client = db_app.test_client()
    client.post("/login", data={"username": "admin", "password": PASSWORD})
    return client


def base(scene: Orchards) -> str:
    return f"/console/contests/{scene.contest_id}/events/{scene.event_id}/entrants/"


def codes(page: str) -> list[str]:
    return re.findall(r"<td>(YA\d{3})</td>", page)


def test_the_list_pages_fifty_at_a_time_and_says_where_it_is(
    client: FlaskClient, scene: Orchards
) -> None:
    first = client.get(base(scene) + "?lang=en")
    assert first.status_code == 200
    assert codes(first.text) == [f"YA{i:03d}" for i in range(1, 51)]
    assert "Entrants 1–50 of 120." in first.text
    last = client.get(base(scene) + "?lang=en&page=3")
    assert codes(last.text) == [f"YA{i:03d}" for i in range(101, 121)]
    assert "Entrants 101–120 of 120." in last.text
    beyond = client.get(base(scene) + "?lang=en&page=9")
    assert codes(beyond.text)[0] == "YA101"  # a page beyond the last shows the last


def test_a_search_finds_a_county_and_its_page_links_keep_it(
    client: FlaskClient, scene: Orchards
) -> None:
    page = client.get(base(scene) + "?lang=en&q=洛川")
    assert page.status_code == 200
    found = codes(page.text)
    assert len(found) == 20 and found[0] == "YA002"  # every sixth orchard is in 洛川县
    assert "Entrants 1–20 of 20." in page.text
    by_code = client.get(base(scene) + "?lang=en&q=ya11")
    assert codes(by_code.text) == [f"YA{i}" for i in range(110, 120)]
    private = client.get(base(scene) + "?lang=en&q=13891100007")
    assert codes(private.text) == [] and "No entrant matches “13891100007”." in private.text
    wide = client.get(base(scene) + "?lang=en&q=果园")
    assert "Entrants 1–50 of 120." in wide.text
    assert f'href="{base(scene)}?page=2&amp;q=%E6%9E%9C%E5%9B%AD"' in wide.text


def test_a_bad_page_number_is_named_and_the_first_page_shown(
    client: FlaskClient, scene: Orchards
) -> None:
    page = client.get(base(scene) + "?lang=en&page=abc")
    assert page.status_code == 400
    assert "“abc” is not a page number" in page.text
    assert codes(page.text)[0] == "YA001"


def test_a_bad_correction_names_the_field_and_changes_nothing(
    client: FlaskClient, scene: Orchards
) -> None:
    orchard = db.session.query(Entrant).filter_by(event_id=scene.event_id, code="YA007").one()
    url = f"{base(scene)}{orchard.id}/edit?q=宝塔&lang=en"
    form = client.get(url)
    assert form.status_code == 200 and 'name="field:county"' in form.text
    bad = client.post(url, data={"field:name": "", "field:county": "北京市"})
    assert bad.status_code == 400
    assert "the name is empty" in bad.text and "&#39;北京市&#39; is not one of" in bad.text
    assert 'id="error-county"' in bad.text and "Nothing was changed" in bad.text
    db.session.expire_all()
    assert db.session.get(Entrant, orchard.id).name == "果园YA007"  # type: ignore[union-attr]
    good = client.post(
        url,
        data={"field:name": "宝塔红富士园", "field:county": "宝塔区", "field:operator": "李四"},
    )
    assert good.status_code == 302 and "q=" in good.headers["Location"]
    listing = client.get(good.headers["Location"])
    assert "宝塔红富士园" in listing.text and "李四" in listing.text


def test_the_chief_judge_sees_the_list_but_no_correction(db_app: Flask, scene: Orchards) -> None:
    chief = make_user(scene.admin, "chief")
    db.session.add(ContestRole(user_id=chief.id, contest_id=scene.contest_id, role="chief_judge"))
    db.session.commit()
    client = db_app.test_client()
    client.post("/login", data={"username": "chief", "password": PASSWORD})
    page = client.get(base(scene) + "?lang=en")
    assert page.status_code == 200 and "YA001" in page.text and "/edit" not in page.text
    orchard = db.session.query(Entrant).filter_by(event_id=scene.event_id, code="YA001").one()
    refused = client.post(
        f"{base(scene)}{orchard.id}/edit?lang=en",
        data={"field:name": "改名", "field:county": "宝塔区"},
    )
    assert refused.status_code == 403
    assert "only the organiser of this contest may do this" in refused.text


def test_after_scoring_the_list_says_entrants_are_no_longer_corrected(
    client: FlaskClient, scene: Orchards
) -> None:
    lifecycle.advance(scene.admin, scene.contest_id, "close_scoring", "试评", override=True)
    lifecycle.advance(scene.admin, scene.contest_id, "lock", "试评", override=True)
    page = client.get(base(scene) + "?lang=en")
    assert "/edit" not in page.text
    assert "Entrants can no longer be corrected: the contest is at the stage “Locked”." in page.text
    orchard = db.session.query(Entrant).filter_by(event_id=scene.event_id, code="YA001").one()
    refused = client.post(
        f"{base(scene)}{orchard.id}/edit?lang=en",
        data={"field:name": "改名", "field:county": "宝塔区"},
    )
    assert refused.status_code == 409 and "only until the results are locked" in refused.text


def test_an_entrant_of_another_event_is_not_found(client: FlaskClient, scene: Orchards) -> None:
    assert client.get(f"{base(scene)}999999/edit").status_code == 404


def linked_row(page: str, code: str) -> str:
    row = re.search(rf"<td>{code}</td>.*?</tr>", page, re.S)
    assert row is not None, code
    return row.group(0)


def test_a_linked_entrant_shows_the_persons_name_linking_to_their_record(
    client: FlaskClient, scene: Orchards
) -> None:
    orchard = db.session.query(Entrant).filter_by(event_id=scene.event_id, code="YA001").one()
    person = people.link_new_person(scene.admin, orchard.id, "张建军", "农场1")
    page = client.get(base(scene) + "?lang=en").text
    row = linked_row(page, "YA001")
    assert f'<a class="linked-person" href="/console/people/{person.id}"' in row
    assert "张建军" in row and f"person {person.id}" not in row and ">change</a>" in row
    assert "link…" in linked_row(page, "YA002")
    people.erase_person(scene.admin, person.id, "本人申请")
    row = linked_row(client.get(base(scene) + "?lang=en").text, "YA001")
    assert "erased person" in row and "张建军" not in row
    answer = client.get(f"{base(scene)}YA001/person?lang=en")
    assert f'href="/console/people/{person.id}"' in answer.text
    assert f"person {person.id}" not in answer.text


def test_the_chief_judge_sees_the_persons_name_without_a_link_to_the_record(
    db_app: Flask, scene: Orchards
) -> None:
    orchard = db.session.query(Entrant).filter_by(event_id=scene.event_id, code="YA001").one()
    person = people.link_new_person(scene.admin, orchard.id, "张建军", "农场1")
    chief = make_user(scene.admin, "chief")
    db.session.add(ContestRole(user_id=chief.id, contest_id=scene.contest_id, role="chief_judge"))
    db.session.commit()
    client = db_app.test_client()
    client.post("/login", data={"username": "chief", "password": PASSWORD})
    row = linked_row(client.get(base(scene) + "?lang=en").text, "YA001")
    assert f'<span class="linked-person" data-person="{person.id}">张建军</span>' in row
    assert f"/console/people/{person.id}" not in row
