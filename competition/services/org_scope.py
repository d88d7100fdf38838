"""How far an organisation's accounts reach: the organisation itself and every one below
it (a county's enterprises, the city's counties and their enterprises).

Each question is one recursive query (the tree is three levels deep), never a query per
organisation, so a page that asks it for every contest stays cheap."""

from __future__ import annotations

from sqlalchemy import CTE, exists, select

from competition.extensions import db
from competition.models import Contest, Organisation


def subtree(organisation_id: int) -> CTE:
    """The ids (column ``id``) of the organisation and of every organisation below it, as a
    recursive CTE to use in ``IN`` clauses."""
    top = (
        select(Organisation.id)
        .where(Organisation.id == organisation_id)
        .cte("org_subtree", recursive=True)
    )
    return top.union_all(select(Organisation.id).where(Organisation.parent_id == top.c.id))


def ancestors(organisation_id: int) -> CTE:
    """The ids (column ``id``) of the organisation and of every one above it."""
    start = (
        select(Organisation.id, Organisation.parent_id)
        .where(Organisation.id == organisation_id)
        .cte("org_ancestors", recursive=True)
    )
    return start.union_all(
        select(Organisation.id, Organisation.parent_id).where(Organisation.id == start.c.parent_id)
    )


def reaches(organisation_id: int, target_id: int) -> bool:
    """Whether ``target_id`` is the organisation or one below it."""
    up = ancestors(target_id)
    return bool(db.session.scalar(select(exists().where(up.c.id == organisation_id))))


def owns_contest(organisation_id: int, contest_id: int) -> bool:
    """Whether the contest is run by the organisation or by one below it (a contest with no
    organisation belongs to no one's tree)."""
    below = subtree(organisation_id)
    query = select(
        exists().where(Contest.id == contest_id, Contest.organisation_id.in_(select(below.c.id)))
    )
    return bool(db.session.scalar(query))
