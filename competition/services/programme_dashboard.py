"""The union office's figures for a programme, or for every programme of a year: contests
by status, level, trade and district, entrants and people, awards given and prize money
against each contest's budget and the programme's.

Counts are grouped in SQL. A published contest's awards and prize money are read from its
latest snapshot (what the public was shown), never recomputed; a snapshot never changes, so
what is read from one is kept per process. A contest not yet published shows its rule
files' awards budget and no money awarded.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import tzinfo
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, func, select

from competition.extensions import db
from competition.local_time import zone_of
from competition.models import Contest, Entrant, Event, Organisation, Programme, User
from competition.rules.messages import N_, msg
from competition.services import org_scope, published_awards
from competition.services.authority import Actor, Refused
from competition.services.programme_contests import (
    NONE_KEY,
    ContestPage,
    Filters,
    contest_page,
    unpublished_budgets,
)

EVERY = Filters()
LEVEL_NAMES = {"enterprise": N_("Enterprise"), "county": N_("County"), "city": N_("City")}


@dataclass(frozen=True)
class Dashboard:
    """What the page, the charts and the workbook show."""

    title: str
    programmes: list[Programme]
    contest_count: int  # every contest of the programmes
    contests: ContestPage  # the table's page of them
    by_status: dict[str, int]
    by_level: dict[str, int]
    by_trade: dict[str, int]
    by_district: dict[str, int]
    by_month: dict[str, tuple[int, int]]  # "2026-03" → (created, first published)
    entrants: int
    people: int
    awards: dict[str, int]  # tier → awardees, over the published contests
    prize_total: Decimal
    budget: Decimal | None  # the programmes' budget (the city's 5 M yuan)
    contest_budgets: Decimal  # the contests' own awards budgets added up

    @property
    def awarded(self) -> int:
        return sum(self.awards.values())

    @property
    def left(self) -> Decimal | None:
        return self.budget - self.prize_total if self.budget is not None else None

    @property
    def over_budget(self) -> bool:
        return self.budget is not None and self.prize_total > self.budget


# --- who may see it -------------------------------------------------------------------------


def _own_organisation(actor: Actor) -> int | None:
    if actor.kind != "user" or actor.id is None:
        return None
    return db.session.scalar(select(User.organisation_id).where(User.id == actor.id))


def may_view(actor: Actor, programme: Programme) -> bool:
    """The admin, or an account of the programme's organisation or one above it."""
    if actor.is_admin:
        return True
    own = _own_organisation(actor)
    return own is not None and org_scope.reaches(own, programme.organisation_id)


def programme_for(actor: Actor, programme_id: int) -> Programme:
    programme = db.session.get(Programme, programme_id)
    if programme is None:
        raise Refused("not_found", msg(N_("no such programme")))
    if not may_view(actor, programme):
        raise Refused("forbidden", msg(N_("this programme belongs to another organisation")))
    return programme


def visible_programmes(actor: Actor, year: int | None = None) -> list[Programme]:
    """The programmes the actor may open, newest year first."""
    query = select(Programme).order_by(Programme.year.desc(), Programme.name, Programme.id)
    if year is not None:
        query = query.where(Programme.year == year)
    if not actor.is_admin:
        own = _own_organisation(actor)
        if own is None:
            return []
        below = org_scope.subtree(own)  # its organisation and those below: one query
        query = query.where(Programme.organisation_id.in_(select(below.c.id)))
    return list(db.session.scalars(query))


def programme_dashboard(
    actor: Actor, programme_id: int, filters: Filters = EVERY, page: int | None = 1
) -> Dashboard:
    """The programme's figures, with page ``page`` of its contests matching ``filters``
    (every contest when ``page`` is None, as the workbook lists them)."""
    programme = programme_for(actor, programme_id)
    return figures([programme], programme.name, filters, page)


