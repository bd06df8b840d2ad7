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
    MatrixRow,
    MatrixTable,
    MultipleTable,
    NumberTable,
    ObjectiveFigure,
    PartnerFigures,
    PriorityMatrix,
    PriorityMethod,
    PriorityRow,
    RankedCategory,
    RankingTable,
    SectorMean,
    SensitivityChange,
    SourceWeight,
    Summary,
    TextTable,
    TextThemes,
    Theme,
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


def test_a_freshly_built_ranking_publishes_every_figure() -> None:
    """Marks are set by the disclosure step; a table a question type has just built
    has none, so nothing of it is hidden yet (its first places included)."""
    ranked = (
        RankedCategory(1, "a", chosen=80, first=50, borda=200),
        RankedCategory(2, "b", chosen=40, first=40, borda=120),
    )
    table = RankingTable(ranked, valid=90, missing=0, choose=2)
    first, second = table.to_json()["options"]
    assert (first["chosen_count"], first["first_count"], first["borda"]) == (80, 50, 200)
    assert (second["chosen_count"], second["first_count"], second["borda"]) == (40, 40, 120)
    assert first["chosen_percent"] == 88.89 and second["chosen_percent"] == 44.44
    assert not any(o["suppressed"] or "first_suppressed" in o for o in (first, second))


def test_a_suppressed_base_is_published_as_null_and_says_so() -> None:
    """A base of 1 .. threshold-1 respondents (a matrix row, a text question) is a
    count like any other: hidden, and flagged so the reader knows it was hidden
    rather than absent."""
    hidden = CategoricalTable(
        categorical(6, 2).categories,
        valid=8,
        missing=3,
        valid_mark=PRIMARY,
        missing_mark=COMPLEMENTARY,
    ).to_json()
    assert (hidden["valid"], hidden["missing"], hidden["base_flag"]) == (None, None, "hidden")
    assert hidden["valid_suppressed"] is True and hidden["missing_suppressed"] is True
    # Nor does the effective n of a weighted table give the hidden base back.
    weighted = WeightedCounts({1: 5.5, 2: 2.5}, 8.0, 7.6)
    assert (
        replace(
            CategoricalTable(categorical(6, 2).categories, 8, 3, weighted), valid_mark=PRIMARY
        ).to_json()["effective_n"]
        is None
    )
    text = TextTable(8, 40, valid_mark=PRIMARY).to_json()
    assert text == {"valid": None, "missing": 40, "valid_suppressed": True}
    assert TextTable(80, 40).to_json() == {"valid": 80, "missing": 40}


def test_a_number_table_states_the_summary_it_publishes() -> None:
    table = NumberTable(5, 0, summarise_numbers([(30.0, 3), (40.0, 2)]))
    published = table.to_json()
    assert table.mean == published["mean"] == 34.0
    assert (published["median"], published["ci95"]) == (30.0, [27.2, 40.8])
    hidden = replace(table, mark=PRIMARY)
    shown = hidden.to_json()
    assert hidden.mean is None
    assert (shown["mean"], shown["median"], shown["ci95"]) == (None, None, None)


def test_a_suppressed_cell_of_a_weighted_crosstab_hides_its_weighted_share_too() -> None:
    cells = {(1, 1): 60, (1, 2): 40, (2, 1): 40, (2, 2): 60}
    weighted = {(1, 1): 30.0, (2, 1): 90.0, (1, 2): 50.0, (2, 2): 30.0}
    table = replace(crosstab(cells), weighted_cells=weighted, cell_marks={(1, 1): PRIMARY})
    cell = table.to_json()["options"][0]["cells"][0]
    assert cell == {
        "count": None,
        "percent": None,
        "weighted_percent": None,
        "estimate": None,
        "suppressed": True,
    }


def test_a_crosstab_of_a_matrix_row_names_its_row() -> None:
    cells = {(1, 1): 60, (1, 2): 40}
    published = replace(crosstab(cells), row="drugs", row_label="Drugs").to_json()
    assert (published["row"], published["row_label"]) == ("drugs", "Drugs")
    unlabelled = replace(crosstab(cells), row="drugs").to_json()
    assert unlabelled["row"] == "drugs" and "row_label" not in unlabelled
    assert "row" not in crosstab(cells).to_json()


