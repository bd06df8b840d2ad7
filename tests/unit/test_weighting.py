"""Raking on cell counts, checked against a brute-force per-respondent IPF."""

from __future__ import annotations

import itertools
import math
import random
import statistics
import time
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from survey.analysis.tables import CategoricalTable, Category
from survey.analysis.weighting import (
    RakingResult,
    WeightingError,
    design_effect,
    kish_effective_n,
    rake,
    weighted_tally,
)


def brute_force_ipf(
    respondents: list[tuple[Any, ...]], margins: dict[str, dict[Any, float]], sweeps: int = 5000
) -> list[float]:
    """Textbook IPF on one weight per respondent, written independently of the module."""
    dims = list(margins)
    n = len(respondents)
    weights = [1.0] * n
    for _ in range(sweeps):
        for d, dim in enumerate(dims):
            total_pop = sum(margins[dim].values())
            for code, population in margins[dim].items():
                idx = [i for i, r in enumerate(respondents) if r[d] == code]
                current = sum(weights[i] for i in idx)
                factor = population / total_pop * n / current
                for i in idx:
                    weights[i] *= factor
    return weights


def bounded_mean_one(
    weights: dict[tuple[Any, ...], float], cells: dict[tuple[Any, ...], int], trim: float
) -> dict[tuple[Any, ...], float]:
    """The weights times one factor s, clipped to [1/trim, trim], with s found by
    bisection so that their mean over the respondents is 1 (the mean of the
    clipped weights only grows with s)."""
    n = sum(cells.values())

    def mean_at(s: float) -> float:
        return sum(min(max(s * weights[k], 1 / trim), trim) * c for k, c in cells.items()) / n

    low, high = 0.0, 1.0
    while mean_at(high) < 1:
        high *= 2
    for _ in range(100):
        middle = (low + high) / 2
        if mean_at(middle) < 1:
            low = middle
        else:
            high = middle
    s = (low + high) / 2
    return {k: min(max(s * w, 1 / trim), trim) for k, w in weights.items()}


def reference_trimmed_rake(
    cells: dict[tuple[Any, ...], int],
    margins: dict[str, dict[Any, float]],
    trim: float,
    sweeps: int,
) -> dict[tuple[Any, ...], float]:
    """Trimmed raking written independently of the module, on cells: ``sweeps``
    times a textbook IPF sweep over every dimension, then the bounded mean-1
    weights of :func:`bounded_mean_one`."""
    n = sum(cells.values())
    weights = {k: 1.0 for k in cells}
    for _ in range(sweeps):
        for d, margin in enumerate(margins.values()):
            total_pop = sum(margin.values())
            for code, population in margin.items():
                members = [k for k in cells if k[d] == code]
                current = sum(weights[k] * cells[k] for k in members)
                for k in members:
                    weights[k] *= population / total_pop * n / current
        weights = bounded_mean_one(weights, cells, trim)
    return weights


def expand(cells: dict[tuple[Any, ...], int]) -> list[tuple[Any, ...]]:
    return [key for key, count in cells.items() for _ in range(count)]


def weighted_share(
    result: RakingResult, cells: dict[tuple[Any, ...], int], d: int, code: Any
) -> float:
    total = sum(result.weights[k] * c for k, c in cells.items() if k in result.weights)
    part = sum(
        result.weights[k] * c for k, c in cells.items() if k in result.weights and k[d] == code
    )
    return part / total


SMALL_CELLS = {(1, 1): 30, (1, 2): 20, (2, 1): 10, (2, 2): 40}
SMALL_MARGINS = {"district": {1: 6000.0, 2: 4000.0}, "sex": {1: 4800.0, 2: 5200.0}}


def test_two_by_two_matches_brute_force_and_margins() -> None:
    result = rake(SMALL_CELLS, SMALL_MARGINS)
    assert result.converged
    assert result.dimensions == ("district", "sex")
    assert result.respondents == 100 and result.excluded == 0
    brute = brute_force_ipf(expand(SMALL_CELLS), SMALL_MARGINS)
    for key, weight in zip(expand(SMALL_CELLS), brute, strict=True):
        assert result.weights[key] == pytest.approx(weight, rel=1e-6)
    for d, dim in enumerate(result.dimensions):
        total = sum(SMALL_MARGINS[dim].values())
        for code, population in SMALL_MARGINS[dim].items():
            share = weighted_share(result, SMALL_CELLS, d, code)
            assert share == pytest.approx(population / total, rel=1e-6)
            assert result.weighted_shares[dim][code] == pytest.approx(share)
            assert result.target_shares[dim][code] == pytest.approx(population / total)
    assert result.max_deviation <= 1e-6
    # The report publishes the sweeps: raking stops once polished (1e-10), which two
    # dimensions of two codes reach in a dozen sweeps, not the 1,000 it may use.
    assert 0 < result.iterations <= 20


