"""Scale-out: two real server processes share one PostgreSQL database and one Redis message
queue; a mark accepted by process A reaches a viewer of the live board connected to
process B, over a websocket."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import redis
import requests
import socketio as socketio_client
from flask import Flask

from competition import create_app
from competition.config import REPOSITORY_ROOT
from competition.extensions import db
from competition.models import Contest as ContestRow
from competition.models import Entrant, Judge
from competition.services import assignments, board, contests, judges, lifecycle, marks
from competition.services.authority import Actor
from competition.services.board_changes import apply_diff
from competition.services.contests import RuleSource
from competition.services.marks import MarkInput
from competition.services.standings import event_standings
from tests.commands.test_serve import fetch_home_page, free_port
from tests.factories import make_admin, migrated_schema

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
LIVE = "/live"
JUDGE = "/judge"
DEADLINE = 30.0  # seconds: a bound on each wait, not an assertion about speed


@dataclass
class Contest:
    contest_id: int
    event_id: int
    token: str


@dataclass
class Cluster:
    a: str
    b: str
    channel: str
    contest: Contest
    app: Flask


@pytest.fixture
def redis_channel() -> Iterator[str]:
    """A channel of this test's own on the machine's Redis, so parallel runs do not cross.
    Unreachable Redis fails the run in CI (CI=true) and skips the test elsewhere."""
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.exceptions.ConnectionError as error:
        if os.environ.get("CI") == "true":
            pytest.fail(f"Redis is not reachable at {REDIS_URL}: {error}")
        pytest.skip(f"Redis is not reachable at {REDIS_URL}")
    finally:
        client.close()
    yield f"competition-test-{uuid.uuid4().hex}"


# one judged criterion marked by one judge: every mark changes a total and the order
RULES = """\
contest: 扩容测试
version: 1
criteria:
  score:
    kind: judged
    label: 实操评分
    judges: 1
    scale: { min: 0, max: 10, step: 0.5 }
    aggregate: mean
total:
  formula: score
  round: { ndigits: 2 }
ranking:
  order: desc
  method: competition
