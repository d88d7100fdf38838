"""A new contest started from a past one: its rule file versions as stored, its events with
their item counts (so its award tiers and prizes, which the rule file gives), where it
belongs, its time zone and blind setting, and its judges' panel with new login cards.

Entrants, marks, blind codes and publications stay with the past contest: the new one is a
draft that starts empty. Starting from a shipped rule file is the new-contest form's job
(``contests.create_contest``); :func:`rule_files` lists those files for the chooser."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Literal

from sqlalchemy import exists, select

from competition.extensions import db
from competition.models import (
    Assignment,
    Contest,
    ContestRole,
    Event,
    Judge,
    Person,
)
from competition.rules import Problem, RuleFileError
from competition.rules.messages import DEFAULT_LOCALE, N_, msg
from competition.services import audit, contests, programmes
from competition.services.authority import Actor, Refused, roles_in
from competition.services.judges import new_token, token_hash
from competition.services.rulebook import RuleFileSummary, list_rule_files

SAME: Literal["same"] = "same"  # a placement as the past contest has it
Same = Literal["same"]


@dataclass(frozen=True)
class Started:
    """The new draft contest, its judges with their plain login tokens (the only moment
    they exist: print the cards now, or reissue them later), the assignments copied, and
    those left out because they were to one entrant of the past contest."""

    contest: Contest
    judges: list[tuple[Judge, str]]
    assignments: int
    left_out: int


@dataclass(frozen=True)
class EventPreview:
    """What a new contest takes from one event of the past one."""

    name: str
    version: int
    sha256: str
    item_count: int | None
    tiers: list[tuple[str, Decimal | None]]  # award tiers in order, with their prize
    currency: str


@dataclass(frozen=True)
class Preview:
    contest: Contest
    events: list[EventPreview]
    judges: int  # not revoked: those copied
    assignments: int  # to every entrant: those copied
    left_out: int  # to one entrant: not copied


def may_start(actor: Actor) -> bool:
    """An admin, or an account of a union organisation (for a contest under it)."""
    return actor.is_admin or (actor.kind == "user" and actor.organisation_id is not None)


def past_contests(actor: Actor) -> list[Contest]:
    """The contests the actor may start from: those they may open in the console."""
    return contests.visible_to(actor) if may_start(actor) else []


def rule_files(actor: Actor, root: Path, locale: str = DEFAULT_LOCALE) -> list[RuleFileSummary]:
    """The valid shipped rule files, for an admin (only an admin creates a contest from a
    rule file; an organisation's account starts from one of its past contests)."""
    if not actor.is_admin:
        return []
    return [f for f in list_rule_files(root, locale) if f.valid]


def preview(actor: Actor, source_contest_id: int) -> Preview:
    """What starting from the past contest copies, for the page to show before it does."""
    source = _source(actor, source_contest_id)
    events = []
    for event in source.events:
        awards = contests.ruleset_of(event).rule.awards
        events.append(
            EventPreview(
                event.name,
                event.rules.version,
                event.rules.sha256,
                event.item_count,
                [(t.name, t.prize) for t in awards.tiers] if awards else [],
                awards.currency if awards else "",
            )
        )
    panel = _panel(source)
    seats = [seat.entrant_id for judge in panel for seat in judge.assignments]
    every = sum(1 for entrant in seats if entrant is None)
    return Preview(source, events, len(panel), every, len(seats) - every)


def _panel(source: Contest) -> list[Judge]:
    """The past contest's judges who come over: not revoked, and not a person erased on
    request (whose name must not return on a new panel)."""
    erased = exists().where(Person.id == Judge.person_id, Person.erased_at.is_not(None))
    query = (
        select(Judge)
        .where(Judge.contest_id == source.id, Judge.revoked_at.is_(None), ~erased)
        .order_by(Judge.name, Judge.id)
    )
    return list(db.session.scalars(query))


def _source(actor: Actor, source_contest_id: int) -> Contest:
    """The past contest, if the actor may start from it; else :class:`Refused`, the same
    for a contest that does not exist and one out of the actor's reach."""
    if not may_start(actor):
        raise Refused(
            "forbidden",
            msg(N_("only an admin or an organisation's account can start a new contest")),
        )
    source = db.session.get(Contest, source_contest_id)
    if source is None or not roles_in(actor, source.id):
        raise Refused(
            "not_found",
            msg(N_("no such contest among those you may open: start from one listed here")),
        )
    return source


def start_from_contest(
    actor: Actor,
    source_contest_id: int,
    name: str,
    *,
    copy_judges: bool = True,
    programme_id: int | None | Same = SAME,
    organisation_id: int | None | Same = SAME,
    trade: str | None | Same = SAME,
) -> Started:
    """A draft contest like the past one, in one transaction, audited as
    ``contest.from_template``. Each event gets the rule version in force in the past
    contest, text and SHA-256 as stored (not the file on disk now), as its version 1.
    ``copy_judges``: the judges not revoked, as new judges of the same pool people and
    units, with their PINs and new tokens, their assignments to every entrant, and the
    chief judges' accounts."""
    source = _source(actor, source_contest_id)
    name = name.strip()
    if not name or len(name) > 200:
        raise Refused("invalid", msg(N_("the new contest needs a name of 1 to 200 characters")))
    placement = programmes.check_placement(
        actor,
        source.programme_id if programme_id == SAME else programme_id,
        source.organisation_id if organisation_id == SAME else organisation_id,
        source.trade if trade == SAME else trade,
    )
    if placement.organisation is None and not actor.is_admin:
        raise Refused("invalid", msg(N_("choose the organisation that runs the contest")))
    _check_rules(source)
    contest = contests.draft_contest(
        name,
        [
            (
                event.name,
                contests.RuleSource(event.rules.source_name, event.rules.text),
                event.item_count,
            )
            for event in source.events
        ],
        blind=source.blind,
        time_zone=source.time_zone,
        placement=placement,
    )
    started = Started(contest, [], 0, 0)
    if copy_judges:
        started = _copy_panel(source, contest)
    audit.record(
        actor,
        "contest.from_template",
        f"contest:{contest.id}",
        role="admin" if actor.is_admin else "organiser",
        after=_audited(source, started) | _placed(placement),
    )
    db.session.commit()
    return started


def _stored(event: Event) -> contests.RuleSource:
    """The rule version in force in the past event, as stored."""
    return contests.RuleSource(event.rules.source_name, event.rules.text)


def _check_rules(source: Contest) -> None:
    """Every stored rule version still loads, for the item count its event chose; else
    :class:`RuleFileError` naming the file and line, and nothing is created."""
    problems: list[Problem] = []
    for event in source.events:
        try:
            _stored(event).load()
        except RuleFileError as error:
            problems.extend(error.problems)
    if problems:
        raise RuleFileError(problems)


def _copy_panel(source: Contest, contest: Contest) -> Started:
    """The past contest's judges (not revoked) as new judges of ``contest``, their
    assignments to every entrant, and its chief judges' accounts."""
    events = {old.id: new for old, new in zip(source.events, contest.events, strict=True)}
    panel = _panel(source)
    issued: list[tuple[Judge, str]] = []
    copied = left_out = 0
    for judge in panel:
        token = new_token()
        new = Judge(
            contest_id=contest.id,
            name=judge.name,
            unit=judge.unit,
            person_id=judge.person_id,
            token_hash=token_hash(token),
            pin_hash=judge.pin_hash,
        )
        for seat in judge.assignments:
            if seat.entrant_id is not None:
                left_out += 1
                continue
            new.assignments.append(
                Assignment(event_id=events[seat.event_id].id, criterion=seat.criterion)
            )
            copied += 1
        db.session.add(new)
        issued.append((new, token))
    chiefs = db.session.scalars(
        select(ContestRole.user_id).where(
            ContestRole.contest_id == source.id, ContestRole.role == "chief_judge"
        )
    ).all()
    for user_id in chiefs:
        db.session.add(ContestRole(user_id=user_id, contest_id=contest.id, role="chief_judge"))
    db.session.flush()
    return Started(contest, issued, copied, left_out)


def _audited(source: Contest, started: Started) -> dict[str, object]:
    contest = started.contest
    return {
        "name": contest.name,
        "template": {"contest": source.id, "name": source.name},
        "blind": contest.blind,
        "time_zone": contest.time_zone,
        "events": [
            {
                "name": new.name,
                "rules_sha256": new.rules.sha256,
                "template_version": old.rules.version,
            }
            | ({"item_count": new.item_count} if new.item_count is not None else {})
            for old, new in zip(source.events, contest.events, strict=True)
        ],
        "judges": [
            {"judge": judge.id, "name": judge.name}
            | ({"person": judge.person_id} if judge.person_id is not None else {})
            for judge, _token in started.judges
        ],
        "assignments": started.assignments,
        "left_out": started.left_out,
    }


def _placed(placement: programmes.Placement) -> dict[str, object]:
    return {key: value for key, value in placement.as_audit().items() if value is not None}
