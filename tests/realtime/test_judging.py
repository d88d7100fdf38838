"""The /judge namespace: a tablet reads its sheet, sends marks, signs off and hears of
corrections; every refusal names its reason and changes nothing (both databases)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests
import socketio as socketio_client
from flask import Flask
from flask_socketio import SocketIOTestClient
from sqlalchemy import event, func, select

from competition import create_app
from competition.config import REPOSITORY_ROOT
from competition.extensions import db, socketio
from competition.models import Entrant, Mark
from competition.services import assignments, judges, lifecycle, scoring
from competition.services import monitor as monitoring
from competition.services.authority import Actor
from tests.commands.test_serve import fetch_home_page, free_port
from tests.factories import make_admin, make_contest, migrated_schema

JUDGE = "/judge"


@dataclass
class Scene:
    app: Flask
    admin: Actor
    contest_id: int
    event_id: int
    judge_id: int
    token: str


@pytest.fixture
def scene(db_app: Flask) -> Scene:
    return orchard_scene(db_app)


def orchard_scene(db_app: Flask) -> Scene:
    """An orchard contest in scoring: one judge marks canopy pruning of YA001 and YA002."""
    admin = make_admin()
    contest = make_contest(admin, "苹果", rules="apple_orchard_per_mu_benefit.yaml")
    event = contest.events[0]
    for code in ("YA001", "YA002"):
        db.session.add(Entrant(event_id=event.id, code=code, name=code, attributes={}))
    db.session.commit()
    judge, token = judges.create_judge(admin, contest.id, "王志刚")
    assignments.assign(admin, judge.id, event.id, "canopy_pruning")
    lifecycle.advance(admin, contest.id, "open_registration")
    lifecycle.advance(admin, contest.id, "open_scoring")
    return Scene(db_app, admin, contest.id, event.id, judge.id, token)


def tablet(scene: Scene, token: str | None = None, lang: str | None = None) -> SocketIOTestClient:
    """A judge's tablet: the link opened in the browser, then the socket connected."""
    browser = scene.app.test_client()
    assert browser.get(f"/judge/login/{token or scene.token}").status_code == 302
    if lang:
        with browser.session_transaction() as session:
            session["lang"] = lang
    client: SocketIOTestClient = socketio.test_client(
        scene.app, namespace=JUDGE, flask_test_client=browser
    )
    assert client.is_connected(JUDGE)
    return client


def mark(scene: Scene, key: str, entrant: str = "YA001", value: object = "8.5") -> dict[str, Any]:
    return {
        "key": key,
        "event_id": scene.event_id,
        "entrant": entrant,
        "item": "",
        "criterion": "canopy_pruning",
        "value": value,
    }


def send(client: SocketIOTestClient, event: str, data: object = None) -> dict[str, Any]:
    ack: dict[str, Any] = client.emit(event, data, namespace=JUDGE, callback=True)
    return ack


def stored_marks() -> int:
    return db.session.scalar(select(func.count()).select_from(Mark)) or 0


# --- connecting -------------------------------------------------------------------------------


def test_a_socket_without_the_judge_link_is_refused(scene: Scene) -> None:
    anonymous = socketio.test_client(scene.app, namespace=JUDGE)
    assert not anonymous.is_connected(JUDGE)


def test_a_revoked_link_is_refused_at_connect_and_on_the_next_event(scene: Scene) -> None:
    connected = tablet(scene)
    browser = scene.app.test_client()
    browser.get(f"/judge/login/{scene.token}")
    judges.revoke(scene.admin, scene.judge_id, "换人")

    ack = send(connected, "mark", mark(scene, "k-1"))
    assert (ack["ok"], ack["code"], ack["key"]) == (False, "unauthorised", "k-1")
    assert stored_marks() == 0
    late = socketio.test_client(scene.app, namespace=JUDGE, flask_test_client=browser)
    assert not late.is_connected(JUDGE)


def test_a_page_of_another_judge_is_refused_at_connect(scene: Scene) -> None:
    """A tablet's page names its judge: after the browser signed in as another judge, the
    old page's waiting marks must not go in the new judge's name."""
    browser = scene.app.test_client()
    browser.get(f"/judge/login/{scene.token}")
    own = socketio.test_client(
        scene.app, namespace=JUDGE, flask_test_client=browser, auth={"judge_id": scene.judge_id}
    )
    assert own.is_connected(JUDGE)
    other = socketio.test_client(
        scene.app, namespace=JUDGE, flask_test_client=browser, auth={"judge_id": 999}
    )
    assert not other.is_connected(JUDGE)


# --- the sheet --------------------------------------------------------------------------------


