"""Panel methods that look across the field: per-judge z-scores, Borda, pairwise majority and
the skating system. Each compares an entrant's marks with the other entrants' marks from the
same judges at the same item, so the result can change when another entrant is marked.
"""

from __future__ import annotations

from decimal import Context
from fractions import Fraction

import pandas as pd

from competition.rules.inputs import Key
from competition.rules.model import Judged

SQRT_CONTEXT = Context(prec=34)  # square roots (z-scores) carry 34 significant digits

Marks = dict[str, dict[str, Fraction]]  # judge → entrant → mark


def _sqrt(value: Fraction) -> Fraction:
    root = SQRT_CONTEXT.sqrt(SQRT_CONTEXT.divide(value.numerator, value.denominator))
    return Fraction(root)


def zscores(by_judge: Marks) -> dict[str, Fraction]:
    """Mean over judges of (mark − judge's mean) / judge's sample SD; 0 for a judge with one
    entrant or identical marks."""
    sums: dict[str, Fraction] = {}
    counts: dict[str, int] = {}
    for marks in by_judge.values():
        values = list(marks.values())
        mean = sum(values, Fraction(0)) / len(values)
        variance = (
            sum(((v - mean) ** 2 for v in values), Fraction(0)) / (len(values) - 1)
            if len(values) > 1
            else Fraction(0)
        )
        deviation = _sqrt(variance) if variance else Fraction(0)
        for entrant, value in marks.items():
            z = (value - mean) / deviation if deviation else Fraction(0)
            sums[entrant] = sums.get(entrant, Fraction(0)) + z
            counts[entrant] = counts.get(entrant, 0) + 1
    return {entrant: total / counts[entrant] for entrant, total in sums.items()}


def borda(by_judge: Marks) -> dict[str, Fraction]:
    """A judge's best of n entrants scores n − 1, the last 0; tied marks share the average."""
    points: dict[str, Fraction] = {}
    for marks in by_judge.values():
        for entrant, value in marks.items():
            below = sum(1 for other in marks.values() if other < value)
            level = sum(1 for other in marks.values() if other == value) - 1
            points[entrant] = points.get(entrant, Fraction(0)) + below + Fraction(level, 2)
    return points


def pairwise(by_judge: Marks) -> dict[str, Fraction]:
    """Copeland: one point per rival beaten by a majority of the judges who marked both."""
    entrants = sorted({e for marks in by_judge.values() for e in marks})
    wins = {e: Fraction(0) for e in entrants}
    for index, a in enumerate(entrants):
        for b in entrants[index + 1 :]:
            votes = [
                (marks[a] > marks[b]) - (marks[a] < marks[b])
                for marks in by_judge.values()
                if a in marks and b in marks
            ]
            balance = sum(votes)
            if balance > 0:
                wins[a] += 1
            elif balance < 0:
                wins[b] += 1
            else:
                wins[a] += Fraction(1, 2)
                wins[b] += Fraction(1, 2)
    return wins


def skating(by_judge: Marks) -> dict[str, Fraction]:
    """Places by the skating system (rules 5–8): a place goes to the entrant with a majority of
    judges placing it there or better; a larger majority first, then the lower sum of those
    marks, then the next column; entrants still equal share the places (e.g. 2.5)."""
    entrants = sorted({e for marks in by_judge.values() for e in marks})
    placings = {e: sorted(marks[e] for marks in by_judge.values() if e in marks) for e in entrants}
    majority = len(by_judge) // 2 + 1
    last = len(entrants)
    result: dict[str, Fraction] = {}
    remaining = set(entrants)
    place = 1
    while remaining:
        column = place
        candidates: list[str] = []
        while not candidates and column <= max(last, 1):
            candidates = [
                e for e in remaining if sum(1 for m in placings[e] if m <= column) >= majority
            ]
            if not candidates:
                column += 1
        if not candidates:  # fewer judges than a majority needs: everyone left shares
            candidates = sorted(remaining)

        def key(entrant: str, start: int = column) -> tuple[tuple[int, Fraction], ...]:
            return tuple(
                (
                    -sum(1 for m in placings[entrant] if m <= c),
                    sum((m for m in placings[entrant] if m <= c), Fraction(0)),
                )
                for c in range(start, last + 1)
            )

        candidates.sort(key=key)
        index = 0
        while index < len(candidates):
            tied = [e for e in candidates[index:] if key(e) == key(candidates[index])]
            shared = place + Fraction(len(tied) - 1, 2)
            for entrant in tied:
                result[entrant] = shared
                remaining.discard(entrant)
            place += len(tied)
            index += len(tied)
    return result


METHODS = {"zscore": zscores, "borda": borda, "pairwise": pairwise, "skating": skating}


def field_values(
    c: Judged, marks: pd.DataFrame, factor: int, complete: set[Key]
) -> dict[Key, Fraction]:
    """Values of every complete panel, item by item; ``marks`` holds scaled ``adjusted``."""
    method = METHODS[c.aggregate]
    values: dict[Key, Fraction] = {}
    for item, rows in marks.groupby("item", sort=False):
        by_judge: Marks = {}
        for entrant, judge, adjusted in rows[["entrant", "judge", "adjusted"]].itertuples(
            index=False, name=None
        ):
            if (entrant, item) in complete:
                by_judge.setdefault(str(judge), {})[str(entrant)] = Fraction(int(adjusted), factor)
        for entrant, value in method(by_judge).items():
            if c.aggregate == "zscore" and c.rescale is not None:
                value = Fraction(c.rescale.mean) + Fraction(c.rescale.sd) * value
            values[(entrant, str(item))] = value
    return values
