"""The chief judge's live monitor: who has marked whom, marks far from their panel, a
correction of one cell, and a request to a judge to look at a mark again."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from sqlalchemy import select

from competition.extensions import db
from competition.models import AuditEntry, Event, Judge, Mark
from competition.rules.messages import N_, Message, msg
from competition.rules.numbers import format_exact
from competition.services import assignments, audit, blind, conflicts, notifications, scoring
from competition.services.authority import Actor, Refused, require_role
from competition.services.scoring import SheetEntrant
from competition.services.standings import current_standings, unusable_marks


@dataclass(frozen=True)
class Deviation:
    judge_id: int
    entrant: str
    item: str
    criterion: str
    value: str
    median: str
    limit: str
    criterion_label: str


@dataclass(frozen=True)
class Unusable:
    """A mark in force the board leaves out: the engine cannot use it (see
    :func:`competition.services.standings.unusable_marks`)."""

    mark_id: int
    judge_id: int | None
    entrant: str
    item: str
    criterion: str
    value: str
    reason: Message


@dataclass(frozen=True)
class SeatConflict:
    """A judge seated on an entrant they have a conflict with (回避): let through by an
    override (who, and why), or declared after the assignment was made (no one)."""

    judge_id: int
    judge: str
    entrant: str
    reason: Message
    overridden_by: str | None
    override_reason: str


@dataclass
class Monitor:
    """The chief judge's view of an event: who has marked whom (entrants still owed marks
    first, then by code), and marks far from the panel's median (beyond the rule file's
    max_deviation)."""

    judges: list[Judge]
    entrants: list[SheetEntrant]
    done: dict[tuple[int, str], int]  # (judge id, entrant code) → marks in force
    owed: dict[tuple[int, str], int]  # (judge id, entrant code) → marks the judge owes
    signed: set[int]
    deviations: list[Deviation]
    unusable: list[Unusable]
    conflicts: list[SeatConflict]


def watched_event(actor: Actor, event_id: int) -> Event:
    """The event whose monitor the actor may watch: its contest's chief judge or organiser."""
    event = db.session.get(Event, event_id)
    if event is None:
        raise Refused("not_found", msg(N_("no such event")))
    require_role(actor, event.contest_id, ["chief_judge", "organiser"])
    return event


def monitor(actor: Actor, event_id: int) -> Monitor:
    event = watched_event(actor, event_id)
    seated = sorted(
        {a.judge for a in assignments.event_assignments(event.id)}, key=lambda j: j.name
    )
    done: dict[tuple[int, str], int] = {}
    owed: dict[tuple[int, str], int] = {}
    signed: set[int] = set()
    entrants: dict[str, SheetEntrant] = {}
    for judge in seated:
        sheet = scoring.sheet_of(judge, event)
        for entrant in sheet.entrants:
            entrants.setdefault(entrant.code, entrant)
        for code, _item, _criterion in sheet.cells():
            owed[(judge.id, code)] = owed.get((judge.id, code), 0) + 1
        for mark in sheet.marks:
            done[(judge.id, mark.entrant)] = done.get((judge.id, mark.entrant), 0) + 1
        if sheet.signed_at is not None:
            signed.add(judge.id)
    ordered = sorted(entrants.values(), key=lambda e: (_finished(e.code, done, owed), e.code))
    return Monitor(
        seated,
        ordered,
        done,
        owed,
        signed,
        deviations(event),
        _unusable(event),
        seat_conflicts(event),
    )


def seat_conflicts(event: Event) -> list[SeatConflict]:
    """Every judge × entrant the event's assignments cover that is a conflict, by judge and
    entrant, with the override that let it through."""
    everyone = conflicts.event_entrants(event.id)
    hidden = blind.names_hidden(event.contest, may_see_names=False)
    codes = blind.codes_by_entrant(event.id) if hidden else {}
    found: dict[tuple[int, str], SeatConflict] = {}
    for assignment in assignments.event_assignments(event.id):
        judge = assignment.judge
        covered = [assignment.entrant] if assignment.entrant is not None else everyone
        overrides = _overrides(event.id, judge.id)
        for conflict in conflicts.conflicts_of(judge, covered):
            code = conflict.entrant.code
            who, why = overrides.get(code, (None, ""))
            label, reason = conflict.entrant_label, conflict.reason
            if hidden:  # blind judging: the number only, and no unit or name in the reason
                label = blind.display_label(
                    conflict.entrant,
                    codes.get(conflict.entrant.id),
                    event.contest,
                    may_see_names=False,
                )
                reason = msg(HIDDEN_REASONS[conflict.kind])
            found.setdefault(
                (judge.id, code), SeatConflict(judge.id, judge.name, label, reason, who, why)
            )
    return sorted(found.values(), key=lambda c: (c.judge, c.entrant))


