"""Tests for beacon.performance.statistics: every figure is checked against scipy or statsmodels."""

import math
import warnings
from datetime import date

import pytest
from scipy.stats import binom, binomtest
from statsmodels.stats.proportion import proportion_confint, proportions_ztest
from statsmodels.stats.rates import test_poisson_2indep as poisson_2indep  # not collected by pytest

from beacon.performance.statistics import (
    Month,
    ProportionComparison,
    compare_counts,
    compare_proportions,
    financial_year_to_date,
    format_month,
    month_bounds,
    month_range,
    parse_month,
    rolling_12,
    same_period_last_year,
    shift_month,
    wilson_interval,
    xmr,
)

# --- compare_counts -----------------------------------------------------------------------------------


def test_compare_counts_646_against_406_is_significant() -> None:
    result = compare_counts(646, 406)

    assert result.now == 646
    assert result.before == 406
    assert result.change == 240
    assert result.change_pct == pytest.approx(240 / 406 * 100)
    assert result.p_value == pytest.approx(binomtest(646, 1052, 0.5).pvalue, rel=1e-12)
    assert result.p_value is not None and result.p_value < 1e-10
    assert result.significant is True
    assert result.describe() == "+59%, significant"


def test_compare_counts_10_against_12_is_not_significant() -> None:
    result = compare_counts(10, 12)

    assert result.change == -2
    assert result.p_value == pytest.approx(binomtest(10, 22, 0.5).pvalue, rel=1e-12)
    assert result.significant is False
    assert result.describe() == "-17%, not significant"


def test_compare_counts_small_fall_is_described_with_a_hyphen_minus() -> None:
    assert compare_counts(97, 100).describe() == "-3%, not significant"
    assert compare_counts(100, 100).describe() == "0%, not significant"


@pytest.mark.parametrize(
    ("now", "before", "exposure_now", "exposure_before"),
    [
        (646, 406, 1.0, 1.0),
        (10, 12, 1.0, 1.0),
        (0, 7, 1.0, 1.0),
        (30, 50, 3.0, 12.0),
        (120, 95, 365.0, 366.0),
        (4, 1, 2.5, 1.0),
    ],
)
def test_compare_counts_agrees_with_scipy_and_statsmodels(
    now: int, before: int, exposure_now: float, exposure_before: float
) -> None:
    result = compare_counts(now, before, exposure_now, exposure_before)

    share = exposure_now / (exposure_now + exposure_before)
    scipy_p = binomtest(now, now + before, share).pvalue
    statsmodels_p = poisson_2indep(now, exposure_now, before, exposure_before, method="exact-cond").pvalue
    assert result.p_value == pytest.approx(scipy_p, rel=1e-12)
    assert result.p_value == pytest.approx(statsmodels_p, rel=1e-9)
    assert result.significant is bool(scipy_p < 0.05)


def test_compare_counts_change_pct_is_the_change_in_rate_with_exposures() -> None:
    # 30 in 3 months (10 a month) against 50 in 12 months (4.17 a month): up 140%.
    result = compare_counts(30, 50, exposure_now=3, exposure_before=12)

    assert result.change == -20
    assert result.change_pct == pytest.approx(140.0)
    assert result.p_value == pytest.approx(binomtest(30, 80, 0.2).pvalue, rel=1e-12)
    assert result.describe() == "+140%, significant"


def test_compare_counts_alpha_decides_significance() -> None:
    p_value = binomtest(60, 100, 0.5).pvalue  # about 0.057
    assert compare_counts(60, 40).significant is False
    assert compare_counts(60, 40, alpha=0.1).significant is True
    assert compare_counts(60, 40, alpha=0.1).p_value == pytest.approx(p_value)


def test_compare_counts_both_zero_has_nothing_to_test() -> None:
    result = compare_counts(0, 0)

    assert result.change == 0
    assert result.change_pct is None
    assert result.p_value is None
    assert result.significant is None
    assert result.describe() == "no change (both 0)"


def test_compare_counts_with_nothing_before_has_no_percentage() -> None:
    result = compare_counts(5, 0)

    assert result.change == 5
    assert result.change_pct is None
    assert result.p_value == pytest.approx(binomtest(5, 5, 0.5).pvalue)
    assert result.significant is False
    assert result.describe() == "up from 0, not significant"
    assert compare_counts(12, 0).describe() == "up from 0, significant"


