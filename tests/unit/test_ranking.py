"""Priority matrix: scores, ranks, bootstrap intervals, sensitivity and labels."""

from __future__ import annotations

import math

import pytest

from survey.analysis.ranking import (
    DEFAULT_WEIGHTS,
    LABELS_NL,
    bootstrap_rank_intervals,
    combine_scores,
    propose_label,
    rank,
    sensitivity_top_n,
    top_n,
)

INDICATORS: dict[str, dict[str, float | None]] = {
    "drugs": {"concern": 31.5, "priority": 42.4, "importance": 4.2},
    "verkeer": {"concern": 55.0, "priority": 38.0, "importance": 3.6},
    "inbraak": {"concern": 20.0, "priority": 25.0, "importance": 4.8},
    "overlast": {"concern": 40.0, "priority": 10.0, "importance": None},
}
WEIGHTS = {"concern": 1.0, "priority": 1.0, "importance": 2.0}


def hand_minmax(values: dict[str, float | None]) -> dict[str, float]:
    present = {k: v for k, v in values.items() if v is not None}
    low, high = min(present.values()), max(present.values())
    return {k: (v - low) / (high - low) for k, v in present.items()}


def test_combine_scores_matches_hand_computation() -> None:
    normalised = {
        name: hand_minmax({p: INDICATORS[p][name] for p in INDICATORS}) for name in WEIGHTS
    }
    expected = {}
    for p in INDICATORS:
        have = [n for n in WEIGHTS if p in normalised[n]]
        expected[p] = sum(WEIGHTS[n] * normalised[n][p] for n in have) / sum(
            WEIGHTS[n] for n in have
        )
    scores = combine_scores(INDICATORS, WEIGHTS)
    assert scores == pytest.approx(expected)
    # overlast misses importance: scored on concern and priority only (weights 1:1).
    assert scores["overlast"] == pytest.approx((20 / 35 + 0.0) / 2)


def test_only_weight_ratios_matter() -> None:
    a = combine_scores(INDICATORS, WEIGHTS)
    b = combine_scores(INDICATORS, {k: v * 7 for k, v in WEIGHTS.items()})
    assert a == pytest.approx(b)
    # Weights adding up to less than 1 (the default weights add up to 1 at most).
    c = combine_scores(INDICATORS, {k: v * 0.05 for k, v in WEIGHTS.items()})
    assert a == pytest.approx(c)


def test_constant_indicator_and_unknown_names() -> None:
    data = {"a": {"x": 5.0, "y": 1.0}, "b": {"x": 5.0, "y": 3.0}}
    scores = combine_scores(data, {"x": 1.0, "y": 1.0, "unused": 3.0})
    assert scores == pytest.approx({"a": 0.25, "b": 0.75})
    # Indicators without a weight are ignored.
    assert combine_scores(data, {"y": 1.0}) == pytest.approx({"a": 0.0, "b": 1.0})


def test_no_indicators_gives_no_score() -> None:
    data: dict[str, dict[str, float | None]] = {"a": {"x": 1.0}, "b": {"x": None}, "c": {}}
    scores = combine_scores(data, {"x": 1.0})
    assert scores == {"a": 0.5, "b": None, "c": None}
    assert rank(scores) == {"a": 1, "b": None, "c": None}
    assert combine_scores({}, {"x": 1.0}) == {}


def test_normalisation_none_and_errors() -> None:
    data = {"a": {"x": 0.2, "y": 0.9}, "b": {"x": 0.4, "y": 0.1}}
    assert combine_scores(data, {"x": 1.0, "y": 3.0}, normalisation="none") == pytest.approx(
        {"a": (0.2 + 2.7) / 4, "b": (0.4 + 0.3) / 4}
    )
    with pytest.raises(
        ValueError, match=r"^weight of 'x' must be a non-negative number, got -1.0$"
    ):
        combine_scores(data, {"x": -1.0})
    with pytest.raises(ValueError, match=r"^unknown normalisation 'zscore'$"):
        combine_scores(data, {"x": 1.0}, normalisation="zscore")  # type: ignore[arg-type]


def test_a_constant_indicator_is_flat_up_to_float_noise_only() -> None:
    """Equal up to 1e-12 (relative to the larger value): no discrimination, 0.5 each;
    a difference above that is a real one and spans 0..1."""
    flat = combine_scores({"a": {"x": 1000.0}, "b": {"x": 1000.0 + 1e-10}}, {"x": 1.0})
    assert flat == {"a": 0.5, "b": 0.5}
    apart = combine_scores({"a": {"x": 1.0}, "b": {"x": 1.0 + 1.5e-12}}, {"x": 1.0})
    assert apart == {"a": 0.0, "b": 1.0}


