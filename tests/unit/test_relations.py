"""What a reader of the input report can work out from its published figures
(``survey.analysis.relations``, the relations the disclosure audit solves): a
survey's answers, listed in the test, go through the question types' tables;
``report_layout`` turns them into quantities and relations; and the test asks
two things of every relation family of the module's doc:

- every relation holds for the true counts (``false_relations``: each one
  evaluated on the answers, an independent check: a relation that does not
  hold would let the audit "protect" a count with a range that excludes it);
- a hidden count's range from the published figures is the one worked out by
  hand in the test (``reader_range``: linear programming with SciPy over the
  layout's relations, written apart from the product's audit): a relation
  missing from the system is a leak the audit cannot see.

A relation that would not hold (imported answers outside a follow-up's
condition) must be left out, not assumed.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import replace
from typing import Any

import numpy as np
import pytest
from disclosure_reports import (
    AGE_BANDS,
    DISTRICT,
    HINDER,
    VERVOER,
    Answers,
    Person,
    options,
    people,
    survey,
)
from scipy.optimize import linprog

from survey.analysis.disclosure import protect
from survey.analysis.inputs import SummaryContext
from survey.analysis.model import ExcludedGroup, MarginRow, WeightingSummary
from survey.analysis.relations import Layout, hideable, report_layout, table_id
from survey.analysis.tables import PRIMARY, UNKNOWN_COLUMN, TextThemes, Theme
from survey.definitions.definition import SurveyDefinition

Key = Any

HINDER_X = ("hinder", None, "district")
HINDER_T = table_id("hinder")


def layout_of(
    definition: SurveyDefinition,
    answers: Sequence[Person],
    *,
    threshold: int | None = None,
    themes: TextThemes | None = None,
    weighting: WeightingSummary | None = None,
    modes: bool = False,
    dimension_tables: Mapping[str, tuple[str, str | None]] | None = None,
    hidden_options: Mapping[str, Collection[int]] | None = None,
) -> Layout:
    """The layout of these answers' tables; with ``threshold``, after the
    suppression step (``disclosure.protect``: small counts marked hidden);
    ``hidden_options``: per question, option counts marked hidden."""
    figures = Answers(definition, answers, modes)
    questions = []
    for q in definition.questions:
        summary = q.qtype.summary(q, figures, SummaryContext("nl"))
        if threshold:
            summary = protect(summary, threshold)
        codes = (hidden_options or {}).get(q.key, ())
        if codes:
            table: Any = summary.table
            categories = tuple(
                replace(c, mark=PRIMARY) if c.code in codes else c for c in table.categories
            )
            summary = replace(summary, table=replace(table, categories=categories))
        questions.append((q, summary))
    by_mode: dict[str, int] = {}
    for person in answers:
        mode = person.get("mode", "web")
        by_mode[mode] = by_mode.get(mode, 0) + 1
    if dimension_tables is None:
        dimension_tables = {name: (q.key, None) for name, q in figures.dimensions.items()}
    return report_layout(
        questions,
        figures,
        themes=themes or TextThemes(0, 0, ()),
        weighting=weighting,
        dimension_tables=dimension_tables,
        responses=len(answers),
        responses_by_mode=by_mode,
    )


def false_relations(layout: Layout) -> list[Any]:
    """The relations the true counts do not meet (none, for a sound system),
    and the counts outside 0 .. their upper bound."""
    values = layout.system.values
    wrong: list[Any] = [
        k for k, v in values.items() if not 0 <= v <= layout.system.upper.get(k, np.inf)
    ]
    for relation in layout.system.relations:
        total = sum(a * values[k] for k, a in relation.terms)
        if not relation.low - 1e-9 <= total <= relation.high + 1e-9:
            wrong.append(relation)
    return wrong


def reader_range(layout: Layout, key: Key, hide: Collection[Key] = ()) -> tuple[float, float]:
    """The least and the most ``key`` can be, for a reader who knows every
    published figure and the relations, with ``hide`` hidden besides what the
    layout hides; every count is at least 0 and at most its upper bound."""
    system = layout.system
    unknown = sorted(set(hide) | system.hidden | system.auxiliary | {key}, key=repr)
    index = {k: i for i, k in enumerate(unknown)}
    rows_ub: list[np.ndarray[Any, Any]] = []
    rhs_ub: list[float] = []
    rows_eq: list[np.ndarray[Any, Any]] = []
    rhs_eq: list[float] = []
    for relation in system.relations:
        row = np.zeros(len(unknown))
        known = 0.0
        for k, a in relation.terms:
            if k in index:
                row[index[k]] += a
            else:
                known += a * system.values[k]
        if not row.any():
            continue
        if relation.low == relation.high:
            rows_eq.append(row)
            rhs_eq.append(relation.low - known)
            continue
        if relation.high < np.inf:
            rows_ub.append(row)
            rhs_ub.append(relation.high - known)
        if relation.low > -np.inf:
            rows_ub.append(-row)
            rhs_ub.append(known - relation.low)
    bounds = [(0.0, system.upper.get(k)) for k in unknown]
    ends = []
    for sign in (1.0, -1.0):
        cost = np.zeros(len(unknown))
        cost[index[key]] = sign
        result = linprog(
            cost,
            A_ub=np.array(rows_ub) if rows_ub else None,
            b_ub=rhs_ub or None,
            A_eq=np.array(rows_eq) if rows_eq else None,
            b_eq=rhs_eq or None,
            bounds=bounds,
            method="highs",
        )
        assert result.status == 0, result.message
        ends.append(round(float(result.x[index[key]]), 6))
    return ends[0], ends[1]


def count(question: str, code: Any, row: str | None = None) -> Key:
    return ("count", table_id(question, row), code)


def cell(crosstab: tuple[str, str | None, str], code: Any, column: Any) -> Key:
    return ("cell", crosstab, code, column)


def col(crosstab: tuple[str, str | None, str], column: Any) -> Key:
    return ("col", crosstab, column)


# Options tables ------------------------------------------------------------

NOISE = people(
    (20, {"wijk": 1, "hinder": 1}),
    (6, {"wijk": 1, "hinder": 2}),
    (9, {"wijk": 2, "hinder": 2}),
    (4, {"wijk": 2, "hinder": 3}),
    (3, {"wijk": 1, "hinder": 9}),
    (2, {"wijk": 2, "hinder": None}),
)
"""44 residents in two districts (29 and 15): 20 + 15 + 4 valid noise
answers, 3 "weet niet" and 2 shown the question without answering; the
valid answers by district: 26 and 13."""


def test_a_hidden_option_of_a_single_question_is_the_valid_answers_less_the_others() -> None:
    definition = survey(HINDER)
    answers = [{"hinder": p["hinder"]} for p in NOISE]
    layout = layout_of(definition, answers)
    assert false_relations(layout) == []
    assert reader_range(layout, count("hinder", 3), {count("hinder", 3)}) == (4, 4)
    # Two hidden options share what the valid answers leave: 19.
    both = {count("hinder", 2), count("hinder", 3)}
    assert reader_range(layout, count("hinder", 3), both) == (0, 19)
    assert reader_range(layout, count("hinder", 2), both) == (0, 19)


def test_a_hidden_dont_know_is_bounded_by_the_missing_answers_not_pinned() -> None:
    """The missing answers (5) are the 3 "weet niet" and 2 left empty: the
    reader knows only that "weet niet" is at most 5. Hiding the missing
    answers as well, the "weet niet" count is bounded by the responses only
    (a question need not be shown to everyone: valid + missing is no
    relation with the responses), and the missing answers are at least the
    published "weet niet"."""
    definition = survey(HINDER)
    answers = [{"hinder": p["hinder"]} for p in NOISE]
    layout = layout_of(definition, answers)
    assert layout.system.values[("empty", HINDER_T)] == 2
    assert false_relations(layout) == []
    dont_know = count("hinder", 9)
    assert reader_range(layout, dont_know, {dont_know}) == (0, 5)
    missing = ("missing", HINDER_T)
    assert reader_range(layout, dont_know, {dont_know, missing}) == (0, 44)
    assert reader_range(layout, missing, {missing}) == (3, 44)


def test_every_count_is_at_most_the_responses() -> None:
    """With every count of a question hidden, each is still at most the 44
    responses (and a Borda total at most 100 points a response)."""
    definition = survey(HINDER)
    answers = [{"hinder": p["hinder"]} for p in NOISE]
    layout = layout_of(definition, answers)
    every = {k for k in layout.system.values if k[0] in ("count", "valid", "missing")}
    assert reader_range(layout, count("hinder", 1), every) == (0, 44)
    assert {layout.system.upper[k] for k in every} == {44.0}


MATRIX = {
    "key": "problemen",
    "type": "matrix",
    "text": {"nl": "Hoe vaak komen deze problemen voor?"},
    "scale": "freq",
    "rows": [
        {"key": "lawaai", "label": {"nl": "Lawaai"}},
        {"key": "drugs", "label": {"nl": "Drugsoverlast"}},
    ],
}


def test_each_matrix_row_adds_up_on_its_own() -> None:
    """Row "drugs" has 12 + 7 + 3 valid answers and 2 "weet niet"; a hidden
    count there is its row's valid answers less the row's others, whatever
    the other row publishes."""
    definition = survey(MATRIX)
    answers = people(
        (12, {"problemen": {"lawaai": 1, "drugs": 1}}),
        (7, {"problemen": {"lawaai": 2, "drugs": 2}}),
        (3, {"problemen": {"lawaai": 3, "drugs": 3}}),
        (2, {"problemen": {"lawaai": 1, "drugs": 9}}),
    )
    layout = layout_of(definition, answers)
    assert false_relations(layout) == []
    drugs_3 = count("problemen", 3, "drugs")
    assert reader_range(layout, drugs_3, {drugs_3}) == (3, 3)
    assert reader_range(layout, drugs_3, {drugs_3, count("problemen", 3, "lawaai")}) == (3, 3)
    assert reader_range(layout, drugs_3, {drugs_3, count("problemen", 2, "drugs")}) == (0, 10)
    dont_know = count("problemen", 9, "drugs")
    assert reader_range(layout, dont_know, {dont_know}) == (0, 2)


def test_a_hidden_age_band_is_the_numbers_valid_answers_less_the_other_bands() -> None:
    """25 + 15 + 3 ages in three bands: the bands add up to the number's
    valid answers (43), which the number's table publishes."""
    definition = survey(AGE_BANDS)
    answers = people((25, {"leeftijd": 20}), (15, {"leeftijd": 40}), (3, {"leeftijd": 70}))
    layout = layout_of(definition, answers)
    assert false_relations(layout) == []
    band = count("leeftijd", 3, "bands")
    assert reader_range(layout, band, {band}) == (3, 3)
    # The bands' own valid hidden too: the number's valid gives it back.
    bands_valid = ("valid", table_id("leeftijd", "bands"))
    assert reader_range(layout, band, {band, bands_valid}) == (3, 3)
    # Both hidden: only the 43 responses bound the bands (43 - 25 - 15).
    number_valid = ("valid", table_id("leeftijd"))
    assert reader_range(layout, band, {band, bands_valid, number_valid}) == (0, 3)


