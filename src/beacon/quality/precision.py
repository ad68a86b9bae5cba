"""How precise a sample's compliance rate will be, and how large a sample a precision needs.

For a proportion estimated from a simple random sample of n records out of a month's N:

* the margin of error (half the width of the normal-approximation interval) is
  z * sqrt(p (1 - p) / n) * sqrt((N - n) / (N - 1)), the last factor the finite-population
  correction; z is `scipy.stats.norm.ppf(1 - alpha / 2)` (1.96 at 95%) and p = 0.5 unless known
  (the widest, so the margin is never understated);
* the size needed for a margin e starts from statsmodels'
  `samplesize_confint_proportion(p, e, alpha)` (n0 = z^2 p (1 - p) / e^2, 384.1 for ±5 points at
  95%, so 385 records), corrected for the population: n = n0 / (1 + (n0 - 1) / N), rounded up.

The compliance rates an audit reports use the Wilson interval (`wilson_interval`): exact enough for
the small counts of one team's month, and the same call an analyst makes.
"""

from __future__ import annotations

import math


def z_value(confidence: float = 0.95) -> float:
    from scipy.stats import norm

    return float(norm.ppf(1 - (1 - confidence) / 2))


def margin_of_error(n: int, population: int, *, p: float = 0.5, confidence: float = 0.95) -> float | None:
    """The margin of error (as a proportion, 0.05 = ±5 points) of a sample of n from `population`;
    None when there is no sample, 0 when the whole population is audited."""
    if n <= 0 or population <= 0:
        return None
    if n >= population:
        return 0.0
    fpc = math.sqrt((population - n) / (population - 1))
    return z_value(confidence) * math.sqrt(p * (1 - p) / n) * fpc


def size_needed(margin: float, population: int | None, *, p: float = 0.5, confidence: float = 0.95) -> int:
    """The sample size for a margin of error `margin` (a proportion), with the finite-population
    correction when the population is known."""
    from statsmodels.stats.proportion import samplesize_confint_proportion

    n0 = float(samplesize_confint_proportion(p, margin, alpha=1 - confidence, method="normal"))
    if population is None or population <= 0:
        return math.ceil(n0 - 1e-9)
    n = n0 / (1 + (n0 - 1) / population)
    return min(population, math.ceil(n - 1e-9))


def wilson_interval(x: int, n: int, alpha: float = 0.05) -> tuple[float, float] | None:
    """statsmodels' `proportion_confint(x, n, alpha, method="wilson")`, or None when n is 0."""
    if n <= 0:
        return None
    from statsmodels.stats.proportion import proportion_confint

    low, high = proportion_confint(x, n, alpha=alpha, method="wilson")
    return float(low), float(high)
