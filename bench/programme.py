"""Benchmark: the union office's programme dashboard over a year's contests.

    .venv/bin/python bench/programme.py [--contests 2000] [--entrants 20] [--marks 5]
        [--repeat 7] [--databases postgresql] [--output docs/performance.md]

For each database it builds one programme of ``--contests`` contests (one welding event
each, on the shipped rules) owned by a city union, 13 county unions and 130 enterprise
unions over 13 districts, with ``--entrants`` entrants per contest (each linked to a person)
and ``--marks`` marks per entrant, a third of the contests published with a snapshot of
their awards — all written straight into the tables with bulk inserts: the setup is not
what is measured. It then times the dashboard service (``programme_dashboard``) and the
page (``GET /console/programmes/<id>/dashboard``, charts and every contest's row), each
the median of ``--repeat`` runs after a first one (the first reads and keeps the
snapshots: they never change).
"""

from __future__ import annotations

import argparse
import hashlib
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

import sqlalchemy

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.board import database_url, drop  # noqa: E402
from bench.performance_doc import rewrite_section  # noqa: E402
from competition import create_app  # noqa: E402
from competition.extensions import db  # noqa: E402
from competition.models import (  # noqa: E402
    Contest,
    Entrant,
    Event,
    Mark,
    Organisation,
    Person,
    Programme,
    Publication,
    RuleVersion,
)
from competition.models.base import utcnow  # noqa: E402
from competition.services import programme_dashboard  # noqa: E402
from competition.services.authority import SYSTEM, Actor  # noqa: E402
from competition.services.demo import COUNTIES  # noqa: E402
from competition.services.users import create_user  # noqa: E402

TITLE = "## Programme dashboard"
GOAL = 0.200  # seconds for 2,000 contests and 200,000 marks on PostgreSQL (issue 14)
DISTRICTS = tuple(COUNTIES)  # the demo's: 延安's counties and districts
TRADES = ("焊工", "电工", "钳工", "车工", "果业", "数控", "汽修", "护理")
STATUSES = ("draft", "registration", "scoring", "review", "locked")
PASSWORD = "bench password 2026"


def insert(model: type, rows: list[dict[str, object]]) -> list[int]:
    """Rows inserted in one statement per 5,000; their ids in order."""
    ids: list[int] = []
    table = model.__table__  # type: ignore[attr-defined]
    for start in range(0, len(rows), 5000):
        chunk = rows[start : start + 5000]
        result = db.session.execute(sqlalchemy.insert(table).returning(table.c.id), chunk)
        ids += [row[0] for row in result]
    return ids


