"""The disclosure audit: how closely the published figures of a report pin
down each hidden count. Pure functions over linear relations, no Flask, no
database; ``survey.analysis.disclosure`` builds the relations of a report
and applies the verdict.

The model (the approach of tau-ARGUS and R's sdcTable):

- Every figure the report could publish is a *quantity* with its true value,
  an unweighted count of respondents or answers. A quantity is published
  (its value is known to the reader), hidden (a suppressed cell, ``null``
  in the JSON), or auxiliary (a count the report never publishes, such as
  the respondents who put an option at rank 2, or who left a question
  empty: unknown to the reader, and not a cell of the report).
- Everything the reader knows about the quantities is a *relation*:
  ``low <= sum(a_i * q_i) <= high`` (an equation when ``low == high``):
  cells add up to their totals, a ranking's Borda points are a weighted sum
  of its rank counts, a follow-up question was shown to exactly those who
  gave the answer its condition names, and so on. Every quantity is a count:
  at least 0, and at most ``upper`` when a bound is known.
- The *feasible interval* of a hidden quantity is its smallest and largest
  value over all non-negative solutions of the relations with the published
  quantities fixed: two linear programs (scipy's HiGHS), on the continuous
  relaxation, then rounded inward to whole numbers (counts are whole). The
  reader is assumed to know every relation and every published figure,
  but not which hidden cells were hidden for their own size (primary) and
  which to protect another (complementary): the report does not say.
- A hidden quantity is *protected* when its interval is at least
  ``threshold`` wide (upper bound minus lower bound >= threshold).

Work is kept small: only relations with at least one unknown term are
kept (published terms move to the bounds), the unknowns fall apart into
independent groups (connected through relations), and every solution found
is a witness: a quantity already seen at two values ``threshold`` apart is
protected without a program of its own (the true values are the first
witness). Before any program, bound propagation over the group's relations
gives outer bounds: a quantity they pin closer than ``threshold`` is narrow
without a program (the reported interval is then those outer bounds, which
contain the feasible one).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import csr_array

try:  # scipy's own HiGHS (see _Solver)
    from scipy.optimize._highspy import _core as _highs
except ImportError:  # pragma: no cover - another scipy than the pinned one
    _highs = None

Key = Any
"""A quantity's key: any hashable value."""
TOLERANCE = 1e-6
MAX_ROUNDS = 6
"""Rounds of one cell at a time near each narrow count; then the last resort."""


@dataclass(frozen=True)
class Programs:
    """How the audit solves its linear programs: a seam for speed only. The
    extremes of a program are unique, so neither setting changes a verdict
    or an interval (``tests/integration/test_audit_programs.py`` builds the
    demo's report both ways and compares the published bytes)."""

    hot_start: bool = True
    """One HiGHS model per group, only the objective changed from one program
    to the next (``_Solver``); False: scipy's ``milp``, every program from
    scratch (slow: the reference the hot start is tested against)."""
    presolve: bool = False
    """HiGHS's presolve before a group's first program. Off: the later
    programs start from the previous basis and skip it anyway, and on the
    demo it cost more than it saved (~7 % of the audit's CPU, bench/notes.md)."""


PROGRAMS = Programs()
"""The setting the audit uses (tests switch it to compare)."""

REPUBLISH_AT_ONCE = True
"""Try the republish checks in one audit first (``_publish_together``):
a seam for speed only, the result is the one-at-a-time checks' (tests
switch it off to compare)."""


@dataclass(frozen=True)
class Relation:
    """``low <= sum(coefficient * quantity) <= high`` over ``terms``."""

    terms: tuple[tuple[Key, float], ...]
    low: float
    high: float


def equation(terms: Mapping[Key, float] | Iterable[tuple[Key, float]], value: float) -> Relation:
    """The relation ``sum(a_i * q_i) == value``."""
    items = tuple(terms.items()) if isinstance(terms, Mapping) else tuple(terms)
    return Relation(items, value, value)


