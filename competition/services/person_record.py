"""What a person has done, from the published results: every contest and event they
entered, their rank, total, award, titles and certificates; the public part of it, masked;
and all of it as JSON for a request under PIPL."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import exists, select

from competition.extensions import db
from competition.local_time import zone_of
from competition.models import (
    Certificate,
    Contest,
    ContestRole,
    Entrant,
    Event,
    Person,
    Publication,
)
from competition.models.base import utcnow
from competition.rules.messages import N_, msg
from competition.services import audit, published_rows
from competition.services.authority import Actor, Refused, roles_in
from competition.services.board import PUBLISHED
from competition.services.person_ids import masked_id, public_token
from competition.services.privacy import masked_name


@dataclass(frozen=True)
class HeldTitle:
    """A title as the person holds it: awarded on the day the results holding it were first
    published (in the contest's time zone), valid for the rule file's ``valid_years`` from
    then or for life (``valid_until`` None)."""

    name: str
    awarded_on: date
    valid_until: date | None
    expired: bool


@dataclass(frozen=True)
class Entry:
    """One event a person entered; the results only once they are published."""

    contest: Contest
    event: Event
    entrant: Entrant
    published: bool
    rank: int | None = None
    total: str | None = None
    award: str = ""
    titles: list[HeldTitle] = field(default_factory=list)
    certificates: list[Certificate] = field(default_factory=list)


@dataclass(frozen=True)
class Record:
    person: Person
    entries: list[Entry]

    @property
    def token(self) -> str:
        return public_token(self.person.id)

    @property
    def masked_name(self) -> str:
        return masked_name(self.person.name)

    @property
    def masked_id(self) -> str:
        return masked_id(self.person.id_tail)


def may_see(actor: Actor, person_id: int) -> bool:
    """An admin, or an organiser of a contest the person entered: named in it, or of the
    organisation that runs it or one above (the roles of :func:`authority.roles_in`)."""
    if actor.is_admin:
        return True
    if actor.kind != "user" or actor.id is None:
        return False
    entered = (
        select(Event.contest_id)
        .join(Entrant, Entrant.event_id == Event.id)
        .where(Entrant.person_id == person_id)
    )
    if db.session.scalar(
        select(
            exists().where(
                ContestRole.user_id == actor.id,
                ContestRole.role == "organiser",
                ContestRole.contest_id.in_(entered),
            )
        )
    ):
        return True
    if actor.organisation_id is None:
        return False
    return any("organiser" in roles_in(actor, c) for c in db.session.scalars(entered.distinct()))


def _person(actor: Actor | None, person_id: int) -> Person:
    person = db.session.get(Person, person_id)
    if person is None or (actor is not None and not may_see(actor, person_id)):
        raise Refused("not_found", msg(N_("no such person")))
    return person


def _row(publication: Publication, entrant: Entrant) -> dict[str, Any]:
    """The entrant's row in a publication ({} when it has none)."""
    event: dict[str, Any] = next(
        (e for e in publication.document["events"] if e["id"] == entrant.event_id), {"rows": []}
    )
    return next((r for r in event["rows"] if r["key"] == entrant.code), {})


def _history(contest_id: int) -> list[Publication]:
    return list(
        db.session.scalars(
            select(Publication)
            .where(Publication.contest_id == contest_id)
            .order_by(Publication.number)
        )
    )


def add_years(day: date, years: int) -> date:
    """The same day ``years`` on; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def _held_titles(
    contest: Contest,
    entrant: Entrant,
    row: published_rows.PublishedRow,
    history: dict[int, list[Publication]],
    now: datetime,
) -> list[HeldTitle]:
    """Each title of the entrant's row, dated by the first publication that held it (an
    upheld appeal may have granted it in a revision)."""
    names: list[str] = list(row.titles)
    if not names:
        return []
    if contest.id not in history:
        history[contest.id] = _history(contest.id)
    zone = zone_of(contest.time_zone)
    today = now.astimezone(zone).date()
    years = dict(row.title_valid_years)
    held = []
    for name in names:
        first = next(
            (p for p in history[contest.id] if name in (_row(p, entrant).get("titles") or [])),
            history[contest.id][-1],
        )
        awarded_on = first.published_at.astimezone(zone).date()
        valid = years.get(name)
        until = add_years(awarded_on, valid) if valid else None
        held.append(HeldTitle(name, awarded_on, until, until is not None and today > until))
    return held


def _entries(person_id: int) -> list[Entry]:
    """Every event the person entered, with the published results: a handful of queries
    whatever the number of contests (the entrants with their events and contests, the
    latest publications, the certificates), each snapshot's rows read once per process."""
    entered = db.session.execute(
        select(Entrant, Event, Contest)
        .join(Event, Event.id == Entrant.event_id)
        .join(Contest, Contest.id == Event.contest_id)
        .where(Entrant.person_id == person_id)
        .order_by(Entrant.id)
    ).all()
    published = [c.id for _e, _v, c in entered if c.status in PUBLISHED]
    rows = published_rows.latest_rows(published)
    certificates: dict[int, list[Certificate]] = {}
    if rows:
        for certificate in db.session.scalars(
            select(Certificate)
            .where(
                Certificate.entrant_id.in_([e.id for e, _v, c in entered if c.id in rows]),
                Certificate.revoked_at.is_(None),
            )
            .order_by(Certificate.id)
        ):
            certificates.setdefault(certificate.entrant_id, []).append(certificate)
    entries = []
    history: dict[int, list[Publication]] = {}
    now = utcnow()
    for entrant, event, contest in entered:
        if contest.id not in rows:
            entries.append(Entry(contest, event, entrant, published=False))
            continue
        row = rows[contest.id].get((event.id, entrant.code), published_rows.EMPTY)
        entries.append(
            Entry(
                contest,
                event,
                entrant,
                published=True,
                rank=row.rank,
                total=row.total,
                award=row.award,
                titles=_held_titles(contest, entrant, row, history, now),
                certificates=certificates.get(entrant.id, []),
            )
        )
    return entries


