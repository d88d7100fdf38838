"""What the engine returns: one row per entrant (or team), in standing order, auditable."""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Literal, NamedTuple

from competition.rules.awards import TierCount
from competition.rules.datafiles import Entrant
from competition.rules.messages import Message
from competition.rules.numbers import format_exact, format_fixed
from competition.rules.ruleset import RuleSet
from competition.rules.values import ValueTable

Status = Literal["ok", "incomplete", "dq", "withdrawn"]


class ItemPoints(NamedTuple):
    item: str
    points: Fraction | None
    counted: bool = True


@dataclass(frozen=True)
class Deduction:
    label: str
    points: Fraction


@dataclass(frozen=True)
class TitleAward:
    name: str
    needs_approval: bool
    valid_years: int | None = None  # None: valid for life


@dataclass(slots=True)
class Row:
    """``key`` is the entrant's id, kept as an attribute: placing the field reads it tens of
    thousands of times, and a property costs a call each time."""

    entrant: Entrant
    group: str | None
    status: Status
    raw_total: Fraction | None = None
    total: Fraction | None = None
    rank: int | None = None
    field_size: int | None = None  # entrants ranked in the same group
    shared: bool = False
    decided_by: str | None = None
    tiebreak: dict[str, Fraction | None] = field(default_factory=dict)
    award: str | None = None
    prize: Fraction | None = None
    titles: list[TitleAward] = field(default_factory=list)
    eligibility: dict[str, bool] = field(default_factory=dict)
    items: list[ItemPoints] = field(default_factory=list)
    deductions: list[Deduction] = field(default_factory=list)
    penalty: str | None = None  # what disqualified or withdrew the entrant
    members: list[Row] = field(default_factory=list)  # a team's members
    key: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.key = self.entrant.id


@dataclass
class AwardSummary:
    group: str | None
    tiers: list[TierCount]
    awarded: dict[str, int]  # tier → entrants awarded
    prizes: dict[str, Fraction]  # tier → prize money in total


@dataclass
class Standings:
    ruleset: RuleSet
    rows: list[Row]
    table: ValueTable
    awards: list[AwardSummary] = field(default_factory=list)
    complete: bool = True
    _texts: dict[tuple[str, int], tuple[Fraction, str]] = field(default_factory=dict, repr=False)

    @property
    def prize_total(self) -> Fraction:
        return sum((p for s in self.awards for p in s.prizes.values()), Fraction(0))

    def total_text(self, row: Row) -> str | None:
        if row.total is None:
            return None
        return format_fixed(row.total, max(self.ruleset.rule.total.round.ndigits, 0))

    def value_text(self, name: str, value: Fraction | None) -> str | None:
        """A value as the rule file says to show it: its declared digits, else exact."""
        if value is None:
            return None
        # values are shared objects (panels, rounding and parsing reuse them): format each
        # once; the memo keeps the object, so its id cannot be reused for another value
        memo = (name, id(value))
        known = self._texts.get(memo)
        if known is not None and known[0] is value:
            return known[1]
        criterion = self.ruleset.rule.criteria.get(name)
        if criterion is not None and criterion.round is not None:
            text = format_fixed(value, max(criterion.round.ndigits, 0))
        else:
            text = format_exact(value)
        self._texts[memo] = (value, text)
        return text

    def missing(self, row: Row) -> list[Message]:
        return self.table.missing.get(row.key, [])

    def flags(self, row: Row) -> list[Message]:
        return self.table.flags.get(row.key, [])