def at_most(terms: Mapping[Key, float] | Iterable[tuple[Key, float]], value: float) -> Relation:
    """The relation ``sum(a_i * q_i) <= value``."""
    items = tuple(terms.items()) if isinstance(terms, Mapping) else tuple(terms)
    return Relation(items, -math.inf, value)


def at_least(terms: Mapping[Key, float] | Iterable[tuple[Key, float]], value: float) -> Relation:
    """The relation ``sum(a_i * q_i) >= value``."""
    items = tuple(terms.items()) if isinstance(terms, Mapping) else tuple(terms)
    return Relation(items, value, math.inf)


@dataclass
class System:
    """The quantities of a report and what the reader knows about them."""

    values: dict[Key, float] = field(default_factory=dict)
    """True value of every quantity (published, hidden and auxiliary)."""
    hidden: set[Key] = field(default_factory=set)
    """Quantities the report does not publish although it could (suppressed)."""
    auxiliary: set[Key] = field(default_factory=set)
    """Quantities the report never publishes (unknown, not audited)."""
    unaudited: set[Key] = field(default_factory=set)
    """Hidden quantities that are no count of people (a ranking's Borda
    points): unknown when hidden, but their width is not a requirement."""
    upper: dict[Key, float] = field(default_factory=dict)
    """Known upper bounds (every quantity is at least 0)."""
    relations: list[Relation] = field(default_factory=list)
    _index: dict[Key, list[Relation]] = field(default_factory=dict, repr=False)
    _order: dict[int, int] = field(default_factory=dict, repr=False)
    _indexed: int = field(default=-1, repr=False)

    def add(self, key: Key, value: float, *, hidden: bool = False, auxiliary: bool = False) -> Key:
        """Add a quantity with its true value (a count): published unless ``hidden``
        or ``auxiliary``; returns the key."""
        self.values[key] = float(value)
        if auxiliary:
            self.auxiliary.add(key)
        elif hidden:
            self.hidden.add(key)
        return key

    def relate(self, relation: Relation) -> None:
        """Add a relation the reader knows."""
        self.relations.append(relation)

    def relation_index(self) -> dict[Key, list[Relation]]:
        """The relations of each quantity (rebuilt when relations were added)."""
        if self._indexed != len(self.relations):
            index: dict[Key, list[Relation]] = defaultdict(list)
            for relation in self.relations:
                for key, _a in relation.terms:
                    index[key].append(relation)
            self._index = index
            self._order = {id(r): i for i, r in enumerate(self.relations)}
            self._indexed = len(self.relations)
        return self._index

    def relation_order(self) -> dict[int, int]:
        """Position of each relation (by identity) in ``relations``."""
        self.relation_index()
        return self._order

    def unknown(self, key: Key) -> bool:
        """True when the reader does not know the quantity (hidden or auxiliary)."""
        return key in self.hidden or key in self.auxiliary


@dataclass(frozen=True)
class _Group:
    """Unknowns connected by relations, and those relations reduced to them."""

    keys: tuple[Key, ...]
    rows: tuple[tuple[tuple[int, float], ...], ...]
    low: tuple[float, ...]
    high: tuple[float, ...]


_Reduced = tuple[dict[Key, float], float, float]
"""A relation over unknowns only: its terms and its bounds less the published part."""


def _groups(system: System, seeds: Iterable[Key] | None = None) -> list[_Group]:
    """The relations with published terms moved to the bounds, split into
    groups of unknowns that share no relation; with ``seeds``, only the
    groups of those quantities (fewer relations to read)."""
    relations = system.relations if seeds is None else _reachable(system, seeds)
    reduced = _reduced_relations(system, relations)
    hidden = system.hidden if seeds is None else set(seeds) & system.hidden
    root_of = _connected(reduced, hidden)
    members: dict[Key, list[Key]] = defaultdict(list)
    for key in root_of:
        members[root_of[key]].append(key)
    by_root: dict[Key, list[_Reduced]] = defaultdict(list)
    for item in reduced:
        # A lone auxiliary unknown (one term, never hidden) bounds nothing hidden.
        root = root_of.get(next(iter(item[0])))
        if root is not None:
            by_root[root].append(item)
    groups = []
    for root, keys in members.items():
        ordered = tuple(sorted(keys, key=repr))
        index = {k: i for i, k in enumerate(ordered)}
        rows = by_root.get(root, [])
        groups.append(
            _Group(
                ordered,
                tuple(tuple((index[k], a) for k, a in terms.items()) for terms, _l, _h in rows),
                tuple(low for _t, low, _h in rows),
                tuple(high for _t, _l, high in rows),
            )
        )
    return groups


