"""The live path against a real `competition serve` (gunicorn, gevent as deployed): a change
committed where the server never heard of it — by a process that died between its commit
and its broadcast — still reaches every viewer, and a server killed with -9 and started
again shows every mark committed meanwhile."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from flask import Flask

from competition import create_app
from competition.config import REPOSITORY_ROOT
from competition.extensions import db
from competition.models import Contest, Judge
from competition.services import board, marks
from competition.services.authority import Actor
from competition.services.marks import MarkInput
from competition.services.standings import event_standings
from tests.commands.test_serve import fetch_home_page, free_port
from tests.realtime.test_scale_out import (
    DEADLINE,
    Viewer,
    contest_in_scoring,
    judge_socket,
    row_of,
    wait_for,
    watch,
)


@dataclass
class Server:
    url: str
    process: subprocess.Popen[bytes]
    log: Path


@dataclass
class Venue:
    app: Flask
    contest_id: int
    event_id: int
    token: str
    env: dict[str, str]
    tmp_path: Path


def start(venue: Venue, name: str) -> Server:
    port = free_port()
    log = venue.tmp_path / f"server-{name}.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "competition", "serve", "--port", str(port)],
            cwd=REPOSITORY_ROOT,
            env=venue.env,
            stdout=output,
            stderr=output,
            start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}"
    fetch_home_page(f"{url}/", process, log)
    return Server(url, process, log)


def kill(server: Server, how: signal.Signals = signal.SIGKILL) -> None:
    if server.process.poll() is None:
        os.killpg(server.process.pid, how)
    server.process.wait(timeout=30)


@pytest.fixture
def venue(tmp_path: Path, rules_dir: Path) -> Iterator[Venue]:
    """A contest in scoring (one judge, A001 and A002) in a SQLite file a server can open."""
    uri = f"sqlite:///{tmp_path / 'venue.db'}"
    app = create_app(
        {
            "INSTANCE_PATH": tmp_path / "instance",
            "SECRET_KEY": "live path",
            "SQLALCHEMY_DATABASE_URI": uri,
            "SCORING_RULES_DIR": rules_dir,
        }
    )
    contest = contest_in_scoring(app)
    env = {
        **os.environ,
        "SECRET_KEY": "live path",
        "DATABASE_URL": uri,
        "SCORING_RULES_DIR": str(rules_dir),
        "SOCKETIO_ASYNC_MODE": "gevent",
    }
    env.pop("SOCKETIO_MESSAGE_QUEUE", None)
    yield Venue(app, contest.contest_id, contest.event_id, contest.token, env, tmp_path)
    with app.app_context():
        db.engine.dispose()


def commit_elsewhere(venue: Venue, code: str, value: str) -> None:
    """A mark committed by another process, which then dies before telling anyone."""
    with venue.app.app_context():
        judge = db.session.query(Judge).filter_by(contest_id=venue.contest_id).one()
        actor = Actor("judge", judge.id, judge.name)
        marks.record_mark(actor, venue.event_id, MarkInput(code, "score", value))
        db.session.remove()


def expected_board(venue: Venue) -> dict[str, object]:
    with venue.app.app_context():
        contest = db.session.get(Contest, venue.contest_id)
        assert contest is not None
        found = board.live_board(contest, event_standings)
        db.session.remove()
        return found


def api_board(server: Server, contest_id: int) -> dict[str, object]:
    answer = requests.get(f"{server.url}/api/contests/{contest_id}/standings", timeout=DEADLINE)
    assert answer.status_code == 200
    return dict(answer.json()["board"])


def test_a_change_the_server_never_heard_of_reaches_its_viewers(venue: Venue) -> None:
    server = start(venue, "a")
    viewer: Viewer | None = None
    try:
        viewer = watch(server.url, venue.contest_id)
        wait_for(lambda: viewer is not None and viewer.version >= 0, "the snapshot")
        commit_elsewhere(venue, "A001", "7.5")
        wait_for(lambda: row_of(viewer.board, "A001")["total"] == "7.50", "A001 on the board")
        assert viewer.board == expected_board(venue)
        assert api_board(server, venue.contest_id) == expected_board(venue)
    finally:
        if viewer is not None:
            viewer.client.disconnect()
        kill(server, signal.SIGTERM)
    assert "Traceback" not in server.log.read_text(encoding="utf-8", errors="replace")


def test_after_kill_minus_9_and_a_restart_the_board_shows_every_committed_mark(
    venue: Venue,
) -> None:
    first = start(venue, "first")
    viewer = watch(first.url, venue.contest_id)
    try:
        wait_for(lambda: viewer.version >= 0, "the snapshot")
        commit_elsewhere(venue, "A001", "6")
        wait_for(lambda: row_of(viewer.board, "A001")["total"] == "6.00", "A001 before the kill")
        tablet = judge_socket(first.url, venue.token)
        mark = {"key": "k-1", "event_id": venue.event_id, "entrant": "A001", "value": "8"}
        answer = tablet.call("mark", mark | {"criterion": "score"}, timeout=DEADLINE)
        assert answer["ok"] is True
    finally:
        kill(first)  # at once after the ack: no goodbye, the connections just break
        viewer.client.disconnect()
    commit_elsewhere(venue, "A002", "9")  # committed while no server runs
    second = start(venue, "second")
    again = watch(second.url, venue.contest_id)
    try:
        wait_for(lambda: again.version >= 0, "the snapshot after the restart")
        assert row_of(again.board, "A001")["total"] == "8.00"  # acked just before the kill
        assert row_of(again.board, "A002")["total"] == "9.00"
        assert again.board == expected_board(venue)
        assert api_board(second, venue.contest_id) == expected_board(venue)
    finally:
        again.client.disconnect()
        kill(second, signal.SIGTERM)
