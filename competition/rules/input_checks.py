"""Checks of entrants, items and the criteria that are entered: judged and measured."""

from __future__ import annotations

from decimal import Decimal

from competition.rules.item_checks import ItemChecks
from competition.rules.messages import N_
from competition.rules.model import (
    FIELD_METHODS,
    Judged,
    Measured,
)
from competition.rules.panel_checks import PanelChecks
from competition.rules.ruleset import RESERVED, PanelRange


class InputChecks(PanelChecks, ItemChecks):
    """Entrants, items, panels and scales."""

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

    def check_inputs(self) -> dict[str, PanelRange]:
        self.check_panels()
        judges: dict[str, PanelRange] = {}
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
                sizes = self.check_judged(name, criterion)
                if sizes is not None:
                    judges[name] = sizes
            elif isinstance(criterion, Measured):
                self.levels[name] = criterion.level or self.default_level()
                self.check_measured(name, criterion)
            if isinstance(criterion, (Judged, Measured)):
                self.check_item_group(name, criterion.item_group, set())
        return judges

    def check_judged(self, name: str, c: Judged) -> PanelRange | None:
        where = f"criteria.{name}"
        self.check_scale(f"{where}.scale", c.scale.min, c.scale.max, c.scale.step)
        sizes = self.panel_range(name, c)
        self.check_field_method(name, c)
        self.check_drops(name, c, sizes)
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
        return sizes

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