def _reduced_relations(system: System, relations: Iterable[Relation]) -> list[_Reduced]:
    """Every relation with an unknown term, its published terms moved to the bounds."""
    reduced: list[_Reduced] = []
    for relation in relations:
        unknown: dict[Key, float] = defaultdict(float)
        known = 0.0
        for key, coefficient in relation.terms:
            if system.unknown(key):
                unknown[key] += coefficient
            else:
                known += coefficient * system.values[key]
        unknown = {k: a for k, a in unknown.items() if a != 0}
        if unknown:
            reduced.append((unknown, relation.low - known, relation.high - known))
    return reduced


def _connected(reduced: list[_Reduced], hidden: Iterable[Key]) -> dict[Key, Key]:
    """Every unknown of a relation with another unknown, and every hidden one ->
    the root of its group: unknowns that share a relation are in one group
    (union-find with path halving)."""
    parent: dict[Key, Key] = {}

    def find(key: Key) -> Key:
        while parent.setdefault(key, key) != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    for terms, _low, _high in reduced:
        first, *rest = terms
        for key in rest:
            parent[find(key)] = find(first)
    for key in hidden:
        find(key)
    return {key: find(key) for key in list(parent)}


def _reachable(system: System, seeds: Iterable[Key]) -> list[Relation]:
    """The relations connected to ``seeds`` through unknown quantities, in
    the order of ``system.relations``."""
    index = system.relation_index()
    seen = set(seeds)
    frontier = list(seen)
    found: dict[int, Relation] = {}
    while frontier:
        nxt = []
        for key in frontier:
            for relation in index.get(key, ()):
                if id(relation) in found:
                    continue
                found[id(relation)] = relation
                for k, _a in relation.terms:
                    if k not in seen and system.unknown(k):
                        seen.add(k)
                        nxt.append(k)
        frontier = nxt
    order = system.relation_order()
    return sorted(found.values(), key=lambda r: order[id(r)])


