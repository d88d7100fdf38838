"""The programme dashboard's charts, drawn on the server as SVG like the results' charts:
contests by month (created and first published), by district and by trade."""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

from markupsafe import Markup

from competition.rules.messages import DEFAULT_LOCALE, N_, translate
from competition.services import svg
from competition.services.programme_contests import NONE_KEY
from competition.services.programme_dashboard import Dashboard

ROW = 26.0
PUBLISHED = "#70ad47"


def _bars(
    title: str, rows: Sequence[tuple[str, tuple[int, ...]]], series: list[str], locale: str
) -> Markup:
    """Horizontal bars, one row per label and one bar per series in it, each with its
    count; long labels (districts, trades in Chinese) read across, not slanted."""
    if not rows or not any(sum(values) for _label, values in rows):
        return svg.empty(title, locale)
    label_w = min(200.0, max(svg.text_width(label) for label, _values in rows) + 16)
    left, top = label_w, 48.0 + (20.0 if len(series) > 1 else 0.0)
    plot_w = svg.WIDTH - left - 48.0
    most = max(max(values) for _label, values in rows) or 1
    body: list[Markup] = []
    if len(series) > 1:
        for index, name in enumerate(series):
            x = left + index * 140
            body.append(_rect(x, 40, 12, 12, index, name))
            body.append(svg.text(x + 18, 50, name))
    step = max(1, int(svg.nice_step(Fraction(most), 4)))
    bottom = top + ROW * len(rows)
    for tick in range(0, most + 1, step):
        x = left + tick / most * plot_w
        body += [svg.line(x, top, x, bottom), svg.text(x, bottom + 16, str(tick), "middle")]
    bar_h = (ROW - 8) / len(series)
    for row, (label, values) in enumerate(rows):
        y = top + row * ROW + 4
        body.append(svg.text(left - 8, y + ROW / 2, label, "end"))
        for index, value in enumerate(values):
            width = value / most * plot_w
            tip = f"{label} · {series[index]}: {value}"
            body.append(_rect(left, y + index * bar_h, width, bar_h - 1, index, tip))
            body.append(svg.text(left + width + 4, y + (index + 0.8) * bar_h, str(value)))
    body.append(svg.line(left, top, left, bottom, "axis"))
    return svg.svg(bottom + 28, title, body)


def _rect(x: float, y: float, width: float, height: float, series: int, tip: str) -> Markup:
    if series == 0:
        return svg.bar(x, y, width, height, tip=tip)
    attrs = {"x": svg.n(x), "y": svg.n(y), "width": svg.n(width), "height": svg.n(height)}
    return svg.tag("rect", {**attrs, "fill": PUBLISHED}, svg.tag("title", {}, tip))


def _named(key: str, locale: str) -> str:
    return key if key != NONE_KEY else translate(N_("(not recorded)"), locale)


def month_svg(dashboard: Dashboard, locale: str = DEFAULT_LOCALE) -> Markup:
    rows = [(month, counts) for month, counts in dashboard.by_month.items()]
    series = [
        translate(N_("Contests created"), locale),
        translate(N_("Contests published"), locale),
    ]
    return _bars(translate(N_("Contests by month"), locale), rows, series, locale)


def district_svg(dashboard: Dashboard, locale: str = DEFAULT_LOCALE) -> Markup:
    rows = [(_named(k, locale), (v,)) for k, v in dashboard.by_district.items()]
    title = translate(N_("Contests by district"), locale)
    return _bars(title, rows, [translate(N_("Contests"), locale)], locale)


def trade_svg(dashboard: Dashboard, locale: str = DEFAULT_LOCALE) -> Markup:
    rows = [(_named(k, locale), (v,)) for k, v in dashboard.by_trade.items()]
    title = translate(N_("Contests by trade"), locale)
    return _bars(title, rows, [translate(N_("Contests"), locale)], locale)


def dashboard_charts(dashboard: Dashboard, locale: str = DEFAULT_LOCALE) -> list[Markup]:
    return [
        month_svg(dashboard, locale),
        district_svg(dashboard, locale),
        trade_svg(dashboard, locale),
    ]
