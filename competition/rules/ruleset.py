"""A validated rule file, compiled for the engine: levels, order, formulas, panel sizes."""

from __future__ import annotations

import keyword
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Literal

from competition.rules.formula import FUNCTIONS, Formula
from competition.rules.model import FIELD_METHODS, Judged, Measured, OverItems, Points, RuleFile

Level = Literal["item", "entrant"]

# Names a rule file may not define: what the engine provides to predicates, formula
# keywords (and, or, not, if, else, ...) and the formula functions.
ENGINE_NAMES = frozenset(
    {"total", "rank", "field_size", "award", "entrant", "name", "group", "status", "item"}
)
RESERVED = ENGINE_NAMES | frozenset(keyword.kwlist) | frozenset(FUNCTIONS) | {"true", "false"}


@dataclass(frozen=True)
class RuleSet:
    rule: RuleFile
    source: str
    text: str
    sha256: str
    item_ids: list[str] | None
    levels: dict[str, Level]
    order: list[str]  # criteria in an order where every value follows what it uses
    judges: dict[str, int]  # expected panel size per judged criterion
    formulas: dict[str, Formula] = field(default_factory=dict)  # keyed by field path
    item_groups: dict[str, list[str]] = field(default_factory=dict)  # group → its item ids
    criterion_groups: dict[str, str] = field(default_factory=dict)  # per-item criterion → group
    item_counts: list[int] | None = None  # the item counts an event may choose, if several

    def items_of(self, name: str) -> frozenset[str] | None:
        """The items the per-item criterion ``name`` is given for (``None``: every item)."""
        group = self.criterion_groups.get(name)
        return self._group_sets[group] if group is not None else None

    @cached_property
    def _group_sets(self) -> dict[str, frozenset[str]]:
        return {name: frozenset(ids) for name, ids in self.item_groups.items()}

    def with_item_count(self, count: int) -> RuleSet:
        """This rule set for an event that chose ``count`` items (one of ``item_counts``)."""
        if self.item_counts is None or count not in self.item_counts:
            raise ValueError(f"{count} is not an item count of {self.source}")
        return replace(self, item_ids=[str(i) for i in range(1, count + 1)], item_counts=None)

    def item_count_for(self, items_seen: Iterable[str]) -> int:
        """The item count an event whose marks name ``items_seen`` chose: the smallest of
        ``item_counts`` that holds the highest item marked (the largest when none is)."""
        assert self.item_counts is not None
        highest = max((int(i) for i in items_seen if i.isdigit()), default=0)
        return next((n for n in self.item_counts if n >= highest), self.item_counts[-1])

    @property
    def contest(self) -> str:
        return self.rule.contest

    @property
    def has_items(self) -> bool:
        return self.rule.items is not None

    @cached_property
    def item_points(self) -> str | None:
        """The per-item value listed as each item's points."""
        items = self.rule.items
        if items is None:
            return None
        if items.points is not None:
            return items.points
        return next((c.of for c in self.rule.criteria.values() if isinstance(c, OverItems)), None)

    @cached_property
    def item_combination(self) -> OverItems | None:
        """How the items' points combine (sum, best ...), when a criterion combines them."""
        return next(
            (
                c
                for c in self.rule.criteria.values()
                if isinstance(c, OverItems) and c.of == self.item_points
            ),
            None,
        )

    @property
    def field_relative(self) -> bool:
        """Whether some value compares an entrant with the rest of the field."""
        for c in self.rule.criteria.values():
            if isinstance(c, Judged) and c.aggregate in FIELD_METHODS:
                return True
            if isinstance(c, Points) and (
                c.relative_to_best is not None
                or (c.minmax is not None and (c.minmax.lo is None or c.minmax.hi is None))
            ):
                return True
        return False

    def judged(self) -> dict[str, Judged]:
        return {n: c for n, c in self.rule.criteria.items() if isinstance(c, Judged)}

    def measured(self) -> dict[str, Measured]:
        return {n: c for n, c in self.rule.criteria.items() if isinstance(c, Measured)}

    def formula(self, path: str) -> Formula:
        return self.formulas[path]
