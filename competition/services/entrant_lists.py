"""The console's list of an event's entrants: searched by code, name or the value of a
public attribute (a county, a work unit), by code, a page at a time.

The search and the page come as the page's query parameters, so a searched page can be
bookmarked and its page links keep the search; a value that cannot be used is named in the
reader's language and the first page is shown.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from sqlalchemy import func, select

from competition.extensions import db
from competition.models import Entrant, Event, Person
from competition.rules.messages import N_, Message, msg
from competition.services.contests import ruleset_of
from competition.services.privacy import is_public

PER_PAGE = 50
MAX_SEARCH = 100
MAX_PAGE = 10**6


@dataclass(frozen=True)
class Listing:
    """What the reader asked for: the search as typed and the page."""

    search: str = ""
    page: int = 1

    def query(self) -> dict[str, str]:
        """The search as query parameters, without the page (for page links)."""
        return {"q": self.search} if self.search else {}


def parse_listing(args: Mapping[str, str]) -> tuple[Listing, list[Message]]:
    """The listing a request's query asks for, and a message for each value that cannot be
    used (that value is then left out)."""
    search = (args.get("q") or "").strip()
    page = (args.get("page") or "").strip() or "1"
    problems = []
    if len(search) > MAX_SEARCH:
        problems.append(msg(N_("a search has at most {n} characters"), n=MAX_SEARCH))
        search = search[:MAX_SEARCH]
    if not page.isdigit() or not 1 <= int(page) <= MAX_PAGE:
        problems.append(msg(N_("“{value}” is not a page number"), value=page[:20]))
        page = "1"
    return Listing(search, int(page)), problems


@dataclass(frozen=True)
class EntrantPage:
    listing: Listing
    entrants: list[Entrant]
    total: int  # the entrants the search finds
    registered: int  # every entrant of the event
    pages: int
    per_page: int
    people: dict[int, Person] = field(default_factory=dict)  # the page's linked people, by id

    @property
    def page(self) -> int:
        return self.listing.page

    @property
    def first(self) -> int:
        """The position of the page's first entrant among those found (0 when none)."""
        return (self.page - 1) * self.per_page + 1 if self.entrants else 0

    @property
    def last(self) -> int:
        return self.first + len(self.entrants) - 1 if self.entrants else 0


def _folded(text: str) -> str:
    """Text compares without case or full-width forms (ＹＡ００１ finds YA001)."""
    return unicodedata.normalize("NFKC", text).casefold()


def entrant_page(event: Event, listing: Listing, per_page: int = PER_PAGE) -> EntrantPage:
    """One page of the event's entrants that the search finds, by code; a page beyond the
    last shows the last."""
    registered = (
        db.session.scalar(
            select(func.count()).select_from(Entrant).where(Entrant.event_id == event.id)
        )
        or 0
    )
    ids = _found(event, listing.search) if listing.search else None
    total = registered if ids is None else len(ids)
    pages = max(1, -(-total // per_page))
    page = min(listing.page, pages)
    start = (page - 1) * per_page
    query = select(Entrant).where(Entrant.event_id == event.id).order_by(Entrant.code)
    if ids is None:
        found = list(db.session.scalars(query.offset(start).limit(per_page)))
    else:
        shown = ids[start : start + per_page]
        found = list(db.session.scalars(query.where(Entrant.id.in_(shown)))) if shown else []
    return EntrantPage(
        Listing(listing.search, page), found, total, registered, pages, per_page, people_of(found)
    )


def people_of(entrants: Iterable[Entrant]) -> dict[int, Person]:
    """The people these entrants are linked to, by id, in one query."""
    ids = {e.person_id for e in entrants if e.person_id is not None}
    if not ids:
        return {}
    return {p.id: p for p in db.session.scalars(select(Person).where(Person.id.in_(ids)))}


def _found(event: Event, search: str) -> list[int]:
    """The ids, by code, of the entrants whose code, name or public attribute value holds
    the search (the private ones, such as a phone number, are not searched)."""
    attributes = ruleset_of(event).rule.entrants.attributes
    public = [name for name, attribute in attributes.items() if is_public(name, attribute)]
    wanted = _folded(search)
    rows = db.session.execute(
        select(Entrant.id, Entrant.code, Entrant.name, Entrant.attributes)
        .where(Entrant.event_id == event.id)
        .order_by(Entrant.code)
    )
    found = []
    for entrant_id, code, name, values in rows:
        texts = [code, name] + [
            str(value)
            for key in public
            if isinstance(value := (values or {}).get(key), str | int | float)
            and not isinstance(value, bool)
        ]
        if any(wanted in _folded(text) for text in texts):
            found.append(entrant_id)
    return found


def entrant_of(event: Event, entrant_id: int) -> Entrant | None:
    """One entrant of this event (None for an id of another event or none)."""
    entrant = db.session.get(Entrant, entrant_id)
    return entrant if entrant is not None and entrant.event_id == event.id else None
