"""The disclosure audit's core (``survey.analysis.audit``) against brute
force: random small cross-tabs with their totals published, protected by
the rule-based suppression and then the audit, and every hidden cell's
possible values enumerated by hand (no linear programming)."""

from __future__ import annotations

import itertools
import math
import random
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from survey.analysis import audit
from survey.analysis.audit import System, equation
from survey.analysis.suppression import suppress_crosstab

THRESHOLD = 5


def crosstab_system(counts: dict[tuple[int, int], int], hidden: set[Any]) -> System:
    rows = sorted({r for r, _c in counts})
    columns = sorted({c for _r, c in counts})
    system = System()
    for key, n in counts.items():
        system.add(("cell", key), n, hidden=("cell", key) in hidden)
    for r in rows:
        total = sum(counts[(r, c)] for c in columns)
        system.add(("row", r), total, hidden=("row", r) in hidden)
        system.relate(equation({**{("cell", (r, c)): 1.0 for c in columns}, ("row", r): -1.0}, 0))
    for c in columns:
        total = sum(counts[(r, c)] for r in rows)
        system.add(("col", c), total, hidden=("col", c) in hidden)
        system.relate(equation({**{("cell", (r, c)): 1.0 for r in rows}, ("col", c): -1.0}, 0))
    # The grand total closes both lines of totals, as the report's relations say
    # (column bases add up to `valid`): without the second, hiding must guess that
    # the other column totals pin a hidden one.
    system.relate(equation({("row", r): 1.0 for r in rows}, sum(counts.values())))
    system.relate(equation({("col", c): 1.0 for c in columns}, sum(counts.values())))
    for key in system.values:
        system.upper[key] = float(sum(counts.values()))
    return system


def grid(values: list[int]) -> dict[tuple[int, int], int]:
    """The 3 x 4 cross-tab of twelve drawn counts, by (row, column)."""
    return {(r, c): values[(r - 1) * 4 + (c - 1)] for r in range(1, 4) for c in range(1, 5)}


def grid_keys(counts: dict[tuple[int, int], int]) -> list[Any]:
    """Every quantity of a ``grid``'s system: its cells, row totals and column
    totals, in the order a drawn index picks from."""
    keys: list[Any] = [("cell", k) for k in sorted(counts)] + [("row", r) for r in (1, 2, 3)]
    return keys + [("col", c) for c in (1, 2, 3, 4)]


def brute_force_ranges(
    counts: dict[tuple[int, int], int], hidden: set[Any]
) -> dict[Any, tuple[int, int]]:
    """Every hidden entry's smallest and largest value over all whole,
    non-negative tables that publish the same figures."""
    rows = sorted({r for r, _c in counts})
    columns = sorted({c for _r, c in counts})
    grand = sum(counts.values())
    published_row = {r: sum(counts[(r, c)] for c in columns) for r in rows}
    published_col = {c: sum(counts[(r, c)] for r in rows) for c in columns}
    cells = [k for k in counts if ("cell", k) in hidden]
    ranges: dict[Any, list[int]] = {}

    def bound(cell: tuple[int, int]) -> int:
        r, c = cell
        limits = [grand]
        if ("row", r) not in hidden:
            limits.append(published_row[r])
        if ("col", c) not in hidden:
            limits.append(published_col[c])
        return min(limits)

    for values in itertools.product(*(range(bound(k) + 1) for k in cells)):
        table = dict(counts)
        table.update(zip(cells, values, strict=True))
        if sum(table.values()) != grand:
            continue
        row = {r: sum(table[(r, c)] for c in columns) for r in rows}
        col = {c: sum(table[(r, c)] for r in rows) for c in columns}
        if any(("row", r) not in hidden and row[r] != published_row[r] for r in rows):
            continue
        if any(("col", c) not in hidden and col[c] != published_col[c] for c in columns):
            continue
        found = {("cell", k): v for k, v in zip(cells, values, strict=True)}
        found.update({("row", r): row[r] for r in rows if ("row", r) in hidden})
        found.update({("col", c): col[c] for c in columns if ("col", c) in hidden})
        for key, v in found.items():
            low, high = ranges.setdefault(key, [v, v])
            ranges[key] = [min(low, v), max(high, v)]
    return {k: (v[0], v[1]) for k, v in ranges.items()}


def protect(counts: dict[tuple[int, int], int]) -> set[Any]:
    mask = suppress_crosstab(counts, THRESHOLD)
    hidden: set[Any] = {("cell", k) for k in mask.cells}
    hidden |= {("row", r) for r in mask.row_totals} | {("col", c) for c in mask.column_totals}
    system = crosstab_system(counts, hidden)
    units = {k: (k,) for k in system.values}
    verdict = audit.protect(
        system,
        THRESHOLD,
        units=units,
        unit_of={k: k for k in system.values},
        order=lambda k: (k[0] != "cell", system.values[k] == 0, system.values[k], repr(k)),
    )
    assert not verdict.unprotected
    return set(system.hidden)


tables = st.tuples(st.integers(2, 2), st.integers(2, 2)).flatmap(
    lambda shape: st.lists(
        st.integers(0, 12), min_size=shape[0] * shape[1], max_size=shape[0] * shape[1]
    ).map(
        lambda values: {
            (r, c): values[(r - 1) * shape[1] + (c - 1)]
            for r in range(1, shape[0] + 1)
            for c in range(1, shape[1] + 1)
        }
    )
)


