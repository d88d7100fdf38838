"""The demo's programme around its two live contests: the two qualifier chains — enterprise
welding rounds into county rounds into the city welding final, county orchard rounds into
the city orchard final — the rest of the year (:mod:`competition.services.demo_calendar`),
the live contests placed in the programme, and what the printout names. The union itself
(organisations, programme, pool) is :mod:`competition.services.demo_union`.

Everything goes through the services, as in :mod:`competition.services.demo`; only the
contests' dates are set afterwards (:func:`_date_contests`): the services stamp the moment
they run, and a year's dashboard built in one minute would show one month. The audit log
keeps the true times.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone

from sqlalchemy import func, select, update

from competition.extensions import db
from competition.models import (
    Contest,
    Entrant,
    Event,
    Judge,
    Organisation,
    Person,
    Publication,
)
from competition.services import pool, programmes, qualifiers
from competition.services.demo_calendar import other_contests
from competition.services.demo_people import sheet
from competition.services.demo_rounds import (
    ORCHARD,
    WELDING,
    import_sheet,
    publish,
    score_orchards,
    score_welding,
    seat_panel,
)
from competition.services.demo_union import CITY, CONFLICTED, ENTERPRISES, Union, existing, rotated
from competition.services.marks import MarkInput
from competition.services.person_ids import public_token

CARRIED = 4  # the top of each enterprise round into its county round
TO_FINAL = 3  # the top of each county round into the city final
# enterprise welding rounds feeding each county round, and the county's own entrants' unit
WELDING_CHAIN = {
    "宝塔区": (["陕建八建工会", "延安热电工会"], "延安职业技术学院"),
    "洛川县": (["延安石化工会"], "洛川县建筑安装公司"),
    "延长县": (["延长油田工会"], "延长县城市建设投资公司"),
}
ORCHARD_CHAIN = ["洛川县", "宜川县", "富县", "黄陵县"]


# --- the orchard chain: county rounds of the final's own orchards -----------------------------


def orchard_rounds(
    union: Union,
    final: Contest,
    sheets: Sequence[dict[str, object]],
    measured: dict[str, dict[str, str]],
) -> None:
    """Each county's round of the final's orchards of that county, declared a qualifier of
    the final (its top 3) and published while the final still takes entrants: the winners,
    the same people as on the final's list, are stamped with where they qualified."""
    for number, county in enumerate(ORCHARD_CHAIN):
        rows = [row for row in sheets if row["县（市、区）"] == county]
        contest = union.contest(
            f"{county} 2026 苹果亩均效益竞赛", f"{county}总工会", "果业", ORCHARD, 6 + number % 2
        )
        import_sheet(union.admin, contest, sheet(rows), f"{county}.xlsx")
        qualifiers.declare(union.admin, final.events[0].id, contest.events[0].id, TO_FINAL, None)
        panel = seat_panel(union.admin, contest, ORCHARD, rotated(union.pool["果业"], number))
        values = [
            MarkInput(str(row["编号"]), criterion, value)
            for row in rows
            for criterion, value in measured[str(row["编号"])].items()
        ]
        score_orchards(union.admin, contest, panel, values, seed=300 + number)
        publish(union.admin, contest, panel)


# --- the welding chain ------------------------------------------------------------------------


def welding_chain(union: Union, final: Contest) -> None:
    """Enterprise rounds → county rounds → the city final, each carried on publication."""
    rounds = {}
    for number, (county, (sources, own_unit)) in enumerate(WELDING_CHAIN.items()):
        county_round = union.contest(
            f"{county} 2026 职工焊工技能竞赛", f"{county}总工会", "焊工", WELDING, 7
        )
        _register(union, county_round, own_unit, county, 12, "C")
        qualifiers.declare(
            union.admin, final.events[0].id, county_round.events[0].id, TO_FINAL, None
        )
        for source in sources:
            _, unit = ENTERPRISES[source]
            round_ = union.contest(
                f"{source} 2026 焊工技能比武", source, "焊工", WELDING, 4 + number % 2
            )
            _register(union, round_, unit, county, 24, "W")
            qualifiers.declare(
                union.admin, county_round.events[0].id, round_.events[0].id, CARRIED, None
            )
            _run_welding(union, round_, number)
        rounds[county] = county_round
    for number, county_round in enumerate(rounds.values()):
        _run_welding(union, county_round, 10 + number)


def _register(
    union: Union, contest: Contest, unit: str, county: str, count: int, prefix: str
) -> None:
    names = union.registry.new_names(count)
    rows = [
        {
            "编号": f"{prefix}{index:02d}",
            "姓名": name,
            "工作单位": unit,
            "职工身份": "否" if index % 11 == 0 else "是",
            "身份证号": union.registry.id_of(name, unit, county),
        }
        for index, name in enumerate(names, start=1)
    ]
    import_sheet(union.admin, contest, sheet(rows), "报名表.xlsx")


