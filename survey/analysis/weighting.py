"""Raking (iterative proportional fitting) on cell counts, and weight diagnostics.

Respondents are never handled one by one: the caller groups complete responses by
their codes on the weighting dimensions (``SELECT district, age, COUNT(*) ...
GROUP BY district, age``) and passes the counts per cell. Everybody in a cell gets
the same weight, so raking on cells is exactly raking on respondents.

Rules (contract section 3, "raking of every complete response"):

- **Complete** means: a valid code on every weighting dimension. A cell whose key
  contains ``None`` (question not answered, or answered with a ``missing: true``
  code, which the caller maps to ``None``) is *not complete*: it is excluded from
  raking, gets no weight (absent from :attr:`RakingResult.weights`) and must be left
  out of every weighted figure. Its respondents still count in unweighted figures.
  They are reported in :attr:`RakingResult.excluded`.
- A code that is present in the data but absent from the margins is an error by
  default (the margins are incomplete and silently dropping people would bias the
  weights); pass ``on_unknown_code="exclude"`` to treat such respondents as
  incomplete instead.
- A margin code with a positive population but no respondents cannot be raked to:
  error (the planner must merge categories or give other margins).
- Margins are used as **shares** of their own dimension total, scaled to the
  number of complete respondents, so dimensions whose population totals differ
  slightly (e.g. from different Statbel tables) can be combined. Weights therefore
  have mean 1 over complete respondents.
- Convergence: every margin (weighted share vs population share) within ``tol``
  relative (default 1e-6). Raking then goes on, while ``max_iter`` sweeps allow, to
  ``tol * 1e-4`` so the weights sit on the fixed point, not merely near it.
- ``design_effect`` = 1 + CV^2 of the respondent weights (Kish), CV with the
  population standard deviation; ``effective_n`` = (sum w)^2 / sum w^2. With mean-1
  weights ``effective_n = n / design_effect``.
- Trimming (optional, never by default): ``trim = 5.0`` keeps every weight between
  1/5 and 5 x the mean weight. Raking runs without the bounds first; when its
  weights already lie within them (to ``tol``), they are the result: a cap the
  weights do not reach changes nothing. Otherwise raking starts again, and after
  every sweep the weights are bounded: scaled by the one factor that gives them
  mean 1 once clipped to the bounds (the bounded weights closest to the raked
  ones, see :func:`_cap_mean_one`). Raking and bounding alternate until both the
  margins and the bounds hold (or ``max_iter`` sweeps are used; then
  ``converged`` is ``False`` and the bounds hold while the margins are off by
  :attr:`RakingResult.max_deviation`). The lower bound keeps a cap the margins
  cannot live with from squeezing a cell's weight to nothing (it did: 0.0 with a
  cap of 1.5); without ``trim`` there is no bound at all.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from survey.analysis.ordering import code_order
from survey.analysis.tables import WeightedCounts

# Any rather than Hashable: Mapping keys are invariant, and callers pass dict[int, ...].
Code = Any
"""A category code on one dimension (usually an int; ``None`` means missing)."""
CellKey = tuple[Any, ...]
"""One code per weighting dimension, in the order of ``dimensions``."""


POLISH = 1e-4
"""After reaching ``tol``, raking continues to ``tol * POLISH`` while ``max_iter`` allows."""


class WeightingError(ValueError):
    """Raking is impossible with these data and margins.

    ``code`` names the problem for translation (the message is English); ``details``
    holds the values to put in the translated sentence.

    Codes: ``no_dimensions``, ``bad_cell_key``, ``negative_count``,
    ``no_complete_responses``, ``empty_margin``, ``negative_population``,
    ``margin_without_respondents`` (dimension, code), ``unknown_code`` (dimension,
    code, respondents), ``zero_population_with_respondents`` (dimension, code,
    respondents), ``bad_trim``.
    """

    def __init__(self, code: str, message: str, /, **details: Any) -> None:
        super().__init__(message)
        self.code = code
        self.details: dict[str, Any] = details


@dataclass(frozen=True)
class RakingResult:
    """Weights per cell and diagnostics. Weights have mean 1 over complete respondents."""

    dimensions: tuple[str, ...]
    weights: dict[CellKey, float]
    """Weight of each respondent in a complete cell; incomplete cells are absent."""
    respondents: int
    """Complete respondents (the ones with a weight)."""
    excluded: int
    """Respondents in incomplete cells (no weight, left out of weighted figures)."""
    iterations: int
    """Full sweeps of the raking that gave the weights (the bounded one when the bounds bind)."""
    converged: bool
    max_deviation: float
    """Largest relative difference between a weighted margin and its target."""
    design_effect: float
    effective_n: float
    trim: float | None = None
    trimmed_cells: frozenset[CellKey] = field(default_factory=frozenset)
    """Cells whose weight sits at the trimming cap."""
    weighted_shares: dict[str, dict[Code, float]] = field(default_factory=dict)
    """Weighted share (fraction 0-1) of every margin code, for the method section."""
    target_shares: dict[str, dict[Code, float]] = field(default_factory=dict)
    """Population share (fraction 0-1) of every margin code."""

    @property
    def min_weight(self) -> float:
        """The smallest weight of a respondent (mean 1)."""
        return min(self.weights.values())

    @property
    def max_weight(self) -> float:
        """The largest weight of a respondent (mean 1)."""
        return max(self.weights.values())


def kish_effective_n(weights_with_counts: Iterable[tuple[float, float]]) -> float:
    """Kish effective sample size (sum w)^2 / sum w^2 over ``(weight, count)`` pairs.

    ``count`` respondents share ``weight``. Returns 0.0 when there is no weight.
    """
    total = 0.0
    squares = 0.0
    for weight, count in weights_with_counts:
        total += weight * count
        squares += weight * weight * count
    return total * total / squares if squares > 0 else 0.0


def design_effect(weights_with_counts: Iterable[tuple[float, float]]) -> float:
    """Kish design effect 1 + CV^2 of the weights over ``(weight, count)`` pairs.

    CV uses the population standard deviation (divisor n), which makes
    ``design_effect == n * sum w^2 / (sum w)^2 == n / effective_n`` exactly.
    Returns 1.0 when there is no weight.
    """
    n = 0.0
    total = 0.0
    squares = 0.0
    for weight, count in weights_with_counts:
        n += count
        total += weight * count
        squares += weight * weight * count
    if n <= 0 or total <= 0:
        return 1.0
    mean = total / n
    variance = squares / n - mean * mean
    return 1.0 + max(variance, 0.0) / (mean * mean)


def rake(
    cells: Mapping[CellKey, float],
    margins: Mapping[str, Mapping[Code, float]],
    max_iter: int = 1000,
    tol: float = 1e-6,
    trim: float | None = None,
    *,
    dimensions: Sequence[str] | None = None,
    on_unknown_code: Literal["error", "exclude"] = "error",
) -> RakingResult:
    """Rake cell counts to population margins; see the module docstring for the rules.

    ``cells`` maps a tuple of codes (one per dimension, in the order of
    ``dimensions``; by default the order of ``margins``) to the number of responses
    in that cell. ``margins`` maps each dimension to ``{code: population}``.
    ``trim`` is the cap as a multiple of the mean weight (e.g. 5.0), or ``None``.

    Raises :class:`WeightingError` for impossible input. Non-convergence is not an
    error: it is reported by ``converged=False`` so the report can say so.
    """
    dims = tuple(margins) if dimensions is None else tuple(dimensions)
    _check_dimensions(dims, margins)
    if trim is not None and not trim > 1.0:
        raise WeightingError("bad_trim", f"trim must be a factor above 1, got {trim}", trim=trim)
    targets = _target_shares(dims, margins)
    complete, excluded = _complete_cells(cells, dims, targets, on_unknown_code)
    keys = sorted(complete, key=code_order)
    counts = np.array([complete[key] for key in keys], dtype=float)
    members = _memberships(dims, targets, keys, counts)
    weights, iterations, converged = _fit(counts, members, math.inf, tol, max_iter)
    if trim is not None and not (converged and _within_cap(weights, counts, trim, tol)):
        # Bounding from the first sweep on can lead raking to other weights that also
        # meet the margins, so it is kept for the rakes whose weights break the bounds.
        weights, iterations, converged = _fit(counts, members, float(trim), tol, max_iter)
    return _result(
        dims, keys, counts, members, targets, weights, trim, tol, excluded, iterations, converged
    )


Member = tuple[list[Code], np.ndarray, np.ndarray]
"""One dimension in the raking: its codes with a positive population, the index of
each cell's code among them, and the target count of each code."""


