"""The award ceremony on the hall's big screen: the published award list as slides, revealed
tier by tier from the lowest award to the highest, then the titles.

Only a published contest has a ceremony: the slides are made from its newest publication
(what the public board shows), never from standings still being checked.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from competition.models import Contest
from competition.rules.messages import N_, msg
from competition.services.authority import Refused
from competition.services.board import PUBLISHED, latest_publication

PER_SLIDE = 12  # awardees a slide holds at 1920×1080 (two columns of six)


@dataclass(frozen=True)
class Awardee:
    label: str
    rank: int | None
    total: str | None
    details: str  # the public attributes, e.g. the county and the work unit
    group: str | None


@dataclass(frozen=True)
class Slide:
    """One tier (``kind`` "award") or one title (``kind`` "title") of one event, or a part
    of it when it has more awardees than a slide holds (``part`` of ``parts``)."""

    kind: str
    name: str
    event: str
    awardees: list[Awardee] = field(default_factory=list)
    part: int = 1
    parts: int = 1


def ceremony_slides(contest: Contest) -> list[Slide]:
    """Every event's award tiers, lowest first (三等奖, 二等奖, 一等奖), then its titles, or
    :class:`Refused` before the results are published."""
    publication = latest_publication(contest.id) if contest.status in PUBLISHED else None
    if publication is None:
        raise Refused(
            "not_published",
            msg(N_("the award ceremony opens once the results are published")),
        )
    slides: list[Slide] = []
    for event in publication.document["events"]:
        slides.extend(_event_slides(event))
    return slides


def _event_slides(event: dict[str, Any]) -> list[Slide]:
    rows = event["rows"]
    # rows are in standing order, so the tiers first appear best first
    tiers = list(dict.fromkeys(row["award"] for row in rows if row.get("award")))
    titles = list(dict.fromkeys(title for row in rows for title in row.get("titles") or []))
    order = event.get("attributes") or list(
        dict.fromkeys(label for row in rows for label in row.get("attributes", {}))
    )
    slides = []
    for kind, names, holds in (
        ("award", reversed(tiers), lambda row, name: row.get("award") == name),
        ("title", titles, lambda row, name: name in (row.get("titles") or [])),
    ):
        for name in names:
            awardees = [_awardee(row, order) for row in rows if holds(row, name)]
            slides.extend(_parts(kind, name, event["name"], awardees))
    return slides


def _awardee(row: dict[str, Any], order: list[str]) -> Awardee:
    attributes = row.get("attributes", {})
    details = " · ".join(attributes[label] for label in order if attributes.get(label))
    return Awardee(row["label"], row.get("rank"), row.get("total"), details, row.get("group"))


def _parts(kind: str, name: str, event: str, awardees: list[Awardee]) -> list[Slide]:
    chunks = [awardees[i : i + PER_SLIDE] for i in range(0, len(awardees), PER_SLIDE)]
    return [
        Slide(kind, name, event, chunk, part, len(chunks))
        for part, chunk in enumerate(chunks, start=1)
    ]
