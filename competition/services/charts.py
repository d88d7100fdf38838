"""Charts drawn on the server as SVG, from standings: no script and no CDN, safe inline.

Every piece of text is escaped, and each chart scales with its page through its viewBox.
The data behind each chart is a separate function, so what a chart shows can be tested
without reading pixels.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from fractions import Fraction
from statistics import median

from markupsafe import Markup

from competition.rules.messages import DEFAULT_LOCALE, N_, msg, translate
from competition.rules.model import Judged
from competition.rules.numbers import RoundingMode, format_exact, format_fixed, round_fraction
from competition.rules.standings import Row, Standings
from competition.rules.values import Attribute
from competition.services import svg
from competition.services.privacy import is_public


def _scored(standings: Standings) -> list[Row]:
    return [r for r in standings.rows if r.total is not None and r.status in ("ok", "incomplete")]


# --- score distribution -------------------------------------------------------------------------


@dataclass(frozen=True)
class Bin:
    low: Fraction  # inclusive
    high: Fraction  # exclusive
    count: int


def score_bins(standings: Standings, bins: int | None = None) -> list[Bin]:
    """Totals counted in bins of a round width; about √n bins (5 to 12) unless asked."""
    totals = [row.total for row in _scored(standings) if row.total is not None]
    if not totals:
        return []
    wanted = bins or max(5, min(12, math.ceil(math.sqrt(len(totals)))))
    step = svg.nice_step(max(totals) - min(totals), wanted)
    start = math.floor(min(totals) / step) * step
    counts = [0] * (math.floor((max(totals) - start) / step) + 1)
    for total in totals:
        counts[math.floor((total - start) / step)] += 1
    return [Bin(start + i * step, start + (i + 1) * step, c) for i, c in enumerate(counts)]


def score_distribution_svg(
    standings: Standings, locale: str = DEFAULT_LOCALE, bins: int | None = None
) -> Markup:
    """A histogram of the totals, with each bar's count above it."""
    title = translate(N_("Score distribution"), locale)
    data = score_bins(standings, bins)
    if not data:
        return svg.empty(title, locale)
    left, top, plot_w, plot_h = 48.0, 48.0, svg.WIDTH - 64.0, 240.0
    right, bottom, width = left + plot_w, top + plot_h, plot_w / len(data)
    most = max(b.count for b in data) or 1
    body: list[Markup] = []
    for tick in range(0, most + 1, max(1, math.ceil(svg.nice_step(Fraction(most), 4)))):
        y = bottom - tick / most * plot_h
        body += [svg.line(left, y, right, y), svg.text(left - 6, y + 4, str(tick), "end")]
    for index, b in enumerate(data):
        x, height = left + index * width, b.count / most * plot_h
        tip = f"{format_exact(b.low)}–{format_exact(b.high)}: {b.count}"
        body.append(svg.bar(x + 1, bottom - height, width - 2, height, tip=tip))
        body.append(svg.text(x + width / 2, bottom - height - 4, str(b.count), "middle", "count"))
        body.append(svg.text(x, bottom + 16, format_exact(b.low), "middle", "edge"))
    body.append(svg.text(right, bottom + 16, format_exact(data[-1].high), "middle", "edge"))
    body.append(svg.line(left, bottom, right, bottom, "axis"))
    body.append(svg.text(left + plot_w / 2, bottom + 40, translate(N_("Total"), locale), "middle"))
    middle = top + plot_h / 2
    entrants = svg.text(14, middle, translate(N_("Entrants"), locale), "middle")
    body.append(svg.tag("g", {"transform": f"rotate(-90 14 {svg.n(middle)})"}, entrants))
    return svg.svg(bottom + 52, title, body)


# --- judge consistency --------------------------------------------------------------------------


@dataclass(frozen=True)
class JudgeDeviation:
    panel: str  # the rule file's panel, or the criterion when it has none
    label: str
    judge: str
    marks: int
    deviation: Fraction  # mean of (the judge's mark − the median of that panel's marks)

    @property
    def text(self) -> str:
        """Signed, to two decimals: ``+0.40`` is more lenient than the panel, ``-0.40``
        stricter."""
        rounded = round_fraction(self.deviation, 2, RoundingMode.half_even)
        return ("+" if rounded > 0 else "") + format_fixed(rounded, 2)


def _natural(text: str) -> list[object]:
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text)]