def _check_dimensions(dims: tuple[str, ...], margins: Mapping[str, Mapping[Code, float]]) -> None:
    """At least one dimension, and margins for each."""
    if not dims:
        raise WeightingError("no_dimensions", "no weighting dimensions given")
    missing_margins = [d for d in dims if d not in margins]
    if missing_margins:
        raise WeightingError(
            "empty_margin",
            f"no margins for dimension {missing_margins[0]!r}",
            dimension=missing_margins[0],
        )


def _target_shares(
    dims: tuple[str, ...], margins: Mapping[str, Mapping[Code, float]]
) -> dict[str, dict[Code, float]]:
    """Each dimension's population shares (fractions 0-1 of its own total)."""
    targets: dict[str, dict[Code, float]] = {}
    for dim in dims:
        populations = margins[dim]
        for code, population in populations.items():
            if population < 0 or not math.isfinite(population):
                raise WeightingError(
                    "negative_population",
                    f"population {population} for {dim}={code} is not a non-negative number",
                    dimension=dim,
                    code=code,
                )
        dim_total = float(sum(populations.values()))
        if dim_total <= 0:
            raise WeightingError(
                "empty_margin", f"the margins of {dim!r} add up to zero", dimension=dim
            )
        targets[dim] = {code: population / dim_total for code, population in populations.items()}
    return targets


