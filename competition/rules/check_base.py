"""What every check of a rule file shares: where a problem is, formulas, known names."""

from __future__ import annotations

from competition.rules.errors import Problem
from competition.rules.formula import Formula, FormulaSyntaxError, parse_formula
from competition.rules.messages import N_, msg
from competition.rules.model import RuleFile
from competition.rules.ruleset import Level
from competition.rules.yamlsource import Path as FieldPath
from competition.rules.yamlsource import SourceMap


def _split(dotted: str) -> FieldPath:
    return tuple(int(p) if p.isdigit() else p for p in dotted.split("."))


class CheckerBase:
    """Collects problems, each placed on the line of the field it is about."""

    def __init__(self, rule: RuleFile, source_map: SourceMap, source: str) -> None:
        self.rule = rule
        self.source_map = source_map
        self.source = source
        self.problems: list[Problem] = []
        self.formulas: dict[str, Formula] = {}
        self.unparsable: set[str] = set()
        self.levels: dict[str, Level] = {}
        self.attributes = set(rule.entrants.attributes)
        self.groups: dict[str, list[str]] = {}  # item group → its item ids, in order
        self.criterion_groups: dict[str, str] = {}  # per-item criterion → its item group

    def problem(self, dotted: str, text: str, **params: object) -> None:
        # a mapping keyed by numbers (drops per panel size) keeps its keys as text
        line = self.source_map.lines.get(tuple(dotted.split("."))) or self.source_map.line_of(
            _split(dotted)
        )
        self.problems.append(Problem(self.source, line, dotted, msg(text, **params)))

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

    def default_level(self) -> Level:
        return "item" if self.rule.items is not None else "entrant"

    def entrant_names(self) -> set[str]:
        names = {n for n in self.rule.criteria if self.level_of(n) == "entrant"}
        return names | self.attributes
