"""A rule file as an organiser checks it: one line per criterion (what it is, who gives it,
on what scale, what it weighs), the items, the total, the ranking and its tie-breaks, the
award tiers and titles, in the reader's language, beside the YAML it is read from."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from competition.rules import RuleSet
from competition.rules.messages import N_, translate
from competition.rules.model import (
    Judged,
    Measured,
    OverItems,
    Points,
    Rounding,
    TieBreak,
    Tier,
    Weighted,
)

_Translate = Callable[[str], str]

KINDS = {
    "judged": N_("judged by a panel"),
    "measured": N_("measured"),
    "derived": N_("worked out"),
    "points": N_("points from a value"),
    "weighted": N_("weighted sum"),
    "items": N_("over the items"),
}
AGGREGATES = {
    "mean": N_("mean"),
    "median": N_("median"),
    "sum": N_("sum"),
    "trimmed_mean": N_("mean"),
    "trimmed_sum": N_("sum"),
    "zscore": N_("z-scores"),
    "borda": N_("Borda count"),
    "pairwise": N_("pairwise comparison"),
    "skating": N_("skating system"),
}
COMBINE = {
    "sum": N_("sum"),
    "mean": N_("mean"),
    "best": N_("best"),
    "worst": N_("worst"),
    "best_k": N_("best {k}"),
}
METHODS = {
    "competition": N_("shared ranks skip the next (1, 1, 3)"),
    "dense": N_("shared ranks do not skip (1, 1, 2)"),
    "modified": N_("shared ranks take the lower place (1, 3, 3)"),
    "ordinal": N_("every entrant a rank of their own"),
}
ROUNDING_MODES = {
    "half_up": N_("half up"),
    "half_even": N_("half to even"),
    "half_down": N_("half down"),
    "down": N_("towards zero"),
    "up": N_("away from zero"),
    "floor": N_("down"),
    "ceiling": N_("up"),
}


@dataclass(frozen=True)
class CriterionLine:
    name: str
    label: str
    kind: str
    level: str
    panel: str
    scale: str
    how: str
    weight: str
    rounding: str


@dataclass(frozen=True)
class TierLine:
    name: str
    share: str
    require: str
    prize: str


@dataclass(frozen=True)
class RuleSummary:
    contest: str
    version: int
    description: str
    criteria: list[CriterionLine]
    items: list[tuple[str, str]]
    total: str
    total_rounding: str
    penalties: list[str]
    ranking: str
    tiebreaks: list[str]
    tiers: list[TierLine]
    awards: list[tuple[str, str]]
    titles: list[tuple[str, str]]


def number(value: Decimal | int | None) -> str:
    """A rule file's number as written (``0.30`` stays ``0.30``)."""
    if value is None:
        return ""
    return str(value) if isinstance(value, int) else format(value, "f")


def summary(ruleset: RuleSet, locale: str) -> RuleSummary:
    rule = ruleset.rule

    def _(text: str) -> str:
        return translate(text, locale)

    weights = dict(rule.total.weights or {})
    criteria = [
        _criterion_line(ruleset, name, criterion, weights.get(name), _)
        for name, criterion in rule.criteria.items()
    ]
    tiebreaks = [_tiebreak(ruleset, step, _) for step in rule.ranking.tiebreak]
    order = _("highest total first") if rule.ranking.order == "desc" else _("lowest total first")
    return RuleSummary(
        contest=rule.contest,
        version=rule.version,
        description=rule.description or "",
        criteria=criteria,
        items=_items(ruleset, _),
        total=_total(ruleset, _),
        total_rounding=_rounding(rule.total.round, _),
        penalties=[_penalty(p.label or p.when, p.deduct, p.disqualify, _) for p in rule.penalties],
        ranking=f"{order}; {_(METHODS[rule.ranking.method])}",
        tiebreaks=tiebreaks,
        tiers=[_tier(ruleset, tier, _) for tier in (rule.awards.tiers if rule.awards else [])],
        awards=_award_notes(ruleset, _),
        titles=[
            (t.name, t.when + (" (" + _("needs approval") + ")" if t.needs_approval else ""))
            for t in rule.titles
        ],
    )


