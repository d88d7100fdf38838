"""The contest lifecycle: draft → registration → scoring → review → locked → published → final.

Each step is one call, allowed to the right role only, refused with the reason when its
preconditions fail, and written to the audit log. What stands in a step's way is
:mod:`competition.services.step_guards`; a doubt (a flagged mark, an unsigned sheet) is
set aside only by an override with a reason, which the audit entry names.
"""

from __future__ import annotations

from competition.extensions import db
from competition.models import Contest, Event, Round
from competition.models.base import utcnow
from competition.rules.messages import DEFAULT_LOCALE, N_, Message, msg
from competition.services import audit, outbox, publication, step_guards
from competition.services.authority import Actor, Refused, require_role
from competition.services.step_guards import STEPS, Blocker, Step, StepPlan, unsigned_judges

__all__ = [
    "STEPS",
    "Step",
    "StepPlan",
    "advance",
    "confirm",
    "preview",
    "set_round",
    "unsigned_judges",
]


def preview(actor: Actor, contest_id: int, step_name: str) -> StepPlan:
    """What the step will do and what stands in its way, for the confirmation page."""
    contest = db.session.get(Contest, contest_id)
    if contest is None:
        raise Refused("not_found", msg(N_("no such contest")))
    step = STEPS.get(step_name)
    if step is None:
        raise Refused("invalid", msg(N_("unknown step '{step}'"), step=step_name))
    return step_guards.plan(actor, contest, step_name, step)


def confirm(
    actor: Actor, contest_id: int, step_name: str, reason: str = "", override: bool = False
) -> Contest:
    """A step confirmed by a person at the console: one that fixes, publishes or closes the
    results needs a reason for the audit log, like every override."""
    plan = preview(actor, contest_id, step_name)
    if plan.step.needs_reason and not plan.hard and not reason.strip():
        raise Refused(
            "reason_required",
            msg(N_("this step cannot be undone: give a reason for the audit log")),
        )
    return advance(actor, contest_id, step_name, reason, override=override)


def advance(
    actor: Actor, contest_id: int, step_name: str, reason: str = "", override: bool = False
) -> Contest:
    """Take one step. A hard blocker refuses it; soft ones refuse it too unless ``override``
    is given with a reason, and the audit entry then names what was overridden."""
    plan = preview(actor, contest_id, step_name)
    contest = db.session.get(Contest, contest_id)
    assert contest is not None
    if plan.hard:
        first = plan.hard[0]
        raise Refused(first.kind, first.message)
    overridden = _overridden(plan, reason, override)
    step = plan.step
    role = require_role(actor, contest.id, step.roles)
    before = contest.status
    contest.status = step.target
    if step_name == "open_scoring":
        _open_scoring(contest)
    elif step_name == "publish":
        publication.snapshot(actor, role, contest, reason)
    elif step_name == "close_scoring":
        for event in contest.events:
            for round_ in event.rounds:
                if round_.status == "open":
                    round_.status, round_.closed_at = "closed", utcnow()
    outbox.record(contest.id, outbox.BOARD)
    after: dict[str, object] = {"status": step.target}
    if overridden:
        after["overridden"] = overridden
    audit.record(
        actor,
        f"contest.{step_name}",
        f"contest:{contest.id}",
        role=role,
        reason=reason,
        before={"status": before},
        after=after,
    )
    db.session.commit()
    outbox.announce(contest.id)
    return contest


def _overridden(plan: StepPlan, reason: str, override: bool) -> list[dict[str, str]]:
    """The soft blockers an override sets aside, as the audit log keeps them; refused
    without the override or without its reason."""
    soft = plan.soft
    if not soft:
        return []
    if not override:
        text = N_(
            "this step waits for: {blockers}. To go ahead anyway, confirm the override and "
            "give a reason"
        )
        raise Refused("blocked", msg(text, blockers=listed(soft)))
    if not reason.strip():
        raise Refused("reason_required", msg(N_("an override needs a reason for the audit log")))
    return [{"kind": b.kind, "what": b.message.render(DEFAULT_LOCALE)} for b in soft]


def listed(blockers: list[Blocker]) -> Message:
    """The blockers as one message, each in the reader's language."""
    keys = [f"b{index}" for index in range(len(blockers))]
    text = "; ".join(f"{{{key}}}" for key in keys)
    return msg(text, **{key: b.message for key, b in zip(keys, blockers, strict=True)})


def _open_scoring(contest: Contest) -> None:
    """Pin each event's rule version and open scoring of the whole event."""
    now = utcnow()
    for event in contest.events:
        event.rules.pinned_at = now
        if not any(r.item == "" for r in event.rounds):
            event.rounds.append(Round(item="", status="open", opened_at=now))


def set_round(actor: Actor, event_id: int, item: str, status: str) -> Round:
    """Open or close scoring of one item (a dive, a module) of an event during scoring."""
    event = db.session.get(Event, event_id)
    if event is None:
        raise Refused("not_found", msg(N_("no such event")))
    role = require_role(actor, event.contest_id, ("organiser", "chief_judge"))
    if event.contest.status != "scoring":
        raise Refused("wrong_state", msg(N_("rounds open and close only while scoring")))
    if status not in ("open", "closed"):
        raise Refused("invalid", msg(N_("a round is open or closed")))
    round_ = next((r for r in event.rounds if r.item == item), None)
    if round_ is None:
        round_ = Round(item=item, status=status)
        event.rounds.append(round_)
    before = round_.status
    round_.status = status
    if status == "closed":
        round_.closed_at = utcnow()
    db.session.flush()
    audit.record(
        actor,
        f"round.{status}",
        f"event:{event.id}/item:{item}",
        role=role,
        before={"status": before},
        after={"status": status},
    )
    db.session.commit()
    return round_
