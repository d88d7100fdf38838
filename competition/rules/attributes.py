"""Entrant attributes from their text cells to the declared types: text, number, bool."""

from __future__ import annotations

from collections.abc import Sequence

from competition.rules.datafiles import Entrant
from competition.rules.errors import DataFileError, Problem
from competition.rules.messages import N_, msg
from competition.rules.numbers import parse_decimal
from competition.rules.ruleset import RuleSet
from competition.rules.values import Attribute

_TRUE = {"1", "true", "yes", "y", "是", "√", "✓"}
_FALSE = {"0", "false", "no", "n", "否", "", "×"}


def typed_attributes(
    ruleset: RuleSet, entrants: Sequence[Entrant], source: str, checked: bool
) -> dict[str, dict[str, Attribute]]:
    """Attribute text → text, number or bool as declared; every bad cell is a problem."""
    declared = ruleset.rule.entrants.attributes
    team = ruleset.rule.entrants.team
    problems: list[Problem] = []
    result: dict[str, dict[str, Attribute]] = {}
    for entrant in entrants:
        typed: dict[str, Attribute] = {}
        for column, text in entrant.attributes.items():
            spec = declared.get(column)
            if spec is None:
                if team is not None and column == team.attribute:
                    typed[column] = text
                    continue
                problems.append(
                    Problem(
                        source,
                        entrant.line,
                        column,
                        msg(
                            N_("unknown column '{column}'; declared attributes: {known}"),
                            column=column,
                            known=", ".join(declared) or "—",
                        ),
                    )
                )
                continue
            if not text:
                if spec.required:
                    problems.append(
                        Problem(source, entrant.line, column, msg(N_("required, but empty")))
                    )
                continue
            if spec.type == "number":
                number = parse_decimal(text)
                if number is None:
                    problems.append(
                        Problem(
                            source,
                            entrant.line,
                            column,
                            msg(N_("expected a number, found '{value}'"), value=text),
                        )
                    )
                    continue
                typed[column] = number
            elif spec.type == "bool":
                lowered = text.lower()
                if lowered not in _TRUE | _FALSE:
                    problems.append(
                        Problem(
                            source,
                            entrant.line,
                            column,
                            msg(
                                N_("expected yes or no (1/0, true/false, 是/否), found '{value}'"),
                                value=text,
                            ),
                        )
                    )
                    continue
                typed[column] = lowered in _TRUE
            else:
                if spec.values is not None and text not in spec.values:
                    problems.append(
                        Problem(
                            source,
                            entrant.line,
                            column,
                            msg(
                                N_("'{value}' is not one of: {values}"),
                                value=text,
                                values=", ".join(spec.values),
                            ),
                        )
                    )
                    continue
                typed[column] = text
        if checked:
            for column, spec in declared.items():
                if spec.required and column not in entrant.attributes:
                    problems.append(
                        Problem(
                            source,
                            entrant.line,
                            column,
                            msg(N_("required column '{column}' is missing"), column=column),
                        )
                    )
        result[entrant.id] = typed
    if problems:
        raise DataFileError(problems[:200])
    return result
