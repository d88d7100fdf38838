"""Contests and their events, created from rule files; new rule versions after the fact."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import ColumnElement, func, or_, select

from competition.extensions import db
from competition.local_time import DEFAULT_TIME_ZONE, zone_name
from competition.models import Contest, ContestRole, Entrant, Event, Mark, RuleVersion
from competition.rules import Problem, RuleFileError, RuleSet, load_rule_text
from competition.rules.messages import N_, msg
from competition.services import audit, org_scope, outbox, programmes
from competition.services.authority import Actor, Refused, require_role


@dataclass(frozen=True)
class RuleSource:
    """A rule file's text and the name to show for it (a path in scoring_rules/ or an upload)."""

    name: str
    text: str

    def load(self) -> RuleSet:
        """The validated rule set; :class:`RuleFileError` lists every problem with its line."""
        return load_rule_text(self.text, self.name, self.sha256)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


def create_contest(
    actor: Actor,
    name: str,
    events: Sequence[tuple[str, RuleSource] | tuple[str, RuleSource, int | None]],
    *,
    blind: bool = False,
    organisers: Sequence[int] = (),
    time_zone: str | None = None,
    programme_id: int | None = None,
    organisation_id: int | None = None,
    trade: str | None = None,
) -> Contest:
    """A draft contest with one event per (event name, rule file[, item count]); every rule
    file must be valid, and an item count given where its file lets events choose one
    (``count: [5, 6]``), or nothing is created. Its times are shown in ``time_zone``
    (default: the app's COMPETITION_TIME_ZONE). It may start in a programme, under the
    organisation that runs it, with a trade (checked as ``programmes.place_contest`` does)."""
    if not actor.is_admin:
        raise Refused("forbidden", msg(N_("only an admin can create a contest")))
    name = name.strip()
    if not name or not events:
        raise Refused("invalid", msg(N_("a contest needs a name and at least one event")))
    placement = programmes.check_placement(actor, programme_id, organisation_id, trade)
    problems: list[Problem] = []
    counts: list[int | None] = []
    for event_name, source, *wanted in events:
        try:
            ruleset = source.load()
        except RuleFileError as error:
            problems.extend(error.problems)
        else:
            chosen = wanted[0] if wanted else None
            counts.append(_item_count(ruleset, event_name.strip() or name, chosen))
    if problems:
        raise RuleFileError(problems)
    zone = zone_name(time_zone or current_app.config.get("COMPETITION_TIME_ZONE", ""))
    contest = draft_contest(
        name,
        [
            (event_name.strip() or name, source, chosen)
            for (event_name, source, *_), chosen in zip(events, counts, strict=True)
        ],
        blind=blind,
        time_zone=zone or DEFAULT_TIME_ZONE,
        placement=placement,
    )
    for user_id in organisers:
        db.session.add(ContestRole(user_id=user_id, contest_id=contest.id, role="organiser"))
    audit.record(
        actor,
        "contest.create",
        f"contest:{contest.id}",
        role="admin",
        after={
            "name": name,
            "blind": blind,
            "time_zone": contest.time_zone,
            "events": [
                {"name": e.name, "rules_sha256": e.rules.sha256}
                | ({"item_count": e.item_count} if e.item_count is not None else {})
                for e in contest.events
            ],
        }
        | {key: value for key, value in placement.as_audit().items() if value is not None},
    )
    db.session.commit()
    return contest


def draft_contest(
    name: str,
    events: Sequence[tuple[str, RuleSource, int | None]],
    *,
    blind: bool,
    time_zone: str,
    placement: programmes.Placement,
) -> Contest:
    """The new draft's rows (not committed, not audited: the caller's): the contest, placed,
    and one event per (name, rule file, item count), each with the file as its version 1."""
    contest = Contest(
        name=name,
        blind=blind,
        time_zone=time_zone,
        programme_id=placement.programme.id if placement.programme else None,
        organisation_id=placement.organisation.id if placement.organisation else None,
        trade=placement.trade,
    )
    for position, (event_name, source, count) in enumerate(events):
        event = Event(name=event_name, position=position, item_count=count)
        event.rule_versions.append(
            RuleVersion(version=1, source_name=source.name, text=source.text, sha256=source.sha256)
        )
        contest.events.append(event)
    db.session.add(contest)
    db.session.flush()
    return contest


