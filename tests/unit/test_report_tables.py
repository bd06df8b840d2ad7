"""Typed report tables and the disclosure step over them: what a table
publishes, and which cells disclosure control marks and why."""

from __future__ import annotations

import math
from dataclasses import replace

from survey.analysis.disclosure import protect
from survey.analysis.intervals import summarise_numbers
from survey.analysis.tables import (
    COMPLEMENTARY,
    PRIMARY,
    UNKNOWN_COLUMN,
    CategoricalTable,
    Category,
    CrossColumn,
    CrossRow,
    CrossTable,
    MultipleTable,
    NumberTable,
    RankedCategory,
    RankingTable,
    Summary,
    WeightedCounts,
    WeightedNumbers,
    complete_cells,
    complete_columns,
    percent,
)


def categorical(*counts: int, missing: int = 0) -> CategoricalTable:
    categories = tuple(Category(code, f"optie {code}", n) for code, n in enumerate(counts, 1))
    categories += (Category(9, "weet niet", missing, missing=True),)
    return CategoricalTable(categories, valid=sum(counts), missing=missing)


def by_code(published: dict[str, object]) -> dict[int, dict[str, object]]:
    options = published["options"]
    assert isinstance(options, list)
    return {o["code"]: o for o in options}


def test_a_categorical_table_publishes_percentages_of_valid_answers() -> None:
    published = categorical(60, 40, missing=7).to_json()
    assert (published["valid"], published["missing"], published["base_flag"]) == (100, 7, "ok")
    options = by_code(published)
    assert options[1]["percent"] == 60.0 and options[1]["ci95"] == [50.2, 69.06]
    # A missing option is listed with its count, outside the base.
    assert options[9] == {
        "code": 9,
        "label": "weet niet",
        "missing": True,
        "count": 7,
        "percent": None,
        "ci95": None,
        "estimate": None,
        "estimate_ci95": None,
        "suppressed": False,
    }
    # Unweighted: the estimate shown is the unweighted share, said so.
    assert published["estimates"] == "unweighted"
    assert (options[1]["estimate"], options[1]["estimate_ci95"]) == (60.0, [50.2, 69.06])
    assert "weighted_percent" not in options[1] and "effective_n" not in published


def test_a_weighted_table_shows_both_and_its_effective_n() -> None:
    weighted = WeightedCounts({1: 30.0, 2: 70.0}, 100.0, 80.04)
    table = CategoricalTable(
        categorical(60, 40).categories, valid=100, missing=0, weighted=weighted
    )
    published = table.to_json()
    options = by_code(published)
    assert options[1]["percent"] == 60.0 and options[1]["weighted_percent"] == 30.0
    assert options[1]["weighted_ci95"] == weighted.ci95(1)
    assert published["effective_n"] == 80.0
    # Weighted: the estimate shown is the weighted share with its interval.
    assert published["estimates"] == "weighted"
    assert options[1]["estimate"] == 30.0
    assert options[1]["estimate_ci95"] == options[1]["weighted_ci95"]


def test_a_weighting_dimension_shows_its_margins_without_intervals() -> None:
    # Sex raked to two categories: "Anders" (3) has no weight and no share.
    weighted = WeightedCounts({1: 49.0, 2: 51.0}, 100.0, 90.0, raked=frozenset({1, 2}))
    table = CategoricalTable(
        categorical(50, 40, 10).categories, valid=100, missing=0, weighted=weighted
    )
    published = table.to_json()
    options = by_code(published)
    assert published["estimates"] == "margins"
    assert options[1]["estimate"] == 49.0 and options[1]["estimate_ci95"] is None
    assert options[1]["weighted_ci95"] is None
    assert options[3]["weighted_percent"] is None and options[3]["estimate"] is None
    assert options[3]["count"] == 10  # the unweighted count stays beside it


def test_small_bases_hide_percentages_but_not_counts() -> None:
    options = by_code(categorical(20, 9).to_json())
    assert options[1]["count"] == 20 and options[1]["percent"] is None