class _Solver:
    """The linear programs of one group: min and max of one unknown.

    The group's program is handed to HiGHS once; each extreme only changes
    the objective and solves again from the previous basis (a hot start),
    which is most of the audit's speed: scipy's ``milp`` would check and
    convert the whole program and start from scratch for every one of the
    hundreds of extremes of a report. HiGHS is scipy's own copy
    (``scipy.optimize._highspy``, the solver behind ``milp`` and
    ``linprog``; scipy is pinned); without it the programs go through
    ``milp``, one at a time."""

    def __init__(self, group: _Group, system: System) -> None:
        n = len(group.keys)
        self.group = group
        upper = np.array([system.upper.get(k, np.inf) for k in group.keys], dtype=float)
        starts, cols, data = [0], [], []
        for terms in group.rows:
            for c, a in terms:
                cols.append(c)
                data.append(a)
            starts.append(len(cols))
        self.matrix = csr_array(
            (np.array(data, dtype=float), np.array(cols, dtype=np.int32), np.array(starts)),
            shape=(len(group.rows), n),
        )
        self.low = np.array(group.low, dtype=float)
        self.high = np.array(group.high, dtype=float)
        self.upper = upper
        self.cost = np.zeros(n)
        self.highs = _highs_model(self) if _highs is not None and PROGRAMS.hot_start else None

    def solve(self, objective: np.ndarray[Any, Any]) -> np.ndarray[Any, Any] | None:
        """A solution minimising ``objective``; None when unbounded."""
        if self.highs is None:
            return self._solve_milp(objective)
        changed = np.flatnonzero(objective != self.cost)
        if changed.size:
            self.highs.changeColsCost(
                changed.size, changed.astype(np.int32), objective[changed].astype(float)
            )
            self.cost = objective.astype(float, copy=True)
        self.highs.run()
        status = self.highs.getModelStatus()
        if status == _highs.HighsModelStatus.kOptimal:
            return np.asarray(self.highs.getSolution().col_value, dtype=float)
        if status in (
            _highs.HighsModelStatus.kUnbounded,
            # The true values are a solution, so the program is feasible.
            _highs.HighsModelStatus.kUnboundedOrInfeasible,
        ):
            return None
        raise AuditError(
            f"the relations have no solution ({self.highs.modelStatusToString(status)})"
        )

    def _solve_milp(self, objective: np.ndarray[Any, Any]) -> np.ndarray[Any, Any] | None:
        constraints = (
            [LinearConstraint(self.matrix, self.low, self.high)] if self.group.rows else []
        )
        bounds = Bounds(np.zeros(len(self.group.keys)), self.upper)
        result = milp(objective, constraints=constraints, bounds=bounds)
        if result.status != 0 or result.x is None:
            if result.status == 3:  # unbounded
                return None
            raise AuditError(f"the relations have no solution ({result.message})")
        return np.asarray(result.x)

    def extreme(self, index: int, sign: float) -> tuple[float, np.ndarray[Any, Any]] | None:
        """(value, solution) minimising ``sign * x[index]``; None when unbounded."""
        objective = np.zeros(len(self.group.keys))
        objective[index] = sign
        solution = self.solve(objective)
        return None if solution is None else (float(solution[index]), solution)


def _highs_model(solver: _Solver) -> Any:
    """The group's program in a HiGHS instance (objective all zero)."""
    assert _highs is not None
    lp = _highs.HighsLp()
    n, m = len(solver.group.keys), len(solver.group.rows)
    lp.num_col_ = n
    lp.num_row_ = m
    lp.col_cost_ = np.zeros(n)
    lp.col_lower_ = np.zeros(n)
    lp.col_upper_ = np.where(np.isinf(solver.upper), _highs.kHighsInf, solver.upper)
    lp.row_lower_ = np.where(np.isinf(solver.low), -_highs.kHighsInf, solver.low)
    lp.row_upper_ = np.where(np.isinf(solver.high), _highs.kHighsInf, solver.high)
    lp.a_matrix_.format_ = _highs.MatrixFormat.kRowwise
    lp.a_matrix_.num_col_ = n
    lp.a_matrix_.num_row_ = m
    lp.a_matrix_.start_ = solver.matrix.indptr.astype(np.int32)
    lp.a_matrix_.index_ = solver.matrix.indices.astype(np.int32)
    lp.a_matrix_.value_ = solver.matrix.data.astype(float)
    highs = _highs._Highs()
    highs.setOptionValue("output_flag", False)
    highs.setOptionValue("presolve", "on" if PROGRAMS.presolve else "off")
    highs.passModel(lp)
    return highs


class AuditError(RuntimeError):
    """The relations contradict the true values: a bug in how they were built."""


@dataclass(frozen=True)
class Interval:
    """The whole numbers a hidden quantity can take given everything
    published; ``high`` None: no upper limit."""

    low: int
    high: int | None

    def width(self) -> float:
        """Upper minus lower bound, in counts; infinite without an upper bound."""
        return math.inf if self.high is None else self.high - self.low


def audit(system: System, threshold: int, keys: Iterable[Key] | None = None) -> dict[Key, Interval]:
    """The feasible interval of every hidden quantity of ``keys`` (default:
    all) that is *narrower* than ``threshold``; hidden quantities proven at
    least ``threshold`` wide are left out. An empty result: all protected."""
    wanted = (set(system.hidden if keys is None else keys) & system.hidden) - system.unaudited
    narrow: dict[Key, Interval] = {}
    for group in _groups(system, None if keys is None else wanted):
        todo = [k for k in group.keys if k in wanted]
        if not todo:
            continue
        narrow.update(_audit_group(group, system, threshold, todo))
    return narrow