def test_weights_have_mean_one_and_diagnostics_match_formulas() -> None:
    result = rake(SMALL_CELLS, SMALL_MARGINS)
    per_respondent = [result.weights[k] for k in expand(SMALL_CELLS)]
    assert statistics.fmean(per_respondent) == pytest.approx(1.0, abs=1e-12)
    cv = statistics.pstdev(per_respondent) / statistics.fmean(per_respondent)
    assert result.design_effect == pytest.approx(1 + cv**2)
    kish = sum(per_respondent) ** 2 / sum(w * w for w in per_respondent)
    assert result.effective_n == pytest.approx(kish)
    assert result.effective_n == pytest.approx(100 / result.design_effect)


def test_three_dimensions_random_against_brute_force() -> None:
    rng = random.Random(2026)
    cells = {key: rng.randint(1, 15) for key in itertools.product([1, 2, 3], [1, 2, 3, 4], [1, 2])}
    margins = {
        "district": {1: 12034.0, 2: 8000.0, 3: 5000.0},
        "age": {1: 5000.0, 2: 6000.0, 3: 8000.0, 4: 6000.0},
        "sex": {1: 12400.0, 2: 12634.0},
    }
    result = rake(cells, margins)
    assert result.converged
    brute = brute_force_ipf(expand(cells), margins, sweeps=300)
    for key, weight in zip(expand(cells), brute, strict=True):
        assert result.weights[key] == pytest.approx(weight, rel=1e-5)
    for d, dim in enumerate(result.dimensions):
        total = sum(margins[dim].values())
        for code, population in margins[dim].items():
            assert weighted_share(result, cells, d, code) == pytest.approx(
                population / total, rel=1e-6
            )


def test_already_representative_sample_gets_weight_one() -> None:
    cells = {(1, 1): 25, (1, 2): 25, (2, 1): 25, (2, 2): 25}
    margins = {"a": {1: 50.0, 2: 50.0}, "b": {1: 7.0, 2: 7.0}}
    result = rake(cells, margins)
    assert result.converged and result.iterations == 0
    assert all(w == pytest.approx(1.0) for w in result.weights.values())
    assert result.design_effect == pytest.approx(1.0)
    assert result.effective_n == pytest.approx(100.0)


def test_margin_totals_may_differ_between_dimensions() -> None:
    scaled = {"district": {1: 60.0, 2: 40.0}, "sex": {1: 4800.0, 2: 5200.0}}
    a = rake(SMALL_CELLS, SMALL_MARGINS)
    b = rake(SMALL_CELLS, scaled)
    for key in SMALL_CELLS:
        assert a.weights[key] == pytest.approx(b.weights[key])


def test_incomplete_respondents_are_excluded() -> None:
    cells: dict[tuple[Any, ...], int] = dict(SMALL_CELLS)
    cells[(1, None)] = 7
    cells[(None, None)] = 3
    result = rake(cells, SMALL_MARGINS)
    assert result.excluded == 10
    assert result.respondents == 100
    assert (1, None) not in result.weights
    assert (1, None) not in result.weights
    reference = rake(SMALL_CELLS, SMALL_MARGINS)
    for key in SMALL_CELLS:
        assert result.weights[key] == pytest.approx(reference.weights[key])


def test_explicit_dimension_order() -> None:
    swapped_cells = {(s, d): c for (d, s), c in SMALL_CELLS.items()}
    result = rake(swapped_cells, SMALL_MARGINS, dimensions=["sex", "district"])
    reference = rake(SMALL_CELLS, SMALL_MARGINS)
    for (d, s), weight in reference.weights.items():
        assert result.weights[(s, d)] == pytest.approx(weight)


def test_margin_code_without_respondents_is_an_error() -> None:
    margins = {"district": {1: 6000.0, 2: 4000.0, 3: 100.0}, "sex": SMALL_MARGINS["sex"]}
    with pytest.raises(WeightingError) as info:
        rake(SMALL_CELLS, margins)
    assert info.value.code == "margin_without_respondents"
    assert info.value.details == {"dimension": "district", "code": 3}


def test_zero_population_code_without_respondents_is_fine() -> None:
    margins = {"district": {1: 6000.0, 2: 4000.0, 3: 0.0}, "sex": SMALL_MARGINS["sex"]}
    assert rake(SMALL_CELLS, margins).converged


