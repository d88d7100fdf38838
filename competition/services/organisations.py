"""The union's organisations as a tree by level (enterprise → county/district → city), and
which of them an account may act for.

The rule, in one place: an account that belongs to an organisation is an organiser of every
contest run by that organisation or by one below it, and may add programmes for them; an
admin may do anything; an account without an organisation only has the roles granted to it
in single contests."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NoReturn

from sqlalchemy import select

from competition.extensions import db
from competition.models import Organisation
from competition.models.programme import LEVELS
from competition.rules.messages import N_, msg
from competition.services import audit, org_scope
from competition.services.authority import Actor, Refused

# the level each level may sit under: a county under the city, an enterprise under either
PARENT_LEVELS = {"city": (), "county": ("city",), "enterprise": ("county", "city")}
MAX_NAME = 200
MAX_DISTRICT = 64


@dataclass(frozen=True)
class Branch:
    """An organisation in the tree, with how deep it sits (0 for the top)."""

    organisation: Organisation
    depth: int


def create_organisation(
    actor: Actor, name: str, level: str, *, parent_id: int | None = None, district: str = ""
) -> Organisation:
    """A new organisation under its parent: a city at the top, a county under a city, an
    enterprise under a county or the city. Only an admin may add one."""
    if not actor.is_admin:
        raise Refused("forbidden", msg(N_("only an admin can add an organisation")))
    name, district = name.strip(), district.strip()
    if not name or len(name) > MAX_NAME:
        raise Refused("invalid", msg(N_("an organisation needs a name of 1 to 200 characters")))
    if len(district) > MAX_DISTRICT:
        raise Refused("invalid", msg(N_("the district is at most 64 characters")))
    if level not in LEVELS:
        raise Refused("invalid", msg(N_("choose the level: enterprise, county or city")))
    parent = _parent(level, parent_id)
    if db.session.scalar(select(Organisation.id).where(Organisation.name == name)) is not None:
        raise Refused(
            "exists", msg(N_("there is already an organisation named '{name}'"), name=name)
        )
    organisation = Organisation(
        name=name, level=level, parent_id=parent.id if parent else None, district=district or None
    )
    db.session.add(organisation)
    db.session.flush()
    audit.record(
        actor,
        "organisation.create",
        f"organisation:{organisation.id}",
        role="admin",
        after={
            "name": name,
            "level": level,
            "parent": parent.name if parent else None,
            "district": district or None,
        },
    )
    db.session.commit()
    return organisation


def _parent(level: str, parent_id: int | None) -> Organisation | None:
    """The parent a new organisation of ``level`` may have, or :class:`Refused`."""
    if level == "city":
        if parent_id is not None:
            raise Refused("invalid", msg(N_("the city union is at the top: it has no parent")))
        return None
    parent = db.session.get(Organisation, parent_id) if parent_id is not None else None
    if parent is None:
        if level == "county":
            _refuse_parent(N_("a county or district union sits under the city union: choose it"))
        _refuse_parent(N_("an enterprise union sits under a county or the city union: choose one"))
    if parent.level not in PARENT_LEVELS[level]:
        if level == "county":
            _refuse_parent(
                N_("a county or district union sits under the city union, not under '{parent}'"),
                parent.name,
            )
        _refuse_parent(
            N_("an enterprise union sits under a county or the city union, not under '{parent}'"),
            parent.name,
        )
    return parent


def _refuse_parent(text: str, parent: str = "") -> NoReturn:
    raise Refused("invalid", msg(text, parent=parent))


def tree() -> list[Branch]:
    """Every organisation, each followed by those below it (by name), as one read of the
    table."""
    every = list(db.session.scalars(select(Organisation).order_by(Organisation.name)))
    children: dict[int | None, list[Organisation]] = {}
    for organisation in every:
        children.setdefault(organisation.parent_id, []).append(organisation)
    branches: list[Branch] = []

    def walk(parent_id: int | None, depth: int) -> None:
        for organisation in children.get(parent_id, []):
            branches.append(Branch(organisation, depth))
            walk(organisation.id, depth + 1)

    walk(None, 0)
    return branches


def acting_for(actor: Actor) -> list[Branch]:
    """The organisations the actor may act for (run contests and programmes of): all of
    them for an admin, the account's organisation and those below it otherwise."""
    branches = tree()
    if actor.is_admin:
        return branches
    if actor.organisation_id is None:
        return []
    below = org_scope.subtree(actor.organisation_id)
    ids = set(db.session.scalars(select(below.c.id)))
    return [b for b in branches if b.organisation.id in ids]


def may_act_for(actor: Actor, organisation_id: int) -> bool:
    """Whether the actor may act for the organisation (an admin always)."""
    if actor.is_admin:
        return True
    return actor.organisation_id is not None and org_scope.reaches(
        actor.organisation_id, organisation_id
    )


def get(organisation_id: int | None) -> Organisation | None:
    return db.session.get(Organisation, organisation_id) if organisation_id else None
