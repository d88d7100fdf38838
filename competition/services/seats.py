"""What a judge can be seated for in an event, by the rule file's labels: its panels, each
judged criterion, or every judged criterion at once (the console's assignment choices)."""

from __future__ import annotations

from dataclasses import dataclass

from competition.models import Event
from competition.services.contests import ruleset_of

EVERY = ""  # every judged criterion of the event


@dataclass(frozen=True)
class Seat:
    """``kind`` "all", "panel" or "criterion"; ``name`` the rule file's id, ``label`` what a
    person reads (the label when the rule file gives one, else the id)."""

    kind: str
    name: str
    label: str


def seats_of(event: Event) -> list[Seat]:
    """The panels first (a panel seats a judge on all its criteria), then each judged
    criterion in rule-file order."""
    ruleset = ruleset_of(event)
    panels = {c.panel for c in ruleset.judged().values() if c.panel}
    seats = [Seat("all", EVERY, "")]
    seats += [
        Seat("panel", name, panel.label or name)
        for name, panel in ruleset.rule.panels.items()
        if name in panels
    ]
    seats += [Seat("criterion", name, c.label or name) for name, c in ruleset.judged().items()]
    return seats


def criterion_labels(event: Event) -> dict[str, str]:
    """Every criterion's label by its id (the id where the rule file gives no label)."""
    return {name: c.label or name for name, c in ruleset_of(event).rule.criteria.items()}
