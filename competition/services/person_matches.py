"""Entrants who may be people already on record: linked to no one, with the name and unit
of a person on record. An import leaves them unlinked (without an ID number, a name and a
unit are not proof); the organiser confirms each — the same person, or someone else — and
until then the entrants list says how many wait.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from competition.extensions import db
from competition.models import Entrant, Event, Person
from competition.rules.messages import N_, Message, msg
from competition.services.people import UNIT_LENGTH, unit_of
from competition.services.person_ids import masked_id

CHUNK = 500  # names per query, well under SQLite's limit on parameters


@dataclass(frozen=True)
class PendingMatch:
    """An unlinked entrant and a person on record who may be them, with why."""

    entrant: Entrant
    unit: str
    person: Person

    @property
    def reason(self) -> Message:
        if self.person.id_tail:
            text = N_(
                "same name and unit; the person on record has the ID number {id}, the sheet "
                "gave none to compare"
            )
            return msg(text, id=masked_id(self.person.id_tail))
        return msg(N_("same name and unit; neither has an ID number to compare"))


def pending_matches(event: Event) -> list[PendingMatch]:
    """Every unlinked entrant of the event whose name and unit are a person's on record (two
    queries for most events), by code."""
    unlinked = list(
        db.session.scalars(
            select(Entrant)
            .where(Entrant.event_id == event.id, Entrant.person_id.is_(None))
            .order_by(Entrant.code)
        )
    )
    names = sorted({e.name.strip() for e in unlinked if e.name.strip()})
    people: dict[tuple[str, str], list[Person]] = {}
    for start in range(0, len(names), CHUNK):
        for person in db.session.scalars(
            select(Person)
            .where(Person.name.in_(names[start : start + CHUNK]), Person.erased_at.is_(None))
            .order_by(Person.id)
        ):
            people.setdefault((person.name, person.unit), []).append(person)
    found = []
    for entrant in unlinked:
        unit = unit_of(entrant.attributes or {})[:UNIT_LENGTH].strip()
        for person in people.get((entrant.name.strip(), unit), []):
            found.append(PendingMatch(entrant, unit, person))
    return found