def test_rank_ties_share_best_rank() -> None:
    assert rank({"a": 0.9, "b": 0.5, "c": 0.5, "d": 0.1}) == {"a": 1, "b": 2, "c": 2, "d": 4}
    assert rank({"a": 0.1 + 0.2, "b": 0.3}) == {"a": 1, "b": 1}
    # Equal to 1e-12: float noise of another summation order is still a tie ...
    assert rank({"a": 0.3 + 2e-13, "b": 0.3}) == {"a": 1, "b": 1}
    # ... a real difference is not.
    assert rank({"a": 0.3 + 2e-11, "b": 0.3}) == {"a": 1, "b": 2}
    assert rank({}) == {}


def test_top_n_includes_ties_at_the_boundary() -> None:
    scores = {"a": 0.9, "b": 0.5, "c": 0.5, "d": 0.1}
    assert top_n(scores, 2) == ("a", "b", "c")
    assert top_n(scores, 1) == ("a",)


# --- bootstrap ------------------------------------------------------------------


def estimates_with(se: float) -> dict[str, dict[str, tuple[float, float | None] | None]]:
    return {
        p: {name: (v, se) if v is not None else None for name, v in values.items()}
        for p, values in INDICATORS.items()
    }


def test_bootstrap_without_noise_gives_point_ranks() -> None:
    point = rank(combine_scores(INDICATORS, WEIGHTS))
    intervals = bootstrap_rank_intervals(estimates_with(0.0), WEIGHTS, n_boot=50)
    assert intervals == {p: (r, r) for p, r in point.items()}


def test_bootstrap_is_deterministic_and_seed_dependent() -> None:
    est = estimates_with(8.0)
    a = bootstrap_rank_intervals(est, WEIGHTS, n_boot=400, seed=1)
    b = bootstrap_rank_intervals(est, WEIGHTS, n_boot=400, seed=1)
    assert a == b
    point = rank(combine_scores(INDICATORS, WEIGHTS))
    for p, interval in a.items():
        assert interval is not None
        low, high = interval
        assert 1 <= low <= high <= len(INDICATORS)
        assert low <= point[p] <= high  # type: ignore[operator]
    wide = [interval for interval in a.values() if interval and interval[1] > interval[0]]
    assert wide, "noise this large must widen some interval"
    # Another seed draws other replicates: on a few samples the intervals move.
    few = {seed: bootstrap_rank_intervals(est, WEIGHTS, n_boot=8, seed=seed) for seed in (1, 2)}
    assert few[1] != few[2]
    assert bootstrap_rank_intervals(est, WEIGHTS, n_boot=8, seed=1) == few[1]


def test_a_report_built_again_shows_the_same_intervals() -> None:
    """The default seed is fixed (and published as 20260101 in the report's
    method block): two builds, or a build after an upgrade, give the same ranks."""
    est = estimates_with(8.0)
    first = bootstrap_rank_intervals(est, WEIGHTS, n_boot=8)
    assert bootstrap_rank_intervals(est, WEIGHTS, n_boot=8) == first
    assert bootstrap_rank_intervals(est, WEIGHTS, n_boot=8, seed=20260101) == first


def test_bootstrap_separated_phenomena_have_tight_intervals() -> None:
    est: dict[str, dict[str, tuple[float, float | None] | None]] = {
        "a": {"concern": (90.0, 1.0)},
        "b": {"concern": (50.0, 1.0)},
        "c": {"concern": (10.0, 1.0)},
        "d": {"concern": (49.0, 3.0)},
        "e": {"concern": None},
    }
    intervals = bootstrap_rank_intervals(est, {"concern": 1.0}, n_boot=1000, seed=3)
    assert intervals["a"] == (1, 1)
    assert intervals["c"] == (4, 4)
    assert intervals["b"] == (2, 3) and intervals["d"] == (2, 3)
    assert intervals["e"] is None


def test_bootstrap_percentiles_against_manual_replicates() -> None:
    import numpy as np

    est: dict[str, dict[str, tuple[float, float | None] | None]] = {
        "a": {"x": (1.0, 0.5)},
        "b": {"x": (1.2, 0.5)},
        "c": {"x": (0.8, None)},
    }
    rng = np.random.default_rng(99)
    draws = rng.standard_normal((300, 3, 1))
    ranks_a: list[int] = []
    for d in draws:
        values = {"a": 1.0 + 0.5 * d[0, 0], "b": 1.2 + 0.5 * d[1, 0], "c": 0.8}
        r = rank(values)["a"]
        assert r is not None
        ranks_a.append(r)
    expected = (
        int(np.quantile(ranks_a, 0.025, method="lower")),
        int(np.quantile(ranks_a, 0.975, method="higher")),
    )
    assert bootstrap_rank_intervals(est, {"x": 1.0}, n_boot=300, seed=99)["a"] == expected


