"""Server-rendered SVG charts for KPI series, plus the helpers that go beside them.

Everything here is plain Python and returns a string of SVG (or plain text) that a template marks safe.
The same SVG goes into the PDF packs that WeasyPrint makes, so it uses nothing WeasyPrint cannot draw:
no JavaScript, no CSS (classes, variables or style sheets), no web fonts – only inline presentation
attributes and ``font-family="Arial, sans-serif"``.

Accessibility (WCAG 2.2 AA):

* the root ``<svg>`` is ``role="img"`` and ``aria-labelledby`` points at its ``<title>`` and ``<desc>``,
  whose ids are made from ``chart_id`` so several charts can share a page;
* the ``<desc>`` says in words what the chart shows, and :func:`summary_line` gives a one-line summary
  to print beside it;
* lines and markers are in colours with at least 3:1 contrast against white (text at least 4.5:1), and no
  meaning is carried by colour alone: each kind of line has its own dash pattern and special-cause points
  get a diamond around a larger dot (WCAG 1.4.1);
* :func:`heat_table_colour` picks black or white text for a shaded table cell so the text keeps 4.5:1.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TypeGuard

from beacon.core.formatting import MONTH_NAMES
from beacon.performance.colours import contrast_ratio as contrast_ratio
from beacon.performance.colours import heat_table_colour as heat_table_colour
from beacon.performance.colours import relative_luminance as relative_luminance
from beacon.performance.svg import FONT_SIZE, TEXT_COLOUR
from beacon.performance.svg import circle_path as _circle_path
from beacon.performance.svg import diamond_points as _diamond_points
from beacon.performance.svg import line as _line
from beacon.performance.svg import num as _num
from beacon.performance.svg import polyline as _polyline
from beacon.performance.svg import svg as _svg
from beacon.performance.svg import tag as _tag
from beacon.performance.svg import text as _text

__all__ = [
    "ChartPoint",
    "bar_chart",
    "contrast_ratio",
    "format_month",
    "format_number",
    "heat_table_colour",
    "line_chart",
    "relative_luminance",
    "summary_line",
]


# GOV.UK Frontend colours. Contrast against white: text 19.8:1, blue 5.2:1, red 4.5:1, dark grey 7.0:1,
# green 5.9:1 – all above the 3:1 that graphical objects need (WCAG 1.4.11) and the 4.5:1 for text.
SERIES_COLOUR = "#1d70b8"
SPECIAL_COLOUR = "#d4351c"
PREVIOUS_COLOUR = "#505a5f"
CENTRE_COLOUR = "#0b0c0c"
LIMIT_COLOUR = "#0b0c0c"
TARGET_COLOUR = "#00703c"
BAR_COLOUR = "#1d70b8"
# Grid lines only help the eye along to the axis labels, so they are decorative and may be light.
GRID_COLOUR = "#d8d8d8"

PREVIOUS_DASH = "8 5"
LIMIT_DASH = "4 4"
TARGET_DASH = "14 4 3 4"

LEGEND_SERIES = "Monthly figure"
LEGEND_PREVIOUS = "Same month, previous year"
LEGEND_CENTRE = "Average (mean)"
LEGEND_SPECIAL = "Unusual point (special cause)"
TARGET_LABEL = "Target"
NO_FIGURES = "No figures available"

MAX_MONTH_LABELS = 8
_MIN_WIDTH = 160
_MIN_HEIGHT = 120
_MIN_PLOT_HEIGHT = 60

_MONTH_RE = re.compile(r"^\s*(\d{4})-(\d{1,2})(?:-\d{1,2})?\s*$")


@dataclass(frozen=True)
class ChartPoint:
    """One point of a monthly series: ``label`` is "YYYY-MM", ``value`` is None when there is no figure."""

    label: str
    value: float | None
    special: bool = False


# --------------------------------------------------------------------------------------------------------
# Formatting


def format_month(label: str, *, long: bool = False) -> str:
    """ "2025-03" -> "Mar 2025" (or "March 2025" when ``long``); anything else is returned unchanged."""
    match = _MONTH_RE.match(label)
    if match is None:
        return label
    year, month = int(match.group(1)), int(match.group(2))
    if not 1 <= month <= 12:
        return label
    name = MONTH_NAMES[month - 1]
    return f"{name if long else name[:3]} {year}"


def format_number(value: float) -> str:
    """A figure for people to read: "1,234", "85.5", "0.053"; never "-0" or float noise."""
    if not math.isfinite(value):
        return "–"
    if value == round(value) and abs(value) < 1e15:
        return f"{round(value):,}"
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    if text in {"0", "-0"}:
        text = f"{value:.3g}"
    return text


def _with_unit(value: float, unit_label: str) -> str:
    text = format_number(value)
    return f"{text}%" if unit_label.strip() == "%" else text


def _is_number(value: float | None) -> TypeGuard[float]:
    return value is not None and math.isfinite(value)


def _text_width(text: str, size: float = FONT_SIZE) -> float:
    # Arial averages a little over half an em per character; err on the wide side so labels never touch.
    return len(text) * size * 0.58


def _safe_id(chart_id: str, default: str) -> str:
    cleaned = re.sub(r"[^A-Za-z0-9_-]", "-", chart_id.strip())
    if not cleaned:
        cleaned = default
    if not cleaned[0].isalpha():
        cleaned = f"chart-{cleaned}"
    return cleaned


# --------------------------------------------------------------------------------------------------------
# Scales


@dataclass(frozen=True)
class _Scale:
    low: float
    high: float
    ticks: tuple[float, ...]
    decimals: int


def _nice_step(span: float, count: int) -> float:
    raw = span / max(count, 1)
    magnitude = 10.0 ** math.floor(math.log10(raw))
    for multiple in (1.0, 2.0, 5.0):
        if raw <= multiple * magnitude * (1 + 1e-9):
            return multiple * magnitude
    return 10.0 * magnitude


def _scale(values: Iterable[float | None], tick_count: int = 5) -> _Scale:
    """A y scale with "nice" ticks that always includes 0, so it is 0-based when nothing is negative."""
    finite = [value for value in values if value is not None and math.isfinite(value)]
    # Clamp so that high - low cannot overflow to infinity.
    low = max(min([0.0, *finite]), -1e300)
    high = min(max([0.0, *finite]), 1e300)
    if high <= low:
        high = 1.0
    step = _nice_step(high - low, tick_count)
    first = math.floor(low / step + 1e-9)
    last = math.ceil(high / step - 1e-9)
    decimals = max(0, -math.floor(math.log10(step) + 1e-9))
    ticks = tuple(round(index * step, decimals) + 0.0 for index in range(first, last + 1))
    return _Scale(low=ticks[0], high=ticks[-1], ticks=ticks, decimals=decimals)


def _tick_text(value: float, decimals: int, unit_label: str) -> str:
    text = f"{value:,.{decimals}f}"
    if float(text.replace(",", "")) == 0:
        text = f"{0:.{decimals}f}"
    return f"{text}%" if unit_label.strip() == "%" else text


def _label_indices(labels: Sequence[str], band: float, cap: int | None, *, from_end: bool) -> list[int]:
    """Which x labels to show so they do not overlap, always including the last (or first) one."""
    count = len(labels)
    if count == 0:
        return []
    widest = max(_text_width(label) for label in labels) + 10
    fit = max(1, int((band * count) // widest))
    if cap is not None:
        fit = min(fit, cap)
    step = math.ceil(count / fit)
    return sorted(range(count - 1, -1, -step)) if from_end else list(range(0, count, step))


def _wrap(text: str, max_width: float) -> list[str]:
    words = text.split()
    lines: list[str] = []
    current = ""
    for word in words:
        candidate = f"{current} {word}".strip()
        if current and _text_width(candidate) > max_width:
            lines.append(current)
            current = word
        else:
            current = candidate
    if current:
        lines.append(current)
    return lines or [""]


# --------------------------------------------------------------------------------------------------------
# Legend


@dataclass(frozen=True)
class _LegendItem:
    kind: str
    text: str


_LEGEND_SYMBOL = 28
_LEGEND_GAP = 6
_LEGEND_SPACING = 22
_LEGEND_ROW = 22


def _legend_rows(items: Sequence[_LegendItem], available: float) -> list[list[_LegendItem]]:
    rows: list[list[_LegendItem]] = []
    used = 0.0
    for item in items:
        size = _LEGEND_SYMBOL + _LEGEND_GAP + _text_width(item.text)
        if rows and used + _LEGEND_SPACING + size <= available:
            rows[-1].append(item)
            used += _LEGEND_SPACING + size
        else:
            rows.append([item])
            used = size
    return rows


def _legend_symbol(kind: str, x: float, y: float) -> list[str]:
    end = x + _LEGEND_SYMBOL
    middle = x + _LEGEND_SYMBOL / 2
    if kind == "series":
        return [
            _line(x, y, end, y, SERIES_COLOUR, 3),
            _tag("path", {"d": _circle_path(middle, y, 4), "fill": SERIES_COLOUR}),
        ]
    if kind == "previous":
        return [_line(x, y, end, y, PREVIOUS_COLOUR, 2, PREVIOUS_DASH)]
    if kind == "centre":
        return [_line(x, y, end, y, CENTRE_COLOUR, 1)]
    if kind == "limits":
        return [_line(x, y, end, y, LIMIT_COLOUR, 1.5, LIMIT_DASH)]
    if kind == "target":
        return [_line(x, y, end, y, TARGET_COLOUR, 2.5, TARGET_DASH)]
    # special
    corners = ((middle, y - 8), (middle + 8, y), (middle, y + 8), (middle - 8, y))
    diamond = "M " + " L ".join(f"{_num(cx)} {_num(cy)}" for cx, cy in corners) + " Z"
    return [
        _tag("path", {"d": diamond, "fill": "#ffffff", "stroke": SPECIAL_COLOUR, "stroke-width": 2}),
        _tag("path", {"d": _circle_path(middle, y, 4.5), "fill": SPECIAL_COLOUR}),
    ]


def _legend(rows: Sequence[Sequence[_LegendItem]], left: float, top: float) -> list[str]:
    out = ['<g data-part="legend">']
    for row_index, row in enumerate(rows):
        y = top + row_index * _LEGEND_ROW + _LEGEND_ROW / 2
        x = left
        for item in row:
            out.extend(_legend_symbol(item.kind, x, y))
            out.append(_text(x + _LEGEND_SYMBOL + _LEGEND_GAP, y + 5, item.text))
            x += _LEGEND_SYMBOL + _LEGEND_GAP + _text_width(item.text) + _LEGEND_SPACING
    out.append("</g>")
    return out


# --------------------------------------------------------------------------------------------------------
# Summaries


def _summary(points: Sequence[ChartPoint], unit_label: str, target: float | None) -> str:
    known = [point for point in points if _is_number(point.value)]
    target_text = f"target {_with_unit(target, unit_label)}" if _is_number(target) else ""

    def value(point: ChartPoint) -> float:
        assert point.value is not None
        return point.value

    def described(point: ChartPoint, template: str) -> str:
        return template.format(_with_unit(value(point), unit_label), format_month(point.label, long=True))

    if not known:
        text = NO_FIGURES
        return f"{text}; {target_text}." if target_text else f"{text}."

    latest = known[-1]
    clauses = [described(latest, "Latest: {} in {}")]
    if len(known) > 1:
        previous = known[-2]
        change = value(latest) - value(previous)
        direction = "up from" if change > 0 else "down from" if change < 0 else "the same as"
        clauses[0] += described(previous, f", {direction} {{}} in {{}}")
        # On a tie the most recent month is named.
        highest = max(reversed(known), key=value)
        lowest = min(reversed(known), key=value)
        if value(highest) == value(lowest):
            clauses.append(f"{_with_unit(value(highest), unit_label)} in every month")
        else:
            clauses.append(described(highest, "highest {} ({}), ") + described(lowest, "lowest {} ({})"))
    special = [format_month(point.label, long=True) for point in known if point.special]
    if special:
        noun = "unusual point" if len(special) == 1 else "unusual points"
        listed = special[0] if len(special) == 1 else ", ".join(special[:-1]) + " and " + special[-1]
        clauses.append(f"{noun} (special cause): {listed}")
    if target_text:
        clauses.append(target_text)
    return "; ".join(clauses) + "."


def summary_line(points: Sequence[ChartPoint], unit_label: str, target: float | None = None) -> str:
    """One line of plain English to print beside a chart, for example:

    "Crimes recorded. Latest: 412 in March 2025, up from 380 in February 2025; highest 455 (November 2024),
    lowest 301 (April 2024); target 400."

    A unit label of "%" is put after each figure instead of in front of the sentence.
    """
    text = _summary(points, unit_label, target)
    label = unit_label.strip()
    if label and label != "%":
        return f"{label.rstrip('.')}. {text}"
    return text


# --------------------------------------------------------------------------------------------------------
# Line chart


def _limits_legend(upper: bool, lower: bool) -> str:
    if upper and lower:
        return "Process limits"
    return "Upper process limit" if upper else "Lower process limit"


def _line_desc(
    points: Sequence[ChartPoint],
    unit_label: str,
    target: float | None,
    centre: float | None,
    upper_limit: float | None,
    lower_limit: float | None,
    has_previous: bool,
) -> str:
    what = unit_label.strip() or "figures"
    sentences = [f"Line chart of {what} by month"]
    if points:
        first, last = format_month(points[0].label, long=True), format_month(points[-1].label, long=True)
        sentences[0] += f", {first}" if len(points) == 1 else f", {first} to {last}"
    sentences[0] += "."
    sentences.append(_summary(points, unit_label, target))
    if has_previous:
        sentences.append("A dashed grey line shows the same month in the previous year.")
    if centre is not None:
        sentences.append(f"Average (centre line): {_with_unit(centre, unit_label)}.")
    limits = []
    if upper_limit is not None:
        limits.append(f"upper {_with_unit(upper_limit, unit_label)}")
    if lower_limit is not None:
        limits.append(f"lower {_with_unit(lower_limit, unit_label)}")
    if limits:
        sentences.append(f"Process limits (dashed lines): {', '.join(limits)}.")
    return " ".join(sentences)


def _no_figures(x: float, y: float) -> str:
    return _text(x, y + 5, NO_FIGURES, anchor="middle")


def _unit_heading(unit_label: str, width: float) -> tuple[list[str], float]:
    """The unit label above the y axis, wrapped to fit; returns the SVG and the height it takes."""
    lines = _wrap(unit_label.strip(), width - 16) if unit_label.strip() else []
    out = [_text(8, 18 + index * 18, line, weight="bold") for index, line in enumerate(lines)]
    return out, 12 + 18 * max(len(lines), 1)


def _left_margin(tick_labels: Sequence[str]) -> float:
    return max(40.0, max(_text_width(text) for text in tick_labels) + 16)


@dataclass(frozen=True)
class _Frame:
    """Where a chart's plot sits: its margins, size and the mapping of values and bands to pixels."""

    heading: list[str]
    top: float
    left: float
    plot_width: float
    plot_height: float
    total_height: float
    scale: _Scale
    band: float

    @property
    def bottom(self) -> float:
        return self.top + self.plot_height

    @property
    def right(self) -> float:
        return self.left + self.plot_width

    def y_of(self, value: float) -> float:
        return self.top + self.plot_height * (self.scale.high - value) / (self.scale.high - self.scale.low)

    def x_of(self, index: int) -> float:
        return self.left + self.band * (index + 0.5)