# Cross-tabs -----------------------------------------------------------------


def test_a_hidden_cell_of_a_crosstab_is_pinned_by_its_row_and_by_its_column() -> None:
    """Noise by district: 20/6 in district 1, 0/9/4 in district 2. A hidden
    cell alone is its row total less the row's other cell; with its row
    total hidden too, its column base less the column's other cells."""
    definition = survey(DISTRICT, HINDER)
    layout = layout_of(definition, NOISE)
    assert false_relations(layout) == []
    small = cell(HINDER_X, 3, 2)
    assert layout.system.values[small] == 4
    assert reader_range(layout, small, {small}) == (4, 4)
    assert reader_range(layout, small, {small, count("hinder", 3)}) == (4, 4)
    # A 2 x 2 rectangle of hidden cells (options 2 and 3 in both
    # districts): rows 15 and 4, columns 6 and 13; the cell (3, 2) can be
    # anything from 13 - 15 (so 0) to min(4, 13).
    rectangle = {cell(HINDER_X, o, d) for o in (2, 3) for d in (1, 2)}
    assert reader_range(layout, small, rectangle) == (0, 4)
    assert reader_range(layout, cell(HINDER_X, 2, 1), rectangle) == (2, 6)


def test_a_hidden_column_base_is_the_valid_answers_less_the_other_bases() -> None:
    definition = survey(DISTRICT, HINDER)
    layout = layout_of(definition, NOISE)
    base = col(HINDER_X, 2)
    assert layout.system.values[base] == 13
    cells = {cell(HINDER_X, o, 2) for o in (1, 2, 3)}
    # The cells give it back; without them, the valid answers less district 1.
    assert reader_range(layout, base, {base}) == (13, 13)
    assert reader_range(layout, base, {base, *cells}) == (13, 13)
    # Both bases and district 2's cells hidden: the rows give the cells
    # back, and the cells their column's base.
    assert reader_range(layout, base, {base, col(HINDER_X, 1), *cells}) == (13, 13)
    every_base = {col(HINDER_X, c) for c in (1, 2)}
    both_columns = {cell(HINDER_X, o, c) for o in (1, 2, 3) for c in (1, 2)}
    # With both districts' cells and bases hidden, each base is at most its
    # district's respondents (29 and 15), and the bases add up to the 39
    # valid answers: district 2's base is 39 - 29 .. 15.
    assert reader_range(layout, base, every_base | both_columns) == (10, 15)


def test_a_column_base_is_at_most_its_groups_count_and_the_unknown_column_the_rest() -> None:
    """Two respondents gave no district: the unknown column. Its base is at
    most the responses without a published district (46 - 29 - 15); district
    1's base at most its 29 respondents and at least the 41 valid answers
    less district 2's 15 and the unknown column's 2."""
    definition = survey(DISTRICT, HINDER)
    answers = [*NOISE, *people((2, {"hinder": 1}))]
    layout = layout_of(definition, answers)
    assert false_relations(layout) == []
    unknown = col(HINDER_X, UNKNOWN_COLUMN)
    assert layout.system.values[unknown] == 2
    every = {k for k in layout.system.values if k[0] in ("cell", "col") and k[1] == HINDER_X}
    assert reader_range(layout, unknown, every) == (0, 2)
    assert reader_range(layout, col(HINDER_X, 1), every) == (24, 29)


def test_the_unknown_column_is_bounded_by_the_responses_without_a_published_group() -> None:
    """District 2's count hidden in the district table: the unknown column
    (2) can then be up to 46 - 29 (the reader still knows district 2's 15
    from the table's valid answers, but the bound does not use a hidden
    count)."""
    definition = survey(DISTRICT, HINDER)
    answers = [*NOISE, *people((2, {"hinder": 1}))]
    layout = layout_of(definition, answers, hidden_options={"wijk": {2}})
    assert count("wijk", 2) in layout.system.hidden
    assert false_relations(layout) == []
    unknown = col(HINDER_X, UNKNOWN_COLUMN)
    every = {k for k in layout.system.values if k[0] in ("cell", "col") and k[1] == HINDER_X}
    assert reader_range(layout, unknown, every) == (0, 46 - 29)


def test_a_response_mode_column_is_at_most_that_modes_responses() -> None:
    definition = survey(HINDER)
    answers = [
        {"hinder": p["hinder"], "mode": "paper" if i < 12 else "web"} for i, p in enumerate(NOISE)
    ]
    layout = layout_of(definition, answers, modes=True)
    assert false_relations(layout) == []
    by_mode = ("hinder", None, "mode")
    every = {k for k in layout.system.values if k[0] in ("cell", "col") and k[1] == by_mode}
    # Each base at most its mode's responses (12 on paper, 32 on the web),
    # and the two add up to the 39 valid answers.
    assert reader_range(layout, col(by_mode, "paper"), every) == (39 - 32, 12)
    assert reader_range(layout, col(by_mode, "web"), every) == (39 - 12, 32)


# Multiple choice ------------------------------------------------------------

