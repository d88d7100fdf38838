"""The judges' pool shared by the programme: people with a unit and an expertise who judge
contests, their declared conflicts of interest (回避), and a contest's judge taken from it.

A person is in the pool when they have an expertise or judge a contest already; entrants
linked to a person are people too, but not judges.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, exists, or_, select

from competition.extensions import db
from competition.models import Conflict, ContestRole, Judge, Person
from competition.rules.messages import N_, msg
from competition.services import audit, judges
from competition.services.authority import Actor, Refused

MAX_LISTED = 200


@dataclass(frozen=True)
class Member:
    """A pool person and the conflicts they have declared."""

    person: Person
    conflicts: list[Conflict]


def keeper_role(actor: Actor) -> str:
    """The role under which the actor keeps the pool: an admin, or an organiser of any
    contest (the pool is the programme's, not one contest's); else :class:`Refused`."""
    if actor.is_admin:
        return "admin"
    if actor.kind == "user" and actor.id is not None:
        organiser = select(ContestRole.id).where(
            ContestRole.user_id == actor.id, ContestRole.role == "organiser"
        )
        if db.session.scalar(organiser.limit(1)) is not None:
            return "organiser"
    raise Refused("forbidden", msg(N_("only an admin or an organiser may keep the judges' pool")))


def _in_pool() -> ColumnElement[bool]:
    judging = exists().where(Judge.person_id == Person.id)
    return (Person.erased_at.is_(None)) & ((Person.expertise != "") | judging)


def members(actor: Actor, search: str = "") -> list[Member]:
    """The pool by name, those matching ``search`` (in the name, unit or expertise)."""
    keeper_role(actor)
    query = select(Person).where(_in_pool())
    words = search.strip()
    if words:
        pattern = f"%{words}%"
        query = query.where(
            or_(
                Person.name.like(pattern),
                Person.unit.like(pattern),
                Person.expertise.like(pattern),
            )
        )
    people = list(db.session.scalars(query.order_by(Person.name, Person.id).limit(MAX_LISTED)))
    declared: dict[int, list[Conflict]] = {p.id: [] for p in people}
    if people:
        rows = db.session.scalars(
            select(Conflict).where(Conflict.judge_person_id.in_(declared)).order_by(Conflict.id)
        )
        for conflict in rows:
            declared[conflict.judge_person_id].append(conflict)
    return [Member(p, declared[p.id]) for p in people]


def choices() -> list[Person]:
    """Every pool person, for a contest's "add a judge from the pool" list."""
    query = select(Person).where(_in_pool()).order_by(Person.name, Person.id)
    return list(db.session.scalars(query))


def add_person(actor: Actor, name: str, unit: str, expertise: str) -> Person:
    """A person joins the pool; a person of that name and unit already known (an entrant,
    say) joins with the expertise given rather than twice."""
    role = keeper_role(actor)
    name, unit, expertise = name.strip(), unit.strip(), expertise.strip()
    if not name or len(name) > 120 or len(unit) > 200 or not expertise or len(expertise) > 200:
        raise Refused(
            "invalid",
            msg(
                N_(
                    "a judge of the pool needs a name of 1 to 120 characters, a unit of 200 at "
                    "most and an expertise of 1 to 200"
                )
            ),
        )
    person = db.session.scalar(
        select(Person).where(Person.name == name, Person.unit == unit, Person.erased_at.is_(None))
    )
    if person is not None and person.expertise:
        raise Refused(
            "exists",
            msg(N_("{name} of {unit} is in the pool already"), name=name, unit=unit or "—"),
        )
    if person is None:
        person = Person(name=name, unit=unit)
        db.session.add(person)
    person.expertise = expertise
    db.session.flush()
    audit.record(
        actor,
        "pool.add",
        f"person:{person.id}",
        role=role,
        after={"name": name, "unit": unit, "expertise": expertise},
    )
    db.session.commit()
    return person


def pool_person(person_id: int) -> Person:
    person: Person | None = db.session.scalar(
        select(Person).where(Person.id == person_id, _in_pool())
    )
    if person is None:
        raise Refused("not_found", msg(N_("no such judge in the pool")))
    return person


