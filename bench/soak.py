"""Soak: judges marking with acks while the server is killed with -9 again and again.

    python bench/soak.py --databases sqlite,postgresql --output docs/performance.md

For each database, a real ``competition serve`` (gevent, as deployed) on a fresh database
with the contest of ``bench/ingest_scene.py`` (a panel of one judge per entrant, so each mark
is its entrant's total). J judges, raw clients written from docs/protocol.md
(``bench/wsclient.py``), each keep one mark outstanding and behave as the tablet does: an
unanswered mark is sent again with the same key after ACK_TIMEOUT, ``busy`` and ``conflict``
after a second, and when the connection drops the judge reconnects (signing in again with
the link if the session cookie is refused) and sends its queued mark again with its key.
During the run the server's process group is killed with SIGKILL ``--kills`` times at even
intervals and started again on the same port after a pause.

Afterwards, with the server up: **lost** — marks acked ``ok`` whose key is not in the marks
table; **doubled** — keys stored more than once, and entrants with more marks in force than
their panel's one judge; **wrong totals** — entrants whose stored total is not the last value
acked for them; **board differences** — rows of ``GET /api/contests/<id>/standings`` that
differ from a full recomputation in a fresh process; and ``competition audit verify``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
if str(ROOT) not in sys.path:  # run as `python bench/soak.py`
    sys.path.insert(0, str(ROOT))

import sqlalchemy  # noqa: E402

from bench.performance_doc import rewrite_section  # noqa: E402
from bench.viewers import Server, free_port, machine, own_database, wait_until_up  # noqa: E402
from bench.wsclient import SocketIO, http_get  # noqa: E402

SECTION_TITLE = "## Reliability: kill -9 under marking"
ACK_TIMEOUT = 5.0
RETRY_PAUSE = 1.0
RESTART_PAUSE = 1.0  # seconds between the kill and the new server
SECRET = "bench-soak"


@dataclass
class Sent:
    key: str
    entrant: str
    value: Decimal
    acked: bool = False
    sends: int = 0


@dataclass
class Tally:
    marks: list[Sent] = field(default_factory=list)
    reconnects: int = 0
    resends: int = 0
    refused: dict[str, int] = field(default_factory=dict)


class Tablet(SocketIO):
    """One judge's tablet: a queue of one mark, kept until it is answered for good."""

    def __init__(self, seat: dict[str, Any], event_id: int, tally: Tally) -> None:
        super().__init__("/judge")
        self.codes: list[str] = seat["codes"]
        self.token: str = seat["token"]
        self.event_id = event_id
        self.tally = tally
        self.cookie = ""
        self.passes: dict[str, int] = {}
        self.reader: asyncio.Task[None] | None = None

    async def sign_in(self, port: int) -> None:
        response = await http_get(port, f"/judge/login/{self.token}", timeout=10)
        if response.status != 302:
            raise ConnectionError(f"the judge link answered {response.status}")
        cookies = [c.split(";", 1)[0] for c in response.header("Set-Cookie")]
        self.cookie = "; ".join(c for c in cookies if c.startswith("session="))

    async def connect(self, port: int) -> None:
        """(Re)connect until the namespace is joined; the server may be down meanwhile."""
        while True:
            try:
                if not self.cookie:
                    await self.sign_in(port)
                self._reset()
                self.reader = asyncio.get_running_loop().create_task(self.read(port))
                await asyncio.wait_for(self.joined.wait(), 10)
                if not self.closed and self.refusal is None:
                    return
                self.cookie = ""  # refused: sign in with the link again
            except (OSError, TimeoutError, ValueError, IndexError):  # a server going down
                pass
            await asyncio.sleep(0.3)

    async def read(self, port: int) -> None:
        try:
            await self.run_socket(port, headers=[("Cookie", self.cookie)])
        except OSError:  # the server is down: say so now, not after connect()'s timeout
            self.closed = True
            self.joined.set()

    def _reset(self) -> None:
        self.closed = False
        self.writer = None
        self._ws = None
        self.joined = asyncio.Event()
        self.refusal = None
        self._acks = {}

    def next_mark(self, position: int) -> Sent:
        code = self.codes[position % len(self.codes)]
        passes = self.passes[code] = self.passes.get(code, 0) + 1
        value = Decimal(f"{passes}.{position * 37 % 100:02d}")
        mark = Sent(f"soak-{uuid.uuid4().hex}", code, value)
        self.tally.marks.append(mark)
        return mark

    async def work(self, port: int, until: float) -> None:
        await self.connect(port)
        position = 0
        while time.monotonic() < until:
            await self.deliver(port, self.next_mark(position))
            position += 1

    async def deliver(self, port: int, mark: Sent) -> None:
        """Send until the mark is answered for good: as the tablet's queue does."""
        payload = {"key": mark.key, "event_id": self.event_id, "entrant": mark.entrant}
        payload |= {"criterion": "score", "value": str(mark.value)}
        while True:
            mark.sends += 1
            if mark.sends > 1:
                self.tally.resends += 1
            if self.closed:
                await self.connect(port)
                self.tally.reconnects += 1
            try:
                answer = await asyncio.wait_for(self.emit("mark", payload), ACK_TIMEOUT)
            except (TimeoutError, ConnectionError):
                if not self.closed:
                    self.close()  # no answer: the connection is as good as gone
                continue
            code = answer.get("code") if isinstance(answer, dict) else "unanswered"
            if isinstance(answer, dict) and answer.get("ok"):
                mark.acked = True
                return
            if code in ("busy", "conflict"):
                await asyncio.sleep(RETRY_PAUSE)
                continue
            if code == "unauthorised":
                self.cookie = ""
                self.close()
                continue
            self.tally.refused[str(code)] = self.tally.refused.get(str(code), 0) + 1
            return


