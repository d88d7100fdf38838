"""The /monitor namespace: the chief judge's monitor hears each mark, correction and sign-off
of its event, and nobody but the contest's chief judge or organiser is let in."""

from __future__ import annotations

import pytest
from flask import Flask
from flask_socketio import SocketIOTestClient

from competition.extensions import socketio
from competition.services import marks, scoring, users
from competition.services.authority import Actor
from competition.services.marks import MarkInput
from tests.factories import make_contest, make_user
from tests.realtime.test_judging import Scene, orchard_scene

MONITOR = "/monitor"
PASSWORD = "correct horse battery"


@pytest.fixture
def scene(db_app: Flask) -> Scene:
    return orchard_scene(db_app)


def monitor_of(scene: Scene, username: str, event: object) -> SocketIOTestClient:
    """The monitor page of ``username``, signed in, with its socket for ``event``."""
    browser = scene.app.test_client()
    assert browser.post("/login", data={"username": username, "password": PASSWORD}).status_code
    return socketio.test_client(
        scene.app, namespace=MONITOR, flask_test_client=browser, auth={"event": event}
    )


def changes(client: SocketIOTestClient) -> list[object]:
    return [m["args"][0] for m in client.get_received(MONITOR) if m["name"] == "changed"]


def test_the_monitor_hears_each_mark_correction_and_sign_off(scene: Scene) -> None:
    chief = make_user(scene.admin, "chief")
    users.grant_role(scene.admin, chief.id or 0, scene.contest_id, "chief_judge")
    watching = monitor_of(scene, "chief", scene.event_id)
    assert watching.is_connected(MONITOR)
    other = make_contest(scene.admin, "别的竞赛")  # another event's monitor hears nothing
    elsewhere = monitor_of(scene, "admin", other.events[0].id)
    assert elsewhere.is_connected(MONITOR)
    judge = Actor("judge", scene.judge_id, "王志刚")
    moved = {"event_id": scene.event_id}

    first = marks.record_mark(judge, scene.event_id, MarkInput("YA001", "canopy_pruning", "8"))
    assert changes(watching) == [moved]
    marks.record_mark(judge, scene.event_id, MarkInput("YA002", "canopy_pruning", "7"))
    scoring.sign_sheet(judge, scene.event_id)
    assert changes(watching) == [moved, moved]
    scoring.correct_mark(chief, first.id, "9", "复核发现录入错误")
    assert changes(watching) == [moved]
    assert changes(elsewhere) == []


def test_only_the_contests_chief_judge_or_organiser_is_let_in(scene: Scene) -> None:
    make_user(scene.admin, "stranger")
    anonymous = socketio.test_client(scene.app, namespace=MONITOR, auth={"event": scene.event_id})
    assert not anonymous.is_connected(MONITOR)
    assert not monitor_of(scene, "stranger", scene.event_id).is_connected(MONITOR)
    assert not monitor_of(scene, "admin", 9999).is_connected(MONITOR)
    assert not monitor_of(scene, "admin", "not a number").is_connected(MONITOR)
    assert not monitor_of(scene, "admin", None).is_connected(MONITOR)
    organiser = make_user(scene.admin, "organiser")
    users.grant_role(scene.admin, organiser.id or 0, scene.contest_id, "organiser")
    assert monitor_of(scene, "organiser", scene.event_id).is_connected(MONITOR)