@settings(max_examples=40, deadline=None)
@given(tables)
def test_no_hidden_entry_of_a_small_crosstab_can_be_pinned_down(counts):
    """Brute force over every table with the same published figures: each
    hidden cell and total can still take values at least the threshold
    apart, unless the whole table is smaller than the threshold."""
    grand = sum(counts.values())
    if grand < THRESHOLD:
        return
    hidden = protect(counts)
    primary = {("cell", k) for k, n in counts.items() if 0 < n < THRESHOLD}
    assert primary <= hidden
    if not hidden:
        return
    for key, (low, high) in brute_force_ranges(counts, hidden).items():
        assert high - low >= THRESHOLD, (counts, sorted(hidden, key=repr), key, low, high)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 40), min_size=2, max_size=6))
def test_a_one_line_table_keeps_every_hidden_cell_a_threshold_wide(values):
    """A table whose options add up to a published total: the exact rule
    (hidden cells add up to at least the threshold) and the programs agree."""
    counts = dict(enumerate(values, start=1))
    total = sum(values)
    system = System()
    for code, n in counts.items():
        system.add(("cell", code), n, hidden=0 < n < THRESHOLD)
        system.upper[("cell", code)] = float(total)
    system.relate(equation({("cell", c): 1.0 for c in counts}, total))
    units = {k: (k,) for k in system.values}
    verdict = audit.protect(
        system,
        THRESHOLD,
        units=units,
        unit_of={k: k for k in system.values},
        order=lambda k: (system.values[k] == 0, system.values[k], repr(k)),
    )
    hidden = system.hidden
    hidden_total = sum(system.values[k] for k in hidden)
    if total >= THRESHOLD:
        assert not verdict.unprotected
        assert not hidden or (len(hidden) >= 2 and hidden_total >= THRESHOLD)
    for key in hidden:
        interval = audit.interval_of(system, key)
        assert interval.width() >= THRESHOLD or total < THRESHOLD


def test_an_interval_narrower_than_the_threshold_is_found():
    """Two hidden cells of 3 and 4 in one line: each is 0 .. 7."""
    system = System()
    for code, n in {1: 3, 2: 4, 3: 50}.items():
        system.add(code, n, hidden=code != 3)
        system.upper[code] = 57.0
    system.relate(equation({1: 1.0, 2: 1.0, 3: 1.0}, 57))
    narrow = audit.audit(system, 10)
    assert narrow == {1: audit.Interval(0, 7), 2: audit.Interval(0, 7)}
    assert audit.audit(system, 7) == {}


@settings(max_examples=25, deadline=None)
@given(st.lists(st.sampled_from([0, 0, 1, 2, 4, 6, 9, 12, 20, 35]), min_size=12, max_size=12))
@example([0, 0, 4, 2, 6, 6, 6, 6, 0, 6, 1, 6])  # a column total once left pinned at 6
def test_random_crosstabs_are_protected_against_an_independent_program(values):
    """3 x 4 cross-tabs with row, column and grand totals: every hidden entry
    keeps a range at least the threshold wide, solved independently with
    ``scipy.optimize.linprog`` on the published figures alone."""
    from disclosure_check import Attack

    counts = grid(values)
    if sum(counts.values()) < 2 * THRESHOLD:
        return
    hidden = protect(counts)
    attack = Attack()
    rows = {r: sum(counts[(r, c)] for c in range(1, 5)) for r in range(1, 4)}
    cols = {c: sum(counts[(r, c)] for r in range(1, 4)) for c in range(1, 5)}

    def term(key: Any, value: int) -> Any:
        return attack.term(key, None if key in hidden else value)

    for r in range(1, 4):
        cells = [term(("cell", (r, c)), counts[(r, c)]) for c in range(1, 5)]
        total = term(("row", r), rows[r])
        attack.equal([*cells, (total[0], -total[1])])
    for c in range(1, 5):
        cells = [term(("cell", (r, c)), counts[(r, c)]) for r in range(1, 4)]
        total = term(("col", c), cols[c])
        attack.equal([*cells, (total[0], -total[1])])
    attack.equal([*(term(("row", r), rows[r]) for r in rows), (None, -float(sum(rows.values())))])
    for key, (low, high) in attack.intervals(float(sum(counts.values()))).items():
        assert high - low >= THRESHOLD, (counts, key, low, high)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.sampled_from([0, 1, 2, 3, 5, 8, 13, 30]), min_size=12, max_size=12),
    st.sets(st.integers(min_value=0, max_value=18), min_size=1, max_size=10),
)
def test_the_quick_bounds_contain_every_feasible_value(values, hidden_at):
    """The audit's shortcut (bound propagation, no program) may only ever
    say a hidden cell is narrow when it is: its bounds contain the exact
    feasible interval of every hidden quantity, and the audit's verdict
    matches the exact intervals."""
    counts = grid(values)
    keys = grid_keys(counts)
    hidden = {keys[i] for i in hidden_at}
    system = crosstab_system(counts, hidden)
    narrow = audit.audit(system, THRESHOLD)
    for key in hidden:
        exact = audit.interval_of(system, key)
        assert (key in narrow) == (exact.width() < THRESHOLD), (key, exact, narrow.get(key))
        if key in narrow:
            assert narrow[key].low <= exact.low and exact.high is not None
            assert narrow[key].high is not None and narrow[key].high >= exact.high


