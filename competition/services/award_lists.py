"""The printed award list of a publication, with the entrant's code, county and unit and the
money in yuan, and the attributes award lists and certificates name. The award list as a
table and the prize totals are :mod:`competition.services.award_frames`'s."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from competition.models import Contest
from competition.services.board import public_attributes
from competition.services.contests import ruleset_of

# attributes an award list and a certificate name when the rule file has them: where the
# entrant comes from, then whom they enter for
PLACE_ATTRIBUTES = ("county", "district", "region", "city")
UNIT_ATTRIBUTES = ("unit", "operator", "organisation", "organization", "company", "employer")


def document_attributes(event_id: int, contest: Contest) -> list[tuple[str, str]]:
    """(name, label) of the public place and unit attributes, places first."""
    event = next(e for e in contest.events if e.id == event_id)
    shown = public_attributes(event)
    return [a for a in shown if a[0] in PLACE_ATTRIBUTES] + [
        a for a in shown if a[0] in UNIT_ATTRIBUTES
    ]


def unit_attribute(event_id: int, contest: Contest) -> str | None:
    """The attribute a certificate names in brackets after the entrant (工作单位, 经营主体)."""
    return next(
        (n for n, _ in document_attributes(event_id, contest) if n in UNIT_ATTRIBUTES), None
    )


@dataclass(frozen=True)
class PrintedEvent:
    """One event of the printed award list: the awardees as the publication has them, the
    columns of place and unit, and the prize currency."""

    id: int
    name: str
    rules_version: int
    rules_sha256: str
    columns: list[str]  # labels of the attribute columns
    awardees: list[dict[str, Any]]
    summary: dict[str, Any]
    currency: str
    entrant_label: str | None  # 参赛果园 for orchards; None: a person's name

    @property
    def grouped(self) -> bool:
        return any(a.get("group") for a in self.awardees)

    @property
    def titled(self) -> bool:
        return any(a.get("titles") for a in self.awardees)

    @property
    def prized(self) -> bool:
        return any(a.get("prize") is not None for a in self.awardees)


def printed_award_list(contest: Contest, document: dict[str, Any]) -> list[PrintedEvent]:
    """The award list of a publication's document, event by event."""
    events = {e.id: e for e in contest.events}
    printed = []
    for event in document["events"]:
        columns = [label for _, label in document_attributes(event["id"], contest)]
        rule = ruleset_of(events[event["id"]]).rule
        awards, entrants = rule.awards, rule.entrants
        printed.append(
            PrintedEvent(
                id=event["id"],
                name=event["name"],
                rules_version=event["rules_version"],
                rules_sha256=event["rules_sha256"],
                columns=columns,
                awardees=[row for row in event["rows"] if row.get("award") or row.get("titles")],
                summary=event["awards"],
                currency=awards.currency if awards else "元",
                entrant_label=entrants.label if entrants.kind != "individual" else None,
            )
        )
    return printed