def priority_row(**changes: object) -> PriorityRow:
    """A priority-matrix row of one phenomenon, with ``changes``."""
    row = PriorityRow(
        phenomenon="drugs",
        label="Drugs",
        federal_priority=True,
        indicators={"concern": 31.5, "priority": 100.0, "importance": 4.2},
        estimate_indicators={"concern": 31.5, "priority": 100.0, "importance": 4.2},
        weighted_indicators=None,
        bases={"concern": 400, "priority": 400, "importance": 380},
        effective_bases=None,
        suppressed_indicators=(),
        objective=None,
        importance_by_sector={},
        partners=None,
        score=0.73,
        rank=1,
        rank_interval=(1, 2),
        proposal="prioriteit",
        proposal_key="priority",
        reason="...",
    )
    return replace(row, **changes)


def test_a_priority_row_publishes_the_partners_and_registered_figures_beside_the_residents() -> (
    None
):
    """What the partners said, the registered figure and the importance per sector
    reach the report (the matrix, the decision page and the annex read these keys)."""
    objective = ObjectiveFigure(
        2025, 120.0, "feiten", "politie", 2024, 100.0, 20.0, ((2024, 100.0), (2025, 120.0))
    )
    row = priority_row(
        objective=objective,
        importance_by_sector={"onderwijs": SectorMean(6, 4.17), "zorg": SectorMean(None, None)},
        partners=PartnerFigures(12, 41.67, 33.33, 5, 11, 2),
    )
    published = row.to_json()
    assert published["partners"] == {
        "organisations": 12,
        "priority": 41.67,
        "attention": 33.33,
        "top3": 5,
        "top3_organisations": 11,
        "extra_points": 2,
    }
    assert published["objective"] == {
        "year": 2025,
        "value": 120.0,
        "unit": "feiten",
        "source": "politie",
        "previous_year": 2024,
        "previous_value": 100.0,
        "trend_percent": 20.0,
        "series": [{"year": 2024, "value": 100.0}, {"year": 2025, "value": 120.0}],
    }
    assert published["importance_by_sector"] == {
        "onderwijs": {"n": 6, "mean": 4.17},
        "zorg": {"n": None, "mean": None},
    }
    assert published["rank_interval"] == [1, 2]
    assert not {"objective", "importance_by_sector", "partners"} & priority_row().to_json().keys()


def test_a_residents_share_in_the_matrix_has_its_interval_on_its_published_base() -> None:
    """Every share of the residents in the matrix gets its Wilson 95 % interval (here
    from the textbook formula) on the base beside it: the unweighted base, or the Kish
    effective n when the matrix is weighted; importance is no share and gets none."""
    row = priority_row()
    assert row.estimate_ci95 == {"concern": [27.14, 36.21], "priority": [99.05, 100.0]}
    assert row.to_json()["estimate_ci95"] == row.estimate_ci95
    weighted = replace(row, effective_bases={"concern": 250.4, "priority": 0.0})
    assert weighted.estimate_ci95 == {"concern": [26.06, 37.5]}
    # A hidden share, or one without a published base, has no interval.
    hidden = replace(row, estimate_indicators={"concern": None, "priority": 100.0})
    assert set(hidden.estimate_ci95) == {"priority"}
    # A share rounded above 100 % stays a share of its base.
    assert replace(
        row, estimate_indicators={"concern": 100.004}, bases={"concern": 400}
    ).estimate_ci95 == {"concern": [99.05, 100.0]}