def _numpy_outer_bounds(group: Any, system: System) -> tuple[Any, Any]:
    """The bound propagation as first written, over numpy arrays: the
    reference the plain-float version must match to the last bit."""
    import math

    import numpy as np

    low = np.zeros(len(group.keys))
    high = np.array([system.upper.get(k, math.inf) for k in group.keys], dtype=float)
    for _ in range(audit.PROPAGATION_PASSES):
        changed = False
        for terms, row_low, row_high in zip(group.rows, group.low, group.high, strict=True):
            mins = [a * low[i] if a > 0 else a * high[i] for i, a in terms]
            maxs = [a * high[i] if a > 0 else a * low[i] for i, a in terms]
            min_inf = sum(1 for m in mins if m == -math.inf)
            max_inf = sum(1 for m in maxs if m == math.inf)
            min_sum = sum(m for m in mins if m != -math.inf)
            max_sum = sum(m for m in maxs if m != math.inf)
            for (i, a), least, most in zip(terms, mins, maxs, strict=True):
                rest_min = (
                    -math.inf
                    if min_inf - (least == -math.inf) > 0
                    else min_sum - (0.0 if least == -math.inf else least)
                )
                rest_max = (
                    math.inf
                    if max_inf - (most == math.inf) > 0
                    else max_sum - (0.0 if most == math.inf else most)
                )
                top = (row_high - rest_min) / a
                bottom = (row_low - rest_max) / a
                if a < 0:
                    top, bottom = bottom, top
                if top < high[i] - audit.TOLERANCE:
                    high[i] = top
                    changed = True
                if bottom > low[i] + audit.TOLERANCE:
                    low[i] = bottom
                    changed = True
        if not changed:
            break
    return low, high


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.sampled_from([0, 1, 2, 3, 5, 8, 13, 30]), min_size=12, max_size=12),
    st.sets(st.integers(min_value=0, max_value=18), min_size=1, max_size=12),
    st.booleans(),
)
def test_the_quick_bounds_are_those_of_the_numpy_propagation(values, hidden_at, capped):
    """The propagation runs over plain floats for speed (a numpy scalar per
    read and write cost a third of the demo's audit); its bounds are the
    numpy version's to the last bit, with and without upper limits (infinite
    bounds take the other branches), so no verdict or interval moves."""
    import numpy as np

    counts = grid(values)
    keys = grid_keys(counts)
    system = crosstab_system(counts, {keys[i] for i in hidden_at})
    if not capped:
        system.upper.clear()
    for group in audit._groups(system):
        fast = audit._outer_bounds(group, system)
        reference = _numpy_outer_bounds(group, system)
        assert np.array_equal(fast[0], reference[0]) and np.array_equal(fast[1], reference[1])


def _republish_case(wide_rest: bool) -> System:
    """One published total over hidden counts: a and b pinned within 4 of
    their values (narrow, hidden only for others), c within 3 (narrow and
    small: never published again), q wide; with ``wide_rest`` a fifth
    count d in the total keeps q wide once a and b are both published."""
    from survey.analysis.audit import at_least, at_most

    system = System()
    values = {"q": 8, "a": 6, "b": 6, "c": 2} | ({"d": 10} if wide_rest else {})
    for key, value in values.items():
        system.add(key, value, hidden=True)
        system.upper[key] = 40.0
    system.relate(equation({k: 1.0 for k in values}, sum(values.values())))
    for key, (low, high) in {"a": (4, 8), "b": (4, 8), "c": (1, 4)}.items():
        system.relate(at_least({key: 1.0}, low))
        system.relate(at_most({key: 1.0}, high))
    return system


