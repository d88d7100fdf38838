from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from competition.commands.serve import (
    THREADING_SWITCH_INTERVAL,
    gunicorn_options,
    threading_worker_started,
)
from competition.config import REPOSITORY_ROOT

ATTEMPTS = 300  # polls 0.1 s apart: a bound on the loop, not an assertion about speed


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def fetch_home_page(url: str, server: subprocess.Popen[bytes], log: Path) -> str:
    for _ in range(ATTEMPTS):
        assert server.poll() is None, f"the server exited:\n{log.read_text(errors='replace')}"
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                assert response.status == 200
                body: bytes = response.read()
                return body.decode("utf-8")
        except (ConnectionError, urllib.error.URLError):
            time.sleep(0.1)
    pytest.fail(f"no answer from {url}:\n{log.read_text(errors='replace')}")


@pytest.mark.parametrize("options", [[], ["--dev"]], ids=["gunicorn", "dev"])
def test_serve_answers_the_home_page(tmp_path: Path, rules_dir: Path, options: list[str]) -> None:
    port = free_port()
    env = {
        **os.environ,
        "SECRET_KEY": "serve test",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'serve.db'}",
        "SCORING_RULES_DIR": str(rules_dir),
    }
    upgrade = [sys.executable, "-m", "competition", "db", "upgrade"]
    subprocess.run(upgrade, cwd=REPOSITORY_ROOT, env=env, check=True, capture_output=True)
    command = [sys.executable, "-m", "competition", "serve", "--port", str(port), *options]
    log = tmp_path / "server.log"
    with log.open("wb") as output:
        server = subprocess.Popen(
            command,
            cwd=REPOSITORY_ROOT,
            env=env,
            stdout=output,
            stderr=output,
            start_new_session=True,
        )
    try:
        page = fetch_home_page(f"http://127.0.0.1:{port}/", server, log)
    finally:
        os.killpg(server.pid, signal.SIGTERM)  # the whole group: the dev reloader has a child
        server.wait(timeout=30)

    assert "劳动技能竞赛评分系统" in page


@pytest.mark.parametrize("options", [[], ["--dev"]], ids=["gunicorn", "dev"])
def test_serve_refuses_a_database_without_the_newest_schema(
    tmp_path: Path, rules_dir: Path, options: list[str]
) -> None:
    """A forgotten `competition db upgrade` is said at the start, not met as 500 pages."""
    env = {
        **os.environ,
        "SECRET_KEY": "serve test",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.db'}",
        "SCORING_RULES_DIR": str(rules_dir),
    }
    command = [sys.executable, "-m", "competition", "--lang", "en", "serve"]
    command += ["--port", str(free_port()), *options]
    done = subprocess.run(
        command, cwd=REPOSITORY_ROOT, env=env, capture_output=True, timeout=60, check=False
    )
    assert done.returncode != 0
    assert "run `competition db upgrade` first" in done.stderr.decode("utf-8", "replace")


def test_threading_worker_lets_threads_hold_the_gil_longer() -> None:
    """Thousands of threads waking at once (viewers leaving in bulk) starved the worker's main
    thread of the GIL at Python's 5 ms switch interval; the threading worker sets 50 ms."""
    options = gunicorn_options("threading", "127.0.0.1", 5000, 300, 300)
    assert options["post_fork"] is threading_worker_started
    assert "post_fork" not in gunicorn_options("gevent", "127.0.0.1", 5000, 300, 300)
    before = sys.getswitchinterval()
    try:
        threading_worker_started(None, None)
        assert sys.getswitchinterval() == pytest.approx(THREADING_SWITCH_INTERVAL)
    finally:
        sys.setswitchinterval(before)
    assert THREADING_SWITCH_INTERVAL > before
