"""Writing SVG by hand, safely: every text escaped, characters XML cannot hold dropped, numbers
written short, presentation attributes only (WeasyPrint draws the same SVG into the PDF packs)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from xml.sax.saxutils import escape, quoteattr

FONT_FAMILY = "Arial, sans-serif"
FONT_SIZE = 14
TEXT_COLOUR = "#0b0c0c"


def num(value: float) -> str:
    """A coordinate for an attribute: at most two decimal places."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in {"-0", ""} else text


# Characters XML 1.0 does not allow at all, even escaped: a stray one would make the whole chart unreadable.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def clean(text: str) -> str:
    return _NOT_XML.sub("", text)


def tag(
    name: str,
    attrs: Mapping[str, str | float],
    text: str | None = None,
    *,
    children: Iterable[str] | None = None,
) -> str:
    """An element; ``text`` is escaped, ``children`` are elements already built."""
    rendered = "".join(
        f" {key}={quoteattr(clean(value) if isinstance(value, str) else num(value))}"
        for key, value in attrs.items()
    )
    if children is not None:
        return f"<{name}{rendered}>" + "".join(children) + f"</{name}>"
    if text is None:
        return f"<{name}{rendered}/>"
    return f"<{name}{rendered}>{escape(clean(text))}</{name}>"


def text(
    x: float,
    y: float,
    text: str,
    *,
    anchor: str = "start",
    colour: str = TEXT_COLOUR,
    weight: str | None = None,
) -> str:
    attrs: dict[str, str | float] = {
        "x": x,
        "y": y,
        "fill": colour,
        "font-family": FONT_FAMILY,
        "font-size": FONT_SIZE,
        "text-anchor": anchor,
    }
    if weight:
        attrs["font-weight"] = weight
    return tag("text", attrs, text)


def line(
    x1: float, y1: float, x2: float, y2: float, colour: str, width: float, dash: str | None = None
) -> str:
    attrs: dict[str, str | float] = {
        "x1": x1,
        "y1": y1,
        "x2": x2,
        "y2": y2,
        "stroke": colour,
        "stroke-width": width,
    }
    if dash:
        attrs["stroke-dasharray"] = dash
    return tag("line", attrs)


def polyline(
    coords: Sequence[tuple[float, float]], colour: str, width: float, dash: str | None = None
) -> str:
    attrs: dict[str, str | float] = {
        "points": " ".join(f"{num(x)},{num(y)}" for x, y in coords),
        "fill": "none",
        "stroke": colour,
        "stroke-width": width,
        "stroke-linejoin": "round",
        "stroke-linecap": "round",
    }
    if dash:
        attrs["stroke-dasharray"] = dash
    return tag("polyline", attrs)


def diamond_points(cx: float, cy: float, half: float) -> str:
    return " ".join(
        f"{num(x)},{num(y)}" for x, y in ((cx, cy - half), (cx + half, cy), (cx, cy + half), (cx - half, cy))
    )


def circle_path(cx: float, cy: float, r: float) -> str:
    # The legend draws its dots as paths so that every <circle> in a chart is a data point.
    return (
        f"M {num(cx - r)} {num(cy)} a {num(r)} {num(r)} 0 1 0 {num(2 * r)} 0 "
        f"a {num(r)} {num(r)} 0 1 0 {num(-2 * r)} 0 Z"
    )


def svg(
    chart_id: str,
    width: float,
    height: float,
    title: str,
    desc: str,
    body: Iterable[str],
    kind: str,
) -> str:
    title_id = f"{chart_id}-title"
    desc_id = f"{chart_id}-desc"
    return tag(
        "svg",
        {
            "xmlns": "http://www.w3.org/2000/svg",
            "id": chart_id,
            "role": "img",
            "aria-labelledby": f"{title_id} {desc_id}",
            "viewBox": f"0 0 {num(width)} {num(height)}",
            "width": "100%",
            "preserveAspectRatio": "xMinYMin meet",
            "style": "max-width: 100%; height: auto",
            "data-chart": kind,
        },
        children=[
            "\n",
            tag("title", {"id": title_id}, title),
            tag("desc", {"id": desc_id}, desc),
            *(f"\n{element}" for element in body),
            "\n",
        ],
    )