def test_disclosure_marks_primary_and_complementary_cells() -> None:
    summary = protect(Summary(categorical(50, 4, 30, 40, missing=3)), 10)
    table = summary.table
    assert isinstance(table, CategoricalTable)
    marks = {c.code: c.mark for c in table.categories}
    # 4 is too small; then the next smallest (30) so that 4 cannot be
    # worked out from valid; the missing option's 3 is too small itself.
    assert marks == {1: None, 2: PRIMARY, 3: COMPLEMENTARY, 4: None, 9: PRIMARY}
    options = by_code(table.to_json())
    assert options[2] == {
        "code": 2,
        "label": "optie 2",
        "count": None,
        "percent": None,
        "ci95": None,
        "estimate": None,
        "estimate_ci95": None,
        "suppressed": True,
    }
    assert options[3]["count"] is None and options[1]["count"] == 50


def crosstab(cells: dict[tuple[int, object], int]) -> CrossTable:
    return CrossTable(
        question="q",
        question_text="Vraag?",
        question_type="single",
        measure=None,
        dimension="district",
        columns=(CrossColumn(1, "Noord"), CrossColumn(2, "Zuid"), CrossColumn(None, "unknown")),
        options=tuple(CrossRow(code, f"optie {code}") for code in sorted({k[0] for k in cells})),
        cells=cells,
    )


def test_a_small_cell_of_a_crosstab_is_protected_in_its_row_and_column() -> None:
    cells = complete_cells({(1, 1): 40, (1, 2): 45, (2, 1): 3, (2, 2): 50}, [1, 2], {1: 85, 2: 53})
    assert (1, UNKNOWN_COLUMN) not in cells  # nobody without a district: no column
    summary = protect(Summary(categorical(85, 53), (crosstab(cells),)), 10)
    (table,) = summary.crosstabs
    assert table.cell_marks[(2, 1)] == PRIMARY
    assert len(table.cell_marks) >= 4  # a row and a column never keep one hidden cell
    assert set(table.cell_marks.values()) == {PRIMARY, COMPLEMENTARY}
    published = table.to_json()
    assert [c["code"] for c in published["columns"]] == [1, 2]
    north = [row["cells"][0] for row in published["options"]]
    assert all(
        cell == {"count": None, "percent": None, "estimate": None, "suppressed": True}
        for cell in north
    )
    # The overall table is not weakened: its own counts are large.
    assert all(c.mark is None for c in summary.table.categories)


def test_what_the_table_hides_its_crosstabs_hide_too() -> None:
    # The table hides 4 (too small) and 40 (the next smallest, so that 4
    # cannot be worked out from valid). Option 3's total across the districts
    # is that hidden 40, so one of its cells must go too, or the other cell
    # and the published column totals would give it back.
    cells = complete_cells(
        {(1, 1): 60, (1, 2): 70, (2, 1): 2, (2, 2): 2, (3, 1): 20, (3, 2): 20},
        [1, 2],
        {1: 130, 2: 4, 3: 40},
    )
    table = CategoricalTable(
        (Category(1, "a", 130), Category(2, "b", 4), Category(3, "c", 40)), valid=174, missing=0
    )
    summary = protect(Summary(table, (crosstab(cells),)), 10)
    assert [c.mark for c in summary.table.categories] == [None, PRIMARY, COMPLEMENTARY]
    (tab,) = summary.crosstabs
    assert tab.cell_marks[(2, 1)] == tab.cell_marks[(2, 2)] == PRIMARY
    assert COMPLEMENTARY in {tab.cell_marks.get((3, 1)), tab.cell_marks.get((3, 2))}


def test_multiple_choice_and_ranking_hide_small_options_only() -> None:
    options = (Category(1, "a", 80), Category(2, "b", 5), Category(3, "c", 30))
    table = protect(Summary(MultipleTable(options, valid=100, missing=4)), 10).table
    assert isinstance(table, MultipleTable)
    assert [c.mark for c in table.categories] == [None, PRIMARY, None]
    ranked = (
        RankedCategory(1, "a", chosen=80, first=50, borda=200),
        RankedCategory(2, "b", chosen=40, first=4, borda=60),
    )
    ranking = protect(Summary(RankingTable(ranked, valid=90, missing=0, choose=2)), 10).table
    assert isinstance(ranking, RankingTable)
    first, second = ranking.to_json()["options"]
    assert second["chosen_count"] == 40 and second["first_count"] is None
    assert second["first_suppressed"] is True
    # First places add up to the published valid: one hidden alone would
    # follow by subtraction, so the other is hidden as its complement.
    assert first["first_suppressed"] is True and first["first_count"] is None
    assert first["chosen_count"] == 80