VERVOER_DK = {**VERVOER, "options": options(1, 2, 3)}
TRAVEL = people(
    (6, {"wijk": 1, "vervoer": [1, 2]}),
    (5, {"wijk": 1, "vervoer": [1]}),
    (4, {"wijk": 2, "vervoer": [3]}),
    (3, {"wijk": 2, "vervoer": [2, 3]}),
    (2, {"wijk": 2, "vervoer": [9]}),
)
"""18 valid multiple choices (11 by bike "1", 9 "2", 7 "3") and 2 "weet niet"."""


def test_a_hidden_multiple_choice_option_is_at_most_the_respondents_and_at_least_the_rest() -> None:
    """Everyone who answered chose at least one: option 1 (11) is at least
    18 - 9 - 7 = 2 and at most the 18 who answered."""
    definition = survey(VERVOER_DK)
    layout = layout_of(definition, [{"vervoer": p["vervoer"]} for p in TRAVEL])
    assert false_relations(layout) == []
    bike = count("vervoer", 1)
    assert reader_range(layout, bike, {bike}) == (2, 18)
    # "Weet niet" is at most the valid and the missing answers together.
    dont_know = count("vervoer", 9)
    missing = ("missing", table_id("vervoer"))
    assert reader_range(layout, dont_know, {dont_know, missing}) == (0, 20)


def test_a_multiple_choice_crosstab_cell_is_at_most_its_columns_respondents() -> None:
    """District 1: 11 respondents chose 1 (11), 2 (6), 3 (0); district 2: 7
    respondents (and 2 "weet niet") chose 2 (3), 3 (7)."""
    definition = survey(DISTRICT, VERVOER_DK)
    layout = layout_of(definition, TRAVEL)
    assert false_relations(layout) == []
    travel = ("vervoer", None, "district")
    bikes = {cell(travel, 1, 1), cell(travel, 1, 2), count("vervoer", 1)}
    # District 1's cell is at most its column's 11 respondents and at least
    # what its published cells leave of them (11 - 6 - 0: everyone chose one).
    assert reader_range(layout, cell(travel, 1, 1), bikes) == (5, 11)
    bases = {col(travel, 1), col(travel, 2), col(travel, UNKNOWN_COLUMN)}
    # District 1's base, its cells published (11, 6, 0): at least the
    # largest cell and at most their sum, and the bases add up to 18.
    found = reader_range(layout, col(travel, 1), bases)
    assert found == (11, 11)
    ones = {col(travel, 1), cell(travel, 1, 1), cell(travel, 2, 1), cell(travel, 3, 1)}
    assert reader_range(layout, col(travel, 1), ones) == (11, 11)


# Rankings -------------------------------------------------------------------

TOP = {
    "key": "top",
    "type": "ranking",
    "choose": 2,
    "text": {"nl": "Wat moet de politie eerst aanpakken?"},
    "options": options(1, 2, 3),
}
TOP_T = table_id("top")
RANKED = people(
    (15, {"wijk": 1, "top": [1, 2]}),
    (12, {"wijk": 2, "top": [2, 3]}),
    (3, {"wijk": 1, "top": [3, 1]}),
    (4, {"wijk": 2, "top": [9]}),
)
"""30 rankings of exactly two options and 4 "weet niet": option 1 chosen 18
(first 15, Borda 33), 2: 27 (12, 39), 3: 15 (3, 18)."""


def ranking_layout(answers: Sequence[Person] = RANKED, district: bool = False) -> Layout:
    definition = survey(DISTRICT, TOP) if district else survey(TOP)
    if not district:
        answers = [{"top": p["top"]} for p in answers]
    return layout_of(definition, answers)


def test_a_rankings_first_places_borda_points_and_chosen_counts_hold_for_the_answers() -> None:
    layout = ranking_layout()
    values = layout.system.values
    assert [values[("count", TOP_T, c)] for c in (1, 2, 3)] == [18, 27, 15]
    assert [values[("first", TOP_T, c)] for c in (1, 2, 3)] == [15, 12, 3]
    assert [values[("borda", TOP_T, c)] for c in (1, 2, 3)] == [33, 39, 18]
    assert [values[("rank", TOP_T, 1, r)] for r in (1, 2)] == [15, 3]
    assert false_relations(layout) == []


def test_a_hidden_first_place_count_is_the_rankings_less_the_other_first_places() -> None:
    """Of two choices, Borda - chosen = first: a first place hidden alone is
    given back by its option's published figures (18 - 15 = 3); hidden with
    its Borda total, by the 30 rankings' first places less the others'."""
    layout = ranking_layout()
    first = ("first", TOP_T, 3)
    borda = ("borda", TOP_T, 3)
    assert reader_range(layout, first, {first}) == (3, 3)
    assert reader_range(layout, first, {first, borda}) == (3, 3)
    # Two options' first places and Borda totals hidden: they share
    # 30 - 15 = 15, each at most its chosen count (15, 27).
    two = {first, borda, ("first", TOP_T, 2), ("borda", TOP_T, 2)}
    assert reader_range(layout, first, two) == (0, 15)
    assert reader_range(layout, ("first", TOP_T, 2), two) == (0, 15)


def test_a_hidden_chosen_count_is_given_back_by_its_borda_points_and_first_places() -> None:
    """Borda = 2 x first + second, chosen = first + second: a published
    Borda total and first-place count pin the chosen count (18 = 33 - 15);
    with the Borda total hidden too (the option's unit), only the ranking
    rules are left."""
    layout = ranking_layout()
    chosen = ("count", TOP_T, 1)
    assert reader_range(layout, chosen, {chosen}) == (18, 18)
    borda = ("borda", TOP_T, 1)
    # Rank 2 holds at most the 30 rankings' first places, of which
    # 27 + 15 - 12 - 3 = 27 are known second places of the others: option
    # 1's second places are at most 3, its chosen count 15 .. 18.
    assert reader_range(layout, chosen, {chosen, borda}) == (15, 18)
    # First places and Borda points hidden too: the first places of the
    # others leave 15 for option 1; chosen counts of the others known.
    unit = {chosen, borda, ("first", TOP_T, 1)}
    assert reader_range(layout, chosen, unit) == (15, 18)
    assert reader_range(layout, borda, unit) == (30, 33)


def test_a_hidden_borda_total_is_given_back_by_the_chosen_and_first_counts() -> None:
    layout = ranking_layout()
    borda = ("borda", TOP_T, 3)
    assert reader_range(layout, borda, {borda}) == (18, 18)
    # The chosen count hidden too: first + at most one second place per
    # ranking whose first place is another option.
    assert reader_range(layout, borda, {borda, ("count", TOP_T, 3)}) == (6, 18)


def test_a_dont_know_in_a_ranking_takes_first_places_only_from_the_missing_answers() -> None:
    """A "weet niet" ranked alone is a missing answer: the table counts it
    as chosen by nobody (0, 0, 0), and the relations hold for that. Hidden,
    its first places are at most the 4 missing answers, and its second
    places at most its first places (the 30 valid rankings fill rank 2 with
    30 already): chosen at most 8."""
    layout = ranking_layout()
    values = layout.system.values
    assert [values[(kind, TOP_T, 9)] for kind in ("count", "first", "borda")] == [0, 0, 0]
    assert false_relations(layout) == []
    dont_know = ("first", TOP_T, 9)
    chosen = ("count", TOP_T, 9)
    borda = ("borda", TOP_T, 9)
    assert reader_range(layout, dont_know, {dont_know, chosen, borda}) == (0, 4)
    assert reader_range(layout, chosen, {chosen, dont_know, borda}) == (0, 8)
    # The missing answers hidden as well: everything at most the 34 responses.
    missing = ("missing", TOP_T)
    assert reader_range(layout, dont_know, {dont_know, chosen, borda, missing}) == (0, 34)


