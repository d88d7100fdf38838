"""Problems a user can act on: where (file, line, field) and what was expected."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from competition.rules.messages import DEFAULT_LOCALE, Message


@dataclass(frozen=True)
class Problem:
    """One problem in a rule file or a data file, printed as ``FILE:LINE: field: message``."""

    source: str
    line: int | None
    field: str
    message: Message

    def render(self, locale: str = DEFAULT_LOCALE) -> str:
        where = f"{self.source}:{self.line}" if self.line is not None else self.source
        prefix = f"{where}: {self.field}: " if self.field else f"{where}: "
        return prefix + self.message.render(locale)


class ProblemsError(Exception):
    """Raised with every problem found, never just the first."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(p.render("en") for p in self.problems))


class RuleFileError(ProblemsError):
    """A rule file that cannot be used as it stands."""


class DataFileError(ProblemsError):
    """Marks or entrants that do not fit the rules."""
