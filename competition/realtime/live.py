"""The /live namespace: the public board of a contest, pushed to this process's viewers.

A viewer connects with ``?contest=<id>`` and gets a ``snapshot`` (the board and its
version). After that, each change reaches the room ``contest:<id>`` as a ``diff`` with the
version it applies to (``base``) and the version it makes. Every process keeps its own
viewers up to date and sends only to them (``ignore_queue``): it looks at the versions of
the contests they watch every ``LIVE_POLL`` seconds (at once when a change is made here), so
a change committed by any process — or by one that died before it could say so — reaches
every viewer. A process sends a contest's board at most once per ``LIVE_INTERVAL`` seconds
however fast marks arrive, and computes it off the event loop (gevent's thread pool), so a
judge's ack never waits for a board. This module only sends what
:mod:`competition.services.live_boards` hands it.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from typing import Any, cast

from flask import Flask, current_app, request
from flask_socketio import ConnectionRefusedError, Namespace, emit, join_room

from competition.extensions import db, socketio
from competition.i18n import current_locale
from competition.rules.messages import N_, msg
from competition.services import board, notifications, outbox
from competition.services.live_boards import board_feed, computed_in

NAMESPACE = "/live"
DEFAULT_INTERVAL = 0.5  # seconds between two boards of one contest from one process
DEFAULT_POLL = 0.25  # seconds between two looks at the versions of the contests watched here
LOG = logging.getLogger(__name__)


def room_of(contest_id: int) -> str:
    return f"contest:{contest_id}"


@dataclass
class Publisher:
    """One per app and process: which contests this process's viewers watch, and a worker
    that sends each one's board when its version moves, at most once per interval."""

    app: Flask
    interval: float = DEFAULT_INTERVAL
    poll: float = DEFAULT_POLL
    sent_at: dict[int, float] = field(default_factory=dict)
    timer_due: float = 0.0  # when the pending early wake-up fires
    lock: threading.Lock = field(default_factory=threading.Lock)
    wake: threading.Event = field(default_factory=threading.Event)
    worker: Any = None
    stopped: bool = False

    def join(self, sid: str, contest_id: int) -> None:
        board_feed(self.app).join(sid, contest_id)
        with self.lock:
            if self.worker is None and not self.stopped:
                self.worker = socketio.start_background_task(self._run)

    def touch(self, contest_id: int) -> None:
        """A change of the contest was committed here: look now rather than at the next
        poll, or, when its last board went out less than an interval ago, as soon as the
        next may go (a hint; the poll finds every change anyway). Marks at full speed touch
        the contest after every batch: looking at the versions each time cost the event
        loop a twentieth of its time for boards that could not go out yet."""
        if not board_feed(self.app).is_watched(contest_id):
            return
        wait = self.sent_at.get(contest_id, 0.0) + self.interval - time.monotonic()
        if wait > 0:
            self._wake_in(wait)
        else:
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
            self.wake.wait(self.poll)
            self.wake.clear()
            if self.stopped:
                return
            try:
                self._send_due()
            except Exception:  # the next look tries again
                LOG.exception("live boards failed")

    def _send_due(self) -> None:
        contests = board_feed(self.app).contests_watched()
        if not contests:
            return
        with self.app.app_context():
            try:
                versions = outbox.versions(contests)
            finally:
                db.session.remove()
        feed = board_feed(self.app)
        now = time.monotonic()
        for contest_id in contests:
            sent = feed.sent.get(contest_id)
            if sent is not None and sent.version >= versions.get(contest_id, 0):
                continue
            wait = self.sent_at.get(contest_id, 0.0) + self.interval - now
            if wait > 0:
                self._wake_in(wait)
                continue
            self.sent_at[contest_id] = time.monotonic()  # failing or not: one interval
            self.send(contest_id)

    def _wake_in(self, seconds: float) -> None:
        """Look again once the interval has passed, sooner than the next poll (one timer at
        a time: a burst of marks wakes the worker after every batch)."""
        due = time.monotonic() + seconds
        with self.lock:
            if seconds >= self.poll or self.timer_due > time.monotonic():
                return
            self.timer_due = due

        def later() -> None:
            socketio.sleep(seconds)
            self.wake.set()

        socketio.start_background_task(later)

    def send(self, contest_id: int) -> None:
        """Compute the contest's board now (off the loop) and send this process's viewers
        the message that brings them to it."""
        try:
            fresh = computed_in(self.app, contest_id)  # off the loop: see BoardFeed.now
        except Exception:  # the next change sends a whole new board
            LOG.exception("live board of contest %s failed", contest_id)
            board_feed(self.app).forget(contest_id)
            return
        if fresh is None or self.stopped:
            return
        feed = board_feed(self.app)
        with feed.send_lock:
            message = feed.step(contest_id, fresh)
            if message is not None:
                socketio.emit(
                    message.event,
                    message.payload,
                    namespace=NAMESPACE,
                    to=room_of(contest_id),
                    ignore_queue=True,  # every process sends its own viewers
                )


def publisher(app: Flask | None = None) -> Publisher:
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    found = app.extensions.get("live_publisher")
    if found is None:
        found = Publisher(
            app,
            float(app.config.get("LIVE_INTERVAL", DEFAULT_INTERVAL)),
            float(app.config.get("LIVE_POLL", DEFAULT_POLL)),
        )
        app.extensions["live_publisher"] = found
    return cast(Publisher, found)


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
        contest_id = contest.id
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        feed = board_feed(app)
        # nothing more to read here: the connection goes back before any wait below (a
        # thousand viewers arriving at once would hold every connection of the pool)
        db.session.remove()
        if contest_id not in feed.sent:  # the first viewer here: computed off the loop
            feed.now(contest_id)
        found = publisher(app)
        # no board can go out between this viewer's snapshot and its joining the room (it
        # would miss that message), nor reach it twice
        with feed.send_lock:
            start = feed.for_viewer(contest_id)
            if start is None:
                message = msg(N_("no such contest")).render(current_locale())
                raise ConnectionRefusedError(message, {"code": "not_found", "message": message})
            join_room(room_of(contest_id))
            found.join(request.sid, contest_id)  # type: ignore[attr-defined]
            # to this viewer only: Namespace.emit without a room would reach every viewer
            emit("snapshot", {"version": start.version, "board": start.board})

    def on_disconnect(self, reason: object = None) -> None:
        board_feed().leave(request.sid)  # type: ignore[attr-defined]


# --- what makes a board change --------------------------------------------------------------


def touch_contest(payload: dict[str, Any]) -> None:
    """A mark, a correction or another change of a contest's board was committed here."""
    publisher().touch(int(payload["contest_id"]))


def listen() -> None:
    notifications.subscribe("mark.recorded", touch_contest)
    notifications.subscribe("mark.corrected", touch_contest)
    notifications.subscribe("board.changed", touch_contest)