@pytest.mark.parametrize(
    "arguments",
    [
        {"now": -1, "before": 3},
        {"now": 1, "before": -3},
        {"now": 1, "before": 3, "exposure_now": 0.0},
        {"now": 1, "before": 3, "exposure_before": -2.0},
        {"now": 1, "before": 3, "exposure_now": math.inf},
        {"now": 1, "before": 3, "alpha": 0.0},
        {"now": 1, "before": 3, "alpha": 1.5},
    ],
)
def test_compare_counts_rejects_bad_input(arguments: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        compare_counts(**arguments)  # type: ignore[arg-type]


# --- wilson_interval ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("x", "n", "alpha"),
    [(0, 10, 0.05), (3, 10, 0.05), (10, 10, 0.05), (45, 100, 0.05), (1, 1, 0.05), (230, 1000, 0.1)],
)
def test_wilson_interval_equals_statsmodels(x: int, n: int, alpha: float) -> None:
    expected = proportion_confint(x, n, alpha=alpha, method="wilson")

    interval = wilson_interval(x, n, alpha)

    assert interval is not None
    assert interval == pytest.approx(expected, abs=1e-15)
    assert 0.0 <= interval[0] <= x / n <= interval[1] <= 1.0


def test_wilson_interval_with_no_cases_is_none() -> None:
    assert wilson_interval(0, 0) is None


@pytest.mark.parametrize(("x", "n"), [(-1, 10), (11, 10), (0, -1)])
def test_wilson_interval_rejects_impossible_counts(x: int, n: int) -> None:
    with pytest.raises(ValueError):
        wilson_interval(x, n)


# --- compare_proportions ------------------------------------------------------------------------------


def test_compare_proportions_agrees_with_statsmodels() -> None:
    result = compare_proportions(45, 100, 30, 100)

    z_statistic, p_value = proportions_ztest([45, 30], [100, 100])
    assert result.rate_now == pytest.approx(0.45)
    assert result.rate_before == pytest.approx(0.30)
    assert result.change_points == pytest.approx(15.0)
    assert result.z_statistic == pytest.approx(z_statistic)
    assert result.p_value == pytest.approx(p_value, rel=1e-12)
    assert result.significant is True
    assert result.reason is None
    assert result.interval_now == pytest.approx(proportion_confint(45, 100, method="wilson"))
    assert result.interval_before == pytest.approx(proportion_confint(30, 100, method="wilson"))
    assert result.describe() == "+15.0 percentage points, significant"


def test_compare_proportions_small_change_is_not_significant() -> None:
    result = compare_proportions(412, 1000, 431, 1000)

    assert result.p_value == pytest.approx(proportions_ztest([412, 431], [1000, 1000])[1], rel=1e-12)
    assert result.significant is False
    assert result.change_points == pytest.approx(-1.9)
    assert result.describe() == "-1.9 percentage points, not significant"


def test_compare_proportions_with_no_cases_now() -> None:
    result = compare_proportions(0, 0, 3, 10)

    assert result.rate_now is None
    assert result.interval_now is None
    assert result.rate_before == pytest.approx(0.3)
    assert result.interval_before == pytest.approx(proportion_confint(3, 10, method="wilson"))
    assert result.change_points is None
    assert result.p_value is None
    assert result.significant is None
    assert result.reason == "no cases in the current period"
    assert result.describe() == "no current figure"


def test_compare_proportions_with_no_cases_before() -> None:
    result = compare_proportions(3, 10, 0, 0)

    assert result.rate_before is None
    assert result.interval_before is None
    assert result.change_points is None
    assert result.p_value is None
    assert result.significant is None
    assert result.reason == "no cases in the earlier period"
    assert result.describe() == "no earlier figure"
    assert compare_proportions(0, 0, 0, 0).describe() == "no figures"


@pytest.mark.parametrize(
    ("x_now", "n_now", "x_before", "n_before", "rate", "reason"),
    [
        (0, 20, 0, 15, 0.0, "both rates are 0%, so there is nothing to test"),
        (20, 20, 15, 15, 1.0, "both rates are 100%, so there is nothing to test"),
    ],
)
def test_compare_proportions_when_the_z_test_is_undefined(
    x_now: int, n_now: int, x_before: int, n_before: int, rate: float, reason: str
) -> None:
    # statsmodels divides by a zero standard error here and warns; we must not.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = compare_proportions(x_now, n_now, x_before, n_before)

    assert result.rate_now == rate
    assert result.rate_before == rate
    assert result.change_points == 0.0
    assert result.z_statistic is None
    assert result.p_value is None
    assert result.significant is False
    assert result.reason == reason
    assert result.describe() == f"no change (both {rate * 100:.0f}%)"


