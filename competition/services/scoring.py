"""A judge's scoring sheet: what to mark, what is marked, signing it off; corrections of a
signed sheet by the chief judge, each a new mark with a reason."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from competition.extensions import db
from competition.models import Entrant, Event, Judge, Mark, SheetSignoff
from competition.rules import RuleSet
from competition.rules.inputs import value_problem
from competition.rules.messages import N_, msg
from competition.rules.not_taken import stored_value
from competition.services import (
    assignments,
    audit,
    audit_coverage,
    blind,
    notifications,
    outbox,
)
from competition.services.authority import Actor, Refused, require_role
from competition.services.contests import ruleset_of

SIGNING_STAGES = ("scoring", "review")


@dataclass(frozen=True)
class SheetCriterion:
    name: str
    label: str
    min: str
    max: str
    step: str | None
    per_item: bool
    items: list[str] | None = None  # of an item group: only these items (None: every item)
    item_label: str = ""  # what the rule file calls its items ("" : it does not say)


@dataclass(frozen=True)
class SheetEntrant:
    code: str
    label: str  # the blind code while names are hidden


@dataclass(frozen=True)
class SheetMark:
    entrant: str
    item: str
    criterion: str
    value: str
    mark_id: int
    reason: str = ""  # the chief judge's reason, when the mark is a correction


@dataclass(frozen=True)
class JudgeSheet:
    event_id: int
    event_name: str
    items: list[str]
    criteria: list[SheetCriterion]
    entrants: list[SheetEntrant]
    marks: list[SheetMark]
    signed_at: datetime | None
    round_open: dict[str, bool]
    stage: str = "scoring"  # the contest's status: why nothing is open before or after scoring
    names_hidden: bool = False  # entrants' labels are blind codes
    entrant_label: str = ""  # what the rule file calls its entrants ("": it does not say)

    def cells(self) -> set[tuple[str, str, str]]:
        """Every (entrant, item, criterion) this judge is to mark."""
        return {
            (e.code, item, c.name)
            for e in self.entrants
            for c in self.criteria
            for item in ((c.items or self.items) if c.per_item else [""])
        }


def judge_sheets(judge: Judge) -> list[JudgeSheet]:
    """One sheet per event the judge is assigned in, in the contest's order."""
    seated = {assignment.event_id for assignment in assignments.assignments_of(judge.id)}
    return [sheet_of(judge, event) for event in judge.contest.events if event.id in seated]


def sheet_of(judge: Judge, event: Event) -> JudgeSheet:
    ruleset = ruleset_of(event)
    judged = ruleset.judged()
    seats = [a for a in assignments.assignments_of(judge.id) if a.event_id == event.id]
    seated_for = {a.criterion for a in seats}
    names = [n for n in judged if "" in seated_for or n in seated_for]  # the file's order
    everyone = any(a.entrant_id is None for a in seats)
    listed = (
        db.session.scalars(
            select(Entrant).where(Entrant.event_id == event.id).order_by(Entrant.code)
        ).all()
        if everyone
        else [a.entrant for a in seats if a.entrant is not None]
    )
    codes = blind.codes_by_entrant(event.id)
    entrants = [
        SheetEntrant(
            e.code, blind.display_label(e, codes.get(e.id), judge.contest, may_see_names=False)
        )
        for e in sorted(
            listed, key=lambda e: codes[e.id].contestant_no if e.id in codes else e.code
        )
    ]
    criteria = [
        SheetCriterion(
            n,
            judged[n].label or n,
            str(judged[n].scale.min),
            str(judged[n].scale.max),
            str(judged[n].scale.step) if judged[n].scale.step else None,
            ruleset.levels[n] == "item",
            _group_items(ruleset, n),
            _item_label(ruleset, n),
        )
        for n in names
    ]
    items = list(ruleset.item_ids or [])
    rounds = {r.item: r.status == "open" for r in event.rounds}
    open_all = rounds.get("", False) and event.contest.status == "scoring"
    return JudgeSheet(
        event.id,
        event.name,
        items,
        criteria,
        entrants,
        judge_marks(judge.id, event.id),
        _signed_at(judge.id, event.id),
        {
            item: rounds.get(item, open_all) and event.contest.status == "scoring"
            for item in ["", *items]
        },
        event.contest.status,
        blind.names_hidden(judge.contest, may_see_names=False),
        ruleset.rule.entrants.label or "",
    )


def _group_items(ruleset: RuleSet, name: str) -> list[str] | None:
    """The items of the group a per-item criterion is given for, in the file's order."""
    group = ruleset.criterion_groups.get(name)
    return list(ruleset.item_groups[group]) if group is not None else None


def _item_label(ruleset: RuleSet, name: str) -> str:
    """What a judge reads before an item's id: its group's label, else the file's word for
    its items (the file's default, "item", is left to the tablet's language)."""
    items = ruleset.rule.items
    if items is None:
        return ""
    group = ruleset.criterion_groups.get(name)
    if group is not None and items.groups and items.groups[group].label:
        return items.groups[group].label or ""
    return items.label if "label" in items.model_fields_set else ""


