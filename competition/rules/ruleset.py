"""A validated rule file, compiled for the engine: levels, order, formulas, panel sizes."""

from __future__ import annotations

import keyword
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Literal

from competition.rules.formula import FUNCTIONS, MISSING, Formula
from competition.rules.model import (
    FIELD_METHODS,
    Judged,
    Measured,
    OverItems,
    PanelSize,
    Points,
    RuleFile,
    Weighted,
)

Level = Literal["item", "entrant"]

# Names a rule file may not define: what the engine provides to predicates, formula
# keywords (and, or, not, if, else, ...) and the formula functions.
ENGINE_NAMES = frozenset(
    {"total", "rank", "field_size", "award", "entrant", "name", "group", "status", "item"}
)
RESERVED = (
    ENGINE_NAMES | frozenset(keyword.kwlist) | frozenset(FUNCTIONS) | {MISSING, "true", "false"}
)

# The formulas that list a value they need and do not have among what an entrant is missing
# (conditions take a missing value as "not so" and list nothing).
_LISTING = re.compile(r"criteria\.\w+\.formula|total\.formula|penalties\.\d+\.deduct")


def numbered(count: int, prefix: str = "") -> list[str]:
    """The ids of ``count`` numbered items: ``1`` … ``count``, after ``prefix``."""
    return [f"{prefix}{number}" for number in range(1, count + 1)]


@dataclass(frozen=True)
class PanelRange:
    """How many judges a panel has: a cell is complete with ``min`` to ``max`` marks (a
    rule file's ``judges: N`` is the range N–N)."""

    min: int
    max: int

    @classmethod
    def of(cls, judges: int | PanelSize) -> PanelRange:
        if isinstance(judges, PanelSize):
            return cls(judges.min, judges.max)
        return cls(judges, judges)

    @property
    def sizes(self) -> range:
        return range(self.min, self.max + 1)

    def __str__(self) -> str:
        """As messages and the breakdown show it: ``9``, or ``8–9``."""
        return str(self.max) if self.min == self.max else f"{self.min}–{self.max}"


@dataclass(frozen=True)
class RuleSet:
    rule: RuleFile
    source: str
    text: str
    sha256: str
    item_ids: list[str] | None
    levels: dict[str, Level]
    order: list[str]  # criteria in an order where every value follows what it uses
    panel_range: dict[str, PanelRange]  # how many judges each judged criterion's cell has
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
        return replace(self, item_ids=numbered(count), item_counts=None)

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
    def judges(self) -> dict[str, int]:
        """Per judged criterion, the most judges its panel seats."""
        return {name: sizes.max for name, sizes in self.panel_range.items()}

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

    @cached_property
    def deferred_inputs(self) -> frozenset[str]:
        """Entered criteria whose missing marks count only where a formula needs them.

        A formula asks ``missing(goe)`` because no marks is a state of the contest (a void
        element), not a delay: the entrant is complete once every formula that needs the
        value has it. That holds only when the value is used in formulas alone, all of them
        listing what they lack; used anywhere else, every missing mark counts as before."""
        tested = frozenset[str]().union(*(f.tested for f in self.formulas.values()))
        plain = self._named_outside_formulas()
        return frozenset(
            name
            for name in tested
            if isinstance(self.rule.criteria.get(name), (Judged, Measured))
            and name not in plain
            and all(
                _LISTING.fullmatch(path)
                for path, formula in self.formulas.items()
                if name in formula.names
            )
        )

    def _named_outside_formulas(self) -> set[str]:
        """Criteria a rule file names outside formulas: weights, of, a panel's penalty,
        the items' points, tie-breaks."""
        rule = self.rule
        names = set(rule.total.weights or {})
        names |= {name for t in rule.ranking.tiebreak for name in (t.key, t.countback) if name}
        if rule.items is not None and rule.items.points is not None:
            names.add(rule.items.points)
        for criterion in rule.criteria.values():
            if isinstance(criterion, Weighted):
                names |= set(criterion.weights)
            elif isinstance(criterion, (Points, OverItems)):
                names.add(criterion.of)
            elif isinstance(criterion, Judged) and criterion.penalty:
                names.add(criterion.penalty)
        return names

    def judged(self) -> dict[str, Judged]:
        return {n: c for n, c in self.rule.criteria.items() if isinstance(c, Judged)}

    def measured(self) -> dict[str, Measured]:
        return {n: c for n, c in self.rule.criteria.items() if isinstance(c, Measured)}

    def formula(self, path: str) -> Formula:
        return self.formulas[path]