def declare(
    actor: Actor, judge_person_id: int, reason: str, person_name: str = "", unit: str = ""
) -> Conflict:
    """A pool judge's conflict with a person (found by name, and unit where several share
    the name) or, with no name, with a whole unit; the reason is required."""
    role = keeper_role(actor)
    judge = pool_person(judge_person_id)
    reason, person_name, unit = reason.strip(), person_name.strip(), unit.strip()
    if not reason or len(reason) > 2000:
        raise Refused("reason_required", msg(N_("a conflict of interest needs a reason")))
    if not person_name and not unit:
        raise Refused("invalid", msg(N_("name the person or the unit the conflict is with")))
    other = _named_person(person_name, unit) if person_name else None
    if other is not None and other.id == judge.id:
        raise Refused("invalid", msg(N_("a judge cannot declare a conflict with themselves")))
    conflict = Conflict(
        judge_person_id=judge.id,
        person_id=other.id if other else None,
        unit=None if other else unit[:200],
        reason=reason,
    )
    if _declared_already(conflict):
        raise Refused("exists", msg(N_("this conflict is declared already")))
    db.session.add(conflict)
    db.session.flush()
    audit.record(
        actor,
        "conflict.declare",
        f"person:{judge.id}",
        role=role,
        reason=reason,
        after=_described(conflict),
    )
    db.session.commit()
    return conflict


def _named_person(name: str, unit: str) -> Person:
    query = select(Person).where(Person.name == name, Person.erased_at.is_(None))
    if unit:
        query = query.where(Person.unit == unit)
    found = list(db.session.scalars(query.order_by(Person.unit).limit(20)))
    if not found:
        raise Refused("not_found", msg(N_("no person named {name} is known"), name=name))
    if len(found) > 1:
        raise Refused(
            "ambiguous",
            msg(
                N_("several people are named {name} ({units}): give the unit too"),
                name=name,
                units=", ".join(p.unit or "—" for p in found),
            ),
        )
    return found[0]


def _declared_already(conflict: Conflict) -> bool:
    query = select(Conflict.id).where(Conflict.judge_person_id == conflict.judge_person_id)
    if conflict.person_id is not None:
        query = query.where(Conflict.person_id == conflict.person_id)
    else:
        query = query.where(Conflict.unit == conflict.unit)
    return db.session.scalar(query.limit(1)) is not None


def _described(conflict: Conflict) -> dict[str, object]:
    if conflict.person_id is not None:
        return {"conflict": conflict.id, "person": conflict.person_id}
    return {"conflict": conflict.id, "unit": conflict.unit}


def withdraw(actor: Actor, conflict_id: int) -> None:
    role = keeper_role(actor)
    conflict = db.session.get(Conflict, conflict_id)
    if conflict is None:
        raise Refused("not_found", msg(N_("no such conflict of interest")))
    before = {**_described(conflict), "reason": conflict.reason}
    db.session.delete(conflict)
    audit.record(
        actor, "conflict.withdraw", f"person:{conflict.judge_person_id}", role=role, before=before
    )
    db.session.commit()


def add_to_contest(
    actor: Actor, contest_id: int, person_id: int, pin: str | None = None
) -> tuple[Judge, str]:
    """A contest's judge taken from the pool: their name and unit, linked to the person, so
    their declared conflicts follow them; with a new login link, as for any judge."""
    person = pool_person(person_id)
    already = select(Judge.id).where(
        Judge.contest_id == contest_id, Judge.person_id == person.id, Judge.revoked_at.is_(None)
    )
    if db.session.scalar(already.limit(1)) is not None:
        raise Refused("exists", msg(N_("{name} judges this contest already"), name=person.name))
    return judges.create_judge(
        actor, contest_id, person.name, unit=person.unit, pin=pin, person_id=person.id
    )


def person_names(person_ids: set[int]) -> dict[int, Person]:
    """The people a list of conflicts names, by id."""
    if not person_ids:
        return {}
    rows = db.session.scalars(select(Person).where(Person.id.in_(person_ids)))
    return {p.id: p for p in rows}
