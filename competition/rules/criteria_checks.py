"""What the schema cannot say about entrants, items and criteria."""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from decimal import Decimal

from competition.rules.errors import Problem
from competition.rules.formula import Formula, FormulaSyntaxError, parse_formula
from competition.rules.messages import N_, msg
from competition.rules.model import (
    FIELD_METHODS,
    Derived,
    Judged,
    Measured,
    OverItems,
    Points,
    RuleFile,
    Weighted,
)
from competition.rules.ruleset import RESERVED, Level
from competition.rules.yamlsource import Path as FieldPath
from competition.rules.yamlsource import SourceMap

TRANSFORMS = ("minmax", "relative_to_best", "benchmark", "bands", "tolerance", "deduct")


def _split(dotted: str) -> FieldPath:
    return tuple(int(p) if p.isdigit() else p for p in dotted.split("."))


class CriteriaChecks:
    """Checks of entrants, items and criteria: names that exist, levels, sound formulas."""

    def __init__(self, rule: RuleFile, source_map: SourceMap, source: str) -> None:
        self.rule = rule
        self.source_map = source_map
        self.source = source
        self.problems: list[Problem] = []
        self.formulas: dict[str, Formula] = {}
        self.unparsable: set[str] = set()
        self.levels: dict[str, Level] = {}
        self.attributes = set(rule.entrants.attributes)

    def problem(self, dotted: str, text: str, **params: object) -> None:
        line = self.source_map.line_of(_split(dotted))
        self.problems.append(Problem(self.source, line, dotted, msg(text, **params)))

    # --- the whole file ----------------------------------------------------------------

    def check_entrants(self) -> None:
        entrants = self.rule.entrants
        for name in entrants.attributes:
            if name in RESERVED:
                self.problem(
                    f"entrants.attributes.{name}", N_("'{name}' is a reserved name"), name=name
                )
            if name in self.rule.criteria:
                self.problem(
                    f"entrants.attributes.{name}",
                    N_("'{name}' is also a criterion; use distinct names"),
                    name=name,
                )
        if entrants.group_by and entrants.group_by not in entrants.attributes:
            self.problem(
                "entrants.group_by",
                N_("'{name}' is not a declared attribute"),
                name=entrants.group_by,
            )
        team = entrants.team
        if entrants.kind == "team" and team is None:
            self.problem("entrants", N_("kind: team needs a 'team' section"))
        if entrants.kind != "team" and team is not None:
            self.problem("entrants.team", N_("only entrants of kind team have a team section"))
        if team is not None and team.score == "best_k" and team.k is None:
            self.problem("entrants.team", N_("score: best_k needs k"))

    def check_items(self) -> list[str] | None:
        items = self.rule.items
        if items is None:
            return None
        if items.count is not None and items.ids is not None:
            self.problem("items", N_("give either count or ids, not both"))
        if items.ids is not None:
            if len(set(items.ids)) != len(items.ids):
                self.problem("items.ids", N_("item ids must be unique"))
            return list(items.ids)
        if items.count is not None:
            return [str(i) for i in range(1, items.count + 1)]
        return None

    def default_level(self) -> Level:
        return "item" if self.rule.items is not None else "entrant"

    def check_inputs(self) -> dict[str, int]:
        judges: dict[str, int] = {}
        for name, criterion in self.rule.criteria.items():
            where = f"criteria.{name}"
            if name in RESERVED:
                self.problem(where, N_("'{name}' is a reserved name"), name=name)
            if criterion.level == "item" and self.rule.items is None:
                self.problem(
                    f"{where}.level", N_("level: item needs an 'items' section in the file")
                )
            if isinstance(criterion, Judged):
                self.levels[name] = criterion.level or self.default_level()
                size = self.check_judged(name, criterion)
                if size is not None:
                    judges[name] = size
            elif isinstance(criterion, Measured):
                self.levels[name] = criterion.level or self.default_level()
                self.check_measured(name, criterion)
        return judges

    def check_judged(self, name: str, c: Judged) -> int | None:
        where = f"criteria.{name}"
        self.check_scale(f"{where}.scale", c.scale.min, c.scale.max, c.scale.step)
        size = c.judges
        if c.panel is not None:
            panel = self.rule.panels.get(c.panel)
            if panel is None:
                self.problem(
                    f"{where}.panel", N_("no panel named '{name}' in panels"), name=c.panel
                )
            elif size is not None and size != panel.judges:
                self.problem(
                    f"{where}.judges",
                    N_("{count} judges, but panel '{panel}' has {size}"),
                    count=size,
                    panel=c.panel,
                    size=panel.judges,
                )
            else:
                size = panel.judges
        if size is None and c.panel is None:
            self.problem(where, N_("give the number of judges: judges: N, or panel: NAME"))
        self.check_field_method(name, c)
        trimmed = c.aggregate.startswith("trimmed")
        if not trimmed and (c.drop_high or c.drop_low):
            self.problem(
                f"{where}.aggregate", N_("drop_high and drop_low need trimmed_mean or trimmed_sum")
            )
        if trimmed and size is not None and c.drop_high + c.drop_low >= size:
            self.problem(
                where,
                N_("dropping {dropped} of {size} judges leaves no mark to count"),
                dropped=c.drop_high + c.drop_low,
                size=size,
            )
        if c.penalty is not None:
            penalty = self.rule.criteria.get(c.penalty)
            if not isinstance(penalty, Measured):
                self.problem(
                    f"{where}.penalty", N_("'{name}' must be a measured criterion"), name=c.penalty
                )
            elif (penalty.level or self.default_level()) != self.levels[name]:
                self.problem(
                    f"{where}.penalty",
                    N_("'{name}' must be entered at the same level"),
                    name=c.penalty,
                )
        return size

    def check_field_method(self, name: str, c: Judged) -> None:
        where = f"criteria.{name}"
        if c.rescale is not None and c.aggregate != "zscore":
            self.problem(f"{where}.rescale", N_("rescale only applies to aggregate zscore"))
        if c.aggregate not in FIELD_METHODS:
            return
        if c.tolerance is not None:
            self.problem(
                f"{where}.tolerance",
                N_("a tolerance does not apply to aggregate {method}"),
                method=c.aggregate,
            )
        if c.aggregate == "skating" and (c.scale.min != 1 or c.scale.step != 1):
            self.problem(
                f"{where}.scale",
                N_("skating marks are places: the scale must start at 1 with step 1"),
            )

    def check_measured(self, name: str, c: Measured) -> None:
        where = f"criteria.{name}"
        if c.min is not None and c.max is not None:
            self.check_scale(where, c.min, c.max, c.step)
        if c.default is not None:
            if (c.min is not None and c.default < c.min) or (
                c.max is not None and c.default > c.max
            ):
                self.problem(
                    f"{where}.default",
                    N_("the default {default} is outside {min}–{max}"),
                    default=c.default,
                    min=c.min if c.min is not None else "…",
                    max=c.max if c.max is not None else "…",
                )

    def check_scale(self, where: str, low: Decimal, high: Decimal, step: Decimal | None) -> None:
        if low >= high:
            self.problem(where, N_("min ({min}) must be below max ({max})"), min=low, max=high)
            return
        if step is None:
            return
        if step <= 0:
            self.problem(f"{where}.step", N_("step must be greater than 0"))
        elif (high - low) % step != 0:
            self.problem(
                f"{where}.step",
                N_("max − min ({span}) is not a whole number of steps of {step}"),
                span=high - low,
                step=step,
            )

    # --- computed criteria -------------------------------------------------------------

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

    def parse(self, dotted: str, text: str) -> Formula | None:
        if dotted in self.formulas or dotted in self.unparsable:
            return self.formulas.get(dotted)
        try:
            formula = parse_formula(text)
        except FormulaSyntaxError as error:
            line = self.source_map.line_of(_split(dotted))
            self.problems.append(Problem(self.source, line, dotted, error.message))
            self.unparsable.add(dotted)
            return None
        self.formulas[dotted] = formula
        return formula

    def require_names(self, dotted: str, formula: Formula | None, known: set[str]) -> None:
        if formula is None:
            return
        for name in sorted(formula.names - known):
            if self.levels.get(name) == "item":
                self.problem(
                    dotted,
                    N_(
                        "'{name}' is given per item; combine it over the items "
                        "with a criterion of kind items first"
                    ),
                    name=name,
                )
            else:
                self.problem(
                    dotted,
                    N_("unknown name '{name}'; known names: {known}"),
                    name=name,
                    known=", ".join(sorted(known)) or "—",
                )

    def level_of(self, name: str) -> Level:
        return self.levels.get(name, "entrant")

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

    # --- total and after ---------------------------------------------------------------

    def entrant_names(self) -> set[str]:
        names = {n for n in self.rule.criteria if self.level_of(n) == "entrant"}
        return names | self.attributes