def _complete_cells(
    cells: Mapping[CellKey, float],
    dims: tuple[str, ...],
    targets: Mapping[str, Mapping[Code, float]],
    on_unknown_code: Literal["error", "exclude"],
) -> tuple[dict[CellKey, float], int]:
    """The complete cells with their respondents, and the respondents excluded
    (a missing code, or with ``exclude`` a code the margins lack)."""
    complete: dict[CellKey, float] = {}
    excluded = 0
    unknown: dict[tuple[str, Code], float] = {}
    for raw_key, count in cells.items():
        key = tuple(raw_key)
        if len(key) != len(dims):
            raise WeightingError(
                "bad_cell_key",
                f"cell {key!r} has {len(key)} codes, expected {len(dims)} ({', '.join(dims)})",
                cell=key,
            )
        if count < 0:
            raise WeightingError("negative_count", f"negative count for cell {key!r}", cell=key)
        if count == 0:
            continue
        bad = [(d, c) for d, c in zip(dims, key, strict=True) if c not in targets[d]]
        if any(code is None for code in key) or (bad and on_unknown_code == "exclude"):
            excluded += int(count)
            continue
        for pair in bad:
            unknown[pair] = unknown.get(pair, 0.0) + count
        if not bad:
            complete[key] = complete.get(key, 0.0) + float(count)
    if unknown:
        (dim, code), count = min(unknown.items(), key=lambda item: (item[0][0], str(item[0][1])))
        raise WeightingError(
            "unknown_code",
            f"{int(count)} respondent(s) have {dim}={code!r}, which is not in the margins",
            dimension=dim,
            code=code,
            respondents=int(count),
        )
    if not complete:
        raise WeightingError(
            "no_complete_responses", "no response has a valid code on every weighting dimension"
        )
    return complete, excluded


def _memberships(
    dims: tuple[str, ...],
    targets: Mapping[str, Mapping[Code, float]],
    keys: list[CellKey],
    counts: np.ndarray,
) -> list[Member]:
    """Per dimension, the codes with a positive target, a cell -> code index and the
    target counts. A code with a population needs respondents; a zero-population
    code must have none."""
    n = float(counts.sum())
    members: list[Member] = []
    for d, dim in enumerate(dims):
        present: dict[Code, float] = {}
        for key, count in zip(keys, counts, strict=True):
            present[key[d]] = present.get(key[d], 0.0) + float(count)
        for code, share in targets[dim].items():
            if share > 0 and code not in present:
                raise WeightingError(
                    "margin_without_respondents",
                    f"{dim}={code!r} has a population but no respondents; merge it with"
                    " another category or leave this dimension out",
                    dimension=dim,
                    code=code,
                )
            if share == 0 and code in present:
                raise WeightingError(
                    "zero_population_with_respondents",
                    f"{int(present[code])} respondent(s) have {dim}={code!r},"
                    " whose population is 0",
                    dimension=dim,
                    code=code,
                    respondents=int(present[code]),
                )
        codes = [code for code, share in targets[dim].items() if share > 0]
        index = {code: i for i, code in enumerate(codes)}
        cell_index = np.array([index[key[d]] for key in keys], dtype=np.intp)
        target = np.array([targets[dim][code] * n for code in codes], dtype=float)
        members.append((codes, cell_index, target))
    return members