def set_time_zone(actor: Actor, contest_id: int, name: str) -> Contest:
    """Show the contest's times in another zone (an IANA name, any case); the times kept, in
    UTC, stay as they are. An organiser's step, audited; a name that is no zone changes
    nothing."""
    contest = db.session.get(Contest, contest_id)
    if contest is None:
        raise Refused("not_found", msg(N_("no such contest")))
    role = require_role(actor, contest.id, ["organiser"])
    zone = zone_name(name)
    if zone is None:
        raise Refused(
            "invalid",
            msg(
                N_(
                    "'{name}' is not a time zone: give an IANA name such as Asia/Shanghai "
                    "(Beijing time) or Asia/Urumqi"
                ),
                name=name.strip()[:64],
            ),
        )
    before = contest.time_zone
    if zone == before:
        return contest
    contest.time_zone = zone
    outbox.record(contest.id, outbox.BOARD)
    audit.record(
        actor,
        "contest.time_zone",
        f"contest:{contest.id}",
        role=role,
        before={"time_zone": before},
        after={"time_zone": zone},
    )
    db.session.commit()
    outbox.announce(contest.id)
    return contest


def new_rule_version(actor: Actor, event_id: int, source: RuleSource, reason: str) -> RuleVersion:
    """A new rule version for an event. Before scoring opens any organiser change is a new
    version; after, it also needs a reason, and the standings follow the new version."""
    event = db.session.get(Event, event_id)
    if event is None:
        raise Refused("not_found", msg(N_("no such event")))
    role = require_role(actor, event.contest_id, ["organiser"])
    if event.contest.status in ("locked", "published", "final"):
        raise Refused("locked", msg(N_("the contest is locked: its rules can no longer change")))
    pinned = event.rules.pinned_at is not None
    if pinned and not reason.strip():
        raise Refused(
            "reason_required",
            msg(
                N_(
                    "scoring has opened: a rule change needs a reason, and every result is "
                    "recomputed with the new version"
                )
            ),
        )
    loaded = source.load()
    if event.item_count is not None and event.item_count not in (loaded.item_counts or ()):
        raise Refused(
            "invalid",
            msg(
                N_(
                    "the event has {count} items, and the new rule file does not let an "
                    "event choose that many"
                ),
                count=event.item_count,
            ),
        )
    previous = event.rules
    version = RuleVersion(
        version=previous.version + 1,
        source_name=source.name,
        text=source.text,
        sha256=source.sha256,
        pinned_at=previous.pinned_at,
    )
    event.rule_versions.append(version)
    db.session.flush()
    outbox.record(event.contest_id, outbox.EVENT, event.id)
    audit.record(
        actor,
        "rules.new_version",
        f"event:{event.id}",
        role=role,
        reason=reason,
        before={"version": previous.version, "sha256": previous.sha256},
        after={"version": version.version, "sha256": version.sha256},
    )
    db.session.commit()
    outbox.announce(event.contest_id)
    return version


def _item_count(ruleset: RuleSet, event_name: str, count: int | None) -> int | None:
    """The item count an event registers with: one of its rule file's counts where the file
    offers several, else none."""
    if ruleset.item_counts is None:
        return None
    if count not in ruleset.item_counts:
        raise Refused(
            "invalid",
            msg(
                N_("event '{event}': choose how many items it has ({counts})"),
                event=event_name,
                counts=", ".join(str(n) for n in ruleset.item_counts),
            ),
        )
    return count


