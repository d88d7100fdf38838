"""HTTP load while judges mark: C clients on the public pages and the API of a contest in
scoring, and J judges marking over websockets at the same time, against a real
``competition serve`` (gevent, as deployed) on SQLite and PostgreSQL.

    python bench/http_load.py --clients 200 --judges 20 --output docs/performance.md

Each client loops over ``/live/<id>``, ``/live/<id>/screen``, ``/api/contests/<id>/standings``,
``/api/contests`` and ``/`` (a fresh connection each, as phones arrive) for the run's seconds,
the clients starting over the first second, after each page was requested once;
a request counts as an error on any status but 200 and as a timeout after REQUEST_TIMEOUT.
The judges are bench/soak.py's tablets (one mark outstanding, resends as the protocol says);
their ack latency is reported too. Goal: 0 errors and 0 timeouts.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
if str(ROOT) not in sys.path:  # run as `python bench/http_load.py`
    sys.path.insert(0, str(ROOT))

from bench.performance_doc import rewrite_section  # noqa: E402
from bench.soak import (  # noqa: E402
    Sent,
    Tablet,
    Tally,
    competition_command,
    fresh_database,
    kill,
    run_checked,
    start,
)
from bench.viewers import free_port, machine  # noqa: E402
from bench.wsclient import http_get  # noqa: E402

SECTION_TITLE = "## Reliability: HTTP load while judges mark"
REQUEST_TIMEOUT = 10.0
RAMP = 1.0  # seconds over which the clients start


@dataclass
class Load:
    statuses: Counter[str] = field(default_factory=Counter)
    latencies: list[float] = field(default_factory=list)


class TimedTablet(Tablet):
    """A tablet that also keeps how long each mark took to be acked."""

    def __init__(self, seat: dict[str, Any], event_id: int, tally: Tally) -> None:
        super().__init__(seat, event_id, tally)
        self.ack_times: list[float] = []

    async def deliver(self, port: int, mark: Sent) -> None:
        began = time.monotonic()
        await super().deliver(port, mark)
        if mark.acked:
            self.ack_times.append(time.monotonic() - began)


async def client(
    port: int, paths: list[str], until: float, load: Load, offset: int, clients: int
) -> None:
    await asyncio.sleep(RAMP * offset / clients)  # phones arrive over a second, not at once
    n = offset
    while time.monotonic() < until:
        path = paths[n % len(paths)]
        n += 1
        began = time.monotonic()
        try:
            response = await http_get(port, path, timeout=REQUEST_TIMEOUT)
            load.statuses[str(response.status)] += 1
        except TimeoutError:
            load.statuses["timeout"] += 1
        except OSError as error:
            load.statuses[type(error).__name__] += 1
        load.latencies.append(time.monotonic() - began)


def pct(values: Sequence[float], percent: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * percent / 100))] if ordered else 0.0


@dataclass
class Result:
    database: str
    clients: int
    judges: int
    seconds: float
    requests: int
    errors: int
    timeouts: int
    p50: float
    p99: float
    marks: int
    ack_p50: float
    ack_p99: float
    statuses: dict[str, int]
    tracebacks: int


async def measure(
    kind: str, database: str, scene: dict[str, Any], args: argparse.Namespace, log: Path
) -> Result:
    port = free_port()
    server = await asyncio.get_running_loop().run_in_executor(None, start, database, port, log)
    contest = scene["contest_id"]
    paths = [
        f"/live/{contest}",
        f"/live/{contest}/screen",
        f"/api/contests/{contest}/standings",
        "/api/contests",
        "/",
    ]
    for path in paths:  # each page once, as a venue's server has served them before
        await http_get(port, path, timeout=60)
    tally = Tally()
    load = Load()
    until = time.monotonic() + args.seconds
    tablets = [TimedTablet(seat, scene["event_id"], tally) for seat in scene["judges"]]
    try:
        tasks = [asyncio.create_task(t.work(port, until)) for t in tablets]
        tasks += [
            asyncio.create_task(client(port, paths, until, load, n, args.clients))
            for n in range(args.clients)
        ]
        await asyncio.wait_for(asyncio.gather(*tasks), args.seconds + 120)
    finally:
        for tablet in tablets:
            tablet.close()
        kill(server)
    acks = [t for tablet in tablets for t in tablet.ack_times]
    errors = sum(n for status, n in load.statuses.items() if status not in ("200", "timeout"))
    text = log.read_text(encoding="utf-8", errors="replace")
    return Result(
        kind,
        args.clients,
        len(tablets),
        args.seconds,
        sum(load.statuses.values()),
        errors,
        load.statuses.get("timeout", 0),
        pct(load.latencies, 50),
        pct(load.latencies, 99),
        sum(1 for m in tally.marks if m.acked),
        pct(acks, 50),
        pct(acks, 99),
        dict(load.statuses),
        text.count("Traceback"),
    )


def run(kind: str, args: argparse.Namespace, folder: Path) -> Result:
    log = folder / f"http-load-{kind}.log"
    with fresh_database(kind, folder) as database:
        run_checked([competition_command(), "db", "upgrade"], database, log)
        setup = [sys.executable, "-m", "bench.ingest_scene", "setup"]
        setup += ["--entrants", str(args.entrants), "--judges", str(args.judges)]
        scene = json.loads(run_checked(setup, database, log))
        return asyncio.run(measure(kind, database, scene, args, log))


def section(results: Sequence[Result], command: str) -> str:
    lines = [
        SECTION_TITLE,
        "",
        "Goal: 200 HTTP clients on the live pages and the API while 20 judges mark get 0 errors "
        "and 0 timeouts.",
        "",
        f"Measured {time.strftime('%Y-%m-%d')} with `{command}`.",
        "",
        *machine(),
        "",
        "Method: `bench/http_load.py` (its docstring has the details): one `competition serve` "
        "(gevent), the contest of `bench/ingest_scene.py`, each page requested once before "
        "the run (a venue's server has served them before); the clients start over the "
        "first second and each loops over the phone "
        "page, the big screen, the standings API, the contest list and the home page on a new "
        f"connection per request (timeout {REQUEST_TIMEOUT:.0f} s), while the judges mark as "
        "fast as their acks come.",
        "",
        "| database | clients | judges | seconds | requests | errors | timeouts "
        "| request p50 / p99 (ms) | marks acked | ack p50 / p99 (ms) | tracebacks |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r.database} | {r.clients} | {r.judges} | {r.seconds:.0f} | {r.requests:,} | "
            f"{r.errors} | {r.timeouts} | {r.p50 * 1000:.0f} / {r.p99 * 1000:.0f} | "
            f"{r.marks:,} | {r.ack_p50 * 1000:.0f} / {r.ack_p99 * 1000:.0f} | {r.tracebacks} |"
        )
    met = all(r.errors == 0 and r.timeouts == 0 and r.tracebacks == 0 for r in results)
    lines += [
        "",
        "**Met**: no errors, no timeouts."
        if met
        else "**Not met**: see the table. "
        + "; ".join(f"{r.database}: {r.statuses}" for r in results),
        "",
    ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--judges", type=int, default=20)
    parser.add_argument("--entrants", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--output", type=Path)
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="bench-http-load-"))
    print(f"logs: {folder}", file=sys.stderr)
    results = []
    for kind in [d.strip() for d in args.databases.split(",") if d.strip()]:
        result = run(kind, args, folder)
        print(result, file=sys.stderr, flush=True)
        results.append(result)
    command = "python bench/http_load.py " + " ".join(argv if argv is not None else sys.argv[1:])
    text = section(results, command.strip())
    print(text)
    if args.output:
        rewrite_section(args.output, SECTION_TITLE, text)
    return 0 if all(r.errors == r.timeouts == r.tracebacks == 0 for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