def _fit(
    counts: np.ndarray, members: list[Member], cap: float, tol: float, max_iter: int
) -> tuple[np.ndarray, int, bool]:
    """Iterative proportional fitting, capping after every sweep when ``cap`` is
    finite: the weights per cell (not yet mean 1), the sweeps and whether the
    margins (and the cap) hold within ``tol``."""
    weights = np.ones(len(counts), dtype=float)
    iterations = 0
    # Stopping at exactly ``tol`` would leave the weights about ``tol`` away from the
    # raking fixed point; polishing on to ``tol * POLISH`` (cheap on cells) makes the
    # figures agree with any other correct implementation far beyond report rounding.
    polish_tol = tol * POLISH
    deviation = _max_deviation(weights, counts, members)
    converged = deviation <= tol and _within_cap(weights, counts, cap, tol)
    polished = deviation <= polish_tol and _within_cap(weights, counts, cap, polish_tol)
    while not polished and iterations < max_iter:
        iterations += 1
        for _codes, cell_index, target in members:
            current = np.bincount(cell_index, weights=weights * counts, minlength=len(target))
            weights = weights * (target / current)[cell_index]
        if not math.isinf(cap):
            weights = _cap_mean_one(weights, counts, cap)
        deviation = _max_deviation(weights, counts, members)
        converged = deviation <= tol and _within_cap(weights, counts, cap, tol)
        polished = deviation <= polish_tol and _within_cap(weights, counts, cap, polish_tol)
    return weights, iterations, converged


def _result(
    dims: tuple[str, ...],
    keys: list[CellKey],
    counts: np.ndarray,
    members: list[Member],
    targets: Mapping[str, Mapping[Code, float]],
    weights: np.ndarray,
    trim: float | None,
    tol: float,
    excluded: int,
    iterations: int,
    converged: bool,
) -> RakingResult:
    """The raking result: mean-1 weights per cell and their diagnostics."""
    n = float(counts.sum())
    weights = _to_mean_one(weights, counts)
    pairs = list(zip(weights.tolist(), counts.tolist(), strict=True))
    weight_map = {key: float(w) for key, w in zip(keys, weights, strict=True)}
    trimmed = (
        frozenset(key for key, w in weight_map.items() if w >= trim * (1 - tol))
        if trim is not None
        else frozenset()
    )
    shares: dict[str, dict[Code, float]] = {}
    for dim, (codes, cell_index, _target) in zip(dims, members, strict=True):
        totals = np.bincount(cell_index, weights=weights * counts, minlength=len(codes))
        shares[dim] = {code: float(totals[i] / n) for i, code in enumerate(codes)}
    return RakingResult(
        dimensions=dims,
        weights=weight_map,
        respondents=round(n),
        excluded=excluded,
        iterations=iterations,
        converged=converged,
        max_deviation=_max_deviation(weights, counts, members),
        design_effect=design_effect(pairs),
        effective_n=kish_effective_n(pairs),
        trim=trim,
        trimmed_cells=trimmed,
        weighted_shares=shares,
        target_shares={dim: dict(targets[dim]) for dim in dims},
    )


