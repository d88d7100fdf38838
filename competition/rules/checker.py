"""The whole rule file checked and compiled: criteria, then total, ranking, awards, titles."""

from __future__ import annotations

from competition.rules.criteria_checks import CriteriaChecks
from competition.rules.messages import N_
from competition.rules.ruleset import RESERVED, RuleSet


class RuleChecker(CriteriaChecks):
    """Every check of a rule file that the schema alone cannot express."""

    def compile(self, text: str, sha256: str) -> RuleSet:
        self.check_entrants()
        item_ids = self.check_items()
        panel_range = self.check_inputs()
        order = self.check_dependencies()
        for name in order:
            self.check_computed(name)
        self.check_item_points()
        self.check_total()
        self.check_penalties()
        self.check_eligibility()
        self.check_checks()
        self.check_ranking()
        self.check_awards()
        self.check_titles()
        return RuleSet(
            rule=self.rule,
            source=self.source,
            text=text,
            sha256=sha256,
            item_ids=item_ids,
            levels=self.levels,
            order=order,
            panel_range=panel_range,
            formulas=self.formulas,
            item_groups=self.groups,
            criterion_groups=self.criterion_groups,
            item_counts=counts if len(counts := self.item_counts()) > 1 else None,
        )

    def check_total(self) -> None:
        total = self.rule.total
        if (total.formula is None) == (total.weights is None):
            self.problem("total", N_("give exactly one of formula or weights"))
        if total.formula is not None:
            formula = self.parse("total.formula", total.formula)
            self.require_names("total.formula", formula, self.entrant_names())
        if total.weights is not None:
            self.check_weights("total.weights", total.weights)

    def check_penalties(self) -> None:
        known = self.entrant_names()
        for index, penalty in enumerate(self.rule.penalties):
            where = f"penalties.{index}"
            self.require_names(f"{where}.when", self.parse(f"{where}.when", penalty.when), known)
            actions = [penalty.deduct is not None, penalty.disqualify, penalty.withdraw]
            if sum(actions) != 1:
                self.problem(
                    where, N_("give exactly one of deduct, disqualify: true or withdraw: true")
                )
            if isinstance(penalty.deduct, str):
                formula = self.parse(f"{where}.deduct", penalty.deduct)
                self.require_names(f"{where}.deduct", formula, known)

    def check_eligibility(self) -> None:
        known = self.entrant_names() | {"total"}
        for name, text in self.rule.eligibility.items():
            where = f"eligibility.{name}"
            if name in RESERVED:
                self.problem(where, N_("'{name}' is a reserved name"), name=name)
            elif name in self.rule.criteria or name in self.attributes:
                self.problem(where, N_("'{name}' is already a name in this file"), name=name)
            self.require_names(where, self.parse(where, text), known)

    def check_checks(self) -> None:
        known = self.entrant_names() | {"total"}
        for index, check in enumerate(self.rule.checks):
            where = f"checks.{index}.when"
            self.require_names(where, self.parse(where, check.when), known)

    def check_ranking(self) -> None:
        counted_back: dict[str, int] = {}
        for index, tiebreak in enumerate(self.rule.ranking.tiebreak):
            where = f"ranking.tiebreak.{index}"
            if (tiebreak.key is None) == (tiebreak.countback is None):
                self.problem(where, N_("give exactly one of key or countback"))
            elif tiebreak.key is not None:
                self.check_tiebreak_key(f"{where}.key", tiebreak.key)
            else:
                self.check_countback(f"{where}.countback", tiebreak.name, counted_back)
                counted_back.setdefault(tiebreak.name, index)
            if tiebreak.items is not None and tiebreak.countback is None:
                self.problem(f"{where}.items", N_("items: N goes with countback only"))

    def check_tiebreak_key(self, dotted: str, name: str) -> None:
        known = self.entrant_names() | {"total"}
        if self.levels.get(name) == "item":
            self.per_item_key_problem(dotted, name)
        elif name not in known:
            self.problem(
                dotted,
                N_("unknown name '{name}'; known names: {known}"),
                name=name,
                known=", ".join(sorted(known)),
            )
        attribute = self.rule.entrants.attributes.get(name)
        if attribute is not None and attribute.type == "text":
            self.problem(dotted, N_("'{name}' is text; a tie-break needs a number"), name=name)

    def per_item_key_problem(self, dotted: str, name: str) -> None:
        """Say why a tie-break key is per item: a criterion with no level of its own is per
        item because it uses a per-item value, and that value is what to look at."""
        criterion = self.rule.criteria[name]
        uses = sorted(d for d in self.dependencies(name) if self.levels.get(d) == "item")
        if criterion.level is None and uses:
            self.problem(
                dotted,
                N_(
                    "'{name}' is a per-item value (it uses '{uses}', given per item); a "
                    "tie-break key needs one value per entrant (combine it with kind: items, "
                    "or use countback: {name})"
                ),
                name=name,
                uses=uses[0],
            )
            return
        self.problem(
            dotted,
            N_(
                "'{name}' is a per-item value; a tie-break key needs one value per entrant "
                "(combine it with kind: items, or use countback: {name})"
            ),
            name=name,
        )

    def check_countback(self, dotted: str, name: str, counted_back: dict[str, int]) -> None:
        """A countback ranks the values of each item, so it needs a per-item criterion."""
        per_item = {n for n in self.rule.criteria if self.levels.get(n) == "item"}
        if name in per_item:
            if name in counted_back:
                self.problem(
                    dotted,
                    N_("'{name}' is already counted back in tie-break {index}"),
                    name=name,
                    index=counted_back[name],
                )
        elif name in self.entrant_names() | {"total"}:
            self.problem(
                dotted,
                N_(
                    "'{name}' has one value per entrant; a countback compares per-item "
                    "values (use key: {name})"
                ),
                name=name,
            )
        else:
            self.problem(
                dotted,
                N_("unknown name '{name}'; per-item values: {known}"),
                name=name,
                known=", ".join(sorted(per_item)) or "—",
            )

    def predicate_names(self) -> set[str]:
        return self.entrant_names() | set(self.rule.eligibility) | {"total", "rank", "field_size"}

    def check_awards(self) -> None:
        awards = self.rule.awards
        if awards is None:
            return
        for index, tier in enumerate(awards.tiers):
            where = f"awards.tiers.{index}"
            if tier.count is not None and tier.proportion is not None:
                self.problem(where, N_("give count or proportion, not both"))
            if tier.count is None and tier.proportion is None and tier.when is None:
                self.problem(where, N_("give count, proportion or when"))
            if tier.when is not None:
                formula = self.parse(f"{where}.when", tier.when)
                self.require_names(f"{where}.when", formula, self.predicate_names())
            for name in tier.require:
                if name not in self.rule.eligibility:
                    self.problem(
                        f"{where}.require",
                        N_("'{name}' is not defined under eligibility"),
                        name=name,
                    )
        names = [tier.name for tier in awards.tiers]
        if len(set(names)) != len(names):
            self.problem("awards.tiers", N_("two tiers have the same name"))

    def check_titles(self) -> None:
        known = self.predicate_names() | {"award"}
        for index, title in enumerate(self.rule.titles):
            where = f"titles.{index}.when"
            self.require_names(where, self.parse(where, title.when), known)