class _Witnesses:
    """The smallest and largest value seen of each unknown of a group over the
    solutions found so far (the true values are the first)."""

    def __init__(self, group: _Group, system: System, threshold: int) -> None:
        self.low = np.array([system.values[k] for k in group.keys], dtype=float)
        self.high = self.low.copy()
        self.threshold = threshold

    def proven(self, i: int) -> bool:
        """Two solutions at least the threshold apart: unknown ``i`` is protected."""
        return bool(self.high[i] - self.low[i] >= self.threshold - TOLERANCE)

    def add(self, solution: np.ndarray[Any, Any]) -> None:
        """Widen the seen ranges by one solution."""
        np.minimum(self.low, solution, out=self.low)
        np.maximum(self.high, solution, out=self.high)


def _audit_group(
    group: _Group, system: System, threshold: int, todo: list[Key]
) -> dict[Key, Interval]:
    """The hidden quantities of ``todo`` in one group whose feasible interval is
    narrower than ``threshold`` (whole counts), with that interval (or the outer
    bounds that already pin it)."""
    index = {k: i for i, k in enumerate(group.keys)}
    seen = _Witnesses(group, system, threshold)
    narrow, todo = _narrow_by_propagation(group, system, threshold, todo, index)
    if all(seen.proven(index[k]) for k in todo):
        return narrow
    solver = _Solver(group, system)
    # Two vertices far apart: the largest and the smallest total of the
    # unproven unknowns are witnesses for many of them at once.
    spread = np.zeros(len(group.keys))
    for k in todo:
        if not seen.proven(index[k]):
            spread[index[k]] = 1.0
    for sign in (-1.0, 1.0):
        found = solver.solve(sign * spread)
        if found is not None:
            seen.add(found)
    for key in todo:
        interval = _narrow_interval(solver, seen, index[key], threshold)
        if interval is not None:
            narrow[key] = interval
    return narrow


def _narrow_by_propagation(
    group: _Group, system: System, threshold: int, todo: list[Key], index: Mapping[Key, int]
) -> tuple[dict[Key, Interval], list[Key]]:
    """The quantities of ``todo`` the outer bounds already pin closer than the
    threshold (narrow without a program), and the others, still to solve."""
    # Interval propagation first: its bounds contain every feasible value, so
    # a quantity they already pin closer than the threshold is narrow without
    # a program (a small survey's cells all are: each is at most its total).
    outer_low, outer_high = _outer_bounds(group, system)
    narrow: dict[Key, Interval] = {}
    unresolved = []
    for key in todo:
        i = index[key]
        low = math.ceil(outer_low[i] - TOLERANCE)
        high = outer_high[i]
        if high - low < threshold:
            narrow[key] = Interval(low, math.floor(high + TOLERANCE))
        else:
            unresolved.append(key)
    return narrow, unresolved


def _narrow_interval(solver: _Solver, seen: _Witnesses, i: int, threshold: int) -> Interval | None:
    """Unknown ``i``'s feasible interval when it is narrower than the threshold;
    None when it is protected (or has no upper limit)."""
    if seen.proven(i):
        return None
    top = solver.extreme(i, -1.0)
    if top is None:
        return None  # no upper limit
    seen.add(top[1])
    if seen.proven(i):
        return None
    bottom = solver.extreme(i, 1.0)
    assert bottom is not None  # bounded below by 0
    seen.add(bottom[1])
    if seen.proven(i):
        return None
    low = math.ceil(bottom[0] - TOLERANCE)
    high = math.floor(top[0] + TOLERANCE)
    return Interval(low, high) if high - low < threshold else None


PROPAGATION_PASSES = 20
"""Passes of bound propagation over a group's relations; the bounds are
sound after any number of passes, more passes only tighten them."""


