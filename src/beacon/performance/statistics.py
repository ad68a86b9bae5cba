"""Statistics for performance reporting: comparing figures, control charts and reporting periods.

Pure Python, with no Django and no database, so that every figure can be reproduced by an analyst
with scipy and statsmodels:

* ``compare_counts``: the exact conditional test of two Poisson counts. Given ``now + before``, ``now``
  is Binomial(now + before, e_now / (e_now + e_before)) under "no change in the rate", and the two-sided
  p-value is ``scipy.stats.binomtest(now, now + before, e_now / (e_now + e_before)).pvalue`` (the same as
  ``statsmodels.stats.rates.test_poisson_2indep(now, e_now, before, e_before, method="exact-cond")``).
* ``compare_proportions``: the pooled two-proportion z-test
  (``statsmodels.stats.proportion.proportions_ztest``) with Wilson intervals for each proportion.
* ``wilson_interval``: ``statsmodels.stats.proportion.proportion_confint(x, n, alpha, method="wilson")``.
* ``xmr``: an individuals (XmR) control chart, with the Anhøj run-chart rules around the median.
* Month helpers for reporting periods (UK financial year April to March).

scipy and statsmodels are imported inside the functions that use them, so importing this module (for
example from a view) stays cheap.
"""

from __future__ import annotations

import math
import re
import statistics as pystats
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import pairwise
from typing import Literal, NamedTuple

__all__ = [
    "XMR_SCALING",
    "CountComparison",
    "Month",
    "MonthLike",
    "ProportionComparison",
    "Side",
    "XmRChart",
    "XmRPoint",
    "compare_counts",
    "compare_proportions",
    "financial_year_to_date",
    "format_month",
    "month_bounds",
    "month_range",
    "parse_month",
    "rolling_12",
    "same_period_last_year",
    "shift_month",
    "wilson_interval",
    "xmr",
]

#: The XmR scaling factor: 3 / d2 with d2 = 1.128 for moving ranges of two points.
XMR_SCALING = 2.66


# --- small helpers ------------------------------------------------------------------------------------


def _round_half_away(value: float, places: int = 0) -> float:
    """Round as people do on paper (2.5 -> 3, -2.5 -> -3), not banker's rounding."""
    factor = 10.0**places
    return math.copysign(math.floor(abs(value) * factor + 0.5), value) / factor


def _signed_whole(value: float) -> str:
    """A whole-number percentage with its sign: "+59", "-3", "0"."""
    rounded = int(_round_half_away(value))
    return f"{rounded:+d}" if rounded else "0"


def _signed_one_place(value: float) -> str:
    """A figure to one decimal place with its sign: "+3.4", "-0.5", "0.0"."""
    rounded = _round_half_away(value, 1)
    return f"{rounded:+.1f}" if rounded else "0.0"


def _check_alpha(alpha: float) -> None:
    if not 0.0 < alpha < 1.0:
        raise ValueError(f"alpha must be between 0 and 1, not {alpha}")


def _finite_or_none(value: float) -> float | None:
    return value if math.isfinite(value) else None


def _plural(count: int, singular: str, plural: str | None = None) -> str:
    return f"{count} {singular if count == 1 else (plural or singular + 's')}"


# --- comparing two counts -----------------------------------------------------------------------------


@dataclass(frozen=True)
class CountComparison:
    """Two counts compared with the exact conditional (binomial) test for Poisson counts.

    ``change_pct`` is the percentage change in the rate (count / exposure); with equal exposures (the
    default) that is simply the percentage change in the count. It is None when ``before`` is 0.
    ``p_value`` and ``significant`` are None when both counts are 0 (there is nothing to test).
    """

    now: int
    before: int
    exposure_now: float
    exposure_before: float
    alpha: float
    change: int
    change_pct: float | None
    p_value: float | None
    significant: bool | None

    def describe(self) -> str:
        """Short words for a table cell, e.g. "+59%, significant" or "-3%, not significant"."""
        if self.now == 0 and self.before == 0:
            return "no change (both 0)"
        verdict = "significant" if self.significant else "not significant"
        if self.change_pct is None:
            return f"up from 0, {verdict}"
        return f"{_signed_whole(self.change_pct)}%, {verdict}"


