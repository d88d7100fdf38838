"""Public boards computed in a process of their own, beside the server's.

A board is pandas work: placing a field of 1,000 entrants and diffing it against the last
board takes tens of milliseconds of one core, twice a second at full speed. Inside the
server it holds Python's GIL all that time, and every tablet's thread or greenlet waiting
to read its socket, commit a mark or send its ack waits behind it — and, released and
taken back at each system call, waits again (the judges' ack p99 was several times the
board's own time). Here the server asks this process for the board of a contest, and waits
on a pipe without holding the GIL; the board is computed on the machine's other core.

The worker is the same application: :class:`competition.services.live_boards.BoardFeed`
run in-process, with its own database connections, standings cache and row memos (an
unchanged row is the same object from one board to the next, which makes the diff cheap:
so the worker diffs too, against the board the server says its viewers hold). It reads
everything from the database, so nothing the server knows is needed for a correct board.

Protocol on the worker's stdin and stdout: each message is a pickle preceded by its length
(8 bytes, big-endian). The first is the application's settings; then each request is
``(contest_id, base_version | None)``, answered with ``("ok", None)`` (a draft or no
contest), ``("ok", (version, board, change | None))`` (the change from ``base_version``
when the worker still holds that board) or ``("error", traceback)``. The worker ends when
its stdin closes (the server stopped or died); it says ``("ready", None)`` once it has made
its application, and until then the server computes its boards itself.
``python -m competition.board_worker``.
"""

from __future__ import annotations

import logging
import os
import pickle
import signal
import struct
import sys
import threading
import time
import traceback
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import IO, Any, cast

LOG = logging.getLogger(__name__)
HEADER = struct.Struct(">Q")
KEPT = 4  # boards the worker keeps per contest to diff against (the server's may lag one)
# the settings a worker needs to be the same application (the rest it reads as the server
# does, from the environment it inherits)
SETTINGS = (
    "SQLALCHEMY_DATABASE_URI",
    "SQLALCHEMY_ENGINE_OPTIONS",
    "SCORING_RULES_DIR",
    "COMPETITION_TIME_ZONE",
    "SECRET_KEY",
    "TESTING",
)


class WorkerFailed(RuntimeError):
    """The worker could not compute a board (its traceback is the message)."""


class NotReady(RuntimeError):
    """The worker is still starting (its imports take a second or two): compute this board
    elsewhere rather than keep a viewer waiting."""


def send(stream: IO[bytes], message: object) -> None:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(HEADER.pack(len(data)) + data)
    stream.flush()


def receive(stream: IO[bytes]) -> Any:
    """The next message, or None at the end of the stream."""
    head = _read(stream, HEADER.size)
    if head is None:
        return None
    data = _read(stream, HEADER.unpack(head)[0])
    if data is None:
        return None
    return pickle.loads(data)  # noqa: S301 - our own child process, over its own pipe


def _read(stream: IO[bytes], size: int) -> bytes | None:
    parts: list[bytes] = []
    left = size
    while left:
        part = stream.read(left)
        if not part:
            return None
        parts.append(part)
        left -= len(part)
    return b"".join(parts)


def settings_of(config: Mapping[str, Any], instance_path: str) -> dict[str, Any]:
    """What the worker's application is made with: the server's own database and rules, no
    message queue (it sends nothing to anybody) and no worker of its own."""
    chosen = {name: config[name] for name in SETTINGS if name in config}
    return chosen | {
        "INSTANCE_PATH": instance_path,
        "SOCKETIO_ASYNC_MODE": "threading",
        "SOCKETIO_MESSAGE_QUEUE": None,
        "BOARD_PROCESS": False,
    }


def _original(module: str, name: str) -> Any:
    """The standard library's function even where gevent has patched it: the worker is
    started, read and reaped from real threads, not greenlets (gevent's subprocess and its
    child watcher belong to the hub's thread)."""
    found = getattr(sys.modules[module], name)
    try:
        from gevent import monkey  # type: ignore[import-untyped]
    except ImportError:  # pragma: no cover - gevent is a dependency
        return found
    if monkey.is_object_patched(module, name):
        return monkey.get_original(module, name)
    return found