def _frame(
    width: int,
    height: int,
    unit_label: str,
    *,
    left: float,
    right: float,
    bottom: float,
    scale: _Scale,
    count: int,
) -> _Frame:
    heading, top = _unit_heading(unit_label, width)
    plot_width = max(width - left - right, 20.0)
    plot_height = max(height - top - bottom, _MIN_PLOT_HEIGHT)
    return _Frame(
        heading=list(heading),
        top=top,
        left=left,
        plot_width=plot_width,
        plot_height=plot_height,
        total_height=top + plot_height + bottom,
        scale=scale,
        band=plot_width / max(count, 1),
    )


def line_chart(
    points: Sequence[ChartPoint],
    *,
    title: str,
    unit_label: str,
    target: float | None = None,
    centre: float | None = None,
    upper_limit: float | None = None,
    lower_limit: float | None = None,
    previous_year: Sequence[float | None] | None = None,
    width: int = 640,
    height: int = 280,
    chart_id: str = "chart",
) -> str:
    """An SVG line chart of a monthly series, with optional previous year, average, process limits and target.

    ``previous_year[i]`` is the figure for the month a year before ``points[i]``; missing values (None or
    not finite) break the line. Width and height are the viewBox size; the SVG scales to its container.
    """
    chart_id = _safe_id(chart_id, "chart")
    width = max(int(width), _MIN_WIDTH)
    height = max(int(height), _MIN_HEIGHT)
    target = target if _is_number(target) else None
    centre = centre if _is_number(centre) else None
    upper_limit = upper_limit if _is_number(upper_limit) else None
    lower_limit = lower_limit if _is_number(lower_limit) else None
    previous = [value if _is_number(value) else None for value in list(previous_year or [])[: len(points)]]
    has_previous = any(value is not None for value in previous)

    scale = _scale(
        [point.value for point in points] + previous + [target, centre, upper_limit, lower_limit],
    )
    tick_labels = [_tick_text(tick, scale.decimals, unit_label) for tick in scale.ticks]

    has_values = any(_is_number(point.value) for point in points)
    legend_items = [_LegendItem("series", LEGEND_SERIES)] if has_values else []
    if has_previous:
        legend_items.append(_LegendItem("previous", LEGEND_PREVIOUS))
    if centre is not None:
        legend_items.append(_LegendItem("centre", LEGEND_CENTRE))
    if upper_limit is not None or lower_limit is not None:
        legend_items.append(
            _LegendItem("limits", _limits_legend(upper_limit is not None, lower_limit is not None))
        )
    if target is not None:
        legend_items.append(_LegendItem("target", TARGET_LABEL))
    if any(point.special and _is_number(point.value) for point in points):
        legend_items.append(_LegendItem("special", LEGEND_SPECIAL))

    left = _left_margin(tick_labels)
    rows = _legend_rows(legend_items, width - left - 8)
    frame = _frame(
        width,
        height,
        unit_label,
        left=left,
        right=16 + (_text_width(TARGET_LABEL) + 8 if target is not None else 0),
        bottom=34 + 10 + len(rows) * _LEGEND_ROW,
        scale=scale,
        count=len(points),
    )
    heading, top, plot_width, plot_height = frame.heading, frame.top, frame.plot_width, frame.plot_height
    total_height, plot_bottom, plot_right, band = frame.total_height, frame.bottom, frame.right, frame.band
    y_of, x_of = frame.y_of, frame.x_of

    body: list[str] = list(heading)

    # Grid and y axis labels.
    body.append('<g data-part="y-axis">')
    for tick, text in zip(scale.ticks, tick_labels, strict=True):
        y = y_of(tick)
        body.append(_line(left, y, plot_right, y, GRID_COLOUR, 1))
        body.append(_text(left - 8, y + 5, text, anchor="end"))
    body.append("</g>")
    if scale.low < 0 < scale.high:
        body.append(_line(left, y_of(0), plot_right, y_of(0), TEXT_COLOUR, 1))
    body.append(_line(left, top, left, plot_bottom, TEXT_COLOUR, 1))
    body.append(_line(left, plot_bottom, plot_right, plot_bottom, TEXT_COLOUR, 1))

    # X axis labels, thinned so they do not overlap.
    body.append('<g data-part="x-axis">')
    for index in _label_indices(
        [format_month(point.label) for point in points], band, MAX_MONTH_LABELS, from_end=True
    ):
        x = x_of(index)
        body.append(_line(x, plot_bottom, x, plot_bottom + 5, TEXT_COLOUR, 1))
        body.append(_text(x, plot_bottom + 22, format_month(points[index].label), anchor="middle"))
    body.append("</g>")

    # Reference lines.
    if has_previous:
        body.append('<g data-part="previous-year">')
        for segment in _segments(previous):
            if len(segment) == 1:
                x, y = x_of(segment[0][0]), y_of(segment[0][1])
                body.append(_line(x - 5, y, x + 5, y, PREVIOUS_COLOUR, 2))
            else:
                body.append(
                    _polyline([(x_of(i), y_of(v)) for i, v in segment], PREVIOUS_COLOUR, 2, PREVIOUS_DASH)
                )
        body.append("</g>")
    for name, limit in (("upper-limit", upper_limit), ("lower-limit", lower_limit)):
        if limit is not None:
            body.append(f'<g data-part="{name}">')
            body.append(_line(left, y_of(limit), plot_right, y_of(limit), LIMIT_COLOUR, 1.5, LIMIT_DASH))
            body.append("</g>")
    if centre is not None:
        body.append('<g data-part="centre">')
        body.append(_line(left, y_of(centre), plot_right, y_of(centre), CENTRE_COLOUR, 1))
        body.append("</g>")
    if target is not None:
        y = y_of(target)
        body.append('<g data-part="target">')
        body.append(_line(left, y, plot_right, y, TARGET_COLOUR, 2.5, TARGET_DASH))
        body.append(_text(plot_right + 6, y + 5, TARGET_LABEL, colour=TARGET_COLOUR, weight="bold"))
        body.append("</g>")

    # The series: a line per run of known values, then a dot per value.
    values = [point.value if _is_number(point.value) else None for point in points]
    body.append('<g data-part="series">')
    for segment in _segments(values):
        if len(segment) > 1:
            body.append(_polyline([(x_of(i), y_of(v)) for i, v in segment], SERIES_COLOUR, 3))
    for index, point in enumerate(points):
        value = values[index]
        if value is None:
            continue
        x, y = x_of(index), y_of(value)
        tooltip = _tag("title", {}, f"{format_month(point.label)}: {_with_unit(value, unit_label)}")
        if point.special:
            body.append(
                _tag(
                    "polygon",
                    {
                        "points": _diamond_points(x, y, 10),
                        "fill": "#ffffff",
                        "stroke": SPECIAL_COLOUR,
                        "stroke-width": 2,
                        "data-special": "true",
                    },
                )
            )
            attrs: dict[str, str | float] = {"cx": x, "cy": y, "r": 5.5, "fill": SPECIAL_COLOUR}
            attrs["data-special"] = "true"
        else:
            attrs = {"cx": x, "cy": y, "r": 4, "fill": SERIES_COLOUR, "stroke": "#ffffff", "stroke-width": 1}
        body.append(_tag("circle", attrs, children=[tooltip]))
    body.append("</g>")

    if not has_values:
        body.append(_no_figures(left + plot_width / 2, top + plot_height / 2))
    body.extend(_legend(rows, left, plot_bottom + 34))

    desc = _line_desc(points, unit_label, target, centre, upper_limit, lower_limit, has_previous)
    return _svg(chart_id, width, total_height, title, desc, body, "line")