def choose_item_count(actor: Actor, event_id: int, count: int) -> Event:
    """The number of items (dives, runs) an event has, where its rule file lets events
    choose (``count: [5, 6]``). Fixed once scoring opens, and never below an item already
    marked."""
    event = db.session.get(Event, event_id)
    if event is None:
        raise Refused("not_found", msg(N_("no such event")))
    role = require_role(actor, event.contest_id, ["organiser"])
    if event.rules.pinned_at is not None or event.contest.status not in ("draft", "registration"):
        raise Refused(
            "closed", msg(N_("scoring has opened: the number of items can no longer change"))
        )
    ruleset = _base_ruleset(event.rules.id, event.rules.sha256)
    if ruleset.item_counts is None:
        raise Refused("invalid", msg(N_("this event's rule file fixes its number of items")))
    _item_count(ruleset, event.name, count)
    marked = db.session.scalars(
        select(Mark.item).where(Mark.event_id == event.id, Mark.item != "").distinct()
    )
    beyond = sorted({i for i in marked if not i.isdigit() or int(i) > count})
    if beyond:
        raise Refused(
            "invalid",
            msg(
                N_("marks are entered for item {item}: the event cannot have {count} items"),
                item=beyond[-1],
                count=count,
            ),
        )
    before = event.item_count
    event.item_count = count
    outbox.record(event.contest_id, outbox.EVENT, event.id)
    audit.record(
        actor,
        "event.item_count",
        f"event:{event.id}",
        role=role,
        before={"item_count": before},
        after={"item_count": count},
    )
    db.session.commit()
    outbox.announce(event.contest_id)
    return event


def offered_item_counts(event: Event) -> list[int] | None:
    """The item counts the event's rule file lets it choose from (None: the file fixes it)."""
    return _base_ruleset(event.rules.id, event.rules.sha256).item_counts


_RULESETS: dict[tuple[str, int | None], RuleSet] = {}


def ruleset_of(event: Event) -> RuleSet:
    """The event's rule set in force, for the item count it chose, parsed once per distinct
    file (keyed by its SHA-256)."""
    version = event.rules
    return ruleset_of_version(version.id, version.sha256, event.item_count)


def ruleset_of_version(version_id: int, sha256: str, item_count: int | None = None) -> RuleSet:
    """The rule set of a stored rule version (its id and SHA-256) for an event that chose
    ``item_count`` items (None: as the file says), parsed once per distinct file."""
    ruleset = _RULESETS.get((sha256, item_count))
    if ruleset is None:
        ruleset = _base_ruleset(version_id, sha256)
        if item_count is not None and ruleset.item_counts is not None:
            ruleset = ruleset.with_item_count(item_count)
        _RULESETS[(sha256, item_count)] = ruleset
    return ruleset


def _base_ruleset(version_id: int, sha256: str) -> RuleSet:
    ruleset = _RULESETS.get((sha256, None))
    if ruleset is None:
        version = db.session.get(RuleVersion, version_id)
        assert version is not None, "a rule version read from the database"
        ruleset = _RULESETS[(sha256, None)] = RuleSource(version.source_name, version.text).load()
    return ruleset


def visible_to(actor: Actor) -> list[Contest]:
    """The contests an actor may open in the console: all for an admin, else those where
    they hold a role and, for an organisation's account, those its organisation or one
    below it runs (one query, whatever the tree)."""
    query = select(Contest).order_by(Contest.created_at.desc(), Contest.id.desc())
    if not actor.is_admin:
        granted = select(ContestRole.contest_id).where(ContestRole.user_id == actor.id)
        allowed: ColumnElement[bool] = Contest.id.in_(granted)
        if actor.organisation_id is not None:
            below = org_scope.subtree(actor.organisation_id)
            allowed = or_(allowed, Contest.organisation_id.in_(select(below.c.id)))
        query = query.where(allowed)
    return list(db.session.scalars(query))


def get_for(actor: Actor, contest_id: int) -> tuple[Contest, str]:
    """A contest and the role under which the actor sees it, or :class:`Refused`."""
    contest = db.session.get(Contest, contest_id)
    if contest is None:
        raise Refused("not_found", msg(N_("no such contest")))
    role = require_role(actor, contest.id, ["organiser", "chief_judge"])
    return contest, role


def entrant_counts(contest: Contest) -> dict[int, int]:
    """Entrants registered per event."""
    rows = db.session.execute(
        select(Entrant.event_id, func.count())
        .where(Entrant.event_id.in_([e.id for e in contest.events]))
        .group_by(Entrant.event_id)
    )
    return {event_id: count for event_id, count in rows}


def entrant_id(event_id: int, code: str) -> int | None:
    """The id of the entrant with ``code`` in the event (None for an empty code)."""
    if not code.strip():
        return None
    found = db.session.scalar(
        select(Entrant.id).where(Entrant.event_id == event_id, Entrant.code == code.strip())
    )
    if found is None:
        raise Refused("unknown_entrant", msg(N_("unknown entrant '{code}'"), code=code.strip()))
    return found