def _tiebreak(ruleset: RuleSet, step: TieBreak, _: _Translate) -> str:
    best = step.sense(ruleset.rule.ranking.order)
    sense = _("highest first") if best == "desc" else _("lowest first")
    counted = ", " + _("counting back over the items") if step.countback else ""
    return f"{_label(ruleset, step.name)} ({sense}{counted})"


def _label(ruleset: RuleSet, name: str) -> str:
    criterion = ruleset.rule.criteria.get(name)
    return (criterion.label or name) if criterion is not None else name


def _criterion_line(
    ruleset: RuleSet, name: str, criterion: object, weight: Decimal | None, _: _Translate
) -> CriterionLine:
    kind = getattr(criterion, "kind", "")
    level = ruleset.levels.get(name, "entrant")
    panel = scale = how = ""
    if isinstance(criterion, Judged):
        sizes = ruleset.panel_range.get(name)
        panel = _("{n} judges").format(n=sizes) if sizes else ""
        low, high = (
            (number(_first(criterion.drop_low)), number(_first(criterion.drop_high)))
            if criterion.aggregate.startswith("trimmed")
            else ("0", "0")
        )
        how = _(AGGREGATES[criterion.aggregate])
        if low != "0" or high != "0":
            how = _("{how}, dropping the {high} highest and {low} lowest").format(
                how=how, high=high, low=low
            )
        scale = _range(criterion.scale.min, criterion.scale.max, criterion.scale.step, None, _)
    elif isinstance(criterion, Measured):
        scale = _range(criterion.min, criterion.max, criterion.step, criterion.unit, _)
        if criterion.default is not None:
            how = _("{value} when nothing is entered").format(value=number(criterion.default))
    elif isinstance(criterion, Points):
        how = _("from {of}").format(of=_label(ruleset, criterion.of)) + _points_rule(criterion, _)
    elif isinstance(criterion, Weighted):
        how = " + ".join(
            f"{_label(ruleset, k)} × {number(v)}" for k, v in criterion.weights.items()
        )
    elif isinstance(criterion, OverItems):
        combine = _(COMBINE[criterion.combine]).format(k=criterion.k)
        how = f"{combine}: {_label(ruleset, criterion.of)}"
    else:
        how = str(getattr(criterion, "formula", ""))
    rounding = getattr(criterion, "round", None)
    return CriterionLine(
        name=name,
        label=getattr(criterion, "label", None) or name,
        kind=_(KINDS.get(kind, kind)),
        level=_("per item") if level == "item" else _("per entrant"),
        panel=panel,
        scale=scale,
        how=how,
        weight=number(weight) if weight is not None else "",
        rounding=_rounding(rounding, _) if isinstance(rounding, Rounding) else "",
    )


def _points_rule(points: Points, _: _Translate) -> str:
    """How a value becomes points, in the rule file's own numbers."""
    if points.tolerance is not None:
        bands = ", ".join(
            f"±{number(b.within)} → {number(b.points)}" for b in points.tolerance.bands
        )
        rest = _("otherwise {points}").format(points=number(points.tolerance.otherwise))
        target = _("target")
        return f": {target} {number(points.tolerance.target)}; {bands}; {rest}"
    if points.deduct is not None:
        d = points.deduct
        text = _("{start}, minus {points} per {per}").format(
            start=number(d.start), points=number(d.points), per=number(d.per)
        )
        if d.zero_above is not None:
            text += "; " + _("0 above {limit}").format(limit=number(d.zero_above))
        return f": {text}"
    if points.bands is not None:
        bands = ", ".join(f"≥ {number(b.min)} → {number(b.points)}" for b in points.bands.steps)
        rest = _("otherwise {points}").format(points=number(points.bands.otherwise))
        return f": {bands}; {rest}"
    if points.minmax is not None:
        m = points.minmax
        text = _("scaled between the lowest and the highest, × {weight}").format(
            weight=number(m.weight)
        )
        return f": {text}" + (" (" + _("lower is better") + ")" if m.invert else "")
    if points.relative_to_best is not None:
        weight = number(points.relative_to_best.weight)
        return ": " + _("relative to the best, × {weight}").format(weight=weight)
    if points.benchmark is not None:
        b = points.benchmark
        return ": " + _("against {value}, × {weight}").format(
            value=number(b.value), weight=number(b.weight)
        )
    return ""