def test_the_matrix_states_its_method_and_the_label_rule_beside_its_rows() -> None:
    """The annex explains the matrix from this block: weights and how much each
    source weighs, the bootstrap, the sensitivity check and the label rule (top 3 and
    a score of 0.60 for prioriteit, top 6 and 0.40 for aandachtspunt)."""
    method = PriorityMethod(
        weights={"concern": 2.0, "importance": 1.0},
        weights_source="default",
        samples=1000,
        seed=7,
        sensitivity_top=5,
        sensitivity_delta=0.2,
        stable=False,
        base_top=("drugs", "verkeer"),
        changes=(SensitivityChange("concern", 1.2, ("milieu",), ("verkeer",)),),
        sector_min_n=5,
        sources=(SourceWeight("residents", ("concern", "importance"), 1.0, 400),),
        indicator_bases={"concern": "respondents"},
        trend_min_facts=20,
    )
    published = PriorityMatrix((priority_row(),), method).to_json()
    assert [r["phenomenon"] for r in published["priorities"]] == ["drugs"]
    assert published["priority_method"] == {
        "estimates": "unweighted",
        "weights": {"concern": 2.0, "importance": 1.0},
        "weights_source": "default",
        "sources": [
            {
                "source": "residents",
                "indicators": ["concern", "importance"],
                "weight_share": 1.0,
                "people": 400,
            }
        ],
        "indicator_bases": {"concern": "respondents"},
        "trend_min_facts": 20,
        "normalisation": "minmax",
        "bootstrap": {"samples": 1000, "seed": 7, "level": 0.95},
        "sensitivity": {
            "top": 5,
            "delta": 0.2,
            "stable": False,
            "base_top": ["drugs", "verkeer"],
            "changes": [
                {"indicator": "concern", "factor": 1.2, "entered": ["milieu"], "left": ["verkeer"]}
            ],
        },
        "sector_min_n": 5,
        "label_rule": {
            "priority_max_rank": 3,
            "priority_min_score": 0.6,
            "attention_max_rank": 6,
            "attention_min_score": 0.4,
        },
    }


def test_free_text_themes_publish_counts_unless_suppressed() -> None:
    themes = TextThemes(
        comments=40,
        untagged=12,
        themes=(
            Theme("verkeer", "Verkeer", 25, ("Te snel.",)),
            Theme("drugs", "Drugs", 3, (), mark=PRIMARY),
        ),
        corrected=4,
    )
    assert themes.to_json() == {
        "comments": 40,
        "corrected": 4,
        "untagged": 12,
        "themes": [
            {
                "phenomenon": "verkeer",
                "label": "Verkeer",
                "count": 25,
                "suppressed": False,
                "quotes": ["Te snel."],
            },
            {
                "phenomenon": "drugs",
                "label": "Drugs",
                "count": None,
                "suppressed": True,
                "quotes": [],
            },
        ],
    }
    assert replace(themes, untagged_mark=PRIMARY).to_json()["untagged"] is None


def test_withheld_weights_publish_no_effective_n_and_no_weighted_interval() -> None:
    """When the report withholds the weights' spread (the effective n would bound the
    complete responses), a table shows its weighted shares without their intervals
    and without the effective n; so does a weighted number."""
    weighted = WeightedCounts({1: 30.0, 2: 70.0}, 100.0, 80.04, intervals=False)
    table = CategoricalTable(
        categorical(60, 40).categories, valid=100, missing=0, weighted=weighted
    )
    published = table.to_json()
    assert published["effective_n"] is None
    first = by_code(published)[1]
    assert first["weighted_percent"] == 30.0 and first["weighted_ci95"] is None
    assert first["estimate"] == 30.0 and first["estimate_ci95"] is None
    summary = summarise_numbers([(20.0, 5.0), (40.0, 15.0)], effective_n=16.0)
    number = NumberTable(
        20,
        2,
        summarise_numbers([(20.0, 10), (40.0, 10)]),
        weighted=WeightedNumbers(summary, 16.0, intervals=False),
    )
    assert number.to_json()["effective_n"] is None
    shown = replace(number, weighted=WeightedNumbers(summary, 16.04)).to_json()
    assert shown["effective_n"] == 16.0


def test_a_number_with_bands_publishes_the_banded_counts() -> None:
    bands = categorical(60, 40)
    number = NumberTable(100, 0, summarise_numbers([(20.0, 60), (40.0, 40)]), bands=bands)
    published = number.to_json()
    assert published["bands_estimates"] == "unweighted"
    assert [(b["code"], b["count"], b["percent"]) for b in published["bands"]] == [
        (1, 60, 60.0),
        (2, 40, 40.0),
        (9, 0, None),
    ]


def test_a_matrix_publishes_one_table_per_row() -> None:
    matrix = MatrixTable(
        (
            MatrixRow("drugs", "Drugs", categorical(60, 40)),
            MatrixRow("lawaai", "Lawaai", categorical(5, 95)),
        )
    )
    rows = matrix.to_json()["rows"]
    assert [(r["key"], r["label"], r["valid"]) for r in rows] == [
        ("drugs", "Drugs", 100),
        ("lawaai", "Lawaai", 100),
    ]
    assert by_code(rows[1])[2]["percent"] == 95.0


