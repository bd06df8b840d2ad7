"""The priority matrix: combined scores, ranks, bootstrap rank intervals, sensitivity, labels.

Inputs are plain mappings ``{phenomenon: {indicator: value}}`` so the report builder
can feed survey indicators (``concern``, ``priority``, ``importance``,
``victimisation``) and objective figures (e.g. ``facts``, ``trend``) alike. Every
indicator is read as "higher = more reason to prioritise"; an indicator where lower
is worse must be negated by the caller.

Scoring rules (:func:`combine_scores`):

- ``normalisation="minmax"`` (default): per indicator, ``(x - min) / (max - min)``
  across the phenomena that have a value, so every indicator runs 0..1 and units
  (percent, scale points, counts) do not matter. If all phenomena have the same
  value (or only one has a value), the indicator does not discriminate and every
  phenomenon that has it gets 0.5.
  ``normalisation="none"``: values are used as given (they must already be 0..1).
- The score is the weighted mean of the normalised indicators **the phenomenon
  has**: a missing indicator (absent or ``None``) is left out and the weights are
  re-normalised over the others. A phenomenon is thus neither punished nor favoured
  for a missing figure; it is scored on what is known (say so in the report).
- Only relative weights matter. Indicators absent from ``weights`` or with weight 0
  are ignored; negative weights are refused. No indicator at all -> score ``None``.

Ranks (:func:`rank`): 1 = highest score; equal scores (to 1e-12) share the best rank
("1, 2, 2, 4"); phenomena without a score get ``None``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from survey.analysis.tables import LABEL_RULE

Normalisation = Literal["minmax", "none"]
Label = Literal["priority", "attention", "basic"]

DEFAULT_WEIGHTS: dict[str, float] = {
    "concern": 0.20,
    "priority": 0.20,
    "importance": 0.20,
    "partner_priority": 0.20,
    "victimisation": 0.10,
    "facts": 0.20,
    "trend": 0.10,
}
"""Suggested weights: citizen concern, citizen priority (share choosing it),
partner importance or the partners' priority share (the default partner
survey asks the latter; a consultation that asks both gives partners twice
the weight) and objective registered facts weigh equally; victimisation
(rare, so noisy at zone level) and the trend of the facts weigh half. Planners set
their own; only the ratios matter."""

DEFAULT_SEED = 20260101
"""Seed of the bootstrap, fixed so a report built twice shows the same intervals."""

LABELS_NL: dict[str, str] = {
    "priority": "prioriteit",
    "attention": "aandachtspunt",
    "basic": "basiszorg",
}

_TIE_DECIMALS = 12


# --- scores ---------------------------------------------------------------------


def _indicator_order(
    phenomena: list[str], data: Mapping[str, Mapping[str, Any]], weights: Mapping[str, float]
) -> list[str]:
    for name, weight in weights.items():
        if weight < 0 or not math.isfinite(weight):
            raise ValueError(f"weight of {name!r} must be a non-negative number, got {weight}")
    present = {name for p in phenomena for name, v in data[p].items() if v is not None}
    return sorted(name for name in present if weights.get(name, 0.0) > 0)


def _score_matrix(
    values: np.ndarray, weights: np.ndarray, normalisation: Normalisation
) -> np.ndarray:
    """Scores of shape (replicates, phenomena) from values (replicates, phenomena, indicators).

    NaN marks a missing value; a phenomenon with only NaN gets a NaN score. This is
    the single implementation behind :func:`combine_scores` and the bootstrap.
    """
    if normalisation == "minmax":
        present = ~np.isnan(values)
        has_any = present.any(axis=1, keepdims=True)
        low = np.where(
            has_any, np.nanmin(np.where(present, values, np.inf), axis=1, keepdims=True), 0.0
        )
        high = np.where(
            has_any, np.nanmax(np.where(present, values, -np.inf), axis=1, keepdims=True), 0.0
        )
        spread = high - low
        flat = spread <= 1e-12 * np.maximum(1.0, np.abs(high))
        normalised = np.where(flat, 0.5, (values - low) / np.where(flat, 1.0, spread))
        normalised = np.where(present, normalised, np.nan)
    elif normalisation == "none":
        normalised = values
    else:
        raise ValueError(f"unknown normalisation {normalisation!r}")
    available = ~np.isnan(normalised)
    weight_sum = (available * weights).sum(axis=2)
    weighted = np.where(available, normalised, 0.0) @ weights
    with np.errstate(invalid="ignore", divide="ignore"):
        scores: np.ndarray = np.where(
            weight_sum > 0, weighted / np.where(weight_sum > 0, weight_sum, 1.0), np.nan
        )
    return scores


def combine_scores(
    indicators: Mapping[str, Mapping[str, float | None]],
    weights: Mapping[str, float],
    normalisation: Normalisation = "minmax",
) -> dict[str, float | None]:
    """Combined score 0..1 per phenomenon (see the module docstring for the rules)."""
    phenomena = sorted(indicators)
    names = _indicator_order(phenomena, indicators, weights)
    if not phenomena:
        return {}
    values = np.array(
        [[_as_float(indicators[p].get(name)) for name in names] for p in phenomena], dtype=float
    ).reshape(1, len(phenomena), len(names))
    w = np.array([weights[name] for name in names], dtype=float)
    scores = _score_matrix(values, w, normalisation)[0]
    return {
        p: (None if math.isnan(s) else float(s)) for p, s in zip(phenomena, scores, strict=True)
    }


def rank(scores: Mapping[str, float | None]) -> dict[str, int | None]:
    """Competition ranks: 1 = highest score, ties share the best rank, ``None`` unscored."""
    rounded = {p: round(s, _TIE_DECIMALS) for p, s in scores.items() if s is not None}
    result: dict[str, int | None] = {}
    for p, s in scores.items():
        result[p] = None if s is None else 1 + sum(1 for o in rounded.values() if o > rounded[p])
    return result


def _ranks_matrix(scores: np.ndarray) -> np.ndarray:
    rounded = np.round(scores, _TIE_DECIMALS)
    # NaN compares False, so unscored phenomena never push others down.
    ranks: np.ndarray = 1 + (rounded[:, None, :] > rounded[:, :, None]).sum(axis=2)
    return ranks


def _as_float(value: float | None) -> float:
    return math.nan if value is None else float(value)


# --- bootstrap ------------------------------------------------------------------


Estimate = tuple[float, float | None]
"""An indicator estimate and its standard error (same unit; ``None`` or 0 = exact)."""


def bootstrap_rank_intervals(
    estimates: Mapping[str, Mapping[str, Estimate | None]],
    weights: Mapping[str, float],
    n_boot: int = 1000,
    seed: int = DEFAULT_SEED,
    normalisation: Normalisation = "minmax",
    level: float = 0.95,
) -> dict[str, tuple[int, int] | None]:
    """Rank interval per phenomenon by a parametric bootstrap.

    Every replicate draws each indicator from N(estimate, se) independently (normal
    approximation; an indicator with se ``None`` or 0 stays fixed; draws are not
    clipped), recomputes the scores with :func:`combine_scores`' rules and ranks
    them. The interval is the ``(1-level)/2`` quantile of the replicate ranks, taken
    downwards, and the ``1-(1-level)/2`` quantile, taken upwards, so the bounds are
    whole ranks and never narrower than the percentile interval. Deterministic for
    a given ``seed`` (numpy ``default_rng``). ``None`` for unscored phenomena.
    """
    if n_boot < 1:
        raise ValueError("n_boot must be at least 1")
    if not 0.0 < level < 1.0:
        raise ValueError("level must be strictly between 0 and 1")
    phenomena = sorted(estimates)
    names = _indicator_order(phenomena, estimates, weights)
    if not phenomena:
        return {}
    shape = (len(phenomena), len(names))
    centre = np.full(shape, np.nan)
    se = np.zeros(shape)
    for i, p in enumerate(phenomena):
        for j, name in enumerate(names):
            entry = estimates[p].get(name)
            if entry is None:
                continue
            value, error = entry
            centre[i, j] = value
            if error is not None:
                if error < 0 or not math.isfinite(error):
                    raise ValueError(f"standard error of {p}/{name} must be non-negative")
                se[i, j] = error
    rng = np.random.default_rng(seed)
    draws = centre[None, :, :] + se[None, :, :] * rng.standard_normal((n_boot, *shape))
    w = np.array([weights[name] for name in names], dtype=float)
    scores = _score_matrix(draws, w, normalisation)
    ranks = _ranks_matrix(scores)
    tail = (1.0 - level) / 2.0
    result: dict[str, tuple[int, int] | None] = {}
    for i, p in enumerate(phenomena):
        if np.isnan(scores[:, i]).all():
            result[p] = None
            continue
        low = int(np.quantile(ranks[:, i], tail, method="lower"))
        high = int(np.quantile(ranks[:, i], 1.0 - tail, method="higher"))
        result[p] = (low, high)
    return result


# --- sensitivity ----------------------------------------------------------------


@dataclass(frozen=True)
class SensitivityCase:
    """One weight moved by a factor, others unchanged."""

    indicator: str
    factor: float
    """E.g. 1.2 for +20 %, 0.8 for -20 %."""
    top: tuple[str, ...]
    """Top-n under the moved weights, best first (ties by name)."""
    entered: tuple[str, ...]
    left: tuple[str, ...]

    @property
    def changed(self) -> bool:
        """True when the top-n set changed (order within it does not count)."""
        return bool(self.entered or self.left)


@dataclass(frozen=True)
class SensitivityResult:
    """The sensitivity of the top-n set to each weight moved by +/- ``delta``."""

    n: int
    delta: float
    base_top: tuple[str, ...]
    cases: tuple[SensitivityCase, ...] = field(default_factory=tuple)

    @property
    def stable(self) -> bool:
        """True when no single weight move of +/- delta changes the top-n set."""
        return not any(case.changed for case in self.cases)


def top_n(scores: Mapping[str, float | None], n: int) -> tuple[str, ...]:
    """Phenomena ranked 1..n, best first; ties at rank n are all included."""
    ranks = rank(scores)
    chosen = [p for p, r in ranks.items() if r is not None and r <= n]
    return tuple(sorted(chosen, key=lambda p: (ranks[p], p)))


def sensitivity_top_n(
    indicators: Mapping[str, Mapping[str, float | None]],
    weights: Mapping[str, float],
    n: int = 5,
    delta: float = 0.2,
    normalisation: Normalisation = "minmax",
) -> SensitivityResult:
    """Whether the top-n set changes when any one weight moves by +/- ``delta``.

    For every indicator with a positive weight (in name order), the weight is
    multiplied by ``1 + delta`` and by ``1 - delta`` with the others unchanged (so
    its share of the total weight moves a little less than ``delta``); each case
    lists the top-n and which phenomena entered or left it. Order within the top
    does not count as a change.
    """
    base = top_n(combine_scores(indicators, weights, normalisation), n)
    cases: list[SensitivityCase] = []
    for name in sorted(k for k, v in weights.items() if v > 0):
        for factor in (1.0 + delta, 1.0 - delta):
            moved = dict(weights)
            moved[name] = weights[name] * factor
            top = top_n(combine_scores(indicators, moved, normalisation), n)
            cases.append(
                SensitivityCase(
                    indicator=name,
                    factor=factor,
                    top=top,
                    entered=tuple(sorted(set(top) - set(base))),
                    left=tuple(sorted(set(base) - set(top))),
                )
            )
    return SensitivityResult(n=n, delta=delta, base_top=base, cases=tuple(cases))


# --- labels ---------------------------------------------------------------------


@dataclass(frozen=True)
class LabelProposal:
    """A proposed label, the rule that gave it (``reason``) and its inputs."""

    label: Label
    reason: str
    """``top_rank_and_high_score`` (priority); ``attention_rank_and_score``,
    ``attention_rank`` or ``attention_score`` (attention); ``below_thresholds`` or
    ``no_score`` (basic)."""
    details: dict[str, Any]
    """The rank, score, number of phenomena and the thresholds that were applied."""

    @property
    def label_nl(self) -> str:
        """The label in Dutch (prioriteit, aandachtspunt, basiszorg)."""
        return LABELS_NL[self.label]


def propose_label(
    rank: int | None,
    score: float | None,
    n_phenomena: int,
    *,
    priority_max_rank: int = int(LABEL_RULE["priority_max_rank"]),
    priority_min_score: float = LABEL_RULE["priority_min_score"],
    attention_max_rank: int = int(LABEL_RULE["attention_max_rank"]),
    attention_min_score: float = LABEL_RULE["attention_min_score"],
) -> LabelProposal:
    """Proposed label, a proposal for the council, never a decision.

    Defaults: **priority** when ranked in the top 3 *and* scoring at least 0.6 (a
    high rank alone is not enough when all scores are low); else **attention** when
    ranked in the top 6 *or* scoring at least 0.4; else **basic** (basiszorg).
    Without a score: basic, reason ``no_score``.
    """
    details: dict[str, Any] = {
        "rank": rank,
        "score": score,
        "n_phenomena": n_phenomena,
        "priority_max_rank": priority_max_rank,
        "priority_min_score": priority_min_score,
        "attention_max_rank": attention_max_rank,
        "attention_min_score": attention_min_score,
    }
    if rank is None or score is None:
        return LabelProposal("basic", "no_score", details)
    if rank <= priority_max_rank and score >= priority_min_score:
        return LabelProposal("priority", "top_rank_and_high_score", details)
    by_rank = rank <= attention_max_rank
    by_score = score >= attention_min_score
    if by_rank and by_score:
        return LabelProposal("attention", "attention_rank_and_score", details)
    if by_rank:
        return LabelProposal("attention", "attention_rank", details)
    if by_score:
        return LabelProposal("attention", "attention_score", details)
    return LabelProposal("basic", "below_thresholds", details)