def test_a_number_on_too_few_answers_shows_no_summary() -> None:
    values = [(30.0, 3), (40.0, 2)]
    table = protect(Summary(NumberTable(5, 1, summarise_numbers(values))), 10).table
    assert isinstance(table, NumberTable) and table.mark == PRIMARY
    published = table.to_json()
    assert published["mean"] is None and published["suppressed"] is True
    visible = protect(Summary(NumberTable(5, 1, summarise_numbers(values))), 3).table
    assert isinstance(visible, NumberTable) and visible.mean == 34.0


def test_a_weighted_crosstab_shows_each_cell_as_a_weighted_share_of_its_column() -> None:
    """Weighted: every cell's estimate is its weighted count over the weighted base
    of its column (the column's weighted sum), beside the unweighted count and
    percentage."""
    cells = {(1, 1): 60, (1, 2): 40, (2, 1): 40, (2, 2): 60}
    weighted = {(1, 1): 30.0, (2, 1): 90.0, (1, 2): 50.0, (2, 2): 30.0}
    table = replace(crosstab(cells), weighted_cells=weighted)
    assert table.weighted_column_bases == {1: 120.0, 2: 80.0, None: 0.0}
    published = table.to_json()
    assert published["estimates"] == "weighted"
    assert [c["code"] for c in published["columns"]] == [1, 2]  # no unknown column
    first, second = published["options"]
    assert first["cells"][0] == {
        "count": 60,
        "percent": 60.0,
        "weighted_percent": 25.0,
        "estimate": 25.0,
        "suppressed": False,
    }
    assert [c["weighted_percent"] for c in second["cells"]] == [75.0, 37.5]
    assert [c["estimate"] for c in first["cells"]] == [25.0, 62.5]
    # Unweighted, the estimate is the unweighted column percentage.
    plain = crosstab(cells).to_json()
    assert plain["estimates"] == "unweighted"
    assert [c["estimate"] for c in plain["options"][0]["cells"]] == [60.0, 40.0]
    assert "weighted_percent" not in plain["options"][0]["cells"][0]


def test_a_multiple_choice_crosstab_takes_percentages_of_the_respondents() -> None:
    """Multiple choice: one respondent chooses several options, so a column's base
    is its respondents, not its answers (weighted: their weights)."""
    cells = {(1, 1): 30, (1, 2): 20, (2, 1): 25, (2, 2): 40}
    table = replace(
        crosstab(cells),
        question_type="multiple",
        column_valid={1: 50, 2: 50},
        weighted_cells={(1, 1): 30.0, (1, 2): 10.0, (2, 1): 20.0, (2, 2): 40.0},
        weighted_column_valid={1: 40.0, 2: 50.0},
    )
    published = table.to_json()
    assert published["percent_of"] == "respondents"
    assert [c["valid"] for c in published["columns"]] == [50, 50]
    assert [c["percent"] for c in published["options"][1]["cells"]] == [50.0, 80.0]
    assert [c["weighted_percent"] for c in published["options"][0]["cells"]] == [75.0, 20.0]


def test_the_unknown_column_holds_the_respondents_without_a_group() -> None:
    assert complete_columns({1: 30, 2: 50}, [1, 2, 3], 90) == {1: 30, 2: 50, 3: 0, None: 10}
    # Nobody without a group: no unknown column at all.
    assert complete_columns({1: 30, 2: 50}, [1, 2], 80) == {1: 30, 2: 50}
    cells = complete_cells({(1, 1): 40, (1, 2): 45}, [1, 2], {1: 90})
    assert cells == {(1, 1): 40, (1, 2): 45, (1, None): 5}


