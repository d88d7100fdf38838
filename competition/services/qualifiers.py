"""Qualifiers: the organiser of a final declares that the best of earlier events advance into
one of its events, and on the publication of each source they are carried over.

A declaration is refused when it cannot work: a source of another kind of entrant (an
orchard contest cannot feed a welding final), the final's own contest or a chain that
would lead back to it, a tier the source's rule file does not award, a final already past
registration (entrants are fixed once scoring opens). Carrying happens in the transaction
that publishes the source (:func:`on_publication`), or later by hand (:func:`carry_now`) for
a declaration made after it; see :mod:`competition.services.qualifier_carry` for who
advances and under which code.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from competition.extensions import db
from competition.models import Contest, Entrant, Event, Publication, Qualifier
from competition.rules.messages import N_, Message, msg
from competition.rules.model import Entrants
from competition.services import audit, outbox
from competition.services.authority import Actor, Refused, require_role, roles_in
from competition.services.board import PUBLISHED, latest_publication
from competition.services.contests import ruleset_of, visible_to
from competition.services.entrants import EDITABLE
from competition.services.qualifier_carry import carry
from competition.services.stages import stage_name

READERS = ("organiser", "chief_judge")
ENTRANT_KINDS = {
    "individual": N_("individuals"),
    "team": N_("teams"),
    "orchard": N_("orchards"),
    "unit": N_("units"),
}


@dataclass(frozen=True)
class QualifierState:
    """A declaration as the final's page shows it: ``state`` is ``waiting`` (the source is
    not published yet), ``ready`` (published, not carried: carry now), ``carried`` or
    ``closed`` (published while the final was past registration: nothing carried)."""

    qualifier: Qualifier
    source: Event
    state: str
    carried: int
    carried_at: datetime | None


def _final(actor: Actor, event_id: int) -> tuple[Event, str]:
    event = db.session.get(Event, event_id)
    if event is None:
        raise Refused("not_found", msg(N_("no such event")))
    return event, require_role(actor, event.contest_id, ["organiser"])


def _check_open(final: Event) -> None:
    status = final.contest.status
    if status not in EDITABLE:
        text = N_(
            "the final is '{status}': entrants can be carried into it only before scoring opens"
        )
        raise Refused("wrong_state", msg(text, status=stage_name(status)))


def rule_text(qualifier: Qualifier) -> Message:
    """ "top 3" or "三等奖 or better", in the reader's language."""
    if qualifier.top is not None:
        return msg(N_("top {n}"), n=qualifier.top)
    return msg(N_("{tier} or better"), tier=qualifier.tier or "")


def declare(
    actor: Actor, event_id: int, source_event_id: int, top: int | None, tier: str | None
) -> Qualifier:
    """The top ``top`` (or those awarded ``tier`` or better) of the source advance into the
    final's event; refused with the reason, and nothing stored, when it cannot work."""
    final, role = _final(actor, event_id)
    _check_open(final)
    source = db.session.get(Event, source_event_id)
    if source is None or not roles_in(actor, source.contest_id) & {"admin", *READERS}:
        raise Refused("not_found", msg(N_("no such source event among your contests")))
    tier = (tier or "").strip() or None
    _check_rule(source, top, tier)
    _check_source(final, source)
    qualifier = Qualifier(event_id=final.id, source_event_id=source.id, top=top, tier=tier)
    db.session.add(qualifier)
    db.session.flush()
    audit.record(
        actor,
        "qualifier.declare",
        f"event:{final.id}/qualifier:{qualifier.id}",
        role=role,
        after={"source": source.id, "top": top, "tier": tier},
    )
    db.session.commit()
    return qualifier


def _check_rule(source: Event, top: int | None, tier: str | None) -> None:
    if (top is None) == (tier is None):
        raise Refused("invalid", msg(N_("give either how many advance (top N) or a tier")))
    if top is not None and not 1 <= top <= 10000:
        raise Refused("invalid", msg(N_("top N is a whole number from 1 to 10000")))
    if tier is not None:
        awards = ruleset_of(source).rule.awards
        tiers = [t.name for t in awards.tiers] if awards else []
        if tier not in tiers:
            text = N_("'{tier}' is not an award tier of the source's rule file ({tiers})")
            offered = "、".join(tiers) or "—"
            raise Refused("invalid", msg(text, tier=tier, tiers=offered))


def _check_source(final: Event, source: Event) -> None:
    if source.contest_id == final.contest_id:
        raise Refused("invalid", msg(N_("an event of the final's own contest cannot feed it")))
    entrants, source_entrants = (ruleset_of(e).rule.entrants for e in (final, source))
    if entrants.kind != source_entrants.kind:
        text = N_(
            "the source's entrants are {source}, the final's are {final}: only entrants of "
            "the same kind advance"
        )
        refusal = msg(text, source=_kind_named(source_entrants), final=_kind_named(entrants))
        raise Refused("kind_mismatch", refusal)
    if _leads_to(final.id, source.id):
        raise Refused("cycle", msg(N_("the final already feeds this source: that is a cycle")))
    if db.session.scalar(
        select(Qualifier.id).where(
            Qualifier.event_id == final.id, Qualifier.source_event_id == source.id
        )
    ):
        raise Refused("conflict", msg(N_("this source already feeds the final")))