def test_multiple_choice_and_ranking_charts_say_their_shares_are_of_respondents() -> None:
    """The chart of a table notes "percent of respondents who chose an option" when its
    percentages are of respondents (``percent_of``, which the HTML writer reads): the
    options of a multiple choice or a ranking do not add up to 100 %, those of a single
    choice (answers) do."""
    assert MultipleTable.percent_of == RankingTable.percent_of == "respondents"
    assert CategoricalTable.percent_of == "answers"


# --- which groups of a dimension are no cross-tab column --------------------------------


def test_a_small_district_and_its_complement_are_no_column() -> None:
    """District c (4 respondents) is hidden in the district question's own table, and
    with it the next smallest, b: neither is a column, or the 4 would be bounded from
    below by a column total."""
    from survey.analysis.disclosure import folded_groups

    counts = {"district": {"a": 200, "b": 150, "c": 4}}
    assert folded_groups(counts, 354, 10) == {"district": frozenset({"b", "c"})}


def test_a_group_too_small_for_percentages_is_no_column() -> None:
    """A column shows percentages from 30 respondents on (BASE_RULES): 29 in a group
    make no column, 30 do, whatever the threshold."""
    from survey.analysis.disclosure import folded_groups

    for size, folded in ((29, {"c"}), (30, set())):
        counts = {"district": {"a": 200, "b": 150, "c": size}}
        assert folded_groups(counts, 350 + size, 10) == {"district": frozenset(folded)}


def test_a_small_unknown_column_takes_in_the_smallest_group() -> None:
    """5 respondents gave no district: an unknown column of 1 .. threshold-1 could never
    be protected, so the smallest group joins it (b, 150; on a tie the lowest code),
    and 155 in it are enough. With 10 and more without a district nothing joins."""
    from survey.analysis.disclosure import folded_groups

    assert folded_groups({"district": {"a": 200, "b": 150}}, 355, 10) == {
        "district": frozenset({"b"})
    }
    assert folded_groups({"district": {"b": 150, "a": 150}}, 305, 10) == {
        "district": frozenset({"a"})
    }
    assert folded_groups({"district": {"a": 200, "b": 150}}, 360, 10) == {"district": frozenset()}
    # 9 without a district: still one too few at threshold 10.
    assert folded_groups({"district": {"a": 200, "b": 150}}, 359, 10) == {
        "district": frozenset({"b"})
    }


def test_a_small_response_mode_is_no_column_but_folds_nothing_else() -> None:
    """Response modes are published as counts: paper (8, below the threshold) and phone
    (25, too few for percentages) are no column; web stays one, and no complement is
    hidden (the modes' counts are published either way)."""
    from survey.analysis.disclosure import folded_groups

    counts = {"mode": {"web": 300, "paper": 8, "phone": 25, "kiosk": 30}}
    assert folded_groups(counts, 363, 10) == {"mode": frozenset({"paper", "phone"})}


def test_withholding_the_weights_spread_removes_every_effective_n_of_the_report() -> None:
    """A report whose weighting section withholds the weights' spread publishes no
    effective n and no interval of a weighted share anywhere (docs/report-json.md: a
    Wilson interval gives n_eff back): a plain table, every row of a matrix, a
    number's weighted summary and its bands; the weighted shares stay (and a mean's
    interval, which needs the spread as well), and a table without weights is left
    as it was."""
    from survey.analysis.disclosure import without_effective_n

    weighted = WeightedCounts({1: 30.0, 2: 70.0}, 100.0, 80.04)
    plain = replace(categorical(60, 40), weighted=weighted)
    unweighted = categorical(60, 40)
    matrix = MatrixTable((MatrixRow("r1", "rij 1", plain), MatrixRow("r2", "rij 2", unweighted)))
    summary = summarise_numbers([(20.0, 5.0), (40.0, 15.0)], effective_n=16.0)
    number = NumberTable(
        20,
        2,
        summarise_numbers([(20.0, 10), (40.0, 10)]),
        weighted=WeightedNumbers(summary, 16.0),
        bands=plain,
    )
    assert plain.to_json()["effective_n"] == 80.0
    for table in (plain, matrix, number):
        published = without_effective_n(Summary(table)).table.to_json()
        shown = published.get("rows", [published])
        options = [o for t in shown for o in t.get("options", [])] + published.get("bands", [])
        assert options and all(o["weighted_ci95"] is None for o in options if "weighted_ci95" in o)
        assert all(t.get("effective_n") is None for t in shown)
        if table is plain:
            assert by_code(published)[1]["weighted_percent"] == 30.0
    assert without_effective_n(Summary(unweighted)).table == unweighted


