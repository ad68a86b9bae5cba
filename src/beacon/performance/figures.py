"""How a KPI is drawn: its 24-month chart with process limits and special causes, for the pages,
the finding panel and the packs (one drawing everywhere)."""

from __future__ import annotations

from beacon.performance import charts, selectors
from beacon.performance.definitions import UNIT_SUFFIX
from beacon.performance.models import Period, Unit


def chart_unit(unit: str) -> str:
    """The unit as the chart's axis and summary say it ("" for a count)."""
    return "%" if unit == Unit.PERCENTAGE else UNIT_SUFFIX[unit].strip()


def chart_for(s: selectors.KpiSummary, chart_id: str, *, width: int = 640) -> str:
    points = [
        charts.ChartPoint(selectors.month_label(f.month), f.value, special=p.beyond_limits)
        for f, p in zip(s.history, s.chart.points, strict=True)
    ]
    unit = s.version.unit
    return charts.line_chart(
        points,
        title=f"{s.version.name}, {s.place.name}: the 24 months to {s.month:%B %Y}",
        unit_label=chart_unit(unit),
        target=s.target.value if s.target and s.target.period == Period.MONTH else None,
        centre=s.chart.centre,
        upper_limit=s.chart.upper_limit,
        lower_limit=s.chart.lower_limit_clipped if unit == Unit.COUNT else s.chart.lower_limit,
        previous_year=None,
        width=width,
        chart_id=chart_id,
    )
