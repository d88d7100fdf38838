"""The /live namespace: the public board of a contest, pushed to every viewer.

A viewer connects with ``?contest=<id>`` and gets a ``snapshot`` (the board and its
version). After that, each change reaches the room ``contest:<id>`` as a ``diff`` with the
version it applies to (``base``) and the version it makes. Changes are coalesced: however
fast marks arrive, a process computes and sends a contest's board at most once per
``LIVE_INTERVAL`` seconds. Versions come from the database, so several processes behind one
message queue agree on them: each change raises the number as soon as it is committed, and a
board is labelled with the number read before it was computed. A viewer whose version is
not a diff's base refetches ``GET /api/contests/<id>/standings``.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, current_app, request
from flask_socketio import ConnectionRefusedError, Namespace, emit, join_room

from competition.extensions import db, socketio
from competition.models import Contest, Event
from competition.services import board, board_changes, notifications
from competition.services.publication import settle
from competition.services.standings import LiveStandings

NAMESPACE = "/live"
DEFAULT_INTERVAL = 0.5  # seconds between two boards of one contest from one process
LOG = logging.getLogger(__name__)


def room_of(contest_id: int) -> str:
    return f"contest:{contest_id}"


@dataclass
class Cached:
    version: int
    board: dict[str, Any]


@dataclass
class Publisher:
    """One per app and process: knows the last board it sent per contest, which contests
    changed since, and sends each changed board after at most one interval."""

    app: Flask
    interval: float = DEFAULT_INTERVAL
    dirty: set[int] = field(default_factory=set)
    last: dict[int, Cached] = field(default_factory=dict)
    sent_at: dict[int, float] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    wake: threading.Event = field(default_factory=threading.Event)
    standings: LiveStandings = field(default_factory=LiveStandings)
    worker: Any = None
    stopped: bool = False

    def touch(self, contest_id: int) -> None:
        """The contest's board may have changed: raise its version now (so no process hands
        out its old copy under the current number) and send it soon."""
        board.next_version(contest_id)
        with self.lock:
            if self.stopped:
                return
            self.dirty.add(contest_id)
            if self.worker is None:
                self.worker = socketio.start_background_task(self._run)
        self.wake.set()

    def stop(self) -> None:
        """Send nothing more and wait for a board being sent (an app shutting down)."""
        with self.lock:
            self.stopped = True
            worker, self.worker = self.worker, None
        self.wake.set()
        if worker is not None:
            worker.join()

    def _run(self) -> None:
        while not self.stopped:
            self.wake.wait()
            self.wake.clear()
            while not self.stopped:
                with self.lock:
                    due = sorted(self.dirty)
                if not due:
                    break
                now = time.monotonic()
                ready = [c for c in due if now - self.sent_at.get(c, 0.0) >= self.interval]
                if not ready:
                    earliest = min(self.sent_at.get(c, 0.0) for c in due) + self.interval
                    socketio.sleep(max(earliest - now, 0.01))
                    continue
                for contest_id in ready:
                    if self.stopped:
                        return
                    with self.lock:
                        self.dirty.discard(contest_id)
                    self.sent_at[contest_id] = time.monotonic()
                    self.send(contest_id)

    def send(self, contest_id: int) -> None:
        """Compute the contest's board under a new version and send the change."""
        with self.app.app_context():
            try:
                contest = db.session.get(Contest, contest_id)
                if contest is None:
                    return
                # read before computing: a board labelled v holds every change raised to v
                version = board.current_version(contest_id)
                previous = self.last.get(contest_id)
                if previous is not None and previous.version >= version:
                    return
                fresh = board.live_board(contest, self.standings.of)
                self.last[contest_id] = Cached(version, fresh)
                if previous is None:
                    socketio.emit(
                        "snapshot",
                        {"version": version, "board": fresh},
                        namespace=NAMESPACE,
                        to=room_of(contest_id),
                    )
                else:
                    socketio.emit(
                        "diff",
                        {
                            "base": previous.version,
                            "version": version,
                            "change": board_changes.diff(previous.board, fresh),
                        },
                        namespace=NAMESPACE,
                        to=room_of(contest_id),
                    )
            except Exception:  # the next change sends a whole new board
                LOG.exception("live board of contest %s failed", contest_id)
                self.last.pop(contest_id, None)
            finally:
                db.session.remove()

    def current(self, contest: Contest) -> Cached:
        """The board at the contest's current version: this process's copy when it is the
        newest, else computed once (viewers refetching together share one computation)."""
        settle(contest)
        version = board.current_version(contest.id)
        cached = self.last.get(contest.id)
        if cached is not None and cached.version == version:
            return cached
        with self.lock:
            cached = self.last.get(contest.id)
            if cached is not None and cached.version == version:
                return cached
            fresh = Cached(version, board.live_board(contest, self.standings.of))
            if cached is None or cached.version <= version:
                self.last[contest.id] = fresh
            return fresh


def publisher(app: Flask | None = None) -> Publisher:
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    found = app.extensions.get("live_publisher")
    if found is None:
        found = Publisher(app, float(app.config.get("LIVE_INTERVAL", DEFAULT_INTERVAL)))
        app.extensions["live_publisher"] = found
    return found


def shutdown(app: Flask) -> None:
    """Stop the app's publisher, if it ever started (before its database goes away)."""
    found = app.extensions.get("live_publisher")
    if found is not None:
        found.stop()


def public_contest(contest_id: object) -> Contest | None:
    """A contest the public may watch: any that has left the draft stage."""
    try:
        number = int(str(contest_id))
    except ValueError:
        return None
    contest = db.session.get(Contest, number)
    if contest is None or contest.status == "draft":
        return None
    return contest


class LiveNamespace(Namespace):  # type: ignore[misc]  # flask_socketio ships no type hints
    def on_connect(self, auth: object = None) -> None:
        wanted = auth.get("contest") if isinstance(auth, dict) else None
        contest = public_contest(wanted if wanted is not None else request.args.get("contest"))
        if contest is None:
            raise ConnectionRefusedError(
                "not_found", {"code": "not_found", "message": "no such contest"}
            )
        join_room(room_of(contest.id))
        cached = publisher().current(contest)
        # to this viewer only: Namespace.emit without a room would reach every viewer
        emit("snapshot", {"version": cached.version, "board": cached.board})


# --- what makes a board change --------------------------------------------------------------


def _contest_of_event(payload: dict[str, Any]) -> None:
    event = db.session.get(Event, int(payload["event_id"]))
    if event is not None:
        publisher().touch(event.contest_id)


def _contest(payload: dict[str, Any]) -> None:
    publisher().touch(int(payload["contest_id"]))


def listen() -> None:
    notifications.subscribe("mark.recorded", _contest_of_event)
    notifications.subscribe("mark.corrected", _contest_of_event)
    notifications.subscribe("board.changed", _contest)
