"""Entrant attributes from their text cells to the declared types: text, number, bool."""

from __future__ import annotations

from collections.abc import Sequence

from competition.rules.datafiles import Entrant
from competition.rules.errors import DataFileError, Problem, capped
from competition.rules.messages import N_, Message, msg
from competition.rules.model import Attribute as AttributeSpec
from competition.rules.numbers import parse_decimal
from competition.rules.ruleset import RuleSet
from competition.rules.values import Attribute

# how a yes/no cell may be written (an empty cell counts as no)
TRUE_WORDS = frozenset({"1", "true", "yes", "y", "是", "√", "✓"})
FALSE_WORDS = frozenset({"0", "false", "no", "n", "否", "×"})


def typed_value(spec: AttributeSpec, text: str) -> Attribute | Message:
    """The cell's value as the attribute declares it, or why it cannot be that."""
    if spec.type == "number":
        number = parse_decimal(text)
        if number is None:
            return msg(N_("expected a number, found '{value}'"), value=text)
        return number
    if spec.type == "bool":
        lowered = text.lower()
        if lowered not in TRUE_WORDS | FALSE_WORDS:
            return msg(
                N_("expected yes or no (1/0, true/false, 是/否), found '{value}'"), value=text
            )
        return lowered in TRUE_WORDS
    if spec.values is not None and text not in spec.values:
        return msg(
            N_("'{value}' is not one of: {values}"), value=text, values=", ".join(spec.values)
        )
    return text


def typed_attributes(
    ruleset: RuleSet, entrants: Sequence[Entrant], source: str, checked: bool
) -> dict[str, dict[str, Attribute]]:
    """Attribute text → text, number or bool as declared; every bad cell is a problem.
    ``checked``: the entrants come from a file, so required columns must be there."""
    problems: list[Problem] = []
    result: dict[str, dict[str, Attribute]] = {}
    for entrant in entrants:
        typed, found = _typed_row(ruleset, entrant, checked)
        result[entrant.id] = typed
        problems += [Problem(source, entrant.line, column, message) for column, message in found]
    if problems:
        raise DataFileError(capped(problems))
    return result


def _typed_row(
    ruleset: RuleSet, entrant: Entrant, checked: bool
) -> tuple[dict[str, Attribute], list[tuple[str, Message]]]:
    declared = ruleset.rule.entrants.attributes
    team = ruleset.rule.entrants.team
    typed: dict[str, Attribute] = {}
    problems: list[tuple[str, Message]] = []
    for column, text in entrant.attributes.items():
        spec = declared.get(column)
        if spec is None:
            if team is not None and column == team.attribute:
                typed[column] = text
            else:
                problems.append(
                    (
                        column,
                        msg(
                            N_("unknown column '{column}'; declared attributes: {known}"),
                            column=column,
                            known=", ".join(declared) or "—",
                        ),
                    )
                )
        elif not text:
            if spec.required:
                problems.append((column, msg(N_("required, but empty"))))
        else:
            value = typed_value(spec, text)
            if isinstance(value, Message):
                problems.append((column, value))
            else:
                typed[column] = value
    if checked:
        problems += [
            (column, msg(N_("required column '{column}' is missing"), column=column))
            for column, spec in declared.items()
            if spec.required and column not in entrant.attributes
        ]
    return typed, problems
