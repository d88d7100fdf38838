"""Who is acting, what they may do in a contest, and the refusal they get otherwise."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import select

from competition.extensions import db
from competition.models import ContestRole, User
from competition.rules.messages import DEFAULT_LOCALE, N_, Message, msg
from competition.services import org_scope


@dataclass(frozen=True)
class Actor:
    """The person (or the system) behind a service call, as the audit log names them."""

    kind: Literal["user", "judge", "system"]
    id: int | None
    name: str
    is_admin: bool = False
    # an account of a union organisation organises every contest of it and below it
    organisation_id: int | None = None

    @property
    def label(self) -> str:
        return f"{self.kind}:{self.id}:{self.name}" if self.id is not None else self.kind

    @classmethod
    def of_user(cls, user: User) -> Actor:
        return cls("user", user.id, user.username, user.is_admin, user.organisation_id)


SYSTEM = Actor("system", None, "system", is_admin=True)


class Refused(Exception):
    """A service call that was not allowed or not possible; nothing was changed."""

    def __init__(self, code: str, message: Message) -> None:
        self.code = code
        self.message = message
        super().__init__(f"{code}: {message.render('en')}")

    def render(self, locale: str = DEFAULT_LOCALE) -> str:
        return self.message.render(locale)


def roles_in(actor: Actor, contest_id: int) -> set[str]:
    """The actor's roles in one contest: those granted in it, and organiser of every contest
    run by the account's organisation or one below it; an admin holds every role everywhere."""
    if actor.is_admin:
        return {"admin", "organiser", "chief_judge"}
    if actor.kind != "user" or actor.id is None:
        return set()
    rows = db.session.scalars(
        select(ContestRole.role).where(
            ContestRole.user_id == actor.id, ContestRole.contest_id == contest_id
        )
    )
    held = set(rows)
    if actor.organisation_id is not None and org_scope.owns_contest(
        actor.organisation_id, contest_id
    ):
        held.add("organiser")
    return held


def require_role(actor: Actor, contest_id: int, allowed: Iterable[str]) -> str:
    """The role under which the actor may act, or :class:`Refused`."""
    held = roles_in(actor, contest_id)
    for role in ("admin", *allowed):
        if role in held:
            return role
    raise Refused("forbidden", needs_role(list(allowed)))


ROLE_LABELS = {
    "admin": N_("an admin"),
    "organiser": N_("the organiser of this contest"),
    "chief_judge": N_("the chief judge of this contest"),
}


def needs_role(allowed: list[str]) -> Message:
    """Who may do this, in the reader's language (never a role's id)."""
    labels = [msg(ROLE_LABELS.get(role, role)) for role in allowed]
    if len(labels) == 1:
        return msg(N_("only {who} may do this"), who=labels[0])
    return msg(N_("only {first} or {second} may do this"), first=labels[0], second=labels[-1])