def year_dashboard(
    actor: Actor, year: int, filters: Filters = EVERY, page: int | None = 1
) -> Dashboard:
    """Every programme of the year the actor may open, together."""
    programmes = visible_programmes(actor, year)
    if not programmes:
        raise Refused("not_found", msg(N_("no programme of {year} to show"), year=year))
    return figures(programmes, str(year), filters, page)


# --- the figures ----------------------------------------------------------------------------


def figures(
    programmes: list[Programme], title: str, filters: Filters, page: int | None
) -> Dashboard:
    """The totals, counts and charts' figures over every contest of the programmes (grouped
    in SQL; awards and prize money from the kept snapshots), and one page of the table."""
    ids = [p.id for p in programmes]
    of_programmes = Contest.programme_id.in_(ids)
    budgets = [p.budget for p in programmes if p.budget is not None]
    entrants, people = _entrant_totals(of_programmes)
    snapshots = published_awards.snapshots(of_programmes)
    awards: Counter[str] = Counter()
    for snapshot in snapshots.values():
        awards.update(snapshot.awards)
    by_status = _grouped(Contest.status, of_programmes)
    published_budgets = (s.budget for s in snapshots.values() if s.budget is not None)
    return Dashboard(
        title=title,
        programmes=programmes,
        contest_count=sum(by_status.values()),
        contests=contest_page(of_programmes, snapshots, filters, page),
        by_status=by_status,
        by_level=_grouped(Organisation.level, of_programmes),
        by_trade=_grouped(Contest.trade, of_programmes),
        by_district=_grouped(Organisation.district, of_programmes),
        by_month=_by_month(of_programmes, snapshots),
        entrants=entrants,
        people=people,
        awards=dict(awards.most_common()),
        prize_total=sum((s.prize for s in snapshots.values()), Decimal(0)),
        budget=sum(budgets, Decimal(0)) if budgets else None,
        contest_budgets=sum(published_budgets, unpublished_budgets(of_programmes)),
    )


def _grouped(column: Any, where: ColumnElement[bool]) -> dict[str, int]:
    """Contests counted by one column of theirs or of their organisation, most first."""
    rows = db.session.execute(
        select(column, func.count(Contest.id))
        .select_from(Contest)
        .outerjoin(Organisation, Organisation.id == Contest.organisation_id)
        .where(where)
        .group_by(column)
    ).all()
    counted: Counter[str] = Counter()
    for key, count in rows:  # NULL and "" are both "not recorded"
        counted[key or NONE_KEY] += int(count)
    return dict(sorted(counted.items(), key=lambda kv: (-kv[1], kv[0] == NONE_KEY, kv[0])))


def _entrant_totals(where: ColumnElement[bool]) -> tuple[int, int]:
    row = db.session.execute(
        select(func.count(Entrant.id), func.count(func.distinct(Entrant.person_id)))
        .select_from(Entrant)
        .join(Event, Event.id == Entrant.event_id)
        .join(Contest, Contest.id == Event.contest_id)
        .where(where)
    ).one()
    return int(row[0]), int(row[1])


def _by_month(
    where: ColumnElement[bool], snapshots: dict[int, published_awards.Snapshot]
) -> dict[str, tuple[int, int]]:
    """Contests created and first published per month, each on its own clock. Each contest
    has its own time zone, which SQLite cannot convert to, so the months are counted here,
    over one narrow row per contest."""
    zones: dict[str | None, tzinfo] = {}
    created: Counter[tuple[int, int]] = Counter()
    published: Counter[tuple[int, int]] = Counter()
    for cid, moment, zone in db.session.execute(
        select(Contest.id, Contest.created_at, Contest.time_zone).where(where)
    ):
        if (clock := zones.get(zone)) is None:
            clock = zones[zone] = zone_of(zone)
        at = moment.astimezone(clock)
        created[at.year, at.month] += 1
        if (snapshot := snapshots.get(cid)) is not None:
            first = snapshot.first_at.astimezone(clock)
            published[first.year, first.month] += 1
    return {
        f"{year}-{month:02d}": (created[year, month], published[year, month])
        for year, month in sorted(created.keys() | published.keys())
    }
