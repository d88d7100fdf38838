"""Programmes of contests (a year, a series, a budget) and where a contest belongs: its
programme, the organisation that runs it (whose level is the contest's) and its trade.

A contest joins a programme owned by its organisation or by one above it (the city's
programme holds the counties' contests); only an admin, or an account of an organisation
that reaches both the contest's current organisation and the new one, may move it."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from sqlalchemy import or_, select

from competition.extensions import db
from competition.models import Contest, Organisation, Programme
from competition.rules.messages import N_, msg
from competition.services import audit, org_scope, organisations
from competition.services.authority import Actor, Refused, require_role

MAX_TRADE = 64
MAX_BUDGET = Decimal("999999999999.99")  # Numeric(14, 2)


@dataclass(frozen=True)
class Placement:
    """Where a contest belongs, checked: each part may be None."""

    programme: Programme | None
    organisation: Organisation | None
    trade: str | None

    def as_audit(self) -> dict[str, object]:
        return {
            "programme": self.programme.name if self.programme else None,
            "organisation": self.organisation.name if self.organisation else None,
            "trade": self.trade,
        }


def create_programme(
    actor: Actor,
    name: str,
    year: int | None,
    organisation_id: int | None,
    *,
    series: str = "",
    budget: Decimal | str | None = None,
) -> Programme:
    """A programme owned by an organisation; an admin or an account of that organisation
    (or one above it) may add it. The budget is in yuan, for prizes."""
    name, series = name.strip(), series.strip()
    if not name or len(name) > 200:
        raise Refused("invalid", msg(N_("a programme needs a name of 1 to 200 characters")))
    if len(series) > 200:
        raise Refused("invalid", msg(N_("the series is at most 200 characters")))
    if year is None or not 2000 <= year <= 2100:
        raise Refused("invalid", msg(N_("the year must be between 2000 and 2100")))
    owner = organisations.get(organisation_id)
    if owner is None:
        raise Refused("invalid", msg(N_("choose the organisation that owns the programme")))
    if not organisations.may_act_for(actor, owner.id):
        raise Refused(
            "forbidden",
            msg(
                N_("only an admin or an account of '{name}' may add its programmes"),
                name=owner.name,
            ),
        )
    amount = parse_budget(budget)
    programme = Programme(
        name=name, year=year, series=series or None, budget=amount, organisation_id=owner.id
    )
    db.session.add(programme)
    db.session.flush()
    audit.record(
        actor,
        "programme.create",
        f"programme:{programme.id}",
        role="admin" if actor.is_admin else "organiser",
        after={
            "name": name,
            "year": year,
            "series": series or None,
            "budget": str(amount) if amount is not None else None,
            "organisation": owner.name,
        },
    )
    db.session.commit()
    return programme


def parse_budget(budget: Decimal | str | None) -> Decimal | None:
    """Yuan to two places ("50,000" or "1200.5"); empty is no budget."""
    if budget is None or (isinstance(budget, str) and not budget.strip()):
        return None
    try:
        amount = Decimal(str(budget).replace(",", "").replace("，", "").strip())
    except InvalidOperation:
        amount = Decimal("NaN")
    if not amount.is_finite() or amount < 0 or amount > MAX_BUDGET:
        raise Refused(
            "invalid",
            msg(N_("the budget is an amount in yuan, such as 50000 or 1200.50")),
        )
    return amount.quantize(Decimal("0.01"))


def programmes_for(actor: Actor) -> list[Programme]:
    """The programmes an actor sees: all for an admin; for an organisation's account those
    owned by its organisation, by one below it or by one above it (which its contests may
    join); none otherwise."""
    query = select(Programme).order_by(Programme.year.desc(), Programme.name)
    if not actor.is_admin:
        if actor.organisation_id is None:
            return []
        below = org_scope.subtree(actor.organisation_id)
        above = org_scope.ancestors(actor.organisation_id)
        query = query.where(
            or_(
                Programme.organisation_id.in_(select(below.c.id)),
                Programme.organisation_id.in_(select(above.c.id)),
            )
        )
    return list(db.session.scalars(query))


def check_placement(
    actor: Actor, programme_id: int | None, organisation_id: int | None, trade: str | None
) -> Placement:
    """The placement asked for, or :class:`Refused` naming what is wrong with it."""
    organisation = organisations.get(organisation_id)
    if organisation_id and organisation is None:
        raise Refused("invalid", msg(N_("no such organisation")))
    if organisation is not None and not organisations.may_act_for(actor, organisation.id):
        raise Refused(
            "forbidden",
            msg(
                N_(
                    "only an admin or an account of '{name}' (or above it) may run a "
                    "contest under it"
                ),
                name=organisation.name,
            ),
        )
    programme = db.session.get(Programme, programme_id) if programme_id else None
    if programme_id and programme is None:
        raise Refused("invalid", msg(N_("no such programme")))
    if programme is not None:
        if organisation is None:
            raise Refused(
                "invalid",
                msg(N_("a contest in a programme needs the organisation that runs it")),
            )
        if not org_scope.reaches(programme.organisation_id, organisation.id):
            raise Refused(
                "invalid",
                msg(
                    N_(
                        "the programme '{programme}' belongs to '{owner}': a contest of "
                        "'{name}' cannot join it"
                    ),
                    programme=programme.name,
                    owner=programme.organisation.name,
                    name=organisation.name,
                ),
            )
    trade = (trade or "").strip() or None
    if trade is not None and len(trade) > MAX_TRADE:
        raise Refused("invalid", msg(N_("the trade is at most 64 characters")))
    return Placement(programme, organisation, trade)


def place_contest(
    actor: Actor,
    contest_id: int,
    *,
    programme_id: int | None,
    organisation_id: int | None,
    trade: str | None,
) -> Contest:
    """Put a contest in a programme, under an organisation, with a trade. An admin may; so
    may an account of an organisation that reaches both the organisation the contest is
    under now and the new one; a single contest's organiser may not move it."""
    contest = db.session.get(Contest, contest_id)
    if contest is None:
        raise Refused("not_found", msg(N_("no such contest")))
    role = require_role(actor, contest.id, ["organiser"])
    if not actor.is_admin and (
        actor.organisation_id is None
        or (
            contest.organisation_id is not None
            and not organisations.may_act_for(actor, contest.organisation_id)
        )
    ):
        raise Refused(
            "forbidden",
            msg(
                N_(
                    "only an admin or an account of the organisation that runs the contest "
                    "may change where it belongs"
                )
            ),
        )
    placement = check_placement(actor, programme_id, organisation_id, trade)
    if placement.organisation is None and not actor.is_admin:
        raise Refused("invalid", msg(N_("choose the organisation that runs the contest")))
    before = Placement(
        db.session.get(Programme, contest.programme_id) if contest.programme_id else None,
        organisations.get(contest.organisation_id),
        contest.trade,
    )
    if before == placement:
        return contest
    contest.programme_id = placement.programme.id if placement.programme else None
    contest.organisation_id = placement.organisation.id if placement.organisation else None
    contest.trade = placement.trade
    audit.record(
        actor,
        "contest.placement",
        f"contest:{contest.id}",
        role=role,
        before=before.as_audit(),
        after=placement.as_audit(),
    )
    db.session.commit()
    return contest


def programme_of(contest: Contest) -> Programme | None:
    return db.session.get(Programme, contest.programme_id) if contest.programme_id else None
