"""Confidence intervals and summaries of numbers, as pure functions.

Units:

- :func:`wilson_interval` returns **percentages 0-100** (not fractions), unrounded;
  the report layer rounds to two decimals.
- The grouped-number functions take ``(value, count)`` pairs, exactly what an SQL
  ``SELECT value, COUNT(*) ... GROUP BY value`` returns, and answer in the unit of
  the values (years, persons, scale points ...).

Interval rule for a mean (:func:`summarise_numbers`): the standard error is
``sd / sqrt(n)`` with the sample standard deviation (divisor ``n - 1``); the
multiplier is the normal quantile when ``n >= 30`` and the Student t quantile with
``n - 1`` degrees of freedom below that. The t quantile is computed without SciPy by
inverting the t distribution function, which is evaluated through the regularised
incomplete beta function (Lentz's continued fraction, as in Numerical Recipes
section 6.4), by bisection; it agrees with printed t tables to at least 1e-9.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from statistics import NormalDist
from typing import Literal

Z95 = 1.959963984540054
"""Two-sided 95 % normal quantile (the 0.975 quantile of N(0, 1))."""

NORMAL_FROM_N = 30
"""From this n on, mean intervals use the normal quantile instead of Student t."""

Grouped = Iterable[tuple[float, float]]
"""``(value, count)`` pairs; counts are frequencies (or weights, see ``effective_n``)."""


def wilson_interval(count: float, n: float, z: float = Z95) -> tuple[float, float] | None:
    """Wilson score interval for the share ``count / n``, in percent (0-100).

    ``count`` and ``n`` may be non-integer: for a weighted share pass
    ``count = share * effective_n`` and ``n = effective_n`` (the Kish effective sample
    size), which is what the contract prescribes for ``weighted_ci95``.

    Returns ``None`` when ``n <= 0`` (no base, no interval). Raises ``ValueError``
    when ``count`` is negative or larger than ``n`` (beyond float noise).
    """
    if n <= 0:
        return None
    if count < 0 or count > n * (1 + 1e-12):
        raise ValueError(f"count {count} is outside 0..n (n = {n})")
    p = min(count / n, 1.0)
    z2 = z * z
    denominator = 1 + z2 / n
    centre = (p + z2 / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denominator
    # At p = 0 or 1 the bound is exactly 0 or 1; the subtraction only adds float noise.
    low = 0.0 if p <= 0.0 else max(0.0, centre - half)
    high = 1.0 if p >= 1.0 else min(1.0, centre + half)
    return (low * 100.0, high * 100.0)


def weighted_wilson_interval(
    weighted_count: float, weighted_total: float, effective_n: float, z: float = Z95
) -> tuple[float, float] | None:
    """Wilson interval (percent 0-100) on a weighted share, with n = ``effective_n``.

    ``weighted_count / weighted_total`` is the weighted share; the interval is the
    Wilson interval of that share on the Kish effective sample size, so it widens by
    the design effect. ``None`` when either the total or the effective n is not
    positive.
    """
    if weighted_total <= 0 or effective_n <= 0:
        return None
    share = min(max(weighted_count / weighted_total, 0.0), 1.0)
    return wilson_interval(share * effective_n, effective_n, z)


# --- Student t quantile without SciPy -------------------------------------------


def _beta_continued_fraction(a: float, b: float, x: float) -> float:
    """Continued fraction of the incomplete beta function (modified Lentz)."""
    tiny = 1e-300
    qab = a + b
    qap = a + 1.0
    qam = a - 1.0
    c = 1.0
    d = 1.0 - qab * x / qap
    if abs(d) < tiny:
        d = tiny
    d = 1.0 / d
    h = d
    for m in range(1, 500):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1.0 + aa * d
        d = tiny if abs(d) < tiny else d
        c = 1.0 + aa / c
        c = tiny if abs(c) < tiny else c
        d = 1.0 / d
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1.0 + aa * d
        d = tiny if abs(d) < tiny else d
        c = 1.0 + aa / c
        c = tiny if abs(c) < tiny else c
        d = 1.0 / d
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < 1e-15:
            break
    return h


def _regularised_incomplete_beta(a: float, b: float, x: float) -> float:
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    log_front = (
        math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    )
    front = math.exp(log_front)
    # The continued fraction converges fast only on this side of the mean.
    if x < (a + 1.0) / (a + b + 2.0):
        return front * _beta_continued_fraction(a, b, x) / a
    return 1.0 - front * _beta_continued_fraction(b, a, 1.0 - x) / b


def t_cdf(t: float, df: float) -> float:
    """Distribution function of Student's t with ``df`` (> 0, may be non-integer)."""
    if df <= 0:
        raise ValueError("degrees of freedom must be positive")
    x = df / (df + t * t)
    tail = 0.5 * _regularised_incomplete_beta(df / 2.0, 0.5, x)
    return 1.0 - tail if t >= 0 else tail


