"""What a lifecycle step will do and what stands in its way, before anyone confirms it.

Two kinds of blocker. A hard one means the step is impossible or its result would be wrong
(no entrants, names still hidden at publication, an appeal undecided): it is refused,
whatever anyone says. A soft one is a doubt a person may take responsibility for (a mark
the monitor flags, a sheet not signed, a re-check not answered, a mark still missing): the
step waits until someone overrides it with a reason, and the audit log keeps which blockers
were overridden and why. Missing marks are soft because an entrant who did not turn up can
never be marked in full: the contest must still be lockable, with the reason on record.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from competition.extensions import db
from competition.local_time import at
from competition.models import (
    Assignment,
    AuditEntry,
    BlindCode,
    BlindDraw,
    Contest,
    Entrant,
    Event,
    Judge,
    Mark,
    SheetSignoff,
)
from competition.models.base import utcnow
from competition.rules.errors import ProblemsError
from competition.rules.messages import DEFAULT_LOCALE, N_, Message, msg
from competition.services import monitor, publication, standings
from competition.services.authority import Actor, needs_role, roles_in
from competition.services.stages import stage_name

# hard: refused whatever anyone says; soft: waits for an override with a reason
HARD_KINDS = ("forbidden", "wrong_state", "precondition")
SOFT_KINDS = (
    "missing_marks",
    "flagged_marks",
    "unsigned_sheets",
    "pending_rechecks",
    "no_standings",
)


@dataclass(frozen=True)
class Step:
    source: str
    target: str
    roles: tuple[str, ...]
    # the steps that fix, publish or close the results: the audit needs to say why
    needs_reason: bool = False


STEPS = {
    "open_registration": Step("draft", "registration", ("organiser",)),
    "open_scoring": Step("registration", "scoring", ("organiser",)),
    "close_scoring": Step("scoring", "review", ("organiser", "chief_judge")),
    "lock": Step("review", "locked", ("chief_judge",), needs_reason=True),
    "publish": Step("locked", "published", ("organiser",), needs_reason=True),
    "finalise": Step("published", "final", ("organiser",), needs_reason=True),
}

EFFECTS = {
    "open_registration": N_(
        "Entrants can be registered and imported; the rule file can still be changed."
    ),
    "open_scoring": N_(
        "Each event's rule version is pinned and marking opens: judges can mark on their "
        "tablets. Entrants can no longer be added or changed."
    ),
    "close_scoring": N_(
        "Marking closes in every event: judges can no longer enter marks. They can still "
        "sign their sheets, and the chief judge can still correct marks."
    ),
    "lock": N_(
        "The results are fixed: no mark can be corrected any more, except by an upheld "
        "appeal after publication. Blind codes can then be opened."
    ),
    "publish": N_(
        "The results and the award list go public on the board, certificates are issued "
        "and the publicity window for appeals opens."
    ),
    "finalise": N_("The results become final: no appeal can be heard any more."),
}


@dataclass(frozen=True)
class Blocker:
    """One thing in the way of a step: ``kind`` is one of HARD_KINDS or SOFT_KINDS."""

    kind: str
    message: Message

    @property
    def hard(self) -> bool:
        return self.kind in HARD_KINDS


@dataclass(frozen=True)
class StepPlan:
    """What the step will do, what stands in its way, and whether it needs a reason."""

    name: str
    step: Step
    effect: Message
    blockers: list[Blocker]

    @property
    def hard(self) -> list[Blocker]:
        return [b for b in self.blockers if b.hard]

    @property
    def soft(self) -> list[Blocker]:
        return [b for b in self.blockers if not b.hard]

    @property
    def needs_reason(self) -> bool:
        """A reason is asked for a step that fixes, publishes or closes the results, and
        for every override."""
        return self.step.needs_reason or bool(self.soft)


def plan(actor: Actor, contest: Contest, name: str, step: Step) -> StepPlan:
    """The plan of one step of the contest for this actor (who may lack the role: that is
    a blocker like any other, so the page can say so)."""
    blockers: list[Blocker] = []
    held = roles_in(actor, contest.id)
    if not held & {"admin", *step.roles}:
        blockers.append(Blocker("forbidden", needs_role(list(step.roles))))
    if contest.status != step.source:
        text = N_("the contest is '{status}'; this step needs '{needed}'")
        status, needed = stage_name(contest.status), stage_name(step.source)
        blockers.append(Blocker("wrong_state", msg(text, status=status, needed=needed)))
    else:
        blockers.extend(_checks(contest, name))
    return StepPlan(name, step, msg(EFFECTS[name]), blockers)


def _checks(contest: Contest, name: str) -> list[Blocker]:
    if name == "open_scoring":
        return _scoring_can_open(contest)
    if name == "close_scoring":
        return [*_marking(contest, closing=True), *_rechecks(contest)]
    if name == "lock":
        return [*_marking(contest, closing=False), *_unsigned(contest), *_rechecks(contest)]
    if name == "publish":
        found = []
        if contest.blind and contest.unblinded_at is None:
            text = N_("the contest is judged blind: open the names (unblind) before publishing")
            found.append(Blocker("precondition", msg(text)))
        for blocker in _marking(contest, closing=False):
            if blocker.kind == "no_standings":  # nothing to publish
                found.append(Blocker("precondition", blocker.message))
            elif blocker.kind == "flagged_marks":
                found.append(blocker)
        return found
    if name == "finalise":
        return _can_finalise(contest)
    return []


def _scoring_can_open(contest: Contest) -> list[Blocker]:
    found = []
    for event in contest.events:
        count = db.session.scalar(
            select(func.count()).select_from(Entrant).where(Entrant.event_id == event.id)
        )
        if not count:
            text = N_("event '{event}' has no entrants yet")
            found.append(Blocker("precondition", msg(text, event=event.name)))
        elif contest.blind and _uncoded(event):
            text = N_(
                "event '{event}' is judged blind: draw the blind codes of all its entrants first"
            )
            found.append(Blocker("precondition", msg(text, event=event.name)))
    return found


def _can_finalise(contest: Contest) -> list[Blocker]:
    """An appeal still pending is a hard blocker: once final, no appeal can be decided, so
    it would stay undecided for ever."""
    found = []
    if contest.publicity_ends_at is not None and utcnow() < contest.publicity_ends_at:
        end = at(contest.publicity_ends_at, contest.time_zone)
        found.append(
            Blocker("precondition", msg(N_("the publicity window is open until {end}"), end=end))
        )
    if publication.pending_appeals(contest.id):
        text = N_("an appeal is still pending: decide it first")
        found.append(Blocker("precondition", msg(text)))
    return found


def _marking(contest: Contest, closing: bool) -> list[Blocker]:
    """Marks still owed and marks the monitor flags, per event."""
    found = []
    for event in contest.events:
        try:
            found += _missing(event, closing) + _flagged(event)
        except ProblemsError as error:
            text = N_("event '{event}': its standings cannot be computed ({problem})")
            problem = error.problems[0].render(DEFAULT_LOCALE) if error.problems else ""
            found.append(Blocker("no_standings", msg(text, event=event.name, problem=problem)))
    return found


def _missing(event: Event, closing: bool) -> list[Blocker]:
    """Marks and measured values still owed, per criterion."""
    owed = [
        f"{p.label} {p.expected - p.complete}"
        for p in standings.progress(event)
        if p.complete < p.expected
    ]
    if not owed:
        return []
    text = (
        N_(
            "event '{event}' still misses marks ({owed}): judges cannot add them once "
            "scoring closes"
        )
        if closing
        else N_("event '{event}' still misses marks ({owed}): those entrants stay unranked")
    )
    return [Blocker("missing_marks", msg(text, event=event.name, owed=", ".join(owed)))]


def _flagged(event: Event) -> list[Blocker]:
    """Marks the monitor flags: further from their panel's median than max_deviation."""
    flagged = monitor.deviations(event)
    if not flagged:
        return []
    rows = db.session.execute(
        select(Judge.id, Judge.name).where(Judge.contest_id == event.contest_id)
    )
    names = {judge_id: name for judge_id, name in rows}
    cells = ", ".join(
        f"{names.get(d.judge_id, d.judge_id)} → {d.entrant} {d.criterion_label} {d.value}"
        for d in flagged[:5]
    )
    text = N_(
        "event '{event}': marks further from their panel's median than the rule file "
        "allows: {count} ({cells}{more})"
    )
    more = "…" if len(flagged) > 5 else ""
    return [
        Blocker(
            "flagged_marks",
            msg(text, event=event.name, count=len(flagged), cells=cells, more=more),
        )
    ]


