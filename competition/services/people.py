"""People across contests: made by the organiser or from an entrants sheet, linked to the
entrants they were, found again by name, unit and the keyed hash of their ID number; and
erased on request (PIPL) with the audit trail kept.

A person's record (what they won) is read by :mod:`competition.services.person_record`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import exists, select, update

from competition.extensions import db
from competition.models import ContestRole, Entrant, Event, Person
from competition.models.base import utcnow
from competition.rules.messages import N_, msg
from competition.services import audit
from competition.services.authority import Actor, Refused, require_role
from competition.services.entrant_sheets import EntrantRow, SheetError, SheetProblem
from competition.services.person_ids import id_hash, id_problem, id_tail

NAME_LENGTH = 120  # the width of Person.name
UNIT_LENGTH = 200
UNIT_KEYS = ("unit", "operator", "organisation", "organization", "company", "employer")


def unit_of(attributes: Mapping[str, object]) -> str:
    """The entrant's unit (工作单位, 经营主体) among its attributes, "" when it has none."""
    return next((str(attributes[k]) for k in UNIT_KEYS if attributes.get(k)), "")


def _may_keep_people(actor: Actor) -> None:
    """An admin, or an organiser of some contest, makes and links people."""
    if actor.is_admin:
        return
    if actor.kind == "user" and db.session.scalar(
        select(exists().where(ContestRole.user_id == actor.id, ContestRole.role == "organiser"))
    ):
        return
    raise Refused("forbidden", msg(N_("only an admin or an organiser may do this")))


def near_matches(name: str, unit: str) -> list[Person]:
    """People on record with this name and unit: perhaps the same person, for the organiser
    to confirm (an ID number, when both have one, decides instead)."""
    return list(
        db.session.scalars(
            select(Person)
            .where(Person.name == name.strip(), Person.unit == unit.strip())
            .where(Person.erased_at.is_(None))
            .order_by(Person.id)
        )
    )


def people_named(name: str) -> list[Person]:
    """Whom the organiser may pick for an entrant: the people of exactly this name."""
    return list(
        db.session.scalars(
            select(Person)
            .where(Person.name == name.strip(), Person.erased_at.is_(None))
            .order_by(Person.unit, Person.id)
            .limit(50)
        )
    )


def person_by_id_number(id_number: str) -> Person | None:
    return db.session.scalar(
        select(Person).where(Person.id_hash == id_hash(id_number), Person.erased_at.is_(None))
    )


def _new_person(name: str, unit: str, id_number: str) -> Person:
    """A person added to the session (not committed), checked first."""
    name, unit, id_number = name.strip(), unit.strip(), id_number.strip()
    if not name or len(name) > NAME_LENGTH:
        raise Refused("invalid", msg(N_("a name of 1 to {limit} characters"), limit=NAME_LENGTH))
    if len(unit) > UNIT_LENGTH:
        raise Refused("invalid", msg(N_("longer than {limit} characters"), limit=UNIT_LENGTH))
    person = Person(name=name, unit=unit)
    if id_number:
        problem = id_problem(id_number)
        if problem is not None:
            raise Refused("invalid", problem)
        if person_by_id_number(id_number) is not None:
            text = N_("a person with this ID number is already on record: link to them")
            raise Refused("conflict", msg(text))
        person.id_hash, person.id_tail = id_hash(id_number), id_tail(id_number)
    db.session.add(person)
    db.session.flush()
    return person


def _record_new(actor: Actor, person: Person, role: str) -> None:
    after = {"person": person.id, "id_number": person.id_hash is not None}
    audit.record(actor, "person.create", f"person:{person.id}", role=role, after=after)


def create_person(actor: Actor, name: str, unit: str = "", id_number: str = "") -> Person:
    """A new person; refused when the ID number is wrong or already someone's."""
    _may_keep_people(actor)
    person = _new_person(name, unit, id_number)
    _record_new(actor, person, _role(actor))
    db.session.commit()
    return person


def link_new_person(
    actor: Actor, entrant_id: int, name: str, unit: str = "", id_number: str = ""
) -> Person:
    """Put the person an entrant is on record and link them, in one transaction."""
    entrant = _entrant(entrant_id)
    role = require_role(actor, entrant.event.contest_id, ["organiser"])
    person = _new_person(name, unit, id_number)
    _record_new(actor, person, role)
    _link(actor, role, entrant, person.id)
    db.session.commit()
    return person


def _role(actor: Actor) -> str:
    return "admin" if actor.is_admin else "organiser"


