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
from competition.i18n import current_locale
from competition.models import Contest
from competition.rules.messages import N_, msg
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
    """One per app and process: the last board it sent per contest (the base of its next
    diff), which contests changed since, and a worker that sends each changed board after at
    most one interval.

    ``lock`` guards the set of changed contests and is held only for a moment (a judge's
    mark waits for it); ``board_lock`` makes computing, keeping and sending a board one step,
    so a viewer who connects meanwhile gets either the board before it (and then its diff)
    or the board after it."""

    app: Flask
    interval: float = DEFAULT_INTERVAL
    dirty: set[int] = field(default_factory=set)
    sent: dict[int, Cached] = field(default_factory=dict)
    computed: dict[int, Cached] = field(default_factory=dict)
    sent_at: dict[int, float] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    board_lock: threading.Lock = field(default_factory=threading.Lock)
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
                    self.sent_at[contest_id] = time.monotonic()  # failing or not: one interval
                    self.send(contest_id)

    def send(self, contest_id: int) -> None:
        """Compute the contest's board at its current version and send the change."""
        with self.app.app_context(), self.board_lock:
            try:
                contest = board.public_contest(contest_id)  # nobody watches a draft
                if contest is not None:
                    self._send(contest, board.current_version(contest_id))
            except Exception:  # the next change sends a whole new board
                LOG.exception("live board of contest %s failed", contest_id)
                self.sent.pop(contest_id, None)
            finally:
                db.session.remove()

    def _send(self, contest: Contest, version: int) -> Cached:
        """With ``board_lock`` held: the board at ``version`` (read before computing: a board
        labelled v holds every change raised to v) becomes the last sent, and every viewer
        gets the change — a diff from the last board sent, or the whole board."""
        with self.lock:
            self.dirty.discard(contest.id)
            self.sent_at[contest.id] = time.monotonic()
        previous = self.sent.get(contest.id)
        if previous is not None and previous.version >= version:
            return previous
        fresh = self._compute(contest, version)
        self.sent[contest.id] = fresh
        room = room_of(contest.id)
        if previous is None:
            message = {"version": version, "board": fresh.board}
            socketio.emit("snapshot", message, namespace=NAMESPACE, to=room)
        else:
            change = board_changes.diff(previous.board, fresh.board)
            message = {"base": previous.version, "version": version, "change": change}
            socketio.emit("diff", message, namespace=NAMESPACE, to=room)
        return fresh

    def current(self, contest: Contest) -> Cached:
        """The board for a viewer who connects or refetches, at most one interval behind.

        The last board sent when it is current, or when the change it misses is on its way
        within the interval (its diff, based on it, follows); the change sent now when the
        interval has passed; the first board of this process, kept as the base of its diffs;
        else (a change made by another process) the board at the current version, computed
        once for every viewer who asks (a crowd refetching together) but no base of diffs,
        since this process's viewers hold the last board sent."""
        settle(contest)
        with self.board_lock:
            return self.current_locked(contest)

    def current_locked(self, contest: Contest) -> Cached:
        """:meth:`current` with ``board_lock`` held by the caller."""
        version = board.current_version(contest.id)
        sent = self.sent.get(contest.id)
        if sent is not None and sent.version >= version:
            return sent
        with self.lock:
            on_its_way = contest.id in self.dirty
            waited = time.monotonic() - self.sent_at.get(contest.id, 0.0)
        if sent is None:
            if on_its_way:  # viewers elsewhere may hold an older board: send this one
                return self._send(contest, version)
            fresh = self._compute(contest, version)
            self.sent[contest.id] = fresh
            return fresh
        if on_its_way:
            return self._send(contest, version) if waited >= self.interval else sent
        return self._compute(contest, version)

    def _compute(self, contest: Contest, version: int) -> Cached:
        known = self.computed.get(contest.id)
        if known is None or known.version != version:
            known = Cached(version, board.live_board(contest, self.standings.of))
            self.computed[contest.id] = known
        return known


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


class LiveNamespace(Namespace):  # type: ignore[misc]  # flask_socketio ships no type hints
    def on_connect(self, auth: object = None) -> None:
        wanted = auth.get("contest") if isinstance(auth, dict) else None
        contest = board.public_contest(
            wanted if wanted is not None else request.args.get("contest")
        )
        if contest is None:
            message = msg(N_("no such contest")).render(current_locale())
            raise ConnectionRefusedError(message, {"code": "not_found", "message": message})
        found = publisher()
        settle(contest)
        # no board can go out between this viewer's snapshot and its joining the room (it
        # would miss that diff), nor reach it twice
        with found.board_lock:
            cached = found.current_locked(contest)
            join_room(room_of(contest.id))
        # to this viewer only: Namespace.emit without a room would reach every viewer
        emit("snapshot", {"version": cached.version, "board": cached.board})


# --- what makes a board change --------------------------------------------------------------


def touch_contest(payload: dict[str, Any]) -> None:
    """A mark, a correction or another change of a contest's board was committed."""
    publisher().touch(int(payload["contest_id"]))


def listen() -> None:
    notifications.subscribe("mark.recorded", touch_contest)
    notifications.subscribe("mark.corrected", touch_contest)
    notifications.subscribe("board.changed", touch_contest)
