"""The console's reading of one contest's audit log: filtered by actor, kind of entry,
entrant and days, newest first, a page at a time (or all of it, for the export).

Filters come as the page's query parameters, so a filtered page can be bookmarked; a value
that cannot be used is named in the reader's language and nothing is read.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from sqlalchemy import ColumnElement, and_, func, or_, select

from competition.extensions import db
from competition.local_time import zone_of
from competition.models import Appeal, AuditEntry, Contest, Entrant
from competition.rules.messages import N_, Message, msg
from competition.services import audit_sentences, blind
from competition.services.audit_wording import ReadableEntry, Wording

PER_PAGE = 50
EXPORT_BATCH = 1000
_ACTOR = re.compile(r"^(system|(user|judge):\d{1,9})$")
_ACTION = re.compile(r"^[a-z_]{1,32}(\.[a-z_]{1,32}){1,3}$")
MAX_TEXT = 64


@dataclass(frozen=True)
class Filters:
    """The filters as the reader gave them (the form shows them again as typed)."""

    actor: str = ""
    action: str = ""
    entrant: str = ""
    since: str = ""  # a day, YYYY-MM-DD
    until: str = ""
    page: int = 1

    def query(self) -> dict[str, str]:
        """The filters as query parameters, without the page (for page links and export)."""
        return {
            name: value
            for name, value in (
                ("actor", self.actor),
                ("action", self.action),
                ("entrant", self.entrant),
                ("from", self.since),
                ("to", self.until),
            )
            if value
        }


def parse_filters(args: Mapping[str, str]) -> tuple[Filters, list[Message]]:
    """The filters of a request's query, and a message for each value that cannot be used."""
    given = {name: (args.get(name) or "").strip()[:200] for name in _PARAMETERS}
    problems = []
    if given["actor"] and not _ACTOR.match(given["actor"]):
        problems.append(msg(N_("“{value}” is not a person of this log"), value=given["actor"]))
    if given["action"] and not _ACTION.match(given["action"]):
        problems.append(msg(N_("“{value}” is not a kind of entry"), value=given["action"]))
    if len(given["entrant"]) > MAX_TEXT:
        problems.append(msg(N_("an entrant's code or name has at most {n} characters"), n=64))
    days = {name: _day(given[name]) for name in ("from", "to")}
    for name in ("from", "to"):
        if given[name] and days[name] is None:
            problems.append(msg(N_("“{value}” is not a date (year-month-day)"), value=given[name]))
    since, until = days["from"], days["to"]
    if since and until and since > until:
        problems.append(msg(N_("the first day comes after the last day")))
    page = given["page"] or "1"
    if not page.isdigit() or not 1 <= int(page) <= 10**6:
        problems.append(msg(N_("“{value}” is not a page number"), value=page))
        page = "1"
    filters = Filters(
        given["actor"], given["action"], given["entrant"], given["from"], given["to"], int(page)
    )
    return filters, problems


_PARAMETERS = ("actor", "action", "entrant", "from", "to", "page")


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text) else None
    except ValueError:
        return None


def day_start(day: date, zone: str) -> datetime:
    """Where a day of the filter begins: days are the contest's days, in its zone, as the
    log's times are shown."""
    return datetime(day.year, day.month, day.day, tzinfo=zone_of(zone))


@dataclass(frozen=True)
class Option:
    value: str
    label: str


@dataclass(frozen=True)
class LogPage:
    filters: Filters
    entries: list[ReadableEntry]
    total: int
    pages: int
    per_page: int

    @property
    def page(self) -> int:
        return self.filters.page

    @property
    def first(self) -> int:
        """The position of the page's first entry in the filtered log (0 when empty)."""
        return (self.page - 1) * self.per_page + 1 if self.entries else 0


class FilterRefused(Exception):
    """A filter that is well formed but names nothing in this contest."""

    def __init__(self, message: Message) -> None:
        self.message = message
        super().__init__(message.render("en"))


