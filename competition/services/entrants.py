"""Entrants of an event: imported from a spreadsheet all-or-nothing, added or removed one by
one before scoring opens, corrected one by one until the results are locked, and exported
back to XLSX.

The sheet is read and checked by :mod:`competition.services.entrant_sheets`; this module
adds who may do it, when, the one transaction and the audit entry.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import exists, insert, select
from sqlalchemy.exc import IntegrityError

from competition.extensions import db
from competition.models import Assignment, BlindCode, Contest, Entrant, Event
from competition.rules import RuleSet
from competition.rules.messages import N_, msg
from competition.services import audit, outbox, people
from competition.services.authority import Actor, Refused, require_role
from competition.services.contests import ruleset_of
from competition.services.entrant_checks import suggest_mapping, validate
from competition.services.entrant_sheets import (
    PROGRESS_EVERY,
    EntrantRow,
    Field,
    Progress,
    Sheet,
    SheetError,
    SheetProblem,
    fields,
    import_fields,
    read_sheet,
)
from competition.services.entrant_workbooks import entrants_xlsx, template_xlsx
from competition.services.people import ImportLinks
from competition.services.stages import stage_name

EDITABLE = ("draft", "registration")
# a name or an attribute may be corrected while marks come in, not once the results are
# under review: attributes may enter formulas and award conditions
CORRECTABLE = ("draft", "registration", "scoring", "review")  # a typo seen in review too
READERS = ("organiser", "chief_judge")


@dataclass(frozen=True)
class ImportResult:
    count: int
    filename: str
    sha256: str
    mapping: dict[str, str | None]
    people: ImportLinks = ImportLinks(0, 0, [])


@dataclass(frozen=True)
class SheetPreview:
    """What the column mapping step shows: the sheet, the suggested mapping, the fields."""

    sheet: Sheet
    mapping: dict[str, str | None]
    fields: list[Field]


def _event_for(actor: Actor, event_id: int, roles: Iterable[str]) -> tuple[Event, str]:
    event = db.session.get(Event, event_id)
    if event is None:
        raise Refused("not_found", msg(N_("no such event")))
    return event, require_role(actor, event.contest_id, roles)


def _check_editable(event: Event) -> None:
    """Entrants are fixed once scoring opens: marks, codes and standings refer to them."""
    status = event.contest.status
    if status not in EDITABLE:
        text = N_("the contest is '{status}': entrants change only before scoring opens")
        raise Refused("wrong_state", msg(text, status=stage_name(status)))


def correctable(contest: Contest) -> bool:
    """Whether entrants' names and attributes may be corrected at the contest's stage."""
    return contest.status in CORRECTABLE


def rules_of(event: Event) -> RuleSet:
    return ruleset_of(event)


def template(actor: Actor, event_id: int) -> bytes:
    """The empty entrant sheet for an event's rules, to fill in and import."""
    event, _ = _event_for(actor, event_id, READERS)
    return template_xlsx(rules_of(event))


def preview_sheet(actor: Actor, event_id: int, data: bytes, filename: str) -> SheetPreview:
    """Read an uploaded sheet and suggest which column holds which field; nothing stored."""
    event, _ = _event_for(actor, event_id, ["organiser"])
    ruleset = rules_of(event)
    sheet = read_sheet(data, filename)
    return SheetPreview(sheet, suggest_mapping(sheet.headers, ruleset), import_fields(ruleset))


def _codes(event_id: int) -> set[str]:
    return set(db.session.scalars(select(Entrant.code).where(Entrant.event_id == event_id)))


