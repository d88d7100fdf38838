"""What each judge marks: criteria and entrants, never an entrant of their own unit (回避)."""

from __future__ import annotations

from sqlalchemy import select

from competition.extensions import db
from competition.models import Assignment, Entrant, Event, Judge, Mark
from competition.rules.messages import N_, Message, msg
from competition.services import audit, conflicts
from competition.services.authority import Actor, Refused, require_role
from competition.services.contests import ruleset_of
from competition.services.judges import CLOSED, get_judge


def assign(
    actor: Actor,
    judge_id: int,
    event_id: int,
    criterion: str = "",
    entrant_id: int | None = None,
    override: str = "",
) -> Assignment:
    """Let a judge mark a criterion ("" = every judged one) of one entrant (None = all).

    A judge never marks an entrant of their own work unit, nor a conflict declared in the
    pool (回避): such an assignment is refused with the judge, the entrants and the reason
    named, so the organiser can assign around them. ``override``, a reason, lets it through
    all the same; the audit entry names the conflicts it overrode.
    """
    judge = get_judge(judge_id)
    role = require_role(actor, judge.contest_id, ["organiser", "chief_judge"])
    event = _event_of(judge, event_id)
    _check_criterion(event, criterion)
    entrant = _entrant_of(event, entrant_id)
    overridden = _check_conflicts(judge, event, entrant, override)
    _check_not_covered(judge, event, criterion, entrant_id)
    _check_panel_size(judge, event, criterion, entrant_id)
    assignment = Assignment(
        judge_id=judge.id, event_id=event.id, criterion=criterion, entrant_id=entrant_id
    )
    db.session.add(assignment)
    db.session.flush()
    after: dict[str, object] = {
        "assignment": assignment.id,
        "criterion": criterion,
        "entrant": entrant.code if entrant else None,
    }
    subject = f"event:{event.id}/judge:{judge.id}"
    if overridden:
        after["conflicts"] = [_recorded(c) for c in overridden]
        audit.record(
            actor, "judge.assign_override", subject, role=role, reason=override.strip(), after=after
        )
    else:
        audit.record(actor, "judge.assign", subject, role=role, after=after)
    db.session.commit()
    return assignment


def assign_panel(
    actor: Actor,
    judge_id: int,
    event_id: int,
    panel: str,
    entrant_id: int | None = None,
    override: str = "",
) -> list[Assignment]:
    """Seat a judge on a panel of the rule file: one assignment per judged criterion that the
    panel marks (the orchard inspection panel marks four), all or none."""
    judge = get_judge(judge_id)
    event = _event_of(judge, event_id)
    ruleset = ruleset_of(event)
    criteria = [name for name, c in ruleset.judged().items() if c.panel == panel]
    if not criteria:
        raise Refused(
            "invalid",
            msg(
                N_("no criterion of '{event}' is marked by the panel '{panel}'"),
                event=event.name,
                panel=panel,
            ),
        )
    require_role(actor, judge.contest_id, ["organiser", "chief_judge"])
    entrant = _entrant_of(event, entrant_id)
    _check_conflicts(judge, event, entrant, override)
    for criterion in criteria:  # every seat is checked before the first is taken
        _check_not_covered(judge, event, criterion, entrant_id)
        _check_panel_size(judge, event, criterion, entrant_id)
    return [
        assign(actor, judge_id, event_id, criterion, entrant_id, override) for criterion in criteria
    ]


def unassign(actor: Actor, assignment_id: int, contest_id: int | None = None) -> None:
    """Take an assignment away, unless the judge has already entered marks under it: those
    marks would be left without the authority they were entered under. ``contest_id``: the
    contest the caller is looking at (an assignment of another contest is not found)."""
    assignment = db.session.get(Assignment, assignment_id)
    if assignment is None or contest_id not in (None, assignment.judge.contest_id):
        raise Refused("not_found", msg(N_("no such assignment")))
    judge = assignment.judge
    role = require_role(actor, judge.contest_id, ["organiser", "chief_judge"])
    if judge.contest.status in CLOSED:
        raise Refused("locked", msg(N_("the contest is locked: assignments can no longer change")))
    if _marks_under(assignment):
        raise Refused(
            "precondition",
            msg(
                N_("judge {judge} has already entered marks under this assignment"),
                judge=judge.name,
            ),
        )
    before = {
        "assignment": assignment.id,
        "criterion": assignment.criterion,
        "entrant": assignment.entrant.code if assignment.entrant else None,
    }
    db.session.delete(assignment)
    audit.record(
        actor,
        "judge.unassign",
        f"event:{assignment.event_id}/judge:{judge.id}",
        role=role,
        before=before,
    )
    db.session.commit()


def assignments_of(judge_id: int) -> list[Assignment]:
    """A judge's assignments, in the order their screen lists them."""
    query = (
        select(Assignment)
        .join(Event, Event.id == Assignment.event_id)
        .outerjoin(Entrant, Entrant.id == Assignment.entrant_id)
        .where(Assignment.judge_id == judge_id)
        .order_by(Event.position, Assignment.criterion, Entrant.code.nulls_first())
    )
    return list(db.session.scalars(query))


def _event_of(judge: Judge, event_id: int) -> Event:
    event = db.session.get(Event, event_id)
    if event is None or event.contest_id != judge.contest_id:
        raise Refused("not_found", msg(N_("no such event in the judge's contest")))
    if event.contest.status in CLOSED:
        raise Refused("locked", msg(N_("the contest is locked: assignments can no longer change")))
    return event