def _kind_named(entrants: Entrants) -> Message:
    """The kind of entrant as its rule file labels it: "参赛果园 (orchards)"."""
    kind = msg(ENTRANT_KINDS[entrants.kind])
    if not entrants.label:
        return kind
    return msg(N_("{label} ({kind})"), label=entrants.label, kind=kind)


def _leads_to(start: int, goal: int) -> bool:
    """Whether entrants of event ``start`` advance, through qualifiers, into ``goal``."""
    seen, waiting = {start}, [start]
    while waiting:
        after = db.session.scalars(
            select(Qualifier.event_id).where(Qualifier.source_event_id.in_(waiting))
        ).all()
        if goal in after:
            return True
        waiting = [e for e in after if e not in seen]
        seen.update(waiting)
    return False


def remove(actor: Actor, event_id: int, qualifier_id: int) -> None:
    """Withdraw a declaration while the final takes entrants; entrants it carried stay,
    with where they came from (withdraw them one by one if they should go too)."""
    final, role = _final(actor, event_id)
    _check_open(final)
    qualifier = _qualifier_of(final, qualifier_id)
    before = {
        "source": qualifier.source_event_id,
        "top": qualifier.top,
        "tier": qualifier.tier,
    }
    db.session.delete(qualifier)
    audit.record(
        actor,
        "qualifier.remove",
        f"event:{final.id}/qualifier:{qualifier_id}",
        role=role,
        before=before,
    )
    db.session.commit()


def _qualifier_of(final: Event, qualifier_id: int) -> Qualifier:
    qualifier = db.session.get(Qualifier, qualifier_id)
    if qualifier is None or qualifier.event_id != final.id:
        raise Refused("not_found", msg(N_("no such qualifier of this event")))
    return qualifier


def carry_now(actor: Actor, event_id: int, qualifier_id: int) -> int:
    """Carry a published source's advancing entrants by hand (a declaration made after its
    publication); again is harmless: nobody is added twice. How many were carried (added, or
    already entered and stamped with where they qualified)."""
    final, role = _final(actor, event_id)
    _check_open(final)
    qualifier = _qualifier_of(final, qualifier_id)
    source = db.session.get(Event, qualifier.source_event_id)
    assert source is not None
    published = latest_publication(source.contest_id)
    if source.contest.status not in PUBLISHED or published is None:
        raise Refused("wrong_state", msg(N_("the source's results are not published yet")))
    count = carry(actor, role, qualifier, published)
    db.session.commit()
    outbox.announce(final.contest_id)
    return count


def on_publication(actor: Actor, role: str, contest: Contest, publication: Publication) -> None:
    """In the publishing transaction: carry every qualifier fed by the contest and not yet
    carried, into a final still taking entrants (the final's page says why of the rest)."""
    waiting = db.session.scalars(
        select(Qualifier).where(
            Qualifier.source_event_id.in_([e.id for e in contest.events]),
            Qualifier.carried_at.is_(None),
        )
    ).all()
    for qualifier in waiting:
        final = db.session.get(Event, qualifier.event_id)
        if final is not None and final.contest.status in EDITABLE:
            carry(actor, role, qualifier, publication)


def states_of(event: Event) -> list[QualifierState]:
    """The final event's qualifiers with their state, in the order declared."""
    qualifiers = db.session.scalars(
        select(Qualifier).where(Qualifier.event_id == event.id).order_by(Qualifier.id)
    ).all()
    counts = dict(
        db.session.execute(
            select(Entrant.qualified_from_event_id, func.count())
            .where(Entrant.event_id == event.id, Entrant.qualified_from_event_id.is_not(None))
            .group_by(Entrant.qualified_from_event_id)
        ).all()
    )
    states = []
    for qualifier in qualifiers:
        source = db.session.get(Event, qualifier.source_event_id)
        assert source is not None
        if qualifier.carried_at is not None:
            state = "carried"
        elif source.contest.status not in PUBLISHED:
            state = "waiting"
        else:
            state = "ready" if event.contest.status in EDITABLE else "closed"
        count = counts.get(qualifier.source_event_id, 0)
        states.append(QualifierState(qualifier, source, state, count, qualifier.carried_at))
    return states


def source_choices(actor: Actor, event: Event) -> list[tuple[Event, list[str]]]:
    """The events of the actor's other contests that could feed this one (the same kind of
    entrant), each with its rule file's award tiers."""
    kind = ruleset_of(event).rule.entrants.kind
    choices = []
    for contest in visible_to(actor):
        if contest.id == event.contest_id:
            continue
        for source in contest.events:
            rule = ruleset_of(source).rule
            if rule.entrants.kind == kind:
                tiers = [t.name for t in rule.awards.tiers] if rule.awards else []
                choices.append((source, tiers))
    return choices


def sources_of(entrants: list[Entrant]) -> dict[int, Event]:
    """The events the carried entrants came from, by id (for the entrant list)."""
    ids = {e.qualified_from_event_id for e in entrants if e.qualified_from_event_id}
    if not ids:
        return {}
    return {e.id: e for e in db.session.scalars(select(Event).where(Event.id.in_(ids)))}