# --- the server, killed and started again ------------------------------------------------------


def competition_command() -> str:
    return str(Path(sys.executable).parent / "competition")


def env_for(database: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOCKETIO_")}
    return env | {
        "SECRET_KEY": SECRET,
        "DATABASE_URL": database,
        "SOCKETIO_ASYNC_MODE": "gevent",
        "PYTHONUNBUFFERED": "1",
    }


def start(database: str, port: int, log: Path) -> Server:
    command = [competition_command(), "serve", "--host", "127.0.0.1", "--port", str(port)]
    with log.open("ab") as output:
        output.write(f"\n=== start {time.strftime('%H:%M:%S')}\n".encode())
        output.flush()
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env_for(database),
            stdout=output,
            stderr=output,
            start_new_session=True,
        )
    server = Server("gevent", process, port, log)
    wait_until_up(server)
    return server


def kill(server: Server) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(server.process.pid, signal.SIGKILL)
    server.process.wait(timeout=30)


def run_checked(command: list[str], database: str, log: Path) -> str:
    with log.open("ab") as errors:
        done = subprocess.run(
            command, cwd=ROOT, env=env_for(database), stdout=subprocess.PIPE, stderr=errors
        )
    if done.returncode:
        raise RuntimeError(f"{' '.join(command)} failed; see {log}")
    return done.stdout.decode()


@contextlib.contextmanager
def fresh_database(kind: str, folder: Path) -> Iterator[str]:
    """A SQLite file in ``folder``, or a PostgreSQL database of this run (bench/viewers.py's)."""
    if kind == "sqlite":
        yield f"sqlite:///{folder / 'soak.db'}"
        return
    with own_database() as url:
        yield url


# --- the checks ------------------------------------------------------------------------------


