"""Carrying a qualifier's advancing entrants into the final: who advances by the published
snapshot, and the new entrants with their provenance.

Who advances is read from the source contest's newest publication, never from the live
standings: the rank and the total an entrant is carried with are those the public saw. Of
a ranked entrant (not disqualified, withdrawn or incomplete) the top N advance by rank,
so that everyone sharing rank N advances too (a tie at the cut is not broken here: the
rule file's tie-breaks have already spoken); in an event ranked by group, the top N of
each group. With a tier, those awarded that tier or a better one.

A carried entrant's code in the final is ``Q<source event id>-<source code>``: unique across
sources that all number their entrants W01…, and the same each time, so that carrying
again never adds anyone twice. A person already entered in the final (an orchard on the
final's own list that also won its county round) is not added again: their entrant there
is stamped with the provenance instead, once — the first source to carry them stays.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from competition.extensions import db
from competition.models import Entrant, Event, Publication, Qualifier
from competition.models.base import utcnow
from competition.services import audit, outbox
from competition.services.authority import Actor
from competition.services.blind import numbers_by_code
from competition.services.contests import ruleset_of
from competition.services.privacy import is_public

CODE_LENGTH = 64


@dataclass(frozen=True)
class Advancing:
    """One entrant of the source who advances, as the publication ranked them."""

    code: str
    rank: int
    total: str


def final_code(qualifier: Qualifier, code: str) -> str:
    return f"Q{qualifier.source_event_id}-{code}"[:CODE_LENGTH]


def advancing(qualifier: Qualifier, document: dict[str, Any]) -> list[Advancing]:
    """The source event's entrants who advance, in the published order."""
    published = next((e for e in document["events"] if e["id"] == qualifier.source_event_id), None)
    if published is None:
        return []
    source = db.session.get(Event, qualifier.source_event_id)
    assert source is not None
    awards = ruleset_of(source).rule.awards
    tiers = [t.name for t in awards.tiers] if awards else []
    good = set(tiers[: tiers.index(qualifier.tier) + 1]) if qualifier.tier in tiers else set()
    codes = _codes_of(document, qualifier.source_event_id)
    found = []
    for row in published["rows"]:
        if row["rank"] is None or row["status"] != "ok":
            continue
        if qualifier.top is not None and row["rank"] > qualifier.top:
            continue
        if qualifier.tier is not None and row.get("award") not in good:
            continue
        code = codes(row)
        if code is not None:
            found.append(Advancing(code, int(row["rank"]), str(row["total"])))
    return found


def _codes_of(document: dict[str, Any], event_id: int) -> Any:
    """How to read an entrant's code from a published row: its key once names are open,
    else (a blind contest) its contestant number through the draw."""
    if document["contest"]["names_open"]:
        return lambda row: row["key"]
    by_number = {number: code for code, number in numbers_by_code(event_id).items()}
    return lambda row: by_number.get(row["number"])


def carry(actor: Actor, role: str, qualifier: Qualifier, publication: Publication) -> int:
    """Add (without committing) the advancing entrants to the final's event, and stamp the
    provenance on those already there by person; how many were carried either way. An
    entrant already there by code, or already carrying a provenance, is left as it is."""
    final = db.session.get(Event, qualifier.event_id)
    assert final is not None
    wanted = advancing(qualifier, publication.document)
    sources = {
        e.code: e
        for e in db.session.scalars(
            select(Entrant).where(
                Entrant.event_id == qualifier.source_event_id,
                Entrant.code.in_([a.code for a in wanted]),
            )
        )
    }
    present = list(db.session.scalars(select(Entrant).where(Entrant.event_id == final.id)))
    codes = {e.code for e in present}
    people = {e.person_id: e for e in present if e.person_id is not None}
    shown = [
        name
        for name, attribute in ruleset_of(final).rule.entrants.attributes.items()
        if is_public(name, attribute)
    ]
    added: list[str] = []
    stamped: list[str] = []
    for entry in wanted:
        source = sources.get(entry.code)
        code = final_code(qualifier, entry.code)
        if source is None or code in codes:
            continue
        entered = people.get(source.person_id) if source.person_id is not None else None
        if entered is not None:
            if entered.qualified_from_event_id is None:
                _stamp(entered, qualifier, entry)
                stamped.append(entered.code)
            continue
        attributes = {k: source.attributes[k] for k in shown if k in (source.attributes or {})}
        new = Entrant(event_id=final.id, code=code, name=source.name, attributes=attributes)
        new.person_id = source.person_id
        _stamp(new, qualifier, entry)
        db.session.add(new)
        codes.add(code)
        if source.person_id is not None:
            people[source.person_id] = new
        added.append(code)
    qualifier.carried_at = qualifier.carried_at or utcnow()
    db.session.flush()
    outbox.record(final.contest_id, outbox.EVENT, final.id)
    audit.record(
        actor,
        "qualifier.carry",
        f"event:{final.id}/qualifier:{qualifier.id}",
        role=role,
        after={
            "source": qualifier.source_event_id,
            "publication": publication.number,
            "count": len(added),
            "entrants": added,
        }
        | ({"stamped": stamped} if stamped else {}),
    )
    return len(added) + len(stamped)


def _stamp(entrant: Entrant, qualifier: Qualifier, entry: Advancing) -> None:
    entrant.qualified_from_event_id = qualifier.source_event_id
    entrant.qualified_rank = entry.rank
    entrant.qualified_total = entry.total
