"""Primary and complementary suppression, audited by an independent linear-algebra attack."""

from __future__ import annotations

import itertools
import random
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from survey.analysis.suppression import (
    base_flag,
    is_primary,
    primary_suppression,
    protect_rows,
    suppress_crosstab,
    suppress_table,
)
from survey.analysis.tables import UNKNOWN_COLUMN

# --- base flag and primary rule -------------------------------------------------


@pytest.mark.parametrize(
    ("n", "flag"),
    [
        (0, "hidden"),
        (29, "hidden"),
        (30, "unreliable"),
        (99, "unreliable"),
        (100, "ok"),
        (5000, "ok"),
    ],
)
def test_base_flag_defaults(n: int, flag: str) -> None:
    assert base_flag(n) == flag


def test_base_flag_parameters() -> None:
    assert base_flag(45, hide_below=50, flag_below=200) == "hidden"
    assert base_flag(150, hide_below=50, flag_below=200) == "unreliable"


def test_primary_rule_zero_is_not_suppressed() -> None:
    assert [is_primary(c) for c in (0, 1, 9, 10, 11)] == [False, True, True, False, False]
    assert is_primary(4, threshold=5) and not is_primary(5, threshold=5)
    assert primary_suppression({1: 0, 2: 1, 3: 9, 4: 10}) == {2, 3}


# --- one table (contract: "never exactly one suppressed cell") ------------------


def test_single_primary_gets_next_smallest_complement() -> None:
    assert suppress_table({1: 100, 2: 5, 3: 40}) == {2, 3}


def test_complement_ties_take_lowest_code() -> None:
    assert suppress_table({1: 50, 2: 3, 4: 20, 3: 20}) == {2, 3}
    assert suppress_table({10: 20, 2: 20, 1: 7}) == {1, 2}


def test_zero_complement_literal_and_optional_nonzero() -> None:
    counts = {1: 50, 2: 3, 3: 0}
    # The literal complement is the zero; 3 + 0 is below the threshold, so
    # the next non-zero cell is hidden too.
    assert suppress_table(counts) == {1, 2, 3}
    assert suppress_table(counts, nonzero_complement=True) == {1, 2}
    # Only zeros left: fall back to a zero rather than leave one cell open.
    assert suppress_table({1: 4, 2: 0}, nonzero_complement=True) == {1, 2}


def test_two_small_cells_short_of_the_threshold_hide_a_real_count_not_a_zero() -> None:
    """3 + 4 hidden is below 10: a zero would add nothing to the hidden total, so the
    complement is the smallest non-zero cell and the zero stays published."""
    assert suppress_table({1: 3, 2: 4, 3: 0, 4: 50, 5: 60}) == {1, 2, 4}


def test_no_complement_when_zero_or_two_suppressed() -> None:
    assert suppress_table({1: 4, 2: 6, 3: 90}) == {1, 2}
    assert suppress_table({1: 0, 2: 50}) == set()
    assert suppress_table({1: 3, 2: 3, 3: 3}) == {1, 2, 3}


def test_threshold_and_seeded_cells() -> None:
    assert suppress_table({1: 6, 2: 40, 3: 30}, threshold=5) == set()
    assert suppress_table({1: 4, 2: 40, 3: 30}, threshold=5) == {1, 3}
    assert suppress_table({1: 40, 2: 30, 3: 50}, already=[3]) == {2, 3}


def test_a_key_hidden_elsewhere_that_this_table_lacks_protects_none_of_its_cells() -> None:
    """A seeded key this table has no count for adds nothing to the hidden total: the
    table's own cell of 9 still gets a complement, else the published total minus the
    shown cells gives it back."""
    hidden = suppress_table({1: 9, 2: 50, 3: 40}, already=[4])
    assert hidden == {1, 3, 4}
    own = hidden & {1, 2, 3}
    assert len(own) >= 2 and sum({1: 9, 2: 50, 3: 40}[k] for k in own) >= 10


def test_one_cell_table_cannot_be_protected_by_cells() -> None:
    assert suppress_table({1: 4}) == {1}


