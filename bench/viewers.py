"""Benchmark: how many live-board viewers one server process holds, per Socket.IO async mode.

    .venv/bin/python bench/viewers.py [--modes threading,gevent] [--viewers 250,500,1000]
                                      [--updates 5] [--entrants 30] [--database URL]
                                      [--bulk 1000] [--leaves abrupt,polite]
                                      [--output docs/performance.md]

For each async mode it starts one ``competition serve`` process as production runs it
(PostgreSQL, the Redis message queue, one gunicorn worker), connects viewers to
``/live?contest=<id>`` over websockets in rising steps and, at each step, has a judge send
marks; every mark changes the board, and the step holds when every viewer receives every
change within one second of the mark being sent. It reports the server worker's memory and
CPU at each step. Then, on a fresh server per mode, ``--bulk`` viewers arrive all at once
and leave all at once (``--leaves``: abrupt, a TCP close and nothing else; polite, a Socket.IO
disconnect and a websocket close first), and it times a request right after each and over
the seconds after, and watches the worker's heartbeat to gunicorn's master (a worker silent
for 30 s is killed). It prints the tables and writes the section "Live board: viewers per
process" of the performance document.

The viewers are raw websocket clients speaking Engine.IO 4 / Socket.IO 5 on one asyncio
loop (wsproto; bench/wsclient.py), so thousands fit in the benchmark's process and the
measurement is of the server, not of a client library's threads.
"""

from __future__ import annotations

import argparse
import asyncio
import concurrent.futures
import contextlib
import json
import os
import platform
import resource
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Coroutine, Iterator, Sequence
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any, TypeVar

import requests
import socketio
import sqlalchemy
from wsproto.events import CloseConnection, TextMessage
from wsproto.utilities import LocalProtocolError

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
if str(ROOT) not in sys.path:  # run as `python bench/NAME.py`, not imported as bench.NAME
    sys.path.insert(0, str(ROOT))

from bench.performance_doc import rewrite_section  # noqa: E402
from bench.wsclient import RawSocket, http_get  # noqa: E402

SECTION_TITLE = "## Live board: viewers per process"
GOAL_SECONDS = 1.0
POSTGRES_SERVER = os.environ.get(
    "BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432"
)
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
LIVE = "/live"
CONNECTING_AT_ONCE = 50
PAUSE = 1.0  # seconds between two marks: more than the publisher's coalescing interval
WAIT = 10.0  # how long an update may take before the step counts it as not delivered

Logger = Callable[[str], None]

# One judged criterion marked by one judge: every mark changes a total and the order.
RULES = """\
# Benchmark contest written by bench/viewers.py.
contest: Benchmark · live board
version: 1
criteria:
  score:
    kind: judged
    label: score
    judges: 1
    scale: { min: 0, max: 100, step: 0.5 }
    aggregate: mean
total:
  formula: score
  round: { ndigits: 2 }
ranking:
  order: desc
  method: competition
"""


# --- the contest and the database --------------------------------------------------------


@dataclass
class Scene:
    contest_id: int
    event_id: int
    token: str
    codes: list[str]