def judge_marks(judge_id: int, event_id: int) -> list[SheetMark]:
    """The judge's marks in force in an event (a superseded mark is not listed)."""
    superseded = select(Mark.supersedes_id).where(Mark.supersedes_id.is_not(None))
    rows = db.session.execute(
        select(Entrant.code, Mark.item, Mark.criterion, Mark.value, Mark.id, Mark.reason)
        .join(Entrant, Entrant.id == Mark.entrant_id)
        .where(Mark.event_id == event_id, Mark.judge_id == judge_id, Mark.id.not_in(superseded))
        .order_by(Mark.id)
    ).all()
    return [SheetMark(*row) for row in rows]


def _signed_at(judge_id: int, event_id: int) -> datetime | None:
    return db.session.scalar(
        select(SheetSignoff.signed_at).where(
            SheetSignoff.judge_id == judge_id, SheetSignoff.event_id == event_id
        )
    )


def sign_sheet(actor: Actor, event_id: int) -> SheetSignoff:
    """The judge signs their sheet (签字确认) once every mark they owe is in."""
    if actor.kind != "judge" or actor.id is None:
        raise Refused("forbidden", msg(N_("only the judge signs their own sheet")))
    judge = db.session.get(Judge, actor.id)
    sheet = (
        next((s for s in judge_sheets(judge) if s.event_id == event_id), None) if judge else None
    )
    if judge is None or sheet is None:
        raise Refused("not_assigned", msg(N_("you are not assigned to mark this")))
    if sheet.signed_at is not None:
        raise Refused("signed", msg(N_("your sheet is already signed")))
    if judge.contest.status not in SIGNING_STAGES:
        raise Refused("round_closed", msg(N_("sheets are signed during scoring or review")))
    missing = sheet.cells() - {(m.entrant, m.item, m.criterion) for m in sheet.marks}
    if missing:
        raise Refused("incomplete", msg(N_("{count} marks are still missing"), count=len(missing)))
    signoff = SheetSignoff(judge_id=judge.id, event_id=event_id)
    db.session.add(signoff)
    db.session.flush()
    audit.record(
        actor,
        "sheet.sign",
        f"event:{event_id}/judge:{judge.id}",
        role="judge",
        after={"marks": len(sheet.marks)},
    )
    db.session.commit()
    notifications.publish(
        "sheet.signed",
        {"contest_id": judge.contest_id, "event_id": event_id, "judge_id": judge.id},
    )
    return signoff


def correct_mark(actor: Actor, mark_id: int, value: str, reason: str) -> Mark:
    """A chief judge's correction: a new mark superseding the old one, with the reason; the
    judge sees it on their sheet."""
    old = db.session.get(Mark, mark_id)
    if old is None:
        raise Refused("not_found", msg(N_("no such mark")))
    event = db.session.get(Event, old.event_id)
    assert event is not None
    role = require_role(actor, event.contest_id, ["chief_judge"])
    if event.contest.status in ("locked", "published", "final"):
        raise Refused("locked", msg(N_("the results are locked: an upheld appeal corrects them")))
    new = supersede(actor, role, old, value, reason)
    db.session.commit()
    announce_correction(old, new)
    return new


def supersede(actor: Actor, role: str, old: Mark, value: str, reason: str) -> Mark:
    """Add (without committing) the mark that replaces ``old``, audited; the caller has
    checked the actor may correct it now."""
    event = db.session.get(Event, old.event_id)
    assert event is not None
    if not reason.strip():
        raise Refused("reason_required", msg(N_("a correction needs a reason")))
    if db.session.scalar(select(Mark.id).where(Mark.supersedes_id == old.id)) is not None:
        raise Refused(
            "superseded", msg(N_("this mark was already replaced: correct the newer one"))
        )
    problem = value_problem(ruleset_of(event), old.criterion, value.strip())
    if problem is not None:
        raise Refused("invalid_value", problem)
    value = stored_value(ruleset_of(event), old.criterion, value)
    new = Mark(
        event_id=old.event_id,
        entrant_id=old.entrant_id,
        item=old.item,
        criterion=old.criterion,
        judge_id=old.judge_id,
        value=value.strip(),
        supersedes_id=old.id,
        reason=reason.strip(),
        entered_by=actor.label,
    )
    db.session.add(new)
    db.session.flush()
    outbox.record(event.contest_id, outbox.ENTRANT, event.id, [old.entrant_id])
    columns = {name: getattr(new, name) for name in audit_coverage.COLUMNS}
    audit.record(
        actor,
        "mark.correct",
        f"event:{event.id}/entrant:{old.entrant.code}",
        role=role,
        reason=reason.strip(),
        before={"mark": old.id, "value": old.value},
        after={"mark": new.id, "value": new.value, "row": audit_coverage.mark_digest(columns)},
    )
    return new


def announce_correction(old: Mark, new: Mark) -> None:
    """After the commit: the judge's tablet and the public board hear of the correction."""
    notifications.publish(
        "mark.corrected",
        {
            "contest_id": old.entrant.event.contest_id,
            "event_id": new.event_id,
            "mark_id": new.id,
            "judge_id": new.judge_id,
            "entrant": old.entrant.code,
            "item": new.item,
            "criterion": new.criterion,
            "value": new.value,
            "reason": new.reason,
        },
    )