def stored(database: str) -> tuple[dict[str, int], dict[str, int]]:
    """Each idempotency key's count, and each entrant's count of marks in force."""
    query_keys = "SELECT idempotency_key, count(*) FROM marks GROUP BY idempotency_key"
    query_force = (
        "SELECT e.code, count(*) FROM marks m JOIN entrants e ON e.id = m.entrant_id "
        "WHERE NOT EXISTS (SELECT 1 FROM marks s WHERE s.supersedes_id = m.id) GROUP BY e.code"
    )
    if database.startswith("sqlite"):
        with sqlite3.connect(database.removeprefix("sqlite:///")) as connection:
            keys = dict(connection.execute(query_keys).fetchall())
            force = dict(connection.execute(query_force).fetchall())
    else:
        engine = sqlalchemy.create_engine(database)
        with engine.connect() as connection:
            keys = {k: int(n) for k, n in connection.execute(sqlalchemy.text(query_keys))}
            force = {k: int(n) for k, n in connection.execute(sqlalchemy.text(query_force))}
        engine.dispose()
    return {str(k): int(n) for k, n in keys.items() if k}, {
        str(k): int(n) for k, n in force.items()
    }


def rows_of(board: dict[str, Any]) -> dict[str, Any]:
    return {row["key"]: row for event in board["events"] for row in event["rows"]}


@dataclass
class Result:
    database: str
    seconds: float
    judges: int
    kills: int
    sent: int
    acked: int
    reconnects: int
    resends: int
    lost: int
    doubled: int
    wrong_totals: int
    board_differences: int
    audit: str
    refused: dict[str, int]

    @property
    def failures(self) -> int:
        return (
            self.lost
            + self.doubled
            + self.wrong_totals
            + self.board_differences
            + (0 if self.audit == "intact" else 1)
        )


async def soak(
    database: str, scene: dict[str, Any], options: argparse.Namespace, log: Path
) -> tuple[Tally, list[float], Server]:
    """The run; the server it ends with is left running for the checks (and killed if the
    run fails: no server is ever left behind)."""
    port = free_port()
    running = [start(database, port, log)]  # the server of the moment
    tally = Tally()
    kills: list[float] = []
    began = time.monotonic()
    until = began + options.seconds
    tablets = [Tablet(seat, scene["event_id"], tally) for seat in scene["judges"]]
    work = [asyncio.create_task(t.work(port, until)) for t in tablets]
    try:
        for n in range(1, options.kills + 1):
            await asyncio.sleep(
                began + options.seconds * n / (options.kills + 1) - time.monotonic()
            )
            kill(running[0])
            kills.append(time.monotonic() - began)
            await asyncio.sleep(RESTART_PAUSE)
            running[0] = await asyncio.get_running_loop().run_in_executor(
                None, start, database, port, log
            )
        await asyncio.wait_for(asyncio.gather(*work), options.seconds + 120)
    except BaseException:
        kill(running[0])
        raise
    finally:
        for tablet in tablets:
            tablet.close()
    await asyncio.sleep(2)  # the publisher's last board
    return tally, kills, running[0]


def check(
    kind: str,
    database: str,
    scene: dict[str, Any],
    soaked: tuple[Tally, list[float], Server],
    options: argparse.Namespace,
    log: Path,
) -> Result:
    tally, kills, server = soaked
    keys, in_force = stored(database)
    acked = [m for m in tally.marks if m.acked]
    lost = sum(1 for m in acked if m.key not in keys)
    doubled = sum(1 for n in keys.values() if n > 1) + sum(1 for n in in_force.values() if n > 1)
    last: dict[str, Decimal] = {}
    for mark in tally.marks:  # one judge per entrant, one mark at a time: in sending order
        if mark.key in keys:
            last[mark.entrant] = mark.value
    recomputed = json.loads(
        run_checked(
            [
                sys.executable,
                "-m",
                "bench.ingest_scene",
                "board",
                "--contest",
                str(scene["contest_id"]),
            ],
            database,
            log,
        )
    )
    fresh = rows_of(recomputed["board"])
    wrong_totals = sum(
        1
        for code, value in last.items()
        if fresh.get(code, {}).get("total") is None or Decimal(fresh[code]["total"]) != value
    )
    api = asyncio.run(http_get(server.port, f"/api/contests/{scene['contest_id']}/standings"))
    live_rows = rows_of(api.json()["board"])
    differences = sum(1 for key, row in fresh.items() if live_rows.get(key) != row)
    verified = subprocess.run(
        [competition_command(), "--lang", "en", "audit", "verify"],
        cwd=ROOT,
        env=env_for(database),
        capture_output=True,
        text=True,
    )
    audit = "intact" if verified.returncode == 0 else (verified.stderr.strip() or "failed")
    kill(server)
    return Result(
        kind,
        options.seconds,
        len(scene["judges"]),
        len(kills),
        len(tally.marks),
        len(acked),
        tally.reconnects,
        tally.resends,
        lost,
        doubled,
        wrong_totals,
        differences,
        audit,
        tally.refused,
    )


