"""Checks of computed criteria: dependencies, levels, transforms, weights, items."""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from decimal import Decimal

from competition.rules.input_checks import InputChecks
from competition.rules.messages import N_
from competition.rules.model import (
    Derived,
    Judged,
    OverItems,
    Points,
    Weighted,
)
from competition.rules.ruleset import Level

TRANSFORMS = ("minmax", "relative_to_best", "benchmark", "bands", "tolerance", "deduct")


class CriteriaChecks(InputChecks):
    """What the schema cannot say about computed criteria."""

    def dependencies(self, name: str) -> set[str]:
        criterion = self.rule.criteria[name]
        if isinstance(criterion, Derived):
            formula = self.parse(f"criteria.{name}.formula", criterion.formula)
            return set(formula.names) & set(self.rule.criteria) if formula else set()
        if isinstance(criterion, (Points, OverItems)):
            return {criterion.of}
        if isinstance(criterion, Weighted):
            return set(criterion.weights)
        if isinstance(criterion, Judged) and criterion.penalty:
            return {criterion.penalty}
        return set()

    def check_dependencies(self) -> list[str]:
        graph = {name: self.dependencies(name) for name in self.rule.criteria}
        order: list[str] = []
        state: dict[str, int] = {}  # 1 = visiting, 2 = done

        def visit(name: str, trail: list[str]) -> None:
            if state.get(name) == 2:
                return
            if state.get(name) == 1:
                cycle = " → ".join([*trail[trail.index(name) :], name])
                self.problem(
                    f"criteria.{name}",
                    N_("values depend on each other in a circle: {cycle}"),
                    cycle=cycle,
                )
                return
            state[name] = 1
            for dependency in sorted(graph[name]):
                if dependency in graph:
                    visit(dependency, [*trail, name])
            state[name] = 2
            order.append(name)

        for name in self.rule.criteria:
            visit(name, [])
        return order

    def check_computed(self, name: str) -> None:
        criterion = self.rule.criteria[name]
        where = f"criteria.{name}"
        if isinstance(criterion, Derived):
            formula = self.parse(f"{where}.formula", criterion.formula)
            known = set(self.rule.criteria) | self.attributes
            if formula is not None:
                self.require_names(f"{where}.formula", formula, known)
                self.set_level(name, criterion.level, formula.names & set(self.rule.criteria))
        elif isinstance(criterion, Points):
            self.check_points(name, criterion)
        elif isinstance(criterion, Weighted):
            self.check_weights(f"{where}.weights", criterion.weights)
            self.set_level(name, criterion.level, set(criterion.weights))
        elif isinstance(criterion, OverItems):
            self.check_over_items(name, criterion)

    def set_level(self, name: str, declared: Level | None, uses: AbstractSet[str]) -> None:
        known_uses = {u for u in uses if u in self.rule.criteria}
        inferred: Level = (
            "item" if any(self.level_of(u) == "item" for u in known_uses) else "entrant"
        )
        if declared == "entrant" and inferred == "item":
            self.problem(
                f"criteria.{name}.level",
                N_(
                    "it uses values given per item; combine them with a criterion of "
                    "kind items first"
                ),
            )
        self.levels[name] = declared or inferred
        self.check_item_group(name, self.rule.criteria[name].item_group, known_uses)

    def check_points(self, name: str, c: Points) -> None:
        where = f"criteria.{name}"
        chosen = [t for t in TRANSFORMS if getattr(c, t) is not None]
        if len(chosen) != 1:
            self.problem(
                where,
                N_("give exactly one transform: {transforms}"),
                transforms=", ".join(TRANSFORMS),
            )
        if c.of not in self.rule.criteria:
            self.problem(f"{where}.of", N_("unknown criterion '{name}'"), name=c.of)
        if c.minmax and c.minmax.lo is not None and c.minmax.hi is not None:
            if c.minmax.lo >= c.minmax.hi:
                self.problem(f"{where}.minmax", N_("lo must be below hi"))
        if c.benchmark and c.benchmark.value == 0:
            self.problem(f"{where}.benchmark.value", N_("the benchmark must not be 0"))
        if c.bands:
            mins = [band.min for band in c.bands.steps]
            if len(set(mins)) != len(mins):
                self.problem(f"{where}.bands.steps", N_("two bands have the same min"))
        self.set_level(name, c.level, {c.of})

    def check_weights(self, dotted: str, weights: dict[str, Decimal]) -> None:
        for key in weights:
            if key not in self.rule.criteria:
                self.problem(f"{dotted}.{key}", N_("unknown criterion '{name}'"), name=key)
            elif self.level_of(key) == "item" and not dotted.startswith("criteria"):
                self.problem(
                    f"{dotted}.{key}",
                    N_("'{name}' is given per item; combine it over the items first"),
                    name=key,
                )
        added = sum(weights.values(), Decimal(0))
        if added != 1:
            self.problem(dotted, N_("weights add up to {sum}, expected 1"), sum=added)

    def check_over_items(self, name: str, c: OverItems) -> None:
        where = f"criteria.{name}"
        if self.rule.items is None:
            self.problem(where, N_("kind: items needs an 'items' section in the file"))
        if c.of not in self.rule.criteria:
            self.problem(f"{where}.of", N_("unknown criterion '{name}'"), name=c.of)
        elif self.level_of(c.of) != "item":
            self.problem(f"{where}.of", N_("'{name}' is not given per item"), name=c.of)
        if c.item_group is not None:
            self.problem(
                f"{where}.item_group",
                N_("item_group is given only for values given per item"),
            )
        if c.combine == "best_k" and c.k is None:
            self.problem(where, N_("combine: best_k needs k"))
        if c.level == "item":
            self.problem(
                f"{where}.level",
                N_(
                    "level: item is not possible: a combination over items gives one value "
                    "per entrant"
                ),
            )
        self.levels[name] = "entrant"

    def check_item_points(self) -> None:
        items = self.rule.items
        if items is None or items.points is None:
            return
        if items.points not in self.rule.criteria:
            self.problem("items.points", N_("unknown criterion '{name}'"), name=items.points)
        elif self.level_of(items.points) != "item":
            self.problem("items.points", N_("'{name}' is not given per item"), name=items.points)