def test_compare_proportions_one_rate_zero_is_still_tested() -> None:
    result = compare_proportions(0, 50, 10, 50)

    assert result.p_value == pytest.approx(proportions_ztest([0, 10], [50, 50])[1], rel=1e-12)
    assert result.significant is True


def _floats(result: ProportionComparison) -> list[float]:
    values: list[float] = []
    for value in (result.rate_now, result.rate_before, result.change_points, result.z_statistic):
        if value is not None:
            values.append(value)
    if result.p_value is not None:
        values.append(result.p_value)
    for interval in (result.interval_now, result.interval_before):
        if interval is not None:
            values.extend(interval)
    return values


def test_compare_proportions_never_returns_nan_or_warns() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for n_now in (0, 1, 3):
            for n_before in (0, 1, 3):
                for x_now in range(n_now + 1):
                    for x_before in range(n_before + 1):
                        result = compare_proportions(x_now, n_now, x_before, n_before)
                        assert all(math.isfinite(value) for value in _floats(result))
                        assert (result.p_value is None) == (result.reason is not None)


@pytest.mark.parametrize(
    ("x_now", "n_now", "x_before", "n_before"), [(5, 4, 1, 2), (1, 2, -1, 2), (0, -1, 0, 1)]
)
def test_compare_proportions_rejects_impossible_counts(
    x_now: int, n_now: int, x_before: int, n_before: int
) -> None:
    with pytest.raises(ValueError):
        compare_proportions(x_now, n_now, x_before, n_before)


# --- xmr ----------------------------------------------------------------------------------------------


def test_xmr_limits_by_hand() -> None:
    chart = xmr([10, 12, 11, 15, 12], labels=["Jan", "Feb", "Mar", "Apr", "May"])

    # Mean 60 / 5 = 12; moving ranges 2, 1, 4, 3 with mean 2.5; limits 12 ± 2.66 * 2.5 = 12 ± 6.65.
    assert chart.centre == pytest.approx(12.0)
    assert chart.mr_bar == pytest.approx(2.5)
    assert chart.upper_limit == pytest.approx(18.65)
    assert chart.lower_limit == pytest.approx(5.35)
    assert chart.lower_limit_clipped == pytest.approx(5.35)
    assert chart.median == 12
    assert [point.label for point in chart.points] == ["Jan", "Feb", "Mar", "Apr", "May"]
    assert [point.value for point in chart.points] == [10, 12, 11, 15, 12]
    assert [point.side for point in chart.points] == ["below", "on", "below", "above", "on"]
    assert not any(point.beyond_limits for point in chart.points)
    assert chart.n_values == 5
    assert chart.n_useful == 3
    assert chart.longest_run == 2
    assert chart.crossings == 1
    assert chart.special_cause is False


def test_xmr_default_labels_are_positions() -> None:
    assert [point.label for point in xmr([1, 2, 3]).points] == ["1", "2", "3"]


def test_xmr_lower_limit_is_clipped_separately() -> None:
    chart = xmr([1, 0, 5, 0, 1])

    # Mean 1.4; moving ranges 1, 5, 5, 1 with mean 3; lower limit 1.4 - 7.98.
    assert chart.lower_limit == pytest.approx(1.4 - 2.66 * 3)
    assert chart.lower_limit_clipped == 0.0
    assert chart.upper_limit == pytest.approx(1.4 + 2.66 * 3)


def test_xmr_flags_a_single_point_beyond_the_limits() -> None:
    labels = [f"2024-{month:02d}" for month in range(1, 11)]
    chart = xmr([10, 11, 10, 11, 10, 11, 10, 11, 10, 30], labels=labels)

    # Mean 12.4; moving ranges eight 1s and a 20, mean 28 / 9.
    assert chart.mr_bar == pytest.approx(28 / 9)
    assert chart.upper_limit == pytest.approx(12.4 + 2.66 * 28 / 9)
    assert [point.label for point in chart.points if point.beyond_limits] == ["2024-10"]
    assert [point.label for point in chart.beyond_limits] == ["2024-10"]
    assert chart.run_signal is False
    assert chart.crossing_signal is False
    assert chart.special_cause is True
    assert chart.summary().startswith("Special cause: 1 month beyond the limits (2024-10), ")


def test_xmr_flags_a_point_below_the_lower_limit() -> None:
    chart = xmr([50, 51, 50, 51, 50, 51, 50, 51, 50, 30])

    assert [point.label for point in chart.beyond_limits] == ["10"]