def judge_deviations(standings: Standings) -> list[JudgeDeviation]:
    """Each judge's mean signed deviation from the panel median, per panel of judges, over
    the complete panels (each entrant and item) the judge marked; marks after penalties."""
    rule = standings.ruleset.rule
    found: dict[tuple[str, str], list[Fraction]] = {}
    labels: dict[str, str] = {}
    for name, result in standings.table.panels.items():
        criterion = rule.criteria[name]
        panel = (criterion.panel if isinstance(criterion, Judged) else None) or name
        declared = rule.panels.get(panel)
        labels[panel] = (declared.label if declared else None) or criterion.label or name
        scale = 10**result.digits
        marks = result.marks
        for key, lines in marks.groupby(["entrant", "item"], sort=False):
            if (key[0], key[1]) not in result.values:
                continue
            values = [Fraction(int(a), scale) for a in lines["adjusted"].tolist()]
            middle = Fraction(median(values))
            for judge, value in zip(lines["judge"].tolist(), values, strict=True):
                found.setdefault((panel, str(judge)), []).append(value - middle)
    order = list(labels)
    return [
        JudgeDeviation(panel, labels[panel], judge, len(gaps), sum(gaps, Fraction(0)) / len(gaps))
        for (panel, judge), gaps in sorted(
            found.items(), key=lambda item: (order.index(item[0][0]), _natural(item[0][1]))
        )
    ]


def judge_consistency_svg(
    standings: Standings,
    locale: str = DEFAULT_LOCALE,
    names: Mapping[str, str] | None = None,
) -> Markup:
    """A bar per judge from a zero line: right of it more lenient than the panel, left
    stricter. ``names`` turns the judges' ids in the marks (``J12``) into names."""
    title = translate(N_("Judge consistency"), locale)
    data = [
        replace(d, judge=names.get(d.judge, d.judge)) if names else d
        for d in judge_deviations(standings)
    ]
    if not data:
        return svg.empty(title, locale)
    label_w = max(svg.text_width(d.judge) for d in data) + 16
    centre = label_w + (svg.WIDTH - label_w) / 2
    half = (svg.WIDTH - label_w) / 2 - 56
    widest = max(abs(float(d.deviation)) for d in data) or 1.0
    note = translate(N_("Mean deviation from the panel median"), locale)
    body: list[Markup] = [svg.text(svg.WIDTH / 2, 40, note, "middle", "note")]
    y = 64.0
    for index, d in enumerate(data):
        if index == 0 or data[index - 1].panel != d.panel:
            body.append(svg.text(8, y + 20, d.label, cls="panel"))
            y += 30
        length = abs(float(d.deviation)) / widest * half
        strict = d.deviation < 0
        x = centre - length if strict else centre
        value = svg.text(
            x - 4 if strict else x + length + 4,
            y + 14,
            d.text,
            "end" if strict else "start",
            "value",
        )
        row = [
            svg.text(label_w - 8, y + 14, d.judge, "end", "judge"),
            svg.bar(x, y + 3, length, 14, strict),
            value,
        ]
        body.append(svg.tag("g", {"class": "judge-row"}, *row))
        y += 20
    body.append(svg.line(centre, 48, centre, y + 4, "zero"))
    body.append(svg.text(centre - 6, y + 20, translate(N_("stricter"), locale), "end"))
    body.append(svg.text(centre + 6, y + 20, translate(N_("more lenient"), locale)))
    return svg.svg(y + 32, title, body)


# --- a value by an attribute ----------------------------------------------------------------------


@dataclass(frozen=True)
class EntrantValue:
    entrant: str
    name: str
    value: Fraction
    text: str  # as the rule file shows it


@dataclass(frozen=True)
class AttributeGroup:
    attribute: Attribute  # the attribute's value these entrants share, e.g. a county
    entrants: list[EntrantValue]

    @property
    def median(self) -> Fraction:
        return Fraction(median(e.value for e in self.entrants))


def attribute_values(standings: Standings, value_name: str, attribute: str) -> list[AttributeGroup]:
    """Entrants' ``value_name`` (a criterion, or ``total``) grouped by ``attribute``, highest
    median first; entrants without either are left out."""
    groups: dict[Attribute, list[EntrantValue]] = {}
    for row in _scored(standings):
        shared = standings.table.attributes.get(row.key, {}).get(attribute)
        if value_name == "total":
            value, text = row.total, standings.total_text(row)
        else:
            value = standings.table.value(value_name, row.key)
            text = standings.value_text(value_name, value)
        if value is None or text is None or shared is None or shared == "":
            continue
        groups.setdefault(shared, []).append(EntrantValue(row.key, row.entrant.name, value, text))
    made = [AttributeGroup(shared, entrants) for shared, entrants in groups.items()]
    return sorted(made, key=lambda g: (-g.median, str(g.attribute)))