def test_zero_population_code_with_respondents_is_an_error() -> None:
    margins = {"district": {1: 6000.0, 2: 0.0}, "sex": SMALL_MARGINS["sex"]}
    with pytest.raises(WeightingError) as info:
        rake(SMALL_CELLS, margins)
    assert info.value.code == "zero_population_with_respondents"
    assert info.value.details == {"dimension": "district", "code": 2, "respondents": 50}


def test_the_zero_population_error_names_the_code_that_has_respondents() -> None:
    """Three districts of unequal size: the message blames the one with no population."""
    cells = {(1, 1): 30, (1, 2): 20, (2, 1): 10, (2, 2): 15, (3, 1): 7, (3, 2): 8}
    margins = {"district": {1: 6000.0, 2: 4000.0, 3: 0.0}, "sex": SMALL_MARGINS["sex"]}
    with pytest.raises(WeightingError) as info:
        rake(cells, margins)
    assert info.value.code == "zero_population_with_respondents"
    assert info.value.details == {"dimension": "district", "code": 3, "respondents": 15}


def test_unknown_code_is_an_error_or_excluded() -> None:
    cells = dict(SMALL_CELLS)
    cells[(9, 1)] = 4
    with pytest.raises(WeightingError) as info:
        rake(cells, SMALL_MARGINS)
    assert info.value.code == "unknown_code"
    assert info.value.details == {"dimension": "district", "code": 9, "respondents": 4}
    assert "not in the margins" in str(info.value)
    result = rake(cells, SMALL_MARGINS, on_unknown_code="exclude")
    assert result.excluded == 4 and result.respondents == 100


def test_with_unknown_codes_in_two_dimensions_the_error_names_the_first_dimension() -> None:
    """The planner is told about one unknown code at a time, always the same one:
    the first dimension by name (district before sex), whatever the codes."""
    cells = {(1, 7): 2, (9, 1): 4, **SMALL_CELLS}
    with pytest.raises(WeightingError) as info:
        rake(cells, SMALL_MARGINS)
    assert info.value.details == {"dimension": "district", "code": 9, "respondents": 4}


def test_excluding_unknown_codes_goes_on_past_the_first_one() -> None:
    """The report rakes with ``on_unknown_code="exclude"``: an unknown code and an
    unanswered dimension listed first exclude their own respondents only."""
    cells = {(9, 1): 4, (None, 2): 3, (1, 7): 2}
    cells.update(SMALL_CELLS)
    result = rake(cells, SMALL_MARGINS, on_unknown_code="exclude")
    assert result.excluded == 4 + 3 + 2
    assert result.respondents == 100
    assert set(result.weights) == set(SMALL_CELLS)
    reference = rake(SMALL_CELLS, SMALL_MARGINS)
    assert result.weights == pytest.approx(reference.weights)


@pytest.mark.parametrize(
    ("cells", "margins", "code"),
    [
        ({}, SMALL_MARGINS, "no_complete_responses"),
        ({(None, 1): 5}, SMALL_MARGINS, "no_complete_responses"),
        ({(1,): 5}, SMALL_MARGINS, "bad_cell_key"),
        ({(1, 1): -1}, SMALL_MARGINS, "negative_count"),
        (SMALL_CELLS, {}, "no_dimensions"),
        (SMALL_CELLS, {"district": {1: 0.0, 2: 0.0}, "sex": {1: 1.0, 2: 1.0}}, "empty_margin"),
        (
            SMALL_CELLS,
            {"district": {1: -5.0, 2: 3.0}, "sex": {1: 1.0, 2: 1.0}},
            "negative_population",
        ),
    ],
)
def test_bad_input_errors(
    cells: dict[tuple[Any, ...], int], margins: dict[str, dict[Any, float]], code: str
) -> None:
    with pytest.raises(WeightingError) as info:
        rake(cells, margins)
    assert info.value.code == code


def test_a_cell_without_respondents_changes_nothing() -> None:
    """The cube lists combinations nobody answered with a count of 0: they are no
    error and no respondent, wherever they come in the cells, even with a code the
    margins lack (sex "other" that nobody chose)."""
    with_empty = {(2, 9): 0, **SMALL_CELLS, (1, 3): 0}
    result = rake(with_empty, SMALL_MARGINS)
    plain = rake(SMALL_CELLS, SMALL_MARGINS)
    assert result.weights == plain.weights
    assert (result.respondents, result.excluded) == (100, 0)