def compare_counts(
    now: int,
    before: int,
    exposure_now: float = 1.0,
    exposure_before: float = 1.0,
    alpha: float = 0.05,
) -> CountComparison:
    """Compare two counts (e.g. crimes this year and last year) with the exact conditional test.

    Conditional on the total ``now + before``, and if the underlying rate has not changed, ``now`` is
    Binomial(now + before, exposure_now / (exposure_now + exposure_before)). The two-sided p-value is
    ``scipy.stats.binomtest(now, now + before, p).pvalue``. Exposures let periods of different lengths
    (or populations) be compared: e.g. 3 months now against 12 months before.
    """
    from scipy.stats import binomtest

    if now < 0 or before < 0:
        raise ValueError(f"counts cannot be negative: now={now}, before={before}")
    if not (math.isfinite(exposure_now) and math.isfinite(exposure_before)):
        raise ValueError("exposures must be finite numbers")
    if exposure_now <= 0 or exposure_before <= 0:
        raise ValueError(
            f"exposures must be greater than 0: exposure_now={exposure_now}, "
            f"exposure_before={exposure_before}"
        )
    _check_alpha(alpha)

    change_pct: float | None = None
    if before > 0:
        rate_now = now / exposure_now
        rate_before = before / exposure_before
        change_pct = (rate_now / rate_before - 1.0) * 100.0

    p_value: float | None = None
    significant: bool | None = None
    total = now + before
    if total > 0:
        share = exposure_now / (exposure_now + exposure_before)
        p_value = _finite_or_none(float(binomtest(now, total, share).pvalue))
        if p_value is not None:
            p_value = min(p_value, 1.0)
            significant = p_value < alpha

    return CountComparison(
        now=now,
        before=before,
        exposure_now=exposure_now,
        exposure_before=exposure_before,
        alpha=alpha,
        change=now - before,
        change_pct=change_pct,
        p_value=p_value,
        significant=significant,
    )


# --- comparing two proportions ------------------------------------------------------------------------


def _check_proportion(x: int, n: int) -> None:
    if n < 0:
        raise ValueError(f"the number of cases cannot be negative: n={n}")
    if not 0 <= x <= n:
        raise ValueError(f"x must be between 0 and n: x={x}, n={n}")


def wilson_interval(x: int, n: int, alpha: float = 0.05) -> tuple[float, float] | None:
    """The Wilson score interval for x out of n (95% by default), or None when n is 0.

    The same as ``statsmodels.stats.proportion.proportion_confint(x, n, alpha, method="wilson")``.
    """
    from statsmodels.stats.proportion import proportion_confint

    _check_proportion(x, n)
    _check_alpha(alpha)
    if n == 0:
        return None
    low, high = proportion_confint(x, n, alpha=alpha, method="wilson")
    return (min(max(float(low), 0.0), 1.0), min(max(float(high), 0.0), 1.0))


@dataclass(frozen=True)
class ProportionComparison:
    """Two proportions (e.g. the share of crimes solved) compared with the pooled two-proportion z-test.

    Rates are fractions from 0 to 1; ``change_points`` is the change in percentage points. Anything that
    cannot be worked out is None, never NaN, and ``reason`` says why the test was not done:

    * no cases in one period (n = 0): the rates, intervals and change are None as needed,
      ``p_value`` and ``significant`` are None;
    * both rates 0% or both 100%: the z-test is undefined, ``p_value`` is None and ``significant`` is
      False (the two periods are identical).
    """

    x_now: int
    n_now: int
    x_before: int
    n_before: int
    alpha: float
    rate_now: float | None
    rate_before: float | None
    interval_now: tuple[float, float] | None
    interval_before: tuple[float, float] | None
    change_points: float | None
    z_statistic: float | None
    p_value: float | None
    significant: bool | None
    reason: str | None

    def describe(self) -> str:
        """Short words, e.g. "+3.4 percentage points, significant"."""
        if self.rate_now is None and self.rate_before is None:
            return "no figures"
        if self.rate_now is None:
            return "no current figure"
        if self.rate_before is None or self.change_points is None:
            return "no earlier figure"
        if self.p_value is None:
            return f"no change (both {_round_half_away(self.rate_now * 100):.0f}%)"
        verdict = "significant" if self.significant else "not significant"
        return f"{_signed_one_place(self.change_points)} percentage points, {verdict}"