def hidden_ranges(counts: dict[Any, int], hidden: set[Any]) -> dict[Any, tuple[int, int]]:
    """An independent audit of one table whose total is published: every hidden cell's
    smallest and largest value over all non-negative tables that publish the same
    figures (the published cells and the total), by linear programming."""
    keys = sorted(hidden)
    rest = sum(counts[k] for k in keys)  # the total minus the published cells
    ranges = {}
    for i, key in enumerate(keys):
        extremes = []
        for sign in (1, -1):
            objective = np.zeros(len(keys))
            objective[i] = sign
            solved = linprog(objective, A_eq=np.ones((1, len(keys))), b_eq=[rest], bounds=(0, None))
            assert solved.status == 0
            extremes.append(round(solved.x[i]))
        ranges[key] = (extremes[0], extremes[1])
    return ranges


def test_the_table_audit_finds_a_lone_hidden_cell() -> None:
    assert hidden_ranges({1: 50, 2: 4, 3: 30}, {2}) == {2: (4, 4)}
    assert hidden_ranges({1: 50, 2: 4, 3: 30}, {2, 3}) == {2: (0, 34), 3: (0, 34)}


@settings(max_examples=120, deadline=None)
@given(
    st.lists(st.sampled_from([0, 0, 1, 3, 9, 10, 15, 40]), min_size=2, max_size=7),
    st.integers(min_value=2, max_value=12),
)
def test_random_tables_keep_every_hidden_cell_a_threshold_wide(
    values: list[int], threshold: int
) -> None:
    """Whatever the counts and the threshold: every cell of 1 .. threshold-1 is hidden,
    and the published figures leave each hidden cell a range at least the threshold
    wide (unless the whole table is hidden: then only its total is known), found by
    enumerating the tables a reader could reconstruct."""
    counts = dict(enumerate(values, start=1))
    hidden = suppress_table(counts, threshold)
    assert {k for k, v in counts.items() if 0 < v < threshold} <= hidden
    for low, high in hidden_ranges(counts, hidden).values():
        assert high - low >= threshold or hidden == set(counts)
    # Only as many complements as the rule needs: without the largest one, a single
    # hidden cell would be left or the hidden total would fall short.
    extra = hidden - primary_suppression(counts, threshold)
    if extra:
        largest = max(extra, key=lambda c: (counts[c], c))
        rest = hidden - {largest}
        assert len(rest) == 1 or sum(counts[c] for c in rest) < threshold


def test_the_complement_is_the_smallest_cell_then_the_lowest_code() -> None:
    rng = random.Random(5)
    for _ in range(300):
        counts = {code: rng.choice([1, 3, 9, 10, 15, 40]) for code in range(1, rng.randint(3, 8))}
        primary = primary_suppression(counts)
        if len(primary) != 1 or sum(counts[c] for c in primary) > 10:
            continue
        (only,) = primary
        others = sorted((counts[c], c) for c in counts if c != only)
        assert suppress_table(counts) == {only, others[0][1]}


# --- cross-tabs -----------------------------------------------------------------


def test_crosstab_hand_example_forms_a_rectangle() -> None:
    counts = {
        (1, "A"): 50, (1, "B"): 40, (1, "C"): 30,
        (2, "A"): 5, (2, "B"): 45, (2, "C"): 35,
        (3, "A"): 30, (3, "B"): 20, (3, "C"): 25,
    }  # fmt: skip
    mask = suppress_crosstab(counts)
    assert mask.cells == {(2, "A"), (2, "C"), (3, "A"), (3, "C")}
    assert mask.row_totals == frozenset() and mask.column_totals == frozenset()
    assert mask.unprotected == ()
    assert (2, "A") in mask.cells and (1, "A") not in mask.cells


def test_crosstab_small_column_total_is_protected() -> None:
    # District C has 6 respondents: its column total is suppressed, so another
    # column total must go too, and its cells are small anyway.
    counts = {
        (1, "A"): 60, (1, "B"): 50, (1, "C"): 4,
        (2, "A"): 40, (2, "B"): 30, (2, "C"): 2,
    }  # fmt: skip
    mask = suppress_crosstab(counts)
    assert "C" in mask.column_totals
    assert len(mask.column_totals) >= 2
    assert {(1, "C"), (2, "C")} <= mask.cells
    assert_not_recoverable(counts, mask, True, True)


def test_crosstab_seeded_row_total() -> None:
    counts = {(1, "A"): 30, (1, "B"): 40, (2, "A"): 25, (2, "B"): 20, (3, "A"): 50, (3, "B"): 60}
    mask = suppress_crosstab(counts, suppressed_row_totals=[2])
    assert 2 in mask.row_totals
    assert len(mask.row_totals) >= 2
    assert_not_recoverable(counts, mask, True, True)