def test_the_sheet_lists_what_to_mark_and_what_is_marked(scene: Scene) -> None:
    client = tablet(scene)
    send(client, "mark", mark(scene, "k-1"))

    ack = send(client, "sheet", {})

    assert ack["ok"] is True
    (sheet,) = ack["sheets"]
    assert sheet["event_id"] == scene.event_id and sheet["signed_at"] is None
    assert [c["name"] for c in sheet["criteria"]] == ["canopy_pruning"]
    assert (sheet["criteria"][0]["min"], sheet["criteria"][0]["step"]) == ("0", "0.5")
    assert [e["code"] for e in sheet["entrants"]] == ["YA001", "YA002"]
    assert [(m["entrant"], m["value"]) for m in sheet["marks"]] == [("YA001", "8.5")]
    assert sheet["round_open"][""] is True


# --- marks ------------------------------------------------------------------------------------


def test_a_mark_is_acked_with_its_id_after_the_commit(scene: Scene) -> None:
    client = tablet(scene)

    ack = send(client, "mark", mark(scene, "k-1", value=8.5))

    stored = db.session.scalar(select(Mark).where(Mark.idempotency_key == "k-1"))
    assert stored is not None and stored.value == "8.5"
    assert ack == {"ok": True, "key": "k-1", "mark_id": stored.id, "value": "8.5"}
    assert send(client, "mark", mark(scene, "k-2", "YA002", 7))["value"] == "7"


@contextmanager
def writers_hold_the_database(app: Flask) -> Iterator[None]:
    """Another writer holds the marks table past how long this app waits (made short here),
    as a burst of judges could on a slow machine."""
    engine = db.engine

    def wait_briefly(connection: Any, _record: Any) -> None:
        cursor = connection.cursor()
        if engine.dialect.name == "sqlite":
            cursor.execute("PRAGMA busy_timeout=50")
        else:
            cursor.execute("SET lock_timeout = '50ms'")
        cursor.close()

    event.listen(engine, "connect", wait_briefly)
    db.session.remove()
    engine.dispose()  # every connection from now on waits briefly
    other = engine.connect()
    try:
        if engine.dialect.name == "sqlite":
            other.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            other.exec_driver_sql("LOCK TABLE marks IN EXCLUSIVE MODE")
        yield
    finally:
        other.rollback()
        other.close()
        event.remove(engine, "connect", wait_briefly)
        engine.dispose()


def test_a_mark_the_busy_database_cannot_take_now_is_answered_busy_and_taken_later(
    scene: Scene,
) -> None:
    client = tablet(scene)
    with writers_hold_the_database(scene.app):
        ack = send(client, "mark", mark(scene, "k-1"))
        assert ack == {
            "ok": False,
            "key": "k-1",
            "code": "busy",
            "message": "服务器繁忙：请稍后重新发送评分",
        }
    assert stored_marks() == 0
    # the tablet keeps it queued and sends it again: stored once
    again = send(client, "mark", mark(scene, "k-1"))
    assert again["ok"] is True and again["key"] == "k-1"
    assert stored_marks() == 1


def test_a_resend_with_the_same_key_gets_the_same_ack_and_stores_nothing(scene: Scene) -> None:
    first = send(tablet(scene), "mark", mark(scene, "k-1"))
    after_reconnect = send(tablet(scene), "mark", mark(scene, "k-1"))

    assert after_reconnect == first
    assert stored_marks() == 1


@pytest.mark.parametrize(
    "payload",
    [
        None,
        [],
        "8.5",
        {},
        {"key": "k-1"},
        "unknown field",
        "key too long",
        "empty key",
        "numeric key",
        "event id as text",
        "event id as boolean",
        "entrant as number",
        "value as boolean",
        "value missing",
        "value as list",
        "value too long",
    ],
)
def test_a_malformed_mark_is_refused(scene: Scene, payload: object) -> None:
    full = mark(scene, "k-1")
    changes: dict[str, dict[str, object]] = {
        "unknown field": {"judge": 3},
        "key too long": {"key": "k" * 65},
        "empty key": {"key": ""},
        "numeric key": {"key": 1},
        "event id as text": {"event_id": str(scene.event_id)},
        "event id as boolean": {"event_id": True},
        "entrant as number": {"entrant": 1},
        "value as boolean": {"value": True},
        "value as list": {"value": [8.5]},
        "value too long": {"value": "8" * 33},
    }
    if payload == "value missing":
        payload = {k: v for k, v in full.items() if k != "value"}
    elif isinstance(payload, str) and payload in changes:
        payload = {**full, **changes[payload]}

    ack = send(tablet(scene), "mark", payload)

    assert (ack["ok"], ack["code"]) == (False, "malformed")
    assert ack["message"]
    assert stored_marks() == 0