def compare_proportions(
    x_now: int,
    n_now: int,
    x_before: int,
    n_before: int,
    alpha: float = 0.05,
) -> ProportionComparison:
    """Compare x_now / n_now with x_before / n_before.

    The p-value is from ``statsmodels.stats.proportion.proportions_ztest([x_now, x_before],
    [n_now, n_before])`` (pooled variance, two-sided); the intervals are Wilson intervals at the same
    ``alpha`` (95% by default).
    """
    from statsmodels.stats.proportion import proportions_ztest

    _check_proportion(x_now, n_now)
    _check_proportion(x_before, n_before)
    _check_alpha(alpha)

    rate_now = x_now / n_now if n_now else None
    rate_before = x_before / n_before if n_before else None
    change_points = None
    if rate_now is not None and rate_before is not None:
        change_points = (rate_now - rate_before) * 100.0

    z_statistic: float | None = None
    p_value: float | None = None
    significant: bool | None = None
    reason: str | None = None
    if n_now == 0 and n_before == 0:
        reason = "no cases in either period"
    elif n_now == 0:
        reason = "no cases in the current period"
    elif n_before == 0:
        reason = "no cases in the earlier period"
    elif x_now + x_before == 0:
        reason = "both rates are 0%, so there is nothing to test"
        significant = False
    elif x_now + x_before == n_now + n_before:
        reason = "both rates are 100%, so there is nothing to test"
        significant = False
    else:
        statistic, p = proportions_ztest([x_now, x_before], [n_now, n_before])
        z_statistic = _finite_or_none(float(statistic))
        p_value = _finite_or_none(float(p))
        if p_value is None:
            reason = "the z-test could not be worked out"
        else:
            significant = p_value < alpha

    return ProportionComparison(
        x_now=x_now,
        n_now=n_now,
        x_before=x_before,
        n_before=n_before,
        alpha=alpha,
        rate_now=rate_now,
        rate_before=rate_before,
        interval_now=wilson_interval(x_now, n_now, alpha),
        interval_before=wilson_interval(x_before, n_before, alpha),
        change_points=change_points,
        z_statistic=z_statistic,
        p_value=p_value,
        significant=significant,
        reason=reason,
    )


# --- XmR chart with the Anhøj run rules ---------------------------------------------------------------

Side = Literal["above", "below", "on"]


@dataclass(frozen=True)
class XmRPoint:
    """One point on the chart. ``value`` and ``side`` (of the median) are None for a missing figure."""

    label: str
    value: float | None
    beyond_limits: bool
    side: Side | None


@dataclass(frozen=True)
class XmRChart:
    """An individuals (XmR) chart with the Anhøj run-chart rules.

    * ``centre`` is the mean of the figures, ``mr_bar`` the mean moving range (the mean of |x_i - x_{i-1}|
      over consecutive figures, missing ones skipped), and the limits are centre ± 2.66 * mr_bar. The lower
      limit is not clipped; ``lower_limit_clipped`` is it clipped at 0, for counts.
    * ``n_values`` is the number of figures (missing ones left out); ``n_useful`` the number not exactly on
      the median, which is what the run rules use.
    * Run rules (Anhøj): ``run_signal`` when ``longest_run`` (the longest run of consecutive useful points
      on one side of the median) is more than ``longest_run_limit`` = round(log2(n_useful) + 3);
      ``crossing_signal`` when ``crossings`` (of the median) is fewer than ``crossings_limit`` =
      ``scipy.stats.binom.ppf(0.05, n_useful - 1, 0.5)``.
    * With fewer than 2 figures the limits and ``mr_bar`` are None (the centre and median too when there
      is no figure at all; a single figure is its own centre and median), nothing is beyond the limits
      and there are no signals. With fewer
      than 2 useful points the run-rule limits are None and there are no run signals.
    """

    centre: float | None
    median: float | None
    mr_bar: float | None
    upper_limit: float | None
    lower_limit: float | None
    lower_limit_clipped: float | None
    points: list[XmRPoint]
    n_values: int
    n_useful: int
    longest_run: int
    longest_run_limit: int | None
    crossings: int
    crossings_limit: int | None
    run_signal: bool
    crossing_signal: bool
    special_cause: bool

    @property
    def beyond_limits(self) -> list[XmRPoint]:
        """The points beyond the limits, in order."""
        return [point for point in self.points if point.beyond_limits]

    def summary(self, unit: str = "month", units: str | None = None) -> str:
        """One line of plain English, e.g. "No special cause: 24 months within the limits, longest run 5
        (limit 8), 11 crossings (at least 8 expected)."

        ``unit`` names a point ("month", "week"); ``units`` is its plural if not ``unit`` + "s".
        """
        if self.upper_limit is None:
            return (
                f"Too few figures for a chart: {_plural(self.n_values, unit, units)} with a figure, "
                "at least 2 needed."
            )
        beyond = self.beyond_limits
        if beyond:
            labels = ", ".join(point.label for point in beyond)
            parts = [f"{_plural(len(beyond), unit, units)} beyond the limits ({labels})"]
        else:
            parts = [f"{_plural(self.n_values, unit, units)} within the limits"]
        if self.longest_run_limit is None or self.crossings_limit is None:
            parts.append("too few points off the median for the run rules")
        else:
            if self.run_signal:
                parts.append(f"longest run {self.longest_run} (over the limit of {self.longest_run_limit})")
            else:
                parts.append(f"longest run {self.longest_run} (limit {self.longest_run_limit})")
            crossings = _plural(self.crossings, "crossing")
            if self.crossing_signal:
                parts.append(f"only {crossings} (at least {self.crossings_limit} expected)")
            else:
                parts.append(f"{crossings} (at least {self.crossings_limit} expected)")
        prefix = "Special cause" if self.special_cause else "No special cause"
        return f"{prefix}: {', '.join(parts)}."