def build(contests: int, entrants: int, marks: int) -> int:
    now = utcnow()
    [city] = insert(Organisation, [{"name": "延安市总工会", "level": "city", "created_at": now}])
    counties = insert(
        Organisation,
        [
            {
                "name": f"{d}总工会",
                "level": "county",
                "parent_id": city,
                "district": d,
                "created_at": now,
            }
            for d in DISTRICTS
        ],
    )
    firms = insert(
        Organisation,
        [
            {
                "name": f"{d}企业{n}工会",
                "level": "enterprise",
                "parent_id": counties[i],
                "district": d,
                "created_at": now,
            }
            for i, d in enumerate(DISTRICTS)
            for n in range(10)
        ],
    )
    [programme] = insert(
        Programme,
        [
            {
                "name": "建功十四五",
                "year": 2026,
                "budget": Decimal("5000000"),
                "organisation_id": city,
                "created_at": now,
            }
        ],
    )
    owners = [city, *counties, *firms]
    contest_ids = insert(
        Contest,
        [
            {
                "name": f"技能竞赛{n}",
                "status": "published" if n % 3 == 0 else STATUSES[n % 5],
                "blind": False,
                "board_mode": "provisional",
                "board_version": 0,
                "time_zone": "Asia/Shanghai",
                "programme_id": programme,
                "organisation_id": owners[n % len(owners)],
                "trade": TRADES[n % len(TRADES)],
                "created_at": now.replace(month=1 + n % 12, day=1),
            }
            for n in range(contests)
        ],
    )
    event_ids = insert(
        Event, [{"contest_id": c, "name": "焊工", "position": 0} for c in contest_ids]
    )
    text = (ROOT / "scoring_rules" / "welding_skills.yaml").read_text(encoding="utf-8")
    sha = hashlib.sha256(text.encode()).hexdigest()
    insert(
        RuleVersion,
        [
            {
                "event_id": e,
                "version": 1,
                "source_name": "welding_skills.yaml",
                "text": text,
                "sha256": sha,
                "created_at": now,
            }
            for e in event_ids
        ],
    )
    people = insert(
        Person,
        [
            {"name": f"工人{n}", "unit": "", "expertise": "", "created_at": now}
            for n in range(contests * entrants // 2)
        ],
    )
    entrant_rows = [
        {
            "event_id": e,
            "code": f"W{k:03d}",
            "name": f"选手{k}",
            "attributes": {},
            "person_id": people[(i * entrants + k) % len(people)],
            "created_at": now,
        }
        for i, e in enumerate(event_ids)
        for k in range(entrants)
    ]
    entrant_ids = insert(Entrant, entrant_rows)
    insert(
        Mark,
        [
            {
                "event_id": row["event_id"],
                "entrant_id": eid,
                "item": "",
                "criterion": f"c{m}",
                "value": "8",
                "reason": "",
                "entered_by": "bench",
                "created_at": now,
            }
            for eid, row in zip(entrant_ids, entrant_rows, strict=True)
            for m in range(marks)
        ],
    )
    insert(
        Publication,
        [
            {
                "contest_id": c,
                "number": 1,
                "reason": "",
                "published_by": "bench",
                "published_at": now,
                "document": snapshot(e, entrants, sha),
            }
            for n, (c, e) in enumerate(zip(contest_ids, event_ids, strict=True))
            if n % 3 == 0
        ],
    )
    db.session.commit()
    return programme


def snapshot(event_id: int, entrants: int, sha: str) -> dict[str, object]:
    """A publication's document as `published_document` writes it: every row, and the
    awards summary (a tenth first, a fifth second, three tenths third)."""
    tiers = [
        ("一等奖", entrants // 10, 3000),
        ("二等奖", entrants // 5, 2000),
        ("三等奖", entrants * 3 // 10, 1000),
    ]
    awards = [name for name, count, _prize in tiers for _ in range(count)]
    rows = [
        {
            "key": f"W{k:03d}",
            "label": f"选手{k}",
            "rank": k + 1,
            "total": "80",
            "award": awards[k] if k < len(awards) else None,
            "titles": [],
            "status": "ok",
            "prize": None,
            "group": None,
            "attributes": {},
        }
        for k in range(entrants)
    ]
    total = sum(count * prize for _name, count, prize in tiers)
    summary = {
        "groups": [
            {
                "group": None,
                "tiers": [
                    {
                        "name": name,
                        "places": None,
                        "awarded": count,
                        "prize_total": str(count * prize),
                    }
                    for name, count, prize in tiers
                ],
            }
        ],
        "prize_total": str(total),
        "budget": "60000",
        "over_budget": total > 60000,
    }
    return {
        "contest": {},
        "events": [
            {
                "id": event_id,
                "name": "焊工",
                "rules_version": 1,
                "rules_sha256": sha,
                "rows": rows,
                "awards": summary,
            }
        ],
    }


def median_of(repeat: int, run: object) -> tuple[float, float]:
    """(first, median of the next ``repeat``) seconds."""
    assert callable(run)
    times = []
    for _ in range(repeat + 1):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return times[0], statistics.median(times[1:])


def measure(name: str, args: argparse.Namespace) -> dict[str, object]:
    folder = Path(tempfile.mkdtemp(prefix="bench-programme-"))
    url, database = database_url(name, folder)
    config = {
        "INSTANCE_PATH": folder,
        "SECRET_KEY": "bench",
        "SQLALCHEMY_DATABASE_URI": url,
        "WTF_CSRF_ENABLED": False,
    }
    app = create_app(config)
    try:
        with app.app_context():
            db.create_all()
            admin = Actor.of_user(create_user(SYSTEM, "office", PASSWORD, is_admin=True))
            started = time.perf_counter()
            programme = build(args.contests, args.entrants, args.marks)
            built = time.perf_counter() - started
            marks = db.session.scalar(sqlalchemy.select(sqlalchemy.func.count(Mark.id)))
            service = median_of(
                args.repeat, lambda: programme_dashboard.programme_dashboard(admin, programme)
            )
            dashboard = programme_dashboard.programme_dashboard(admin, programme)
            assert len(dashboard.contests) == args.contests
            client = app.test_client()
            client.post("/login", data={"username": "office", "password": PASSWORD})
            page_url = f"/console/programmes/{programme}/dashboard"
            assert client.get(page_url).status_code == 200
            page = median_of(args.repeat, lambda: client.get(page_url))
            db.session.remove()
            db.engine.dispose()
    finally:
        drop(database)
    return {
        "database": name,
        "contests": args.contests,
        "marks": marks,
        "built": built,
        "service": service,
        "page": page,
    }


def table(results: list[dict[str, object]]) -> list[str]:
    lines = [
        "| database | contests | marks | service (first / median) | page (first / median) |",
        "|---|---:|---:|---:|---:|",
    ]
    for r in results:
        service, page = r["service"], r["page"]
        assert isinstance(service, tuple) and isinstance(page, tuple)
        lines.append(
            f"| {r['database']} | {r['contests']:,} | {r['marks']:,} | "
            f"{service[0] * 1000:.0f} / {service[1] * 1000:.0f} ms | "
            f"{page[0] * 1000:.0f} / {page[1] * 1000:.0f} ms |"
        )
    return lines


def section(results: list[dict[str, object]], command: str) -> str:
    return "\n".join(
        [
            TITLE,
            "",
            "Goal: the programme dashboard answers within 200 ms on PostgreSQL for a programme "
            "of 2,000 contests and 200,000 marks (issue 14).",
            "",
            f"Measured {time.strftime('%Y-%m-%d')} with `{command}`.",
            "",
            "Method: one programme of N contests (one welding event each) owned by a city, 13 "
            "county and 130 enterprise unions, 20 entrants per contest each linked to a person, "
            "5 marks per entrant, a third of the contests published with an awards snapshot; "
            "written by bulk inserts. Timed: `programme_dashboard.programme_dashboard` (the counts "
            "grouped in SQL, the rule files' budgets, the snapshots' awards) and the page with "
            "its three charts and every contest's row, through the test client. *first* is the "
            "first call after the data is written (it reads every snapshot, kept afterwards: a "
            "snapshot never changes); the median is over the following calls. Same 2-core "
            "machine as above, shared.",
            "",
            *table(results),
            "",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--contests", type=int, default=2000)
    parser.add_argument("--entrants", type=int, default=20)
    parser.add_argument("--marks", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--databases", default="postgresql")
    parser.add_argument("--output", type=Path)
    args = parser.parse_args()
    results = []
    for name in args.databases.split(","):
        results.append(measure(name, args))
        print(table(results)[-1], f"(built in {results[-1]['built']:.1f} s)", flush=True)
    print("\n".join(table(results)))
    if args.output is not None:
        command = "python bench/programme.py " + " ".join(sys.argv[1:])
        rewrite_section(args.output, TITLE, section(results, command))


if __name__ == "__main__":
    main()