# 24 points: 7 alternating, then 9 in a row above the median, then 8 below.
ALTERNATING = [8, 12, 8, 12, 8, 12, 8]
NINE_ABOVE = [12, 13, 12.5, 13.5, 12, 13, 12.5, 13.5, 12]
EIGHT_BELOW = [8, 7.5, 8.5, 8, 7, 8, 8.5, 7.5]
LONG_RUN = [*ALTERNATING, *NINE_ABOVE, *EIGHT_BELOW]


def test_xmr_anhoj_long_run() -> None:
    chart = xmr(LONG_RUN)

    assert chart.n_useful == 24
    assert chart.longest_run == 9
    assert chart.longest_run_limit == round(math.log2(24) + 3) == 8
    assert chart.run_signal is True
    assert chart.crossings == 8
    assert chart.crossings_limit == binom.ppf(0.05, 23, 0.5) == 8
    assert chart.crossing_signal is False
    assert chart.beyond_limits == []
    assert chart.special_cause is True
    assert chart.summary() == (
        "Special cause: 24 months within the limits, longest run 9 (over the limit of 8), "
        "8 crossings (at least 8 expected)."
    )


def test_xmr_anhoj_too_few_crossings() -> None:
    low = [8, 9, 7, 8, 9, 7]
    high = [14, 15, 13, 14, 15, 13]
    chart = xmr(low + high + low + high)

    assert chart.longest_run == 6
    assert chart.run_signal is False
    assert chart.crossings == 3
    assert chart.crossings_limit == 8
    assert chart.crossing_signal is True
    assert chart.special_cause is True
    assert chart.summary().endswith("longest run 6 (limit 8), only 3 crossings (at least 8 expected).")


def test_xmr_no_special_cause_summary() -> None:
    values = [100, 104, 98, 101, 97, 103, 99, 102, 96, 105, 100, 98]
    values = values + [v + 1 for v in reversed(values)]
    chart = xmr(values)

    assert chart.special_cause is False
    assert chart.summary() == (
        f"No special cause: 24 months within the limits, longest run {chart.longest_run} (limit 8), "
        f"{chart.crossings} crossings (at least 8 expected)."
    )
    assert chart.summary(unit="week").startswith("No special cause: 24 weeks within the limits")


@pytest.mark.parametrize(("n", "longest_run_limit", "crossings_limit"), [(10, 6, 2), (20, 7, 6), (30, 8, 10)])
def test_xmr_run_limits_match_anhoj_table(n: int, longest_run_limit: int, crossings_limit: int) -> None:
    chart = xmr([float(i % 2) for i in range(n)])  # alternating 0, 1: median 0.5, nothing on it

    assert chart.n_useful == n
    assert chart.longest_run_limit == longest_run_limit
    assert chart.crossings_limit == crossings_limit == int(binom.ppf(0.05, n - 1, 0.5))
    assert chart.crossings == n - 1


def test_xmr_points_on_the_median_are_ignored_for_runs() -> None:
    chart = xmr([1, 1, 2, 1, 3, 3, 3])

    assert chart.median == 2
    assert [point.side for point in chart.points] == [
        "below",
        "below",
        "on",
        "below",
        "above",
        "above",
        "above",
    ]
    assert chart.n_values == 7
    assert chart.n_useful == 6
    assert chart.longest_run == 3  # the run of 1s continues past the 2 on the median
    assert chart.crossings == 1
    assert chart.longest_run_limit == round(math.log2(6) + 3)
    assert chart.crossings_limit == int(binom.ppf(0.05, 5, 0.5))


def test_xmr_missing_values_keep_their_place() -> None:
    chart = xmr([10, None, 12, 11, math.nan], labels=["a", "b", "c", "d", "e"])

    assert [point.label for point in chart.points] == ["a", "b", "c", "d", "e"]
    assert [point.value for point in chart.points] == [10, None, 12, 11, None]
    assert [point.side for point in chart.points] == ["below", None, "above", "on", None]
    assert [point.beyond_limits for point in chart.points] == [False] * 5
    assert chart.n_values == 3
    assert chart.centre == pytest.approx(11.0)
    assert chart.mr_bar == pytest.approx(1.5)  # |12 - 10| and |11 - 12|, the gap skipped
    assert chart.n_useful == 2
    assert chart.crossings == 1