def _is_missing(value: float | None) -> bool:
    return value is None or math.isnan(value)


def xmr(values: Sequence[float | None], labels: Sequence[str] | None = None) -> XmRChart:
    """Build an XmR chart for ``values`` in time order, labelled by ``labels`` (default "1", "2", ...).

    Missing figures (None, or NaN) keep their place in ``points`` but are skipped for the limits and the
    run rules: the moving range and the runs bridge the gap. Points are beyond the limits when strictly
    above the upper limit or strictly below the (unclipped) lower limit.
    """
    from scipy.stats import binom

    if labels is None:
        labels = [str(index + 1) for index in range(len(values))]
    if len(labels) != len(values):
        raise ValueError(f"{len(labels)} labels for {len(values)} values: they must match")
    for value in values:
        if value is not None and math.isinf(value):
            raise ValueError(f"values must be finite numbers, not {value}")

    present = [float(value) for value in values if value is not None and not _is_missing(value)]
    n_values = len(present)
    centre = pystats.fmean(present) if present else None
    median = pystats.median(present) if present else None

    mr_bar = upper = lower = lower_clipped = None
    if n_values >= 2 and centre is not None:
        mr_bar = pystats.fmean(abs(b - a) for a, b in pairwise(present))
        upper = centre + XMR_SCALING * mr_bar
        lower = centre - XMR_SCALING * mr_bar
        lower_clipped = max(lower, 0.0)

    points: list[XmRPoint] = []
    useful_sides: list[Side] = []
    for label, raw in zip(labels, values, strict=True):
        if raw is None or _is_missing(raw):
            points.append(XmRPoint(label=label, value=None, beyond_limits=False, side=None))
            continue
        value = float(raw)
        side: Side | None = None
        if median is not None:
            side = "above" if value > median else "below" if value < median else "on"
            if side != "on":
                useful_sides.append(side)
        beyond = upper is not None and lower is not None and (value > upper or value < lower)
        points.append(XmRPoint(label=label, value=value, beyond_limits=beyond, side=side))

    n_useful = len(useful_sides)
    longest_run = 0
    crossings = 0
    longest_run_limit: int | None = None
    crossings_limit: int | None = None
    if useful_sides:
        run = 1
        longest_run = 1
        for previous, current in pairwise(useful_sides):
            if current == previous:
                run += 1
                longest_run = max(longest_run, run)
            else:
                run = 1
                crossings += 1
    if n_useful >= 2:
        longest_run_limit = round(math.log2(n_useful) + 3)
        crossings_limit = int(binom.ppf(0.05, n_useful - 1, 0.5))

    run_signal = longest_run_limit is not None and longest_run > longest_run_limit
    crossing_signal = crossings_limit is not None and crossings < crossings_limit
    any_beyond = any(point.beyond_limits for point in points)

    return XmRChart(
        centre=centre,
        median=median,
        mr_bar=mr_bar,
        upper_limit=upper,
        lower_limit=lower,
        lower_limit_clipped=lower_clipped,
        points=points,
        n_values=n_values,
        n_useful=n_useful,
        longest_run=longest_run,
        longest_run_limit=longest_run_limit,
        crossings=crossings,
        crossings_limit=crossings_limit,
        run_signal=run_signal,
        crossing_signal=crossing_signal,
        special_cause=any_beyond or run_signal or crossing_signal,
    )


