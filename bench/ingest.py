"""Benchmark: the live path as an outsider sees it — a judge's mark acked, and every viewer's
board showing it — against the bare Flask-SocketIO echo on the same server setup.

    .venv/bin/python bench/ingest.py [--modes threading,gevent] [--databases sqlite,postgresql]
        [--judges 20] [--viewers 500] [--entrants 1000] [--seconds 10] [--rounds 2]
        [--queue redis] [--output docs/performance.md] [--logs DIR] [--quick]

For each (async mode × database), ``--rounds`` times, alternating so machine noise hits both:

- **echo**: bench/echo_app.py, a minimal Flask-SocketIO app whose ``mark`` event acks its
  payload, under gunicorn with ``competition serve``'s own options (one worker; gthread for
  threading, gevent for gevent); the same judges send marks, the same viewers are connected.
- **serve**: ``competition serve`` on a fresh copy of a database (SQLite file or PostgreSQL
  database) made by ``competition db upgrade`` and bench/ingest_scene.py: a contest in
  scoring with ``--entrants`` entrants and ``--judges`` judges. Judges sign in with their
  link (``GET /judge/login/<token>``) and send marks on ``/judge`` as fast as the acks come
  (one outstanding each, a fresh idempotency key each); viewers follow ``/live?contest=<id>``
  and apply ``snapshot``/``diff`` as docs/protocol.md says (refetching the standings on a
  gap). ``--queue redis``: two server processes behind one Redis channel, judges and viewers
  split between them.

Every client is a raw Engine.IO 4 / Socket.IO 5 websocket on one asyncio loop
(bench/wsclient.py). Afterwards it checks that every acked mark is stored exactly once and,
once the boards settle, that every viewer's board and ``GET /api/contests/<id>/standings``
equal a full recomputation. It prints a table and, with ``--output``, rewrites the section
"Live path: ingest" of the performance document. It exits with 1 when a check fails.
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import concurrent.futures
import contextlib
import hashlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Coroutine, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

import sqlalchemy

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
if str(ROOT) not in sys.path:  # run as `python bench/ingest.py`, not imported as bench.ingest
    sys.path.insert(0, str(ROOT))

from bench.performance_doc import rewrite_section  # noqa: E402
from bench.viewers import (  # noqa: E402
    POSTGRES_SERVER,
    REDIS_URL,
    Server,
    cpu_seconds,
    free_port,
    machine,
    raise_open_files_limit,
    wait_until_up,
)
from bench.wsclient import SocketIO, http_get  # noqa: E402

# the reference algorithm of docs/protocol.md, pure Python: the one import from the app
from competition.services.board_changes import apply_diff  # noqa: E402

SECTION_TITLE = "## Live path: ingest"
TARGET_RATIO, AIM_RATIO = 0.25, 0.50
TARGET_ACK_P99 = 0.100  # seconds
TARGET_VIEWER_P99 = 1.0  # seconds
ACK_TIMEOUT = 10.0  # no answer in this time: the mark is sent again with its key
TRIES = 5  # sends of one mark at most (busy, conflict, no answer)
RETRY_PAUSE = 1.0  # after busy or conflict, as the tablet does
CONNECTING_AT_ONCE = 50
CONNECT_TIMEOUT = 60.0
SETTLE = 10.0  # how long the boards may take to settle after the last mark
MAX_REFETCHES = 100  # per viewer and run
STOP_WAIT = 5.0  # seconds a server may take to stop before it is killed
QUICK: dict[str, Any] = {"judges": 2, "viewers": 3, "entrants": 50, "seconds": 1.0, "rounds": 1}
QUICK |= {"modes": "threading", "databases": "sqlite"}
DEFAULTS: dict[str, Any] = {
    "judges": 20,
    "viewers": 500,
    "entrants": 1000,
    "seconds": 10.0,
    "rounds": 2,
}
DEFAULTS |= {"modes": "threading,gevent", "databases": "sqlite,postgresql"}

Logger = Callable[[str], None]
T = TypeVar("T")


# --- what was sent, and what each board shows ------------------------------------------------


@dataclass
class Mark:
    key: str
    entrant: str
    text: str
    value: Decimal
    sent: float
    acked: float | None = None
    answer: str = ""  # "ok", a refusal's code, or "unanswered"
    seen: int = 0  # viewers whose board came to show it
    last_seen: float = 0.0


@dataclass
class Ledger:
    """Every mark sent in one run. Each mark for an entrant carries a higher value than the
    one before (pass number + a per-entrant fraction) and the entrant's panel is one judge,
    so a board shows a mark exactly when the entrant's total is at least the mark's value."""

    marks: list[Mark] = field(default_factory=list)
    by_entrant: dict[str, list[int]] = field(default_factory=dict)
    values: dict[str, list[Decimal]] = field(default_factory=dict)
    passes: dict[str, int] = field(default_factory=dict)

    def new(self, entrant: str, position: int) -> Mark:
        passes = self.passes[entrant] = self.passes.get(entrant, 0) + 1
        text = f"{passes}.{position * 37 % 100:02d}"
        mark = Mark(f"bench-{uuid.uuid4().hex}", entrant, text, Decimal(text), time.monotonic())
        self.by_entrant.setdefault(entrant, []).append(len(self.marks))
        self.values.setdefault(entrant, []).append(mark.value)
        self.marks.append(mark)
        return mark

    def between(self, entrant: str, low: Decimal | None, high: Decimal) -> list[int]:
        """The marks of ``entrant`` a board showing ``high`` shows and one showing ``low``
        did not."""
        values = self.values.get(entrant, [])
        start = 0 if low is None else bisect.bisect_right(values, low)
        return self.by_entrant.get(entrant, [])[start : bisect.bisect_right(values, high)]


@dataclass
class Held:
    """One board document as a viewer holds it (shared by every viewer holding the same)."""

    version: int
    board: dict[str, Any]
    totals: dict[str, Decimal | None]

    @classmethod
    def of(cls, version: int, board: dict[str, Any]) -> Held:
        totals = {
            row["key"]: None if row.get("total") is None else Decimal(row["total"])
            for event in board.get("events", [])
            for row in event.get("rows", [])
        }
        return cls(version, board, totals)


@dataclass
class Step:
    """A board a viewer moved to: the marks it newly shows, and when each viewer got there."""

    held: Held
    shows: list[int]
    arrivals: list[float] = field(default_factory=list)


@dataclass
class Boards:
    """What every viewer holds. A message applied to a board gives the same board for every
    viewer holding that board, so it is parsed and applied once (a client-side saving only:
    a viewer that refetched holds a board of its own)."""

    ledger: Ledger
    parsed: dict[str, Any] = field(default_factory=dict)
    steps: dict[tuple[int, str], Step] = field(default_factory=dict)
    backwards: int = 0  # a row whose total went down: a board never should

    def parse(self, text: str) -> Any:
        found = self.parsed.get(text)
        if found is None:
            found = self.parsed[text] = json.loads(text)
        return found

    def step(self, held: Held | None, text: str, make: Callable[[], Held], keys: Any) -> Step:
        known = self.steps.get((id(held), text))
        if known is None:
            new = make()
            shows: list[int] = []
            for key in new.totals if keys is None else keys:
                high = new.totals.get(key)
                low = None if held is None else held.totals.get(key)
                if high is None or (low is not None and high <= low):
                    if high is not None and low is not None and high < low:
                        self.backwards += 1
                    continue
                shows.extend(self.ledger.between(key, low, high))
            known = self.steps[(id(held), text)] = Step(new, shows)
        return known


# --- the clients ---------------------------------------------------------------------------


class Judge(SocketIO):
    """A tablet: one mark outstanding at a time, as fast as the answers come."""

    def __init__(self, seat: dict[str, Any], event_id: int, echo: bool) -> None:
        super().__init__("/judge")
        self.codes: list[str] = seat["codes"]
        self.token: str = seat["token"]
        self.event_id = event_id
        self.echo = echo
        self.cookie = ""

    async def sign_in(self, port: int) -> None:
        response = await http_get(port, f"/judge/login/{self.token}")
        if response.status != 302:
            raise RuntimeError(f"the judge link answered {response.status}")
        cookies = [c.split(";", 1)[0] for c in response.header("Set-Cookie")]
        self.cookie = "; ".join(c for c in cookies if c.startswith("session="))
        if not self.cookie:
            raise RuntimeError("the judge link set no session cookie")

    async def work(self, ledger: Ledger, until: float) -> None:
        position = 0
        while time.monotonic() < until and not self.closed:
            code = self.codes[position % len(self.codes)]
            await self.send_mark(ledger.new(code, position))
            position += 1

    async def send_mark(self, mark: Mark) -> None:
        payload = {"key": mark.key, "event_id": self.event_id, "entrant": mark.entrant}
        payload |= {"criterion": "score", "value": mark.text}
        for _ in range(TRIES):
            try:
                answer = await asyncio.wait_for(self.emit("mark", payload), ACK_TIMEOUT)
            except TimeoutError:
                continue  # unknown: send it again with the same key
            except ConnectionError:
                break
            if self.echo or (isinstance(answer, dict) and answer.get("ok")):
                mark.acked, mark.answer = time.monotonic(), "ok"
                return
            mark.answer = str(answer.get("code") if isinstance(answer, dict) else answer)
            if mark.answer not in ("busy", "conflict"):
                return  # refused for good
            await asyncio.sleep(RETRY_PAUSE)
        mark.answer = mark.answer or "unanswered"


class Viewer(SocketIO):
    """A phone on the live board: holds a board and its version, per docs/protocol.md."""

    def __init__(self, boards: Boards, port: int, contest_id: int | None) -> None:
        super().__init__("/live")
        self.boards, self.port, self.contest_id = boards, port, contest_id
        self.held: Held | None = None
        self.ready = asyncio.Event()
        self.refetching = False
        self.pending: list[str] = []
        self.refetches = 0
        self.refetch_errors = 0
        self.task: asyncio.Task[None] | None = None

    def packet(self, packet: str) -> None:
        if packet.startswith("42/live,"):
            text = packet[len("42/live,") :]
            if self.refetching:
                self.pending.append(text)
            else:
                self.message(text)
        else:
            super().packet(packet)
            if self.contest_id is None and self.joined.is_set():
                self.ready.set()  # the echo sends no board
            if self.closed:
                self.ready.set()

    def message(self, text: str) -> None:
        name, data = self.boards.parse(text)
        version = int(data["version"])
        held = self.held
        if held is not None and version <= held.version:
            return  # old, or the same board from another process
        if name == "snapshot":
            step = self.boards.step(held, text, lambda: Held.of(version, data["board"]), None)
        elif name == "diff" and held is not None and data["base"] == held.version:
            change = data["change"]
            keys = {
                r["key"]
                for e in change.get("events", [])
                for r in [*e.get("rows", []), *e.get("patch", [])]
            }
            keys |= {k for e in change.get("events", []) for k in e.get("removed", [])}
            keys |= {r["key"] for e in change.get("events", []) for r in e.get("patch", [])}
            if any("replace" in e for e in change.get("events", [])):
                keys = None  # type: ignore[assignment]

            def applied() -> Held:
                assert held is not None
                return Held.of(version, apply_diff(held.board, change))

            step = self.boards.step(held, text, applied, keys)
        elif name == "diff":
            self.refetch()
            return
        else:
            return
        self.arrive(step)

    def arrive(self, step: Step) -> None:
        step.arrivals.append(time.monotonic())
        self.held = step.held
        self.ready.set()

    def refetch(self) -> None:
        if self.refetches >= MAX_REFETCHES:
            self.refetch_errors += 1
            return
        self.refetches += 1
        self.refetching = True
        self.task = asyncio.create_task(self._refetch())

    async def _refetch(self) -> None:
        try:
            for _ in range(3):
                try:
                    response = await http_get(
                        self.port, f"/api/contests/{self.contest_id}/standings"
                    )
                    if response.status == 200:
                        break
                except (OSError, TimeoutError):
                    pass
                self.refetch_errors += 1
                await asyncio.sleep(0.2)
            else:
                return
            text = response.body.decode()
            document = self.boards.parse(text)
            version = int(document["version"])
            if self.held is None or version > self.held.version:
                make = lambda: Held.of(version, document["board"])  # noqa: E731
                self.arrive(self.boards.step(self.held, "refetch:" + text, make, None))
        finally:
            self.refetching = False
            pending, self.pending = self.pending, []
            for text in pending:
                if self.refetching:
                    self.pending.append(text)
                else:
                    self.message(text)


# --- the servers and the databases -------------------------------------------------------------


@dataclass
class Options:
    modes: list[str]
    databases: list[str]
    judges: int
    viewers: int
    entrants: int
    seconds: float
    rounds: int
    queue: str | None
    logs: Path

    @property
    def processes(self) -> int:
        return 2 if self.queue else 1

    @property
    def connections(self) -> int:  # --threads and --connections of every server process
        return (self.viewers + self.judges) // self.processes + 64


@contextlib.contextmanager
def started(command: list[str], env: dict[str, str], log: Path, label: str) -> Iterator[Server]:
    """One server process (its stderr and stdout kept in ``log``), stopped at the end."""
    port = free_port()
    command = [*command, "--port", str(port)]
    with log.open("ab") as output:
        output.write(f"\n=== {label}: {' '.join(command)}\n".encode())
        output.flush()
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=output, stderr=output, start_new_session=True
        )
    server = Server(label, process, port, log)
    try:
        wait_until_up(server)
        yield server
    finally:
        stop(process)


def stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM, and SIGKILL after a few seconds (the echo's worker lingers on its sockets)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=STOP_WAIT)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=20)


def base_env(**settings: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOCKETIO_")}
    env |= {"SECRET_KEY": "bench-ingest", "COMPETITION_LOCALE": "en", "PYTHONUNBUFFERED": "1"}
    env |= {k: v for k, v in settings.items() if v is not None}
    return env


@contextlib.contextmanager
def echo_servers(options: Options, mode: str, label: str) -> Iterator[list[Server]]:
    size = str(options.connections)
    command = [sys.executable, "-m", "bench.echo_app", "--mode", mode]
    command += ["--threads", size, "--connections", size]
    if options.queue:
        command += ["--queue", options.queue, "--channel", f"bench-echo-{uuid.uuid4().hex}"]
    with contextlib.ExitStack() as stack:
        yield [
            stack.enter_context(
                started(command, base_env(), options.logs / f"{label}.log", f"{label}#{n}")
            )
            for n in range(options.processes)
        ]


@contextlib.contextmanager
def real_servers(options: Options, mode: str, database: str, label: str) -> Iterator[list[Server]]:
    size = str(options.connections)
    command = [competition_command(), "serve", "--host", "127.0.0.1"]
    command += ["--threads", size, "--connections", size]
    env = base_env(
        DATABASE_URL=database,
        SOCKETIO_ASYNC_MODE=mode,
        SOCKETIO_MESSAGE_QUEUE=options.queue,
        SOCKETIO_CHANNEL=f"bench-ingest-{uuid.uuid4().hex}" if options.queue else None,
    )
    with contextlib.ExitStack() as stack:
        yield [
            stack.enter_context(
                started(command, env, options.logs / f"{label}.log", f"{label}#{n}")
            )
            for n in range(options.processes)
        ]


def competition_command() -> str:
    return str(Path(sys.executable).parent / "competition")


def run_checked(command: list[str], env: dict[str, str], log: Path) -> str:
    with log.open("ab") as errors:
        done = subprocess.run(
            command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=errors, timeout=900
        )
    if done.returncode:
        raise RuntimeError(f"{' '.join(command)} failed ({done.returncode}); see {log}")
    return done.stdout.decode()


@dataclass
class Template:
    """A database made once per kind (schema and contest), copied fresh for every run."""

    kind: str
    url: str
    scene: dict[str, Any]
    folder: Path
    copies: list[str] = field(default_factory=list)

    def copy(self) -> str:
        n = len(self.copies) + 1
        if self.kind == "sqlite":
            target = self.folder / f"run-{n}.db"
            with sqlite3.connect(self.url.removeprefix("sqlite:///")) as source:
                with sqlite3.connect(target) as copy:
                    source.backup(copy)
            url = f"sqlite:///{target}"
        else:
            name = f"{self.url.rsplit('/', 1)[1]}_run{n}"
            with admin_connection() as connection:
                connection.execute(sqlalchemy.text(f'DROP DATABASE IF EXISTS "{name}"'))
                template = self.url.rsplit("/", 1)[1]
                connection.execute(
                    sqlalchemy.text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
                )
            url = f"{POSTGRES_SERVER}/{name}"
        self.copies.append(url)
        return url

    def drop(self, url: str) -> None:
        if self.kind == "sqlite":
            for suffix in ("", "-wal", "-shm"):
                Path(url.removeprefix("sqlite:///") + suffix).unlink(missing_ok=True)
        else:
            with admin_connection() as connection:
                name = url.rsplit("/", 1)[1]
                connection.execute(
                    sqlalchemy.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                )


@contextlib.contextmanager
def admin_connection() -> Iterator[sqlalchemy.Connection]:
    engine = sqlalchemy.create_engine(f"{POSTGRES_SERVER}/postgres", isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            yield connection
    finally:
        engine.dispose()


@contextlib.contextmanager
def template(kind: str, options: Options, folder: Path, log: Logger) -> Iterator[Template]:
    started_at = time.monotonic()
    if kind == "sqlite":
        url = f"sqlite:///{folder / 'template.db'}"
    else:
        url = f"{POSTGRES_SERVER}/competition_bench_ingest_{os.getpid()}"
        with admin_connection() as connection:
            name = url.rsplit("/", 1)[1]
            connection.execute(sqlalchemy.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(sqlalchemy.text(f'CREATE DATABASE "{name}"'))
    made = Template(kind, url, {}, folder)
    try:
        env = base_env(DATABASE_URL=url)
        errors = options.logs / f"setup-{kind}.log"
        run_checked([competition_command(), "db", "upgrade"], env, errors)
        setup = [sys.executable, "-m", "bench.ingest_scene", "setup"]
        setup += ["--entrants", str(options.entrants), "--judges", str(options.judges)]
        made.scene = json.loads(run_checked(setup, env, errors))
        log(f"{kind}: schema and contest made in {time.monotonic() - started_at:.1f} s")
        yield made
    finally:
        for copy in made.copies:
            with contextlib.suppress(Exception):
                made.drop(copy)
        if kind == "postgresql":
            with contextlib.suppress(Exception):
                made.drop(url)


# --- one run ---------------------------------------------------------------------------------


@dataclass
class Run:
    """One measured run of the echo or of the real server."""

    kind: str  # "echo" or "serve"
    mode: str
    database: str
    seconds: float
    acked: int = 0  # within the measured window
    ack_latencies: list[float] = field(default_factory=list)
    viewer_latencies: list[float] = field(default_factory=list)  # inf: never seen by all
    answers: dict[str, int] = field(default_factory=dict)
    refetches: int = 0
    refetch_errors: int = 0
    lost: int = 0  # acked, not stored
    doubled: int = 0  # a key stored more than once
    refused_stored: int = 0  # refused, yet stored
    wrong_boards: int = 0  # viewers' boards and the API's not equal to a recomputation
    wrong_totals: int = 0  # entrants whose recomputed total is not their last acked value
    backwards: int = 0
    unseen: int = 0  # acked marks some viewer's board never showed
    viewers: int = 0
    settled: float = 0.0
    client_cpu: float = 0.0  # the benchmark's process, in cores, over the window
    server_cpu: float = 0.0  # the server workers', in cores
    tracebacks: int = 0
    code: str = ""  # digest of the server's code as it was started (see code_digest)
    notes: list[str] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.acked / self.seconds if self.seconds else 0.0

    @property
    def failures(self) -> int:
        return (
            self.lost + self.doubled + self.refused_stored + self.wrong_boards + self.wrong_totals
        )


async def connect_viewers(
    servers: Sequence[Server], boards: Boards, count: int, contest_id: int | None
) -> list[Viewer]:
    gate = asyncio.Semaphore(CONNECTING_AT_ONCE)
    viewers = [Viewer(boards, servers[n % len(servers)].port, contest_id) for n in range(count)]

    async def one(viewer: Viewer) -> None:
        async with gate:
            query = f"&contest={contest_id}" if contest_id is not None else ""
            task = asyncio.create_task(viewer.run_socket(viewer.port, query))
            task.add_done_callback(lambda t: t.exception() if not t.cancelled() else None)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(viewer.ready.wait(), CONNECT_TIMEOUT)

    await asyncio.gather(*(one(v) for v in viewers))
    ready = [v for v in viewers if v.ready.is_set() and not v.closed]
    if len(ready) < count:
        refusals = {json.dumps(v.refusal) for v in viewers if v.refusal is not None}
        raise RuntimeError(f"only {len(ready)} of {count} viewers connected {refusals or ''}")
    return viewers


async def connect_judges(
    servers: Sequence[Server], scene: dict[str, Any], echo: bool
) -> list[Judge]:
    judges = [Judge(seat, scene["event_id"], echo) for seat in scene["judges"]]

    async def one(n: int, judge: Judge) -> None:
        port = servers[n % len(servers)].port
        if not echo:
            await judge.sign_in(port)
        headers = [("Cookie", judge.cookie)] if judge.cookie else []
        task = asyncio.create_task(judge.run_socket(port, "", headers))
        task.add_done_callback(lambda t: t.exception() if not t.cancelled() else None)
        await asyncio.wait_for(judge.joined.wait(), CONNECT_TIMEOUT)
        if judge.refusal is not None or judge.closed:
            raise RuntimeError(f"a judge was refused at connect: {judge.refusal}")

    await asyncio.gather(*(one(n, j) for n, j in enumerate(judges)))
    return judges


async def measure_run(
    kind: str, mode: str, database: str, servers: Sequence[Server], scene: dict[str, Any],
    options: Options, url: str = "",
) -> tuple[Run, Ledger, list[Viewer]]:  # fmt: skip
    echo = kind == "echo"
    ledger = Ledger()
    boards = Boards(ledger)
    run = Run(kind, mode, database, options.seconds)
    contest_id = None if echo else int(scene["contest_id"])
    judges: list[Judge] = []
    viewers: list[Viewer] = []
    try:
        viewers = await connect_viewers(servers, boards, options.viewers, contest_id)
        judges = await connect_judges(servers, scene, echo)
        await asyncio.sleep(0.5)  # connect-time traffic drains
        workers = [server.worker() for server in servers]
        cpu_from = [cpu_seconds(pid) for pid in workers]
        client_from = time.process_time()
        started_at = time.monotonic()
        until = started_at + options.seconds
        await asyncio.gather(*(j.work(ledger, until) for j in judges))
        elapsed = time.monotonic() - started_at
        run.client_cpu = (time.process_time() - client_from) / elapsed
        spent = [cpu_seconds(pid) - before for pid, before in zip(workers, cpu_from, strict=True)]
        run.server_cpu = sum(spent) / elapsed
        marks = ledger.marks
        run.acked = sum(1 for m in marks if m.acked is not None and m.acked <= until)
        run.ack_latencies = [m.acked - m.sent for m in marks if m.acked is not None]
        for mark in marks:
            run.answers[mark.answer] = run.answers.get(mark.answer, 0) + 1
        if not echo:
            await settle(run, viewers, servers[0].port, contest_id, url)
            observe(run, boards, viewers)
        return run, ledger, viewers
    finally:
        for client in [*judges, *viewers]:
            client.close()


async def settle(
    run: Run, viewers: Sequence[Viewer], port: int, contest_id: Any, database: str
) -> None:
    """Wait (at most SETTLE s) until the API and every viewer hold the board version the
    database has (``contests.board_version``, raised with each committed change)."""
    started_at = time.monotonic()
    target = await asyncio.to_thread(board_version, database, contest_id)
    while time.monotonic() - started_at < SETTLE:
        response = await http_get(port, f"/api/contests/{contest_id}/standings")
        version = int(response.json()["version"])
        if (
            version >= target
            and all(v.held is not None and v.held.version >= target for v in viewers)
            and not any(v.refetching for v in viewers)
        ):
            break
        await asyncio.sleep(0.1)
    run.settled = time.monotonic() - started_at


def board_version(database: str, contest_id: int) -> int:
    engine = sqlalchemy.create_engine(database)
    try:
        with engine.connect() as connection:
            query = sqlalchemy.text("SELECT board_version FROM contests WHERE id = :id")
            return int(connection.execute(query, {"id": contest_id}).scalar_one())
    finally:
        engine.dispose()


def observe(run: Run, boards: Boards, viewers: Sequence[Viewer]) -> None:
    marks = boards.ledger.marks
    for step in boards.steps.values():
        if not step.arrivals:
            continue
        last = max(step.arrivals)
        for index in step.shows:
            mark = marks[index]
            mark.seen += len(step.arrivals)
            mark.last_seen = max(mark.last_seen, last)
    run.viewers = len(viewers)
    for mark in marks:
        if mark.acked is None:
            continue
        if mark.seen >= len(viewers):
            run.viewer_latencies.append(mark.last_seen - mark.sent)
        else:
            run.viewer_latencies.append(float("inf"))
            run.unseen += 1
    run.refetches = sum(v.refetches for v in viewers)
    run.refetch_errors = sum(v.refetch_errors for v in viewers)
    run.backwards = boards.backwards


async def api_board(port: int, contest_id: int) -> dict[str, Any]:
    response = await http_get(port, f"/api/contests/{contest_id}/standings")
    if response.status != 200:
        raise RuntimeError(f"the standings answered {response.status}")
    document: dict[str, Any] = response.json()
    return document


def check(
    run: Run, ledger: Ledger, viewers: Sequence[Viewer], api: dict[str, Any], database: str,
    scene: dict[str, Any], logs: Path,
) -> None:  # fmt: skip
    """Stored exactly once; every board equal to a full recomputation; totals as sent."""
    engine = sqlalchemy.create_engine(database)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                sqlalchemy.text(
                    "SELECT idempotency_key, COUNT(*) FROM marks "
                    "WHERE idempotency_key LIKE 'bench-%' GROUP BY idempotency_key"
                )
            ).all()
    finally:
        engine.dispose()
    stored = {key: count for key, count in rows}
    run.lost = sum(1 for m in ledger.marks if m.answer == "ok" and stored.get(m.key, 0) == 0)
    run.doubled = sum(1 for count in stored.values() if count > 1)
    run.refused_stored = sum(
        1 for m in ledger.marks if m.answer not in ("ok", "unanswered") and m.key in stored
    )
    command = [sys.executable, "-m", "bench.ingest_scene", "board"]
    command += ["--contest", str(scene["contest_id"])]
    expected = json.loads(run_checked(command, base_env(DATABASE_URL=database), logs))
    wrong = []
    if api != expected:
        wrong.append(f"API version {api.get('version')} vs {expected['version']}")
    for n, viewer in enumerate(viewers):
        held = viewer.held
        if held is None or held.version != expected["version"] or held.board != expected["board"]:
            wrong.append(f"viewer {n} version {held.version if held else None}")
    run.wrong_boards = len(wrong)
    if wrong:
        run.notes.append(f"wrong boards (expected version {expected['version']}): {wrong[:5]}")
    # the bench's own knowledge: each entrant's total is the last value acked for it
    totals = Held.of(expected["version"], expected["board"]).totals
    last: dict[str, set[Decimal]] = {}
    for mark in ledger.marks:
        if mark.answer == "ok":
            last[mark.entrant] = {mark.value}
        elif mark.answer == "unanswered":  # stored or not: either value may stand
            last.setdefault(mark.entrant, set()).add(mark.value)
    run.wrong_totals = sum(1 for code, values in last.items() if totals.get(code) not in values)


def code_digest() -> str:
    """The server's code as it is on disk (the working tree, uncommitted edits included):
    others may be changing it while the benchmark runs, and the report says so."""
    digest = hashlib.sha256()
    for folder in ("competition", "migrations"):
        for path in sorted((ROOT / folder).rglob("*")):
            if path.is_file() and path.suffix in (".py", ".yaml", ".html", ".js"):
                digest.update(str(path.relative_to(ROOT)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def git_state() -> str:
    try:
        head = (
            subprocess.run(
                ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, timeout=30
            )
            .stdout.decode()
            .strip()
        )
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "competition", "migrations"],
            cwd=ROOT, capture_output=True, timeout=30,
        ).stdout.strip()  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return f"{head}{' with uncommitted changes' if dirty else ''}"


def tracebacks(log: Path, since: int) -> int:
    with log.open("rb") as handle:
        handle.seek(since)
        return handle.read().count(b"Traceback")


async def serve_run(
    mode: str, template_: Template, options: Options, round_: int, log: Logger
) -> Run:
    label = f"serve-{mode}-{template_.kind}-{round_}"
    database = template_.copy()
    code = code_digest()
    server_log = options.logs / f"{label}.log"
    try:
        with real_servers(options, mode, database, label) as servers:
            run, ledger, viewers = await measure_run(
                "serve", mode, template_.kind, servers, template_.scene, options, database
            )
            api = await api_board(servers[0].port, int(template_.scene["contest_id"]))
            check(run, ledger, viewers, api, database, template_.scene, server_log)
        run.tracebacks = tracebacks(server_log, 0)
        run.code = code
    finally:
        template_.drop(database)
        template_.copies.remove(database)
    log(describe(run))
    return run


async def echo_run(
    mode: str, kind: str, scene: dict[str, Any], options: Options, round_: int, log: Logger
) -> Run:
    label = f"echo-{mode}-{kind}-{round_}"
    with echo_servers(options, mode, label) as servers:
        run, _, _ = await measure_run("echo", mode, kind, servers, scene, options)
    run.tracebacks = tracebacks(options.logs / f"{label}.log", 0)
    log(describe(run))
    return run


def describe(run: Run) -> str:
    text = (
        f"{run.kind} {run.mode}/{run.database}: {run.rate:,.0f} acks/s, ack p50/p99 "
        f"{ms(pct(run.ack_latencies, 50))}/{ms(pct(run.ack_latencies, 99))} ms, CPU "
        f"server {run.server_cpu:.2f} / client {run.client_cpu:.2f} cores"
    )
    if run.kind == "serve":
        text += (
            f", viewer p50/p99 {secs(pct(run.viewer_latencies, 50))}/"
            f"{secs(pct(run.viewer_latencies, 99))} s, answers {run.answers}, refetches "
            f"{run.refetches}, lost {run.lost}, doubled {run.doubled}, wrong boards "
            f"{run.wrong_boards}, wrong totals {run.wrong_totals}, unseen {run.unseen}, "
            f"settled in {run.settled:.1f} s, tracebacks {run.tracebacks}"
        )
    return text + "".join(f"\n  {note}" for note in run.notes)


# --- all runs ----------------------------------------------------------------------------------


@dataclass
class Result:
    """One (mode × database): its echo and serve runs, alternated."""

    mode: str
    database: str
    echo: list[Run] = field(default_factory=list)
    serve: list[Run] = field(default_factory=list)

    @property
    def echo_rate(self) -> float:
        return sum(r.acked for r in self.echo) / sum(r.seconds for r in self.echo)

    @property
    def rate(self) -> float:
        return sum(r.acked for r in self.serve) / sum(r.seconds for r in self.serve)

    @property
    def ratio(self) -> float:
        return self.rate / self.echo_rate if self.echo_rate else 0.0

    def pooled(self, name: str) -> list[float]:
        return [x for r in self.serve for x in getattr(r, name)]

    def mean(self, name: str) -> float:
        return float(sum(getattr(r, name) for r in self.serve)) / len(self.serve)

    def total(self, name: str) -> int:
        return sum(getattr(r, name) for r in self.serve)

    @property
    def failures(self) -> int:
        return sum(r.failures for r in self.serve)


def in_own_loop(coroutine: Coroutine[Any, Any, T]) -> T:
    """asyncio.run on a thread of its own: the caller's thread may run a loop already."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def measure(options: Options, log: Logger) -> list[Result]:
    results = {(m, d): Result(m, d) for m in options.modes for d in options.databases}
    options.logs.mkdir(parents=True, exist_ok=True)
    with (
        tempfile.TemporaryDirectory(prefix="bench-ingest-") as folder,
        contextlib.ExitStack() as stack,
    ):
        templates = {
            kind: stack.enter_context(template(kind, options, Path(folder), log))
            for kind in options.databases
        }
        for round_ in range(1, options.rounds + 1):
            for mode in options.modes:
                for kind, made in templates.items():
                    result = results[(mode, kind)]
                    echo = echo_run(mode, kind, made.scene, options, round_, log)
                    result.echo.append(in_own_loop(echo))
                    result.serve.append(in_own_loop(serve_run(mode, made, options, round_, log)))
    return list(results.values())