def test_dimension_without_margins_and_bad_trim() -> None:
    with pytest.raises(WeightingError) as info:
        rake(SMALL_CELLS, SMALL_MARGINS, dimensions=["district", "age"])
    assert info.value.code == "empty_margin"
    # A cap must be above the mean weight: at 1 every weight would be 1.
    for cap in (0.5, 1.0):
        with pytest.raises(WeightingError) as info:
            rake(SMALL_CELLS, SMALL_MARGINS, trim=cap)
        assert info.value.code == "bad_trim"
    assert rake(SMALL_CELLS, SMALL_MARGINS, trim=1.01).max_weight <= 1.01 * (1 + 1e-6)


def test_structural_zero_cannot_converge_and_says_so() -> None:
    # Only (1,1) and (2,2) observed: the district margin forces the sex margin.
    cells = {(1, 1): 10, (2, 2): 10}
    margins = {"district": {1: 70.0, 2: 30.0}, "sex": {1: 50.0, 2: 50.0}}
    result = rake(cells, margins, max_iter=50)
    assert not result.converged
    assert result.iterations == 50
    assert result.max_deviation > 0.1
    # By default it gives up after 1,000 sweeps (a report is never held up).
    assert rake(cells, margins).iterations == 1000


def test_converged_says_whether_every_margin_is_within_a_millionth() -> None:
    """Sweep by sweep, ``converged`` (default tolerance 1e-6) is true exactly when
    every weighted margin is within a millionth (relative) of its population share;
    a nearly diagonal sample converges slowly, so the sweeps pass that boundary. No
    sweep at all (max_iter 0) leaves the sample as it is, which is not converged."""
    cells = {(1, 1): 100, (1, 2): 1, (2, 1): 1, (2, 2): 100}
    margins = {"a": {1: 0.3, 2: 0.7}, "b": {1: 0.7, 2: 0.3}}
    deviations = []
    for sweeps in range(25):
        result = rake(cells, margins, max_iter=sweeps)
        assert result.converged == (result.max_deviation <= 1e-6), sweeps
        deviations.append(result.max_deviation)
    assert any(1e-6 < d < 2e-6 for d in deviations)
    assert deviations[-1] < 1e-9


def test_trimming_caps_weights_and_keeps_margins_when_possible() -> None:
    cells = {(1, 1): 200, (1, 2): 150, (2, 1): 100, (2, 2): 3, (2, 3): 40, (1, 3): 30}
    margins = {"a": {1: 50.0, 2: 50.0}, "b": {1: 40.0, 2: 40.0, 3: 20.0}}
    untrimmed = rake(cells, margins)
    assert untrimmed.max_weight > 3.0
    trimmed = rake(cells, margins, trim=3.0)
    assert trimmed.max_weight <= 3.0 * (1 + 1e-6)
    assert trimmed.trimmed_cells
    assert trimmed.design_effect < untrimmed.design_effect
    per_respondent = [trimmed.weights[k] for k in expand(cells)]
    assert statistics.fmean(per_respondent) == pytest.approx(1.0)
    if trimmed.converged:
        assert trimmed.max_deviation <= 1e-6
    else:
        assert trimmed.max_deviation > 1e-6


def test_trimming_that_is_not_needed_changes_nothing() -> None:
    a = rake(SMALL_CELLS, SMALL_MARGINS)
    b = rake(SMALL_CELLS, SMALL_MARGINS, trim=10.0)
    assert b.converged and not b.trimmed_cells
    for key in SMALL_CELLS:
        assert a.weights[key] == pytest.approx(b.weights[key], rel=1e-6)


def test_a_cap_the_raked_weights_stay_within_changes_nothing() -> None:
    """Raked weights from 0.52 to 1.89 with a cap of 2: the weights are the
    untrimmed ones. The first sweep puts cell (2, 2) under the floor 1/2 (0.48),
    and bounding from there on led raking to other weights that also meet the
    margins (up to 2.4 % apart), so a cap nobody reaches changed the figures."""
    cells = {(1, 1): 10, (1, 2): 15, (2, 1): 5, (2, 2): 20}
    margins = {"district": {1: 70.0, 2: 30.0}, "sex": {1: 80.0, 2: 90.0}}
    expected = dict(
        zip(expand(cells), brute_force_ipf(expand(cells), margins, sweeps=500), strict=True)
    )
    assert min(expected.values()) > 0.5 and max(expected.values()) < 2.0
    result = rake(cells, margins, trim=2.0)
    assert result.converged and result.trimmed_cells == frozenset()
    assert result.weights == pytest.approx(expected, rel=1e-9)
    # At the boundary: a floor exactly at the smallest raked weight (trim 1.92) still
    # changes nothing (bounding from the first sweep moved the weights by 4.9 %).
    exact = rake(cells, margins, trim=1 / min(expected.values()))
    assert exact.converged and exact.weights == pytest.approx(expected, rel=1e-9)


