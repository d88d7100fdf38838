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
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, func, select

from competition.extensions import db
from competition.local_time import zone_of
from competition.models import (
    Contest,
    Entrant,
    Event,
    Organisation,
    Programme,
    RuleVersion,
    User,
)
from competition.rules.messages import N_, msg
from competition.services import org_scope, published_awards
from competition.services.authority import Actor, Refused
from competition.services.contests import ruleset_of_version

NONE_KEY = ""  # the group of contests with no trade, district or level recorded
LEVEL_NAMES = {"enterprise": N_("Enterprise"), "county": N_("County"), "city": N_("City")}


@dataclass(frozen=True)
class ContestFigures:
    id: int
    name: str
    status: str
    level: str
    organisation: str
    district: str
    trade: str
    created_at: datetime
    published_at: datetime | None  # the first publication
    entrants: int
    people: int
    awarded: int
    prize: Decimal  # awarded, from the snapshot; 0 before publication
    budget: Decimal | None  # the rule files' awards budget, None when they set none

    @property
    def over_budget(self) -> bool:
        return self.budget is not None and self.prize > self.budget


@dataclass(frozen=True)
class Dashboard:
    """What the page, the charts and the workbook show."""

    title: str
    programmes: list[Programme]
    contests: list[ContestFigures]
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


def programme_dashboard(actor: Actor, programme_id: int) -> Dashboard:
    programme = programme_for(actor, programme_id)
    return figures([programme], programme.name)


def year_dashboard(actor: Actor, year: int) -> Dashboard:
    """Every programme of the year the actor may open, together."""
    programmes = visible_programmes(actor, year)
    if not programmes:
        raise Refused("not_found", msg(N_("no programme of {year} to show"), year=year))
    return figures(programmes, str(year))


# --- the figures ----------------------------------------------------------------------------


def figures(programmes: list[Programme], title: str) -> Dashboard:
    ids = [p.id for p in programmes]
    of_programmes = Contest.programme_id.in_(ids)
    budgets = [p.budget for p in programmes if p.budget is not None]
    entrants, people = _entrant_totals(of_programmes)
    snapshots = published_awards.snapshots(of_programmes)
    contests = _contest_figures(of_programmes, snapshots)
    awards: Counter[str] = Counter()
    for snapshot in snapshots.values():
        awards.update(snapshot.awards)
    return Dashboard(
        title=title,
        programmes=programmes,
        contests=contests,
        by_status=_grouped(Contest.status, of_programmes),
        by_level=_grouped(Organisation.level, of_programmes),
        by_trade=_grouped(Contest.trade, of_programmes),
        by_district=_grouped(Organisation.district, of_programmes),
        by_month=_by_month(contests),
        entrants=entrants,
        people=people,
        awards=dict(awards.most_common()),
        prize_total=sum((c.prize for c in contests), Decimal(0)),
        budget=sum(budgets, Decimal(0)) if budgets else None,
        contest_budgets=sum((c.budget for c in contests if c.budget is not None), Decimal(0)),
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
    counted = [(key or NONE_KEY, int(count)) for key, count in rows]
    return dict(sorted(counted, key=lambda kv: (-kv[1], kv[0] == NONE_KEY, kv[0])))


def _entrant_totals(where: ColumnElement[bool]) -> tuple[int, int]:
    row = db.session.execute(
        select(func.count(Entrant.id), func.count(func.distinct(Entrant.person_id)))
        .select_from(Entrant)
        .join(Event, Event.id == Entrant.event_id)
        .join(Contest, Contest.id == Event.contest_id)
        .where(where)
    ).one()
    return int(row[0]), int(row[1])


def _contest_figures(
    where: ColumnElement[bool], snapshots: dict[int, published_awards.Snapshot]
) -> list[ContestFigures]:
    entrants = {
        contest_id: (int(count), int(people))
        for contest_id, count, people in db.session.execute(
            select(
                Event.contest_id,
                func.count(Entrant.id),
                func.count(func.distinct(Entrant.person_id)),
            )
            .join(Contest, Contest.id == Event.contest_id)
            .join(Entrant, Entrant.event_id == Event.id)
            .where(where)
            .group_by(Event.contest_id)
        )
    }
    rule_budgets = _rule_budgets(where)
    rows = db.session.execute(
        select(
            Contest.id,
            Contest.name,
            Contest.status,
            Contest.trade,
            Contest.created_at,
            Contest.time_zone,
            Organisation.level,
            Organisation.name,
            Organisation.district,
        )
        .outerjoin(Organisation, Organisation.id == Contest.organisation_id)
        .where(where)
        .order_by(Contest.created_at, Contest.id)
    ).all()
    figures = []
    for cid, name, status, trade, created, zone, level, organisation, district in rows:
        snapshot = snapshots.get(cid)
        count, people = entrants.get(cid, (0, 0))
        figures.append(
            ContestFigures(
                id=cid,
                name=name,
                status=status,
                level=level or NONE_KEY,
                organisation=organisation or NONE_KEY,
                district=district or NONE_KEY,
                trade=trade or NONE_KEY,
                created_at=_local(created, zone),
                published_at=_local(snapshot.first_at, zone) if snapshot else None,
                entrants=count,
                people=people,
                awarded=sum(snapshot.awards.values()) if snapshot else 0,
                prize=snapshot.prize if snapshot else Decimal(0),
                budget=snapshot.budget if snapshot else rule_budgets.get(cid),
            )
        )
    return figures


def _local(moment: datetime, zone: str | None) -> datetime:
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=zone_of("UTC"))
    return aware.astimezone(zone_of(zone))


def _by_month(contests: list[ContestFigures]) -> dict[str, tuple[int, int]]:
    """Contests created and first published per month, each on its own clock."""
    created = Counter(f"{c.created_at:%Y-%m}" for c in contests)
    published = Counter(f"{c.published_at:%Y-%m}" for c in contests if c.published_at)
    return {m: (created[m], published[m]) for m in sorted(created.keys() | published.keys())}


def _rule_budgets(where: ColumnElement[bool]) -> dict[int, Decimal]:
    """Each contest's awards budget: its events' rule files in force, each file parsed once."""
    newest = (
        select(RuleVersion.event_id, func.max(RuleVersion.version).label("version"))
        .group_by(RuleVersion.event_id)
        .subquery()
    )
    rows = db.session.execute(
        select(Event.contest_id, RuleVersion.id, RuleVersion.sha256)
        .join(Contest, Contest.id == Event.contest_id)
        .join(newest, newest.c.event_id == Event.id)
        .join(
            RuleVersion,
            (RuleVersion.event_id == Event.id) & (RuleVersion.version == newest.c.version),
        )
        .where(where)
    ).all()
    budgets: dict[int, Decimal] = {}
    for contest_id, version_id, sha256 in rows:
        awards = ruleset_of_version(version_id, sha256).rule.awards
        if awards is not None and awards.budget is not None:
            budget = Decimal(str(awards.budget))
            budgets[contest_id] = budgets.get(contest_id, Decimal(0)) + budget
    return budgets