def test_a_ranking_crosstab_column_holds_at_most_n_choices_per_respondent() -> None:
    """District 1: 18 rankings (15 of "1, 2", 3 of "3, 1"): cells 18, 15, 3
    (36 = 2 x 18 choices)."""
    layout = ranking_layout(district=True)
    assert false_relations(layout) == []
    top = ("top", None, "district")
    cells = {cell(top, c, 1) for c in (1, 2, 3)}
    assert [layout.system.values[k] for k in sorted(cells)] == [18, 15, 3]
    base = col(top, 1)
    # The base hidden with its cells and the other bases: the cells' rows
    # give them back; the base is then at least half their sum (36 / 2) and
    # at most their largest (18): pinned at 18.
    bases = {col(top, 1), col(top, 2), col(top, UNKNOWN_COLUMN)}
    assert reader_range(layout, base, bases | cells) == (18, 18)
    # Only the base and the other bases hidden: still between 36 / 2 and 18.
    assert reader_range(layout, base, bases) == (18, 18)
    # District 2's 12 rankings made 24 choices, all published (12 of "2",
    # 12 of "3"): no room for option 1 there (at most 2 choices a
    # respondent), so option 1's hidden cells are 18 and 0.
    big = cell(top, 1, 1)
    assert reader_range(layout, big, {big, cell(top, 1, 2), base}) == (18, 18)


# show_if ---------------------------------------------------------------------

WIJK = {k: v for k, v in DISTRICT.items() if k != "dimension"}
FOLLOW = {
    "key": "melding",
    "type": "single",
    "show_if": {"question": "hinder", "in": [2, 3]},
    "text": {"nl": "Hebt u het gemeld?"},
    "options": options(1, 2),
}


def followed(*extra: tuple[int, Person]) -> list[Person]:
    """NOISE, with those who have noise 2 or 3 asked whether they reported
    it (6 + 9 + 4 = 19 shown): one of district 1 left it empty, so 5 valid
    answers in district 1 and 13 in district 2, 1 missing."""
    found = []
    for i, person in enumerate(NOISE):
        if person["hinder"] in (2, 3):
            person = {**person, "melding": None if i == 20 else 1 if i % 2 else 2}
        found.append(person)
    return [*found, *people(*extra)]


def test_a_follow_up_shown_to_those_who_met_its_condition_gives_their_count_away() -> None:
    """The follow-up was shown to 19 = noise 2 (15) + noise 3 (4): with
    noise 1 published and 2, 3 hidden, their sum is known twice over; with
    1 and 2 hidden, noise 2 is the follow-up's 19 less noise 3 (4)."""
    definition = survey(DISTRICT, HINDER, FOLLOW)
    layout = layout_of(definition, followed())
    assert false_relations(layout) == []
    hidden = {count("hinder", 1), count("hinder", 2)}
    assert reader_range(layout, count("hinder", 2), hidden) == (15, 15)
    assert layout.system.values[("missing", table_id("melding"))] == 1


def test_a_follow_ups_valid_answers_per_district_are_at_most_the_conditions_cells() -> None:
    """Every noise cell and base hidden: in district 2, the follow-up's 13
    valid answers were given by residents of noise 2 or 3 there, so noise 2
    in district 2 is at least 13 - 4 (noise 3 has 4 in all); and at most
    14: district 1's 5 valid answers leave at least 1 of noise 2 there."""
    definition = survey(DISTRICT, HINDER, FOLLOW)
    layout = layout_of(definition, followed())
    follow_x = ("melding", None, "district")
    assert [layout.system.values[col(follow_x, d)] for d in (1, 2)] == [5, 13]
    every = {k for k in layout.system.values if k[0] in ("cell", "col") and k[1] == HINDER_X}
    assert reader_range(layout, cell(HINDER_X, 2, 2), every) == (9, 14)


@pytest.mark.parametrize("outside", [1, 2])
def test_a_follow_up_answered_outside_its_condition_adds_no_relation(outside: int) -> None:
    """Imported answers: one or two respondents of noise 1 answered the
    follow-up too, so it was "shown" to 20 or 21, not 19: no equation, and
    no lower bound either (more shown than meet the condition); the count
    stays as wide as without the follow-up (valid 39 + outside, less 4)."""
    definition = survey(HINDER, FOLLOW)
    answers = [
        {k: v for k, v in p.items() if k != "wijk"}
        for p in followed((outside, {"hinder": 1, "melding": 1}))
    ]
    layout = layout_of(definition, answers)
    assert false_relations(layout) == []
    hidden = {count("hinder", 1), count("hinder", 2)}
    assert reader_range(layout, count("hinder", 2), hidden) == (0, 35 + outside)


def test_a_follow_up_shown_to_fewer_than_its_condition_gives_a_lower_bound() -> None:
    """Three residents of noise 2 never got the follow-up (a paper form that
    skipped it): 19 shown, 22 meet the condition; the reader learns only that
    noise 2 + 3 >= 19."""
    definition = survey(HINDER, FOLLOW)
    answers = [{k: v for k, v in p.items() if k != "wijk"} for p in followed((3, {"hinder": 2}))]
    layout = layout_of(definition, answers)
    assert false_relations(layout) == []
    hidden = {count("hinder", 1), count("hinder", 2)}
    # valid 42: noise 1 + noise 2 = 42 - 4 = 38; noise 2 >= 19 - 4.
    assert reader_range(layout, count("hinder", 2), hidden) == (15, 38)


def test_an_answered_condition_counts_the_valid_and_dont_know_answers() -> None:
    """Shown when noise was answered at all (valid 39 + "weet niet" 3 = 42):
    the missing answers (5) less the 2 left empty."""
    follow = {**FOLLOW, "show_if": {"question": "hinder", "answered": True}}
    definition = survey(HINDER, follow)
    answers = []
    for person in NOISE:
        found = {"hinder": person["hinder"]}
        if person["hinder"] is not None:
            found["melding"] = 1
        answers.append(found)
    layout = layout_of(definition, answers)
    assert false_relations(layout) == []
    dont_know = count("hinder", 9)
    missing = ("missing", HINDER_T)
    assert reader_range(layout, dont_know, {dont_know, missing}) == (3, 3)


def test_an_any_condition_bounds_each_part_and_all_parts_together() -> None:
    """Shown when noise is 2 or the district is 2: 15 + 15 - 9 = 21 shown.
    Each part is at most the shown (noise 2 <= 21, district 2 <= 21), and
    the shown are at most the parts together (21 <= noise 2 + district 2),
    so noise 2 >= 21 - 15. (The district is no dimension here: a cross-tab
    by it would give noise 2 back from its row.)"""
    follow = {
        **FOLLOW,
        "show_if": {
            "any": [
                {"question": "hinder", "equals": 2},
                {"question": "wijk", "equals": 2},
            ]
        },
    }
    definition = survey(WIJK, HINDER, follow)
    answers = []
    for person in NOISE:
        found = dict(person)
        if person["hinder"] == 2 or person["wijk"] == 2:
            found["melding"] = 1
        answers.append(found)
    layout = layout_of(definition, answers)
    assert false_relations(layout) == []
    shown = ("valid", table_id("melding"))
    assert layout.system.values[shown] == 21
    noise = {count("hinder", 1), count("hinder", 2)}
    assert reader_range(layout, count("hinder", 2), noise) == (6, 21)
    district = {count("wijk", 1), count("wijk", 2), ("valid", table_id("wijk"))}
    assert reader_range(layout, count("wijk", 2), district | noise) == (0, 21)


def test_an_all_condition_bounds_the_shown_by_each_part() -> None:
    """Shown when noise is 2 and the district is 2: 9 shown; each part holds
    at least those 9 (noise 1 + noise 2 = 35 valid less 4 of noise 3)."""
    follow = {
        **FOLLOW,
        "show_if": {
            "all": [
                {"question": "hinder", "equals": 2},
                {"question": "wijk", "equals": 2},
            ]
        },
    }
    definition = survey(WIJK, HINDER, follow)
    answers = []
    for person in NOISE:
        found = dict(person)
        if person["hinder"] == 2 and person["wijk"] == 2:
            found["melding"] = 1
        answers.append(found)
    layout = layout_of(definition, answers)
    assert false_relations(layout) == []
    noise = {count("hinder", 1), count("hinder", 2)}
    assert reader_range(layout, count("hinder", 2), noise) == (9, 35)


# Weighting --------------------------------------------------------------------