def test_trimming_infeasible_keeps_cap_and_reports_non_convergence() -> None:
    # One respondent must carry half the population: impossible with a cap of 2.
    cells = {(1,): 1, (2,): 99}
    margins = {"a": {1: 50.0, 2: 50.0}}
    result = rake(cells, margins, trim=2.0, max_iter=100)
    assert not result.converged
    assert result.max_weight <= 2.0 * (1 + 1e-9)


random_rakes = st.integers(min_value=2, max_value=4).flatmap(
    lambda n_codes: st.tuples(
        st.lists(
            st.integers(min_value=1, max_value=60), min_size=3 * n_codes, max_size=3 * n_codes
        ),
        st.lists(st.floats(min_value=0.05, max_value=1.0), min_size=n_codes, max_size=n_codes),
        st.lists(st.floats(min_value=0.05, max_value=1.0), min_size=3, max_size=3),
    )
)


def grid_rake(
    data: tuple[list[int], list[float], list[float]],
) -> tuple[dict[tuple[Any, ...], int], dict[str, dict[Any, float]]]:
    """The cells (every district x sex, respondents in each) and the margins of
    a drawn sample."""
    counts, district, sex = data
    grid = itertools.product(range(1, len(district) + 1), range(1, 4))
    cells = dict(zip(grid, counts, strict=True))
    margins = {
        "district": {i + 1: share for i, share in enumerate(district)},
        "sex": {i + 1: share for i, share in enumerate(sex)},
    }
    return cells, margins


@settings(max_examples=60, deadline=None)
@given(random_rakes, st.sampled_from([None, 1.5, 2.0, 3.0]))
def test_raking_reaches_every_margin_with_positive_weights(
    data: tuple[list[int], list[float], list[float]], trim: float | None
) -> None:
    """For every sample with respondents in every cell (raking can always reach the
    margins): weights are positive with mean 1, the margins are met within the
    tolerance (or, only when trimming, ``converged`` says they are not), the cap
    holds, and trimming stops within ``max_iter`` sweeps."""
    cells, margins = grid_rake(data)
    started = time.monotonic()
    result = rake(cells, margins, trim=trim, max_iter=200)
    assert time.monotonic() - started < 10
    assert result.iterations <= 200
    n = sum(cells.values())
    assert result.respondents == n
    weights = [result.weights[k] for k in expand(cells)]
    # A cap the margins cannot live with used to squeeze a cell's weight to
    # nothing (0.0 with a cap of 1.5); the floor of 1/cap keeps every weight
    # positive, converged or not. The report warns that the margins are not
    # reached (``margins_not_reached``, test_weighting_summary).
    assert min(weights) > 0
    if trim is not None:
        assert min(weights) >= (1 - 1e-6) / trim
    # The method section quotes the smallest and the largest weight.
    assert (result.min_weight, result.max_weight) == (min(weights), max(weights))
    assert statistics.fmean(weights) == pytest.approx(1.0)
    if trim is not None:
        assert max(weights) <= trim * (1 + 1e-6)
    else:
        assert result.converged
    deviations = [
        abs(weighted_share(result, cells, d, code) - target / sum(margin.values()))
        / (target / sum(margin.values()))
        for d, margin in enumerate(margins.values())
        for code, target in margin.items()
    ]
    assert result.max_deviation == pytest.approx(max(deviations), abs=1e-9)
    if result.converged:
        assert max(deviations) <= 1e-6
    else:
        assert max(deviations) > 1e-6
    assert result.design_effect == pytest.approx(n / result.effective_n)


def test_a_cap_the_margins_cannot_live_with_leaves_no_weight_near_zero() -> None:
    """Trimmed raking that cannot meet the margins: every weight stays at
    least 1/cap of the mean, and the cells that need more stay at the cap."""
    cells = {(1, 1): 1, (1, 2): 1, (2, 1): 60, (2, 2): 60}
    margins = {"a": {1: 50.0, 2: 50.0}, "b": {1: 90.0, 2: 10.0}}
    result = rake(cells, margins, trim=1.5, max_iter=200)
    assert not result.converged
    assert result.min_weight >= (1 - 1e-9) / 1.5
    assert result.max_weight <= 1.5 * (1 + 1e-9)
    assert statistics.fmean(result.weights[k] for k in expand(cells)) == pytest.approx(1.0)
    # Untrimmed raking has no floor: it reaches the margins with whatever it takes.
    untrimmed = rake(cells, margins)
    assert untrimmed.converged and untrimmed.min_weight < 1 / 1.5