@pytest.mark.parametrize("wide_rest", [False, True])
def test_units_hidden_only_for_others_are_published_again_as_one_at_a_time(
    wide_rest: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The republish checks run in one audit when that gives their result
    (``REPUBLISH_AT_ONCE``): a and b each leave q wide when published alone,
    but both together pin it (without d), so only a is published again, as
    the checks one at a time decide; with d both are published, in one
    audit. Same hidden counts and the same unprotected ones either way."""
    units = {k: (k,) for k in ("q", "a", "b", "c", "d")}
    unit_of = {k: k for k in units}

    def republished(at_once: bool) -> tuple[set[Any], set[Any]]:
        monkeypatch.setattr(audit, "REPUBLISH_AT_ONCE", at_once)
        system = _republish_case(wide_rest)
        verdict = audit.Verdict(unprotected=audit.audit(system, THRESHOLD))
        assert set(verdict.unprotected) == {"a", "b", "c"}
        audit._republish(system, THRESHOLD, verdict, units, unit_of, lambda k: k == "c")
        return set(system.hidden), set(verdict.unprotected)

    expected = ({"c", "d", "q"}, {"c"}) if wide_rest else ({"b", "c", "q"}, {"b", "c"})
    assert republished(True) == republished(False) == expected
    # The joint audit decides only where it can (with d); without d it
    # leaves everything as it was for the checks one at a time.
    system = _republish_case(wide_rest)
    verdict = audit.Verdict(unprotected=audit.audit(system, THRESHOLD))
    hidden = set(system.hidden)
    group = tuple(system.values)
    joint = audit._publish_together(
        system,
        THRESHOLD,
        verdict,
        lambda k: None if k == "c" else [k],
        dict.fromkeys(group, group),
    )
    assert joint is wide_rest
    if not wide_rest:
        assert system.hidden == hidden and set(verdict.unprotected) == {"a", "b", "c"}


# --- what the reader cannot know, and what protection does when nothing is near ------


def independent_intervals(system: System, upper: float) -> dict[Any, tuple[float, float]]:
    """Every hidden quantity's range from the published values and the relations,
    solved apart from the audit (``linprog``, one upper limit for every count)."""
    from disclosure_check import Attack

    attack = Attack()

    def term(key: Any) -> Any:
        if system.unknown(key):
            return attack.term(key, None, target=key in system.hidden)
        return attack.term(key, system.values[key])

    for relation in system.relations:
        terms = [(name, a * value) for key, a in relation.terms for name, value in [term(key)]]
        if relation.low == relation.high:
            attack.equal([*terms, (None, -relation.low)])
            continue
        if relation.high != math.inf:
            attack.at_most([*terms, (None, -relation.high)])
        if relation.low != -math.inf:
            attack.at_most([(name, -a) for name, a in terms] + [(None, relation.low)])
    return attack.intervals(upper)


def test_a_count_the_report_never_publishes_is_unknown_to_the_reader() -> None:
    """A ranking's rank counts are never published: the 3 hidden beside an
    unpublished 4 in a published total of 7 can be anything from 0 to 7, wide
    enough at threshold 5; the unpublished count itself is not audited."""
    system = System()
    system.add("hidden", 3, hidden=True)
    system.add("rank 2", 4, auxiliary=True)
    system.add("total", 7)
    system.relate(equation({"hidden": 1.0, "rank 2": 1.0, "total": -1.0}, 0))
    assert system.auxiliary == {"rank 2"} and system.hidden == {"hidden"}
    assert independent_intervals(system, 7) == {"hidden": (0, 7)}
    assert audit.audit(system, THRESHOLD) == {}
    # Published, the 4 would pin the hidden 3 exactly.
    system.auxiliary.clear()
    assert audit.audit(system, THRESHOLD) == {"hidden": audit.Interval(3, 3)}


def test_a_hidden_count_without_an_upper_limit_is_protected() -> None:
    """Two hidden counts known only to be equal, with no total above them: each
    may be any number from 0 up, so neither is narrow."""
    system = System()
    system.add("a", 3, hidden=True)
    system.add("b", 3, hidden=True)
    system.relate(equation({"a": 1.0, "b": -1.0}, 0))
    assert audit.audit(system, THRESHOLD) == {}
    assert audit.interval_of(system, "a") == audit.Interval(0, None)
    assert audit.interval_of(system, "a").width() == math.inf


def test_relations_that_contradict_the_true_values_are_an_error() -> None:
    """A relation built wrong (a published 10 in a total of 5 with a count hidden
    beside it) is an error, never a verdict about a count that cannot be negative."""
    system = System()
    system.add("published", 10)
    system.add("hidden", 2, hidden=True)
    system.relate(equation({"published": 1.0, "hidden": 1.0}, 5))
    with pytest.raises(audit.AuditError, match="no solution"):
        audit.audit(system, THRESHOLD)


def test_the_interval_of_a_published_count_is_not_asked_for() -> None:
    system = System()
    system.add("published", 10)
    system.add("hidden", 2, hidden=True)
    system.relate(equation({"published": 1.0, "hidden": 1.0}, 12))
    assert audit.interval_of(system, "hidden") == audit.Interval(2, 2)
    with pytest.raises(KeyError):
        audit.interval_of(system, "published")


def test_a_count_reached_only_through_unpublished_ones_is_hidden_to_protect() -> None:
    """First places reach each other only through rank counts: the hidden 2 shares
    its relation with the unpublished 5 alone, which the published 20 pins (5 + 20
    = 25). The nearest publishable count is that 20; hiding it leaves the 2 anywhere
    in 0 .. 7 and the 20 in 18 .. 25."""
    system = System()
    system.add("first", 2, hidden=True)
    system.add("rank", 5, auxiliary=True)
    system.add("near", 20)
    system.relate(equation({"first": 1.0, "rank": 1.0}, 7))
    system.relate(equation({"rank": 1.0, "near": 1.0}, 25))
    for key in system.values:
        system.upper[key] = 60.0
    assert audit.audit(system, THRESHOLD) == {"first": audit.Interval(2, 2)}
    units = {k: (k,) for k in ("first", "near")}
    verdict = audit.protect(
        system, THRESHOLD, units=units, unit_of={k: k for k in units}, order=system.values.get
    )
    assert verdict.added == ["near"] and not verdict.unprotected
    assert system.hidden == {"first", "near"}
    assert independent_intervals(system, 60) == {"first": (0, 7), "near": (18, 25)}


def _pinned_by_two_totals() -> System:
    """A hidden 2 that two published figures pin, neither of which can be hidden on
    its own (no unit of their own): the question's count t (2 = t) and, through
    an unpublished 3, the valid answers v (2 + 3 = v)."""
    system = System()
    system.add("small", 2, hidden=True)
    system.add("count", 2)
    system.add("other", 3, auxiliary=True)
    system.add("valid", 5)
    system.relate(equation({"small": 1.0, "count": -1.0}, 0))
    system.relate(equation({"small": 1.0, "other": 1.0, "valid": -1.0}, 0))
    for key in system.values:
        system.upper[key] = 40.0
    return system


def test_with_nothing_near_to_hide_the_question_then_its_valid_answers_are_withheld() -> None:
    """Nothing publishable shares a relation with the 2: the last resort hides its
    question's count; still pinned by the valid answers, the final resort hides
    those too, and the 2 is then anywhere in 0 .. 40 (threshold 10: the valid
    answers alone leave it in 0 .. 5)."""
    system = _pinned_by_two_totals()
    verdict = audit.protect(
        system,
        10,
        units={"small": ("small",), "question": ("count",), "valid": ("valid",)},
        unit_of={"small": "small"},
        order=repr,
        last_resort=lambda key: ["question"],
        final_resort=lambda key: ["valid"],
    )
    assert verdict.added == ["question", "valid"]
    assert not verdict.unprotected
    assert system.hidden == {"small", "count", "valid"}
    assert independent_intervals(system, 40)["small"] == (0, 40)


def test_a_count_no_resort_can_protect_is_reported_unprotected() -> None:
    """Neither resort hides anything new (the question's count is already hidden by
    the last resort when the final resort asks for it again): the 2, still pinned
    by the valid answers to 0 .. 5, is reported unprotected at threshold 10, and so
    is the question's count hidden for it, which equals it."""
    system = _pinned_by_two_totals()
    verdict = audit.protect(
        system,
        10,
        units={"small": ("small",), "question": ("count",)},
        unit_of={"small": "small"},
        order=repr,
        last_resort=lambda key: ["question"],
        final_resort=lambda key: ["question"],
    )
    assert verdict.added == ["question"]
    assert verdict.unprotected == {"small": audit.Interval(0, 5), "count": audit.Interval(0, 5)}
    assert independent_intervals(system, 40) == {"small": (0, 5), "count": (0, 5)}


def test_past_six_rounds_the_whole_line_is_hidden_at_once() -> None:
    """A line of 1, 2, ..., 8 and 200 at threshold 30: one complement a round (the
    hidden cells share them), smallest first; six rounds hide 2 .. 7 (1 + .. + 7 =
    28, still short), and the seventh, past the budget, hides the whole line."""
    values = {f"cell {n}": n for n in (1, 2, 3, 4, 5, 6, 7, 8, 200)}
    system = System()
    for key, n in values.items():
        system.add(key, n, hidden=n == 1)
        system.upper[key] = 236.0
    system.relate(equation(dict.fromkeys(values, 1.0), sum(values.values())))
    units: dict[Any, tuple[Any, ...]] = {k: (k,) for k in values} | {"line": tuple(values)}
    verdict = audit.protect(
        system,
        30,
        units=units,
        unit_of={k: k for k in values},
        order=system.values.get,
        last_resort=lambda key: ["line"],
    )
    assert verdict.added == [f"cell {n}" for n in (2, 3, 4, 5, 6, 7)] + ["line"]
    assert system.hidden == set(values) and not verdict.unprotected


@settings(max_examples=15, deadline=None)
@given(
    st.lists(st.sampled_from([0, 1, 2, 3, 5, 8, 13, 30]), min_size=12, max_size=12),
    st.sets(st.integers(min_value=0, max_value=18), min_size=1, max_size=10),
)
def test_the_audit_finds_the_same_narrow_counts_without_the_hot_start(
    values: list[int], hidden_at: set[int]
) -> None:
    """scipy's ``milp``, every program from scratch, is the reference the hot start
    must equal: the same narrow counts with the same intervals."""
    counts = grid(values)
    keys = grid_keys(counts)
    hidden = {keys[i] for i in hidden_at}
    hot = audit.audit(crosstab_system(counts, hidden), THRESHOLD)
    saved = audit.PROGRAMS
    try:
        audit.PROGRAMS = audit.Programs(hot_start=False)
        cold = audit.audit(crosstab_system(counts, hidden), THRESHOLD)
        exact = {k: audit.interval_of(crosstab_system(counts, hidden), k) for k in hidden}
    finally:
        audit.PROGRAMS = saved
    assert hot == cold
    assert set(cold) == {k for k, v in exact.items() if v.width() < THRESHOLD}


def test_a_count_listed_twice_in_a_relation_counts_twice() -> None:
    """A relation written term by term may name a count twice (2 x first places in a
    sum of points): 3 + 3 = 6 pins the hidden 3 exactly; nothing in it may be
    dropped or counted once."""
    system = System()
    system.add("first", 3, hidden=True)
    system.add("points", 6)
    system.relate(equation([("first", 1.0), ("first", 1.0), ("points", -1.0)], 0))
    system.upper["first"] = 40.0
    assert audit.audit(system, THRESHOLD) == {"first": audit.Interval(3, 3)}
    assert independent_intervals(system, 40) == {"first": (3, 3)}


@pytest.mark.parametrize("hot_start", [True, False])
def test_known_upper_limits_hold_and_a_count_without_one_is_protected_either_way(
    hot_start: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With HiGHS kept hot or scipy's milp from scratch: two hidden counts known only to
    be equal are unbounded (protected); with at most 3 respondents each (a known upper
    limit) both lie in 0 .. 3, narrower than 5."""
    monkeypatch.setattr(audit, "PROGRAMS", audit.Programs(hot_start=hot_start))
    system = System()
    system.add("a", 3, hidden=True)
    system.add("b", 3, hidden=True)
    system.relate(equation({"a": 1.0, "b": -1.0}, 0))
    assert audit.audit(system, THRESHOLD) == {}
    assert audit.interval_of(system, "a") == audit.Interval(0, None)
    system.upper.update(a=3.0, b=3.0)
    assert audit.audit(system, THRESHOLD) == {
        "a": audit.Interval(0, 3),
        "b": audit.Interval(0, 3),
    }
    # A limit the programs need (bound propagation leaves a and b in 0 .. 4): two
    # equal counts adding up to c, at most 4, are each at most 2.
    system = System()
    for key, value in {"a": 1, "b": 1, "c": 2}.items():
        system.add(key, value, hidden=True)
    system.relate(equation({"a": 1.0, "b": -1.0}, 0))
    system.relate(equation({"a": 1.0, "b": 1.0, "c": -1.0}, 0))
    system.upper["c"] = 4.0
    assert audit.audit(system, 3) == {"a": audit.Interval(0, 2), "b": audit.Interval(0, 2)}


def test_three_counts_that_only_pin_each_other_together_are_found() -> None:
    """a + b, a + c and b + c are each published as 10: every pair leaves its two
    counts anywhere in 0 .. 10 (what bound propagation sees), but the three together
    make each exactly 5. The programs must find it."""
    system = System()
    for key in "abc":
        system.add(key, 5, hidden=True)
    for first, second in ("ab", "ac", "bc"):
        system.relate(equation({first: 1.0, second: 1.0}, 10))
    assert audit.audit(system, 6) == {k: audit.Interval(5, 5) for k in "abc"}
    assert independent_intervals(system, 10) == {k: (5, 5) for k in "abc"}


def test_a_group_of_points_only_does_not_stop_the_audit_of_the_counts() -> None:
    """Hidden Borda points are no count of people (unaudited): their group is skipped,
    and the hidden 2 after it, pinned by its published total, is still found."""
    system = System()
    system.add("points", 40, hidden=True)
    system.unaudited.add("points")
    system.add("rank", 12, auxiliary=True)
    system.relate(equation({"points": 1.0, "rank": -3.0}, 4))
    system.add("small", 2, hidden=True)
    system.add("total", 2)
    system.relate(equation({"small": 1.0, "total": -1.0}, 0))
    assert audit.audit(system, THRESHOLD) == {"small": audit.Interval(2, 2)}


def test_the_audit_prints_nothing(capfd: pytest.CaptureFixture[str]) -> None:
    """The solver's own log stays off: a report build prints nothing of it."""
    system = System()
    for key in "abc":
        system.add(key, 5, hidden=True)
    for first, second in ("ab", "ac", "bc"):
        system.relate(equation({first: 1.0, second: 1.0}, 10))
    audit.audit(system, 6)
    out, err = capfd.readouterr()
    assert out == "" and err == ""


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.sampled_from([0, 1, 2, 3, 5, 8, 13, 30]), min_size=12, max_size=12),
    st.sets(st.integers(min_value=0, max_value=18), min_size=1, max_size=12),
    st.lists(st.sampled_from([1.0, 2.0, 3.0]), min_size=4, max_size=4),
    st.booleans(),
)
def test_the_quick_bounds_hold_for_points_and_one_sided_relations(
    values: list[int], hidden_at: set[int], weights: list[float], capped: bool
) -> None:
    """Borda points weigh rank counts 3, 2, 1 and a relation may bound only one side (at
    most, at least): with such coefficients and bounds the propagation is still the
    numpy version's to the last bit, and its bounds still contain every feasible value
    of each hidden count (an unknown whole count cannot be pinned by a shortcut that
    is wrong)."""
    from survey.analysis.audit import at_least, at_most

    counts = grid(values)
    keys = grid_keys(counts)
    system = crosstab_system(counts, {keys[i] for i in hidden_at})
    if not capped:
        system.upper.clear()
    first_row = [("cell", (1, c)) for c in (1, 2, 3, 4)]
    points = sum(w * counts[key[1]] for w, key in zip(weights, first_row, strict=True))
    system.add("points", points, hidden=True)
    system.unaudited.add("points")
    system.relate(equation([*zip(first_row, weights, strict=True), ("points", -1.0)], 0))
    second_row = {("cell", (2, c)): 1.0 for c in (1, 2)}
    system.relate(at_most(second_row, counts[(2, 1)] + counts[(2, 2)] + 3))
    system.relate(at_least(second_row, max(0, counts[(2, 1)] + counts[(2, 2)] - 3)))
    import numpy as np

    for group in audit._groups(system):
        fast = audit._outer_bounds(group, system)
        reference = _numpy_outer_bounds(group, system)
        assert np.array_equal(fast[0], reference[0]) and np.array_equal(fast[1], reference[1])
        for i, key in enumerate(group.keys):
            if key not in system.hidden or key in system.unaudited:
                continue
            exact = audit.interval_of(system, key)
            assert fast[0][i] <= exact.low + audit.TOLERANCE
            assert exact.high is None or fast[1][i] >= exact.high - audit.TOLERANCE


