"""Collapsing sparse weighting categories before raking: the rule at its
boundaries, and raking on the merged categories meeting the merged margins."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from survey.analysis.collapsing import (
    DEFAULT_MINIMUM,
    UNANSWERED,
    Collapsing,
    Merge,
    collapse,
    hold_unanswered,
    sample_counts,
)
from survey.analysis.weighting import rake

AGE = {1: 3000.0, 2: 5000.0, 3: 6000.0, 4: 4000.0, 5: 2000.0}
AGE_ORDER = [1, 2, 3, 4, 5]


def age_plan(counts: dict[int, int], minimum: int = 20) -> Collapsing:
    return collapse({"age": counts}, {"age": AGE}, minimum, ordered={"age": AGE_ORDER})


def test_a_band_with_the_minimum_is_raked_alone_and_one_below_it_is_merged() -> None:
    at_minimum = age_plan({1: 40, 2: 60, 3: 70, 4: 50, 5: 20})
    assert at_minimum.merges == () and at_minimum.dropped == ()
    below = age_plan({1: 40, 2: 60, 3: 70, 4: 50, 5: 19})
    assert below.merges == (Merge("age", (4, 5), (50, 19), 4),)
    assert below.code("age", 5) == 4 and below.code("age", 3) == 3
    assert below.margins({"age": AGE}) == {"age": {1: 3000.0, 2: 5000.0, 3: 6000.0, 4: 6000.0}}


def test_a_sparse_band_joins_the_neighbour_with_fewer_respondents() -> None:
    plan = age_plan({1: 40, 2: 25, 3: 5, 4: 90, 5: 30})
    assert plan.merges == (Merge("age", (2, 3), (25, 5), 2),)
    # on a tie, the band before it
    tie = age_plan({1: 40, 2: 30, 3: 5, 4: 30, 5: 30})
    assert tie.merges == (Merge("age", (2, 3), (30, 5), 2),)


def test_merging_repeats_until_every_merged_band_meets_the_minimum() -> None:
    plan = age_plan({1: 50, 2: 50, 3: 6, 4: 5, 5: 4})
    # 5 (4) joins 4 (5): 9; then 3 (6) is smallest and joins 4+5 (9): 15 < 20;
    # then 3+4+5 (15) joins 2 (50).
    assert plan.merges == (Merge("age", (2, 3, 4, 5), (50, 6, 5, 4), 2),)
    assert plan.dropped == ()


def test_a_band_without_respondents_is_merged_not_an_error() -> None:
    plan = age_plan({1: 40, 2: 60, 3: 70, 4: 50})
    assert plan.merges == (Merge("age", (4, 5), (50, 0), 4),)
    cells = {(1,): 40.0, (2,): 60.0, (3,): 70.0, (4,): 50.0}
    result = rake(cells, plan.margins({"age": AGE}))
    assert result.converged


def test_a_dimension_where_every_band_is_small_collapses_to_one_and_drops_out() -> None:
    plan = age_plan({1: 3, 2: 4, 3: 5, 4: 2, 5: 1})
    assert plan.dropped == ("age",)
    assert plan.merges == (Merge("age", (1, 2, 3, 4, 5), (3, 4, 5, 2, 1), 1),)
    assert plan.margins({"age": AGE}) == {}
    assert plan.cell(["district", "age"], (7, 3)) == (7,)


def test_margins_of_one_category_from_the_start_are_raked_on_as_before() -> None:
    plan = collapse({"sex": {1: 150, 2: 5}}, {"sex": {1: 4900.0}}, 20, ordered={})
    assert plan.dropped == () and plan.merges == ()


def test_a_dropped_dimension_keeps_out_a_code_its_margins_cannot_place() -> None:
    plan = collapse(
        {"sex": {1: 150, 2: 5, 3: 2}}, {"sex": {1: 4900.0}}, 20, ordered={}, into={"sex": {2: 1}}
    )
    assert plan.dropped == ("sex",)
    assert plan.cell(["district", "sex"], (1, 2)) == (1,)
    assert plan.cell(["district", "sex"], (1, None)) == (1,)
    assert plan.cell(["district", "sex"], (1, 3)) == (None,)


def test_collapsing_off_keeps_every_band_even_an_empty_one() -> None:
    plan = age_plan({1: 40, 2: 1, 3: 70, 4: 50}, minimum=0)
    assert plan.merges == () and plan.dropped == ()


def test_a_nominal_dimension_merges_only_by_declaration() -> None:
    margins = {"district": {1: 9000.0, 2: 7000.0, 3: 800.0}}
    counts = {"district": {1: 90, 2: 70, 3: 8}}
    undeclared = collapse(counts, margins, 20, ordered={})
    assert undeclared.merges == ()
    declared = collapse(counts, margins, 20, ordered={}, into={"district": {3: 2}})
    assert declared.merges == (Merge("district", (2, 3), (70, 8), 2),)
    # a declared target is ignored when the category has enough respondents
    enough = collapse(
        {"district": {1: 90, 2: 70, 3: 25}}, margins, 20, ordered={}, into={"district": {3: 2}}
    )
    assert enough.merges == ()


def test_declared_merges_that_form_a_cycle_stop_where_it_would_close() -> None:
    margins = {"district": {1: 9000.0, 2: 7000.0, 3: 800.0}}
    plan = collapse(
        {"district": {1: 5, 2: 7, 3: 8}},
        margins,
        20,
        ordered={},
        into={"district": {1: 2, 2: 3, 3: 1}},
    )
    assert plan.merges == (Merge("district", (1, 2, 3), (5, 7, 8), 1),)
    assert plan.dropped == ("district",)


def test_a_code_the_margins_lack_is_weighted_with_its_declared_category() -> None:
    margins = {"sex": {1: 4900.0, 2: 5100.0}, "district": {1: 6000.0, 2: 4000.0}}
    cells = {(1, 1): 50.0, (2, 1): 40.0, (1, 2): 30.0, (2, 2): 60.0, (3, 1): 4.0, (None, 2): 3.0}
    into = {"sex": {3: 2}}
    counts = sample_counts(cells, ["sex", "district"], margins, into)
    assert counts["sex"] == {1: 80, 2: 100, 3: 4}
    assert counts["district"] == {1: 94, 2: 90}
    plan = collapse(counts, margins, 20, ordered={}, into=into)
    assert plan.merges == (Merge("sex", (2, 3), (100, 4), 2),)
    assert plan.cell(["sex", "district"], (3, 1)) == (2, 1)
    # without a declaration it is no respondent of the weighting
    assert sample_counts(cells, ["sex", "district"], margins, {})["sex"] == {1: 80, 2: 100}


def test_a_code_with_population_zero_takes_no_part() -> None:
    plan = collapse(
        {"age": {1: 40, 2: 50}},
        {"age": {1: 100.0, 2: 100.0, 3: 0.0}},
        20,
        ordered={"age": [1, 2, 3]},
    )
    assert plan.merges == () and plan.dropped == ()


@st.composite
def sparse_survey(draw: st.DrawFn) -> tuple[dict[tuple[Any, ...], float], dict[str, Any], int]:
    bands = draw(st.integers(2, 6))
    districts = draw(st.integers(2, 4))
    cells: dict[tuple[Any, ...], float] = {}
    for band in range(1, bands + 1):
        for district in range(1, districts + 1):
            n = draw(st.integers(0, 25))
            if n:
                cells[(band, district)] = float(n)
    # every district has respondents (nominal: not collapsed without a declaration)
    for district in range(1, districts + 1):
        if not any(k[1] == district for k in cells):
            cells[(1, district)] = 1.0
    margins = {
        "age": {b: float(draw(st.integers(100, 5000))) for b in range(1, bands + 1)},
        "district": {d: float(draw(st.integers(100, 5000))) for d in range(1, districts + 1)},
    }
    return cells, margins, draw(st.integers(1, 40))


@settings(max_examples=60, deadline=None)
@given(sparse_survey())
def test_raking_on_collapsed_bands_meets_the_merged_margins(
    case: tuple[dict[tuple[Any, ...], float], dict[str, Any], int],
) -> None:
    cells, margins, minimum = case
    dims = ["age", "district"]
    ordered = {"age": sorted(margins["age"])}
    plan = collapse(sample_counts(cells, dims, margins, {}), margins, minimum, ordered=ordered)
    merged_cells: dict[tuple[Any, ...], float] = {}
    for key, n in cells.items():
        merged = plan.cell(dims, key)
        merged_cells[merged] = merged_cells.get(merged, 0.0) + n
    age_groups = plan.margins(margins).get("age", {})
    sizes = {
        code: sum(n for k, n in cells.items() if plan.code("age", k[0]) == code)
        for code in age_groups
    }
    if "age" in plan.dropped:
        (merge,) = [m for m in plan.merges if m.dimension == "age"]
        assert merge.codes == tuple(sorted(margins["age"]))
    else:
        # every merged band meets the minimum, unless it is the only one left
        assert all(size >= minimum for size in sizes.values()) or len(sizes) == 1
        # merged bands are runs of adjacent bands
        for merge in plan.merges:
            if merge.dimension == "age":
                assert list(merge.codes) == list(range(merge.codes[0], merge.codes[-1] + 1))
    raked = [d for d in dims if d not in plan.dropped]
    result = rake(merged_cells, plan.margins(margins), dimensions=raked, max_iter=5000)
    if result.converged:
        for d, dim in enumerate(raked):
            target = plan.margins(margins)[dim]
            total = sum(target.values())
            for code, population in target.items():
                share = sum(
                    result.weights[k] * n for k, n in merged_cells.items() if k[d] == code
                ) / sum(result.weights[k] * n for k, n in merged_cells.items())
                assert abs(share - population / total) <= 1e-5 * population / total


def test_unanswered_responses_are_held_at_their_number_and_raked_on_the_rest() -> None:
    margins = {"sex": {1: 4900.0, 2: 5100.0}, "district": {1: 6000.0, 2: 4000.0}}
    plan = collapse(
        {"sex": {1: 80, 2: 100}, "district": {1: 90, 2: 90}},
        margins,
        20,
        ordered={},
        unanswered=True,
    )
    dims = ["sex", "district"]
    raw = {
        (1, 1): 50.0,
        (2, 1): 40.0,
        (1, 2): 30.0,
        (2, 2): 60.0,
        (None, 2): 7.0,
        (None, None): 2.0,
    }
    cells: dict[tuple[Any, ...], float] = {}
    for key, n in raw.items():
        merged = plan.cell(dims, key)
        cells[merged] = cells.get(merged, 0.0) + n
    # nobody answered anything: no weight at all
    assert (None, None) in cells
    held, unanswered = hold_unanswered(cells, dims, plan.margins(margins))
    assert unanswered == {"sex": 7}
    result = rake(cells, held)
    assert result.converged and result.excluded == 2
    n = 187.0
    weighted = {k: result.weights[k] * c for k, c in cells.items() if k in result.weights}
    # held at their own number on sex ...
    assert sum(w for k, w in weighted.items() if k[0] == UNANSWERED) == pytest.approx(7.0)
    # ... the answered share the rest in their population shares ...
    men = sum(w for k, w in weighted.items() if k[0] == 1)
    assert men / (n - 7) == pytest.approx(0.49)
    # ... and raked on district with everybody else.
    north = sum(w for k, w in weighted.items() if k[1] == 1)
    assert north / n == pytest.approx(0.6)


def test_a_planner_declares_merges_as_dimension_code_into() -> None:
    """`--collapse-into sex:3=2 district:12=11`: code 3 of sex is weighted with code 2;
    spaces around and capitals are forgiven, negative codes (none in the margins, but a
    code is a number) are read as such, and each line is one merge."""
    from survey.analysis.collapsing import parse_declarations

    assert parse_declarations(["sex:3=2", " District:12=11 ", "sex:4=2", "x_1:-1=0"]) == {
        "sex": {3: 2, 4: 2},
        "district": {12: 11},
        "x_1": {-1: 0},
    }
    assert parse_declarations([]) == {}
    assert parse_declarations(["d" * 40 + ":1=2"]) == {"d" * 40: {1: 2}}


@pytest.mark.parametrize(
    "text",
    [
        "sex3",
        "sex:3",
        "sex:3=",
        "sex=3:2",
        ":3=2",
        "sex:3=2=1",
        "sex:a=2",
        "d" * 41 + ":1=2",
        "sex:1234567890=2",
        "sex-x:3=2",
    ],
)
def test_a_malformed_declaration_says_how_to_write_one(text: str) -> None:
    from survey.analysis.collapsing import parse_declarations

    with pytest.raises(ValueError) as error:
        parse_declarations([text])
    assert str(error.value) == (
        f"--collapse-into {text!r}: write DIMENSION:CODE=INTO, e.g. sex:3=2 "
        "(code 3 of sex is weighted with code 2)"
    )


@pytest.mark.parametrize("texts", [["sex:2=2"], ["sex:3=2", "sex:3=1"], ["sex:3=2", "SEX:3=1"]])
def test_a_code_merged_into_itself_or_declared_twice_is_refused(texts: list[str]) -> None:
    from survey.analysis.collapsing import parse_declarations

    with pytest.raises(ValueError, match="merged into itself or declared twice"):
        parse_declarations(texts)
    # The same code in two dimensions is two merges.
    assert parse_declarations(["sex:3=2", "district:3=2"]) == {"sex": {3: 2}, "district": {3: 2}}


def test_a_merge_counts_the_respondents_of_all_its_members() -> None:
    assert Merge("age", (4, 5), (12, 5), 4).total == 17
    plan = age_plan({1: 40, 2: 50, 3: 60, 4: 15, 5: 5})
    assert plan.code("age", None) is None
    assert plan.code("age", 5) == 4 and plan.code("age", 3) == 3


def test_by_default_a_band_of_twenty_is_raked_alone_and_one_of_nineteen_merged() -> None:
    """The documented default minimum (docs/margins.md): 20 complete respondents."""
    alone = age_plan({1: 40, 2: 60, 3: 70, 4: 50, 5: 20}, DEFAULT_MINIMUM)
    merged = age_plan({1: 40, 2: 60, 3: 70, 4: 50, 5: 19}, DEFAULT_MINIMUM)
    assert alone.merges == ()
    assert merged.merges == (Merge("age", (4, 5), (50, 19), 4),)


def test_a_weighting_that_collapsed_nothing_rakes_every_code_as_it_is() -> None:
    """The plan of a weighting that merged nothing (what collect keeps when nothing is
    collapsed): every code is raked under itself, no dimension drops out, and a
    response without an answer stays unweighted (unanswered is off by default)."""
    plan = Collapsing(DEFAULT_MINIMUM)
    margins = {"age": {1: 3000.0, 2: 5000.0}, "sex": {1: 4900.0, 2: 5100.0}}
    assert plan.code("age", 2) == 2 and plan.code("age", None) is None
    assert plan.merged("age") == frozenset()
    assert plan.margins(margins) == margins
    assert plan.cell(["age", "sex"], (2, 1)) == (2, 1)
    assert plan.cell(["age", "sex"], (2, None)) == (2, None)
    made = collapse({"age": {1: 40, 2: 50}, "sex": {1: 45, 2: 45}}, margins, 20, ordered={})
    assert made.cell(["age", "sex"], (2, None)) == (2, None)


def test_the_merged_codes_of_a_dimension_are_its_own_only() -> None:
    plan = collapse(
        {"age": {1: 40, 2: 60, 3: 70, 4: 50, 5: 19}, "district": {1: 90, 2: 70, 3: 8}},
        {"age": AGE, "district": {1: 9000.0, 2: 7000.0, 3: 800.0}},
        20,
        ordered={"age": AGE_ORDER},
        into={"district": {3: 2}},
    )
    assert plan.merged("age") == {4, 5}
    assert plan.merged("district") == {2, 3}
    assert plan.merged("sex") == frozenset()


def test_a_code_the_margins_cannot_place_does_not_stop_the_counting() -> None:
    """A respondent with sex 3 (no margin, no declaration) is no complete respondent;
    the respondents listed after them still count."""
    margins = {"sex": {1: 4900.0, 2: 5100.0}}
    cells = {(3,): 4.0, (1,): 50.0, (None,): 2.0, (2,): 40.0}
    assert sample_counts(cells, ["sex"], margins, {}) == {"sex": {1: 50, 2: 40}}


def test_a_category_of_one_inhabitant_is_raked_on() -> None:
    """Only a population of 0 keeps a code out: a district of one inhabitant with 25
    respondents is a category like any other."""
    plan = collapse(
        {"age": {1: 40, 2: 25}}, {"age": {1: 100.0, 2: 1.0}}, 20, ordered={"age": [1, 2]}
    )
    assert plan.merges == () and plan.dropped == ()
    small = collapse(
        {"age": {1: 40, 2: 5}}, {"age": {1: 100.0, 2: 1.0}}, 20, ordered={"age": [1, 2]}
    )
    assert small.merges == (Merge("age", (1, 2), (40, 5), 1),)


def test_a_nominal_category_with_exactly_the_minimum_keeps_its_own_weight() -> None:
    margins = {"district": {1: 9000.0, 2: 7000.0, 3: 800.0}}
    into = {"district": {3: 2}}
    at = collapse({"district": {1: 90, 2: 70, 3: 20}}, margins, 20, ordered={}, into=into)
    below = collapse({"district": {1: 90, 2: 70, 3: 19}}, margins, 20, ordered={}, into=into)
    assert at.merges == ()
    assert below.merges == (Merge("district", (2, 3), (70, 19), 2),)


def test_a_declared_category_without_respondents_is_merged_even_at_a_minimum_of_one() -> None:
    """District 3 has a population and nobody answered from it: at a minimum of 1 it is
    still below it (0 respondents) and joins district 2 as declared."""
    plan = collapse(
        {"district": {1: 90, 2: 70}},
        {"district": {1: 9000.0, 2: 7000.0, 3: 800.0}},
        1,
        ordered={},
        into={"district": {3: 2}},
    )
    assert plan.merges == (Merge("district", (2, 3), (70, 0), 2),)


def test_a_declaration_after_a_closed_cycle_is_still_followed() -> None:
    """1 -> 2 and 2 -> 1 close a cycle (nothing more to merge there); 3 -> 2, declared
    after it, still joins them."""
    plan = collapse(
        {"district": {1: 5, 2: 7, 3: 8, 4: 90}},
        {"district": {1: 900.0, 2: 700.0, 3: 800.0, 4: 9000.0}},
        20,
        ordered={},
        into={"district": {1: 2, 2: 1, 3: 2}},
    )
    assert plan.merges == (Merge("district", (1, 2, 3), (5, 7, 8), 1),)


def _held(
    cells: dict[tuple[Any, ...], float],
) -> tuple[dict[str, dict[int, float]], dict[str, int]]:
    return hold_unanswered(cells, ["sex", "district"], MARGINS_2)


MARGINS_2 = {"sex": {1: 4900.0, 2: 5100.0}, "district": {1: 6000.0, 2: 4000.0}}


def test_one_unanswered_response_is_held_at_one() -> None:
    """One response of ten without a sex: it gets the share 1/10 of the sex margin
    (1/9 of the answered population), and is counted; district is answered by all."""
    cells = {(1, 1): 2.0, (1, 2): 2.0, (2, 1): 3.0, (2, 2): 2.0, (UNANSWERED, 1): 1.0}
    held, unanswered = _held(cells)
    assert unanswered == {"sex": 1}
    assert held["sex"][UNANSWERED] == pytest.approx(10000.0 / 9)
    assert held["district"] == MARGINS_2["district"]
    result = rake(cells, held)
    assert result.converged
    assert result.weights[(UNANSWERED, 1)] * 1.0 == pytest.approx(1.0)


def test_one_answered_response_beside_the_unanswered_still_holds_them() -> None:
    """Nine of ten without a sex: the one answered response carries the whole sex
    margin's shape, the nine are held at nine."""
    held, unanswered = _held({(1, 1): 1.0, (UNANSWERED, 2): 9.0})
    assert unanswered == {"sex": 9}
    assert held["sex"][UNANSWERED] == pytest.approx(9 / 1 * 10000.0)