def test_the_key_is_at_most_64_characters(scene: Scene) -> None:
    ack = send(tablet(scene), "mark", mark(scene, "k" * 64))
    assert ack["ok"] is True


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"entrant": "YA999"}, "unknown_entrant"),
        ({"value": "10.5"}, "invalid_value"),
        ({"value": "8.3"}, "invalid_value"),
        ({"value": "很好"}, "invalid_value"),
        ({"criterion": "pest_control_green", "value": "4"}, "not_assigned"),
        ({"criterion": "no_such_criterion"}, "unknown_criterion"),
    ],
)
def test_a_refused_mark_names_the_reason_and_stores_nothing(
    scene: Scene, change: dict[str, object], code: str
) -> None:
    ack = send(tablet(scene), "mark", {**mark(scene, "k-1"), **change})

    assert (ack["ok"], ack["key"], ack["code"]) == (False, "k-1", code)
    assert ack["message"]
    assert stored_marks() == 0


def test_the_refusal_speaks_the_judges_language(scene: Scene) -> None:
    not_assigned = {**mark(scene, "k-1", value="4"), "criterion": "pest_control_green"}

    assert send(tablet(scene), "mark", not_assigned)["message"] == "你没有此项评分分工"
    english = send(tablet(scene, lang="en"), "mark", not_assigned)
    assert english["message"] == "you are not assigned to mark this"


def test_no_mark_once_the_round_is_closed(scene: Scene) -> None:
    client = tablet(scene)
    lifecycle.set_round(scene.admin, scene.event_id, "", "closed")

    ack = send(client, "mark", mark(scene, "k-1"))

    assert (ack["ok"], ack["code"], ack["message"]) == (False, "round_closed", "此轮次的评分已关闭")
    assert stored_marks() == 0


# --- signing off ------------------------------------------------------------------------------


def test_the_judge_signs_a_complete_sheet_and_then_marks_no_more(scene: Scene) -> None:
    client = tablet(scene)
    send(client, "mark", mark(scene, "k-1"))
    ack = send(client, "sign", {"event_id": scene.event_id})
    assert (ack["ok"], ack["code"]) == (False, "incomplete")

    send(client, "mark", mark(scene, "k-2", "YA002", "7"))
    signed = send(client, "sign", {"event_id": scene.event_id})

    assert signed["ok"] is True and signed["signed_at"]
    assert send(client, "sheet")["sheets"][0]["signed_at"] == signed["signed_at"]
    late = send(client, "mark", mark(scene, "k-3", "YA002", "9"))
    assert (late["ok"], late["code"]) == (False, "signed")
    assert stored_marks() == 2
    again = send(client, "sign", {"event_id": scene.event_id})
    assert (again["ok"], again["code"]) == (False, "signed")


@pytest.mark.parametrize("payload", [None, {}, {"event_id": "1"}, {"event_id": 1, "x": 1}])
def test_a_malformed_sign_off_is_refused(scene: Scene, payload: object) -> None:
    ack = send(tablet(scene), "sign", payload)
    assert (ack["ok"], ack["code"]) == (False, "malformed")


def test_signing_an_event_the_judge_has_no_seat_in_is_refused(scene: Scene) -> None:
    ack = send(tablet(scene), "sign", {"event_id": scene.event_id + 1000})
    assert (ack["ok"], ack["code"]) == (False, "not_assigned")


# --- corrections ------------------------------------------------------------------------------


def test_the_judge_hears_of_the_chief_judges_correction(scene: Scene) -> None:
    client = tablet(scene)
    _, other_token = judges.create_judge(scene.admin, scene.contest_id, "李国华")
    bystander = tablet(scene, token=other_token)
    first = send(client, "mark", mark(scene, "k-1"))

    corrected = scoring.correct_mark(scene.admin, first["mark_id"], "9", "复核发现录入错误")

    (event,) = client.get_received(JUDGE)
    assert event["name"] == "corrected"
    assert event["args"][0] == {
        "mark_id": corrected.id,
        "event_id": scene.event_id,
        "entrant": "YA001",
        "item": "",
        "criterion": "canopy_pruning",
        "value": "9",
        "reason": "复核发现录入错误",
    }
    assert bystander.get_received(JUDGE) == []


# --- over a real server: the websocket transport through gunicorn ----------------------------


@dataclass
class Served:
    url: str
    token: str
    event_id: int