def test_a_weighted_number_shows_the_weighted_mean_and_median_as_its_estimate() -> None:
    answers = [(20.0, 10), (40.0, 10)]
    weighted_answers = [(20.0, 5.0), (40.0, 15.0)]
    summary = summarise_numbers(weighted_answers, effective_n=16.0)
    assert summary is not None
    weighted = WeightedNumbers(summary, 16.0)
    table = NumberTable(20, 2, summarise_numbers(answers), weighted=weighted)
    published = table.to_json()
    assert (published["mean"], published["median"]) == (30.0, 30.0)
    assert (published["weighted_mean"], published["weighted_median"]) == (35.0, 40.0)
    assert published["estimates"] == "weighted"
    assert (published["estimate_mean"], published["estimate_median"]) == (35.0, 40.0)
    assert published["estimate_ci95"] == published["weighted_ci95"] is not None
    assert published["weighted_ci95"] != published["ci95"]
    assert published["effective_n"] == 16.0
    # Hidden (too few answers): the weighted figures and the effective n go too.
    hidden = protect(Summary(replace(table, valid=5, missing=0)), 10).table
    assert isinstance(hidden, NumberTable)
    hidden_json = hidden.to_json()
    assert hidden_json["weighted_mean"] is None and hidden_json["estimate_mean"] is None
    assert hidden_json["estimate_ci95"] is None


def test_percentages_and_intervals_are_published_with_two_decimals() -> None:
    """The contract's unit: percent with two decimals, intervals too (a third is
    33.33, never 33.333...); the weighted share likewise."""
    weighted = WeightedCounts({1: 10.0, 2: 20.0}, 30.0, 27.0)
    table = CategoricalTable(categorical(20, 40).categories, valid=60, missing=0, weighted=weighted)
    options = by_code(table.to_json())
    assert options[1]["percent"] == 33.33 and options[2]["percent"] == 66.67
    assert options[1]["ci95"] == [round(b, 2) for b in wilson_bounds(1 / 3, 60)]
    assert options[1]["weighted_percent"] == 33.33
    assert options[1]["weighted_ci95"] == [round(b, 2) for b in wilson_bounds(1 / 3, 27)]
    assert all(b != round(b, 2) for b in wilson_bounds(1 / 3, 60) + wilson_bounds(1 / 3, 27))


def wilson_bounds(p: float, n: float, z: float = 1.959963984540054) -> list[float]:
    """Wilson (1927) in percent, written out here apart from the module."""
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return [(centre - half) * 100, (centre + half) * 100]


def test_a_share_of_nothing_is_no_percentage() -> None:
    """The one percentage helper (tables, and the planner's progress and fieldwork
    pages): no base, no percentage (never a division by zero); one of one is 100."""
    assert percent(0, 0) is None
    assert percent(0, 0.0) is None
    assert percent(1, 1) == 100.0
    assert percent(1, 3) == 33.33


def test_an_option_nobody_chose_has_a_weighted_share_of_zero() -> None:
    """An option without weighted answers is 0 % weighted, with the interval of a
    zero share; without any weighted base there is no weighted share at all."""
    weighted = WeightedCounts({1: 30.0}, 30.0, 25.0)
    assert weighted.percent(2) == 0.0
    assert weighted.ci95(2) == [0.0, round(wilson_bounds(0.0, 25.0)[1], 2)]
    assert WeightedCounts({1: 0.6}, 1.0, 1.0).percent(1) == 60.0
    empty = WeightedCounts({}, 0.0, 0.0)
    assert empty.percent(1) is None and empty.ci95(1) is None


def test_no_published_figure_can_be_changed_after_disclosure() -> None:
    """Disclosure control marks a table by building a new one; the writers then read
    what it marked. A table, a cell or a summary that could be changed in place could
    lose its marks (or get a count back) between the two, so every value object of the
    tables and intervals refuses an assignment."""
    import dataclasses

    from survey.analysis import intervals, tables

    values = [
        cls
        for module in (tables, intervals)
        for cls in vars(module).values()
        if isinstance(cls, type)
        and dataclasses.is_dataclass(cls)
        and cls.__module__ == module.__name__
    ]
    assert len(values) >= 20
    for cls in values:
        instance = object.__new__(cls)
        name = dataclasses.fields(cls)[0].name
        try:
            setattr(instance, name, None)
        except dataclasses.FrozenInstanceError:
            continue
        raise AssertionError(f"{cls.__name__}.{name} can be assigned")