def _segments(values: Sequence[float | None]) -> list[list[tuple[int, float]]]:
    """Runs of consecutive known values, as (index, value) pairs."""
    runs: list[list[tuple[int, float]]] = []
    current: list[tuple[int, float]] = []
    for index, value in enumerate(values):
        if value is None:
            if current:
                runs.append(current)
            current = []
        else:
            current.append((index, value))
    if current:
        runs.append(current)
    return runs


# --------------------------------------------------------------------------------------------------------
# Bar chart


def _bar_desc(labels: Sequence[str], values: Sequence[float], unit_label: str) -> str:
    what = unit_label.strip() or "figures"
    known = [(label, value) for label, value in zip(labels, values, strict=True) if math.isfinite(value)]
    if not known:
        return f"Bar chart of {what}. {NO_FIGURES}."
    highest = max(known, key=lambda pair: pair[1])
    lowest = min(known, key=lambda pair: pair[1])
    sentences = [
        f"Bar chart of {what}.",
        f"Highest {_with_unit(highest[1], unit_label)} ({highest[0]}), "
        f"lowest {_with_unit(lowest[1], unit_label)} ({lowest[0]}).",
    ]
    if len(known) <= 48:
        sentences.append(
            "Values: " + "; ".join(f"{label} {_with_unit(value, unit_label)}" for label, value in known) + "."
        )
    return " ".join(sentences)