SEX = {
    "key": "geslacht",
    "type": "single",
    "text": {"nl": "Wat is uw geslacht?"},
    "dimension": "sex",
    "options": options(1, 2, 3),
}


def sex_weighting(
    complete: Sequence[tuple[int, int]], excluded: Sequence[ExcludedGroup], unanswered: int = 0
) -> WeightingSummary:
    margins = tuple(
        MarginRow("sex", code, f"optie {code}", 5000.0, 50.0, 50.0, 50.0, n) for code, n in complete
    )
    total = sum(n for _c, n in complete) + unanswered
    return WeightingSummary(
        ("sex",),
        1.02,
        total - 2,
        total,
        sum(g.responses for g in excluded),
        True,
        5,
        None,
        0.8,
        1.2,
        margins,
        excluded=tuple(excluded),
        unanswered={"sex": unanswered} if unanswered else {},
    )


SEXES = people(
    (40, {"geslacht": 1, "hinder": 1}),
    (12, {"geslacht": 1, "hinder": 3}),
    (35, {"geslacht": 2, "hinder": 2}),
    (3, {"geslacht": 3, "hinder": 1}),
)
"""90 responses: 52 men, 35 women, 3 "other" (no margin: left out)."""


def test_a_group_left_out_of_the_weighting_is_its_count_in_the_dimension_table() -> None:
    definition = survey(SEX, HINDER)
    other = ExcludedGroup("sex", 3, "optie 3", "not_in_margins", 3)
    layout = layout_of(definition, SEXES, weighting=sex_weighting([(1, 52), (2, 35)], [other]))
    assert false_relations(layout) == []
    group = ("excluded", "sex", 3)
    assert reader_range(layout, group, {group}) == (3, 3)
    # The sex table's count hidden too: the excluded responses give it back.
    assert reader_range(layout, count("geslacht", 3), {group, count("geslacht", 3)}) == (3, 3)
    # ... and with the totals hidden as well, the complete responses per
    # sex (52, 35) and the table's other counts still leave 3.
    totals = {("sample", "complete"), ("sample", "excluded")}
    assert reader_range(layout, group, {group, count("geslacht", 3), *totals}) == (3, 3)


def test_the_complete_and_excluded_responses_add_up_to_the_responses() -> None:
    definition = survey(SEX, HINDER)
    other = ExcludedGroup("sex", 3, "optie 3", "not_in_margins", 3)
    layout = layout_of(definition, SEXES, weighting=sex_weighting([(1, 52), (2, 35)], [other]))
    excluded = ("sample", "excluded")
    assert reader_range(layout, excluded, {excluded}) == (3, 3)
    complete = ("sample", "complete")
    # The complete responses are the sample counts per sex together.
    assert reader_range(layout, complete, {complete, excluded}) == (87, 87)
    shares = {("complete", "sex", 1), ("complete", "sex", 2)}
    # Every share hidden too: at most the sex table's counts (52 + 35), at
    # least the responses less the excluded group's other... 90 - 3 = 87.
    assert reader_range(layout, complete, {complete, excluded, *shares}) == (87, 87)
    # A sample count is at most the count of its code in the sex table.
    assert reader_range(layout, ("complete", "sex", 1), {complete, excluded, *shares}) == (52, 52)


def test_the_complete_responses_of_a_code_are_at_most_its_count_in_the_table() -> None:
    """Two men did not complete the weighting's questions (excluded, no
    group of theirs in the list): the men's sample count (50) is at most
    the table's 52."""
    definition = survey(SEX, HINDER)
    weighting = replace(sex_weighting([(1, 50), (2, 35)], []), excluded_responses=5)
    answers = [*SEXES]
    layout = layout_of(definition, answers, weighting=weighting)
    assert false_relations(layout) == []
    men = ("complete", "sex", 1)
    shares = {men, ("complete", "sex", 2)}
    # The shares add up to the 85 complete responses; the women's at most 35.
    assert reader_range(layout, men, shares) == (50, 52)
    assert reader_range(layout, ("complete", "sex", 2), shares) == (33, 35)


def test_a_group_without_an_answer_is_the_responses_less_the_tables_codes() -> None:
    """Four residents gave no sex: left out (no answer). Their group is 94
    less the 90 the sex table counts."""
    definition = survey(SEX, HINDER)
    blank = ExcludedGroup("sex", None, None, "no_answer", 4)
    other = ExcludedGroup("sex", 3, "optie 3", "not_in_margins", 3)
    answers = [*SEXES, *people((4, {"hinder": 1}))]
    layout = layout_of(
        definition, answers, weighting=sex_weighting([(1, 52), (2, 35)], [blank, other])
    )
    assert false_relations(layout) == []
    group = ("excluded", "sex", None)
    assert reader_range(layout, group, {group}) == (4, 4)
    # Sex "other" is its count in the sex table (3), not anything from 7 - 4
    # to the 7 excluded.
    other_group = ("excluded", "sex", 3)
    assert reader_range(layout, other_group, {other_group}) == (3, 3)
    # The excluded responses are the responses less the 87 complete ones,
    # not just anything from the larger group (4) to both (7).
    excluded = ("sample", "excluded")
    assert reader_range(layout, excluded, {excluded}) == (7, 7)
    # With the other group and the totals hidden as well: still 94 - 90.
    hidden = {group, ("excluded", "sex", 3), ("sample", "complete"), ("sample", "excluded")}
    assert reader_range(layout, group, hidden) == (4, 4)
    # Without the sex table as the dimension's table: each group is at most
    # the excluded responses, together at least them (4 .. 4 + 3).
    layout = layout_of(
        definition,
        answers,
        weighting=sex_weighting([(1, 52), (2, 35)], [blank, other]),
        dimension_tables={},
    )
    assert false_relations(layout) == []
    totals = {("sample", "complete"), ("sample", "excluded")}
    shares = {("complete", "sex", 1), ("complete", "sex", 2)}
    assert reader_range(layout, ("sample", "excluded"), totals | shares) == (4, 7)


def test_the_unanswered_complete_responses_fill_the_sample_counts_up() -> None:
    """Five complete responses without a sex (weighted on other
    dimensions): the sample counts per sex add up to the complete responses
    less them, an unknown the reader never sees."""
    definition = survey(SEX, HINDER)
    answers = [*SEXES, *people((5, {"hinder": 1}))]
    weighting = sex_weighting([(1, 52), (2, 35)], [], unanswered=5)
    weighting = replace(weighting, excluded_responses=3)
    layout = layout_of(definition, answers, weighting=weighting)
    assert false_relations(layout) == []
    men = ("complete", "sex", 1)
    # Hidden with the women's share: they share 92 - 5 = 87 less nothing
    # known; each at most its table count.
    both = {men, ("complete", "sex", 2)}
    assert reader_range(layout, men, both) == (52, 52)
    unanswered = ("unanswered", "sex")
    assert layout.system.values[unanswered] == 5
    assert reader_range(layout, unanswered, both) == (5, 5)
    # Never published, never hidden to protect another count.
    assert unanswered in layout.system.hidden
    assert unanswered not in set(hideable(layout))


# Free text ------------------------------------------------------------------------


def test_a_hidden_theme_is_bounded_by_the_comments_less_the_untagged() -> None:
    """30 comments: 26 about drugs, 4 about burglary (one may be about both),
    2 untagged. A theme is at most 28 and the themes together at least 28."""
    themes = TextThemes(
        30,
        2,
        (Theme("drugs", "Drugs", 26, ()), Theme("inbraak", "Inbraak", 4, ())),
    )
    layout = layout_of(survey(HINDER), [{"hinder": 1}] * 40, themes=themes)
    assert false_relations(layout) == []
    burglary = ("theme", "inbraak")
    assert reader_range(layout, burglary, {burglary}) == (2, 28)
    untagged = ("untagged",)
    assert reader_range(layout, untagged, {untagged}) == (0, 4)
    assert reader_range(layout, untagged, {untagged, burglary}) == (0, 4)
    assert reader_range(layout, untagged, {untagged, burglary, ("theme", "drugs")}) == (0, 30)


# What the audit may hide -------------------------------------------------------------


