"""After an import the organiser sees the rows that nearly match people on record — which
row, which person, why — and links each or keeps it separate; the entrants list says how
many wait."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from competition.extensions import db
from competition.models import Contest, ContestRole, Entrant, Person
from competition.services import people
from tests.factories import make_admin, make_contest, make_user
from tests.services.test_people import ZHANG

PASSWORD = "correct horse battery"
MAPPING = {
    "map:编号": "code",
    "map:姓名": "name",
    "map:工作单位": "unit",
    "map:职工身份": "is_worker",
    "map:身份证号": "id_number",
}


@pytest.fixture
def contest(db_app: Flask) -> Contest:
    admin = make_admin()
    people.create_person(admin, "张建军", "延安市热力公司", ZHANG)
    people.create_person(admin, "王芳", "延安市热力公司")
    return make_contest(admin)


def sheet() -> io.BytesIO:
    columns = ["编号", "姓名", "工作单位", "职工身份", "身份证号"]
    rows = [
        ["W01", "李秀英", "市自来水公司", "是", ""],
        ["W02", "张建军", "延安市热力公司", "是", ""],
        ["W03", "王芳", "延安市热力公司", "是", ""],
    ]
    buffer = io.BytesIO()
    pd.DataFrame(rows, columns=columns).to_excel(buffer, index=False)
    buffer.seek(0)
    return buffer


def imported(client: FlaskClient, contest: Contest) -> tuple[str, str]:
    """Sign in, upload and confirm the sheet; the base address and the page it leads to."""
    client.post("/login", data={"username": "admin", "password": PASSWORD})
    base = f"/console/contests/{contest.id}/events/{contest.events[0].id}/entrants"
    client.post(
        f"{base}/upload", data={"sheet": (sheet(), "a.xlsx")}, content_type="multipart/form-data"
    )
    done = client.post(f"{base}/import", data=MAPPING)
    assert done.status_code == 302
    return base, done.headers["Location"]


def entrant(code: str) -> Entrant:
    found = db.session.scalar(select(Entrant).where(Entrant.code == code))
    assert found is not None
    return found


def test_the_import_leads_to_its_near_matches_with_row_person_and_reason(
    db_app: Flask, contest: Contest
) -> None:
    client = db_app.test_client()
    base, then = imported(client, contest)
    assert then.endswith(f"{base}/matches")
    page = client.get(then + "?lang=en").text
    assert '<tr data-entrant="W02"' in page and '<tr data-entrant="W03"' in page
    assert 'data-entrant="W01"' not in page  # no namesake on record
    w02 = page[page.index('data-entrant="W02"') : page.index('data-entrant="W03"')]
    assert "<td>3</td>" in w02  # the sheet's row 3 (after the header)
    assert "张建军" in w02 and "*" * 14 + ZHANG[-4:] in w02 and ZHANG not in page
    assert "same name and unit" in w02 and "the sheet gave none" in w02
    assert "Same person: link" in w02 and "Someone else: keep separate" in w02
    listing = client.get(base + "/?lang=en").text
    assert "2 entrants may be people already on record" in listing


def test_linking_and_keeping_separate_each_settle_a_match(db_app: Flask, contest: Contest) -> None:
    client = db_app.test_client()
    base, then = imported(client, contest)
    zhang = db.session.scalar(select(Person).where(Person.name == "张建军"))
    wang = db.session.scalar(select(Person).where(Person.name == "王芳"))
    assert zhang is not None and wang is not None
    linked = client.post(f"{base}/W02/person/link", data={"person": zhang.id, "back": "matches"})
    assert linked.headers["Location"].endswith(f"{base}/matches")
    assert entrant("W02").person_id == zhang.id
    kept = client.post(
        f"{base}/W03/person/new",
        data={"name": "王芳", "unit": "延安市热力公司", "back": "matches"},
    )
    assert kept.headers["Location"].endswith(f"{base}/matches")
    separate = entrant("W03").person_id
    assert separate is not None and separate != wang.id
    page = client.get(then + "?lang=en").text
    assert "data-entrant=" not in page and "No entrant waits for a decision" in page
    assert "may be people already on record" not in client.get(base + "/?lang=en").text


def test_a_chief_judge_sees_the_matches_but_cannot_decide(db_app: Flask, contest: Contest) -> None:
    organiser = db_app.test_client()
    base, then = imported(organiser, contest)
    chief = make_user(make_admin("admin2"), "chief")
    db.session.add(ContestRole(user_id=chief.id, contest_id=contest.id, role="chief_judge"))
    db.session.commit()
    client = db_app.test_client()
    client.post("/login", data={"username": "chief", "password": PASSWORD})
    page = client.get(then + "?lang=en")
    assert page.status_code == 200 and 'data-entrant="W02"' in page.text
    assert "Same person: link" not in page.text
    refused = client.post(f"{base}/W02/person/link", data={"person": 1, "back": "matches"})
    assert refused.status_code == 302 and entrant("W02").person_id is None
