"""What a commit changes for the public board is recorded in that commit (the outbox), so the
live board and the API never miss an acked mark: not when a writer holds its transaction
open while others mark, and not after any interleaving of marks, corrections and sign-offs
(both databases)."""

from __future__ import annotations

import json
import threading
import time
from typing import Any

from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from competition.extensions import db
from competition.models import Contest, Entrant, Event, Mark
from competition.rules.report import standings_dict
from competition.rules.standings import Standings
from competition.services import (
    assignments,
    audit,
    board,
    contests,
    judges,
    lifecycle,
    marks,
    scoring,
)
from competition.services.authority import Actor, Refused
from competition.services.contests import RuleSource
from competition.services.live_boards import BoardFeed
from competition.services.marks import MarkInput
from competition.services.standings import StandingsService, event_standings
from tests.factories import make_admin

JUDGES, ENTRANTS = 3, 6
RULES = f"""\
contest: 看板测试
criteria:
  score:
    kind: judged
    judges: {JUDGES}
    scale: {{min: 0, max: 10, step: 0.5}}
    aggregate: mean
total: {{formula: score, round: {{ndigits: 2}}}}
"""


def as_json(standings: Standings) -> str:
    return json.dumps(standings_dict(standings), ensure_ascii=False, sort_keys=True)


def scoring_contest(admin: Actor, name: str = "看板") -> tuple[Event, list[Actor]]:
    contest = contests.create_contest(admin, name, [("项目", RuleSource("b.yaml", RULES))])
    event = contest.events[0]
    db.session.add_all(
        Entrant(event_id=event.id, code=f"E{i}", name=f"选手{i}", attributes={})
        for i in range(ENTRANTS)
    )
    db.session.commit()
    panel = []
    for j in range(JUDGES):
        judge, _ = judges.create_judge(admin, contest.id, f"裁判{j}")
        assignments.assign(admin, judge.id, event.id, "score")
        panel.append(Actor("judge", judge.id, judge.name))
    lifecycle.advance(admin, contest.id, "open_registration")
    lifecycle.advance(admin, contest.id, "open_scoring")
    return event, panel


def test_a_mark_whose_transaction_stays_open_while_others_mark_is_never_missed(
    db_app: Flask, monkeypatch: Any
) -> None:
    """The defect of ids as a cursor: a writer takes its mark id, stays in its transaction,
    later marks commit, a board is computed, then the first writer commits — its mark was
    left off every board for good. Writers of a contest now take its row first and the
    board reads the outbox by version, so the later marks wait and nothing is skipped."""
    admin = make_admin()
    event, panel = scoring_contest(admin)
    live = StandingsService()
    live.of(event)
    inside, release = threading.Event(), threading.Event()
    slow = threading.current_thread()  # replaced by the slow writer's thread below
    original = audit.record_all

    def record_slowly(*args: Any, **kwargs: Any) -> Any:
        entry = original(*args, **kwargs)
        if threading.current_thread() is slow:
            inside.set()  # the mark is inserted, its id taken; the commit is still to come
            release.wait(30)
        return entry

    monkeypatch.setattr(audit, "record_all", record_slowly)
    acked: list[int] = []
    errors: list[BaseException] = []

    def mark(actor: Actor, code: str, value: str) -> None:
        with db_app.app_context():
            try:
                acked.append(marks.record_mark(actor, event.id, MarkInput(code, "score", value)).id)
            except BaseException as error:  # noqa: BLE001 - reported by the assertion below
                errors.append(error)
            finally:
                db.session.remove()

    slow = threading.Thread(target=mark, args=(panel[0], "E0", "9.5"))
    slow.start()
    assert inside.wait(30)
    later = [
        threading.Thread(target=mark, args=(panel[1 + n % 2], f"E{n}", "6")) for n in range(1, 5)
    ]
    for thread in later:
        thread.start()
    time.sleep(0.3)  # the later writers are under way (and on the old path, committed)
    live.of(event)  # a board computed while the first mark is not committed yet
    release.set()
    for thread in [slow, *later]:
        thread.join(60)
    assert errors == [] and len(acked) == 5
    db.session.expire_all()
    now = live.of(event)
    assert as_json(now) == as_json(event_standings(event))
    stored = {m.id for m in db.session.scalars(select(Mark).where(Mark.event_id == event.id))}
    assert set(acked) <= stored
    assert "E0" in set(now.table.panels["score"].marks["entrant"])  # the slow writer's mark
    contest = db.session.get(Contest, event.contest_id)
    assert contest is not None
    feed = BoardFeed()
    shown = feed.now(contest.id)
    assert shown is not None
    assert shown.board == board.live_board(contest, event_standings)


JUDGE = st.integers(0, JUDGES - 1)
ENTRANT = st.integers(0, ENTRANTS - 1)
VALUE = st.integers(0, 20)
STEP = st.one_of(
    st.tuples(st.just("mark"), JUDGE, ENTRANT, VALUE),
    st.tuples(st.just("correct"), JUDGE, ENTRANT, VALUE),
    st.tuples(st.just("sign"), JUDGE, st.just(0), st.just(0)),
    st.tuples(st.just("look"), st.just(0), st.just(0), st.just(0)),
)


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(STEP, min_size=1, max_size=25))
def test_after_any_interleaving_the_live_board_equals_a_full_recomputation(
    db_app: Flask, steps: list[tuple[str, int, int, int]]
) -> None:
    admin = make_admin(f"admin{time.monotonic_ns()}")
    event, panel = scoring_contest(admin, f"看板{time.monotonic_ns()}")
    contest = event.contest
    live, feed = StandingsService(), BoardFeed()
    for kind, judge, entrant, value in steps:
        try:
            if kind == "mark":
                mark = MarkInput(f"E{entrant}", "score", str(value / 2))
                marks.record_mark(panel[judge], event.id, mark)
            elif kind == "correct":
                held = db.session.scalar(
                    select(Mark.id)
                    .join(Entrant, Entrant.id == Mark.entrant_id)
                    .where(Mark.judge_id == panel[judge].id, Entrant.code == f"E{entrant}")
                    .order_by(Mark.id.desc())
                )
                if held is not None:
                    scoring.correct_mark(admin, held, str(value / 2), "复核")
            elif kind == "sign":
                scoring.sign_sheet(panel[judge], event.id)
            else:
                assert as_json(live.of(event)) == as_json(event_standings(event))
        except Refused:
            db.session.rollback()  # a signed sheet, a sheet not complete: nothing changed
    assert as_json(live.of(event)) == as_json(event_standings(event))
    shown = feed.now(contest.id)
    assert shown is not None
    assert shown.board == board.live_board(contest, event_standings)