"""


def contest_in_scoring(app: Flask) -> Contest:
    """A contest in scoring with entrants A001 and A002 and one judge who marks both."""
    with app.app_context():
        migrated_schema()
        admin = make_admin()
        contest = contests.create_contest(
            admin, "扩容", [("实操", RuleSource("scale.yaml", RULES))]
        )
        event = contest.events[0]
        for code in ("A001", "A002"):
            db.session.add(Entrant(event_id=event.id, code=code, name=code, attributes={}))
        db.session.commit()
        judge, token = judges.create_judge(admin, contest.id, "王志刚")
        assignments.assign(admin, judge.id, event.id, "score")
        lifecycle.advance(admin, contest.id, "open_registration")
        lifecycle.advance(admin, contest.id, "open_scoring")
        ready = Contest(contest.id, event.id, token)
        db.session.remove()
    return ready


@pytest.fixture(params=["threading", "gevent"])
def cluster(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    rules_dir: Path,
    postgres_url: str,
    redis_channel: str,
) -> Iterator[Cluster]:
    """Two `competition serve` processes (gunicorn, one worker each) on one PostgreSQL
    database and one Redis channel, in each async mode."""
    app = create_app(
        {
            "INSTANCE_PATH": tmp_path / "instance",
            "SECRET_KEY": "scale out",
            "SQLALCHEMY_DATABASE_URI": postgres_url,
            "SCORING_RULES_DIR": rules_dir,
        }
    )
    contest = contest_in_scoring(app)
    env = {
        **os.environ,
        "SECRET_KEY": "scale out",
        "DATABASE_URL": postgres_url,
        "SCORING_RULES_DIR": str(rules_dir),
        "SOCKETIO_MESSAGE_QUEUE": REDIS_URL,
        "SOCKETIO_CHANNEL": redis_channel,
        "SOCKETIO_ASYNC_MODE": request.param,
    }
    servers: list[tuple[subprocess.Popen[bytes], Path]] = []
    try:
        urls = []
        for name in ("a", "b"):
            port = free_port()
            log = tmp_path / f"server-{name}.log"
            with log.open("wb") as output:
                server = subprocess.Popen(
                    [sys.executable, "-m", "competition", "serve", "--port", str(port)],
                    cwd=REPOSITORY_ROOT,
                    env=env,
                    stdout=output,
                    stderr=output,
                    start_new_session=True,
                )
            servers.append((server, log))
            urls.append(f"http://127.0.0.1:{port}")
        for (server, log), url in zip(servers, urls, strict=True):
            fetch_home_page(f"{url}/", server, log)
        yield Cluster(urls[0], urls[1], redis_channel, contest, app)
    finally:
        for server, _ in servers:
            os.killpg(server.pid, signal.SIGTERM)
        for server, _ in servers:
            server.wait(timeout=30)
        with app.app_context():
            db.drop_all()
            db.engine.dispose()


@dataclass
class Viewer:
    """A phone watching the live board: the board it holds and every version it was sent."""

    client: socketio_client.Client
    board: dict[str, Any] = field(default_factory=dict)
    version: int = -1
    received: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def on_snapshot(self, data: dict[str, Any]) -> None:
        with self.lock:
            self.received.append(("snapshot", data))
            self.board, self.version = data["board"], data["version"]

    def on_diff(self, data: dict[str, Any]) -> None:
        with self.lock:
            self.received.append(("diff", data))
            if data["base"] == self.version:
                self.board = apply_diff(self.board, data["change"])
                self.version = data["version"]


def watch(url: str, contest_id: int) -> Viewer:
    viewer = Viewer(socketio_client.Client(reconnection=False))
    viewer.client.on("snapshot", viewer.on_snapshot, namespace=LIVE)
    viewer.client.on("diff", viewer.on_diff, namespace=LIVE)
    viewer.client.connect(
        f"{url}?contest={contest_id}", namespaces=[LIVE], transports=["websocket"]
    )
    return viewer


def wait_for(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + DEADLINE
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"waited {DEADLINE:.0f} s for {what}")
        time.sleep(0.05)


def subscribers(channel: str) -> int:
    client = redis.Redis.from_url(REDIS_URL)
    try:
        ((_, count),) = client.pubsub_numsub(channel)
        return int(count)
    finally:
        client.close()


def row_of(board: dict[str, Any], key: str) -> dict[str, Any]:
    (event,) = board["events"]
    (row,) = [r for r in event["rows"] if r["key"] == key]
    return row


def progress(board: dict[str, Any]) -> dict[str, int]:
    (event,) = board["events"]
    return dict(event["progress"])


def judge_socket(url: str, token: str) -> socketio_client.SimpleClient:
    browser = requests.Session()
    opened = browser.get(f"{url}/judge/login/{token}", allow_redirects=False, timeout=30)
    assert opened.status_code == 302
    cookie = "; ".join(f"{name}={value}" for name, value in browser.cookies.items())
    client = socketio_client.SimpleClient()
    client.connect(url, headers={"Cookie": cookie}, namespace=JUDGE, transports=["websocket"])
    return client


def test_a_mark_sent_to_process_a_reaches_a_viewer_of_process_b(cluster: Cluster) -> None:
    contest = cluster.contest
    on_b = watch(cluster.b, contest.contest_id)
    on_a = watch(cluster.a, contest.contest_id)  # so process A holds the board it changes
    try:
        assert on_b.client.transport() == "websocket"
        wait_for(lambda: on_b.version >= 0 and on_a.version >= 0, "both snapshots")
        wait_for(lambda: subscribers(cluster.channel) == 2, "both processes on the queue")
        first = on_b.version
        assert row_of(on_b.board, "A001")["total"] is None

        tablet = judge_socket(cluster.a, contest.token)
        try:
            mark = {
                "key": "tablet-1",
                "event_id": contest.event_id,
                "entrant": "A001",
                "criterion": "score",
                "value": "8.5",
            }
            assert tablet.call("mark", mark, timeout=DEADLINE)["ok"] is True
            wait_for(lambda: row_of(on_b.board, "A001")["total"] == "8.50", "A001's total on B")
            second = on_b.version
            assert progress(on_b.board) == {"complete": 1, "expected": 2}
            assert row_of(on_b.board, "A001")["rank"] == 1

            again = {**mark, "key": "tablet-2", "entrant": "A002", "value": "9"}
            assert tablet.call("mark", again, timeout=DEADLINE)["ok"] is True
            wait_for(lambda: row_of(on_b.board, "A002")["total"] == "9.00", "A002's total on B")
        finally:
            tablet.disconnect()
    finally:
        on_a.client.disconnect()
        on_b.client.disconnect()

    assert [r["key"] for r in on_b.board["events"][0]["rows"]] == ["A002", "A001"]
    assert progress(on_b.board) == {"complete": 2, "expected": 2}
    # one snapshot, B's own: A's viewer's snapshot went to that viewer only
    assert [kind for kind, _ in on_b.received].count("snapshot") == 1
    assert on_b.received[0][0] == "snapshot"
    diffs = [data for kind, data in on_b.received if kind == "diff"]
    assert diffs and diffs[0]["base"] == first, "the first diff applies to B's own snapshot"
    versions = [first] + [d["version"] for d in diffs]
    assert versions == sorted(set(versions)), versions
    assert first < second < on_b.version


def board_now(cluster: Cluster) -> dict[str, Any]:
    """The board as a full recomputation from the database makes it."""
    with cluster.app.app_context():
        contest = db.session.get(ContestRow, cluster.contest.contest_id)
        assert contest is not None
        found = board.live_board(contest, event_standings)
        db.session.remove()
    return found


def api_board(url: str, contest_id: int) -> dict[str, Any]:
    answer = requests.get(f"{url}/api/contests/{contest_id}/standings", timeout=DEADLINE)
    return dict(answer.json()["board"])


def test_after_a_burst_through_both_processes_every_board_is_the_same(cluster: Cluster) -> None:
    """Marks sent to A and to B as fast as acks come back, and one committed by a process
    that told nobody: every viewer of each process, and each process's API, ends on the
    board a full recomputation gives."""
    contest = cluster.contest
    viewers = [watch(url, contest.contest_id) for url in (cluster.a, cluster.b, cluster.b)]
    tablets = [judge_socket(url, contest.token) for url in (cluster.a, cluster.b)]
    try:
        wait_for(lambda: all(v.version >= 0 for v in viewers), "every snapshot")
        for n in range(40):
            mark = {
                "key": f"burst-{n}",
                "event_id": contest.event_id,
                "entrant": ("A001", "A002")[n % 2],
                "criterion": "score",
                "value": str(n % 21 / 2),
            }
            assert tablets[n % 2].call("mark", mark, timeout=DEADLINE)["ok"] is True
        with cluster.app.app_context():
            judge = db.session.query(Judge).filter_by(contest_id=contest.contest_id).one()
            actor = Actor("judge", judge.id, judge.name)
            marks.record_mark(actor, contest.event_id, MarkInput("A001", "score", "9.5"))
            db.session.remove()
        expected = board_now(cluster)
        assert row_of(expected, "A001")["total"] == "9.50"
        wait_for(lambda: all(v.board == expected for v in viewers), "every viewer on the board")
        for url in (cluster.a, cluster.b):
            wait_for(
                lambda url=url: api_board(url, contest.contest_id) == expected,
                f"the API of {url}",
            )
    finally:
        for tablet in tablets:
            tablet.disconnect()
        for viewer in viewers:
            viewer.client.disconnect()
    for viewer in viewers:
        versions = [data["version"] for _, data in viewer.received]
        assert versions == sorted(set(versions)), versions
