"""Benchmark: the union office's programme dashboard and a person's record over a year's
contests.

    .venv/bin/python bench/programme.py [--contests 2000] [--entrants 20] [--marks 5]
        [--repeat 20] [--databases postgresql,sqlite] [--output docs/performance.md]

For each database it builds one programme of ``--contests`` contests (one welding event
each, on the shipped rules) owned by a city union, 13 county unions and 130 enterprise
unions over 13 districts, with ``--entrants`` entrants per contest (each linked to a person;
the first two of every contest are people who enter 5 to 10 contests) and ``--marks`` marks
per entrant — 2,000 × 20 × 5 = 200,000 marks by default — a third of the contests published
with a snapshot of their awards and a certificate per awardee, all written straight into
the tables with bulk inserts: the setup is not what is measured. It then times the
dashboard service (``programme_dashboard``), the page (``GET
/console/programmes/<id>/dashboard``: charts and the table's first page), a filtered page,
and the console and public pages of the person with the most contests
(``/console/people/<id>``, ``/people/<token>``): the median and 95th percentile of
``--repeat`` calls after a first one (the first reads and keeps the snapshots: they never
change).
"""

from __future__ import annotations

import argparse
import hashlib
import math
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import sqlalchemy
from flask.testing import FlaskClient

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.board import database_url, drop  # noqa: E402
from bench.performance_doc import rewrite_section  # noqa: E402
from competition import create_app  # noqa: E402
from competition.extensions import db  # noqa: E402
from competition.models import (  # noqa: E402
    Certificate,
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
from competition.services.person_ids import public_token  # noqa: E402
from competition.services.users import create_user  # noqa: E402

TITLE = "## Programme dashboard"
GOAL = 0.200  # seconds for 2,000 contests and 200,000 marks on PostgreSQL (issue 14)
DISTRICTS = tuple(COUNTIES)  # the demo's: 延安's counties and districts
TRADES = ("焊工", "电工", "钳工", "车工", "果业", "数控", "汽修", "护理")
STATUSES = ("draft", "registration", "scoring", "review", "locked")
PASSWORD = "bench password 2026"


@dataclass(frozen=True)
class Timing:
    first: float
    median: float
    p95: float


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
    stars = star_slots(contests, entrants)
    star_ids = insert(
        Person,
        [
            {"name": f"能手{n}", "unit": "延长石油", "expertise": "", "created_at": now}
            for n in range(max(stars.values(), default=-1) + 1)
        ],
    )
    entrant_rows = [
        {
            "event_id": e,
            "code": f"W{k:03d}",
            "name": f"选手{k}",
            "attributes": {},
            "person_id": star_ids[stars[i, k]]
            if (i, k) in stars
            else people[(i * entrants + k) % len(people)],
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
    published = [
        (c, e) for n, (c, e) in enumerate(zip(contest_ids, event_ids, strict=True)) if n % 3 == 0
    ]
    publication_ids = insert(
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
            for c, e in published
        ],
    )
    awards = award_names(entrants)
    entrant_of = {
        (row["event_id"], row["code"]): eid
        for eid, row in zip(entrant_ids, entrant_rows, strict=True)
    }
    insert(
        Certificate,
        [
            {
                "code": f"C{p}-{k}",
                "contest_id": c,
                "event_id": e,
                "entrant_id": entrant_of[e, f"W{k:03d}"],
                "award": award,
                "titles": titles_of(k),
                "rank": k + 1,
                "publication_id": p,
                "issued_at": now,
            }
            for p, (c, e) in zip(publication_ids, published, strict=True)
            for k, award in enumerate(awards)
        ],
    )
    db.session.commit()
    return programme


def star_slots(contests: int, entrants: int) -> dict[tuple[int, int], int]:
    """The people who enter many contests: the first two entrants of every contest are
    such people, each in 5 to 10 consecutive contests — (contest, entrant) → star."""
    slots = [(i, k) for k in range(min(2, entrants)) for i in range(contests)]
    stars: dict[tuple[int, int], int] = {}
    star, taken = 0, 0
    for slot in slots:
        stars[slot] = star
        taken += 1
        if taken == 5 + star % 6:
            star, taken = star + 1, 0
    return stars


def tiers_of(entrants: int) -> list[tuple[str, int, int]]:
    """The award tiers: a tenth first, a fifth second, three tenths third (name, count,
    prize in yuan)."""
    return [
        ("一等奖", entrants // 10, 3000),
        ("二等奖", entrants // 5, 2000),
        ("三等奖", entrants * 3 // 10, 1000),
    ]


def award_names(entrants: int) -> list[str]:
    """The award of each rank, from the first, as far as awards go."""
    return [name for name, count, _prize in tiers_of(entrants) for _ in range(count)]


def titles_of(rank_index: int) -> list[str]:
    """The first two of a contest are named 技术能手."""
    return ["技术能手"] if rank_index < 2 else []


def snapshot(event_id: int, entrants: int, sha: str) -> dict[str, object]:
    """A publication's document as `published_document` writes it: every row, and the
    awards summary."""
    tiers = tiers_of(entrants)
    awards = award_names(entrants)
    rows = [
        {
            "key": f"W{k:03d}",
            "label": f"选手{k}",
            "rank": k + 1,
            "total": "80",
            "award": awards[k] if k < len(awards) else None,
            "titles": titles_of(k),
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


def timed(repeat: int, run: Callable[[], object]) -> Timing:
    """The first call, then ``repeat`` more: their median and 95th percentile."""
    times = []
    for _ in range(repeat + 1):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    rest = sorted(times[1:])
    p95 = rest[min(len(rest) - 1, math.ceil(0.95 * len(rest)) - 1)]
    return Timing(times[0], statistics.median(rest), p95)


def busiest_person() -> tuple[int, int]:
    """The person who entered the most contests, and how many."""
    person_id, count = db.session.execute(
        sqlalchemy.select(Entrant.person_id, sqlalchemy.func.count(Entrant.id))
        .group_by(Entrant.person_id)
        .order_by(sqlalchemy.func.count(Entrant.id).desc(), Entrant.person_id)
        .limit(1)
    ).one()
    return int(person_id), int(count)


def page_timing(client: FlaskClient, url: str, repeat: int, text: str) -> Timing:
    answer = client.get(url)
    assert answer.status_code == 200 and text in answer.text, url
    return timed(repeat, lambda: client.get(url))


def measure(name: str, args: argparse.Namespace) -> dict[str, object]:
    folder = Path(tempfile.mkdtemp(prefix="bench-programme-"))
    url, database = database_url(name, folder)
    config = {
        "INSTANCE_PATH": folder,
        "SECRET_KEY": "bench",
        "SQLALCHEMY_DATABASE_URI": url,
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
    }
    app = create_app(config)
    timings: dict[str, Timing] = {}
    try:
        with app.app_context():
            db.create_all()
            admin = Actor.of_user(create_user(SYSTEM, "office", PASSWORD, is_admin=True))
            started = time.perf_counter()
            programme = build(args.contests, args.entrants, args.marks)
            built = time.perf_counter() - started
            if name == "postgresql":
                db.session.execute(sqlalchemy.text("ANALYZE"))
                db.session.commit()
            marks = db.session.scalar(sqlalchemy.select(sqlalchemy.func.count(Mark.id)))
            dashboard = programme_dashboard.programme_dashboard(admin, programme)
            assert dashboard.contest_count == args.contests
            assert dashboard.contests.matching == args.contests
            timings["service"] = timed(
                args.repeat, lambda: programme_dashboard.programme_dashboard(admin, programme)
            )
            person, entered = busiest_person()
            client = app.test_client()
            client.post("/login", data={"username": "office", "password": PASSWORD})
            page_url = f"/console/programmes/{programme}/dashboard"
            timings["page"] = page_timing(client, page_url, args.repeat, "programme-contests")
            filtered = f"{page_url}?district={DISTRICTS[0]}&status=published&page=2"
            timings["filtered"] = page_timing(client, filtered, args.repeat, "listing-count")
            timings["person"] = page_timing(
                client, f"/console/people/{person}", args.repeat, "技术能手"
            )
            public = client.application.test_client()
            timings["public"] = page_timing(
                public, f"/people/{public_token(person)}", args.repeat, "技术能手"
            )
            db.session.remove()
            db.engine.dispose()
    finally:
        drop(database)
    return {
        "database": name,
        "contests": args.contests,
        "marks": marks,
        "entered": entered,
        "built": built,
        **timings,
    }


MEASURED = (
    ("service", "dashboard service"),
    ("page", "dashboard page"),
    ("filtered", "page, filtered"),
    ("person", "person (console)"),
    ("public", "person (public)"),
)


GOAL = 0.2  # seconds: the 200 ms


def table(results: list[dict[str, object]]) -> list[str]:
    heading = " | ".join(label for _key, label in MEASURED)
    lines = [
        f"| database | contests | marks | {heading} |",
        "|---|---:|---:|" + "---:|" * len(MEASURED),
    ]
    for r in results:
        cells = []
        for key, _label in MEASURED:
            timing = r[key]
            assert isinstance(timing, Timing)
            cells.append(f"{timing.median * 1000:.0f} / {timing.p95 * 1000:.0f} ms")
        lines.append(
            f"| {r['database']} | {r['contests']:,} | {r['marks']:,} | " + " | ".join(cells) + " |"
        )
    return lines


def section(results: list[dict[str, object]], command: str, args: argparse.Namespace) -> str:
    entered = max(int(str(r["entered"])) for r in results)
    return "\n".join(
        [
            TITLE,
            "",
            "Goal: the programme dashboard and a person's page answer within 200 ms on "
            "PostgreSQL for a programme of 2,000 contests and 200,000 marks (issue 14).",
            "",
            f"Measured {time.strftime('%Y-%m-%d')} with `{command}`.",
            "",
            "Method: one programme of N contests (one welding event each) owned by a city, 13 "
            f"county and 130 enterprise unions, {args.entrants} entrants per contest each linked "
            f"to a person, {args.marks} marks per entrant, a third of the contests published "
            "with an awards snapshot and a certificate per awardee; the first two entrants of "
            "every contest are people who enter 5 to 10 contests, named 技术能手 in each "
            "published one; written by bulk inserts. Timed: "
            "`programme_dashboard.programme_dashboard` "
            "(totals, counts and charts' figures over every contest, grouped in SQL; the "
            "table's first page of 50), the dashboard page with its three charts and that "
            "page of the table, a filtered page (a district's published contests, page 2), and "
            f"the console and public pages of the person with the most contests ({entered}), "
            "all through the test client. Each cell is the *median / 95th percentile* of "
            f"{args.repeat} calls after a first one (the first reads and keeps the snapshots: "
            "they never change). Same 2-core machine as above.",
            "",
            *table(results),
            "",
            verdict(results),
            "",
            "Where the time goes (profiled): the entrants and distinct people of the programme "
            "(one `count(distinct)` over the entrants), the contests by month (one narrow row "
            "per contest converted to its own time zone, in Python: SQLite has no zone "
            "conversion), the snapshots' summaries (each snapshot read once per process), four "
            "grouped counts, and the page's 50 rows; before the table was paged every contest "
            "was rendered (237 ms for the page at 2,000 contests). A person's record is four "
            "queries whatever the number of their contests (their entrants with events and "
            "contests, the latest publications, whose rows are kept per process, and the "
            "certificates, indexed by entrant since migration 0009).",
            "",
        ]
    )


def verdict(results: list[dict[str, object]]) -> str:
    """Met or not, by the slowest 95th percentile of PostgreSQL's pages (the goal's)."""
    found = [r for r in results if r["database"] == "postgresql"]
    if not found:
        return "Not judged: the goal is PostgreSQL's, which this run did not measure."
    timings = [(found[0][key], label) for key, label in MEASURED]
    timing, label = max(timings, key=lambda pair: pair[0].p95 if isinstance(pair[0], Timing) else 0)
    assert isinstance(timing, Timing)
    met = timing.p95 <= GOAL
    return (
        f"**{'Met' if met else 'Not met'}**: on PostgreSQL the slowest is the {label} at "
        f"{timing.p95 * 1000:.0f} ms (95th percentile; goal ≤ {GOAL * 1000:.0f} ms)."
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--contests", type=int, default=2000)
    parser.add_argument("--entrants", type=int, default=20)
    parser.add_argument("--marks", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--databases", default="postgresql,sqlite")
    parser.add_argument("--output", type=Path)
    args = parser.parse_args()
    results = []
    for name in args.databases.split(","):
        results.append(measure(name, args))
        built = results[-1]["built"]
        assert isinstance(built, float)
        print(table(results)[-1], f"(built in {built:.1f} s)", flush=True)
    print("\n".join(table(results)))
    if args.output is not None:
        command = "python bench/programme.py " + " ".join(sys.argv[1:])
        rewrite_section(args.output, TITLE, section(results, command, args))


if __name__ == "__main__":
    main()
