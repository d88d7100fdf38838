"""The programme dashboard's table of contests: a page of them at a time, filtered by
stage, level, trade and district, each with its entrants, awards, prize money and budget.

Only the rows shown are computed: a programme of 2,000 contests is read 50 at a time. The
workbook asks for every row (``number`` None)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import ColumnElement, Select, exists, func, or_, select
from sqlalchemy.orm import aliased

from competition.extensions import db
from competition.local_time import zone_of
from competition.models import Contest, Entrant, Event, Organisation, Publication, RuleVersion
from competition.services.contests import ruleset_of_version
from competition.services.published_awards import Snapshot

NONE_KEY = ""  # the group of contests with no trade, district or level recorded
NOT_RECORDED = "-"  # the filter's value for that group
PAGE_SIZE = 50
LONGEST_FILTER = 200


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
class Filters:
    """Which contests the table lists; an empty value lists every one."""

    status: str = ""
    level: str = ""
    trade: str = ""
    district: str = ""

    @classmethod
    def of(cls, values: dict[str, str]) -> Filters:
        def value(name: str) -> str:
            return (values.get(name) or "").strip()[:LONGEST_FILTER]

        return cls(value("status"), value("level"), value("trade"), value("district"))

    def query(self) -> dict[str, str]:
        """The filters set, as a page's query string holds them."""
        return {k: v for k, v in vars(self).items() if v}

    def where(self) -> list[ColumnElement[bool]]:
        conditions = []
        if self.status:
            conditions.append(Contest.status == self.status)
        for column, value in (
            (Organisation.level, self.level),
            (Contest.trade, self.trade),
            (Organisation.district, self.district),
        ):
            if value == NOT_RECORDED:
                conditions.append(or_(column.is_(None), column == ""))
            elif value:
                conditions.append(column == value)
        return conditions


@dataclass(frozen=True)
class ContestPage:
    rows: list[ContestFigures]
    number: int  # from 1
    pages: int
    matching: int  # contests the filters let through, on every page
    filters: Filters

    @property
    def first(self) -> int:
        """The position of the page's first row among the matching contests, from 1."""
        return (self.number - 1) * PAGE_SIZE + 1 if self.rows else 0

    @property
    def last(self) -> int:
        return self.first + len(self.rows) - 1 if self.rows else 0


def contest_page(
    where: ColumnElement[bool],
    snapshots: dict[int, Snapshot],
    filters: Filters,
    number: int | None,
) -> ContestPage:
    """Page ``number`` (kept within the pages there are) of the contests matching the
    filters, oldest first; every matching contest when ``number`` is None."""
    query = (
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
        .where(where, *filters.where())
    )
    matching = int(db.session.scalar(select(func.count()).select_from(query.subquery())) or 0)
    pages = max(1, -(-matching // PAGE_SIZE))
    ordered = query.order_by(Contest.created_at, Contest.id)
    if number is None:
        number, pages = 1, 1
        rows = db.session.execute(ordered).all()
        of_page = where
    else:
        number = min(max(number, 1), pages)
        offset = (number - 1) * PAGE_SIZE
        rows = db.session.execute(ordered.limit(PAGE_SIZE).offset(offset)).all()
        of_page = Contest.id.in_([row[0] for row in rows])
    entrants = _entrant_counts(of_page)
    budgets = contest_budgets(of_page)
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
                created_at=local(created, zone),
                published_at=local(snapshot.first_at, zone) if snapshot else None,
                entrants=count,
                people=people,
                awarded=sum(snapshot.awards.values()) if snapshot else 0,
                prize=snapshot.prize if snapshot else Decimal(0),
                budget=snapshot.budget if snapshot else budgets.get(cid),
            )
        )
    return ContestPage(figures, number, pages, matching, filters)


def local(moment: datetime, zone: str | None) -> datetime:
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=zone_of("UTC"))
    return aware.astimezone(zone_of(zone))


def _entrant_counts(where: ColumnElement[bool]) -> dict[int, tuple[int, int]]:
    """Per contest, its entrants and the distinct people among them."""
    return {
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


def rule_files(where: ColumnElement[bool]) -> Select[int, int, str]:
    """Each event's rule file in force (its newest version): contest, version id, SHA-256."""
    newer = aliased(RuleVersion)
    return (
        select(Event.contest_id, RuleVersion.id, RuleVersion.sha256)
        .join(Contest, Contest.id == Event.contest_id)
        .join(RuleVersion, RuleVersion.event_id == Event.id)
        .where(
            where,
            ~exists().where(
                newer.event_id == RuleVersion.event_id, newer.version > RuleVersion.version
            ),
        )
    )


def rule_budget(version_id: int, sha256: str) -> Decimal | None:
    """The awards budget a rule file sets (parsed once per distinct file)."""
    awards = ruleset_of_version(version_id, sha256).rule.awards
    if awards is None or awards.budget is None:
        return None
    return Decimal(str(awards.budget))


def contest_budgets(where: ColumnElement[bool]) -> dict[int, Decimal]:
    """Each contest's awards budget: its events' rule files in force added up."""
    budgets: dict[int, Decimal] = {}
    for contest_id, version_id, sha256 in db.session.execute(rule_files(where)):
        if (budget := rule_budget(version_id, sha256)) is not None:
            budgets[contest_id] = budgets.get(contest_id, Decimal(0)) + budget
    return budgets


def unpublished_budgets(where: ColumnElement[bool]) -> Decimal:
    """The rule files' budgets of the contests not yet published, added up: counted in SQL
    per distinct file, each file parsed once."""
    published = exists().where(Publication.contest_id == Contest.id)
    files = rule_files(where).where(~published).subquery()
    total = Decimal(0)
    for version_id, sha256, events in db.session.execute(
        select(func.min(files.c.id), files.c.sha256, func.count()).group_by(files.c.sha256)
    ):
        if (budget := rule_budget(version_id, sha256)) is not None:
            total += budget * int(events)
    return total