@contextlib.contextmanager
def own_database() -> Iterator[str]:
    """A database of this run's own on the machine's PostgreSQL, dropped at the end."""
    name = f"competition_bench_{os.getpid()}"
    admin = sqlalchemy.create_engine(f"{POSTGRES_SERVER}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sqlalchemy.text(f'DROP DATABASE IF EXISTS "{name}"'))
        connection.execute(sqlalchemy.text(f'CREATE DATABASE "{name}"'))
    try:
        yield f"{POSTGRES_SERVER}/{name}"
    finally:
        with admin.connect() as connection:
            connection.execute(sqlalchemy.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def prepare(database: str, instance: Path, entrants: int) -> Scene:
    """The schema and a contest in scoring: ``entrants`` entrants, one judge marking them."""
    import flask_migrate

    from competition import create_app
    from competition.extensions import db
    from competition.models import Entrant
    from competition.services import assignments, contests, judges, lifecycle, users
    from competition.services.authority import SYSTEM, Actor
    from competition.services.contests import RuleSource

    app = create_app(
        {
            "INSTANCE_PATH": instance,
            "SECRET_KEY": "bench",
            "SQLALCHEMY_DATABASE_URI": database,
            "SOCKETIO_ASYNC_MODE": "threading",
            "SOCKETIO_MESSAGE_QUEUE": None,
        }
    )
    with app.app_context():
        db.drop_all()
        with db.engine.begin() as connection:
            connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
        flask_migrate.upgrade()  # as in production: `competition serve` checks the schema
        admin = Actor.of_user(users.create_user(SYSTEM, "bench", "bench password", is_admin=True))
        contest = contests.create_contest(
            admin, "Benchmark", [("live", RuleSource("bench.yaml", RULES))]
        )
        event = contest.events[0]
        codes = [f"E{n:05d}" for n in range(1, entrants + 1)]
        db.session.add_all(
            Entrant(event_id=event.id, code=code, name=code, attributes={}) for code in codes
        )
        db.session.commit()
        judge, token = judges.create_judge(admin, contest.id, "bench judge")
        assignments.assign(admin, judge.id, event.id, "score")
        lifecycle.advance(admin, contest.id, "open_registration")
        lifecycle.advance(admin, contest.id, "open_scoring")
        scene = Scene(contest.id, event.id, token, codes)
        db.session.remove()
        db.engine.dispose()  # its connections closed now, not whenever they are collected
    return scene


# --- the server ---------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class Server:
    mode: str
    process: subprocess.Popen[bytes]
    port: int
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def worker(self) -> int:
        """The gunicorn worker's process id (the master only watches it)."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        pids = [int(p) for p in children.read_text().split()]
        if len(pids) != 1:
            raise RuntimeError(f"expected one gunicorn worker, found {pids}")
        return pids[0]


@contextlib.contextmanager
def serving(
    mode: str,
    database: str,
    connections: int,
    folder: Path,
    queue: str | None = REDIS_URL,
    name: str = "",
) -> Iterator[Server]:
    """``competition serve`` in ``mode`` on ``database`` and, unless ``queue`` is None, a
    Redis channel of its own."""
    port = free_port()
    env = {
        **os.environ,
        "SECRET_KEY": "bench",
        "DATABASE_URL": database,
        "SOCKETIO_ASYNC_MODE": mode,
        "SOCKETIO_MESSAGE_QUEUE": queue or "",
        "SOCKETIO_CHANNEL": f"competition-bench-{uuid.uuid4().hex}",
    }
    limit = str(connections + 64)
    command = [sys.executable, "-m", "competition", "serve", "--port", str(port)]
    command += ["--threads", limit, "--connections", limit]
    log = folder / f"server-{mode}{name}.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=output, stderr=output, start_new_session=True
        )
    server = Server(mode, process, port, log)
    try:
        wait_until_up(server)
        yield server
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=30)


def wait_until_up(server: Server) -> None:
    for _ in range(300):
        if server.process.poll() is not None:
            raise RuntimeError(f"the server exited:\n{server.log.read_text(errors='replace')}")
        try:
            with urllib.request.urlopen(f"{server.url}/", timeout=5) as response:
                if response.status == 200:
                    return
        except (ConnectionError, TimeoutError, urllib.error.URLError):
            time.sleep(0.1)  # not listening yet, or still importing on a busy machine
    raise RuntimeError(f"no answer from {server.url}")


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for {pid}")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def thread_count(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/task"))


# --- the viewers: Engine.IO 4 / Socket.IO 5 over a raw websocket ------------------------------


@dataclass
class Crowd:
    """Every viewer on one loop: when each board version reached how many of them."""

    viewers: list[Viewer] = field(default_factory=list)
    arrivals: dict[int, list[float]] = field(default_factory=dict)
    snapshots: int = 0
    frames: int = 0
    last_frame: float = 0.0

    def heard(self, version: int) -> None:
        self.arrivals.setdefault(version, []).append(time.monotonic())


@dataclass
class Viewer(RawSocket):
    crowd: Crowd
    ready: asyncio.Event = field(default_factory=asyncio.Event)
    closed: bool = False
    writer: asyncio.StreamWriter | None = None

    async def run(self, port: int, contest_id: int) -> None:
        await self.run_socket(port, f"&contest={contest_id}")

    def leave(self, how: str) -> None:
        """Go away: ``abrupt`` closes the TCP connection and nothing else (a phone losing its
        network, a killed browser); ``polite`` first leaves the namespace (a Socket.IO
        disconnect) and closes the websocket (a close frame), as a page being closed does."""
        writer, ws = self.writer, self._ws
        if how == "polite" and writer is not None and ws is not None and not self.closed:
            with contextlib.suppress(LocalProtocolError):
                writer.write(ws.send(TextMessage(f"41{LIVE},")))
                writer.write(ws.send(CloseConnection(code=1000)))
        self.close()

    def packet(self, packet: str) -> None:
        crowd = self.crowd
        crowd.frames += 1
        crowd.last_frame = time.monotonic()
        if packet == "2":  # Engine.IO ping
            self.send("3")
        elif packet.startswith("0"):  # Engine.IO open: join the namespace
            self.send(f"40{LIVE},")
        elif packet.startswith(f"42{LIVE},"):
            name, data = json.loads(packet[len(LIVE) + 3 :])
            if name == "snapshot":
                if not self.ready.is_set():
                    crowd.snapshots += 1
                    self.ready.set()
            elif name == "diff":
                crowd.heard(int(data["version"]))
        elif packet.startswith(f"44{LIVE},"):  # refused
            self.closed = True
            self.ready.set()


async def connect(
    crowd: Crowd, count: int, port: int, contest_id: int, at_once: int = CONNECTING_AT_ONCE
) -> tuple[int, float]:
    """Connect ``count`` more viewers, ``at_once`` at a time; (how many got their snapshot,
    seconds taken)."""
    started = time.monotonic()
    gate = asyncio.Semaphore(at_once)

    async def one() -> bool:
        async with gate:
            viewer = Viewer(crowd)
            crowd.viewers.append(viewer)
            task = asyncio.create_task(viewer.run(port, contest_id))
            task.add_done_callback(lambda t: t.exception() if not t.cancelled() else None)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(viewer.ready.wait(), timeout=30)
            return viewer.ready.is_set() and not viewer.closed

    results = await asyncio.gather(*(one() for _ in range(count)))
    return sum(results), time.monotonic() - started


async def quiet(crowd: Crowd, seconds: float = 1.0, bound: float = 120.0) -> None:
    """Wait until no frame has arrived for ``seconds`` (connect-time traffic has drained)."""
    deadline = time.monotonic() + bound
    while time.monotonic() < deadline:
        if time.monotonic() - crowd.last_frame >= seconds:
            return
        await asyncio.sleep(0.1)


# --- the judge -----------------------------------------------------------------------------


class Judge:
    """One tablet (python-socketio over a websocket) sending marks to the server."""

    def __init__(self, url: str, scene: Scene) -> None:
        browser = requests.Session()
        opened = browser.get(f"{url}/judge/login/{scene.token}", allow_redirects=False, timeout=30)
        if opened.status_code != 302:
            raise RuntimeError(f"the judge link answered {opened.status_code}")
        cookie = "; ".join(f"{name}={value}" for name, value in browser.cookies.items())
        self.client = socketio.SimpleClient()
        self.client.connect(
            url, headers={"Cookie": cookie}, namespace="/judge", transports=["websocket"]
        )
        self.scene = scene
        self.sent = 0

    def mark(self) -> None:
        code = self.scene.codes[self.sent % len(self.scene.codes)]
        self.sent += 1
        payload = {
            "key": f"bench-{uuid.uuid4().hex}",
            "event_id": self.scene.event_id,
            "entrant": code,
            "criterion": "score",
            "value": str(50 + (self.sent * 7919) % 100 / 2),
        }
        ack = self.client.call("mark", payload, timeout=30)
        if not ack.get("ok"):
            raise RuntimeError(f"mark refused: {ack}")

    def close(self) -> None:
        self.client.disconnect()


# --- one mode, rising steps -----------------------------------------------------------------


@dataclass
class Step:
    viewers: int
    connected: int
    connect_seconds: float
    latencies: list[float]  # per update: sending the mark → the last viewer has the change
    delivered: list[int]  # per update: viewers that got the change
    rss_mb: float
    threads: int
    cpu_per_update: float
    idle_cpu_percent: float

    @property
    def holds(self) -> bool:
        return (
            self.connected == self.viewers
            and all(d == self.viewers for d in self.delivered)
            and all(latency <= GOAL_SECONDS for latency in self.latencies)
        )


@dataclass
class ModeResult:
    mode: str
    base_rss_mb: float
    steps: list[Step]
    bulk: list[Bulk] = field(default_factory=list)

    @property
    def held(self) -> int:
        return max((s.viewers for s in self.steps if s.holds), default=0)

    def per_viewer_kb(self, step: Step) -> float:
        return (step.rss_mb - self.base_rss_mb) * 1024 / step.viewers


async def update(crowd: Crowd, judge: Judge, viewers: int) -> tuple[float, int]:
    """One mark; (seconds until the last viewer had the change, viewers that got it)."""
    known = set(crowd.arrivals)
    sent = time.monotonic()
    await asyncio.to_thread(judge.mark)
    deadline = sent + WAIT
    version = None
    while time.monotonic() < deadline:
        fresh = [v for v in crowd.arrivals if v not in known]
        if fresh:
            version = min(fresh)
            if len(crowd.arrivals[version]) >= viewers:
                break
        await asyncio.sleep(0.005)
    if version is None:
        return WAIT, 0
    times = crowd.arrivals[version]
    return max(times) - sent, len(times)


async def run_mode(
    mode: str, server: Server, scene: Scene, steps: Sequence[int], updates: int, log: Logger
) -> ModeResult:
    crowd = Crowd()
    worker = server.worker()
    judge = await asyncio.to_thread(Judge, server.url, scene)
    try:
        connected, _ = await connect(crowd, 1, server.port, scene.contest_id)
        await quiet(crowd)
        base = rss_mb(worker)
        log(f"{mode}: worker {worker}, {base:.0f} MB with one viewer")
        result = ModeResult(mode, base, [])
        total = 1
        for target in steps:
            count, seconds = await connect(crowd, target - total, server.port, scene.contest_id)
            connected += count
            total = target
            await quiet(crowd)
            idle_from, idle_started = cpu_seconds(worker), time.monotonic()
            await asyncio.sleep(2.0)
            idle = (cpu_seconds(worker) - idle_from) / (time.monotonic() - idle_started) * 100
            rss = rss_mb(worker)
            cpu_from = cpu_seconds(worker)
            latencies, delivered = [], []
            for _ in range(updates):
                latency, got = await update(crowd, judge, connected)
                latencies.append(latency)
                delivered.append(got)
                await asyncio.sleep(PAUSE)
            cpu = (cpu_seconds(worker) - cpu_from) / updates
            step = Step(
                target, connected, seconds, latencies, delivered, rss,
                thread_count(worker), cpu, idle,
            )  # fmt: skip
            result.steps.append(step)
            log(
                f"{mode}: {target} viewers ({connected} connected in {seconds:.1f} s): "
                f"max {max(latencies):.3f} s, delivered {min(delivered)}/{connected}, "
                f"RSS {rss:.0f} MB, {step.threads} threads, CPU {cpu:.3f} s/update, "
                f"idle {idle:.0f} % → {'holds' if step.holds else 'does not hold'}"
            )
            if not step.holds or server.process.poll() is not None:
                break
        return result
    finally:
        for viewer in crowd.viewers:
            viewer.closed = True
            if viewer.writer is not None:
                viewer.writer.close()
        await asyncio.to_thread(judge.close)


# --- viewers arriving and leaving in bulk -----------------------------------------------------


@dataclass
class Bulk:
    """One crowd arriving at once and leaving at once (``how``: abrupt or polite)."""

    mode: str
    how: str
    viewers: int
    connected: int
    connect_seconds: float
    answer_after_arrival: float  # a request sent right after the last snapshot: seconds
    answer_after_leave: float  # a request sent right after every viewer left: seconds
    worst_answer: float  # the slowest of the requests sent over SETTLE seconds after it
    heartbeat_gap: float  # the longest the worker went without telling the master it lives
    cpu_seconds: float  # the worker's user + system time from the leave to SETTLE after
    worker_timeouts: int  # "WORKER TIMEOUT" lines of the server's log since the arrival
    tracebacks: int  # "Traceback" lines of the server's log since the arrival

    @property
    def slowest(self) -> float:
        return max(self.answer_after_arrival, self.answer_after_leave, self.worst_answer)

    @property
    def holds(self) -> bool:
        return (
            self.connected == self.viewers
            and self.worker_timeouts == 0
            and self.tracebacks == 0
            and self.slowest <= GOAL_SECONDS
        )


LEAVES = ("abrupt", "polite")
SETTLE = 3.0  # seconds watched after a bulk leave
ANSWER_WAIT = 60.0  # a request after the leave that takes longer counts as this


class Heartbeat:
    """Watches the file gunicorn's worker touches to tell its master it is alive (the
    master kills a worker silent for longer than its timeout, 30 s): the longest silence."""

    def __init__(self, worker: int) -> None:
        self.path = heartbeat_file(worker)
        self.longest = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _watch(self) -> None:
        last, since = None, time.monotonic()
        while not self._stop.wait(0.05):
            try:
                touched = os.stat(self.path).st_mtime
            except OSError:  # the worker is gone
                break
            now = time.monotonic()
            if touched != last:
                last, since = touched, now
            self.longest = max(self.longest, now - since)


def heartbeat_file(worker: int) -> str:
    for fd in os.listdir(f"/proc/{worker}/fd"):
        with contextlib.suppress(OSError):
            if "wgunicorn-" in os.readlink(f"/proc/{worker}/fd/{fd}"):
                return f"/proc/{worker}/fd/{fd}"
    raise RuntimeError(f"no gunicorn heartbeat file open in worker {worker}")


async def answer_seconds(port: int, path: str, wait: float = ANSWER_WAIT) -> float:
    """How long ``GET path`` takes to answer 200 (``wait`` if it does not within it)."""
    started = time.monotonic()
    try:
        response = await http_get(port, path, timeout=wait)
    except (OSError, TimeoutError):
        return wait
    return time.monotonic() - started if response.status == 200 else wait


async def bulk(
    server: Server,
    scene: Scene,
    viewers: int,
    how: str,
    log: Logger,
    wait: float = ANSWER_WAIT,
) -> Bulk:
    """``viewers`` connect all at once; then all leave at once, and requests are timed (one
    that does not answer within ``wait`` counts as ``wait``)."""
    worker = server.worker()
    path = f"/api/contests/{scene.contest_id}/standings"
    log_from = server.log.stat().st_size
    crowd = Crowd()
    try:
        connected, seconds = await connect(
            crowd, viewers, server.port, scene.contest_id, at_once=viewers
        )
        after_arrival = await answer_seconds(server.port, path, wait)
        await quiet(crowd)
        with Heartbeat(worker) as heartbeat:
            cpu_from = cpu_seconds(worker)
            for viewer in crowd.viewers:
                viewer.leave(how)
            after_leave = await answer_seconds(server.port, path, wait)
            answers = []
            deadline = time.monotonic() + SETTLE
            while time.monotonic() < deadline:
                answers.append(await answer_seconds(server.port, path, wait))
                await asyncio.sleep(0.25)
            cpu = cpu_seconds(worker) - cpu_from if Path(f"/proc/{worker}").exists() else -1
    finally:
        for viewer in crowd.viewers:
            viewer.close()
    text = server.log.read_bytes()[log_from:].decode("utf-8", "replace")
    result = Bulk(
        server.mode, how, viewers, connected, seconds, after_arrival, after_leave,
        max(answers, default=0.0), heartbeat.longest, cpu,
        text.count("WORKER TIMEOUT"), text.count("Traceback"),
    )  # fmt: skip
    log(
        f"{server.mode}: {connected}/{viewers} arrived at once in {seconds:.1f} s (a request "
        f"then {after_arrival:.2f} s), left {how}: a request {after_leave:.2f} s, worst "
        f"{result.worst_answer:.2f} s, heartbeat gap {heartbeat.longest:.2f} s, CPU {cpu:.2f}"
        f" s, {result.worker_timeouts} worker timeouts, {result.tracebacks} tracebacks"
    )
    return result


async def run_bulk(
    server: Server,
    scene: Scene,
    viewers: int,
    leaves: Sequence[str],
    log: Logger,
    wait: float = ANSWER_WAIT,
) -> list[Bulk]:
    return [await bulk(server, scene, viewers, how, log, wait) for how in leaves]


# --- the report ---------------------------------------------------------------------------


def machine() -> list[str]:
    cpu = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    versions = {}
    for package in ("gunicorn", "gevent", "flask-socketio", "python-socketio", "simple-websocket"):
        try:
            versions[package] = version(package)
        except PackageNotFoundError:
            versions[package] = "not installed"
    return [
        f"- cores (nproc): {os.cpu_count()}",
        f"- CPU: {cpu}",
        f"- Python: {platform.python_version()}",
        "- " + ", ".join(f"{name} {v}" for name, v in versions.items()),
        f"- OS: {platform.system()} {platform.release()}",
    ]


def winner(results: Sequence[ModeResult]) -> ModeResult:
    """More viewers held wins; at a tie, less memory per viewer at the largest common step."""

    def key(result: ModeResult) -> tuple[bool, int, float]:
        held = [s for s in result.steps if s.holds and s.viewers == result.held]
        bulk_holds = all(b.holds for b in result.bulk)
        return bulk_holds, result.held, -(result.per_viewer_kb(held[0]) if held else 0.0)

    return max(results, key=key)


def section(results: Sequence[ModeResult], args: argparse.Namespace, command: str) -> str:
    lines = [
        SECTION_TITLE,
        "",
        "Goal: one server process (one gunicorn worker) holds as many live-board viewers as "
        f"possible while delivering every board change to every viewer within {GOAL_SECONDS:g} "
        "s; measured for both Socket.IO async modes, and the deployment uses the one that "
        "holds more.",
        "",
        f"Measured {time.strftime('%Y-%m-%d')} with `{command}`.",
        "",
        "### Machine",
        "",
        *machine(),
        "",
        "### Method",
        "",
        "- One `competition serve` process per mode, as production runs it: PostgreSQL "
        "(`DATABASE_URL`), the Redis message queue (`SOCKETIO_MESSAGE_QUEUE`), one gunicorn "
        "worker (gthread for `SOCKETIO_ASYNC_MODE=threading`, gevent for `gevent`; websockets "
        "through simple-websocket in both), `--threads` and `--connections` raised above the "
        "largest step.",
        f"- A contest of {args.entrants} entrants, one judged criterion and one judge; every "
        "mark changes a total and the order, so every mark makes one `diff` for all viewers.",
        "- Viewers are raw websocket clients (Engine.IO 4 / Socket.IO 5 on one asyncio loop, "
        f"wsproto) joining `/live?contest=<id>`, {CONNECTING_AT_ONCE} connecting at a time, "
        "in rising steps; a viewer counts as connected when its `snapshot` arrived. They run "
        "on the same 2-core machine as the server, PostgreSQL and Redis.",
        f"- At each step the judge (python-socketio over a websocket) sends {args.updates} "
        f"marks {PAUSE:g} s apart. Latency: from sending the mark to the moment the last "
        "viewer has the `diff` (mark handling, the board's computation, Redis and the "
        f"fan-out included). A step holds when every viewer got every change within "
        f"{GOAL_SECONDS:g} s; the ramp stops at the first step that does not.",
        "- Memory: the worker's RSS; per viewer = (RSS at the step − RSS with one viewer) ÷ "
        "viewers. CPU: the worker's user + system time per update while all viewers are "
        "connected, and its idle share (pings only) over 2 s before the updates.",
        "",
        "### Results",
        "",
        "| mode | viewers | connected (s to connect) | latency median / max (s) | delivered "
        "| worker RSS (MB) | per viewer (KB) | threads | CPU per update (s) | idle CPU | holds |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for result in results:
        for step in result.steps:
            lines.append(
                f"| {result.mode} | {step.viewers:,} | {step.connected:,} "
                f"({step.connect_seconds:.1f}) | {statistics.median(step.latencies):.3f} / "
                f"{max(step.latencies):.3f} | {min(step.delivered):,}/{step.connected:,} | "
                f"{step.rss_mb:.0f} | {result.per_viewer_kb(step):.0f} | {step.threads:,} | "
                f"{step.cpu_per_update:.3f} | {step.idle_cpu_percent:.0f} % | "
                f"{'yes' if step.holds else '**no**'} |"
            )
    lines.append("")
    lines.extend(bulk_section(results))
    lines.append(verdict(results, max(args_steps(args))))
    return "\n".join(lines) + "\n"


def bulk_section(results: Sequence[ModeResult]) -> list[str]:
    rows = [b for r in results for b in r.bulk]
    if not rows:
        return []
    lines = [
        "### Viewers arriving and leaving in bulk",
        "",
        f"A fresh server per mode (same settings); {rows[0].viewers:,} viewers connect all at "
        "once, then all leave at once — `abrupt`: each closes its TCP connection and nothing "
        "else (a phone losing its network); `polite`: each sends the Socket.IO disconnect and a "
        "websocket close frame first (a page being closed). Right after the arrival and right "
        f"after the leave a `GET /api/contests/<id>/standings` is timed, then one every 0.25 s "
        f"for {SETTLE:g} s (the worst is shown). Heartbeat gap: the longest the worker went "
        "without touching the file by which gunicorn's master sees it alive (the master kills "
        "a worker silent for 30 s: `WORKER TIMEOUT`). CPU: the worker's user + system time from "
        f"the leave to {SETTLE:g} s after. It holds when every viewer connected, the requests "
        f"answered within {GOAL_SECONDS:g} s and the log has no worker timeout or traceback.",
        "",
        "| mode | left | connected (s) | request after arrival (s) | request after leave (s) "
        "| worst after (s) | heartbeat gap (s) | CPU (s) | worker timeouts | tracebacks "
        "| holds |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for b in rows:
        lines.append(
            f"| {b.mode} | {b.how} | {b.connected:,}/{b.viewers:,} ({b.connect_seconds:.1f}) | "
            f"{b.answer_after_arrival:.2f} | {b.answer_after_leave:.2f} | {b.worst_answer:.2f} "
            f"| {b.heartbeat_gap:.2f} | {b.cpu_seconds:.2f} | {b.worker_timeouts} | "
            f"{b.tracebacks} | {'yes' if b.holds else '**no**'} |"
        )
    lines.append("")
    return lines


def verdict(results: Sequence[ModeResult], largest: int) -> str:
    best = winner(results)
    held = "; ".join(f"{r.mode} {r.held:,}" for r in results)
    if len(results) < 2:
        return f"Viewers held by one process within {GOAL_SECONDS:g} s: {held}."
    if len({r.held for r in results}) == 1:
        common = [s for s in best.steps if s.viewers == best.held]
        memory = "; ".join(
            f"{r.mode} {r.per_viewer_kb(s):.0f} KB"
            for r in results
            for s in r.steps
            if s.viewers == best.held
        )
        at_step = [
            (r.per_viewer_kb(s), r.mode) for r in results for s in r.steps if s.viewers == best.held
        ]
        leaner = min(at_step)[1] if at_step else best.mode
        text = (
            f"**Both modes held every step** (up to {largest:,} viewers within "
            f"{GOAL_SECONDS:g} s); at {best.held:,} viewers **{leaner} needs less memory per "
            f"viewer** ({memory})"
        )
        if not common:
            text = f"Neither mode held a step ({held})"
    else:
        text = (
            f"**{best.mode} holds more**: viewers held by one process within "
            f"{GOAL_SECONDS:g} s — {held} (largest step {largest:,})"
        )
    crowds = [r for r in results if r.bulk]
    if crowds:
        text += ". In bulk: " + "; ".join(
            f"with {r.bulk[0].viewers:,} viewers arriving and leaving at once, {r.mode}'s "
            "slowest request took "
            f"{max(b.slowest for b in r.bulk):.2f} s "
            f"({'held' if all(b.holds for b in r.bulk) else '**did not hold**'})"
            for r in crowds
        )
    return (
        f"{text}. The deployment uses {best.mode} (`SOCKETIO_ASYNC_MODE={best.mode}`, "
        "docs/deployment.md)."
    )


def args_steps(args: argparse.Namespace) -> list[int]:
    return sorted(int(s) for s in args.viewers.split(",") if s.strip())


def update_document(path: Path, text: str) -> None:
    """Replace this benchmark's section of the document, or append it."""
    rewrite_section(path, SECTION_TITLE, text)


def raise_open_files_limit() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


T = TypeVar("T")


def in_own_loop(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run the viewers on an event loop of their own thread: the caller's thread may run one
    already (a test session with Playwright's)."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def measure(args: argparse.Namespace, database: str, log: Logger) -> list[ModeResult]:
    steps = args_steps(args)
    results = []
    crowd = int(getattr(args, "bulk", 0) or 0)
    leaves = [h.strip() for h in getattr(args, "leaves", "").split(",") if h.strip()]
    with tempfile.TemporaryDirectory(prefix="bench-viewers-") as folder:
        scene = prepare(database, Path(folder) / "instance", args.entrants)
        for mode in [m.strip() for m in args.modes.split(",") if m.strip()]:
            with serving(mode, database, max(steps), Path(folder)) as server:
                viewers = run_mode(mode, server, scene, steps, args.updates, log)
                result = in_own_loop(viewers)
            if crowd and leaves:  # a fresh server: the ramp's own end is a bulk leave
                with serving(mode, database, crowd, Path(folder), name="-bulk") as server:
                    result.bulk = in_own_loop(run_bulk(server, scene, crowd, leaves, log))
            results.append(result)
    return results


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--modes", default="threading,gevent", help="async modes to measure")
    parser.add_argument(
        "--viewers", default="250,500,1000,2000,3000,4000", help="viewers at each step"
    )
    parser.add_argument("--updates", type=int, default=5, help="marks sent at each step")
    parser.add_argument("--entrants", type=int, default=30, help="entrants on the board")
    parser.add_argument("--database", help="an existing PostgreSQL database (default: own)")
    parser.add_argument(
        "--bulk", type=int, default=1000, help="viewers arriving and leaving at once (0: none)"
    )
    parser.add_argument(
        "--leaves", default=",".join(LEAVES), help="how the bulk leaves: abrupt, polite"
    )
    parser.add_argument("--output", type=Path, help="write the section into this document")
    args = parser.parse_args(argv)

    def log(text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    raise_open_files_limit()
    # a plain kill still stops the server processes and drops the database
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if args.database:
        results = measure(args, args.database, log)
    else:
        with own_database() as database:
            results = measure(args, database, log)
    command = "python bench/viewers.py " + " ".join(argv if argv is not None else sys.argv[1:])
    text = section(results, args, command.strip())
    print(text)
    if args.output:
        update_document(args.output, text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