def test_crosstab_seeded_column_total() -> None:
    """A column total hidden elsewhere (seeded) is hidden here too, with a second one
    so that the line of column totals does not give it back."""
    counts = {
        (r, c): n
        for (r, c), n in zip(
            [
                (1, "A"),
                (2, "A"),
                (3, "A"),
                (1, "B"),
                (2, "B"),
                (3, "B"),
                (1, "C"),
                (2, "C"),
                (3, "C"),
            ],
            [30, 25, 50, 40, 20, 60, 35, 45, 55],
            strict=True,
        )
    }
    mask = suppress_crosstab(counts, suppressed_column_totals=["B"])
    assert mask.column_totals == {"A", "B"}
    assert mask.cells == {(2, "A"), (2, "B")}
    assert_not_recoverable(counts, mask, True, True)
    # A seed for a column that does not exist is ignored.
    assert suppress_crosstab(counts, suppressed_column_totals=["Z"]).column_totals == frozenset()


def test_a_column_total_hidden_elsewhere_is_never_published_here() -> None:
    """District C's total is hidden in another table of the report: this cross-tab must
    not publish it, whatever else its own small cells make it hide, or the other
    table's hidden total is read off here."""
    counts = {(1, "A"): 0, (1, "B"): 5, (1, "C"): 40, (2, "A"): 40, (2, "B"): 60, (2, "C"): 40}
    mask = suppress_crosstab(counts, suppressed_column_totals=["C"])
    assert "C" in mask.column_totals
    assert_not_recoverable(counts, mask, True, True)


def test_a_crosstab_with_a_total_hidden_elsewhere_still_publishes_what_it_can() -> None:
    """Row 1's total is hidden in the question's own table, and row 1 holds a 3: the
    hidden cells, row totals and column totals already protect each other, so the 12
    in row 2, district B stays published."""
    counts = {(1, "A"): 3, (1, "B"): 12, (2, "A"): 0, (2, "B"): 12}
    mask = suppress_crosstab(counts, suppressed_row_totals=[1])
    assert (2, "B") not in mask.cells
    assert mask.cells == {(1, "A"), (1, "B"), (2, "A")}
    assert mask.unprotected == ()
    assert_not_recoverable(counts, mask, True, True)


def test_crosstab_absent_combinations_count_as_zero() -> None:
    """Nobody in district A answered 2: the absent cell is a zero, not a small count,
    and with ``nonzero_complement`` it is not hidden."""
    sparse = {(1, "A"): 5, (1, "B"): 50, (2, "B"): 40, (3, "A"): 30, (3, "B"): 20}
    dense = {**sparse, (2, "A"): 0}
    for options in ({}, {"nonzero_complement": True}, {"row_totals_published": False}):
        assert suppress_crosstab(sparse, **options) == suppress_crosstab(dense, **options)
    mask = suppress_crosstab(sparse, nonzero_complement=True)
    assert mask.cells == {(1, "A"), (1, "B"), (3, "A"), (3, "B")}


def test_crosstab_hides_a_cell_before_a_total_of_the_same_count() -> None:
    """Equal counts: the interior cell is the complement, so the totals (row totals 12,
    12 and 15, column totals 15 and 24) stay published."""
    counts = {(1, 1): 0, (1, 2): 12, (2, 1): 12, (2, 2): 0, (3, 1): 3, (3, 2): 12}
    mask = suppress_crosstab(counts)
    assert mask.cells == set(counts)
    assert mask.row_totals == frozenset() and mask.column_totals == frozenset()
    assert_not_recoverable(counts, mask, True, True)


def test_crosstab_bridge_between_two_rectangles_is_closed() -> None:
    # Hidden rectangles {r1,r2}x{c1,c2} and {r3,r4}x{c3,c4} joined by (r2, c3):
    # every line has two hidden entries, yet (r2, c3) is recoverable.
    counts = {(r, c): 50 for r in range(1, 5) for c in range(1, 5)}
    for key in [(1, 1), (1, 2), (2, 1), (2, 2), (3, 3), (3, 4), (4, 3), (4, 4)]:
        counts[key] = 5
    counts[(2, 3)] = 5
    counts[(2, 2)] = 11  # not primary; hidden only as complement below
    counts[(3, 3)] = 11
    mask = suppress_crosstab(counts)
    assert_not_recoverable(counts, mask, True, True)