@dataclass
class Child:
    """A running worker: its process id and the two ends of its pipes."""

    pid: int
    requests: IO[bytes]
    answers: IO[bytes]
    ready: bool = False  # it said so, once its application was made

    @classmethod
    def spawn(cls) -> Child:
        to_child, requests = os.pipe()
        answers, from_child = os.pipe()
        try:
            pid = _original("os", "posix_spawn")(
                sys.executable,
                [sys.executable, "-m", "competition.board_worker"],
                os.environ,
                file_actions=[
                    (os.POSIX_SPAWN_DUP2, to_child, 0),
                    (os.POSIX_SPAWN_DUP2, from_child, 1),
                ],
            )
        except BaseException:
            for end in (requests, answers):
                os.close(end)
            raise
        finally:
            os.close(to_child)
            os.close(from_child)
        return cls(pid, os.fdopen(requests, "wb"), os.fdopen(answers, "rb"))

    def alive(self) -> bool:
        try:
            pid, _ = _original("os", "waitpid")(self.pid, os.WNOHANG)
        except ChildProcessError:  # reaped already (gevent's watcher may have)
            return False
        return bool(pid == 0)

    def stop(self) -> None:
        """Close its stdin (it ends at once) and reap it."""
        for stream in (self.requests, self.answers):
            try:
                stream.close()
            except OSError:
                pass
        waitpid = _original("os", "waitpid")
        for _ in range(50):
            try:
                pid, _ = waitpid(self.pid, os.WNOHANG)
            except ChildProcessError:
                return
            if pid:
                return
            time.sleep(0.1)
        os.kill(self.pid, signal.SIGKILL)
        try:
            waitpid(self.pid, 0)
        except ChildProcessError:
            pass


@dataclass
class BoardWorker:
    """The server's end: one worker process per server process, started on first use and
    again after it died. :meth:`compute` is called from real threads (the live publisher's,
    gevent's pool), one at a time."""

    settings: dict[str, Any]
    lock: threading.Lock = field(default_factory=lambda: _original_lock())
    child: Child | None = None
    closed: bool = False

    def start(self) -> None:
        with self.lock:
            self._running()

    def compute(self, contest_id: int, base: int | None) -> tuple[int, Any, Any] | None:
        """(version, board, change from ``base`` or None), or None for a draft or no
        contest. A worker that died is started again once for the same request."""
        with self.lock:
            for attempt in range(2):
                child = self._running()
                if not child.ready:
                    raise NotReady
                try:
                    send(child.requests, (contest_id, base))
                    answer = receive(child.answers)
                except (OSError, EOFError, pickle.UnpicklingError):
                    answer = None
                if answer is None:  # the worker is gone: once more with a new one
                    self._stop()
                    if attempt:
                        raise WorkerFailed("the board worker ended")
                    continue
                status, value = answer
                if status == "error":
                    raise WorkerFailed(value)
                return cast(tuple[int, Any, Any] | None, value)
        raise AssertionError("unreachable")

    def close(self) -> None:
        with self.lock:
            self.closed = True
            self._stop()

    def _running(self) -> Child:
        if self.closed:
            raise WorkerFailed("the board worker is closed")
        if self.child is not None and self.child.alive():
            return self.child
        self._stop()
        child = Child.spawn()
        send(child.requests, self.settings)
        self.child = child
        # a real thread, not a greenlet: it blocks on the pipe until the worker is ready
        _original("_thread", "start_new_thread")(_await_ready, (child,))
        return child

    def _stop(self) -> None:
        child, self.child = self.child, None
        if child is not None:
            child.stop()


def _await_ready(child: Child) -> None:
    try:
        answer = receive(child.answers)
    except (OSError, ValueError, EOFError, pickle.UnpicklingError):
        answer = None
    child.ready = answer == ("ready", None)


def _original_lock() -> threading.Lock:
    from competition.offload import pool_lock

    return pool_lock()


# --- the worker's end ------------------------------------------------------------------------


def serve(requests: IO[bytes], answers: IO[bytes]) -> None:
    settings = receive(requests)
    if settings is None:
        return
    from competition import create_app
    from competition.extensions import db
    from competition.services import board_changes
    from competition.services.live_boards import Board, board_feed

    app = create_app(settings)
    feed = board_feed(app)
    send(answers, ("ready", None))
    kept: dict[int, dict[int, Board]] = {}
    while True:
        request = receive(requests)
        if request is None:
            return
        contest_id, base = request
        try:
            with app.app_context():
                try:
                    fresh = feed.now(contest_id)
                finally:
                    db.session.remove()
            if fresh is None:
                send(answers, ("ok", None))
                continue
            boards = kept.setdefault(contest_id, {})
            old = boards.get(base) if base is not None else None
            change = None
            if old is not None and old.version < fresh.version:
                change = board_changes.diff(old.board, fresh.board)
            boards[fresh.version] = fresh
            for version in sorted(boards)[:-KEPT]:
                del boards[version]
        except Exception:
            LOG.exception("board of contest %s failed", contest_id)
            send(answers, ("error", traceback.format_exc()))
            continue
        send(answers, ("ok", (fresh.version, fresh.board, change)))


def main() -> None:
    # the answers go on a copy of stdout; anything printed goes to stderr instead
    answers = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    logging.basicConfig(level=logging.WARNING)
    serve(sys.stdin.buffer, answers)


if __name__ == "__main__":
    main()