# --- reporting periods --------------------------------------------------------------------------------


class Month(NamedTuple):
    """A calendar month. A tuple, so ``Month(2025, 1) == (2025, 1)``; ``str()`` gives "2025-01"."""

    year: int
    month: int

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


#: A month as a Month, a (year, month) tuple, a "YYYY-MM" string or a date (its month).
MonthLike = Month | tuple[int, int] | str | date

_MONTH_PATTERN = re.compile(r"(\d{4})-(\d{2})")


def _bad_month(text: str) -> ValueError:
    return ValueError(f"{text} is not a month: use YYYY-MM with a month from 01 to 12")


def parse_month(value: MonthLike) -> Month:
    """Read a month from "YYYY-MM", a (year, month) tuple or a date.

    >>> parse_month("2024-13")
    Traceback (most recent call last):
    ...
    ValueError: 2024-13 is not a month: use YYYY-MM with a month from 01 to 12
    """
    if isinstance(value, date):
        return Month(value.year, value.month)
    if isinstance(value, str):
        match = _MONTH_PATTERN.fullmatch(value)
        if match is None:
            raise _bad_month(value)
        year, month = int(match.group(1)), int(match.group(2))
        if not (1 <= month <= 12 and year >= 1):
            raise _bad_month(value)
        return Month(year, month)
    if not (isinstance(value, tuple) and len(value) == 2):
        raise ValueError(f"{value!r} is not a month: use YYYY-MM or (year, month)")
    year, month = value
    if not (isinstance(year, int) and isinstance(month, int) and 1 <= month <= 12 and 1 <= year <= 9999):
        raise ValueError(f"{value!r} is not a month: use (year, month) with a month from 1 to 12")
    return Month(year, month)


def format_month(month: MonthLike) -> str:
    """The month as "YYYY-MM"."""
    return str(parse_month(month))


def shift_month(month: MonthLike, months: int) -> Month:
    """The month ``months`` later (or earlier, if negative)."""
    start = parse_month(month)
    index = start.year * 12 + (start.month - 1) + months
    year, month_index = divmod(index, 12)
    if year < 1:
        raise ValueError(f"{months} months from {start} is before year 1")
    return Month(year, month_index + 1)


def month_range(start: MonthLike, end: MonthLike) -> list[Month]:
    """Every month from ``start`` to ``end``, both included."""
    first, last = parse_month(start), parse_month(end)
    if last < first:
        raise ValueError(f"the end month {last} is before the start month {first}")
    count = (last.year - first.year) * 12 + (last.month - first.month) + 1
    return [shift_month(first, offset) for offset in range(count)]


def rolling_12(month: MonthLike) -> list[Month]:
    """The 12 months ending with ``month``: for 2025-03, 2024-04 to 2025-03."""
    last = parse_month(month)
    return month_range(shift_month(last, -11), last)


def financial_year_to_date(month: MonthLike) -> list[Month]:
    """April of the UK financial year (April to March) containing ``month``, up to ``month``.

    For 2025-01: 2024-04 to 2025-01. For 2025-04: just 2025-04.
    """
    last = parse_month(month)
    start_year = last.year if last.month >= 4 else last.year - 1
    return month_range(Month(start_year, 4), last)


def same_period_last_year(months: Iterable[MonthLike]) -> list[Month]:
    """Each month shifted back 12 months, in the same order."""
    return [shift_month(month, -12) for month in months]


def month_bounds(month: MonthLike) -> tuple[date, date]:
    """The first day of the month and the first day of the next month (a half-open range)."""
    first = parse_month(month)
    following = shift_month(first, 1)
    return date(first.year, first.month, 1), date(following.year, following.month, 1)