def _outer_bounds(
    group: _Group, system: System
) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """Lower and upper bounds that contain every feasible value of each
    unknown of ``group`` (interval constraint propagation: each relation
    bounds each of its terms by the extremes of the others). Sound, not
    always tight: a quantity these bounds pin closer than the threshold is
    narrow; a wider one needs the linear programs."""
    # Plain Python floats in lists, not numpy: the loop reads and writes one
    # number at a time, where a numpy scalar costs several times a float (a
    # third of the demo's audit). The arithmetic and its order are those of
    # the numpy version (same IEEE doubles, sums left to right), so the
    # bounds are the same to the last bit (test_audit checks them).
    inf = math.inf
    low = [0.0] * len(group.keys)
    high = [float(system.upper.get(k, inf)) for k in group.keys]
    rows = list(zip(group.rows, group.low, group.high, strict=True))
    for _ in range(PROPAGATION_PASSES):
        changed = False
        for terms, row_low, row_high in rows:
            mins = [a * low[i] if a > 0 else a * high[i] for i, a in terms]
            maxs = [a * high[i] if a > 0 else a * low[i] for i, a in terms]
            min_inf, min_sum = _finite_sum(mins, -inf)
            max_inf, max_sum = _finite_sum(maxs, inf)
            for (i, a), least, most in zip(terms, mins, maxs, strict=True):
                # The other terms' smallest and largest possible sum.
                if least == -inf:
                    rest_min = -inf if min_inf > 1 else min_sum
                else:
                    rest_min = -inf if min_inf > 0 else min_sum - least
                if most == inf:
                    rest_max = inf if max_inf > 1 else max_sum
                else:
                    rest_max = inf if max_inf > 0 else max_sum - most
                top = (row_high - rest_min) / a  # a * x <= row_high - rest_min
                bottom = (row_low - rest_max) / a  # a * x >= row_low - rest_max
                if a < 0:
                    top, bottom = bottom, top
                if top < high[i] - TOLERANCE:
                    high[i] = top
                    changed = True
                if bottom > low[i] + TOLERANCE:
                    low[i] = bottom
                    changed = True
        if not changed:
            break
    lows, highs = np.array(low, dtype=float), np.array(high, dtype=float)
    if np.any(lows > highs + TOLERANCE):
        raise AuditError("the relations have no solution (bounds cross)")
    return lows, highs


def _finite_sum(values: list[float], infinite: float) -> tuple[int, float]:
    """How many of ``values`` are ``infinite``, and the sum of the others,
    added left to right (a loop, not ``sum()``: a later Python's compensated
    float sum would change the last bit of the bounds)."""
    count = 0
    total = 0.0
    for value in values:
        if value == infinite:
            count += 1
        else:
            total += value
    return count, total


def interval_of(system: System, key: Key) -> Interval:
    """The exact feasible interval of one hidden quantity (tests, reports)."""
    for group in _groups(system):
        if key in group.keys:
            solver = _Solver(group, system)
            i = group.keys.index(key)
            top = solver.extreme(i, -1.0)
            bottom = solver.extreme(i, 1.0)
            assert bottom is not None
            return Interval(
                math.ceil(bottom[0] - TOLERANCE),
                None if top is None else math.floor(top[0] + TOLERANCE),
            )
    raise KeyError(key)


@dataclass
class Verdict:
    """What the protection added: the units hidden to protect others, and
    the quantities that could not be protected (then withheld whole by the
    caller)."""

    added: list[Key] = field(default_factory=list)
    unprotected: dict[Key, Interval] = field(default_factory=dict)