def _random_system(rng: random.Random) -> System:
    """A cross-tab of 2-4 rows and 2-5 columns with some of its entries hidden,
    each quantity with or without an upper limit, and at times a hidden total of
    Borda-like points over the first row and a one-sided relation over two cells:
    every branch of the propagation (infinite and finite extremes, negative
    coefficients, relations bounded on one side) in one draw."""
    from survey.analysis.audit import at_least, at_most

    shape = rng.randint(2, 4), rng.randint(2, 5)
    counts = {
        (r, c): rng.choice([0, 1, 2, 3, 5, 8, 13, 30])
        for r in range(1, shape[0] + 1)
        for c in range(1, shape[1] + 1)
    }
    keys = [("cell", k) for k in sorted(counts)]
    keys += [("row", r) for r in range(1, shape[0] + 1)]
    keys += [("col", c) for c in range(1, shape[1] + 1)]
    system = crosstab_system(counts, set(rng.sample(keys, rng.randint(1, len(keys)))))
    for key in list(system.upper):
        if rng.random() < 0.4:
            del system.upper[key]
    first_row = [("cell", (1, c)) for c in range(1, shape[1] + 1)]
    if rng.random() < 0.5:
        weights = [rng.choice([1.0, 2.0, 3.0]) for _ in first_row]
        points = sum(w * counts[k[1]] for w, k in zip(weights, first_row, strict=True))
        system.add("points", points, hidden=True)
        system.relate(equation([*zip(first_row, weights, strict=True), ("points", -1.0)], 0))
        if rng.random() < 0.5:
            system.upper["points"] = points + rng.randint(0, 20)
    if rng.random() < 0.5:
        pair = {("cell", (2, 1)): 1.0, ("cell", (2, 2)): 1.0}
        total = counts[(2, 1)] + counts[(2, 2)]
        system.relate(at_most(pair, total + rng.randint(0, 3)))
        system.relate(at_least(pair, max(0, total - rng.randint(0, 3))))
    if rng.random() < 0.5:
        # Several negative terms in one relation (as a ranking's later places
        # against its earlier ones): the second row at most the first, plus slack.
        second = {("cell", (2, c)): 1.0 for c in range(1, shape[1] + 1)}
        first = {("cell", (1, c)): -1.0 for c in range(1, shape[1] + 1)}
        gap = sum(counts[(2, c)] - counts[(1, c)] for c in range(1, shape[1] + 1))
        system.relate(at_most({**second, **first}, max(0, gap) + rng.randint(0, 2)))
    return system


