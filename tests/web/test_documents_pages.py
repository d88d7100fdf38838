"""The official documents on the web: the organiser sets the issuer, date and seal on the
results page; the award list and the certificates print them, the money in yuan and the
certificate in the standard wording; the seal is shown only where it may be (both
databases). English pages: the Chinese catalog is compiled at merge."""

from __future__ import annotations

import io
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from competition.extensions import db
from competition.models import Contest
from competition.services import certificates, documents, users
from tests.factories import make_admin, make_user
from tests.scenes import Orchards, orchard_contest, publish
from tests.services.test_documents import JPEG_START, seal_png


@pytest.fixture
def orchards(db_app: Flask) -> Orchards:
    return orchard_contest(make_admin())


def signed_in(app: Flask, username: str = "admin") -> FlaskClient:
    browser = app.test_client()
    password = "correct horse battery"
    answer = browser.post("/login", data={"username": username, "password": password})
    assert answer.status_code == 302
    return browser


@pytest.fixture
def organiser(db_app: Flask, orchards: Orchards) -> FlaskClient:
    return signed_in(db_app)


def contest_of(scene: Orchards) -> Contest:
    db.session.expire_all()
    contest = db.session.get(Contest, scene.contest_id)
    assert contest is not None
    return contest


def anonymous_get(app: Flask, url: str) -> TestResponse:
    """A request by nobody signed in, in an app context of its own: the test's context would
    hand it the user the last request loaded (flask-login keeps it on ``g``)."""
    with app.app_context():
        return app.test_client().get(url)