def weighted_tally(
    code_rows: Iterable[tuple[CellKey, int | None, float]],
    valid_codes: Collection[int],
    weights: Mapping[CellKey, float],
    base_rows: Iterable[tuple[CellKey, float]] | None = None,
) -> WeightedCounts:
    """The weighted tally of one table: ``(cell, answer code, answers)`` rows
    with each cell's weight (``RakingResult.weights``).

    Weighted count per valid code = sum of weight x answers; answers with a
    code outside ``valid_codes`` (missing options, empty) and answers of
    responses without a weight (incomplete cells) are left out. The base
    (``total``) and the Kish effective n are over the valid answers, or,
    when ``base_rows`` (``(cell, respondents)``) are given, over those
    respondents: multiple choice and ranking, where one respondent gives
    several codes. Sums run in the order of the rows, so the floating-point
    result is the same on every engine."""
    counts: dict[int, float] = defaultdict(float)
    per_cell: dict[CellKey, float] = defaultdict(float)
    for cell, code, n in code_rows:
        weight = weights.get(cell)
        if weight is None or code is None or code not in valid_codes:
            continue
        counts[code] += weight * n
        per_cell[cell] += n
    if base_rows is not None:
        per_cell = defaultdict(float)
        for cell, n in base_rows:
            if cell in weights:
                per_cell[cell] += n
    pairs = [(weights[cell], n) for cell, n in per_cell.items()]
    total = sum(w * n for w, n in pairs)
    return WeightedCounts(dict(counts), total, kish_effective_n(pairs))


def _to_mean_one(weights: np.ndarray, counts: np.ndarray) -> np.ndarray:
    result: np.ndarray = weights * (counts.sum() / float(np.dot(weights, counts)))
    return result


def _cap_mean_one(weights: np.ndarray, counts: np.ndarray, cap: float) -> np.ndarray:
    """Scale to mean 1 with every weight between ``1 / cap`` and ``cap``.

    The result is ``clip(s * w, 1 / cap, cap)`` with the one factor ``s`` that
    makes the mean over respondents (``counts``) exactly 1: of all mean-1 weights
    within the bounds, the closest to the raked ones in raking's own distance
    (sum of c * (v log(v / w) - v + w), which iterative proportional fitting
    minimises). The mean of ``clip(s * w)`` is continuous, non-decreasing and
    linear in ``s`` between the breaks where a cell reaches the floor
    (``s = floor / w``) or the cap (``s = cap / w``). At the smallest break every
    weight is at the floor (mean ``1 / cap``, below 1), at the largest every weight
    is at the cap (mean ``cap``, above 1), so for every cap above 1 a bisection over
    the sorted breaks finds the piece where the mean passes 1, and ``s`` is solved
    on it exactly. Weights are positive (raking only multiplies by positive
    factors).
    """
    n = float(counts.sum())
    floor = 1.0 / cap
    lower = floor / weights
    upper = cap / weights
    breaks = np.unique(np.concatenate([lower, upper]))
    low, high = 0, len(breaks) - 1
    # The mean at breaks[low] is below 1 and at breaks[high] at least 1.
    while high - low > 1:
        middle = (low + high) // 2
        if float(np.dot(np.clip(breaks[middle] * weights, floor, cap), counts)) < n:
            low = middle
        else:
            high = middle
    # Between two neighbouring breaks each cell stays at the floor, at the cap or free;
    # comparing with the breaks themselves (not a point between them) is exact.
    floored = lower >= breaks[high]
    capped = upper <= breaks[low]
    free = ~(floored | capped)
    held = floor * float(counts[floored].sum()) + cap * float(counts[capped].sum())
    scale = (n - held) / float(np.dot(weights[free], counts[free]))
    result: np.ndarray = np.where(floored, floor, np.where(capped, cap, scale * weights))
    return result


def _within_cap(weights: np.ndarray, counts: np.ndarray, cap: float, tol: float) -> bool:
    if math.isinf(cap):
        return True
    scaled = _to_mean_one(weights, counts)
    return bool(np.max(scaled) <= cap * (1 + tol) and np.min(scaled) >= (1 - tol) / cap)


def _max_deviation(
    weights: np.ndarray,
    counts: np.ndarray,
    members: list[Member],
) -> float:
    # Compared as shares, so a uniform rescaling of the weights does not count.
    weighted = weights * counts
    total = float(weighted.sum())
    worst = 0.0
    for _codes, cell_index, target in members:
        current = np.bincount(cell_index, weights=weighted, minlength=len(target)) / total
        wanted = target / target.sum()
        worst = max(worst, float(np.max(np.abs(current - wanted) / wanted)))
    return worst
