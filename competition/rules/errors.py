"""Problems a user can act on: where (file, line, field) and what was expected."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from competition.rules.messages import DEFAULT_LOCALE, N_, Message, msg

MAX_PROBLEMS = 200  # a list of problems shows at most this many, then how many more


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


def more_problems(source: str, count: int) -> Problem:
    """The last line of a cut list: a list that stops silently reads as complete."""
    return Problem(source, None, "", msg(N_("… and {count} more problems"), count=count))


def capped(problems: Sequence[Problem], limit: int = MAX_PROBLEMS) -> list[Problem]:
    """The first ``limit`` problems, then one line saying how many more there are."""
    if len(problems) <= limit:
        return list(problems)
    return [*problems[:limit], more_problems(problems[0].source, len(problems) - limit)]


class ProblemsError(Exception):
    """Raised with every problem found, never just the first."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(p.render("en") for p in self.problems))


class RuleFileError(ProblemsError):
    """A rule file that cannot be used as it stands."""


class DataFileError(ProblemsError):
    """Marks or entrants that do not fit the rules."""