def import_entrants(
    actor: Actor,
    event_id: int,
    data: bytes,
    filename: str,
    mapping: Mapping[str, str | None] | None = None,
    progress: Progress | None = None,
) -> ImportResult:
    """Register every row of a sheet, or none: :class:`SheetError` lists each problem with
    its row and column. ``progress(done, total)`` follows checking, then inserting."""
    event, role = _event_for(actor, event_id, ["organiser"])
    _check_editable(event)
    ruleset = rules_of(event)
    sheet = read_sheet(data, filename)
    used = dict(mapping) if mapping is not None else suggest_mapping(sheet.headers, ruleset)
    total = 2 * len(sheet.rows)
    checking = (lambda done, _: progress(done, total)) if progress else None
    rows = validate(sheet, used, ruleset, _codes(event.id), checking)
    people.check_rows(rows, next((h for h, k in used.items() if k == "id_number"), None))
    sha256 = hashlib.sha256(data).hexdigest()
    after: dict[str, object] = {"count": len(rows), "file": filename, "sha256": sha256}
    after["mapping"] = used
    try:
        _insert(event.id, rows, progress, total)
        links = people.link_rows(event, rows)
        after |= {"people_linked": links.linked, "people_created": links.created}
        after["near_matches"] = len(links.near)
        outbox.record(event.contest_id, outbox.EVENT, event.id)
        audit.record(actor, "entrants.import", f"event:{event.id}", role=role, after=after)
        db.session.commit()
        outbox.announce(event.contest_id)
    except IntegrityError:
        db.session.rollback()
        text = N_("some of these codes were registered meanwhile: import the sheet again")
        raise Refused("conflict", msg(text)) from None
    return ImportResult(len(rows), filename, sha256, used, links)


