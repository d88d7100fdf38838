"""Conflicts of interest (回避): which entrants a judge must not mark, and why.

A judge never marks an entrant of their own unit, nor anyone the judge's pool person has
declared a conflict with (a person, or a whole unit). The entrant's unit is their person's
when the entrant is linked to one, else the unit the entrant sheet gave.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from competition.extensions import db
from competition.models import Conflict, Entrant, Judge, Person
from competition.rules.messages import N_, Message, msg


@dataclass(frozen=True)
class EntrantConflict:
    """Why ``judge`` must not mark ``entrant``: ``reason`` in plain words, ``kind`` "unit"
    (their own unit) or "declared" (a conflict of the pool)."""

    judge: Judge
    entrant: Entrant
    kind: str
    reason: Message

    @property
    def entrant_label(self) -> str:
        return f"{self.entrant.code} {self.entrant.name}"


def entrant_unit(entrant: Entrant) -> str:
    """The unit an entrant belongs to: their person's, else the entrant sheet's."""
    if entrant.person_id is not None:
        person = db.session.get(Person, entrant.person_id)
        if person is not None and person.unit.strip():
            return person.unit.strip()
    return str((entrant.attributes or {}).get("unit") or "").strip()


def judge_units(judge: Judge) -> set[str]:
    """The judge's own units: as the contest typed it and as their pool person has it."""
    units = {judge.unit.strip()}
    if judge.person_id is not None:
        person = db.session.get(Person, judge.person_id)
        if person is not None:
            units.add(person.unit.strip())
    return units - {""}


def declared_of(judge: Judge) -> list[Conflict]:
    if judge.person_id is None:
        return []
    query = select(Conflict).where(Conflict.judge_person_id == judge.person_id)
    return list(db.session.scalars(query.order_by(Conflict.id)))


def conflicts_of(judge: Judge, entrants: list[Entrant]) -> list[EntrantConflict]:
    """Every entrant of ``entrants`` the judge must not mark, each with its first reason."""
    units = judge_units(judge)
    declared = declared_of(judge)
    found = []
    for entrant in entrants:
        reason = _reason(judge, entrant, units, declared)
        if reason is not None:
            found.append(reason)
    return found


def _reason(
    judge: Judge, entrant: Entrant, units: set[str], declared: list[Conflict]
) -> EntrantConflict | None:
    unit = entrant_unit(entrant)
    label = f"{entrant.code} {entrant.name}"
    if unit and unit in units:
        text = N_("{judge} and entrant {entrant} both belong to {unit}")
        return EntrantConflict(
            judge, entrant, "unit", msg(text, judge=judge.name, entrant=label, unit=unit)
        )
    for conflict in declared:
        if conflict.person_id is not None and conflict.person_id == entrant.person_id:
            text = N_("{judge} declared a conflict with entrant {entrant}: {reason}")
        elif conflict.unit and conflict.unit.strip() == unit:
            text = N_("{judge} declared a conflict with {unit}, the unit of {entrant}: {reason}")
        else:
            continue
        return EntrantConflict(
            judge,
            entrant,
            "declared",
            msg(text, judge=judge.name, entrant=label, unit=unit, reason=conflict.reason),
        )
    return None


def event_entrants(event_id: int) -> list[Entrant]:
    query = select(Entrant).where(Entrant.event_id == event_id).order_by(Entrant.code)
    return list(db.session.scalars(query))