def person_record(actor: Actor | None, person_id: int) -> Record:
    """The person's record for the console (``actor`` None: the public page, which shows
    only published entries)."""
    person = _person(actor, person_id)
    entries = _entries(person.id)
    if actor is None:
        entries = [e for e in entries if e.published]
    return Record(person, entries)


def export_person(actor: Actor, person_id: int) -> dict[str, Any]:
    """Everything held on the person, as a PIPL request is answered; the export is audited."""
    record = person_record(actor, person_id)
    person = record.person
    audit.record(
        actor,
        "person.export",
        f"person:{person.id}",
        role="admin" if actor.is_admin else "organiser",
    )
    db.session.commit()
    return {
        "person": {
            "id": person.id,
            "name": person.name,
            "unit": person.unit,
            "id_number": record.masked_id or None,  # only the last four are kept
            "expertise": person.expertise,
            "created_at": _time(person.created_at),
            "erased_at": _time(person.erased_at),
        },
        "entries": [
            {
                "contest": e.contest.name,
                "event": e.event.name,
                "code": e.entrant.code,
                "name": e.entrant.name,
                "attributes": e.entrant.attributes,
                "published": e.published,
                "rank": e.rank,
                "total": e.total,
                "award": e.award or None,
                "titles": [
                    {
                        "name": t.name,
                        "awarded_on": t.awarded_on.isoformat(),
                        "valid_until": t.valid_until.isoformat() if t.valid_until else None,
                        "expired": t.expired,
                    }
                    for t in e.titles
                ],
                "certificates": [
                    {"code": c.code, "issued_at": _time(c.issued_at)} for c in e.certificates
                ],
            }
            for e in record.entries
        ],
    }


def _time(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None