def upload(client: FlaskClient, scene: Orchards, data: bytes, name: str = "seal.png") -> str:
    answer = client.post(
        f"/console/contests/{scene.contest_id}/results/documents/seal?lang=en",
        data={"seal": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert answer.status_code == 200
    return answer.text


def test_the_results_page_says_what_the_documents_lack_until_it_is_set(
    organiser: FlaskClient, orchards: Orchards
) -> None:
    base = f"/console/contests/{orchards.contest_id}/results/"
    page = organiser.get(base + "?lang=en").text
    assert 'id="documents-form"' in page and 'id="seal-form"' in page
    assert "no issuing body" in page and "no seal image" in page and "no issue date" in page
    saved = organiser.post(
        base + "documents?lang=en",
        data={"issuer": "延安市总工会", "issued_on": "2026-12-07"},
        follow_redirects=True,
    ).text
    assert "issuing body and date of the documents are saved" in saved
    assert "no issuing body" not in saved and "no seal image" in saved
    assert "The seal image is saved." in upload(organiser, orchards, seal_png(64))
    ready = organiser.get(base + "?lang=en").text
    assert 'id="documents-ready"' in ready and 'id="documents-missing"' not in ready
    contest = contest_of(orchards)
    assert contest.issuer == "延安市总工会" and str(contest.issued_on) == "2026-12-07"
    bad_date = organiser.post(
        base + "documents?lang=en",
        data={"issuer": "别的单位", "issued_on": "2026-13-45"},
        follow_redirects=True,
    ).text
    assert "a valid date" in bad_date and contest_of(orchards).issuer == "延安市总工会"


def test_a_bad_seal_upload_is_refused_with_its_reason_and_keeps_the_seal(
    organiser: FlaskClient, orchards: Orchards
) -> None:
    good = seal_png(64)
    upload(organiser, orchards, good)
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    assert "must be a PNG or JPEG" in upload(organiser, orchards, svg, "seal.png")
    assert "must be a PNG or JPEG" in upload(organiser, orchards, b"not an image", "seal.jpg")
    big = JPEG_START + bytes(documents.MAX_SEAL_BYTES)
    assert "larger than 512 KB" in upload(organiser, orchards, big, "seal.jpg")
    assert "choose an image" in upload(organiser, orchards, b"", "seal.png")
    assert contest_of(orchards).seal_image == good


def test_a_chief_judge_may_not_set_the_documents(db_app: Flask, orchards: Orchards) -> None:
    chief = make_user(orchards.admin, "chief")
    users.grant_role(orchards.admin, chief.id or 0, orchards.contest_id, "chief_judge")
    client = signed_in(db_app, "chief")
    page = client.get(f"/console/contests/{orchards.contest_id}/results/?lang=en").text
    assert 'id="seal-form"' not in page and "no seal image" in page
    refused = upload(client, orchards, seal_png(16))
    assert "only the organiser" in refused
    client.post(
        f"/console/contests/{orchards.contest_id}/results/documents",
        data={"issuer": "某单位"},
    )
    contest = contest_of(orchards)
    assert contest.seal_image is None and contest.issuer is None


def test_the_seal_is_shown_to_the_public_only_once_published(
    db_app: Flask, organiser: FlaskClient, orchards: Orchards
) -> None:
    url = f"/results/{orchards.contest_id}/seal"
    assert organiser.get(url).status_code == 404  # no seal yet
    upload(organiser, orchards, seal_png(64))
    assert anonymous_get(db_app, url).status_code == 404  # not before publication
    mine = organiser.get(url)
    assert mine.status_code == 200 and mine.mimetype == "image/png"
    assert mine.data == contest_of(orchards).seal_image
    publish(orchards)
    public = anonymous_get(db_app, url)
    assert public.status_code == 200 and public.mimetype == "image/png"
    assert anonymous_get(db_app, "/results/999/seal").status_code == 404


def test_the_award_list_prints_codes_counties_units_yuan_and_the_signature_lines(
    db_app: Flask, organiser: FlaskClient, orchards: Orchards
) -> None:
    publish(orchards)
    anonymous = db_app.test_client()
    bare = anonymous.get(f"/results/{orchards.contest_id}/awards?lang=en").text
    assert "Organiser (seal)" in bare and "Chief judge’s signature" in bare
    assert 'class="seal-blank"' in bare and 'class="seal"' not in bare  # a place to stamp
    for header in ("Code", "县（市、区）", "经营主体"):
        assert f"<th>{header}</th>" in bare
    assert "主栽品种" not in bare and "1389110" not in bare  # not an award list's business
    row = re.search(r"<tr>\s*<td class=\"award\">一等奖</td>.*?</tr>", bare, re.S)
    assert row is not None
    assert "YA004" in row.group(0) and "黄陵县" in row.group(0) and "农场3" in row.group(0)
    assert "¥20,000" in row.group(0)
    assert "¥70,000" in bare and "¥150,000" in bare  # the total and the budget

    organiser.post(
        f"/console/contests/{orchards.contest_id}/results/documents",
        data={"issuer": "延安市总工会", "issued_on": "2026-12-07"},
    )
    upload(organiser, orchards, seal_png(64))
    signed = anonymous.get(f"/results/{orchards.contest_id}/awards?lang=zh_CN").text
    assert "延安市总工会" in signed and "2026年12月7日" in signed
    assert "20,000 元" in signed and "70,000 元" in signed
    assert f'src="/results/{orchards.contest_id}/seal?v=' in signed


def test_certificates_carry_the_standard_wording_the_issuer_and_the_seal(
    organiser: FlaskClient, orchards: Orchards
) -> None:
    publish(orchards)
    organiser.post(
        f"/console/contests/{orchards.contest_id}/results/documents",
        data={"issuer": "延安市总工会", "issued_on": "2026-12-07"},
    )
    url = f"/console/contests/{orchards.contest_id}/results/certificates?lang=en"
    unsealed = organiser.get(url).text
    assert "no seal image" in unsealed and 'class="seal-blank"' in unsealed
    upload(organiser, orchards, seal_png(64))
    page = organiser.get(url).text
    text = re.sub(r"<[^>]+>", "", page)
    assert (
        "This certificate is awarded to 果园YA004 (农场3), who won 一等奖 and the title "
        "“亩均效益冠军园” in 苹果冠军园." in text
    )
    issued = certificates.certificates_of(orchards.contest_id)
    assert page.count('class="seal"') == len(issued) > 0
    assert text.count("延安市总工会") >= len(issued) and "7 December 2026" in text
    assert "no seal image" not in page
    genuine = organiser.get(f"/verify/{issued[0].code}?lang=en").text
    assert "延安市总工会" in genuine and "7 December 2026" in genuine