def test_the_quick_bounds_are_those_of_the_numpy_propagation_on_many_drawn_tables() -> None:
    """Beside the Hypothesis examples: 400 drawn cross-tabs of several shapes, some
    quantities without an upper limit, with points and one-sided relations. The
    plain-float propagation gives the numpy version's bounds to the last bit on
    every one, and they contain each hidden count's exact interval (a change to
    any step of the propagation, even one that only loosens the bounds, shows)."""
    import numpy as np

    rng = random.Random(23)
    compared = 0
    for _ in range(400):
        system = _random_system(rng)
        for group in audit._groups(system):
            fast = audit._outer_bounds(group, system)
            reference = _numpy_outer_bounds(group, system)
            assert np.array_equal(fast[0], reference[0]), group.keys
            assert np.array_equal(fast[1], reference[1]), group.keys
            compared += 1
    assert compared >= 400


def test_a_last_resort_that_hides_nothing_new_still_leads_to_the_final_resort() -> None:
    """The 2's last resort is its own unit, already hidden: that adds nothing, so
    the next round tries the final resort, which hides the question's count and
    the valid answers; the 2 is then anywhere in 0 .. 40, not given up as
    unprotected after the first resort."""
    system = _pinned_by_two_totals()
    verdict = audit.protect(
        system,
        10,
        units={"small": ("small",), "question": ("count",), "valid": ("valid",)},
        unit_of={"small": "small"},
        order=repr,
        last_resort=lambda key: ["small"],
        final_resort=lambda key: ["question", "valid"],
    )
    assert verdict.added == ["question", "valid"]
    assert not verdict.unprotected
    assert system.hidden == {"small", "count", "valid"}
    assert independent_intervals(system, 40)["small"] == (0, 40)