@pytest.mark.parametrize(("row_1_district_4", "row_4_district_1"), [(20, 30), (30, 20)])
def test_the_bridge_is_closed_by_the_smallest_cell_joining_both_groups(
    row_1_district_4: int, row_4_district_1: int
) -> None:
    """As above, in a 5 x 5 table: of the published cells that join the two hidden
    groups (row 1 or 2 with district 3 or 4, row 3 or 4 with district 1 or 2), the
    smallest is hidden, whichever group its row belongs to. The 15s of row 5 and
    district 5 are smaller but join nothing, so they stay published, and the table is
    fully protected."""
    counts = {(r, c): 50 for r in range(1, 6) for c in range(1, 6)}
    group = [(1, 1), (1, 2), (2, 1), (2, 2), (3, 3), (3, 4), (4, 3), (4, 4)]
    for key in group:
        counts[key] = 5
    counts[(2, 3)] = 5
    counts[(2, 2)] = 11
    counts[(3, 3)] = 11
    counts[(1, 4)] = row_1_district_4
    counts[(4, 1)] = row_4_district_1
    counts[(1, 5)] = counts[(5, 1)] = 15
    mask = suppress_crosstab(counts)
    link = (1, 4) if row_1_district_4 < row_4_district_1 else (4, 1)
    assert mask.cells == {*group, (2, 3), link}
    assert mask.row_totals == frozenset() and mask.column_totals == frozenset()
    assert mask.unprotected == ()
    assert_not_recoverable(counts, mask, True, True)


def test_crosstab_without_row_totals() -> None:
    counts = {(1, "A"): 5, (1, "B"): 50, (2, "A"): 40, (2, "B"): 30}
    mask = suppress_crosstab(counts, row_totals_published=False)
    assert mask.cells == {(1, "A"), (2, "A")}
    assert_not_recoverable(counts, mask, False, True)


def test_crosstab_single_column_is_reported_unprotected() -> None:
    mask = suppress_crosstab({(1, "A"): 5}, row_totals_published=False)
    assert mask.cells == {(1, "A")}
    assert mask.unprotected


def test_a_district_total_that_cannot_be_protected_does_not_stop_the_protection_of_the_rest() -> (
    None
):
    """District a is the only column, so its total is the grand total (always
    published); the question's own table hid it anyway. That one total cannot be
    protected and is the only entry the mask gives up: the 12 hidden to cover it
    still gets the 25 as its complement, in its column and among the row totals,
    so each hidden count lies in a range at least 10 wide."""
    counts = {(1, "a"): 12, (2, "a"): 30, (3, "a"): 25, (4, "a"): 40}
    mask = suppress_crosstab(counts, 10, suppressed_column_totals=["a"])
    assert mask.unprotected == (("column_total", "a"),)
    assert mask.cells == {(1, "a"), (3, "a")}
    assert mask.row_totals == {1, 3}
    # Published: the rows 2 and 4 and the grand total 107, so 12 + 25 = 37 is known
    # and each of the two lies anywhere in 0 .. 37; only the total itself is solved.
    hidden = (set(mask.cells), set(mask.row_totals), set(mask.column_totals))
    assert recoverable_entries(counts, *hidden, True, True) == ["cola"]


def test_at_the_lowest_threshold_two_empty_rows_hidden_elsewhere_take_the_smallest_count() -> None:
    """At threshold 1 nothing is small, but the rows a and b (nobody, 0 and 0) were hidden
    in the question's own table. Their two totals add up to 0 among the row totals: the
    complement is the smallest count that adds to it, row c's 1, not row d's 2."""
    counts = {
        ("a", "x"): 0,
        ("a", "y"): 0,
        ("b", "x"): 0,
        ("b", "y"): 0,
        ("c", "x"): 1,
        ("c", "y"): 0,
        ("d", "x"): 1,
        ("d", "y"): 1,
    }
    mask = suppress_crosstab(counts, 1, suppressed_row_totals=["a", "b"])
    assert mask.row_totals == {"a", "b", "c"}
    assert mask.unprotected == ()