@pytest.fixture
def served(tmp_path: Path, rules_dir: Path) -> Iterator[Served]:
    """`competition serve` (gunicorn, gthread) on a SQLite file holding a contest in scoring."""
    database = f"sqlite:///{tmp_path / 'served.db'}"
    app = create_app(
        {
            "INSTANCE_PATH": tmp_path / "instance",
            "SECRET_KEY": "served",
            "SQLALCHEMY_DATABASE_URI": database,
            "SCORING_RULES_DIR": rules_dir,
        }
    )
    with app.app_context():
        migrated_schema()
        ready = scene_in(app)
        db.engine.dispose()
    port = free_port()
    env = {
        **os.environ,
        "SECRET_KEY": "served",
        "DATABASE_URL": database,
        "SCORING_RULES_DIR": str(rules_dir),
    }
    env.pop("SOCKETIO_MESSAGE_QUEUE", None)
    log = tmp_path / "server.log"
    with log.open("wb") as output:
        server = subprocess.Popen(
            [sys.executable, "-m", "competition", "serve", "--port", str(port)],
            cwd=REPOSITORY_ROOT,
            env=env,
            stdout=output,
            stderr=output,
            start_new_session=True,
        )
    try:
        url = f"http://127.0.0.1:{port}"
        fetch_home_page(f"{url}/", server, log)
        yield Served(url, ready.token, ready.event_id)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def scene_in(app: Flask) -> Scene:
    admin = make_admin()
    contest = make_contest(admin, "苹果", rules="apple_orchard_per_mu_benefit.yaml")
    event = contest.events[0]
    db.session.add(Entrant(event_id=event.id, code="YA001", name="YA001", attributes={}))
    db.session.commit()
    judge, token = judges.create_judge(admin, contest.id, "王志刚")
    assignments.assign(admin, judge.id, event.id, "canopy_pruning")
    lifecycle.advance(admin, contest.id, "open_registration")
    lifecycle.advance(admin, contest.id, "open_scoring")
    return Scene(app, admin, contest.id, event.id, judge.id, token)


def test_the_server_upgrades_to_websocket(served: Served) -> None:
    with socketio_client.SimpleClient() as client:
        client.connect(served.url, transports=["websocket"])
        assert client.transport == "websocket"


def test_a_judge_marks_over_a_websocket(served: Served) -> None:
    browser = requests.Session()
    opened = browser.get(f"{served.url}/judge/login/{served.token}", allow_redirects=False)
    assert opened.status_code == 302
    cookie = "; ".join(f"{name}={value}" for name, value in browser.cookies.items())
    with socketio_client.SimpleClient() as client:
        client.connect(
            served.url, headers={"Cookie": cookie}, namespace=JUDGE, transports=["websocket"]
        )
        assert client.transport == "websocket"
        payload = {
            "key": "tablet-1",
            "event_id": served.event_id,
            "entrant": "YA001",
            "criterion": "canopy_pruning",
            "value": "8.5",
        }
        ack = client.call("mark", payload, timeout=30)
        assert ack["ok"] is True and ack["value"] == "8.5"
        assert client.call("mark", payload, timeout=30) == ack


def test_a_socket_without_the_link_or_from_another_site_is_refused(served: Served) -> None:
    refusals: list[object] = []
    anonymous = socketio_client.Client()
    anonymous.on("connect_error", refusals.append, namespace=JUDGE)
    with pytest.raises(socketio_client.exceptions.ConnectionError):
        anonymous.connect(served.url, namespaces=[JUDGE], transports=["websocket"])
    anonymous.disconnect()
    (refusal,) = refusals
    assert isinstance(refusal, dict) and refusal["data"]["code"] == "unauthorised"
    assert refusal["message"] == refusal["data"]["message"] != ""

    with (
        socketio_client.SimpleClient() as foreign,
        pytest.raises(socketio_client.exceptions.ConnectionError),
    ):
        foreign.connect(
            served.url, headers={"Origin": "https://elsewhere.example"}, transports=["websocket"]
        )


def test_a_board_of_no_public_contest_is_refused_in_the_viewers_language(served: Served) -> None:
    refusals: list[object] = []
    viewer = socketio_client.Client()
    viewer.on("connect_error", refusals.append, namespace="/live")
    with pytest.raises(socketio_client.exceptions.ConnectionError):
        viewer.connect(
            f"{served.url}/?contest=999&lang=en", namespaces=["/live"], transports=["websocket"]
        )
    viewer.disconnect()
    (refusal,) = refusals
    assert isinstance(refusal, dict) and refusal["data"]["code"] == "not_found"
    assert refusal["data"]["message"] == "no such contest"


def test_a_recheck_request_reaches_the_judge(scene: Scene) -> None:
    connected = tablet(scene)
    connected.get_received(JUDGE)
    monitoring.request_recheck(
        scene.admin, scene.event_id, scene.judge_id, "YA001", "", "canopy_pruning", "请再看一下"
    )
    received = [m for m in connected.get_received(JUDGE) if m["name"] == "recheck"]
    assert received and received[0]["args"][0] == {
        "event_id": scene.event_id,
        "entrant": "YA001",
        "item": "",
        "criterion": "canopy_pruning",
        "note": "请再看一下",
    }