def link_entrant(actor: Actor, entrant_id: int, person_id: int | None) -> Entrant:
    """The organiser says who an entrant is (None: no one on record)."""
    entrant = _entrant(entrant_id)
    role = require_role(actor, entrant.event.contest_id, ["organiser"])
    if person_id is not None:
        person = db.session.get(Person, person_id)
        if person is None or person.erased_at is not None:
            raise Refused("not_found", msg(N_("no such person")))
    _link(actor, role, entrant, person_id)
    db.session.commit()
    return entrant


def _entrant(entrant_id: int) -> Entrant:
    entrant = db.session.get(Entrant, entrant_id)
    if entrant is None:
        raise Refused("not_found", msg(N_("no such entrant")))
    return entrant


def _link(actor: Actor, role: str, entrant: Entrant, person_id: int | None) -> None:
    before = {"person": entrant.person_id}
    entrant.person_id = person_id
    subject = f"event:{entrant.event_id}/entrant:{entrant.code}"
    after = {"person": person_id}
    audit.record(actor, "entrant.person", subject, role=role, before=before, after=after)


# --- an import's rows ------------------------------------------------------------------------


@dataclass(frozen=True)
class NearMatch:
    """An imported row without an ID number whose name and unit are a person's on record:
    left unlinked for the organiser to confirm."""

    row: int
    code: str
    person_id: int


@dataclass(frozen=True)
class ImportLinks:
    linked: int
    created: int
    near: list[NearMatch]


def check_rows(rows: Sequence[EntrantRow], id_column: str | None) -> None:
    """An ID number on record under another name is a mistake to fix in the sheet."""
    problems = []
    for row in rows:
        if row.id_number is None:
            continue
        person = person_by_id_number(row.id_number)
        if person is not None and person.name != row.name:
            text = N_("this ID number is on record for a person of another name")
            problems.append(SheetProblem(row.row, id_column or "", msg(text)))
    if problems:
        raise SheetError(problems)


def link_rows(event: Event, rows: Sequence[EntrantRow]) -> ImportLinks:
    """Link the just inserted entrants to their people (in the import's transaction): by
    ID number to the person on record or a new one; without one, name and unit matching a
    person is reported, not merged."""
    ids = dict(
        db.session.execute(
            select(Entrant.code, Entrant.id).where(Entrant.event_id == event.id)
        ).all()
    )
    linked = created = 0
    near: list[NearMatch] = []
    links: list[dict[str, int]] = []
    for row in rows:
        unit = unit_of(row.attributes)[:UNIT_LENGTH]
        if row.id_number is None:
            near += [NearMatch(row.row, row.code, p.id) for p in near_matches(row.name, unit)]
            continue
        person = person_by_id_number(row.id_number)
        if person is None:
            person = Person(
                name=row.name[:NAME_LENGTH],
                unit=unit,
                id_hash=id_hash(row.id_number),
                id_tail=id_tail(row.id_number),
            )
            db.session.add(person)
            db.session.flush()
            created += 1
        else:
            linked += 1
        links.append({"entrant_id": ids[row.code], "person": person.id})
    for link in links:
        db.session.execute(
            update(Entrant).where(Entrant.id == link["entrant_id"]).values(person_id=link["person"])
        )
    return ImportLinks(linked, created, near)


# --- erasure ---------------------------------------------------------------------------------

ERASED_FIELDS = ["name", "unit", "id_number", "expertise"]


def erase_person(actor: Actor, person_id: int, reason: str) -> Person:
    """Erase a person on their request: name, unit and ID gone, the entrants they were and
    their results kept; the audit entry names the fields, not their values."""
    if not actor.is_admin:
        raise Refused("forbidden", msg(N_("only an admin may do this")))
    reason = reason.strip()
    if not reason:
        raise Refused("invalid", msg(N_("give the reason for the erasure (the request)")))
    person = db.session.get(Person, person_id)
    if person is None:
        raise Refused("not_found", msg(N_("no such person")))
    if person.erased_at is not None:
        raise Refused("wrong_state", msg(N_("this person's data is already erased")))
    person.name, person.unit, person.expertise = "", "", ""
    person.id_hash = person.id_tail = None
    person.erased_at = utcnow()
    audit.record(
        actor,
        "person.erase",
        f"person:{person.id}",
        role="admin",
        reason=reason,
        before={"erased": ERASED_FIELDS},
        after={"person": person.id, "erased_at": person.erased_at.isoformat()},
    )
    db.session.commit()
    return person