def t_quantile(p: float, df: float) -> float:
    """Quantile of Student's t: the ``t`` with ``t_cdf(t, df) == p`` (0 < p < 1)."""
    if not 0.0 < p < 1.0:
        raise ValueError("p must be strictly between 0 and 1")
    if p == 0.5:
        return 0.0
    if p < 0.5:
        return -t_quantile(1.0 - p, df)
    low, high = 0.0, 1.0
    while t_cdf(high, df) < p:
        high *= 2.0
        if high > 1e12:
            return math.inf
    for _ in range(200):
        mid = (low + high) / 2.0
        if t_cdf(mid, df) < p:
            low = mid
        else:
            high = mid
        if high - low <= 1e-12 * max(1.0, high):
            break
    return (low + high) / 2.0


# --- numbers from grouped data ---------------------------------------------------


def _clean(groups: Grouped) -> list[tuple[float, float]]:
    cleaned: list[tuple[float, float]] = []
    for value, count in groups:
        if count < 0:
            raise ValueError(f"negative count {count} for value {value}")
        if count > 0:
            cleaned.append((float(value), float(count)))
    cleaned.sort()
    return cleaned


def grouped_median(groups: Grouped) -> float | None:
    """Median of discrete values with frequencies; ``None`` without data.

    With an even total the two middle values are averaged (the textbook median of
    the expanded list), e.g. values 1, 2, 3, 4 give 2.5. With non-integer counts
    (weights) this generalises to: the smallest value whose cumulative count reaches
    half the total, averaged with the next value when it reaches exactly half.
    Values are treated as exact (ages in whole years), not as class intervals, so no
    interpolation within a class.
    """
    data = _clean(groups)
    total = sum(count for _, count in data)
    if total <= 0:
        return None
    half = total / 2.0
    cumulative = 0.0
    for index, (value, count) in enumerate(data):
        cumulative += count
        # Relative only: an absolute tolerance would call every running sum of tiny
        # weights (raking can squeeze them towards nothing) "half", whatever the value.
        if math.isclose(cumulative, half, rel_tol=1e-12):
            return (value + data[index + 1][0]) / 2.0 if index + 1 < len(data) else value
        if cumulative > half:
            return value
    return data[-1][0]


def grouped_sd(groups: Grouped, effective_n: float | None = None) -> float | None:
    """Sample standard deviation (divisor n - 1); ``None`` when n < 2.

    ``n`` is the total count, or ``effective_n`` when given (for weighted counts the
    variance is ``sum w (x - mean)^2 / sum w * n / (n - 1)`` with n the effective n,
    which reduces to the ordinary sample variance for frequency counts).
    """
    data = _clean(groups)
    total = sum(count for _, count in data)
    n = total if effective_n is None else effective_n
    if total <= 0 or n < 2:
        return None
    mean = sum(value * count for value, count in data) / total
    population_variance = sum(count * (value - mean) ** 2 for value, count in data) / total
    return math.sqrt(population_variance * n / (n - 1))


@dataclass(frozen=True)
class NumberSummary:
    """Summary of a number question; all figures in the unit of the values."""

    n: float
    """Total count (unweighted n for frequency counts)."""
    mean: float
    median: float
    sd: float | None
    """Sample standard deviation; ``None`` when n < 2."""
    ci95: tuple[float, float] | None
    """Interval of the mean at the requested level; ``None`` when n < 2."""
    method: Literal["normal", "t"] | None
    """Which quantile the interval used (``None`` when there is no interval)."""
    minimum: float
    maximum: float


def summarise_numbers(
    groups: Grouped,
    level: float = 0.95,
    normal_from: int = NORMAL_FROM_N,
    effective_n: float | None = None,
) -> NumberSummary | None:
    """Mean, median, sd and interval of the mean; ``None`` when there is no data.

    The interval is ``mean +/- q * sd / sqrt(n)`` with q the normal quantile when
    ``n >= normal_from`` (default 30) and the Student t quantile with ``n - 1``
    degrees of freedom otherwise (the module docstring); ``effective_n`` replaces n
    for weighted counts; no interval when n < 2. See :func:`grouped_median` for the
    median rule.
    """
    if not 0.0 < level < 1.0:
        raise ValueError("level must be strictly between 0 and 1")
    data = _clean(groups)
    total = sum(count for _, count in data)
    if total <= 0:
        return None
    n = total if effective_n is None else effective_n
    mean = sum(value * count for value, count in data) / total
    median = grouped_median(data)
    sd = grouped_sd(data, effective_n)
    assert median is not None
    ci: tuple[float, float] | None = None
    method: Literal["normal", "t"] | None = None
    if sd is not None:
        upper_p = 1.0 - (1.0 - level) / 2.0
        if n >= normal_from:
            method = "normal"
            q = Z95 if level == 0.95 else NormalDist().inv_cdf(upper_p)
        else:
            method = "t"
            q = t_quantile(upper_p, n - 1)
        half = q * sd / math.sqrt(n)
        ci = (mean - half, mean + half)
    return NumberSummary(
        n=total,
        mean=mean,
        median=median,
        sd=sd,
        ci95=ci,
        method=method,
        minimum=data[0][0],
        maximum=data[-1][0],
    )