def test_trimming_many_cells_at_once_stops() -> None:
    """Five small cells that all need more than the cap: bounding ends (it once
    went round in circles), with the five at the cap and the large cells below."""
    cells = {(code,): n for code, n in enumerate([1, 1, 2, 3, 5, 40, 80, 200], start=1)}
    margins = {"a": {code: 1.0 for code in range(1, 9)}}
    result = rake(cells, margins, trim=2.5, max_iter=300)
    per_respondent = [result.weights[k] for k in expand(cells)]
    assert max(per_respondent) <= 2.5 * (1 + 1e-9)
    assert statistics.fmean(per_respondent) == pytest.approx(1.0)
    assert result.trimmed_cells >= {(1,), (2,), (3,), (4,), (5,)}
    assert (8,) not in result.trimmed_cells


def test_kish_and_design_effect_helpers() -> None:
    pairs = [(0.5, 10.0), (1.0, 20.0), (2.0, 5.0)]
    flat = [w for w, c in pairs for _ in range(int(c))]
    assert kish_effective_n(pairs) == pytest.approx(sum(flat) ** 2 / sum(w * w for w in flat))
    cv2 = (statistics.pstdev(flat) / statistics.fmean(flat)) ** 2
    assert design_effect(pairs) == pytest.approx(1 + cv2)
    assert design_effect(pairs) == pytest.approx(len(flat) / kish_effective_n(pairs))
    assert kish_effective_n([]) == 0.0
    assert design_effect([]) == 1.0
    assert kish_effective_n([(1.0, 42.0)]) == pytest.approx(42.0)


@pytest.mark.parametrize("scale", [0.01, 0.3, 7.0])
def test_the_design_effect_and_effective_n_do_not_depend_on_the_scale_of_the_weights(
    scale: float,
) -> None:
    """Weights of mean 0.01 or 7 instead of 1 tell the same story: the same design
    effect and effective n (both compare the spread of the weights with their mean);
    weights that are all zero are no weight: design effect 1, effective n 0."""
    pairs = [(0.5, 10.0), (1.0, 20.0), (2.0, 5.0)]
    scaled = [(w * scale, c) for w, c in pairs]
    flat = [w for w, c in pairs for _ in range(int(c))]
    expected = 1 + (statistics.pstdev(flat) / statistics.fmean(flat)) ** 2
    assert design_effect(scaled) == pytest.approx(expected, rel=1e-12)
    assert kish_effective_n(scaled) == pytest.approx(len(flat) / expected, rel=1e-12)
    assert design_effect([(0.0, 5.0)]) == 1.0
    assert kish_effective_n([(0.0, 5.0)]) == 0.0


def test_weighted_tally_of_one_question() -> None:
    weights = {(1,): 0.5, (2,): 2.0}
    rows = [
        ((1,), 1, 30),
        ((1,), 2, 10),
        ((2,), 1, 5),
        ((2,), 2, 15),
        ((2,), 9, 6),  # a missing option: not in the tally
        ((2,), None, 3),  # shown, left empty
        ((None,), 1, 4),  # an incomplete response: no weight
    ]
    tally = weighted_tally(rows, frozenset({1, 2}), weights)
    assert tally.counts == {1: 25.0, 2: 35.0}
    assert tally.total == 60.0
    assert tally.percent(1) == round(25 / 60 * 100, 2)
    assert tally.percent(3) == 0.0
    flat = [0.5] * 40 + [2.0] * 20
    assert tally.effective_n == pytest.approx(sum(flat) ** 2 / sum(w * w for w in flat))
    empty = weighted_tally([], frozenset({1, 2}), weights)
    assert empty.percent(1) is None and empty.ci95(1) is None and empty.effective_n == 0.0


def test_weighted_tally_on_a_base_of_respondents() -> None:
    """Multiple choice: one respondent gives several codes, so the base is
    the weighted respondents, not the weighted answers."""
    weights = {(1,): 1.0, (2,): 3.0}
    rows = [((1,), 1, 5), ((1,), 2, 5), ((2,), 1, 2)]
    tally = weighted_tally(rows, frozenset({1, 2}), weights, base_rows=[((1,), 8), ((2,), 2)])
    assert tally.total == 14.0
    assert tally.percent(1) == round(11 / 14 * 100, 2)
    assert tally.effective_n == pytest.approx(14**2 / (8 + 2 * 9))
    # A ranking's base is its first places, one row per cell and first choice: the
    # rows of one cell add up (8 respondents in cell 1, of two different firsts).
    firsts = weighted_tally(
        rows, frozenset({1, 2}), weights, base_rows=[((1,), 5), ((1,), 3), ((2,), 2)]
    )
    assert firsts.total == tally.total and firsts.effective_n == tally.effective_n


