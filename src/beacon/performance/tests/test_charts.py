"""The SVG charts: well-formed, accessible, honest about missing data, and safe with odd series."""

from __future__ import annotations

import itertools
import math
import re
import xml.etree.ElementTree as ET

import pytest

from beacon.performance.charts import (
    LEGEND_SPECIAL,
    MAX_MONTH_LABELS,
    NO_FIGURES,
    TARGET_LABEL,
    ChartPoint,
    bar_chart,
    contrast_ratio,
    format_month,
    format_number,
    heat_table_colour,
    line_chart,
    relative_luminance,
    summary_line,
)

NS = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    # The input is this module's own output, not untrusted XML.
    return ET.fromstring(svg)  # noqa: S314


def months(start_year: int, start_month: int, count: int) -> list[str]:
    labels = []
    year, month = start_year, start_month
    for _ in range(count):
        labels.append(f"{year}-{month:02d}")
        month += 1
        if month > 12:
            year, month = year + 1, 1
    return labels


def series(values: list[float | None], *, special: set[int] | None = None) -> list[ChartPoint]:
    special = special or set()
    return [
        ChartPoint(label, value, index in special)
        for index, (label, value) in enumerate(zip(months(2024, 4, len(values)), values, strict=True))
    ]


# The example from the brief: April 2024 to March 2025.
YEAR = [301.0, 340, 350, 360, 390, 370, 420, 455, 410, 395, 380, 412]


def part(root: ET.Element, name: str) -> ET.Element | None:
    return root.find(f".//{NS}g[@data-part='{name}']")


def texts(element: ET.Element) -> list[str]:
    return [text.text or "" for text in element.iter(f"{NS}text")]