def test_crosstab_cells_hidden_up_to_exactly_the_threshold_need_no_more() -> None:
    """4 + 6 hidden in district A is exactly the threshold of 10: each is known only to
    lie in 0 .. 10, wide enough, so the 50 stays published."""
    counts = {(1, "A"): 4, (2, "A"): 6, (3, "A"): 50, (1, "B"): 40, (2, "B"): 45, (3, "B"): 50}
    mask = suppress_crosstab(counts, row_totals_published=False)
    assert mask.cells == {(1, "A"), (2, "A")}
    assert_not_recoverable(counts, mask, False, True)


def test_crosstab_line_short_of_the_threshold_hides_a_real_count_not_a_zero() -> None:
    """3 + 4 hidden in district A is below 10: hiding the zero of row 3 would add
    nothing, so the 50 of row 4 is hidden and the zero stays published."""
    counts = {
        (1, "A"): 3, (2, "A"): 4, (3, "A"): 0, (4, "A"): 50,
        (1, "B"): 40, (2, "B"): 45, (3, "B"): 30, (4, "B"): 60,
    }  # fmt: skip
    mask = suppress_crosstab(counts, row_totals_published=False)
    assert mask.cells == {(1, "A"), (2, "A"), (4, "A")}
    assert_not_recoverable(counts, mask, False, True)


def test_crosstab_zero_complement_option() -> None:
    counts = {(1, "A"): 5, (2, "A"): 0, (3, "A"): 40, (1, "B"): 60, (2, "B"): 0, (3, "B"): 50}
    literal = suppress_crosstab(counts, row_totals_published=False)
    # 5 + 0 is below the threshold: the column needs a non-zero cell more.
    assert literal.cells == {(1, "A"), (2, "A"), (3, "A")}
    nonzero = suppress_crosstab(counts, row_totals_published=False, nonzero_complement=True)
    assert nonzero.cells == {(1, "A"), (3, "A")}


def test_crosstab_is_deterministic() -> None:
    rng = random.Random(11)
    counts = {(r, c): rng.choice([0, 2, 8, 12, 30, 80]) for r in range(1, 5) for c in range(1, 6)}
    first = suppress_crosstab(counts)
    for _ in range(3):
        shuffled = dict(rng.sample(list(counts.items()), len(counts)))
        assert suppress_crosstab(shuffled) == first


# --- independent audit: can a hidden entry be solved from the published figures? --


def recoverable_entries(
    counts: dict[tuple[Any, Any], int],
    hidden_cells: set[tuple[Any, Any]],
    hidden_row_totals: set[Any],
    hidden_column_totals: set[Any],
    rows_published: bool,
    columns_published: bool,
) -> list[str]:
    """Solve the published linear system; return hidden entries it determines exactly."""
    rows = sorted({k[0] for k in counts})
    cols = sorted({k[1] for k in counts})
    names = [f"cell{r},{c}" for r in rows for c in cols]
    names += [f"row{r}" for r in rows] + [f"col{c}" for c in cols]
    index = {name: i for i, name in enumerate(names)}
    equations: list[np.ndarray] = []
    for r in rows:
        eq = np.zeros(len(names))
        for c in cols:
            eq[index[f"cell{r},{c}"]] = 1
        eq[index[f"row{r}"]] = -1
        equations.append(eq)
    for c in cols:
        eq = np.zeros(len(names))
        for r in rows:
            eq[index[f"cell{r},{c}"]] = 1
        eq[index[f"col{c}"]] = -1
        equations.append(eq)
    grand = np.zeros(len(names))  # the grand total (valid) is always published
    for r in rows:
        grand[index[f"row{r}"]] = 1
    equations.append(grand)
    unknown = {f"cell{r},{c}" for r, c in hidden_cells}
    unknown |= {f"row{r}" for r in hidden_row_totals} | {f"col{c}" for c in hidden_column_totals}
    if not rows_published:
        unknown |= {f"row{r}" for r in rows}
    if not columns_published:
        unknown |= {f"col{c}" for c in cols}
    unknown_idx = [index[name] for name in names if name in unknown]
    matrix = np.array(equations)[:, unknown_idx]
    base_rank = np.linalg.matrix_rank(matrix)
    found = []
    reported = {f"cell{r},{c}" for r, c in hidden_cells}
    reported |= {f"row{r}" for r in hidden_row_totals} | {f"col{c}" for c in hidden_column_totals}
    for j, i in enumerate(unknown_idx):
        if names[i] not in reported:
            continue
        unit = np.zeros(len(unknown_idx))
        unit[j] = 1
        if np.linalg.matrix_rank(np.vstack([matrix, unit])) == base_rank:
            found.append(names[i])
    return found