def _unsigned(contest: Contest) -> list[Blocker]:
    unsigned = unsigned_judges(contest)
    if not unsigned:
        return []
    text = N_("not every judge has signed their sheet: {judges}")
    return [Blocker("unsigned_sheets", msg(text, judges=", ".join(unsigned)))]


def _rechecks(contest: Contest) -> list[Blocker]:
    found = []
    for event in contest.events:
        pending = pending_rechecks(event)
        if pending:
            text = N_("event '{event}': re-check requests not answered yet: {count}")
            found.append(
                Blocker("pending_rechecks", msg(text, event=event.name, count=len(pending)))
            )
    return found


def pending_rechecks(event: Event) -> list[AuditEntry]:
    """The chief judge's re-check requests of the event that no newer mark of the cell (the
    judge's own, or a correction) has answered."""
    requests = db.session.scalars(
        select(AuditEntry)
        .where(
            AuditEntry.action == "mark.recheck_request",
            AuditEntry.subject.like(f"event:{event.id}/judge:%"),
        )
        .order_by(AuditEntry.seq)
    )
    pending = []
    for request in requests:
        cell = request.after or {}
        judge_id = int(request.subject.rsplit(":", 1)[1])
        newest = db.session.scalar(
            select(func.max(Mark.created_at))
            .join(Entrant, Entrant.id == Mark.entrant_id)
            .where(
                Mark.event_id == event.id,
                Mark.judge_id == judge_id,
                Entrant.code == cell.get("entrant"),
                Mark.item == (cell.get("item") or ""),
                Mark.criterion == cell.get("criterion"),
            )
        )
        if newest is None or newest <= request.at:
            pending.append(request)
    return pending


def _uncoded(event: Event) -> int:
    """Entrants of the event without a code in its current blind draw."""
    coded = (
        select(BlindCode.entrant_id)
        .join(BlindDraw, BlindDraw.id == BlindCode.draw_id)
        .where(BlindDraw.event_id == event.id)
    )
    return (
        db.session.scalar(
            select(func.count())
            .select_from(Entrant)
            .where(Entrant.event_id == event.id, Entrant.id.not_in(coded))
        )
        or 0
    )


def unsigned_judges(contest: Contest) -> list[str]:
    """Judges with an assignment in the contest who have not signed that event's sheet."""
    rows = db.session.execute(
        select(Assignment.judge_id, Assignment.event_id)
        .join(Event, Event.id == Assignment.event_id)
        .join(Judge, Judge.id == Assignment.judge_id)
        .where(Event.contest_id == contest.id, Judge.revoked_at.is_(None))
        .distinct()
    ).all()
    signed = set(db.session.execute(select(SheetSignoff.judge_id, SheetSignoff.event_id)).all())
    missing = {judge_id for judge_id, event_id in rows if (judge_id, event_id) not in signed}
    names = db.session.scalars(select(Judge.name).where(Judge.id.in_(missing)).order_by(Judge.name))
    return list(names)