def independent_contrast(first: str, second: str) -> float:
    """The WCAG 2 formula written out again, so the module is not checked against itself."""

    def luminance(colour: str) -> float:
        channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    high, low = sorted((luminance(first), luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


# --------------------------------------------------------------------------------------------------------
# Accessibility and structure


def test_the_root_is_an_image_labelled_by_its_own_title_and_desc() -> None:
    root = parse(line_chart(series(YEAR), title="Crimes recorded", unit_label="Crimes", chart_id="crimes"))

    assert root.tag == f"{NS}svg"
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "crimes-title crimes-desc"
    title, desc = root[0], root[1]
    assert title.tag == f"{NS}title"
    assert title.get("id") == "crimes-title"
    assert title.text == "Crimes recorded"
    assert desc.tag == f"{NS}desc"
    assert desc.get("id") == "crimes-desc"
    assert "Latest: 412 in March 2025" in (desc.text or "")
    assert "April 2024 to March 2025" in (desc.text or "")
    assert root.get("width") == "100%"
    assert re.fullmatch(r"0 0 640 \d+(\.\d+)?", root.get("viewBox") or "")


def test_two_charts_on_one_page_have_different_ids() -> None:
    first = parse(line_chart(series(YEAR), title="A", unit_label="x", chart_id="first"))
    second = parse(bar_chart(["a"], [1], title="B", unit_label="x", chart_id="second"))

    ids = [element.get("id") for root in (first, second) for element in root.iter() if element.get("id")]
    assert len(ids) == len(set(ids))


def test_a_chart_id_that_is_not_a_valid_id_is_cleaned() -> None:
    root = parse(line_chart(series(YEAR), title="A", unit_label="x", chart_id='1 "bad" <id>'))

    title_id = root[0].get("id") or ""
    assert re.fullmatch(r"[A-Za-z][A-Za-z0-9_-]*", title_id)
    assert root.get("aria-labelledby") == f"{title_id} {root[1].get('id')}"


def test_text_is_escaped_everywhere() -> None:
    points = [ChartPoint("<b>", 3), ChartPoint("2025-03", 4, special=True)]
    svg = line_chart(points, title='Crimes <&> "recorded"', unit_label="<&>", target=5, chart_id="x")
    bars = bar_chart(["<&>"], [1], title="<&>", unit_label="<&>")

    for output in (svg, bars):
        root = parse(output)
        assert root[0].text in {'Crimes <&> "recorded"', "<&>"}
        assert "<&>" not in output
        assert "<b>" not in output
    assert "&lt;&amp;&gt;" in svg


def test_characters_xml_cannot_hold_are_dropped() -> None:
    root = parse(line_chart([ChartPoint("2025-03\x00", 1)], title="Bad\x07 title\ud800", unit_label="x\x1b"))

    assert root[0].text == "Bad title"


def test_no_script_css_or_external_resources() -> None:
    charts = [
        line_chart(series(YEAR, special={7}), title="A", unit_label="x", target=400, centre=380),
        bar_chart(["a", "b"], [1, 2], title="B", unit_label="x"),
    ]

    for svg in charts:
        for forbidden in ("<script", "<style", "var(", "href", "@import", "class="):
            assert forbidden not in svg
        root = parse(svg)
        assert not [name for e in root.iter() for name in e.attrib if name.startswith("on")]
        assert [e for e in root.iter() if e.get("style")] == [root]
        for text in root.iter(f"{NS}text"):
            assert text.get("font-family") == "Arial, sans-serif"


def test_colours_contrast_with_white() -> None:
    svg = line_chart(
        series(YEAR, special={7}),
        title="A",
        unit_label="x",
        target=400,
        centre=380,
        upper_limit=460,
        lower_limit=300,
        previous_year=[300.0] * 12,
    )
    root = parse(svg)
    grid = {"#d8d8d8"}  # decorative grid lines
    for element in root.iter():
        for attribute in ("stroke", "fill"):
            colour = element.get(attribute)
            if colour in (None, "none", "#ffffff") or colour in grid:
                continue
            assert colour is not None
            needed = 4.5 if element.tag == f"{NS}text" else 3.0
            assert independent_contrast(colour, "#ffffff") >= needed, (element.tag, colour)


# --------------------------------------------------------------------------------------------------------
# What is drawn


def test_one_circle_per_point_with_a_value() -> None:
    values: list[float | None] = [1, None, 3, 4, math.nan, 6, None]
    root = parse(line_chart(series(values), title="A", unit_label="x"))

    assert len(root.findall(f".//{NS}circle")) == 4


def test_each_point_has_a_tooltip_with_its_month_and_value() -> None:
    root = parse(line_chart(series([5, 7]), title="A", unit_label="x"))

    tooltips = [circle.findtext(f"{NS}title") for circle in root.iter(f"{NS}circle")]
    assert tooltips == ["Apr 2024: 5", "May 2024: 7"]


def test_missing_values_break_the_line() -> None:
    root = parse(line_chart(series([1, 2, None, 4, 5, None, 7]), title="A", unit_label="x"))

    lines = part(root, "series")
    assert lines is not None
    polylines = lines.findall(f"{NS}polyline")
    assert len(polylines) == 2  # 7 stands alone: a dot, no line
    assert [len((p.get("points") or "").split()) for p in polylines] == [2, 2]


def test_special_cause_points_have_a_diamond_as_well_as_another_colour_and_size() -> None:
    root = parse(line_chart(series(YEAR, special={3, 7}), title="A", unit_label="x"))

    circles = root.findall(f".//{NS}circle")
    special = [circle for circle in circles if circle.get("data-special") == "true"]
    ordinary = [circle for circle in circles if circle.get("data-special") != "true"]
    assert len(special) == 2
    assert len(ordinary) == 10
    assert {circle.get("fill") for circle in special}.isdisjoint({circle.get("fill") for circle in ordinary})
    assert min(float(c.get("r") or 0) for c in special) > max(float(c.get("r") or 0) for c in ordinary)
    # Not colour alone: a diamond round each special point.
    diamonds = root.findall(f".//{NS}polygon[@data-special='true']")
    assert len(diamonds) == 2
    for diamond, circle in zip(diamonds, special, strict=True):
        xs = [float(pair.split(",")[0]) for pair in (diamond.get("points") or "").split()]
        assert min(xs) < float(circle.get("cx") or 0) < max(xs)
    legend = part(root, "legend")
    assert legend is not None
    assert LEGEND_SPECIAL in texts(legend)
    assert "unusual points (special cause): July 2024 and November 2024" in (root[1].text or "")


def test_no_special_markers_or_legend_entry_without_special_points() -> None:
    root = parse(line_chart(series(YEAR), title="A", unit_label="x"))

    assert root.findall(f".//{NS}polygon") == []
    assert LEGEND_SPECIAL not in texts(root)


def test_a_special_flag_on_a_missing_value_draws_nothing() -> None:
    root = parse(line_chart(series([1, None, 3], special={1}), title="A", unit_label="x"))

    assert root.findall(f".//{NS}polygon") == []
    assert len(root.findall(f".//{NS}circle")) == 2


def test_target_limits_centre_and_previous_year_are_drawn_when_given() -> None:
    root = parse(
        line_chart(
            series(YEAR),
            title="A",
            unit_label="x",
            target=400,
            centre=380,
            upper_limit=460,
            lower_limit=300,
            previous_year=[300.0, None, 320, 330, 340, 350, 360, 370, 380, 390, 400, 410],
        )
    )

    target = part(root, "target")
    assert target is not None
    assert texts(target) == [TARGET_LABEL]
    target_line = target.find(f"{NS}line")
    assert target_line is not None and target_line.get("stroke-dasharray")
    for name in ("upper-limit", "lower-limit"):
        limit = part(root, name)
        assert limit is not None
        limit_line = limit.find(f"{NS}line")
        assert limit_line is not None and limit_line.get("stroke-dasharray")
    centre = part(root, "centre")
    assert centre is not None
    centre_line = centre.find(f"{NS}line")
    assert centre_line is not None and centre_line.get("stroke-dasharray") is None
    previous = part(root, "previous-year")
    assert previous is not None
    previous_lines = previous.findall(f"{NS}polyline")
    assert len(previous_lines) == 1  # the first month stands alone after the gap
    assert previous_lines[0].get("stroke-dasharray")
    assert previous_lines[0].get("stroke") == "#505a5f"
    legend = part(root, "legend")
    assert legend is not None
    assert texts(legend) == [
        "Monthly figure",
        "Same month, previous year",
        "Average (mean)",
        "Process limits",
        "Target",
    ]
    desc = root[1].text or ""
    assert "target 400" in desc
    assert "Average (centre line): 380" in desc
    assert "upper 460, lower 300" in desc


def test_the_lines_sit_at_their_values() -> None:
    root = parse(line_chart(series([100, 200]), title="A", unit_label="x", target=150, centre=100))

    def line_y(name: str) -> float:
        group = part(root, name)
        assert group is not None
        line = group.find(f"{NS}line")
        assert line is not None
        return float(line.get("y1") or 0)

    circles = root.findall(f".//{NS}circle")
    y100, y200 = (float(c.get("cy") or 0) for c in circles)
    assert line_y("centre") == pytest.approx(y100, abs=0.01)
    assert line_y("target") == pytest.approx((y100 + y200) / 2, abs=0.01)


def test_nothing_optional_is_drawn_when_not_given() -> None:
    root = parse(line_chart(series(YEAR), title="A", unit_label="x"))

    for name in ("target", "upper-limit", "lower-limit", "centre", "previous-year"):
        assert part(root, name) is None
    assert TARGET_LABEL not in texts(root)
    legend = part(root, "legend")
    assert legend is not None
    assert texts(legend) == ["Monthly figure"]


def test_only_one_limit_is_named_as_such() -> None:
    root = parse(line_chart(series(YEAR), title="A", unit_label="x", upper_limit=460))

    assert part(root, "upper-limit") is not None
    assert part(root, "lower-limit") is None
    assert "Upper process limit" in texts(root)


# --------------------------------------------------------------------------------------------------------
# Axes


def y_tick_labels(root: ET.Element) -> list[str]:
    axis = part(root, "y-axis")
    assert axis is not None
    return texts(axis)


def x_tick_labels(root: ET.Element) -> list[str]:
    axis = part(root, "x-axis")
    assert axis is not None
    return texts(axis)


def test_y_axis_starts_at_zero_with_nice_ticks() -> None:
    root = parse(line_chart(series(YEAR), title="A", unit_label="x"))

    assert y_tick_labels(root) == ["0", "100", "200", "300", "400", "500"]


def test_y_axis_covers_the_target_and_limits_too() -> None:
    root = parse(line_chart(series([10, 12]), title="A", unit_label="x", target=50, upper_limit=61))

    assert float(y_tick_labels(root)[-1].replace(",", "")) >= 61


def test_y_axis_reaches_below_zero_for_negative_values() -> None:
    root = parse(line_chart(series([-12.5, 3, -4]), title="A", unit_label="%"))

    labels = y_tick_labels(root)
    assert float(labels[0].rstrip("%")) <= -12.5
    assert float(labels[-1].rstrip("%")) >= 3
    assert "0%" in labels


def test_small_values_get_decimal_ticks_and_large_values_thousands_separators() -> None:
    small = parse(line_chart(series([0.02, 0.05]), title="A", unit_label="x"))
    large = parse(line_chart(series([12_000, 48_000]), title="A", unit_label="x"))

    assert y_tick_labels(small)[-1] == "0.05"
    assert y_tick_labels(large)[-1] == "50,000"


def test_month_labels_are_readable_and_thinned_to_at_most_eight() -> None:
    points = [ChartPoint(label, 10) for label in months(2022, 4, 36)]  # April 2022 to March 2025
    root = parse(line_chart(points, title="A", unit_label="x"))

    labels = x_tick_labels(root)
    assert 2 <= len(labels) <= MAX_MONTH_LABELS
    assert labels[-1] == "Mar 2025"  # the latest month is always labelled
    axis = part(root, "x-axis")
    assert axis is not None
    xs = [float(text.get("x") or 0) for text in axis.iter(f"{NS}text")]
    gaps = [b - a for a, b in itertools.pairwise(xs)]
    assert min(gaps) > len("Mar 2025") * 14 * 0.5  # wider than the text, so no overlap


def test_a_year_of_months_is_labelled_without_overlap_on_a_narrow_chart() -> None:
    root = parse(line_chart(series(YEAR), title="A", unit_label="x", width=320))

    axis = part(root, "x-axis")
    assert axis is not None
    xs = [float(text.get("x") or 0) for text in axis.iter(f"{NS}text")]
    assert len(xs) <= 4
    assert all(b - a > len("Mar 2025") * 14 * 0.5 for a, b in itertools.pairwise(xs))


def test_format_month() -> None:
    assert format_month("2025-03") == "Mar 2025"
    assert format_month("2025-03", long=True) == "March 2025"
    assert format_month("2024-9") == "Sep 2024"
    assert format_month("2025-03-01") == "Mar 2025"
    assert format_month("2025-13") == "2025-13"
    assert format_month("Q1 2025") == "Q1 2025"


def test_format_number() -> None:
    assert format_number(412) == "412"
    assert format_number(1234.0) == "1,234"
    assert format_number(85.25) == "85.25"
    assert format_number(85.5) == "85.5"
    assert format_number(0.0531) == "0.05"
    assert format_number(0.00123) == "0.00123"
    assert format_number(-0.0) == "0"
    assert format_number(-3) == "-3"


# --------------------------------------------------------------------------------------------------------
# Degenerate series


DEGENERATE: dict[str, list[float | None]] = {
    "empty": [],
    "all missing": [None, None, None],
    "one point": [42],
    "one missing point": [None],
    "all equal": [7, 7, 7, 7],
    "all zero": [0, 0, 0],
    "negative": [-5, -3, -8],
    "mixed signs": [-5, 0, 5],
    "not finite": [math.nan, math.inf, -math.inf, 3],
    "tiny": [1e-12, 2e-12],
    "huge": [1e300, -1e300],
}


@pytest.mark.parametrize("values", DEGENERATE.values(), ids=DEGENERATE.keys())
def test_degenerate_line_series_give_valid_svg(values: list[float | None]) -> None:
    points = series(values, special={0})
    svg = line_chart(
        points,
        title="A",
        unit_label="x",
        target=values[0] if values and values[0] is not None and math.isfinite(values[0]) else None,
        previous_year=list(reversed(values)),
    )

    root = parse(svg)
    assert root.get("role") == "img"
    assert not re.search(r"nan|inf", svg.replace("Line chart of", "").replace("information", ""), re.I)
    known = [value for value in values if value is not None and math.isfinite(value)]
    assert len(root.findall(f".//{NS}circle")) == len(known)
    for element in root.iter():
        for attribute in ("x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r", "width", "height"):
            if element.get(attribute) not in (None, "100%"):
                assert math.isfinite(float(element.get(attribute) or "x"))
    if not known:
        assert NO_FIGURES in texts(root)
        assert NO_FIGURES in (root[1].text or "")


@pytest.mark.parametrize("values", DEGENERATE.values(), ids=DEGENERATE.keys())
def test_degenerate_bar_series_give_valid_svg(values: list[float | None]) -> None:
    numbers = [math.nan if value is None else value for value in values]
    svg = bar_chart([str(i) for i in range(len(numbers))], numbers, title="A", unit_label="x")

    root = parse(svg)
    assert root.get("role") == "img"
    assert len(root.findall(f".//{NS}rect")) == len([n for n in numbers if math.isfinite(n)])
    for rect in root.iter(f"{NS}rect"):
        assert float(rect.get("height") or -1) >= 0


def test_a_single_point_is_centred() -> None:
    root = parse(line_chart(series([42]), title="A", unit_label="x", width=640))

    circle = root.find(f".//{NS}circle")
    assert circle is not None
    axis_labels = x_tick_labels(root)
    assert axis_labels == ["Apr 2024"]
    assert root.findall(f".//{NS}polyline") == []


def test_tiny_sizes_are_enlarged_rather_than_broken() -> None:
    root = parse(line_chart(series(YEAR), title="A", unit_label="x", width=0, height=-5))

    _, _, width, height = (float(n) for n in (root.get("viewBox") or "").split())
    assert width > 0 and height > 0


# --------------------------------------------------------------------------------------------------------
# Bar chart


HOURS = [f"{hour:02d}" for hour in range(24)]
BY_HOUR = [3.0, 2, 1, 1, 0, 1, 2, 4, 6, 8, 9, 10, 12, 11, 10, 9, 11, 14, 13, 12, 10, 8, 6, 4]


def test_bar_chart_has_a_bar_per_value_and_is_accessible() -> None:
    root = parse(
        bar_chart(HOURS, BY_HOUR, title="Incidents by hour", unit_label="Incidents", chart_id="hours")
    )

    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "hours-title hours-desc"
    assert root[0].text == "Incidents by hour"
    bars = root.findall(f".//{NS}rect")
    assert len(bars) == 24
    assert bars[17].findtext(f"{NS}title") == "17: 14"
    assert max(bars, key=lambda bar: float(bar.get("height") or 0)) is bars[17]
    assert float(bars[4].get("height") or 1) == 0
    desc = root[1].text or ""
    assert "Highest 14 (17), lowest 0 (04)" in desc
    assert "00 3; 01 2;" in desc
    labels = x_tick_labels(root)
    assert labels[0] == "00"
    assert len(labels) < 24 or all(len(label) == 2 for label in labels)


def test_negative_bars_hang_below_the_zero_line() -> None:
    root = parse(bar_chart(["up", "down"], [5, -5], title="A", unit_label="x"))

    up, down = root.findall(f".//{NS}rect")
    assert float(down.get("y") or 0) == pytest.approx(float(up.get("y") or 0) + float(up.get("height") or 0))
    assert float(up.get("height") or 0) == pytest.approx(float(down.get("height") or 0))


def test_bar_chart_refuses_mismatched_labels_and_values() -> None:
    with pytest.raises(ValueError, match="2 labels and 1 values"):
        bar_chart(["a", "b"], [1], title="A", unit_label="x")


# --------------------------------------------------------------------------------------------------------
# Heat table colours


@pytest.mark.parametrize("maximum", [1, 7, 24, 100, 1234.5])
def test_heat_table_text_always_has_enough_contrast(maximum: float) -> None:
    steps = 200
    backgrounds = []
    for step in range(steps + 1):
        background, text = heat_table_colour(maximum * step / steps, maximum)
        assert re.fullmatch(r"#[0-9a-f]{6}", background)
        assert text in {"#ffffff", "#0b0c0c", "#000000"}
        assert contrast_ratio(background, text) >= 4.5
        assert independent_contrast(background, text) >= 4.5
        backgrounds.append(background)
    luminances = [relative_luminance(background) for background in backgrounds]
    assert luminances == sorted(luminances, reverse=True)  # darker as the value grows
    assert backgrounds[0] == "#ffffff"


def test_heat_table_colour_handles_odd_inputs() -> None:
    assert heat_table_colour(5, 0) == heat_table_colour(0, 10)
    assert heat_table_colour(-3, 10) == heat_table_colour(0, 10)
    assert heat_table_colour(30, 10) == heat_table_colour(10, 10)
    assert heat_table_colour(math.nan, 10) == heat_table_colour(0, 10)
    assert heat_table_colour(5, math.nan) == heat_table_colour(0, 10)
    assert heat_table_colour(10, 10)[1] == "#ffffff"
    assert heat_table_colour(0, 10)[1] == "#0b0c0c"


def test_contrast_ratio_follows_wcag() -> None:
    assert contrast_ratio("#ffffff", "#000000") == pytest.approx(21)
    assert contrast_ratio("#000", "#fff") == pytest.approx(21)
    assert contrast_ratio("#1d70b8", "#ffffff") == pytest.approx(5.17, abs=0.01)
    assert contrast_ratio("#777777", "#777777") == pytest.approx(1)
    with pytest.raises(ValueError):
        relative_luminance("blue")


# --------------------------------------------------------------------------------------------------------
# Summary line


def test_summary_line_matches_the_example_wording() -> None:
    assert summary_line(series(YEAR), "", target=400) == (
        "Latest: 412 in March 2025, up from 380 in February 2025; highest 455 (November 2024), "
        "lowest 301 (April 2024); target 400."
    )


def test_summary_line_starts_with_the_unit_label() -> None:
    assert summary_line(series([5, 3]), "Crimes recorded") == (
        "Crimes recorded. Latest: 3 in May 2024, down from 5 in April 2024; "
        "highest 5 (April 2024), lowest 3 (May 2024)."
    )


def test_summary_line_puts_a_percent_sign_on_each_figure() -> None:
    assert summary_line(series([81.5, 85.25]), "%", target=90) == (
        "Latest: 85.25% in May 2024, up from 81.5% in April 2024; "
        "highest 85.25% (May 2024), lowest 81.5% (April 2024); target 90%."
    )


def test_summary_line_for_an_unchanged_flat_series() -> None:
    assert summary_line(series([7, 7, 7]), "") == (
        "Latest: 7 in June 2024, the same as 7 in May 2024; 7 in every month."
    )


def test_summary_line_skips_missing_months() -> None:
    text = summary_line(series([10, 20, None, 15, None]), "")

    assert text.startswith("Latest: 15 in July 2024, down from 20 in May 2024;")


def test_summary_line_names_the_latest_month_on_a_tie() -> None:
    text = summary_line(series([9, 2, 9, 2, 5]), "")

    assert "highest 9 (June 2024), lowest 2 (July 2024)" in text


def test_summary_line_for_one_or_no_points() -> None:
    assert summary_line(series([42]), "") == "Latest: 42 in April 2024."
    assert summary_line(series([]), "") == "No figures available."
    assert summary_line(series([None, None]), "", target=5) == "No figures available; target 5."
    assert summary_line(series([]), "Crimes") == "Crimes. No figures available."


def test_summary_line_mentions_special_cause_points() -> None:
    text = summary_line(series([1, 9, 2], special={1}), "")

    assert "unusual point (special cause): May 2024" in text


def test_summary_line_with_labels_that_are_not_months() -> None:
    points = [ChartPoint("Week 1", 4), ChartPoint("Week 2", 6)]

    assert summary_line(points, "").startswith("Latest: 6 in Week 2, up from 4 in Week 1;")