def test_the_groups_of_a_crosstab_dimension_are_never_hidden_to_protect_another_count() -> None:
    """The district table's counts are settled before the audit (a hidden
    group is folded into the unknown column); every other published count
    may be hidden to protect another."""
    definition = survey(DISTRICT, HINDER)
    layout = layout_of(definition, NOISE)
    may_hide = set(hideable(layout))
    assert count("wijk", 1) not in may_hide
    assert ("missing", table_id("wijk")) not in may_hide
    assert {count("hinder", 1), cell(HINDER_X, 3, 2), col(HINDER_X, 1)} <= may_hide
    assert ("missing", HINDER_T) in may_hide
    # The valid answers only as the question's last resort.
    assert ("valid", HINDER_T) not in may_hide
    assert ("valid", HINDER_T) in layout.question_units["hinder"]
    assert not any(unit[1] == table_id("wijk") for unit in layout.question_units["wijk"][1:])


def test_a_ranking_options_counts_are_hidden_together_and_its_first_places_alone() -> None:
    layout = ranking_layout()
    unit = layout.unit_of[("count", TOP_T, 1)]
    assert set(layout.units[unit]) == {
        ("count", TOP_T, 1),
        ("first", TOP_T, 1),
        ("borda", TOP_T, 1),
    }
    assert layout.units[layout.unit_of[("first", TOP_T, 1)]] == (("first", TOP_T, 1),)
    assert ("borda", TOP_T, 1) not in set(hideable(layout))
    assert ("borda", TOP_T, 1) in layout.system.unaudited
    assert layout.question_of[("first", TOP_T, 2)] == "top"


def test_the_weighting_sections_totals_are_one_unit() -> None:
    definition = survey(SEX, HINDER)
    other = ExcludedGroup("sex", 3, "optie 3", "not_in_margins", 3)
    layout = layout_of(definition, SEXES, weighting=sex_weighting([(1, 52), (2, 35)], [other]))
    unit = layout.unit_of[("sample", "complete")]
    assert layout.unit_of[("sample", "excluded")] == unit
    assert set(layout.units[unit]) >= {
        ("sample", "complete"),
        ("sample", "excluded"),
        ("complete", "sex", 1),
        ("complete", "sex", 2),
    }
    assert ("complete", "sex", 1) not in set(hideable(layout))
    assert ("excluded", "sex", 3) in set(hideable(layout))
    assert {("sample", "complete"), ("complete", "sex", 1)} <= layout.system.unaudited
    assert ("excluded", "sex", 3) not in layout.system.unaudited


@pytest.mark.parametrize("threshold", [None, 10])
def test_every_relation_of_a_whole_survey_holds_for_its_answers(threshold: int | None) -> None:
    definition = survey(DISTRICT, HINDER, VERVOER_DK, TOP, FOLLOW, MATRIX)
    answers = []
    for i, person in enumerate(followed()):
        found = dict(person)
        found["vervoer"] = TRAVEL[i % len(TRAVEL)]["vervoer"]
        found["top"] = RANKED[i % len(RANKED)]["top"]
        found["problemen"] = {"lawaai": 1 + i % 3, "drugs": 1 + i % 2}
        answers.append(found)
    layout = layout_of(definition, answers, threshold=threshold)
    assert false_relations(layout) == []


def test_multiple_choice_dont_know_is_at_most_those_shown_the_question() -> None:
    """Ten residents were never shown the travel question (44 responses):
    "weet niet" (2), hidden, is at most the 18 valid and 2 missing answers,
    not the 44 responses."""
    definition = survey(VERVOER_DK)
    answers = [*({"vervoer": p["vervoer"]} for p in TRAVEL), *({} for _ in range(10))]
    layout = layout_of(definition, answers)
    assert false_relations(layout) == []
    dont_know = count("vervoer", 9)
    assert reader_range(layout, dont_know, {dont_know}) == (0, 20)


def test_a_rankings_chosen_count_is_at_most_those_shown_the_question() -> None:
    """RANKED and ten residents never shown the ranking (44 responses).
    Options 1 and 2 hidden (chosen, first, Borda): their first places share
    30 - 3 = 27, their second places what option 3's 12 leave of the 30
    rankings (18): at most 45, but each option at most the 34 shown."""
    answers = [*({"top": p["top"]} for p in RANKED), *({} for _ in range(10))]
    layout = layout_of(survey(TOP), answers)
    assert false_relations(layout) == []
    hidden = {(kind, TOP_T, c) for kind in ("count", "first", "borda") for c in (1, 2)}
    assert reader_range(layout, ("count", TOP_T, 1), hidden) == (0, 34)


def test_a_small_ranking_option_is_hidden_with_its_first_places_and_borda_points() -> None:
    """Option 3 chosen by 3 (never first, never beside "weet niet"): after
    suppression at 10 its chosen count, first places and Borda points are
    hidden; option 1's first places (8) alone; option 1's chosen count
    stays published."""
    answers = people((8, {"top": [1, 2]}), (14, {"top": [2, 1]}), (3, {"top": [2, 3]}))
    layout = layout_of(survey(TOP), answers, threshold=10)
    assert false_relations(layout) == []
    hidden = layout.system.hidden
    assert {("count", TOP_T, 3), ("first", TOP_T, 3), ("borda", TOP_T, 3)} <= hidden
    assert ("first", TOP_T, 1) in hidden
    assert ("count", TOP_T, 1) not in hidden
    assert ("borda", TOP_T, 1) not in hidden
    assert ("count", TOP_T, 2) not in hidden
    # Never ranked first: its rank-1 count is 0, not missing from the sums.
    assert layout.system.values[("rank", TOP_T, 3, 1)] == 0


def test_the_figures_of_a_crosstab_belong_to_its_question() -> None:
    """When the audit falls back on hiding a whole question, the cross-tab's
    cells and bases go with it; the ranking's valid answers are only such a
    last resort."""
    layout = layout_of(survey(DISTRICT, HINDER), NOISE)
    assert layout.question_of[cell(HINDER_X, 3, 2)] == "hinder"
    assert layout.question_of[col(HINDER_X, 2)] == "hinder"
    assert cell(HINDER_X, 3, 2) in layout.question_units["hinder"]
    ranking = ranking_layout()
    assert ("valid", TOP_T) not in set(hideable(ranking))
    assert ("valid", TOP_T) in ranking.question_units["top"]


def test_a_follow_up_of_a_matrix_row_counts_that_rows_answers() -> None:
    """Shown when drugs nuisance is 3 ("vaak"): 3 residents. With drugs 2
    and 3 hidden in their row, the follow-up gives 3 back."""
    follow = {**FOLLOW, "show_if": {"question": "problemen.drugs", "equals": 3}}
    definition = survey(MATRIX, follow)
    answers = people(
        (12, {"problemen": {"lawaai": 1, "drugs": 1}}),
        (7, {"problemen": {"lawaai": 2, "drugs": 2}}),
        (3, {"problemen": {"lawaai": 3, "drugs": 3}, "melding": 1}),
    )
    layout = layout_of(definition, answers)
    assert false_relations(layout) == []
    drugs = {count("problemen", 2, "drugs"), count("problemen", 3, "drugs")}
    assert reader_range(layout, count("problemen", 3, "drugs"), drugs) == (3, 3)
    # Row "lawaai" knows nothing of it.
    noise = {count("problemen", 2, "lawaai"), count("problemen", 3, "lawaai")}
    assert reader_range(layout, count("problemen", 3, "lawaai"), noise) == (0, 10)


def test_a_matrix_follow_up_was_shown_as_its_first_row_says() -> None:
    """A matrix (of one row) shown when noise is 3 (4 residents): its first
    row's valid and missing answers are who saw it, so noise 3 is given back."""
    follow = {
        **MATRIX,
        "key": "details",
        "rows": MATRIX["rows"][:1],
        "show_if": {"question": "hinder", "equals": 3},
    }
    definition = survey(HINDER, follow)
    answers = []
    for person in NOISE:
        found: Person = {"hinder": person["hinder"]}
        if person["hinder"] == 3:
            found["details"] = {"lawaai": 1}
        answers.append(found)
    layout = layout_of(definition, answers)
    assert false_relations(layout) == []
    hidden = {count("hinder", 2), count("hinder", 3)}
    assert reader_range(layout, count("hinder", 3), hidden) == (4, 4)