def test_a_unit_with_a_small_count_is_never_published_again() -> None:
    """a and b were hidden only for others and stay narrow (pinned within 4 of
    their values); a is hidden together with the small c (one unit, as a ranking
    option's counts are), b alone. Only b is published again: a's unit holds a
    count that must stay hidden, whichever of its members is looked at."""
    system = _republish_case(wide_rest=True)
    units = {"q": ("q",), "pair": ("a", "c"), "b": ("b",), "d": ("d",)}
    unit_of = {"q": "q", "a": "pair", "c": "pair", "b": "b", "d": "d"}
    verdict = audit.Verdict(unprotected=audit.audit(system, THRESHOLD))
    assert set(verdict.unprotected) == {"a", "b", "c"}
    audit._republish(system, THRESHOLD, verdict, units, unit_of, lambda k: k == "c")
    assert system.hidden == {"a", "c", "d", "q"}
    assert set(verdict.unprotected) == {"a", "c"}
    low, high = independent_intervals(system, 40)["q"]
    assert high - low >= THRESHOLD


def test_a_figure_that_cannot_be_hidden_is_no_way_to_further_complements() -> None:
    """The hidden 2 is pinned by the published 5 (2 + 5 = 7), which has no unit of
    its own and so cannot be hidden. The 20 beyond it (5 + 20 = 25) would not help:
    the 5 still pins the 2. So nothing is hidden for it, and without a resort the 2
    is reported unprotected, pinned at exactly 2."""
    system = System()
    system.add("small", 2, hidden=True)
    system.add("fixed", 5)
    system.add("far", 20)
    system.relate(equation({"small": 1.0, "fixed": 1.0}, 7))
    system.relate(equation({"fixed": 1.0, "far": 1.0}, 25))
    for key in system.values:
        system.upper[key] = 60.0
    units = {k: (k,) for k in ("small", "far")}
    verdict = audit.protect(
        system, THRESHOLD, units=units, unit_of={k: k for k in units}, order=system.values.get
    )
    assert verdict.added == []
    assert verdict.unprotected == {"small": audit.Interval(2, 2)}
    assert system.hidden == {"small"}