def _insert(event_id: int, rows: list[EntrantRow], progress: Progress | None, total: int) -> None:
    """Insert in batches, so that a large sheet shows progress and no statement is huge."""
    for start in range(0, len(rows), PROGRESS_EVERY):
        batch = rows[start : start + PROGRESS_EVERY]
        db.session.execute(
            insert(Entrant),
            [
                {"event_id": event_id, "code": r.code, "name": r.name, "attributes": r.attributes}
                for r in batch
            ],
        )
        if progress is not None:
            progress(total // 2 + start + len(batch), total)


def export_entrants_xlsx(actor: Actor, event_id: int) -> bytes:
    """The event's entrants in the template's layout (Chinese headers), in registration
    order; it imports again unchanged."""
    event, _ = _event_for(actor, event_id, READERS)
    entrants = db.session.scalars(
        select(Entrant).where(Entrant.event_id == event.id).order_by(Entrant.id)
    )
    return entrants_xlsx(rules_of(event), ((e.code, e.name, e.attributes) for e in entrants))


def add_entrant(
    actor: Actor, event_id: int, code: str, name: str, attributes: Mapping[str, str]
) -> Entrant:
    """One entrant typed in by hand, checked exactly as a sheet row would be; problems name
    the field (row None)."""
    event, role = _event_for(actor, event_id, ["organiser"])
    _check_editable(event)
    ruleset = rules_of(event)
    row = _checked_row(ruleset, {"code": code, "name": name, **attributes}, _codes(event.id))
    entrant = Entrant(event_id=event.id, code=row.code, name=row.name, attributes=row.attributes)
    after = {"code": row.code, "name": row.name, "attributes": row.attributes}
    try:
        db.session.add(entrant)
        db.session.flush()
        subject = f"event:{event.id}/entrant:{row.code}"
        outbox.record(event.contest_id, outbox.EVENT, event.id)
        audit.record(actor, "entrant.add", subject, role=role, after=after)
        db.session.commit()
        outbox.announce(event.contest_id)
    except IntegrityError:
        db.session.rollback()
        text = N_("'{code}' is already registered in this event")
        raise Refused("conflict", msg(text, code=row.code)) from None
    return entrant


def _checked_row(ruleset: RuleSet, values: Mapping[str, str], existing: set[str]) -> EntrantRow:
    """The values as a one-row sheet whose headers are the field keys."""
    known = {field.key: field.header for field in fields(ruleset)}
    unknown = [
        SheetProblem(None, key, msg(N_("'{field}' is not a field of this event"), field=key))
        for key in values
        if key not in known
    ]
    if unknown:
        raise SheetError(unknown)
    sheet = Sheet(list(known), [{key: str(values.get(key, "")) for key in known}], [1])
    try:
        (row,) = validate(sheet, {key: key for key in known}, ruleset, existing)
    except SheetError as error:
        problems = [replace(p, row=None, column=known.get(p.column, "")) for p in error.problems]
        raise SheetError(problems) from None
    return row


def edit_entrant(
    actor: Actor, event_id: int, code: str, name: str, attributes: Mapping[str, str]
) -> Entrant:
    """Correct an entrant's name and attributes, checked exactly as a sheet row would be
    (problems name the field); the code never changes — marks, blind codes and assignments
    refer to it. ``attributes`` is the whole set: an empty or missing one is cleared."""
    event, role = _event_for(actor, event_id, ["organiser"])
    status = event.contest.status
    if not correctable(event.contest):
        text = N_(
            "the contest is '{status}': entrants are corrected only until the results are locked"
        )
        raise Refused("wrong_state", msg(text, status=stage_name(status)))
    entrant: Entrant | None = db.session.scalar(
        select(Entrant).where(Entrant.event_id == event.id, Entrant.code == code)
    )
    if entrant is None:
        raise Refused("not_found", msg(N_("no entrant '{code}' in this event"), code=code))
    ruleset = rules_of(event)
    row = _checked_row(ruleset, {"code": code, "name": name, **attributes}, set())
    declared = {field.key for field in fields(ruleset)}
    kept = {k: v for k, v in (entrant.attributes or {}).items() if k not in declared}
    row = replace(row, attributes=kept | row.attributes)  # what these rules do not declare stays
    before, after = _changes(entrant, row)
    if not after:
        return entrant
    entrant.name, entrant.attributes = row.name, row.attributes
    outbox.record(event.contest_id, outbox.EVENT, event.id)
    subject = f"event:{event.id}/entrant:{code}"
    audit.record(actor, "entrant.edit", subject, role=role, before=before, after=after)
    db.session.commit()
    outbox.announce(event.contest_id)
    return entrant


def _changes(entrant: Entrant, row: EntrantRow) -> tuple[dict[str, Any], dict[str, Any]]:
    """What an edit changes, before and after: the name, and only the attributes that
    change (None where one is cleared or newly given); both empty when nothing changes."""
    old = entrant.attributes or {}
    keys = sorted(key for key in {*old, *row.attributes} if old.get(key) != row.attributes.get(key))
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    if entrant.name != row.name:
        before["name"], after["name"] = entrant.name, row.name
    if keys:
        before["attributes"] = {key: old.get(key) for key in keys}
        after["attributes"] = {key: row.attributes.get(key) for key in keys}
    return before, after


def remove_entrant(actor: Actor, event_id: int, code: str, reason: str = "") -> None:
    """Withdraw a registration before scoring opens; a drawn blind code or a judge's
    assignment must go first, so that nothing is left pointing at a missing entrant."""
    event, role = _event_for(actor, event_id, ["organiser"])
    _check_editable(event)
    entrant = db.session.scalar(
        select(Entrant).where(Entrant.event_id == event.id, Entrant.code == code)
    )
    if entrant is None:
        raise Refused("not_found", msg(N_("no entrant '{code}' in this event"), code=code))
    if db.session.scalar(select(exists().where(BlindCode.entrant_id == entrant.id))):
        text = N_("blind codes are drawn for this event: discard the draw before removing")
        raise Refused("in_use", msg(text))
    if db.session.scalar(select(exists().where(Assignment.entrant_id == entrant.id))):
        text = N_("a judge is assigned to this entrant: remove the assignment first")
        raise Refused("in_use", msg(text))
    before = {"code": entrant.code, "name": entrant.name, "attributes": entrant.attributes}
    db.session.delete(entrant)
    outbox.record(event.contest_id, outbox.EVENT, event.id)
    audit.record(
        actor,
        "entrant.remove",
        f"event:{event.id}/entrant:{code}",
        role=role,
        reason=reason.strip(),
        before=before,
    )
    db.session.commit()
    outbox.announce(event.contest_id)


def entrant_by_code(event_id: int, code: str) -> Entrant | None:
    """An event's entrant by its code, or None (for a code no entrant can have, too: a NUL
    byte, which PostgreSQL text refuses)."""
    if "\x00" in code:
        return None
    return db.session.scalar(
        select(Entrant).where(Entrant.event_id == event_id, Entrant.code == code)
    )


def fields_of(event: Event) -> list[Field]:
    """The columns of the event's entrant sheet: code, name, the declared attributes."""
    return fields(rules_of(event))