def test_a_crosstab_publishes_every_group_with_its_base_and_each_cell_in_its_column() -> None:
    """What the report JSON of a cross-tab holds, key by key: a group nobody is in
    stays a column (valid 0, no percentages); a group below 30 respondents shows
    counts without percentages; the unknown column appears because it has
    respondents; a cell nobody is in counts 0. Percentages are of the column:
    Noord 30 of 50 = 60 %."""
    table = replace(
        crosstab({(1, 1): 30, (2, 1): 20, (1, 2): 10, (2, 2): 5, (1, None): 4, (2, None): 0}),
        columns=(
            CrossColumn(1, "Noord"),
            CrossColumn(2, "Zuid"),
            CrossColumn(3, "Oost"),
            CrossColumn(UNKNOWN_COLUMN, "onbekend"),
        ),
    )

    def cell(count: int, share: float | None) -> dict[str, object]:
        return {"count": count, "percent": share, "estimate": share, "suppressed": False}

    assert table.to_json() == {
        "question": "q",
        "question_text": "Vraag?",
        "type": "single",
        "measure": None,
        "dimension": "district",
        "estimates": "unweighted",
        "columns": [
            {
                "code": 1,
                "label": "Noord",
                "valid": 50,
                "suppressed": False,
                "base_flag": "unreliable",
            },
            {"code": 2, "label": "Zuid", "valid": 15, "suppressed": False, "base_flag": "hidden"},
            {"code": 3, "label": "Oost", "valid": 0, "suppressed": False, "base_flag": "hidden"},
            {
                "code": None,
                "label": "onbekend",
                "valid": 4,
                "suppressed": False,
                "base_flag": "hidden",
            },
        ],
        "options": [
            {
                "code": 1,
                "label": "optie 1",
                "cells": [cell(30, 60.0), cell(10, None), cell(0, None), cell(4, None)],
            },
            {
                "code": 2,
                "label": "optie 2",
                "cells": [cell(20, 40.0), cell(5, None), cell(0, None), cell(0, None)],
            },
        ],
    }


def test_a_hidden_column_total_hides_its_percentages_and_a_hidden_cell_only_itself() -> None:
    """A column whose total disclosure hid publishes neither its base nor any
    percentage in it, however large the base (100 here); a hidden cell is null
    while the cells after it in its row are published as usual."""
    cells = {(1, 1): 60, (2, 1): 40, (1, 2): 70, (2, 2): 30}
    table = replace(crosstab(cells), cell_marks={(1, 1): PRIMARY}, column_marks={1: COMPLEMENTARY})
    published = table.to_json()
    assert published["columns"][0] == {
        "code": 1,
        "label": "Noord",
        "valid": None,
        "suppressed": True,
        "base_flag": "hidden",
    }
    first, second = (option["cells"] for option in published["options"])
    assert first == [
        {"count": None, "percent": None, "estimate": None, "suppressed": True},
        {"count": 70, "percent": 70.0, "estimate": 70.0, "suppressed": False},
    ]
    assert second[0] == {"count": 40, "percent": None, "estimate": None, "suppressed": False}
    assert second[1]["percent"] == 30.0