def _attribute_text(value: Attribute, locale: str) -> str:
    if isinstance(value, bool):
        return translate(N_("yes") if value else N_("no"), locale)
    return format_exact(value) if isinstance(value, Fraction) else value


def attribute_values_svg(
    standings: Standings, value_name: str, attribute: str, locale: str = DEFAULT_LOCALE
) -> Markup:
    """A row per attribute value (e.g. county): a dot per entrant and a tick at the median."""
    rule = standings.ruleset.rule
    criterion = rule.criteria.get(value_name)
    value_label = (
        translate(N_("Total"), locale)
        if value_name == "total"
        else (criterion.label if criterion and criterion.label else value_name)
    )
    declared = rule.entrants.attributes.get(attribute)
    attribute_label = (declared.label if declared else None) or attribute
    title = msg(N_("{value} by {attribute}"), value=value_label, attribute=attribute_label)
    data = attribute_values(standings, value_name, attribute)
    if not data:
        return svg.empty(title.render(locale), locale)
    labels = [f"{_attribute_text(g.attribute, locale)} ({len(g.entrants)})" for g in data]
    label_w = max(svg.text_width(label) for label in labels) + 16
    values = [e.value for g in data for e in g.entrants]
    step = svg.nice_step(max(values) - min(values), 5)
    low = math.floor(min(values) / step) * step
    high = max(low + step, math.ceil(max(values) / step) * step)
    left, right = label_w, svg.WIDTH - 24.0

    def x_of(value: Fraction) -> float:
        return left + float((value - low) / (high - low)) * (right - left)

    top, bottom = 52.0, 52.0 + 28 * len(data)
    body: list[Markup] = []
    tick = low
    while tick <= high:
        x = x_of(tick)
        body += [
            svg.line(x, top - 6, x, bottom),
            svg.text(x, bottom + 16, format_exact(tick), "middle", "tick"),
        ]
        tick += step
    median_word = translate(N_("median"), locale)
    for index, (group, label) in enumerate(zip(data, labels, strict=True)):
        y = top + 28 * index + 14
        row = [svg.text(label_w - 8, y + 4, label, "end", "label")]
        for n, entrant in enumerate(group.entrants):
            dot: dict[str, object] = {
                **svg.LOOK["dot"],
                "class": "dot",
                "cx": svg.n(x_of(entrant.value)),
                "cy": svg.n(y + (n % 3 - 1) * 4),
                "r": 5,
            }
            tip = f"{entrant.name} ({entrant.entrant}): {entrant.text}"
            row.append(svg.tag("circle", dot, svg.tag("title", {}, tip)))
        x = x_of(group.median)
        tip = f"{median_word}: {format_exact(group.median)}"
        row.append(svg.line(x, y - 10, x, y + 10, "median", tip))
        body.append(svg.tag("g", {"class": "group"}, *row))
    body.append(svg.text(left + (right - left) / 2, bottom + 36, value_label, "middle"))
    body.append(svg.text(right, 40, f"| {median_word}", "end", "legend"))
    return svg.svg(bottom + 48, title.render(locale), body)


# --- an event's charts ---------------------------------------------------------------------


def chart_choice(standings: Standings) -> tuple[str, str] | None:
    """(value, attribute) for the 'value by group' chart: the first tie-break key (the
    orchard's net income per mu; a countback has no one value per entrant) or the total,
    by the first public attribute with declared values (the county); None when the rule
    file has no such attribute."""
    rule = standings.ruleset.rule
    attribute = next(
        (n for n, a in rule.entrants.attributes.items() if a.values and is_public(n, a)),
        None,
    )
    if attribute is None:
        return None
    keys = [t.key for t in rule.ranking.tiebreak if t.key is not None] if rule.ranking else []
    return (keys[0] if keys else "total"), attribute


def event_charts(
    standings: Standings, locale: str, judge_names: Mapping[str, str] | None = None
) -> list[Markup]:
    """The charts of an event: the totals' distribution, a value by a public attribute and,
    given the judges' names (for the console only), the judges' consistency."""
    drawn = [score_distribution_svg(standings, locale)]
    choice = chart_choice(standings)
    if choice is not None:
        drawn.append(attribute_values_svg(standings, *choice, locale=locale))
    if judge_names is not None and standings.table.panels:
        drawn.append(judge_consistency_svg(standings, locale, judge_names))
    return drawn