def test_a_dimension_nobody_answered_gets_no_held_category() -> None:
    """Nobody answered sex: there is nothing to hold them against (raking then says the
    categories have no respondents), but they are counted."""
    held, unanswered = _held({(UNANSWERED, 1): 4.0, (UNANSWERED, 2): 6.0})
    assert UNANSWERED not in held["sex"] and held["sex"] == MARGINS_2["sex"]
    assert unanswered == {"sex": 10}


def test_everybody_answered_leaves_the_margins_as_they_are() -> None:
    held, unanswered = _held({(1, 1): 4.0, (2, 2): 6.0})
    assert held == MARGINS_2 and unanswered == {}


def test_the_unanswered_code_is_no_code_a_survey_can_have() -> None:
    """Option codes run from -999999 to 999999 (definitions/validation.py): a sex coded
    -100 keeps its population beside the responses held without an answer."""
    margins = {"sex": {-100: 4900.0, 2: 5100.0}}
    cells = {(-100,): 4.0, (2,): 5.0, (UNANSWERED,): 1.0}
    held, _ = hold_unanswered(cells, ["sex"], margins)
    assert held["sex"][-100] == 4900.0 and held["sex"][2] == 5100.0
    assert held["sex"][UNANSWERED] == pytest.approx(10000.0 / 9)
    assert not -999999 <= UNANSWERED <= 999999
