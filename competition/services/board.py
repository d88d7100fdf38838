"""The public board: what anyone may see of a contest's standings, and nothing more.

Privacy is decided here, once, for every public page and API: blind codes only until the
names are opened, only the attributes the rule file marks public, and never an attribute
that looks like a phone or ID number whatever the rule file says. The board follows the
contest's setting — provisional (live), frozen (as it stood when frozen) or hidden — until
results are published; from then on it is the newest publication.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import select

from competition.extensions import db
from competition.models import Contest, Event, Publication
from competition.models.base import utcnow
from competition.models.contest import BOARD_MODES
from competition.rules import RuleSet
from competition.rules.messages import N_, msg
from competition.rules.model import CriterionBase
from competition.rules.numbers import format_exact
from competition.rules.report import awards_dict
from competition.rules.standings import Row, Standings
from competition.services import audit, outbox
from competition.services.authority import Actor, Refused, require_role
from competition.services.blind import numbers_by_code
from competition.services.contests import ruleset_of
from competition.services.ids import parse_id
from competition.services.privacy import is_public
from competition.services.recent_marks import recent_marks
from competition.services.standings import current_standings, event_standings, progress

PUBLISHED = ("published", "final")


def public_contests() -> list[Contest]:
    """Every contest the public may follow (all but drafts), newest first."""
    return list(
        db.session.scalars(
            select(Contest).where(Contest.status != "draft").order_by(Contest.id.desc())
        )
    )


def public_contest(contest_id: object) -> Contest | None:
    """A contest the public may watch (any that has left the draft stage), by its id as
    a viewer sent it; None for anything else."""
    number = parse_id(contest_id)
    if number is None:
        return None
    contest = db.session.get(Contest, number)
    if contest is None or contest.status == "draft":
        return None
    return contest


def names_open(contest: Contest) -> bool:
    return not contest.blind or contest.unblinded_at is not None


def public_attributes(event: Event) -> list[tuple[str, str]]:
    """(name, label) of the attributes the public may see, in rule-file order."""
    attributes = ruleset_of(event).rule.entrants.attributes
    return [
        (name, attribute.label or name)
        for name, attribute in attributes.items()
        if is_public(name, attribute)
    ]


RowMemo = dict[str, tuple[tuple[Any, ...], dict[str, Any]]]


def event_board(
    contest: Contest,
    event: Event,
    standings: Standings,
    awards: bool,
    memo: RowMemo | None = None,
) -> dict[str, Any]:
    """One event's public standings: rows in standing order, each keyed by what the public
    may know of the entrant (the blind contestant number while names are closed). A blind
    event whose numbers are not drawn yet has nothing to show: no rows, ``awaiting_codes``.

    ``memo`` (the live board's, one per event) keeps each entrant's last row with what it
    was made from: a burst of marks changes a few entrants of thousands, and an unchanged
    entrant's row is handed out again, the same object (never changed after it is made)."""
    ruleset = standings.ruleset
    open_ = names_open(contest)
    numbers = numbers_by_code(event.id) if contest.blind else {}
    awaiting_codes = not open_ and not numbers
    shown = public_attributes(event) if open_ else []
    rows = []
    sha256, blind = ruleset.sha256, contest.blind  # the same for every row: read once
    kept = memo if memo is not None and not awards else {}
    for position, row in enumerate([] if awaiting_codes else standings.rows, start=1):
        key = row.key
        number = numbers.get(key)
        made_of = (
            sha256,
            row.entrant,
            row.rank,
            row.shared,
            row.decided_by,
            row.total,
            row.status,
            row.group,
            number,
            open_,
            blind,
            position if not open_ and number is None else 0,
        )
        known = kept.get(key)
        if known is not None and known[0] == made_of:
            rows.append(known[1])
            continue
        entry = _row(contest, standings, row, number, position, open_, shown)
        if awards:
            entry |= _award_fields(standings, row)
        elif memo is not None:
            memo[row.key] = (made_of, entry)
        rows.append(entry)
    done = progress(event, standings)
    return {
        "id": event.id,
        "name": event.name,
        "contest": ruleset.contest,
        "rules_version": ruleset.rule.version,
        "rules_sha256": ruleset.sha256,
        "grouped": ruleset.rule.entrants.group_by is not None,
        "complete": standings.complete,
        "progress": {
            "complete": sum(p.complete for p in done),
            "expected": sum(p.expected for p in done),
        },
        "awaiting_codes": awaiting_codes,
        # the attribute columns in rule-file order: a row's ``attributes`` is a JSON object,
        # whose keys a JSON writer may sort (the page's and the API's do, the socket's not)
        "attributes": [label for _, label in shown],
        # what the rule file calls its entrants (参赛果园), to head the names; "" for people
        "entrant_label": _entrant_label(ruleset),
        "rows": rows,
    }


def _entrant_label(ruleset: RuleSet) -> str:
    entrants = ruleset.rule.entrants
    return entrants.label if entrants.kind != "individual" and entrants.label else ""


def _decided_label(criteria: Mapping[str, CriterionBase], decided: str | None) -> str | None:
    """The deciding tie-break by its criterion's label; a countback position ``score#2``
    keeps its number after the label."""
    if decided is None:
        return None
    name, mark, position = decided.partition("#")
    if name not in criteria:
        return decided
    label = criteria[name].label or name
    return f"{label} #{position}" if mark else label


def _row(
    contest: Contest,
    standings: Standings,
    row: Row,
    number: str | None,
    position: int,
    open_: bool,
    shown: list[tuple[str, str]],
) -> dict[str, Any]:
    criteria = standings.ruleset.rule.criteria
    if open_:
        key, label = row.key, row.entrant.name
    else:
        key, label = number or f"#{position}", number or "—"
    return {
        "key": key,
        "label": label,
        "number": number if contest.blind else row.key,
        "rank": row.rank,
        "shared": row.shared,
        "decided_by": _decided_label(criteria, row.decided_by),
        "total": standings.total_text(row),
        "status": row.status,
        "group": row.group,
        "attributes": {
            label_: str(value)
            for name, label_ in shown
            if (value := (row.entrant.attributes or {}).get(name)) not in (None, "")
        },
    }


def _award_fields(standings: Standings, row: Row) -> dict[str, Any]:
    return {
        "award": row.award,
        "titles": [t.name for t in row.titles],
        "title_valid_years": {t.name: t.valid_years for t in row.titles},
        "prize": format_exact(row.prize) if row.prize is not None else None,
    }


def awards_summary(standings: Standings) -> dict[str, Any]:
    """Prize money per group and tier, in total and against the rule file's budget: the
    rule engine's report, with its list of groups named ``groups`` (docs/api.md)."""
    summary = awards_dict(standings)
    return {"groups": summary.pop("awards"), **summary}


def latest_publication(contest_id: int) -> Publication | None:
    return db.session.scalar(
        select(Publication)
        .where(Publication.contest_id == contest_id)
        .order_by(Publication.number.desc())
    )


def contest_head(contest: Contest) -> dict[str, Any]:
    """What the board says about the contest itself."""
    return {
        "id": contest.id,
        "name": contest.name,
        "status": contest.status,
        "time_zone": contest.time_zone,
        "mode": contest.board_mode,
        "frozen_at": contest.board_frozen_at.isoformat() if contest.board_frozen_at else None,
        "names_open": names_open(contest),
        "publicity_ends_at": contest.publicity_ends_at.isoformat()
        if contest.publicity_ends_at
        else None,
    }


def live_board(
    contest: Contest,
    standings_of: Callable[[Event], Standings] = current_standings,
    memos: dict[int, RowMemo] | None = None,
) -> dict[str, Any]:
    """The board as the public sees it now (without its version: see ``current_version``);
    ``standings_of`` gives an event's provisional standings now (a kept, updated copy:
    :class:`competition.services.standings.LiveStandings`)."""
    head = contest_head(contest)
    if contest.status in PUBLISHED:
        publication = latest_publication(contest.id)
        if publication is not None:
            history = db.session.scalars(
                select(Publication)
                .where(Publication.contest_id == contest.id)
                .order_by(Publication.number)
            ).all()
            return head | {
                "hidden": False,
                "published": True,
                "revision": publication.number,
                "revised": publication.number > 1,
                "published_at": publication.published_at.isoformat(),
                "history": [
                    {
                        "number": p.number,
                        "published_at": p.published_at.isoformat(),
                        "reason": p.reason,
                    }
                    for p in history
                ],
                "events": [
                    {k: v for k, v in e.items() if k != "awards"}
                    for e in publication.document["events"]
                ],
            }
    hidden = contest.board_mode == "hidden" or contest.status == "draft"
    as_of = contest.board_frozen_at if contest.board_mode == "frozen" else None
    events = []
    for event in contest.events:
        if hidden:
            events.append({"id": event.id, "name": event.name, "rows": [], "progress": None})
        else:
            standings = (
                event_standings(event, provisional=True, as_of=as_of)
                if as_of is not None
                else standings_of(event)
            )
            memo = _memo_of(memos, event.id, len(standings.rows)) if as_of is None else None
            events.append(event_board(contest, event, standings, awards=False, memo=memo))
    recent = recent_marks(contest, head["names_open"]) if not hidden else []
    return head | {"hidden": hidden, "published": False, "recent": recent, "events": events}


def _memo_of(memos: dict[int, RowMemo] | None, event_id: int, rows: int) -> RowMemo | None:
    """The event's row memo, emptied when entrants who left it pile up."""
    if memos is None:
        return None
    memo = memos.setdefault(event_id, {})
    if len(memo) > 2 * rows + 100:
        memo.clear()
    return memo


def published_document(contest: Contest) -> dict[str, Any]:
    """The snapshot a publication keeps: every event's standings with awards, the awards
    summary and the rule version in force with its SHA-256."""
    events = []
    for event in contest.events:
        standings = event_standings(event, provisional=True)
        events.append(
            event_board(contest, event, standings, awards=True)
            | {"awards": awards_summary(standings)}
        )
    return {"contest": contest_head(contest), "events": events}


# --- versions: one counter per contest, raised by whichever process changes the board --------


def current_version(contest_id: int) -> int:
    return int(
        db.session.scalar(select(Contest.board_version).where(Contest.id == contest_id)) or 0
    )


# --- the organiser's setting -----------------------------------------------------------------


def set_mode(actor: Actor, contest_id: int, mode: str) -> Contest:
    """Provisional (live), frozen (the board stops where it stands now) or hidden until
    publication."""
    contest = db.session.get(Contest, contest_id)
    if contest is None:
        raise Refused("not_found", msg(N_("no such contest")))
    role = require_role(actor, contest.id, ("organiser",))
    if mode not in BOARD_MODES:
        raise Refused("invalid", msg(N_("unknown board setting '{mode}'"), mode=mode))
    if contest.status in PUBLISHED:
        raise Refused("wrong_state", msg(N_("the results are published: the board shows them")))
    before = {"mode": contest.board_mode}
    if mode == "frozen" and contest.board_mode != "frozen":
        contest.board_frozen_at = utcnow()
    elif mode != "frozen":
        contest.board_frozen_at = None
    contest.board_mode = mode
    outbox.record(contest.id, outbox.BOARD)
    audit.record(
        actor,
        "board.mode",
        f"contest:{contest.id}",
        role=role,
        before=before,
        after={
            "mode": mode,
            "frozen_at": contest.board_frozen_at.isoformat() if contest.board_frozen_at else None,
        },
    )
    db.session.commit()
    outbox.announce(contest.id)
    return contest
