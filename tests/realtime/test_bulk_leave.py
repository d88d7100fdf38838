"""Viewers arriving and leaving in bulk never stall the server (issue 10).

A real `competition serve` per async mode (SQLite, no message queue: the embedded shape);
a few hundred viewers of the live board connect at once and then all go at once, abruptly
(TCP closed, nothing else) and politely (Socket.IO disconnect and websocket close first).
The server must still answer a request afterwards, and its log must show no worker killed
for silence (`WORKER TIMEOUT`) and no traceback. In threading mode 1,000 viewers leaving at
once used to starve the gunicorn worker's main thread of the GIL for over 30 s, and the
master killed it. Timings are not asserted: a request answering within 10 s proves "answers".
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bench import viewers as bench

VIEWERS = 300
ANSWERS_WITHIN = 10.0  # seconds: "the server answers", not a performance goal


@pytest.mark.parametrize("mode", ["threading", "gevent"])
def test_viewers_leaving_at_once_never_stall_the_worker(tmp_path: Path, mode: str) -> None:
    bench.raise_open_files_limit()
    database = f"sqlite:///{tmp_path / 'bulk.db'}"
    scene = bench.prepare(database, tmp_path / "instance", entrants=10)
    with bench.serving(mode, database, VIEWERS, tmp_path, queue=None) as server:
        results = bench.in_own_loop(
            bench.run_bulk(server, scene, VIEWERS, bench.LEAVES, lambda _: None, ANSWERS_WITHIN)
        )
        assert server.process.poll() is None, "the server exited"
        log = server.log.read_text(errors="replace")

    assert [r.how for r in results] == list(bench.LEAVES)
    for result in results:
        assert result.connected == VIEWERS, result
        assert result.answer_after_arrival < ANSWERS_WITHIN, result
        assert result.answer_after_leave < ANSWERS_WITHIN, result
        assert result.worst_answer < ANSWERS_WITHIN, result
    assert "WORKER TIMEOUT" not in log
    assert "Traceback" not in log, log[-4000:]
