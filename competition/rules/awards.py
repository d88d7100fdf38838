"""Award tiers (一/二/三等奖) by proportion, count or threshold; ties at a boundary as declared.

Tiers fill in order. A tier of n places covers the next n award positions; an entrant
that a tier's requirement excludes does not use a position. With ``ties: higher`` (the
default) everyone tied with the last place of a tier gets that tier, and the places they
take beyond n come out of the following tiers; with ``ties: lower`` a tied group that would
overflow the tier waits for the next one.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import NamedTuple

from competition.rules.model import Awards, Tier
from competition.rules.numbers import round_count


class Candidate(NamedTuple):  # a tuple: a placing makes one per ranked entrant
    key: str
    rank: int


@dataclass(frozen=True)
class TierCount:
    tier: str
    places: int | None  # None for a threshold-only tier


def tier_places(tier: Tier, awards: Awards, base: int) -> int | None:
    if tier.count is not None:
        return tier.count
    if tier.proportion is not None:
        mode = tier.rounding or awards.rounding
        return round_count(Fraction(tier.proportion) * base, mode)
    return None


def assign_awards(
    awards: Awards,
    candidates: Sequence[Candidate],
    base_of: Callable[[Tier], int],
    qualifying: Callable[[Tier, list[str]], list[bool]],
) -> tuple[dict[str, str], list[TierCount]]:
    """Map entrant key → tier name, for candidates given in rank order. ``qualifying`` says
    which of the candidates still open may have a tier (asked once a tier, for them all)."""
    awarded: dict[str, str] = {}
    counts: list[TierCount] = []
    used = 0  # award positions taken so far
    cap = 0  # award positions available up to and including this tier
    for tier in awards.tiers:
        places = tier_places(tier, awards, base_of(tier))
        counts.append(TierCount(tier.name, places))
        waiting = [c for c in candidates if c.key not in awarded]
        allowed = qualifying(tier, [c.key for c in waiting])
        open_ = [c for c, allow in zip(waiting, allowed, strict=True) if allow]
        if places is None:
            for candidate in open_:
                awarded[candidate.key] = tier.name
            continue
        cap += places
        index = 0
        while index < len(open_) and used < cap:
            end = index
            while end < len(open_) and open_[end].rank == open_[index].rank:
                end += 1
            group = open_[index:end]
            if used + len(group) > cap and awards.ties == "lower":
                break
            for candidate in group:
                awarded[candidate.key] = tier.name
            used += len(group)
            index += len(group)
    return awarded, counts