@pytest.mark.parametrize("values", [[], [None, None], [7.0], [None, 7.0, None]])
def test_xmr_with_fewer_than_two_figures_has_no_limits_or_signals(values: list[float | None]) -> None:
    chart = xmr(values)

    assert len(chart.points) == len(values)
    assert chart.mr_bar is None
    assert chart.upper_limit is None
    assert chart.lower_limit is None
    assert chart.lower_limit_clipped is None
    assert chart.longest_run_limit is None
    assert chart.crossings_limit is None
    assert chart.crossings == 0
    assert not chart.run_signal
    assert not chart.crossing_signal
    assert not chart.special_cause
    assert not any(point.beyond_limits for point in chart.points)
    assert chart.summary().startswith("Too few figures for a chart:")
    if 7.0 in values:
        assert chart.centre == chart.median == 7.0
    else:
        assert chart.centre is None
        assert chart.median is None


def test_xmr_flat_series_has_zero_width_limits_and_no_run_rules() -> None:
    chart = xmr([5, 5, 5, 5])

    assert chart.mr_bar == 0.0
    assert chart.upper_limit == chart.lower_limit == 5.0
    assert chart.n_useful == 0
    assert chart.longest_run_limit is None
    assert not chart.special_cause
    assert "too few points off the median for the run rules" in chart.summary()


def test_xmr_rejects_mismatched_labels_and_infinity() -> None:
    with pytest.raises(ValueError):
        xmr([1, 2, 3], labels=["a", "b"])
    with pytest.raises(ValueError):
        xmr([1, math.inf, 3])


# --- periods ------------------------------------------------------------------------------------------


def test_parse_month() -> None:
    assert parse_month("2024-04") == Month(2024, 4) == (2024, 4)
    assert parse_month((2024, 4)) == Month(2024, 4)
    assert parse_month(date(2024, 4, 17)) == Month(2024, 4)
    assert str(Month(2024, 4)) == format_month((2024, 4)) == "2024-04"


@pytest.mark.parametrize(
    "text", ["2024-13", "2024-00", "2024-1", "24-01", "2024/01", "2024-01-01", "", "0000-01"]
)
def test_parse_month_rejects_bad_months(text: str) -> None:
    with pytest.raises(ValueError, match="is not a month: use YYYY-MM with a month from 01 to 12"):
        parse_month(text)


def test_parse_month_message() -> None:
    with pytest.raises(ValueError) as error:
        parse_month("2024-13")
    assert str(error.value) == "2024-13 is not a month: use YYYY-MM with a month from 01 to 12"


@pytest.mark.parametrize("value", [(2024, 13), (2024, 0), (0, 1)])
def test_parse_month_rejects_bad_tuples(value: tuple[int, int]) -> None:
    with pytest.raises(ValueError, match="is not a month"):
        parse_month(value)


def test_shift_month_crosses_years() -> None:
    assert shift_month("2024-12", 1) == (2025, 1)
    assert shift_month("2025-01", -1) == (2024, 12)
    assert shift_month("2025-03", -14) == (2024, 1)


def test_month_range_is_inclusive() -> None:
    assert month_range("2024-11", "2025-02") == [(2024, 11), (2024, 12), (2025, 1), (2025, 2)]
    assert month_range((2024, 5), (2024, 5)) == [(2024, 5)]


def test_month_range_rejects_end_before_start() -> None:
    with pytest.raises(ValueError, match="before the start month"):
        month_range("2025-02", "2024-11")


def test_rolling_12() -> None:
    months = rolling_12("2025-03")

    assert len(months) == 12
    assert months[0] == (2024, 4)
    assert months[-1] == (2025, 3)
    assert [str(month) for month in rolling_12("2024-12")] == [f"2024-{m:02d}" for m in range(1, 13)]


def test_financial_year_to_date() -> None:
    assert financial_year_to_date("2025-01") == month_range("2024-04", "2025-01")
    assert len(financial_year_to_date("2025-01")) == 10
    assert financial_year_to_date("2025-04") == [(2025, 4)]
    assert financial_year_to_date("2025-03") == month_range("2024-04", "2025-03")
    assert financial_year_to_date("2024-12")[0] == (2024, 4)


def test_same_period_last_year() -> None:
    assert same_period_last_year(financial_year_to_date("2025-01")) == month_range("2023-04", "2024-01")
    assert same_period_last_year(["2024-02", (2025, 1)]) == [(2023, 2), (2024, 1)]


def test_month_bounds() -> None:
    assert month_bounds("2024-02") == (date(2024, 2, 1), date(2024, 3, 1))
    assert month_bounds((2024, 12)) == (date(2024, 12, 1), date(2025, 1, 1))
