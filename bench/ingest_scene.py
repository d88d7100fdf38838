"""The setup and recomputation steps of bench/ingest.py, run as subprocesses: the only code
of the benchmark that imports the application (``DATABASE_URL`` names the database, whose
schema ``competition db upgrade`` made).

    python -m bench.ingest_scene setup --entrants 1000 --judges 20 > scene.json
    python -m bench.ingest_scene board --contest ID > board.json

``setup`` builds, through the project's services, a contest in scoring: ``entrants`` entrants
and ``judges`` judges, entrant ``i`` assigned to judge ``i mod judges`` alone (a panel of one,
so every mark is at once the entrant's total). ``board`` prints ``{"version", "board"}``
computed afresh (a new process: no kept standings), the full recomputation the live boards
must equal.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

RULES = """\
# Benchmark contest written by bench/ingest_scene.py: one judged criterion on a fine
# scale, a panel of one judge per entrant (assigned entrant by entrant) and a plain mean,
# so the live standings update incrementally and every mark sets its entrant's total.
contest: Benchmark · ingest
version: 1
criteria:
  score:
    kind: judged
    label: score
    judges: 1
    scale: { min: 0, max: 100000, step: 0.01 }
    aggregate: mean
total:
  formula: score
  round: { ndigits: 2 }
ranking:
  order: desc
  method: competition
"""


def app() -> Any:
    from competition import create_app

    return create_app({"SOCKETIO_MESSAGE_QUEUE": None, "SOCKETIO_ASYNC_MODE": "threading"})


def setup(entrants: int, judge_count: int) -> dict[str, Any]:
    from competition.extensions import db
    from competition.models import Entrant
    from competition.services import assignments, contests, judges, lifecycle, users
    from competition.services.authority import SYSTEM, Actor
    from competition.services.contests import RuleSource

    with app().app_context():
        admin = Actor.of_user(users.create_user(SYSTEM, "bench", "bench password", is_admin=True))
        contest = contests.create_contest(
            admin, "Benchmark · ingest", [("ingest", RuleSource("ingest.yaml", RULES))]
        )
        event = contest.events[0]
        codes = [f"E{n:05d}" for n in range(1, entrants + 1)]
        rows = [
            Entrant(event_id=event.id, code=c, name=f"entrant {c}", attributes={}) for c in codes
        ]
        db.session.add_all(rows)
        db.session.commit()
        ids = {row.code: row.id for row in rows}
        seats: list[dict[str, Any]] = []
        for j in range(judge_count):
            judge, token = judges.create_judge(admin, contest.id, f"bench judge {j + 1}")
            mine = codes[j::judge_count]
            for code in mine:
                assignments.assign(admin, judge.id, event.id, "score", ids[code])
            seats.append({"token": token, "codes": mine})
        lifecycle.advance(admin, contest.id, "open_registration")
        lifecycle.advance(admin, contest.id, "open_scoring")
        scene = {"contest_id": contest.id, "event_id": event.id, "judges": seats}
        db.session.remove()
        analyse(db.engine)
    return scene


def analyse(engine: Any) -> None:
    """PostgreSQL's statistics of the tables just filled, as autovacuum gathers them within a
    minute of an import: a copy made at once has none, and the planner then reads a
    thousand entrants through the event's index, code by code, for every mark."""
    if engine.dialect.name != "postgresql":
        return
    from sqlalchemy import text

    with engine.connect() as connection:
        connection.execute(text("ANALYZE"))
        connection.commit()


def board(contest_id: int) -> dict[str, Any]:
    from competition.extensions import db
    from competition.models import Contest
    from competition.services.board import current_version, live_board

    with app().app_context():
        contest = db.session.get(Contest, contest_id)
        if contest is None:
            raise SystemExit(f"no contest {contest_id}")
        document = {"version": current_version(contest_id), "board": live_board(contest)}
        db.session.remove()
    return document


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    commands = parser.add_subparsers(dest="command", required=True)
    made = commands.add_parser("setup")
    made.add_argument("--entrants", type=int, required=True)
    made.add_argument("--judges", type=int, required=True)
    recomputed = commands.add_parser("board")
    recomputed.add_argument("--contest", type=int, required=True)
    args = parser.parse_args(argv)
    if args.command == "setup":
        result = setup(args.entrants, args.judges)
    else:
        result = board(args.contest)
    json.dump(result, sys.stdout, ensure_ascii=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