# --- the report ------------------------------------------------------------------------------


def pct(values: Sequence[float], percent: float) -> float:
    """Nearest-rank percentile (nan when empty)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * percent // 100))
    return ordered[int(rank) - 1]


def ms(seconds: float) -> str:
    return (
        "—" if seconds != seconds else "∞" if seconds == float("inf") else f"{seconds * 1000:.0f}"
    )


def secs(seconds: float) -> str:
    return "—" if seconds != seconds else "∞" if seconds == float("inf") else f"{seconds:.2f}"


HEADERS = (
    "| mode | db | echo acks/s | marks/s | ratio | ack p50 / p99 (ms) | mark→viewers p50 / p99 "
    "(s) | refetches | lost | doubled | wrong boards | wrong totals | CPU server / client "
    "(cores) |",
    "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
)


def table(results: Sequence[Result]) -> str:
    lines = list(HEADERS)
    for r in results:
        acks, seen = r.pooled("ack_latencies"), r.pooled("viewer_latencies")
        lines.append(
            f"| {r.mode} | {r.database} | {r.echo_rate:,.0f} | {r.rate:,.0f} | "
            f"{r.ratio:.1%} | {ms(pct(acks, 50))} / {ms(pct(acks, 99))} | "
            f"{secs(pct(seen, 50))} / {secs(pct(seen, 99))} | {r.total('refetches'):,} | "
            f"{r.total('lost')} | {r.total('doubled')} | {r.total('wrong_boards')} | "
            f"{r.total('wrong_totals')} | {r.mean('server_cpu'):.2f} / "
            f"{r.mean('client_cpu'):.2f} |"
        )
    return "\n".join(lines)


def meets(result: Result) -> list[str]:
    """The targets a result misses (empty: it meets them all)."""
    missed = []
    if result.ratio < TARGET_RATIO:
        missed.append(f"ingest {result.ratio:.1%} of the echo (target ≥ {TARGET_RATIO:.0%})")
    ack = pct(result.pooled("ack_latencies"), 99)
    if not ack <= TARGET_ACK_P99:
        missed.append(f"ack p99 {ms(ack)} ms (target ≤ {TARGET_ACK_P99 * 1000:.0f} ms)")
    seen = pct(result.pooled("viewer_latencies"), 99)
    if not seen <= TARGET_VIEWER_P99:
        missed.append(f"mark→viewers p99 {secs(seen)} s (target ≤ {TARGET_VIEWER_P99:g} s)")
    if result.failures:
        missed.append(f"{result.failures} correctness failures")
    return missed


def section(results: Sequence[Result], options: Options, command: str) -> str:
    queue = (
        "two `competition serve` processes behind one Redis channel "
        "(`SOCKETIO_MESSAGE_QUEUE`), judges and viewers split between them"
        if options.queue
        else "one `competition serve` process, no message queue"
    )
    lines = [
        SECTION_TITLE,
        "",
        "The product's one trip: a judge taps a value, the server commits it and acks, and "
        "every viewer's board shows the new standing. Targets, at 1,000 entrants with 20 "
        "judges sending at full speed and 500 viewers: **marks acked per second ≥ "
        f"{TARGET_RATIO:.0%} of the bare Flask-SocketIO echo** on the same server setup (aim "
        f"{AIM_RATIO:.0%}); **ack p99 ≤ {TARGET_ACK_P99 * 1000:.0f} ms**; **mark → all "
        f"viewers p99 ≤ {TARGET_VIEWER_P99:g} s**; and no mark lost or doubled, no board "
        "wrong.",
        "",
        f"Measured {time.strftime('%Y-%m-%d')} with `{command}`.",
        "",
        "### Machine",
        "",
        *machine(),
        "",
        "### Method",
        "",
        f"- For each async mode × database, {options.rounds} round(s) alternating the echo "
        "and the real server, so machine noise hits both. **Echo**: `bench/echo_app.py`, a "
        "minimal Flask-SocketIO app whose `mark` event on `/judge` acks its payload, served "
        "by gunicorn with `competition serve`'s own options (one worker; gthread for "
        "`threading`, gevent for `gevent`); the same judges send the same marks and the "
        "same viewers are connected (to `/live`, which sends them nothing). **Serve**: "
        f"{queue}, `--threads`/`--connections` {options.connections}, on a fresh copy of a "
        "SQLite file or PostgreSQL database whose schema `competition db upgrade` made "
        "(PostgreSQL's statistics gathered after the setup, as autovacuum would within a "
        "minute of it).",
        f"- The contest (`bench/ingest_scene.py`, through the project's services): "
        f"{options.entrants:,} entrants, {options.judges} judges, one judged criterion on a "
        "0–100000 scale in steps of 0.01, a panel of one judge per entrant (entrant *i* "
        "assigned to judge *i* mod judges) and a plain mean, so the live standings update "
        "incrementally and every mark sets its entrant's total. The shipped welding rules "
        "would not do: a panel of five with a trimmed mean and measured items shows no "
        "total until the panel is complete, so a single mark's effect cannot be seen.",
        "- Clients, written from docs/protocol.md alone, are raw Engine.IO 4 / Socket.IO 5 "
        "websockets on one asyncio loop (`bench/wsclient.py`) on the same machine as the "
        f"server and the database. {options.judges} judges sign in with their link (`GET "
        "/judge/login/<token>` → the `session` cookie) and send `mark` on `/judge` as fast "
        "as the acks come: one outstanding mark each, a fresh idempotency key each, cycling "
        "over their entrants; `busy`/`conflict` are sent again after 1 s and an unanswered "
        f"mark after {ACK_TIMEOUT:g} s with the same key, as the tablet does. "
        f"{options.viewers} viewers follow `/live?contest=<id>` and apply `snapshot` and "
        "`diff` exactly as the protocol says (version and base; a gap refetches `GET "
        "/api/contests/<id>/standings`), with `competition.services.board_changes.apply_diff`"
        " as the algorithm; a message is parsed and applied once for all viewers holding "
        "the same board (a client-side saving; a viewer that refetched holds its own).",
        f"- Marks/s: marks acked `ok` within the {options.seconds:g} s window, pooled over "
        "the rounds; ratio: marks/s ÷ the echo's acks/s. Ack latency: from the mark's first "
        "send to its `ok`. **Mark → viewers**: from sending the mark to the moment the "
        "*last* viewer's board shows it. Each mark carries a higher value than the entrant's "
        "previous one and is the entrant's whole total, so a board shows a mark exactly when "
        "the entrant's row total is at least the mark's value (a later mark for the same "
        "entrant coalesced into the same board counts as shown too); a mark some viewer "
        "never showed counts as ∞.",
        "- Checks after each run: every acked key is stored exactly once (`marks` counted "
        f"by idempotency key in the database: *lost*, *doubled*); after waiting (at most "
        f"{SETTLE:g} s) until the API and every viewer hold the database's board version "
        "(`contests.board_version`), every viewer's board "
        "and `GET /api/contests/<id>/standings` must equal a full recomputation in a fresh "
        "process (`competition.services.board.live_board`) — *wrong boards* counts those "
        "that do not; *wrong totals* counts entrants whose recomputed total is not the last "
        "value acked for them.",
        "",
        "### Results",
        "",
        table(results),
        "",
    ]
    codes = sorted({r.code for result in results for r in result.serve})
    lines.append(
        f"- Server code: commit {git_state()}; digest of `competition/` and `migrations/` "
        f"at each run's start: {', '.join(codes)}"
        + (" — **the code changed during the measurement**." if len(codes) > 1 else ".")
    )
    for result in results:
        echo = " / ".join(f"{r.rate:,.0f}" for r in result.echo)
        serve = " / ".join(f"{r.rate:,.0f}" for r in result.serve)
        lines.append(
            f"- {result.mode} / {result.database} per round: echo {echo} acks/s, serve "
            f"{serve} marks/s; server log tracebacks: {result.total('tracebacks')}."
        )
    for result in results:
        missed = meets(result)
        verdict = "meets every target" if not missed else "misses: " + "; ".join(missed)
        lines.append(f"- {result.mode} / {result.database}: {verdict}.")
    notes = [
        f"{r.mode}/{r.database} round {n}: {note}"
        for result in results
        for n, r in enumerate(result.serve, 1)
        for note in r.notes
    ]
    lines += [f"- Note: {note}" for note in notes]
    return "\n".join(lines) + "\n"


def update_document(path: Path, text: str) -> None:
    rewrite_section(path, SECTION_TITLE, text)


def parse_args(argv: Sequence[str] | None = None) -> tuple[argparse.Namespace, Options]:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--modes", help=f"async modes (default {DEFAULTS['modes']})")
    parser.add_argument("--databases", help=f"sqlite,postgresql (default {DEFAULTS['databases']})")
    parser.add_argument("--judges", type=int, help=f"judges (default {DEFAULTS['judges']})")
    parser.add_argument("--viewers", type=int, help=f"viewers (default {DEFAULTS['viewers']})")
    parser.add_argument("--entrants", type=int, help=f"entrants (default {DEFAULTS['entrants']})")
    parser.add_argument("--seconds", type=float, help=f"window (default {DEFAULTS['seconds']})")
    parser.add_argument("--rounds", type=int, help=f"alternations (default {DEFAULTS['rounds']})")
    parser.add_argument("--queue", choices=["redis"], help="two processes behind Redis")
    parser.add_argument("--output", type=Path, help="write the section into this document")
    parser.add_argument("--logs", type=Path, help="keep the servers' logs here")
    parser.add_argument("--quick", action="store_true", help="a few seconds, for the smoke test")
    args = parser.parse_args(argv)
    defaults = QUICK | {k: v for k, v in DEFAULTS.items() if k not in QUICK}
    defaults = defaults if args.quick else DEFAULTS
    for name, value in defaults.items():
        if getattr(args, name) is None:
            setattr(args, name, value)
    logs = args.logs or Path(tempfile.mkdtemp(prefix="bench-ingest-logs-"))
    options = Options(
        modes=[m.strip() for m in args.modes.split(",") if m.strip()],
        databases=[d.strip() for d in args.databases.split(",") if d.strip()],
        judges=args.judges,
        viewers=args.viewers,
        entrants=args.entrants,
        seconds=args.seconds,
        rounds=args.rounds,
        queue=REDIS_URL if args.queue == "redis" else None,
        logs=logs,
    )
    if not set(options.modes) <= {"threading", "gevent"}:
        parser.error("--modes: threading and/or gevent")
    if not set(options.databases) <= {"sqlite", "postgresql"}:
        parser.error("--databases: sqlite and/or postgresql")
    if options.judges < 1 or options.entrants < options.judges or options.viewers < 1:
        parser.error("at least one judge and one viewer, and an entrant per judge")
    return args, options


def main(argv: Sequence[str] | None = None) -> int:
    args, options = parse_args(argv)

    def log(text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    raise_open_files_limit()
    # a plain kill still stops the server processes and drops the databases
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    log(f"server logs: {options.logs}")
    results = measure(options, log)
    command = "python bench/ingest.py " + " ".join(argv if argv is not None else sys.argv[1:])
    print(table(results))
    if args.output:
        update_document(args.output, section(results, options, command.strip()))
    failures = sum(r.failures for r in results)
    if failures:
        log(f"{failures} correctness failures: see the notes above and {options.logs}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