def _first(drops: int | dict[int, int]) -> int:
    return drops if isinstance(drops, int) else max(drops.values(), default=0)


def _range(
    low: Decimal | None, high: Decimal | None, step: Decimal | None, unit: str | None, _: _Translate
) -> str:
    if low is None and high is None:
        return ""
    if low is None or high is None:
        text = f"≥ {number(low)}" if high is None else f"≤ {number(high)}"
    else:
        text = f"{number(low)}–{number(high)}"
    text += f" {unit}" if unit else ""
    return text + (", " + _("step {step}").format(step=number(step)) if step else "")


def _rounding(rounding: Rounding, _: _Translate) -> str:
    return _("{n} decimals, {mode}").format(
        n=rounding.ndigits, mode=_(ROUNDING_MODES.get(rounding.mode.value, rounding.mode.value))
    )


def _items(ruleset: RuleSet, _: _Translate) -> list[tuple[str, str]]:
    items = ruleset.rule.items
    if items is None:
        return []
    lines = [(_("What an item is"), items.label)]
    if ruleset.item_counts:
        lines.append(
            (
                _("Items"),
                _("one of {counts}, chosen per event").format(
                    counts=", ".join(str(n) for n in ruleset.item_counts)
                ),
            )
        )
    elif ruleset.item_ids:
        ids = ruleset.item_ids
        shown = ", ".join(ids[:12]) + (" …" if len(ids) > 12 else "")
        lines.append((_("Items"), f"{len(ids)}: {shown}"))
    for name, group in (items.groups or {}).items():
        ids = ruleset.item_groups.get(name, [])
        lines.append((group.label or name, f"{len(ids)}: {', '.join(ids[:12])}"))
    if items.not_taken:
        lines.append((_("Not taken"), ", ".join(items.not_taken.codes)))
    return lines


def _total(ruleset: RuleSet, _: _Translate) -> str:
    total = ruleset.rule.total
    if total.weights:
        return " + ".join(f"{_label(ruleset, k)} × {number(v)}" for k, v in total.weights.items())
    return total.formula or ""


def _penalty(label: str, deduct: Decimal | str | None, disqualify: bool, _: _Translate) -> str:
    if disqualify:
        return label + ": " + _("disqualified")
    if deduct is not None:
        amount = number(deduct) if isinstance(deduct, Decimal) else deduct
        return label + ": " + _("{points} off the total").format(points=amount)
    return label + ": " + _("withdrawn")


def _tier(ruleset: RuleSet, tier: Tier, _: _Translate) -> TierLine:
    if tier.count is not None:
        share = _("{n} entrants").format(n=tier.count)
    elif tier.proportion is not None:
        share = f"{number((tier.proportion * 100).normalize())}%"
    else:
        share = tier.when or ""
    currency = ruleset.rule.awards.currency if ruleset.rule.awards else ""
    prize = f"{tier.prize:,} {currency}" if tier.prize is not None else ""
    return TierLine(
        name=tier.name,
        share=share,
        require=", ".join(_label(ruleset, name) for name in tier.require),
        prize=prize,
    )


def _award_notes(ruleset: RuleSet, _: _Translate) -> list[tuple[str, str]]:
    awards = ruleset.rule.awards
    if awards is None:
        return []
    base = {
        "entrants": _("of all entrants"),
        "ranked": _("of the entrants ranked"),
        "eligible": _("of the eligible entrants"),
    }
    notes = [(_("Shares counted"), base[awards.base])]
    if awards.budget is not None:
        notes.append((_("Prize budget"), f"{awards.budget:,} {awards.currency}"))
    for name, condition in ruleset.rule.eligibility.items():
        notes.append((name, condition))
    return notes