HIDDEN_REASONS = {
    "unit": N_("the entrant is of the judge's own unit"),
    "declared": N_("the judge declared a conflict with the entrant"),
}


def _overrides(event_id: int, judge_id: int) -> dict[str, tuple[str, str]]:
    """Entrant code → (who overrode the conflict, their reason), the latest override first."""
    entries = db.session.scalars(
        select(AuditEntry)
        .where(
            AuditEntry.action == "judge.assign_override",
            AuditEntry.subject == f"event:{event_id}/judge:{judge_id}",
        )
        .order_by(AuditEntry.seq.desc())
    )
    found: dict[str, tuple[str, str]] = {}
    for entry in entries:
        after = entry.after if isinstance(entry.after, dict) else {}
        for overridden in after.get("conflicts") or []:
            code = str(overridden.get("entrant", "")) if isinstance(overridden, dict) else ""
            found.setdefault(code, (entry.actor.split(":", 2)[-1], entry.reason))
    return found


def _finished(
    code: str, done: dict[tuple[int, str], int], owed: dict[tuple[int, str], int]
) -> bool:
    """Every judge has given the entrant every mark they owe: such rows go below the ones
    the chief judge still has to chase."""
    return all(done.get(key, 0) >= count for key, count in owed.items() if key[1] == code)


def _unusable(event: Event) -> list[Unusable]:
    found = []
    for problem in unusable_marks(event):
        mark = db.session.get(Mark, problem.line)
        if mark is None:
            continue
        found.append(
            Unusable(
                mark.id,
                mark.judge_id,
                mark.entrant.code,
                mark.item,
                mark.criterion,
                mark.value,
                problem.message,
            )
        )
    return found


def deviations(event: Event) -> list[Deviation]:
    """Marks further from their panel's median than the rule file's max_deviation."""
    result = current_standings(event)
    found: list[Deviation] = []
    for name, criterion in result.ruleset.judged().items():
        tolerance = criterion.tolerance
        panel = result.table.panels.get(name)
        if tolerance is None or tolerance.max_deviation is None or panel is None:
            continue
        factor = 10**panel.digits
        for (code, item), marks in panel.marks.groupby(["entrant", "item"], sort=False):
            values = sorted(Fraction(int(v), factor) for v in marks["adjusted"])
            median = (values[(len(values) - 1) // 2] + values[len(values) // 2]) / 2
            for judge, value in zip(marks["judge"], marks["value"], strict=True):
                if abs(Fraction(str(value)) - median) > tolerance.max_deviation:
                    found.append(
                        Deviation(
                            int(str(judge).removeprefix("J")),
                            str(code),
                            str(item),
                            name,
                            str(value),
                            format_exact(median),
                            str(tolerance.max_deviation),
                            criterion.label or name,
                        )
                    )
    return found


def correct_cell(
    actor: Actor,
    event_id: int,
    judge_id: int,
    entrant: str,
    item: str,
    criterion: str,
    value: str,
    reason: str,
) -> Mark:
    """Correct the judge's mark in force for one cell (the monitor names the cell, not the
    mark's id)."""
    mark = next(
        (
            m
            for m in scoring.judge_marks(judge_id, event_id)
            if (m.entrant, m.item, m.criterion) == (entrant, item, criterion)
        ),
        None,
    )
    if mark is None:
        raise Refused("not_found", msg(N_("this judge has no mark for that cell")))
    return scoring.correct_mark(actor, mark.mark_id, value, reason)


def request_recheck(
    actor: Actor, event_id: int, judge_id: int, entrant: str, item: str, criterion: str, note: str
) -> None:
    """Ask a judge to look at a mark again; the judge's tablet shows the request."""
    event = db.session.get(Event, event_id)
    if event is None:
        raise Refused("not_found", msg(N_("no such event")))
    role = require_role(actor, event.contest_id, ["chief_judge"])
    judge = db.session.get(Judge, judge_id)
    if judge is None or judge.contest_id != event.contest_id:
        raise Refused("not_found", msg(N_("no such judge")))
    audit.record(
        actor,
        "mark.recheck_request",
        f"event:{event.id}/judge:{judge.id}",
        role=role,
        reason=note,
        after={"entrant": entrant, "item": item, "criterion": criterion},
    )
    db.session.commit()
    notifications.publish(
        "mark.recheck",
        {
            "event_id": event.id,
            "judge_id": judge.id,
            "entrant": entrant,
            "item": item,
            "criterion": criterion,
            "note": note,
        },
    )