def test_large_sample_is_fast_and_exact() -> None:
    rng = random.Random(1)
    cells = {key: rng.randint(0, 400) for key in itertools.product(range(12), range(4), range(2))}
    cells[(0, 0, 0)] = 5
    margins = {
        "district": {d: float(rng.randint(2000, 20000)) for d in range(12)},
        "age": {a: float(rng.randint(5000, 9000)) for a in range(4)},
        "sex": {0: 49.0, 1: 51.0},
    }
    result = rake(cells, margins)
    assert result.converged and result.max_deviation <= 1e-6
    assert math.isclose(
        sum(result.weights[k] * c for k, c in cells.items() if c), sum(cells.values()), rel_tol=1e-9
    )


@settings(max_examples=80, deadline=None)
@given(
    st.lists(
        st.lists(st.integers(min_value=0, max_value=40), min_size=4, max_size=4),
        min_size=1,
        max_size=5,
    ),
    st.floats(min_value=0.05, max_value=20.0),
)
def test_equal_weights_publish_the_unweighted_shares(
    answers_per_cell: list[list[int]], weight: float
) -> None:
    """Every respondent weighing the same: each weighted share and interval the
    report publishes is the unweighted one, and the effective n is the base.
    Code 9 is a missing option, outside the base."""
    cells = [(cell,) for cell in range(len(answers_per_cell))]
    rows = [
        (cell, code, n)
        for cell, answers in zip(cells, answers_per_cell, strict=True)
        for code, n in zip((1, 2, 3, 9), answers, strict=True)
    ]
    tally = weighted_tally(rows, frozenset({1, 2, 3}), dict.fromkeys(cells, weight))
    counts = {code: sum(n for _, c, n in rows if c == code) for code in (1, 2, 3, 9)}
    valid = counts[1] + counts[2] + counts[3]
    categories = tuple(Category(code, f"optie {code}", counts[code]) for code in (1, 2, 3))
    table = CategoricalTable(
        (*categories, Category(9, "weet niet", counts[9], missing=True)),
        valid=valid,
        missing=counts[9],
        weighted=tally,
    )
    published = table.to_json()
    assert published["effective_n"] == pytest.approx(valid, abs=0.05)
    for option in published["options"]:
        assert option["weighted_percent"] == pytest.approx(option["percent"], abs=0.0101)
        if option["ci95"] is None:
            assert option["weighted_ci95"] is None
        else:
            assert option["weighted_ci95"] == pytest.approx(option["ci95"], abs=0.0101)


def test_a_floor_that_binds_holds_the_cell_at_one_over_the_trim() -> None:
    """Trim 3: a district that the margins want at weight 0.2 is held at 1/3, the
    other carries the rest of the mean (5/3); the method section then reads the
    smallest and the largest weight, the design effect and the effective n of these
    weights, and that the margins are missed. Expected values worked out by hand:
    50 x 1/3 + 50 x w = 100 gives w = 5/3."""
    cells = {(1,): 50, (2,): 50}
    result = rake(cells, {"district": {1: 0.1, 2: 0.9}}, trim=3.0, max_iter=50)
    assert result.weights == pytest.approx({(1,): 1 / 3, (2,): 5 / 3}, rel=1e-12)
    assert (result.min_weight, result.max_weight) == pytest.approx((1 / 3, 5 / 3), rel=1e-12)
    assert not result.converged and result.trimmed_cells == frozenset()
    # District 1 weighs 50/3 of 100 respondents: a share of 1/6 against 1/10.
    assert result.max_deviation == pytest.approx((1 / 6 - 0.1) / 0.1, rel=1e-9)
    flat = [1 / 3] * 50 + [5 / 3] * 50
    cv = statistics.pstdev(flat) / statistics.fmean(flat)
    assert result.design_effect == pytest.approx(1 + cv**2, rel=1e-12)
    assert result.effective_n == pytest.approx(sum(flat) ** 2 / sum(w * w for w in flat))
    assert result.effective_n == pytest.approx(100 * 9 / 13, rel=1e-12)