EIGHT: dict[str, dict[str, tuple[float, float | None] | None]] = {
    f"p{i}": {"x": (float(i), 2.0)} for i in range(8)
}


def manual_rank_interval(
    centres: dict[str, float], se: float, n_boot: int, seed: int, level: float
) -> dict[str, tuple[int, int]]:
    """The percentile interval of the replicate ranks, drawn as the bootstrap draws them
    (one indicator, phenomena in name order), computed without the module."""
    import numpy as np

    names = sorted(centres)
    draws = np.random.default_rng(seed).standard_normal((n_boot, len(names), 1))
    ranks: dict[str, list[int]] = {p: [] for p in names}
    for d in draws:
        values = {p: centres[p] + se * d[i, 0] for i, p in enumerate(names)}
        for p in names:
            ranks[p].append(1 + sum(1 for o in values.values() if o > values[p]))
    tail = (1 - level) / 2
    return {
        p: (
            int(np.quantile(r, tail, method="lower")),
            int(np.quantile(r, 1 - tail, method="higher")),
        )
        for p, r in ranks.items()
    }


@pytest.mark.parametrize("level", [0.95, 0.8, 0.5])
def test_bootstrap_interval_has_the_stated_level(level: float) -> None:
    """The report says the rank intervals are 95 % intervals: on eight noisy phenomena
    they are the 2.5 % and 97.5 % quantiles of the replicate ranks, not narrower."""
    centres = {p: v[0] for p, e in EIGHT.items() for v in [e["x"]] if v is not None}
    got = bootstrap_rank_intervals(EIGHT, {"x": 1.0}, n_boot=400, seed=7, level=level)
    assert got == manual_rank_interval(centres, 2.0, 400, 7, level)


def test_a_95_interval_is_wider_than_a_50_interval() -> None:
    wide = bootstrap_rank_intervals(EIGHT, {"x": 1.0}, n_boot=400, seed=7)
    narrow = bootstrap_rank_intervals(EIGHT, {"x": 1.0}, n_boot=400, seed=7, level=0.5)
    widths = {}
    for p in EIGHT:
        w, n = wide[p], narrow[p]
        assert w is not None and n is not None
        assert w[0] <= n[0] <= n[1] <= w[1]
        widths[p] = (w[1] - w[0]) - (n[1] - n[0])
    assert sum(widths.values()) > 0


def test_an_unscored_phenomenon_leaves_the_others_their_intervals() -> None:
    """A phenomenon without figures sorts first ("a"): the others keep their intervals."""
    est: dict[str, dict[str, tuple[float, float | None] | None]] = {
        "a": {"concern": None},
        "b": {"concern": (50.0, 1.0)},
        "c": {"concern": (10.0, 1.0)},
    }
    intervals = bootstrap_rank_intervals(est, {"concern": 1.0}, n_boot=100, seed=3)
    assert intervals == {"a": None, "b": (1, 1), "c": (2, 2)}


def test_bootstrap_argument_errors() -> None:
    with pytest.raises(ValueError, match=r"^n_boot must be at least 1$"):
        bootstrap_rank_intervals(estimates_with(1.0), WEIGHTS, n_boot=0)
    # One replicate is the least: each interval is that replicate's rank.
    one = bootstrap_rank_intervals(estimates_with(1.0), WEIGHTS, n_boot=1)
    assert all(i is not None and i[0] == i[1] for i in one.values())
    with pytest.raises(ValueError, match=r"^standard error of a/x must be non-negative$"):
        bootstrap_rank_intervals({"a": {"x": (1.0, -1.0)}}, {"x": 1.0})
    # An infinite or undefined standard error is no spread to draw from either.
    for error in (math.inf, math.nan):
        with pytest.raises(ValueError, match=r"^standard error of a/x must be non-negative$"):
            bootstrap_rank_intervals({"a": {"x": (1.0, error)}}, {"x": 1.0})
    for level in (0.0, 1.0, 1.5, -0.1):
        with pytest.raises(ValueError, match=r"^level must be strictly between 0 and 1$"):
            bootstrap_rank_intervals(estimates_with(1.0), WEIGHTS, level=level)
    assert bootstrap_rank_intervals(estimates_with(1.0), WEIGHTS, level=0.999, n_boot=10)
    assert bootstrap_rank_intervals({}, WEIGHTS) == {}


# --- sensitivity ----------------------------------------------------------------