def _run_welding(union: Union, contest: Contest, number: int) -> None:
    panel = seat_panel(union.admin, contest, WELDING, rotated(union.pool["焊工"], number))
    score_welding(union.admin, contest, panel, seed=100 + contest.id)
    publish(union.admin, contest, panel)


# --- the final touches ------------------------------------------------------------------------


def place_live_contests(union: Union, orchard: Contest, welding: Contest) -> None:
    """The two live contests are the city's, in the programme."""
    for contest, trade, month in ((orchard, "果业", 10), (welding, "焊工", 11)):
        programmes.place_contest(
            union.admin,
            contest.id,
            programme_id=union.programme_id,
            organisation_id=union.orgs[CITY].id,
            trade=trade,
        )
        union.months[contest.id] = month


def add_conflicted_judge(union: Union, welding: Contest) -> None:
    """高志远 of 延长油田 judges the final, not yet assigned: assigning him is refused."""
    person = db.session.scalar(select(Person).where(Person.name == CONFLICTED[0]))
    assert person is not None
    pool.add_to_contest(union.admin, welding.id, person.id)


def _date_contests(months: dict[int, int]) -> None:
    """Each contest began in its month of 2026, and was published three weeks later."""
    zone = timezone(timedelta(hours=8))
    for contest_id, month in months.items():
        began = datetime(2026, month, 3 + contest_id % 20, 9, tzinfo=zone).astimezone(UTC)
        db.session.execute(update(Contest).where(Contest.id == contest_id).values(created_at=began))
        db.session.execute(
            update(Publication)
            .where(Publication.contest_id == contest_id)
            .values(published_at=began + timedelta(days=21))
        )
    db.session.commit()


def build(union: Union, orchard: Contest, welding: Contest) -> None:
    """Everything but the orchard chain (built while the orchard final takes entrants)."""
    welding_chain(union, welding)
    other_contests(union)
    place_live_contests(union, orchard, welding)
    add_conflicted_judge(union, welding)
    _date_contests(union.months)


# --- what the printout names ------------------------------------------------------------------


@dataclass(frozen=True)
class ProgrammeReport:
    dashboard_url: str
    record_url: str
    worker: str
    county_round: str  # the county round they won, whose certificates are printed
    certificates_url: str
    conflicted_judge: str
    final: str


def describe(base_url: str, welding_final: Contest) -> ProgrammeReport | None:
    """The programme's dashboard, the record of the worker with the most contests, the
    certificates of the county round they won, and the judge whose assignment is refused."""
    programme = existing()
    if programme is None:
        return None
    person = star(welding_final)
    county_round = _county_round_of(person) if person is not None else None
    won = db.session.get(Contest, county_round) if county_round else None
    return ProgrammeReport(
        dashboard_url=f"{base_url}/console/programmes/{programme.id}/dashboard",
        record_url=f"{base_url}/people/{public_token(person.id)}" if person else "",
        worker=person.name if person else "",
        county_round=won.name if won else "",
        certificates_url=(
            f"{base_url}/console/contests/{county_round}/results/certificates"
            if county_round
            else ""
        ),
        conflicted_judge=CONFLICTED[0],
        final=welding_final.name,
    )


def star(welding_final: Contest) -> Person | None:
    """The welder who won a county round and is in the city final, through an enterprise
    round before it: the one with the most lines on their record."""
    lines = func.count(Entrant.id)
    winners = select(Entrant.person_id).where(
        Entrant.event_id == welding_final.events[0].id,
        Entrant.qualified_rank == 1,
        Entrant.person_id.is_not(None),
    )
    row = db.session.execute(
        select(Entrant.person_id, lines)
        .where(Entrant.person_id.in_(winners))
        .group_by(Entrant.person_id)
        .order_by(lines.desc(), Entrant.person_id)
        .limit(1)
    ).first()
    return db.session.get(Person, row[0]) if row is not None else None


def _county_round_of(person: Person) -> int | None:
    query = (
        select(Contest.id)
        .join(Event, Event.contest_id == Contest.id)
        .join(Entrant, Entrant.event_id == Event.id)
        .join(Organisation, Organisation.id == Contest.organisation_id)
        .where(Entrant.person_id == person.id, Organisation.level == "county")
    )
    return db.session.scalar(query.limit(1))


def conflicted_judge_of(contest: Contest) -> Judge | None:
    return db.session.scalar(
        select(Judge).where(Judge.contest_id == contest.id, Judge.name == CONFLICTED[0])
    )