def _check_criterion(event: Event, criterion: str) -> None:
    """Judges mark judged criteria only; measured values are entered by the organisers."""
    if criterion == "":
        return
    judged = ruleset_of(event).judged()
    if criterion not in judged:
        raise Refused(
            "invalid",
            msg(
                N_("'{criterion}' is not a judged criterion of '{event}'; judged: {judged}"),
                criterion=criterion,
                event=event.name,
                judged=", ".join(judged) or "—",
            ),
        )


def _entrant_of(event: Event, entrant_id: int | None) -> Entrant | None:
    if entrant_id is None:
        return None
    entrant = db.session.get(Entrant, entrant_id)
    if entrant is None or entrant.event_id != event.id:
        raise Refused("not_found", msg(N_("no such entrant in '{event}'"), event=event.name))
    return entrant


def _check_conflicts(
    judge: Judge, event: Event, entrant: Entrant | None, override: str
) -> list[conflicts.EntrantConflict]:
    """The conflicts the assignment covers: refused with who, which entrant and why, unless
    an override gives a reason (the assignment then stands, and the monitor shows them)."""
    covered = [entrant] if entrant is not None else conflicts.event_entrants(event.id)
    found = conflicts.conflicts_of(judge, covered)
    if not found or override.strip():
        return found
    if entrant is not None:
        ending = (
            N_("{reason}: a judge never marks an entrant of their own unit")
            if found[0].kind == "unit"
            else N_("{reason}: a judge never marks a declared conflict (回避)")
        )
        raise Refused("conflict", msg(ending, reason=found[0].reason))
    names = ", ".join(c.entrant_label for c in found)
    units = conflicts.judge_units(judge)
    if all(c.kind == "unit" for c in found) and len(units) == 1:
        raise Refused(
            "conflict",
            msg(
                N_(
                    "{judge} belongs to {unit}, like {entrants}: assign entrant by entrant, "
                    "leaving out {entrants}"
                ),
                judge=judge.name,
                unit=next(iter(units)),
                entrants=names,
            ),
        )
    raise Refused(
        "conflict",
        msg(
            N_("{reasons}: assign entrant by entrant, leaving out {entrants}"),
            reasons=_joined([c.reason for c in found]),
            entrants=names,
        ),
    )


def _recorded(conflict: conflicts.EntrantConflict) -> dict[str, str]:
    """An overridden conflict as the audit log keeps it: the entrant, and the shared unit or
    the declared conflict's reason (words the reader's language does not change)."""
    if conflict.kind == "unit":
        return {"entrant": conflict.entrant.code, "unit": conflicts.entrant_unit(conflict.entrant)}
    return {"entrant": conflict.entrant.code, "declared": str(conflict.reason.params["reason"])}


def _joined(reasons: list[Message]) -> Message:
    """Reasons one after another, each in the reader's language."""
    text = "; ".join(f"{{r{i}}}" for i in range(len(reasons)))
    return Message(text, {f"r{i}": reason for i, reason in enumerate(reasons)})


def _check_not_covered(judge: Judge, event: Event, criterion: str, entrant_id: int | None) -> None:
    """Refuse an assignment that an existing one already includes (or repeats)."""
    for existing in judge.assignments:
        if (
            existing.event_id == event.id
            and existing.criterion in ("", criterion)
            and existing.entrant_id in (None, entrant_id)
        ):
            raise Refused(
                "exists", msg(N_("judge {judge} is already assigned to this"), judge=judge.name)
            )


def _check_panel_size(judge: Judge, event: Event, criterion: str, entrant_id: int | None) -> None:
    """Refuse a seat beyond the panel's size on any cell the assignment covers: a fourth
    judge on a three-judge panel would make every board of the contest uncomputable.

    A seat is held by every other judge assigned to the cell who is not revoked, or who is
    revoked but has marks in the event (those marks still count)."""
    sizes = ruleset_of(event).judges
    criteria = [criterion] if criterion else list(sizes)
    others = [
        a
        for a in event_assignments(event.id)
        if a.judge_id != judge.id and _holds_seat(a.judge, event.id)
    ]
    for name in criteria:
        covering = [a for a in others if a.criterion in ("", name)]
        everywhere = {a.judge_id for a in covering if a.entrant_id is None}
        per_entrant: dict[int, set[int]] = {}
        for a in covering:
            if a.entrant_id is not None and (entrant_id is None or a.entrant_id == entrant_id):
                per_entrant.setdefault(a.entrant_id, set()).add(a.judge_id)
        fullest = max((len(everywhere | seated) for seated in per_entrant.values()), default=0)
        if max(fullest, len(everywhere)) >= sizes[name]:
            raise Refused(
                "panel_full",
                msg(
                    N_("the panel of '{criterion}' has {size} judges, all seated already"),
                    criterion=name,
                    size=sizes[name],
                ),
            )


def _holds_seat(judge: Judge, event_id: int) -> bool:
    if judge.revoked_at is None:
        return True
    query = select(Mark.id).where(Mark.judge_id == judge.id, Mark.event_id == event_id)
    return db.session.scalar(query.limit(1)) is not None


def _marks_under(assignment: Assignment) -> bool:
    query = select(Mark.id).where(
        Mark.judge_id == assignment.judge_id, Mark.event_id == assignment.event_id
    )
    if assignment.criterion:
        query = query.where(Mark.criterion == assignment.criterion)
    if assignment.entrant_id is not None:
        query = query.where(Mark.entrant_id == assignment.entrant_id)
    return db.session.scalar(query.limit(1)) is not None


def event_assignments(event_id: int) -> list[Assignment]:
    """Every assignment in an event (the chief judge's monitor lists the judges)."""
    return list(db.session.scalars(select(Assignment).where(Assignment.event_id == event_id)))