def test_a_matrix_rows_crosstab_adds_up_like_a_single_questions() -> None:
    """Row "drugs" by district: with district 2's cells and both bases
    hidden, the row totals give the cells back and the cells the base."""
    matrix = {**MATRIX}
    definition = survey(DISTRICT, matrix)
    answers = people(
        (12, {"wijk": 1, "problemen": {"lawaai": 1, "drugs": 1}}),
        (7, {"wijk": 2, "problemen": {"lawaai": 2, "drugs": 2}}),
        (3, {"wijk": 2, "problemen": {"lawaai": 3, "drugs": 3}}),
    )
    layout = layout_of(definition, answers)
    assert false_relations(layout) == []
    drugs = ("problemen", "drugs", "district")
    hidden = {col(drugs, 1), col(drugs, 2), *(cell(drugs, o, 2) for o in (1, 2, 3))}
    assert reader_range(layout, col(drugs, 2), hidden) == (10, 10)


OPMERKING = {"key": "opmerking", "type": "text", "text": {"nl": "Nog iets?"}}


def test_a_report_without_suppression_hides_nothing() -> None:
    themes = TextThemes(30, 2, (Theme("drugs", "Drugs", 28, ()),))
    definition = survey(DISTRICT, HINDER, AGE_BANDS, OPMERKING, TOP)
    answers = [
        {**p, "leeftijd": 20 + i, "opmerking": "x", "top": [1, 2]} for i, p in enumerate(NOISE)
    ]
    layout = layout_of(definition, answers, themes=themes)
    assert layout.system.hidden == set()
    assert false_relations(layout) == []
    # The valid answers of a number or a text only as the question's last resort.
    may_hide = set(hideable(layout))
    assert ("valid", table_id("leeftijd")) not in may_hide
    assert ("valid", table_id("opmerking")) not in may_hide
    assert ("missing", table_id("opmerking")) in may_hide


def test_a_text_follow_up_was_shown_as_its_answers_say() -> None:
    """An open question shown when noise is 3: its 3 answers and 1 left
    empty give noise 3 (4) back."""
    follow = {**OPMERKING, "show_if": {"question": "hinder", "equals": 3}}
    definition = survey(HINDER, follow)
    answers = []
    for i, person in enumerate(NOISE):
        found: Person = {"hinder": person["hinder"]}
        if person["hinder"] == 3:
            found["opmerking"] = None if i == 35 else "te veel lawaai"
        answers.append(found)
    layout = layout_of(definition, answers)
    assert false_relations(layout) == []
    assert layout.system.values[("missing", table_id("opmerking"))] == 1
    hidden = {count("hinder", 2), count("hinder", 3)}
    assert reader_range(layout, count("hinder", 3), hidden) == (4, 4)


def test_a_follow_up_the_relations_cannot_use_does_not_stop_the_next_ones() -> None:
    """Before FOLLOW: one shown on an ``any`` condition and one on a
    condition the tables cannot count (not answered): FOLLOW still gives
    noise 2 back."""
    first = {
        **FOLLOW,
        "key": "eerst",
        "show_if": {"any": [{"question": "hinder", "equals": 3}]},
    }
    second = {**FOLLOW, "key": "tweede", "show_if": {"question": "hinder", "answered": False}}
    definition = survey(HINDER, first, second, FOLLOW)
    answers = []
    for person in followed():
        found = {k: v for k, v in person.items() if k != "wijk"}
        if person["hinder"] == 3:
            found["eerst"] = 1
        if person["hinder"] is None:
            found["tweede"] = 1
        answers.append(found)
    layout = layout_of(definition, answers)
    assert false_relations(layout) == []
    hidden = {count("hinder", 1), count("hinder", 2)}
    assert reader_range(layout, count("hinder", 2), hidden) == (15, 15)


def test_an_any_condition_with_a_part_the_tables_cannot_count_gives_no_total() -> None:
    """Shown when noise is 2 or an open question was answered (a text: no
    count of respondents the relations can use): everyone who answered it
    also has noise 2 here, so the shown are exactly noise 2 (15); but the
    reader cannot know that, and learns only noise 2 <= 15."""
    follow = {
        **FOLLOW,
        "show_if": {
            "any": [
                {"question": "hinder", "equals": 2},
                {"question": "opmerking", "answered": True},
            ]
        },
    }
    definition = survey(HINDER, OPMERKING, follow)
    answers = []
    for person in NOISE:
        found: Person = {"hinder": person["hinder"], "opmerking": None}
        if person["hinder"] == 2:
            found["opmerking"] = "lawaai"
            found["melding"] = 1
        answers.append(found)
    layout = layout_of(definition, answers)
    assert false_relations(layout) == []
    hidden = {count("hinder", 1), count("hinder", 2)}
    assert reader_range(layout, count("hinder", 2), hidden) == (0, 15)


def test_a_follow_up_of_a_matrix_row_bounds_that_rows_cells_per_district() -> None:
    """Shown when drugs nuisance is 3: 3 residents of district 2. With the
    drugs row's cells and bases hidden, the follow-up's 3 valid answers in
    district 2 say drugs 3 there is at least 3 (all of them)."""
    follow = {**FOLLOW, "show_if": {"question": "problemen.drugs", "equals": 3}}
    definition = survey(DISTRICT, MATRIX, follow)
    answers = people(
        (12, {"wijk": 1, "problemen": {"lawaai": 1, "drugs": 1}}),
        (7, {"wijk": 2, "problemen": {"lawaai": 2, "drugs": 2}}),
        (3, {"wijk": 2, "problemen": {"lawaai": 3, "drugs": 3}, "melding": 1}),
    )
    layout = layout_of(definition, answers)
    assert false_relations(layout) == []
    drugs = ("problemen", "drugs", "district")
    every = {k for k in layout.system.values if k[0] in ("cell", "col") and k[1] == drugs}
    assert reader_range(layout, cell(drugs, 3, 2), every) == (3, 3)


def test_the_excluded_responses_bound_the_codes_that_did_not_complete() -> None:
    """Four residents said "weet niet" to sex and were left out of the
    weighting (no answer: 7 excluded with the 3 of sex "other"). With the sex table's
    "weet niet" and missing answers hidden, the excluded responses still
    say it is at most 7 - 3 (every table count less its complete responses
    is among the excluded)."""
    definition = survey(SEX, HINDER)
    answers = [*SEXES, *people((4, {"geslacht": 9, "hinder": 1}))]
    other = ExcludedGroup("sex", 3, "optie 3", "not_in_margins", 3)
    blank = ExcludedGroup("sex", None, None, "no_answer", 4)
    weighting = sex_weighting([(1, 52), (2, 35)], [other, blank])
    layout = layout_of(definition, answers, weighting=weighting)
    assert false_relations(layout) == []
    dont_know = count("geslacht", 9)
    assert reader_range(layout, dont_know, {dont_know, ("missing", table_id("geslacht"))}) == (0, 4)


def test_a_follow_up_on_one_code_bounds_that_codes_cell_per_district() -> None:
    """Shown when noise is 3 (4 residents, all in district 2): the 4 valid
    answers in district 2 say noise 3 there is at least 4, so all of it."""
    follow = {**FOLLOW, "show_if": {"question": "hinder", "equals": 3}}
    definition = survey(DISTRICT, HINDER, follow)
    answers = [{**p, "melding": 1} if p["hinder"] == 3 else p for p in NOISE]
    layout = layout_of(definition, answers)
    assert false_relations(layout) == []
    every = {k for k in layout.system.values if k[0] in ("cell", "col") and k[1] == HINDER_X}
    assert reader_range(layout, cell(HINDER_X, 3, 2), every) == (4, 4)


SCALE = {"key": "veilig", "type": "scale", "text": {"nl": "Hoe veilig?"}, "scale": "freq"}