def test_with_the_cap_binding_the_cells_left_free_share_one_factor() -> None:
    """Trim 2: 33 respondents raked to 2.097 sit at the cap 2, and the other two
    ages keep the proportion raking gave them, times one factor s that makes the
    mean 1: 66 x (30/66) s + 33 x 2 + 1 x 0.8 s = 100 gives s = 34/30.8 = 1.104,
    so age 1 gets 0.502 (above the floor 1/2) and age 3 gets 0.883. The rule
    before held age 1 at the floor and gave the single respondent of age 3 what
    was left (1.0, more than raking's 0.8 and more than needed)."""
    cells = {(1,): 66, (2,): 33, (3,): 1}
    margins = {"age": {1: 0.3, 2: 0.692, 3: 0.008}}
    result = rake(cells, margins, trim=2.0, max_iter=50)
    s = 34 / 30.8
    expected = {(1,): 30 / 66 * s, (2,): 2.0, (3,): 0.8 * s}
    assert result.weights == pytest.approx(expected, rel=1e-12)
    assert result.weights == pytest.approx(
        reference_trimmed_rake(cells, margins, 2.0, 50), rel=1e-12
    )
    assert result.trimmed_cells == frozenset({(2,)})
    assert not result.converged
    # Ages 1 and 3 weigh s times their population share (0.3 s and 0.008 s), age 2
    # 0.66 against 0.692.
    assert result.max_deviation == pytest.approx(s - 1, rel=1e-9)
    flat = [expected[(1,)]] * 66 + [2.0] * 33 + [expected[(3,)]]
    assert math.fsum(flat) == pytest.approx(100, rel=1e-12)
    assert result.design_effect == pytest.approx(len(flat) * sum(w * w for w in flat) / 100**2)
    assert result.effective_n == pytest.approx(100**2 / sum(w * w for w in flat))


def test_a_cap_and_a_floor_binding_together_still_weight_towards_the_margins() -> None:
    """Trim 1.3 with margins 70/30 on a sample of 10 and 10: raking wants weights
    1.4 and 0.6, the floor holds district 2 at 1/1.3 = 10/13 and district 1
    carries the rest of the mean, 2 - 10/13 = 16/13 (1.231), below the cap. The
    margins ask for a ratio of 7/3 between the weights, which bounds allowing at
    most 1.3^2 = 1.69 cannot give: the margins are not reached and ``converged``
    says so. The weights were all 1 (the report showed the unweighted figures,
    design effect 1.0, under the weighted label)."""
    cells = {(1,): 10, (2,): 10}
    margins = {"district": {1: 70.0, 2: 30.0}}
    result = rake(cells, margins, trim=1.3)
    assert result.weights == pytest.approx({(1,): 16 / 13, (2,): 10 / 13}, rel=1e-12)
    assert result.weights == pytest.approx(
        reference_trimmed_rake(cells, margins, 1.3, 20), rel=1e-12
    )
    assert not result.converged and result.trimmed_cells == frozenset()
    # District 2 weighs 10 x 10/13 of 20: a share of 5/13 against 0.3.
    assert result.max_deviation == pytest.approx((5 / 13 - 0.3) / 0.3, rel=1e-9)
    # Weights 1 +- 3/13: a design effect of 1 + 9/169, no longer 1.0.
    assert result.design_effect == pytest.approx(1 + 9 / 169, rel=1e-12)
    assert (result.min_weight, result.max_weight) == pytest.approx((10 / 13, 16 / 13))


@settings(max_examples=60, deadline=None)
@given(random_rakes, st.floats(min_value=1.2, max_value=5.0))
def test_trimmed_raking_gives_the_bounded_weights_of_an_independent_implementation(
    data: tuple[list[int], list[float], list[float]], trim: float
) -> None:
    """For every sample and cap of at least 1.2: every weight lies between 1/trim
    and trim, the mean is 1; a cap the untrimmed weights stay within changes
    nothing; otherwise the weights are those of the trimmed raking written in
    this file (the same number of sweeps, each bounded by one factor found by
    bisection), converged or not."""
    cells, margins = grid_rake(data)
    result = rake(cells, margins, trim=trim, max_iter=200)
    weights = [result.weights[k] for k in expand(cells)]
    assert statistics.fmean(weights) == pytest.approx(1.0, rel=1e-12)
    assert min(weights) >= (1 - 1e-9) / trim
    assert max(weights) <= trim * (1 + 1e-9)
    untrimmed = rake(cells, margins)
    # Within the bounds to raking's tolerance (1e-6), as documented.
    if all((1 - 1e-6) / trim <= w <= trim * (1 + 1e-6) for w in untrimmed.weights.values()):
        assert result.converged
        assert result.weights == pytest.approx(untrimmed.weights, rel=1e-12)
    else:
        expected = reference_trimmed_rake(cells, margins, trim, result.iterations)
        assert result.weights == pytest.approx(expected, rel=1e-9)
        if not result.converged:
            assert result.max_deviation > 1e-6