def test_a_weighted_crosstab_counts_nobodys_weight_as_zero() -> None:
    """Weighted multiple choice: an option nobody in a column chose has no weighted
    cell and a weighted share of 0 %; a group without respondents has a weighted
    base of 0 and no weighted share at all."""
    table = replace(
        crosstab({(1, 1): 30, (1, 2): 20, (2, 1): 25}),
        columns=(CrossColumn(1, "Noord"), CrossColumn(2, "Zuid"), CrossColumn(3, "Oost")),
        question_type="multiple",
        column_valid={1: 50, 2: 40},
        weighted_cells={(1, 1): 30.0, (1, 2): 10.0, (2, 1): 20.0},
        weighted_column_valid={1: 40.0, 2: 50.0},
    )
    assert table.weighted_column_bases == {1: 40.0, 2: 50.0, 3: 0.0}
    first, second = (option["cells"] for option in table.to_json()["options"])
    # 30 of 40 weighted respondents, 10 of 50, nobody in Oost.
    assert [c["weighted_percent"] for c in first] == [75.0, 20.0, None]
    # Nobody in Zuid chose option 2: 0 of 50.
    assert [c["weighted_percent"] for c in second] == [50.0, 0.0, None]
    assert [c["count"] for c in second] == [25, 0, 0]


def test_the_weighted_base_of_a_column_adds_up_its_valid_options_only() -> None:
    """Single choice: a column's weighted base is the weight of its valid answers;
    the weight of a missing answer (code 9, no row of the cross-tab) is not in it."""
    table = replace(
        crosstab({(1, 1): 60, (2, 1): 40, (1, 2): 50, (2, 2): 50}),
        weighted_cells={(1, 1): 30.0, (2, 1): 90.0, (9, 1): 500.0, (1, 2): 20.0, (2, 2): 60.0},
    )
    assert table.weighted_column_bases == {1: 120.0, 2: 80.0, None: 0.0}
    first, _ = table.to_json()["options"]
    assert [c["weighted_percent"] for c in first["cells"]] == [25.0, 25.0]


def test_one_respondent_without_a_group_makes_the_unknown_column() -> None:
    """The unknown column appears as soon as one respondent has no group (90 chose
    option 1, 89 of them in a district); a cell of a district nobody chose is 0."""
    cells = complete_cells({(1, 1): 40, (1, 2): 49, (2, 1): 6}, [1, 2], {1: 90, 2: 6})
    assert cells == {(1, 1): 40, (1, 2): 49, (1, None): 1, (2, 1): 6, (2, 2): 0, (2, None): 0}


def test_a_number_publishes_its_bases_unless_disclosure_hid_them() -> None:
    """A number answered by 40 (3 missing) publishes both bases, flagged unreliable
    (below 100); once disclosure hid them they are null and the flag says hidden,
    though 40 is above the 30 below which percentages are hidden anyway."""
    summary = summarise_numbers([(20.0, 25), (30.0, 15)])
    plain = NumberTable(40, 3, summary).to_json()
    assert (plain["valid"], plain["missing"], plain["base_flag"]) == (40, 3, "unreliable")
    assert "valid_suppressed" not in plain and "missing_suppressed" not in plain
    hidden = NumberTable(40, 3, summary, valid_mark=PRIMARY, missing_mark=COMPLEMENTARY).to_json()
    assert (hidden["valid"], hidden["missing"], hidden["base_flag"]) == (None, None, "hidden")
    assert hidden["valid_suppressed"] is True and hidden["missing_suppressed"] is True


def test_a_ranked_option_has_the_interval_of_the_respondents_who_chose_it() -> None:
    """Each option of a ranking: the Wilson 95 % interval of the share of the 90
    respondents who placed it at any rank (textbook formula, z = 1.96: 80 of 90 ->
    80.74-93.85 %, 40 of 90 -> 34.62-54.73 %)."""
    ranked = (
        RankedCategory(1, "a", chosen=80, first=50, borda=200),
        RankedCategory(2, "b", chosen=40, first=40, borda=120),
    )
    first, second = RankingTable(ranked, valid=90, missing=0, choose=2).to_json()["options"]
    assert first["ci95"] == [80.74, 93.85]
    assert second["ci95"] == [34.62, 54.73]


def test_a_priority_row_names_its_phenomenon_and_gives_victimisation_an_interval() -> None:
    """The matrix row carries its label and whether the phenomenon is a federal
    priority; victimisation is a share of residents like concern, with its Wilson
    interval (20 % of 100: 13.34-28.88 %, textbook formula)."""
    row = priority_row(
        estimate_indicators={"victimisation": 20.0, "importance": 4.2},
        bases={"victimisation": 100, "importance": 380},
    )
    published = row.to_json()
    assert (published["label"], published["federal_priority"]) == ("Drugs", True)
    assert published["estimate_ci95"] == {"victimisation": [13.34, 28.88]}