def test_counts_without_an_upper_limit_are_bounded_below_only_by_what_pins_them() -> None:
    """x is pinned at 5 (x + 5 = 10); y and w, with no upper limit, are each at
    least x (y - x >= 0 written as an upper bound, w - x >= 0 as a lower one), so
    at least 5; u and v only together (u + v >= x), so each may be 0. The quick
    bounds say exactly that, as the numpy propagation does and the programs
    confirm: one unbounded term in a relation takes its bound from the others, two
    leave each other free."""
    import numpy as np

    from survey.analysis.audit import at_least, at_most

    system = System()
    system.add("p", 5)
    for key, value in {"x": 5, "y": 7, "w": 6, "u": 3, "v": 4}.items():
        system.add(key, value, hidden=True)
    system.upper["x"] = 40.0
    system.relate(equation({"x": 1.0, "p": 1.0}, 10))
    system.relate(at_most({"x": 1.0, "y": -1.0}, 0))
    system.relate(at_least({"w": 1.0, "x": -1.0}, 0))
    system.relate(at_most({"x": 1.0, "u": -1.0, "v": -1.0}, 0))
    (group,) = audit._groups(system)
    low, high = audit._outer_bounds(group, system)
    reference = _numpy_outer_bounds(group, system)
    assert np.array_equal(low, reference[0]) and np.array_equal(high, reference[1])
    bounds = {k: (low[i], high[i]) for i, k in enumerate(group.keys)}
    assert bounds["x"] == (5.0, 5.0)
    assert bounds["y"] == (5.0, math.inf) and bounds["w"] == (5.0, math.inf)
    assert bounds["u"] == (0.0, math.inf) and bounds["v"] == (0.0, math.inf)
    assert audit.interval_of(system, "y") == audit.Interval(5, None)
    assert audit.interval_of(system, "u") == audit.Interval(0, None)


@pytest.mark.parametrize("at_once", [True, False])
def test_a_unit_published_again_through_its_first_member_does_not_end_the_checks(
    at_once: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """a and b are one unit, e another, all three hidden only for others and
    pinned within 4 of their values; the small c must stay hidden. Checked one
    at a time (key order), a's check publishes b with it, and the checks go on
    past b to e: a, b and e are all published again, as in one joint audit."""
    from survey.analysis.audit import at_least, at_most

    monkeypatch.setattr(audit, "REPUBLISH_AT_ONCE", at_once)
    system = System()
    values = {"q": 8, "a": 6, "b": 6, "c": 2, "d": 10, "e": 6}
    for key, value in values.items():
        system.add(key, value, hidden=True)
        system.upper[key] = 40.0
    system.relate(equation(dict.fromkeys(values, 1.0), sum(values.values())))
    for key, (low, high) in {"a": (4, 8), "b": (4, 8), "c": (1, 4), "e": (4, 8)}.items():
        system.relate(at_least({key: 1.0}, low))
        system.relate(at_most({key: 1.0}, high))
    units = {"q": ("q",), "pair": ("a", "b"), "c": ("c",), "d": ("d",), "e": ("e",)}
    unit_of = {"q": "q", "a": "pair", "b": "pair", "c": "c", "d": "d", "e": "e"}
    verdict = audit.Verdict(unprotected=audit.audit(system, THRESHOLD))
    assert set(verdict.unprotected) == {"a", "b", "c", "e"}
    audit._republish(system, THRESHOLD, verdict, units, unit_of, lambda k: k == "c")
    assert system.hidden == {"c", "d", "q"}
    assert set(verdict.unprotected) == {"c"}