def test_a_follow_up_of_a_scale_counts_its_answers() -> None:
    follow = {**FOLLOW, "show_if": {"question": "veilig", "equals": 3}}
    definition = survey(SCALE, follow)
    answers = people((20, {"veilig": 1}), (12, {"veilig": 2}), (4, {"veilig": 3, "melding": 1}))
    layout = layout_of(definition, answers)
    assert false_relations(layout) == []
    hidden = {count("veilig", 2), count("veilig", 3)}
    assert reader_range(layout, count("veilig", 3), hidden) == (4, 4)


def test_a_number_follow_up_was_shown_as_its_answers_say() -> None:
    follow = {**AGE_BANDS, "show_if": {"question": "hinder", "equals": 3}}
    definition = survey(HINDER, follow)
    answers = [
        {"hinder": p["hinder"], "leeftijd": None if i == 35 else 40}
        if p["hinder"] == 3
        else {"hinder": p["hinder"]}
        for i, p in enumerate(NOISE)
    ]
    layout = layout_of(definition, answers)
    assert false_relations(layout) == []
    assert layout.system.values[("missing", table_id("leeftijd"))] == 1
    hidden = {count("hinder", 2), count("hinder", 3)}
    assert reader_range(layout, count("hinder", 3), hidden) == (4, 4)


def test_the_comments_and_the_weighting_section_are_each_one_question() -> None:
    """The audit's last resort hides a whole question: every theme with the
    untagged comments; every figure of the weighting section together."""
    themes = TextThemes(
        30, 2, (Theme("drugs", "Drugs", 26, ()), Theme("inbraak", "Inbraak", 4, ()))
    )
    definition = survey(SEX, HINDER)
    blank = ExcludedGroup("sex", None, None, "no_answer", 4)
    answers = [*SEXES, *people((4, {"hinder": 1}))]
    weighting = sex_weighting([(1, 52), (2, 35)], [blank], unanswered=2)
    layout = layout_of(definition, answers, themes=themes, weighting=weighting)
    text = {("untagged",), ("theme", "drugs"), ("theme", "inbraak")}
    assert {k for k, q in layout.question_of.items() if q == "#text"} == text
    section = {k for k, q in layout.question_of.items() if q == "#weighting"}
    assert section == {
        ("sample", "complete"),
        ("sample", "excluded"),
        ("complete", "sex", 1),
        ("complete", "sex", 2),
        ("unanswered", "sex"),
        ("excluded", "sex", None),
    }


def test_a_weighting_dimension_without_a_table_does_not_stop_the_next_ones() -> None:
    """Weighted on age (no table in the report) and then sex: the sex
    shares are still at most the sex table's counts."""
    definition = survey(SEX, HINDER)
    weighting = sex_weighting([(1, 52), (2, 35)], [])
    ages = (
        MarginRow("age", 1, "jong", 5000.0, 50.0, 50.0, 50.0, 40),
        MarginRow("age", 2, "oud", 5000.0, 50.0, 50.0, 50.0, 47),
    )
    weighting = replace(
        weighting,
        dimensions=("age", "sex"),
        margins=(*ages, *weighting.margins),
        excluded_responses=3,
    )
    layout = layout_of(definition, SEXES, weighting=weighting)
    assert false_relations(layout) == []
    shares = {("complete", "sex", 1), ("complete", "sex", 2), ("sample", "complete")}
    shares |= {("sample", "excluded")}
    assert reader_range(layout, ("complete", "sex", 2), shares)[1] == 35


def test_a_ranking_of_one_choice_by_district_adds_up_like_a_single_question() -> None:
    """One choice each: district 1's cells (15 + 3) are its base exactly;
    with two choices they would say only 15 .. 18 (at least the largest
    cell, at most what district 2's 12 leave of the 30). Five residents of
    each district were not shown the ranking."""
    one = {**TOP, "choose": 1}
    definition = survey(DISTRICT, one)
    answers = people(
        (15, {"wijk": 1, "top": [1]}),
        (3, {"wijk": 1, "top": [3]}),
        (12, {"wijk": 2, "top": [2]}),
        (5, {"wijk": 1}),
        (5, {"wijk": 2}),
    )
    layout = layout_of(definition, answers)
    assert false_relations(layout) == []
    top = ("top", None, "district")
    bases = {col(top, 1), col(top, 2)}
    assert reader_range(layout, col(top, 1), bases) == (18, 18)


def test_a_follow_up_on_a_multiple_choice_option_counts_that_options_respondents() -> None:
    """Shown to those who travel by "3" (7 of 18): a multiple choice's
    option counts respondents, so the follow-up's 7 give a hidden option
    count back, and per district its cells (0 and 7)."""
    follow = {**FOLLOW, "show_if": {"question": "vervoer", "equals": 3}}
    definition = survey(DISTRICT, VERVOER_DK, follow)
    answers = [{**p, "melding": 1} if 3 in p["vervoer"] else p for p in TRAVEL]
    layout = layout_of(definition, answers)
    assert false_relations(layout) == []
    bus = count("vervoer", 3)
    assert reader_range(layout, bus, {bus}) == (7, 7)
    travel = ("vervoer", None, "district")
    every = {k for k in layout.system.values if k[0] in ("cell", "col") and k[1] == travel}
    assert reader_range(layout, cell(travel, 3, 2), every | {bus}) == (7, 7)


def test_a_follow_up_on_a_ranked_option_counts_who_ranked_it() -> None:
    """Shown to those whose ranking includes "3" (15): its chosen count."""
    follow = {**FOLLOW, "show_if": {"question": "top", "equals": 3}}
    definition = survey(TOP, follow)
    answers = [
        {"top": p["top"], "melding": 1} if 3 in p["top"] else {"top": p["top"]} for p in RANKED
    ]
    layout = layout_of(definition, answers)
    assert false_relations(layout) == []
    unit = {("count", TOP_T, 3), ("first", TOP_T, 3), ("borda", TOP_T, 3)}
    assert reader_range(layout, ("count", TOP_T, 3), unit) == (15, 15)


def test_a_follow_up_on_any_of_several_options_bounds_their_sum() -> None:
    """Shown to those who travel by "2" or "3" (13): at least 13 chose one
    of them (9 + 7 = 16 choices: 3 respondents chose both), so option 3,
    hidden, is at least 13 - 9 = 4."""
    follow = {**FOLLOW, "show_if": {"question": "vervoer", "in": [2, 3]}}
    definition = survey(VERVOER_DK, follow)
    answers = [
        {"vervoer": p["vervoer"], "melding": 1}
        if {2, 3} & set(p["vervoer"])
        else {"vervoer": p["vervoer"]}
        for p in TRAVEL
    ]
    layout = layout_of(definition, answers)
    assert false_relations(layout) == []
    bus = count("vervoer", 3)
    assert reader_range(layout, bus, {bus})[0] == 13 - 9


def test_a_follow_up_on_an_answered_multiple_choice_counts_its_respondents() -> None:
    """Shown to those who answered the travel question (18 valid, 2 "weet
    niet" only): with "weet niet" and the missing answers hidden, the
    follow-up's 20 give "weet niet" back."""
    follow = {**FOLLOW, "show_if": {"question": "vervoer", "answered": True}}
    definition = survey(VERVOER_DK, follow)
    answers = [{"vervoer": p["vervoer"], "melding": 1} for p in TRAVEL]
    layout = layout_of(definition, [*answers, *({} for _ in range(5))])
    assert false_relations(layout) == []
    dont_know = count("vervoer", 9)
    hidden = {dont_know, ("missing", table_id("vervoer"))}
    assert reader_range(layout, dont_know, hidden) == (2, 2)


def test_a_follow_ups_empty_unknown_column_is_no_column_of_its_own() -> None:
    """One resident without a district has noise 2 and left the follow-up
    empty: the noise cross-tab has an unknown column, the follow-up's is
    empty (no column): its relations are still those of the true counts."""
    definition = survey(DISTRICT, HINDER, FOLLOW)
    layout = layout_of(definition, followed((1, {"hinder": 2, "melding": None})))
    assert layout.system.values[col(HINDER_X, UNKNOWN_COLUMN)] == 1
    assert col(("melding", None, "district"), UNKNOWN_COLUMN) not in layout.system.values
    assert false_relations(layout) == []
