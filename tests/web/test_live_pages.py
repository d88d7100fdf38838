"""The public live board pages: the phone view and the big screen render the board the public
may see (both databases), and nothing more: no phone numbers, no names behind blind codes."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from competition.extensions import db
from competition.models import Contest, Entrant
from competition.realtime.live import publisher
from competition.services import blind, lifecycle
from competition.services.authority import Actor
from tests.factories import make_admin, make_contest

ORCHARD_RULES = "apple_orchard_per_mu_benefit.yaml"  # marks `phone` public: false
PHONE = "13912345678"
ORCHARDS = [("YA001", "宝塔刘宝平果园", "宝塔区"), ("YA002", "安塞孙军果园", "安塞区")]


@pytest.fixture
def client(db_app: Flask) -> FlaskClient:
    """A viewer's browser. With no interval between boards, a page always carries the
    newest (with the default, one opened just after a change may be up to an interval
    behind, and its script gets the change a moment later)."""
    publisher(db_app).interval = 0
    return db_app.test_client()


def orchard_contest(blind_codes: bool = False) -> tuple[Contest, Actor]:
    """An orchard contest in registration with two orchards, each with a phone number.

    The orchards and their codes are in before registration opens: adding an entrant or
    drawing codes does not announce a new board, opening registration does."""
    admin = make_admin()
    contest = make_contest(admin, "2026 苹果冠军园竞赛", rules=ORCHARD_RULES, blind=blind_codes)
    event_id = contest.events[0].id
    for code, name, county in ORCHARDS:
        attributes = {"county": county, "variety": "富士", "phone": PHONE}
        db.session.add(Entrant(event_id=event_id, code=code, name=name, attributes=attributes))
    db.session.commit()
    if blind_codes:
        blind.draw(admin, event_id, seed="live")
    lifecycle.advance(admin, contest.id, "open_registration")
    return contest, admin


def embedded_board(page: str) -> dict[str, Any]:
    """The board the page carries for its script (JSON escapes Chinese, so search it here)."""
    found = re.search(r'<script type="application/json" id="live-data">(.*?)</script>', page, re.S)
    assert found is not None, "the page carries no board"
    data: dict[str, Any] = json.loads(found.group(1))
    return data


def shown_rows(page: str) -> list[dict[str, Any]]:
    return [row for event in embedded_board(page)["board"]["events"] for row in event["rows"]]


@pytest.mark.parametrize("layout", ["", "/screen"])
def test_the_board_renders_in_registration_and_in_scoring(client: FlaskClient, layout: str) -> None:
    contest, admin = orchard_contest()
    path = f"/live/{contest.id}{layout}"

    response = client.get(path)
    assert response.status_code == 200
    page = response.text
    assert contest.name in page
    assert '<html lang="zh-CN"' in page
    assert [row["label"] for row in shown_rows(page)] == [name for _, name, _ in ORCHARDS]

    lifecycle.advance(admin, contest.id, "open_scoring")
    page = client.get(path).text
    assert [row["status"] for row in shown_rows(page)] == ["incomplete", "incomplete"]


def test_the_big_screen_carries_a_qr_code_of_the_phone_view(client: FlaskClient) -> None:
    contest, _ = orchard_contest()

    page = client.get(f"/live/{contest.id}/screen").text

    assert "<svg" in page and 'id="live-qr"' in page
    assert f"http://localhost/live/{contest.id}</span>" in page


def test_unknown_and_draft_contests_have_no_board(client: FlaskClient) -> None:
    admin = make_admin()
    draft = make_contest(admin, "草稿竞赛")

    for path in (f"/live/{draft.id}", f"/live/{draft.id}/screen", "/live/999", "/live/999/screen"):
        page = client.get(path)
        assert page.status_code == 404, path
        assert "页面不存在" in page.text
        assert "草稿竞赛" not in page.text


def test_an_orchards_phone_number_never_reaches_the_public(client: FlaskClient) -> None:
    contest, admin = orchard_contest()
    lifecycle.advance(admin, contest.id, "open_scoring")

    for path in (f"/live/{contest.id}", f"/live/{contest.id}/screen"):
        page = client.get(path).text
        assert PHONE not in page
        rows = shown_rows(page)
        # the public attributes are there, the private one is not, not even its label
        assert [row["attributes"] for row in rows] == [
            {"县（市、区）": county, "主栽品种": "富士"} for _, _, county in ORCHARDS
        ]
        assert "联系电话" not in json.dumps(embedded_board(page), ensure_ascii=False)


def test_a_blind_contest_shows_codes_and_no_names_until_unblinding(
    client: FlaskClient,
) -> None:
    contest, admin = orchard_contest(blind_codes=True)
    lifecycle.advance(admin, contest.id, "open_scoring")

    for path in (f"/live/{contest.id}", f"/live/{contest.id}/screen"):
        page = client.get(path).text
        board = json.dumps(embedded_board(page), ensure_ascii=False)
        for code, name, county in ORCHARDS:
            assert name not in board and name not in page
            assert code not in board and county not in board
        assert sorted(row["label"] for row in shown_rows(page)) == ["A-1", "A-2"]
        assert embedded_board(page)["board"]["names_open"] is False


def test_the_page_speaks_english_when_asked(client: FlaskClient) -> None:
    contest, _ = orchard_contest()

    page = client.get(f"/live/{contest.id}?lang=en").text

    assert '<html lang="en"' in page
    strings = re.search(r'id="live-strings">(.*?)</script>', page, re.S)
    assert strings is not None
    assert json.loads(strings.group(1))["rank"] == "Rank"
    chinese = client.get(f"/live/{contest.id}?lang=zh_CN").text
    strings = re.search(r'id="live-strings">(.*?)</script>', chinese, re.S)
    assert strings is not None
    assert json.loads(strings.group(1))["rank"] == "名次"


def test_the_board_lists_the_attribute_columns_in_rule_file_order(client: FlaskClient) -> None:
    """A row's attributes are a JSON object, written with sorted keys into the page and the
    API but in rule-file order over the socket: the event's list is the order to show."""
    contest, _ = orchard_contest()
    for path in (f"/live/{contest.id}", f"/live/{contest.id}/screen"):
        (event,) = embedded_board(client.get(path).text)["board"]["events"]
        assert event["attributes"] == ["县（市、区）", "经营主体", "主栽品种"]
    (event,) = client.get(f"/api/contests/{contest.id}/standings").get_json()["board"]["events"]
    assert event["attributes"] == ["县（市、区）", "经营主体", "主栽品种"]
    assert list(event["rows"][0]["attributes"]) == ["主栽品种", "县（市、区）"]  # sorted keys


def test_the_award_ceremony_waits_for_publication_and_refuses_an_unknown_view(
    client: FlaskClient,
) -> None:
    contest, admin = orchard_contest()
    refused = client.get(f"/live/{contest.id}/screen?mode=ceremony&lang=en")
    assert refused.status_code == 409
    assert "The award ceremony opens once the results are published." in refused.text
    assert 'class="ceremony-awardee"' not in refused.text and ORCHARDS[0][1] not in refused.text
    unknown = client.get(f"/live/{contest.id}/screen?mode=party&lang=en")
    assert unknown.status_code == 400 and "There is no such view" in unknown.text
