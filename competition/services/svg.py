"""SVG drawing for the charts: elements with every attribute and text escaped, presentation
attributes instead of a <style> (which would leak into the page an inline SVG sits in)."""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Iterable, Mapping
from fractions import Fraction

from markupsafe import Markup, escape

from competition.rules.messages import N_, translate

FONT = "'Noto Sans CJK SC', 'Noto Sans SC', 'Source Han Sans SC', sans-serif"
WIDTH = 640
BAR = "#4472c4"
LOW = "#c0504d"
INK = "#333333"
RULE = "#999999"


def tag(name: str, attrs: Mapping[str, object], *children: str) -> Markup:
    """One element; attribute values and plain-text children are escaped, ``Markup`` kept."""
    text = "".join(escape(child) for child in children)
    attributes = "".join(f' {key}="{escape(str(value))}"' for key, value in attrs.items())
    return Markup(f"<{name}{attributes}>{text}</{name}>" if children else f"<{name}{attributes}/>")


def n(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


LOOK: dict[str, dict[str, object]] = {  # presentation attributes: a <style> would leak
    "title": {"font-size": 15},
    "panel": {"font-weight": "bold"},
    "legend": {"fill": LOW},
    "grid": {"stroke": "#e5e5e5"},
    "axis": {"stroke": RULE},
    "zero": {"stroke": RULE},
    "median": {"stroke": LOW, "stroke-width": 3},
    "bar": {"fill": BAR},
    "bar low": {"fill": LOW},
    "dot": {"fill": BAR, "fill-opacity": 0.6},
}


def text(x: float, y: float, text: str, anchor: str = "start", cls: str = "") -> Markup:
    attrs = {"x": n(x), "y": n(y), "text-anchor": anchor, **({"class": cls} if cls else {})}
    return tag("text", {**attrs, **LOOK.get(cls, {})}, text)


def line(x1: float, y1: float, x2: float, y2: float, cls: str = "grid", tip: str = "") -> Markup:
    attrs = {"x1": n(x1), "y1": n(y1), "x2": n(x2), "y2": n(y2), "class": cls, **LOOK[cls]}
    return tag("line", attrs, *([tag("title", {}, tip)] if tip else []))


def bar(
    x: float, y: float, width: float, height: float, low: bool = False, tip: str = ""
) -> Markup:
    cls = "bar low" if low else "bar"
    attrs = {"class": cls, "x": n(x), "y": n(y), "width": n(width), "height": n(height)}
    return tag("rect", {**attrs, **LOOK[cls]}, *([tag("title", {}, tip)] if tip else []))


def svg(height: float, title: str, body: Iterable[str]) -> Markup:
    root = {
        "xmlns": "http://www.w3.org/2000/svg",
        "viewBox": f"0 0 {WIDTH} {n(height)}",
        "width": "100%",
        "role": "img",
        "font-family": FONT,
        "font-size": 12,
        "fill": INK,
    }
    heading = text(WIDTH / 2, 22, title, "middle", "title")
    return tag("svg", root, tag("title", {}, title), heading, *body)


def empty(title: str, locale: str) -> Markup:
    message = translate(N_("Nothing to show yet"), locale)
    return svg(80, title, [text(WIDTH / 2, 56, message, "middle", "empty")])


def text_width(text: str, size: float = 12) -> float:
    """Roughly how wide text is drawn: CJK characters are a full em, others about half."""
    return sum(size if unicodedata.east_asian_width(ch) in "WF" else size * 0.6 for ch in text)


def nice_step(span: Fraction, count: int) -> Fraction:
    """The step of 1, 2 or 5 × 10ⁿ nearest to ``span / count``, for round axis labels."""
    raw = span / count if span > 0 else Fraction(1)
    power = Fraction(10) ** math.floor(math.log10(raw))
    while power > raw:
        power /= 10
    while power * 10 <= raw:
        power *= 10
    return min((factor * power for factor in (1, 2, 5, 10)), key=lambda s: abs(math.log(s / raw)))