def run(kind: str, options: argparse.Namespace, folder: Path) -> Result:
    log = folder / f"soak-{kind}.log"
    with fresh_database(kind, folder) as database:
        run_checked([competition_command(), "db", "upgrade"], database, log)
        setup = [sys.executable, "-m", "bench.ingest_scene", "setup"]
        setup += ["--entrants", str(options.entrants), "--judges", str(options.judges)]
        scene = json.loads(run_checked(setup, database, log))
        soaked = asyncio.run(soak(database, scene, options, log))
        return check(kind, database, scene, soaked, options, log)


def section(results: Sequence[Result], command: str) -> str:
    lines = [
        SECTION_TITLE,
        "",
        "Goal: judges marking with acknowledgements while the server is killed with -9 three "
        "times lose no acked mark, double none, and the board equals a recomputation.",
        "",
        f"Measured {time.strftime('%Y-%m-%d')} with `{command}`.",
        "",
        *machine(),
        "",
        "Method: `bench/soak.py` (its docstring has the details). One `competition serve` "
        "(gevent) on a fresh database, the contest of `bench/ingest_scene.py` (one judge per "
        "entrant, so each mark is its entrant's total); the judges send as fast as the acks "
        "come and resend as docs/protocol.md says (same key after no answer, a second after "
        "`busy`/`conflict`, after reconnecting when the connection dropped); the server's "
        "process group gets SIGKILL at even intervals and is started again a second later. "
        "Then the marks table, a recomputation in a fresh process, the live API and "
        "`competition audit verify` are compared.",
        "",
        "| database | seconds | judges | kills | marks sent | acked | reconnects | resends "
        "| lost | doubled | wrong totals | board differences | audit chain |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in results:
        lines.append(
            f"| {r.database} | {r.seconds:.0f} | {r.judges} | {r.kills} | {r.sent:,} | "
            f"{r.acked:,} | {r.reconnects:,} | {r.resends:,} | {r.lost} | {r.doubled} | "
            f"{r.wrong_totals} | {r.board_differences} | {r.audit} |"
        )
    refused = {k: v for r in results for k, v in r.refused.items()}
    lines += [
        "",
        "Refused for good (neither lost nor doubled: answered with a reason): "
        + (", ".join(f"`{k}` {v}" for k, v in sorted(refused.items())) or "none")
        + ".",
        "",
        "**Met**: 0 lost, 0 doubled, every board equal to a recomputation, the audit chain "
        "intact, on every database above."
        if all(r.failures == 0 for r in results)
        else "**Not met**: see the table.",
        "",
    ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--judges", type=int, default=15)
    parser.add_argument("--entrants", type=int, default=300)
    parser.add_argument("--seconds", type=float, default=40.0)
    parser.add_argument("--kills", type=int, default=3)
    parser.add_argument("--output", type=Path)
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="bench-soak-"))
    print(f"logs: {folder}", file=sys.stderr)
    results = []
    for kind in [d.strip() for d in args.databases.split(",") if d.strip()]:
        result = run(kind, args, folder)
        print(result, file=sys.stderr, flush=True)
        results.append(result)
    command = "python bench/soak.py " + " ".join(argv if argv is not None else sys.argv[1:])
    text = section(results, command.strip())
    print(text)
    if args.output:
        rewrite_section(args.output, SECTION_TITLE, text)
    return 1 if any(r.failures for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