def bar_chart(
    labels: Sequence[str],
    values: Sequence[float],
    *,
    title: str,
    unit_label: str,
    width: int = 640,
    height: int = 280,
    chart_id: str = "bars",
) -> str:
    """An SVG vertical bar chart, for example incidents by hour of day. Values that are not finite get no bar.

    Raises ValueError if ``labels`` and ``values`` differ in length.
    """
    if len(labels) != len(values):
        raise ValueError(f"bar_chart got {len(labels)} labels and {len(values)} values")
    chart_id = _safe_id(chart_id, "bars")
    width = max(int(width), _MIN_WIDTH)
    height = max(int(height), _MIN_HEIGHT)
    scale = _scale(values)
    tick_labels = [_tick_text(tick, scale.decimals, unit_label) for tick in scale.ticks]

    left = _left_margin(tick_labels)
    frame = _frame(
        width, height, unit_label, left=left, right=16.0, bottom=34.0, scale=scale, count=len(values)
    )
    heading, top, plot_width, plot_height = frame.heading, frame.top, frame.plot_width, frame.plot_height
    total_height, plot_bottom, plot_right, band = frame.total_height, frame.bottom, frame.right, frame.band
    y_of = frame.y_of
    bar_width = max(band * 0.7, 1.0)

    body: list[str] = list(heading)
    body.append('<g data-part="y-axis">')
    for tick, text in zip(scale.ticks, tick_labels, strict=True):
        y = y_of(tick)
        body.append(_line(left, y, plot_right, y, GRID_COLOUR, 1))
        body.append(_text(left - 8, y + 5, text, anchor="end"))
    body.append("</g>")

    if not any(math.isfinite(value) for value in values):
        body.append(_no_figures(left + plot_width / 2, top + plot_height / 2))
    body.append('<g data-part="bars">')
    zero = y_of(0)
    for index, (label, value) in enumerate(zip(labels, values, strict=True)):
        if not math.isfinite(value):
            continue
        x = left + band * index + (band - bar_width) / 2
        y = min(zero, y_of(value))
        tooltip = _tag("title", {}, f"{label}: {_with_unit(value, unit_label)}")
        body.append(
            _tag(
                "rect",
                {"x": x, "y": y, "width": bar_width, "height": abs(y_of(value) - zero), "fill": BAR_COLOUR},
                children=[tooltip],
            )
        )
    body.append("</g>")

    body.append(_line(left, top, left, plot_bottom, TEXT_COLOUR, 1))
    body.append(_line(left, zero, plot_right, zero, TEXT_COLOUR, 1))

    body.append('<g data-part="x-axis">')
    for index in _label_indices(list(labels), band, None, from_end=False):
        x = left + band * (index + 0.5)
        body.append(_text(x, plot_bottom + 22, labels[index], anchor="middle"))
    body.append("</g>")

    return _svg(chart_id, width, total_height, title, _bar_desc(labels, values, unit_label), body, "bar")