def assert_not_recoverable(
    counts: dict[tuple[Any, Any], int], mask: Any, rows_pub: bool, cols_pub: bool
) -> None:
    assert not recoverable_entries(
        counts, set(mask.cells), set(mask.row_totals), set(mask.column_totals), rows_pub, cols_pub
    )


def test_audit_catches_a_naive_pattern() -> None:
    counts = {(1, 1): 5, (1, 2): 50, (2, 1): 50, (2, 2): 50}
    assert recoverable_entries(counts, {(1, 1)}, set(), set(), True, True) == ["cell1,1"]


@pytest.mark.parametrize(("rows_pub", "cols_pub"), [(True, True), (False, True), (True, False)])
def test_random_crosstabs_pass_the_audit(rows_pub: bool, cols_pub: bool) -> None:
    rng = random.Random(42)
    for _ in range(300):
        n_rows, n_cols = rng.randint(2, 5), rng.randint(2, 6)
        counts = {
            (r, c): rng.choice([0, 0, 1, 2, 5, 9, 10, 12, 20, 35, 60])
            for r, c in itertools.product(range(1, n_rows + 1), range(1, n_cols + 1))
        }
        mask = suppress_crosstab(
            counts, row_totals_published=rows_pub, column_totals_published=cols_pub
        )
        primary = {k for k, v in counts.items() if 0 < v < 10}
        assert primary <= mask.cells
        for c in range(1, n_cols + 1):
            total = sum(counts[(r, c)] for r in range(1, n_rows + 1))
            if 0 < total < 10 and cols_pub:
                assert c in mask.column_totals
            if not cols_pub:
                assert not mask.column_totals
        # Tables of 2 x 2 and more can always be protected: a mask that gives
        # up ("unprotected") fails here instead of skipping the audit.
        assert mask.unprotected == ()
        assert_not_recoverable(counts, mask, rows_pub, cols_pub)
        # Every published line with a hidden entry hides at least two.
        for r in range(1, n_rows + 1):
            hidden = sum((r, c) in mask.cells for c in range(1, n_cols + 1)) + (
                r in mask.row_totals
            )
            assert hidden != 1 or not rows_pub
        for c in range(1, n_cols + 1):
            hidden = sum((r, c) in mask.cells for r in range(1, n_rows + 1)) + (
                c in mask.column_totals
            )
            assert hidden != 1 or not cols_pub


def test_protect_rows_never_leaves_one_hidden_entry() -> None:
    cells = {(1, "a"): 50, (1, "b"): 4, (1, "c"): 30, (2, "a"): 40, (2, "b"): 40, (2, "c"): 40}
    mask = protect_rows(cells, 10, set())
    # 4 alone would be recoverable; 4 + 30 reaches the threshold.
    assert mask.cells == {(1, "b"), (1, "c")}
    assert not mask.row_totals
    # a hidden overall count forces a hidden cell in a row that shows all
    mask = protect_rows(cells, 10, {2})
    assert (2, "a") in mask.cells
    assert 2 in mask.row_totals


def test_respondents_without_a_district_are_a_column_like_any_other() -> None:
    """The unknown column (code None, tables.UNKNOWN_COLUMN) holds 4 respondents who
    chose option 1: that small count is hidden with its complement, and is never
    mistaken for the option's overall count."""
    unknown = UNKNOWN_COLUMN
    cells = {(1, "a"): 50, (1, "b"): 30, (1, unknown): 4, (2, "a"): 40, (2, "b"): 40}
    cells[(2, unknown)] = 20
    mask = protect_rows(cells, 10, set())
    assert mask.cells == {(1, unknown), (1, "b")}
    assert not mask.row_totals


def test_at_the_highest_threshold_a_hidden_overall_count_still_covers_its_row() -> None:
    """Threshold 100 (the highest a planner can set): option 1's overall count is hidden
    in the question's own table, and its 3 in group a is hidden with it: the row has
    two hidden entries, and hiding the zero in group b would add nothing, so it stays
    published (the disclosure audit then checks every width over the whole report)."""
    cells = {(1, "a"): 3, (1, "b"): 0, (2, "a"): 120, (2, "b"): 130}
    mask = protect_rows(cells, 100, {1})
    assert mask.cells == {(1, "a")}
    assert mask.row_totals == {1}
