"""The board worker (competition/board_worker.py): `competition serve` computes the public
boards in a process of its own. Its boards are the ones the server would compute itself, its
diffs bring a viewer's board to the new one, a worker that died is replaced for the next
board, and none is left behind when the server stops (both databases)."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator

import pytest
from click.testing import CliRunner
from flask import Flask

from competition.board_worker import BoardWorker, settings_of
from competition.commands import main
from competition.extensions import db
from competition.models import Contest
from competition.services import board, board_changes, contests, marks
from competition.services.contests import RuleSource
from competition.services.live_boards import BoardFeed
from competition.services.marks import MarkInput
from competition.services.standings import event_standings
from tests.factories import make_admin
from tests.services.test_board_outbox import RULES, scoring_contest


@pytest.fixture
def worker(db_app: Flask) -> Iterator[BoardWorker]:
    found = BoardWorker(settings_of(db_app.config, db_app.instance_path))
    yield found
    found.close()


def ready(worker: BoardWorker) -> BoardWorker:
    """Started, and past its imports (until then the server computes boards itself)."""
    worker.start()
    deadline = time.monotonic() + 60
    while not (worker.child is not None and worker.child.ready):
        assert time.monotonic() < deadline, "the board worker never said it was ready"
        time.sleep(0.05)
    return worker


def test_boards_from_the_worker_are_the_servers_and_its_diffs_lead_to_them(
    db_app: Flask, worker: BoardWorker
) -> None:
    admin = make_admin()
    event, panel = scoring_contest(admin)
    feed = BoardFeed(worker=ready(worker))
    first = feed.now(event.contest_id)
    assert first is not None
    feed.sent[event.contest_id] = first  # what this process's viewers hold
    marks.record_mark(panel[0], event.id, MarkInput("E1", "score", "9.5"))
    marks.record_mark(panel[1], event.id, MarkInput("E2", "score", "7"))
    fresh = feed.now(event.contest_id)
    assert fresh is not None and fresh.version > first.version
    assert fresh.change is not None and fresh.change[0] == first.version  # the worker's
    db.session.expire_all()
    contest = db.session.get(Contest, event.contest_id)
    assert contest is not None
    assert fresh.board == board.live_board(contest, event_standings)
    message = feed.step(event.contest_id, fresh)
    assert message is not None and message.event == "diff"
    assert message.payload["base"] == first.version
    # the worker's change brings the viewers' board to the new one, as a viewer applies it
    assert board_changes.apply_diff(first.board, message.payload["change"]) == fresh.board
    assert worker.child is not None and worker.child.alive()


def test_a_worker_that_died_is_replaced_and_the_next_board_is_right(
    db_app: Flask, worker: BoardWorker
) -> None:
    admin = make_admin()
    event, panel = scoring_contest(admin)
    feed = BoardFeed(worker=ready(worker))
    assert feed.now(event.contest_id) is not None
    assert worker.child is not None
    dead = worker.child.pid
    os.kill(dead, signal.SIGKILL)
    marks.record_mark(panel[0], event.id, MarkInput("E3", "score", "8"))
    meanwhile = feed.now(event.contest_id)  # computed here while a new worker starts
    assert worker.child is not None and worker.child.pid != dead
    feed.sent[event.contest_id] = meanwhile
    ready(worker)
    marks.record_mark(panel[1], event.id, MarkInput("E4", "score", "6.5"))
    first = feed.now(event.contest_id)  # the new worker's first: nothing of its own to diff
    assert first is not None
    feed.sent[event.contest_id] = first
    marks.record_mark(panel[2], event.id, MarkInput("E5", "score", "7.5"))
    fresh = feed.now(event.contest_id)
    assert fresh is not None and fresh.change is not None  # from the new worker
    db.session.expire_all()
    contest = db.session.get(Contest, event.contest_id)
    assert contest is not None
    assert fresh.board == board.live_board(contest, event_standings)


def test_a_draft_has_no_board_from_the_worker_either(db_app: Flask, worker: BoardWorker) -> None:
    draft = contests.create_contest(make_admin(), "草稿", [("项目", RuleSource("b.yaml", RULES))])
    ready(worker)
    assert worker.compute(draft.id, None) is None
    assert worker.compute(draft.id + 1000, None) is None


def test_closing_the_worker_ends_its_process(db_app: Flask, worker: BoardWorker) -> None:
    worker.start()
    assert worker.child is not None
    pid = worker.child.pid
    worker.close()
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


def test_a_board_process_setting_that_cannot_be_used_is_said_plainly(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("BOARD_PROCESS", "sometimes")
    result = CliRunner().invoke(main, ["--lang", "en", "serve"])
    assert result.exit_code != 0
    assert "BOARD_PROCESS is 'sometimes': on or off is needed" in result.output
    assert "Traceback" not in result.output
