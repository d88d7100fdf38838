"""The /live namespace and the JSON API: a viewer gets a snapshot, then diffs that follow
every accepted mark, coalesced; a version gap is mended by refetching (both databases)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask_socketio import SocketIOTestClient

from competition.extensions import db, socketio
from competition.models import Contest
from competition.realtime import live
from competition.services import board, board_changes, standings
from competition.services.marks import MarkInput, record_mark
from tests.factories import make_admin, make_contest
from tests.scenes import Orchards, inspect, measured, orchard_contest, publish

LIVE = "/live"


@pytest.fixture
def orchards(db_app: Flask) -> Orchards:
    live.publisher(db_app).interval = 0.05
    return orchard_contest(make_admin())


def viewer(app: Flask, contest_id: object) -> SocketIOTestClient:
    client: SocketIOTestClient = socketio.test_client(
        app, namespace=LIVE, query_string=f"contest={contest_id}"
    )
    return client


def received(client: SocketIOTestClient, name: str) -> list[dict[str, Any]]:
    return [m["args"][0] for m in client.get_received(LIVE) if m["name"] == name]


def wait_for(
    client: SocketIOTestClient, test: Callable[[list[dict[str, Any]]], bool], seconds: float = 20
) -> list[dict[str, Any]]:
    """Collect what the viewer receives until ``test`` holds for it (or fail after a while:
    the deadline only stops a broken test, it asserts nothing about speed)."""
    messages: list[dict[str, Any]] = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        messages += [{"name": m["name"], **m["args"][0]} for m in client.get_received(LIVE)]
        if test(messages):
            return messages
        time.sleep(0.02)
    raise AssertionError(f"not received; got {messages}")


def follow(held: dict[str, Any], messages: list[dict[str, Any]]) -> dict[str, Any]:
    """What the page's script does with each message: replace on a newer snapshot, apply a
    diff whose base is the version held, refetch on a gap."""
    for message in messages:
        if message["version"] <= held["version"]:
            continue
        if message["name"] == "snapshot":
            held = {"version": message["version"], "board": message["board"]}
        elif message["base"] == held["version"]:
            held = {
                "version": message["version"],
                "board": board_changes.apply_diff(held["board"], message["change"]),
            }
        else:
            raise AssertionError("gap")
    return held


def contest_of(scene: Orchards) -> Contest:
    contest = db.session.get(Contest, scene.contest_id)
    assert contest is not None
    return contest


def test_a_viewer_gets_the_board_on_connect(db_app: Flask, orchards: Orchards) -> None:
    client = viewer(db_app, orchards.contest_id)
    assert client.is_connected(LIVE)
    (snapshot,) = received(client, "snapshot")
    assert snapshot["board"]["name"] == "苹果冠军园"
    assert [r["key"] for r in snapshot["board"]["events"][0]["rows"]] != []
    assert "13891100000" not in json.dumps(snapshot, ensure_ascii=False)


def test_an_unknown_or_draft_contest_is_refused(db_app: Flask) -> None:
    draft = make_contest(make_admin())
    for wanted in (draft.id, 999, "abc"):
        assert not viewer(db_app, wanted).is_connected(LIVE)


def test_each_accepted_mark_reaches_the_viewer_as_a_diff(db_app: Flask, orchards: Orchards) -> None:
    client = viewer(db_app, orchards.contest_id)
    (snapshot,) = received(client, "snapshot")
    held = {"version": snapshot["version"], "board": snapshot["board"]}
    inspect(orchards, "YA002", "10")

    def shows_ya002(messages: list[dict[str, Any]]) -> bool:
        try:
            board_now = follow(held, messages)["board"]
        except AssertionError:
            return False
        row = {r["key"]: r for r in board_now["events"][0]["rows"]}["YA002"]
        return row["total"] is not None

    messages = wait_for(client, shows_ya002)
    final = follow(held, messages)
    assert final["version"] > held["version"]
    fresh = board.live_board(contest_of(orchards))
    assert final["board"] == fresh
    ranked = {r["key"]: r for r in final["board"]["events"][0]["rows"]}
    assert ranked["YA002"]["rank"] == 1


def test_a_burst_of_marks_is_coalesced_and_ends_equal_to_a_recomputation(
    db_app: Flask, orchards: Orchards
) -> None:
    live.publisher(db_app).interval = 0.5
    client = viewer(db_app, orchards.contest_id)
    (snapshot,) = received(client, "snapshot")
    held = {"version": snapshot["version"], "board": snapshot["board"]}
    for code in orchards.codes:  # 4 orchards × 3 judges × 4 criteria = 48 marks
        inspect(orchards, code, "7")
    expected = board.live_board(contest_of(orchards))

    def caught_up(messages: list[dict[str, Any]]) -> bool:
        try:
            return follow(held, messages)["board"] == expected
        except AssertionError:
            return False

    messages = wait_for(client, caught_up)
    assert 1 <= len(messages) < 48
    assert all(r["total"] is not None for r in expected["events"][0]["rows"])


def test_a_viewer_who_missed_a_version_refetches_the_standings(
    db_app: Flask, orchards: Orchards
) -> None:
    browser = db_app.test_client()
    got = browser.get(f"/api/contests/{orchards.contest_id}/standings").get_json()
    # the page's socket was away meanwhile: the version moves on without it hearing of it
    inspect(orchards, "YA003", "9")
    client = viewer(db_app, orchards.contest_id)
    received(client, "snapshot")
    inspect(orchards, "YA004", "9")
    diff = wait_for(client, lambda ms: any(m["name"] == "diff" for m in ms))[-1]
    assert diff["base"] != got["version"]  # the viewer cannot apply it…
    again = browser.get(f"/api/contests/{orchards.contest_id}/standings").get_json()
    assert again["version"] >= diff["version"]  # …and the refetch is at least as new
    # the board the viewers of this process were sent last, which the next diff is based
    # on: once the marks stop, it is the board now
    expected = board.live_board(contest_of(orchards))
    deadline = time.monotonic() + 20
    while again["board"] != expected and time.monotonic() < deadline:
        time.sleep(0.05)
        again = browser.get(f"/api/contests/{orchards.contest_id}/standings").get_json()
    assert again["board"] == expected


def test_the_api_lists_public_contests_and_their_standings(
    db_app: Flask, orchards: Orchards
) -> None:
    make_contest(make_admin("other"), "草稿赛")
    browser = db_app.test_client()
    listed = browser.get("/api/contests").get_json()["contests"]
    assert [c["name"] for c in listed] == ["苹果冠军园"]
    assert listed[0]["standings"].endswith(f"/api/contests/{orchards.contest_id}/standings")
    body = browser.get(f"/api/contests/{orchards.contest_id}/standings").get_data(as_text=True)
    assert "13891100000" not in body and "phone" not in body


def test_api_errors_are_json_in_the_readers_language(db_app: Flask, orchards: Orchards) -> None:
    browser = db_app.test_client()
    missing = browser.get("/api/contests/999/standings")
    assert missing.status_code == 404
    assert missing.get_json()["error"]["code"] == "not_found"
    unpublished = browser.get(f"/api/contests/{orchards.contest_id}/awards?lang=en")
    assert unpublished.status_code == 404
    error = unpublished.get_json()["error"]
    assert error["code"] == "not_published" and "not published" in error["message"]


def test_the_awards_api_lists_awardees_and_prize_money_once_published(
    db_app: Flask, orchards: Orchards
) -> None:
    publish(orchards)
    awards = db_app.test_client().get(f"/api/contests/{orchards.contest_id}/awards").get_json()
    (event,) = awards["events"]
    result = standings.event_standings(contest_of(orchards).events[0])
    expected = {r.key: r for r in result.rows if r.award or r.titles}
    assert {a["key"] for a in event["awardees"]} == set(expected)
    for awardee in event["awardees"]:
        assert awardee["rank"] == expected[awardee["key"]].rank
    assert event["summary"]["prize_total"] == str(result.prize_total)
    assert "13891100000" not in json.dumps(awards, ensure_ascii=False)


def test_a_measured_value_and_a_correction_move_the_board_too(db_app: Flask) -> None:
    live.publisher(db_app).interval = 0.05
    orchards = orchard_contest(make_admin(), enter_measured=False)
    for i, code in enumerate(orchards.codes[1:], start=1):
        for criterion, value in measured(i).items():
            record_mark(orchards.admin, orchards.event_id, MarkInput(code, criterion, value))
    for code in orchards.codes:
        inspect(orchards, code, "8")
    for criterion, value in measured(0).items():
        if criterion != "cost_yuan":
            record_mark(orchards.admin, orchards.event_id, MarkInput("YA001", criterion, value))
    client = viewer(db_app, orchards.contest_id)
    (snapshot,) = received(client, "snapshot")
    held = {"version": snapshot["version"], "board": snapshot["board"]}
    ranks = {r["key"]: r["rank"] for r in held["board"]["events"][0]["rows"]}
    assert ranks["YA001"] is None  # its cost is not in yet
    record_mark(orchards.admin, orchards.event_id, MarkInput("YA001", "cost_yuan", "10000"))

    def first(messages: list[dict[str, Any]]) -> bool:
        try:
            rows = follow(held, messages)["board"]["events"][0]["rows"]
        except AssertionError:
            return False
        return rows[0]["key"] == "YA001"

    wait_for(client, first)
