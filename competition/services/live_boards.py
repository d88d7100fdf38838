"""The public boards one server process hands out: computed once per board version for every
reader (the live page, the API, a crowd of viewers refetching together), and the messages
that bring this process's viewers from the board they hold to the current one.

A board is labelled with the contest's version read before it was computed, so a board
labelled v shows every change up to v (:mod:`competition.services.outbox`). Each process
keeps the last board it sent its own viewers, the base of its next ``diff``; nothing here
holds what another process sent.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, current_app

from competition.database import release_connection
from competition.extensions import db, process_state
from competition.models import Contest
from competition.offload import off_the_loop, pool_lock
from competition.services import board, board_changes, outbox
from competition.services.publication import settle
from competition.services.standings import standings_service


@dataclass(frozen=True)
class Board:
    version: int
    board: dict[str, Any]


@dataclass(frozen=True)
class Message:
    """What to send a contest's viewers: ``snapshot`` or ``diff``, with its payload."""

    event: str
    payload: dict[str, Any]


@dataclass
class BoardFeed:
    """One per app and process. ``computed`` is the newest board computed per contest;
    ``sent`` the last one this process's viewers were sent (or given on connect).
    ``send_lock`` makes "advance ``sent`` and send it" one step against a viewer joining, so
    a viewer gets either the board before a message (and then the message) or after it."""

    sent: dict[int, Board] = field(default_factory=dict)
    computed: dict[int, Board] = field(default_factory=dict)
    guard: threading.Lock = field(default_factory=threading.Lock)
    locks: dict[int, threading.Lock] = field(default_factory=dict)
    send_lock: threading.RLock = field(default_factory=threading.RLock)
    row_memos: dict[int, board.RowMemo] = field(default_factory=dict)  # under the locks
    viewers: dict[str, int] = field(default_factory=dict)  # viewer (sid) → contest watched
    watched: dict[int, int] = field(default_factory=dict)  # contest → viewers here

    def join(self, viewer: str, contest_id: int) -> None:
        with self.guard:
            self.viewers[viewer] = contest_id
            self.watched[contest_id] = self.watched.get(contest_id, 0) + 1

    def leave(self, viewer: str) -> None:
        """A viewer is gone; after the contest's last one here the next starts afresh."""
        with self.guard:
            contest_id = self.viewers.pop(viewer, None)
            if contest_id is None:
                return
            left = self.watched.get(contest_id, 1) - 1
            if left > 0:
                self.watched[contest_id] = left
                return
            del self.watched[contest_id]
        with self.send_lock:
            if contest_id not in self.watched:
                self.sent.pop(contest_id, None)

    def is_watched(self, contest_id: int) -> bool:
        with self.guard:
            return contest_id in self.watched

    def contests_watched(self) -> list[int]:
        with self.guard:
            return sorted(self.watched)

    def now(self, contest_id: int) -> Board | None:
        """The contest's board at its current version (None for a draft or no contest),
        computed once per version whoever asks, off the event loop."""
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        return off_the_loop(app, lambda: self._now(contest_id))

    def _now(self, contest_id: int) -> Board | None:
        version = outbox.versions([contest_id]).get(contest_id)
        if version is None:
            return None
        known = self.computed.get(contest_id)
        if known is not None and known.version >= version:
            return known
        lock = self._lock_of(contest_id)
        if not lock.acquire(blocking=False):
            release_connection()
            lock.acquire()
        try:
            known = self.computed.get(contest_id)
            if known is not None and known.version >= version:
                return known
            contest = board.public_contest(contest_id)
            if contest is None:
                return None
            settle(contest)
            version = outbox.versions([contest_id])[contest_id]  # settling may raise it
            shown = board.live_board(contest, standings_service().of, self.row_memos)
            fresh = Board(version, shown)
            self.computed[contest_id] = fresh
            return fresh
        finally:
            lock.release()

    def _lock_of(self, contest_id: int) -> threading.Lock:
        with self.guard:
            return self.locks.setdefault(contest_id, pool_lock())

    def step(self, contest_id: int, fresh: Board) -> Message | None:
        """With ``send_lock`` held: ``fresh`` becomes the last board sent; the message that
        brings this process's viewers to it (None when they have it already)."""
        previous = self.sent.get(contest_id)
        if previous is not None and previous.version >= fresh.version:
            return None
        self.sent[contest_id] = fresh
        if previous is None:
            return Message("snapshot", {"version": fresh.version, "board": fresh.board})
        change = board_changes.diff(previous.board, fresh.board)
        return Message(
            "diff", {"base": previous.version, "version": fresh.version, "change": change}
        )

    def for_viewer(self, contest_id: int) -> Board | None:
        """With ``send_lock`` held: the board a viewer joining now starts from — the last
        one sent, which the next message is based on — or, before any, the board now."""
        sent = self.sent.get(contest_id)
        if sent is not None:
            return sent
        fresh = self.now(contest_id)
        if fresh is not None:
            self.sent[contest_id] = fresh
        return fresh

    def for_reader(self, contest_id: int) -> Board | None:
        """The board for the live page or ``GET /api/contests/<id>/standings`` (None for a
        draft or no contest): where this process's viewers watch the contest, the board they
        were last sent (the next diff is based on it, and follows within one interval);
        elsewhere the board now."""
        if self.is_watched(contest_id):
            found = self.sent.get(contest_id)  # one read, no lock: a crowd arriving holds it
            if found is not None:
                return found
        return self.now(contest_id)

    def forget(self, contest_id: int) -> None:
        """The last board sent is no base any more (it failed): the next goes out whole."""
        with self.send_lock:
            self.sent.pop(contest_id, None)


def board_feed(app: Flask | None = None) -> BoardFeed:
    """The app's board feed in this process."""
    return process_state("board_feed", BoardFeed, app)


def reader_board(contest: Contest) -> Board | None:
    """:meth:`BoardFeed.for_reader` of this process, once the contest is settled (a closed
    publicity window makes it final, whoever looks first)."""
    settle(contest)
    return board_feed().for_reader(contest.id)


def computed_in(app: Flask, contest_id: int) -> Board | None:
    """:meth:`BoardFeed.now` from a thread or greenlet without an app context (the live
    publisher's): one is pushed, and its database session given back at the end."""
    with app.app_context():
        try:
            return board_feed(app).now(contest_id)
        finally:
            db.session.remove()