def test_sensitivity_detects_a_top_change() -> None:
    data: dict[str, dict[str, float | None]] = {
        "a": {"x": 1.0, "y": 0.0},
        "b": {"x": 0.0, "y": 1.05},
        "c": {"x": 0.2, "y": 0.2},
    }
    result = sensitivity_top_n(data, {"x": 1.0, "y": 1.0}, n=1, delta=0.2, normalisation="none")
    assert result.base_top == ("b",)
    assert not result.stable
    by_case = {(c.indicator, round(c.factor, 2)): c for c in result.cases}
    assert set(by_case) == {("x", 1.2), ("x", 0.8), ("y", 1.2), ("y", 0.8)}
    assert by_case[("x", 1.2)].entered == ("a",) and by_case[("x", 1.2)].left == ("b",)
    assert by_case[("x", 1.2)].changed
    assert not by_case[("y", 1.2)].changed
    assert by_case[("y", 0.8)].top == ("a",)


def test_a_shared_first_place_that_a_weight_move_breaks_is_a_change() -> None:
    """Two phenomena tie for the top 1; a 20 % heavier weight on one indicator lifts one
    of them alone: the other left the top although nobody entered it, and the matrix
    must not call that stable."""
    data: dict[str, dict[str, float | None]] = {
        "a": {"x": 1.0, "y": 0.0},
        "b": {"x": 0.0, "y": 1.0},
        "c": {"x": 0.1, "y": 0.1},
    }
    result = sensitivity_top_n(data, {"x": 1.0, "y": 1.0}, n=1, normalisation="none")
    assert result.base_top == ("a", "b")
    by_case = {(c.indicator, round(c.factor, 2)): c for c in result.cases}
    heavier_x = by_case[("x", 1.2)]
    assert heavier_x.top == ("a",)
    assert (heavier_x.entered, heavier_x.left) == ((), ("b",))
    assert heavier_x.changed
    assert not result.stable


def test_sensitivity_stable_case() -> None:
    data: dict[str, dict[str, float | None]] = {
        f"p{i}": {"x": float(i), "y": float(i) * 2} for i in range(10)
    }
    result = sensitivity_top_n(data, {"x": 1.0, "y": 1.0, "z": 0.0})
    assert result.stable
    assert result.base_top == ("p9", "p8", "p7", "p6", "p5")
    assert len(result.cases) == 4  # zero weights are not moved


# --- labels ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("r", "score", "label", "reason"),
    [
        (1, 0.9, "priority", "top_rank_and_high_score"),
        (3, 0.6, "priority", "top_rank_and_high_score"),
        (3, 0.599, "attention", "attention_rank_and_score"),
        (4, 0.9, "attention", "attention_rank_and_score"),
        (2, 0.55, "attention", "attention_rank_and_score"),
        (4, 0.7, "attention", "attention_rank_and_score"),
        (6, 0.4, "attention", "attention_rank_and_score"),
        (5, 0.2, "attention", "attention_rank"),
        (6, 0.3, "attention", "attention_rank"),
        (6, 0.399, "attention", "attention_rank"),
        (7, 0.4, "attention", "attention_score"),
        (8, 0.45, "attention", "attention_score"),
        (7, 0.39, "basic", "below_thresholds"),
        (7, 0.399, "basic", "below_thresholds"),
        (1, None, "basic", "no_score"),
        (None, None, "basic", "no_score"),
    ],
)
def test_propose_label_rules(r: int | None, score: float | None, label: str, reason: str) -> None:
    """The documented rules at their boundaries: priority = top 3 and a score of at
    least 0.60; attention = top 6 or a score of at least 0.40; else basic care."""
    proposal = propose_label(r, score, 10)
    assert (proposal.label, proposal.reason) == (label, reason)
    assert proposal.details == {
        "rank": r,
        "score": score,
        "n_phenomena": 10,
        "priority_max_rank": 3,
        "priority_min_score": 0.6,
        "attention_max_rank": 6,
        "attention_min_score": 0.4,
    }
    dutch = {"priority": "prioriteit", "attention": "aandachtspunt", "basic": "basiszorg"}
    assert proposal.label_nl == dutch[label]


def test_propose_label_thresholds_are_parameters() -> None:
    proposal = propose_label(5, 0.5, 10, priority_max_rank=5, priority_min_score=0.5)
    assert proposal.label == "priority"
    assert proposal.details["priority_max_rank"] == 5
    assert proposal.label_nl == "prioriteit"
    assert propose_label(9, 0.1, 10).label_nl == "basiszorg"


def test_default_weights_are_documented_and_positive() -> None:
    """The weights the docstring documents: concern, priority, the partners'
    indicator (importance or their priority share) and facts equally,
    victimisation and trend half as much."""
    assert DEFAULT_WEIGHTS == {
        "concern": 0.20,
        "priority": 0.20,
        "importance": 0.20,
        "partner_priority": 0.20,
        "victimisation": 0.10,
        "facts": 0.20,
        "trend": 0.10,
    }
    assert LABELS_NL == {
        "priority": "prioriteit",
        "attention": "aandachtspunt",
        "basic": "basiszorg",
    }