def protect(
    system: System,
    threshold: int,
    *,
    units: Mapping[Key, tuple[Key, ...]],
    unit_of: Mapping[Key, Key],
    order: Callable[[Key], Any],
    last_resort: Callable[[Key], Iterable[Key]] = lambda key: (),
    final_resort: Callable[[Key], Iterable[Key]] = lambda key: (),
    must_hide: Callable[[Key], bool] = lambda key: True,
) -> Verdict:
    """Hide more until every hidden quantity is protected.

    In rounds, while some hidden quantities are narrower than ``threshold``:
    for each narrow one (in key order) that shares no relation with a unit
    already picked this round, pick among the published quantities in a
    relation with it (else with any unknown connected to it through a
    relation) the one first in ``order`` (smallest count first; the caller
    documents the ties), and hide the picked *units* (``unit_of``: what is
    hidden together, e.g. a ranking option's chosen count, first places and
    Borda points). Hiding only widens intervals, so a quantity once
    protected stays protected: each round audits only the narrow ones and
    the newly hidden ones. When nothing is left to hide near a narrow
    quantity, or after ``MAX_ROUNDS`` rounds, the units of
    ``last_resort(key)`` are hidden (e.g. the question's cells and counts),
    and if that is not enough, those of ``final_resort(key)`` (e.g. its
    valid answers too). A unit hidden only to protect others (none of its quantities
    ``must_hide``, i.e. none is small itself) that is still narrow then is
    published again when every other hidden quantity stays as wide without
    it (``_republish``); what is still narrow after that is returned as
    ``unprotected``.
    """
    verdict = Verdict()
    rounds = 0
    index: dict[Key, list[Relation]] = defaultdict(list)
    for relation in system.relations:
        for key, _a in relation.terms:
            index[key].append(relation)
    narrow = audit(system, threshold)
    tried_last_resort: dict[Key, int] = {}
    while narrow:
        narrow_again: list[Key] = []
        picked: set[Key] = set()
        fresh: list[Key] = []
        # Candidates as the round starts: what one pick hides serves others too.
        rounds += 1
        nearby: dict[Key, list[Key]]
        if rounds > MAX_ROUNDS:
            # Past the budget: whole questions at once (fewer figures, but a
            # report that is built in seconds, and still audited).
            nearby = {key: [] for key in narrow}
        else:
            nearby = {key: _candidates(system, key, index, unit_of) for key in narrow}
        for key in sorted(narrow, key=repr):
            candidates = nearby[key]
            if any(unit_of[c] in picked for c in candidates):
                continue
            if candidates:
                unit = unit_of[min(candidates, key=order)]
            elif tried_last_resort.get(key, 0) < 2:
                stage = tried_last_resort.get(key, 0)
                tried_last_resort[key] = stage + 1
                resort = list((last_resort if stage == 0 else final_resort)(key))
                extra = [
                    k
                    for unit in resort
                    for k in units.get(unit, ())
                    if k not in system.hidden and k not in system.auxiliary
                ]
                verdict.added.extend(u for u in resort if any(k in extra for k in units.get(u, ())))
                system.hidden.update(extra)
                fresh.extend(extra)
                if not extra:
                    narrow_again.append(key)
                continue
            else:
                verdict.unprotected[key] = narrow[key]
                continue
            picked.add(unit)
            fresh.extend(k for k in units[unit] if k not in system.hidden)
            system.hidden.update(units[unit])
            verdict.added.append(unit)
        if not fresh and not narrow_again:
            break
        still = audit(system, threshold, [*narrow, *fresh])
        narrow = {k: v for k, v in still.items() if k not in verdict.unprotected}
    for key, interval in narrow.items():
        verdict.unprotected.setdefault(key, interval)
    _republish(system, threshold, verdict, units, unit_of, must_hide)
    return verdict


