"""Twenty judges marking at once, every mark also resent at the same moment by a second
thread (a tablet reconnecting): every mark is stored exactly once, and the standings equal
the ones computed from scratch from the marks as intended."""

from __future__ import annotations

import random
import threading
from fractions import Fraction

from flask import Flask

from competition.extensions import db
from competition.models import Entrant, Mark
from competition.rules.datafiles import marks_frame
from competition.rules.engine import compute_standings
from competition.rules.numbers import canonical_mark
from competition.services import assignments, contests, judges, lifecycle, marks, standings
from competition.services.authority import Actor, Refused
from competition.services.contests import RuleSource
from competition.services.marks import MarkInput
from tests.factories import make_admin

JUDGES, ENTRANTS = 20, 50
BUSY_RESENDS = 20
RULES = f"""\
contest: 并发测试
criteria:
  score:
    kind: judged
    judges: {JUDGES}
    scale: {{min: 0, max: 10, step: 0.5}}
    aggregate: trimmed_mean
    drop_high: 2
    drop_low: 2
total: {{formula: score, round: {{ndigits: 3}}}}
"""


def test_concurrent_marks_and_resends_are_stored_exactly_once(db_app: Flask) -> None:
    admin = make_admin()
    contest = contests.create_contest(admin, "并发测试", [("项目", RuleSource("c.yaml", RULES))])
    event = contest.events[0]
    db.session.add_all(
        Entrant(event_id=event.id, code=f"E{i:02d}", name=f"选手{i}", attributes={})
        for i in range(ENTRANTS)
    )
    db.session.commit()
    panel = []
    for j in range(JUDGES):
        judge, _ = judges.create_judge(admin, contest.id, f"裁判{j:02d}")
        assignments.assign(admin, judge.id, event.id, "score")
        panel.append(Actor("judge", judge.id, judge.name))
    lifecycle.advance(admin, contest.id, "open_registration")
    lifecycle.advance(admin, contest.id, "open_scoring")
    rng = random.Random(7)
    intended = {
        (actor.id, f"E{i:02d}"): str(rng.randint(0, 20) / 2)
        for actor in panel
        for i in range(ENTRANTS)
    }
    errors: list[BaseException] = []

    def send(actor: Actor, order: list[int]) -> None:
        with db_app.app_context():
            try:
                for i in order:
                    code = f"E{i:02d}"
                    key = f"{actor.id}-{code}"
                    value = intended[(actor.id or 0, code)]
                    deliver(actor, MarkInput(code, "score", value, idempotency_key=key))
            except BaseException as error:  # noqa: BLE001 - reported by the assertion below
                errors.append(error)
            finally:
                db.session.remove()

    def deliver(actor: Actor, mark: MarkInput) -> None:
        """As the tablet does: a mark answered "busy" stays queued and is sent again."""
        for _ in range(BUSY_RESENDS):
            try:
                marks.record_mark(actor, event.id, mark)
                return
            except Refused as refused:
                if refused.code != "busy":  # on a slow machine a writer may wait too long
                    raise
        raise AssertionError(f"{mark.idempotency_key} was busy {BUSY_RESENDS} times")

    threads = []
    for actor in panel:
        order = list(range(ENTRANTS))
        threads.append(threading.Thread(target=send, args=(actor, order)))
        threads.append(threading.Thread(target=send, args=(actor, order[::-1])))  # resends
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    db.session.expire_all()
    assert db.session.query(Mark).count() == JUDGES * ENTRANTS
    stored = {(m.judge_id, m.entrant.code): m.value for m in db.session.query(Mark)}
    assert stored == {cell: canonical_mark(value) for cell, value in intended.items()}
    live = standings.event_standings(event)
    scratch = compute_standings(
        contests.ruleset_of(event),
        marks_frame(
            [
                {
                    "entrant": code,
                    "item": "",
                    "criterion": "score",
                    "judge": f"J{judge}",
                    "value": value,
                }
                for (judge, code), value in intended.items()
            ]
        ),
    )
    assert [(r.key, r.rank, r.total) for r in live.rows] == [
        (r.key, r.rank, r.total) for r in scratch.rows
    ]
    assert all(isinstance(r.total, Fraction) for r in live.rows)
