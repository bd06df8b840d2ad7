"""The report's figures derived from the answer cube (survey.analysis.cube)."""

from __future__ import annotations

import pytest

from survey.analysis import cube
from survey.analysis.cube import AnswerCube, InconsistentCube

# Dimension variables 10 (district) and 11 (sex); variable 20 is a single
# question, 30 a multiple-choice question.
CELLS = {
    1: ("web", (1, 2)),
    2: ("paper", (1, 2)),
    3: ("web", (None, 1)),
    4: ("web", (None, None)),
}
COUNTS = [
    (10, 1, 1, 5),
    (11, 1, 2, 5),
    (10, 2, 1, 2),
    (11, 2, 2, 2),
    (10, 3, None, 1),  # shown, left empty
    (11, 3, 1, 3),
    (20, 1, 1, 4),
    (20, 1, None, 1),
    (20, 3, 1, 3),
    (20, 4, 2, 2),
    (30, 1, 1, 4),
    (30, 1, 2, 3),
    (30, 3, None, 2),
]
RESPONDENTS = [(30, 1, 5, 5), (30, 3, 2, 0)]
ANSWERS = AnswerCube(CELLS, COUNTS, RESPONDENTS)


def test_code_counts_add_up_the_cells() -> None:
    counts = cube.code_counts(ANSWERS)
    assert counts[20] == {None: 1, 1: 7, 2: 2}
    assert list(counts[20]) == [None, 1, 2]
    assert counts[30] == {None: 2, 1: 4, 2: 3}


def test_respondents_add_up_the_cells() -> None:
    valid, shown = cube.respondents(ANSWERS)
    assert valid == {30: 5}
    assert shown == {30: 7}


def test_code_rows_add_up_by_any_column_of_the_cells() -> None:
    rows = cube.CodeRows(COUNTS, {10, 20})
    by_mode = {cell_id: mode for cell_id, (mode, _codes) in CELLS.items()}
    assert sorted(rows.tally(by_mode), key=repr) == sorted(
        [
            (10, 1, "web", 5),
            (10, 1, "paper", 2),
            (10, None, "web", 1),
            (20, 1, "web", 7),
            (20, None, "web", 1),
            (20, 2, "web", 2),
        ],
        key=repr,
    )
    # By district, variable 10 (the district itself) left out.
    district = {cell_id: codes[0] for cell_id, (_mode, codes) in CELLS.items()}
    assert sorted(rows.tally(district, skip=10), key=repr) == sorted(
        [(20, 1, 1, 4), (20, None, 1, 1), (20, 1, None, 3), (20, 2, None, 2)], key=repr
    )
    assert cube.CodeRows([], {10}).tally(district) == []


def test_regrouped_rows_keep_the_order_of_the_sorted_cells() -> None:
    # Cells sorted by (mode, codes), None first: 2 (paper, no rows here),
    # then 4, 3, 1 (web); regrouped by sex, each key where it first occurs
    # in the rows sorted by (cell, variable, code).
    rows = cube.CodeRows(COUNTS, {20, 30})
    sex = {cell_id: (codes[1],) for cell_id, (_mode, codes) in CELLS.items()}
    assert rows.regrouped(cube.cell_ranks(CELLS), sex) == [
        ((None,), 20, 2, 2),
        ((1,), 20, 1, 3),
        ((1,), 30, None, 2),
        ((2,), 20, None, 1),
        ((2,), 20, 1, 4),
        ((2,), 30, 1, 4),
        ((2,), 30, 2, 3),
    ]
    assert cube.cell_valid_rows(ANSWERS) == [(1, 30, 5)]


def test_responses_per_cell_fill_the_unknown_cell_with_the_rest() -> None:
    # 5 + 2 responses in district 1 (web and paper), 3 with only a sex; the
    # other 20 - 10 = 10 responses have no code on either dimension (cell 4,
    # or no answer row at all).
    cells = cube.responses_per_cell(ANSWERS, [10, 11], 20, [0, 1])
    assert cells == {(None, None): 10, (None, 1): 3, (1, 2): 7}
    assert list(cells or {}) == [(None, None), (None, 1), (1, 2)]
    # Projected on the sex only.
    assert cube.responses_per_cell(ANSWERS, [10, 11], 20, [1]) == {(None,): 10, (1,): 3, (2,): 7}


def test_responses_per_cell_refuses_a_cube_with_more_responses_than_the_survey() -> None:
    with pytest.raises(InconsistentCube, match="10 responses"):
        cube.responses_per_cell(ANSWERS, [10, 11], 9, [0, 1])