def log_page(contest: Contest, filters: Filters, locale: str, per_page: int = PER_PAGE) -> LogPage:
    """One page of the filtered log, newest first; a page beyond the last shows the last."""
    wording = Wording(contest, locale)
    where = _where(contest, filters, wording.hidden)
    total = db.session.scalar(select(func.count()).select_from(AuditEntry).where(*where)) or 0
    pages = max(1, -(-total // per_page))
    filters = replace(filters, page=min(filters.page, pages))
    query = (
        select(AuditEntry)
        .where(*where)
        .order_by(AuditEntry.seq.desc())
        .offset((filters.page - 1) * per_page)
        .limit(per_page)
    )
    entries = [wording.read(entry) for entry in db.session.scalars(query)]
    return LogPage(filters, entries, total, pages, per_page)


def log_entries(contest: Contest, filters: Filters, locale: str) -> Iterator[ReadableEntry]:
    """Every entry the filters select, newest first, read in batches; a filter naming
    nothing is refused here, before the first entry is read."""
    wording = Wording(contest, locale)
    return _batches(wording, _where(contest, filters, wording.hidden))


def _batches(wording: Wording, where: list[ColumnElement[bool]]) -> Iterator[ReadableEntry]:
    before: int | None = None
    while True:
        query = select(AuditEntry).where(*where)
        if before is not None:
            query = query.where(AuditEntry.seq < before)
        query = query.order_by(AuditEntry.seq.desc()).limit(EXPORT_BATCH)
        batch = list(db.session.scalars(query))
        yield from (wording.read(entry) for entry in batch)
        if len(batch) < EXPORT_BATCH:
            return
        before = batch[-1].seq


# --- the query ----------------------------------------------------------------------------


def about_contest(contest: Contest) -> ColumnElement[bool]:
    """Entries about the contest or one of its events (what ``audit.entries_about`` reads)."""
    event_ids = [event.id for event in contest.events]
    subjects = [f"contest:{contest.id}", *(f"event:{e}" for e in event_ids)]
    return or_(
        AuditEntry.subject.in_(subjects),
        AuditEntry.subject.like(f"contest:{contest.id}/%"),
        *(AuditEntry.subject.like(f"event:{e}/%") for e in event_ids),
    )


def _where(contest: Contest, filters: Filters, hidden: bool) -> list[ColumnElement[bool]]:
    where = [about_contest(contest)]
    if filters.actor == "system":
        where.append(AuditEntry.actor == "system")
    elif filters.actor:
        where.append(AuditEntry.actor.like(f"{filters.actor}:%"))
    if filters.action:
        where.append(AuditEntry.action == filters.action)
    if filters.entrant:
        where.append(_entrant_condition(contest, filters.entrant, hidden))
    since, until = _day(filters.since), _day(filters.until)
    if since is not None:
        where.append(AuditEntry.at >= day_start(since, contest.time_zone))
    if until is not None:
        where.append(AuditEntry.at < day_start(until + timedelta(days=1), contest.time_zone))
    return where


def _entrant_condition(contest: Contest, text: str, hidden: bool) -> ColumnElement[bool]:
    """Entries about the entrants the text names: by code or name, or while names are
    closed only by contestant number (a code must not find a numbered entrant)."""
    found = _entrants_named(contest, text, hidden)
    if not found:
        if hidden:
            message = msg(N_("no entrant has the contestant number “{value}”"), value=text)
        else:
            message = msg(
                N_("no entrant of this contest has the code or name “{value}”"), value=text
            )
        raise FilterRefused(message)
    conditions: list[ColumnElement[bool]] = []
    for event_id, code in found:
        conditions.append(AuditEntry.subject == f"event:{event_id}/entrant:{code}")
        conditions.append(
            and_(
                AuditEntry.subject.like(f"event:{event_id}/judge:%"),
                or_(
                    AuditEntry.after["entrant"].as_string() == code,
                    AuditEntry.before["entrant"].as_string() == code,
                ),
            )
        )
    appeals = db.session.scalars(
        select(Appeal.id)
        .join(Entrant, Entrant.id == Appeal.entrant_id)
        .where(Appeal.contest_id == contest.id, Entrant.code.in_([c for _, c in found]))
    )
    conditions.extend(
        AuditEntry.subject == f"contest:{contest.id}/appeal:{appeal}" for appeal in appeals
    )
    return or_(*conditions)


def _entrants_named(contest: Contest, text: str, hidden: bool) -> list[tuple[int, str]]:
    """(event id, code) of each entrant the text names, registered or removed since."""
    found: list[tuple[int, str]] = []
    for event in contest.events:
        if hidden:
            numbers = blind.numbers_by_code(event.id)
            found.extend((event.id, code) for code, number in numbers.items() if number == text)
            continue
        rows = db.session.scalars(
            select(Entrant.code).where(
                Entrant.event_id == event.id,
                or_(Entrant.code == text, Entrant.name.contains(text, autoescape=True)),
            )
        )
        codes = set(rows)
        removed = f"event:{event.id}/entrant:{text}"
        if db.session.scalar(select(AuditEntry.id).where(AuditEntry.subject == removed).limit(1)):
            codes.add(text)
        found.extend((event.id, code) for code in sorted(codes))
    return found


# --- what the filters offer -------------------------------------------------------------


def actor_options(contest: Contest, locale: str) -> list[Option]:
    """Everyone who wrote an entry about the contest, by name."""
    wording = Wording(contest, locale)
    labels = db.session.scalars(select(AuditEntry.actor).where(about_contest(contest)).distinct())
    options = {}
    for label in labels:
        kind, _, rest = label.partition(":")
        value = "system" if kind == "system" else f"{kind}:{rest.partition(':')[0]}"
        options[value] = Option(value, wording.who(label))
    return sorted(options.values(), key=lambda option: (option.value != "system", option.label))


def action_options(contest: Contest, locale: str) -> list[Option]:
    """Every kind of entry the services write, and any other the log holds."""
    held = set(
        db.session.scalars(select(AuditEntry.action).where(about_contest(contest)).distinct())
    )
    actions = [*audit_sentences.SENTENCES, *sorted(held - set(audit_sentences.SENTENCES))]
    return [Option(a, audit_sentences.sentence(a).render(locale)) for a in actions]