def _republish(
    system: System,
    threshold: int,
    verdict: Verdict,
    units: Mapping[Key, tuple[Key, ...]],
    unit_of: Mapping[Key, Key],
    must_hide: Callable[[Key], bool],
) -> None:
    """Publish again the narrow units that were hidden only for others.

    A complementary figure that the published figures pin closer than the
    threshold protects nothing by being hidden that its publication would
    expose, *if* no other hidden quantity becomes narrow once it is
    published: checked by auditing again, one unit at a time (key order).
    Typically a column base hidden with its question by the last resort,
    pinned within the question's few missing answers of its group's count.
    A unit with a small quantity is never published. Publishing a unit can
    only narrow the quantities connected to it, so each check audits the
    group the unit belonged to when the checks began."""
    connected: dict[Key, tuple[Key, ...]] = {}
    for group in _groups(system):
        for key in group.keys:
            connected[key] = group.keys

    def publishable(key: Key) -> list[Key] | None:
        """The hidden members of the key's unit; None when one is small."""
        unit = unit_of.get(key)
        members = units.get(unit, (key,)) if unit is not None else (key,)
        if any(must_hide(k) for k in members):
            return None
        return [k for k in members if k in system.hidden]

    if REPUBLISH_AT_ONCE and _publish_together(system, threshold, verdict, publishable, connected):
        return
    for key in sorted(verdict.unprotected, key=repr):
        if key not in verdict.unprotected:
            continue  # published with an earlier unit
        back = publishable(key)
        if back is not None:
            _publish_unless_narrowing(system, threshold, verdict, back, connected)


def _publish_unless_narrowing(
    system: System,
    threshold: int,
    verdict: Verdict,
    back: list[Key],
    connected: Mapping[Key, tuple[Key, ...]],
) -> bool:
    """Publish ``back`` (no longer unprotected) when no other hidden quantity
    of their groups turns narrow then; else leave it hidden. True when
    published."""
    before = set(verdict.unprotected)
    system.hidden.difference_update(back)
    nearby = {k for b in back for k in connected.get(b, (b,))}
    # Only whether something *else* turns narrow decides: the quantities
    # already unprotected may stay narrow, so they are not audited again
    # (two programs each saved; the decision is the same).
    if audit(system, threshold, nearby - before):
        system.hidden.update(back)
        return False
    for k in back:
        verdict.unprotected.pop(k, None)
    return True


def _publish_together(
    system: System,
    threshold: int,
    verdict: Verdict,
    publishable: Callable[[Key], list[Key] | None],
    connected: Mapping[Key, tuple[Key, ...]],
) -> bool:
    """The one-at-a-time checks of ``_republish`` in one audit, when that
    gives their result: every unit they would publish published at once,
    and True when nothing but the unprotected quantities is narrow then.

    Exact, because hiding less only narrows: a quantity narrow after some of
    the units are published is narrow after all are. So when all published
    leave nothing narrow outside the unprotected, no single check could have
    found anything, each would have published its unit, and the end is the
    same. It needs every hidden member of those units to be unprotected
    itself (a check may find a later unit's member narrow; the joint audit
    does not audit it, being published). Otherwise, or when something turns
    narrow, nothing is changed and False: the checks run one at a time.
    On the demo: one audit of the largest group instead of 14 (bench/notes.md)."""
    before = set(verdict.unprotected)
    back: list[Key] = []
    for key in sorted(before, key=repr):
        found = publishable(key)
        back.extend(k for k in found or () if k not in back)
    if len(back) < 2 or not set(back) <= before:
        return False
    return _publish_unless_narrowing(system, threshold, verdict, back, connected)


def _candidates(
    system: System,
    key: Key,
    index: Mapping[Key, list[Relation]],
    unit_of: Mapping[Key, Key],
) -> list[Key]:
    """The nearest published quantities that can be hidden: those in a
    relation with ``key``; else in a relation with an unknown that shares
    one with it; and so on outwards (a ranking's first places reach each
    other only through the rank counts, which are never published)."""
    seen = {key}
    visited: set[int] = set()
    hidden, auxiliary = system.hidden, system.auxiliary
    frontier = [key]
    while frontier:
        relations = []
        for k in frontier:
            for relation in index.get(k, []):
                if id(relation) not in visited:
                    visited.add(id(relation))
                    relations.append(relation)
        terms = [k for relation in relations for k, _a in relation.terms]
        found = {k for k in terms if k in unit_of and k not in hidden and k not in auxiliary}
        if found:
            return sorted(found, key=repr)
        frontier = list(
            dict.fromkeys(k for k in terms if (k in hidden or k in auxiliary) and k not in seen)
        )
        seen.update(frontier)
    return []
