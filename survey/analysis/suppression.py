"""Disclosure control: which published cells must be hidden. Pure functions over counts.

All inputs are **unweighted counts**. The functions return *masks*: the set of keys
whose count, percentage, weighted percentage and intervals must be replaced by
``null`` / "x" in every format. Weighted figures are suppressed on the unweighted
count of the same cell, never on a weighted count.

Rules (contract section 3, default threshold 10):

1. **Primary**: a cell with an unweighted count of 1 .. threshold-1 is suppressed.
   A zero is never suppressed by this rule (it reveals nobody).
2. **Complementary, one table** (:func:`suppress_table`): the options of a single or
   scale question, of one matrix row, or one column of a cross-tab add up to the
   published ``valid``; so a table never keeps exactly one suppressed cell, and
   its suppressed cells add up to at least the threshold. Until they do, the
   cell with the next smallest count is suppressed too (ties: the lowest code).
   Following the contract literally, the second cell may be a **zero**; past the
   second, zeros come last (they add nothing to the hidden total), and
   ``nonzero_complement=True`` prefers non-zero cells for the second one too.
   Tables that do not add up to a published total (``multiple``, ``ranking``)
   only get the primary rule (:func:`primary_suppression`).
3. **Cross-tabs** (:func:`suppress_crosstab`): rows x columns with published row
   totals, column totals and grand total (= ``valid``). Totals in 1 .. threshold-1
   are suppressed like cells. Then, until nothing changes: every row, every column,
   the row of column totals and the column of row totals is a *line* adding up to
   a published total; no line may have exactly one suppressed entry, and the
   suppressed entries of a line add up to at least the threshold (fixed as in
   rule 2, preferring interior cells over totals on equal counts). Finally, a
   suppressed entry can still be recomputed from the linear equations without any
   line having exactly one hidden entry (a *bridge* in the graph of lines and
   hidden entries, e.g. two groups of hidden cells linked by one cell); such entries
   get one more complementary entry linking both sides, again the smallest count.
   After this no hidden entry is determined exactly by the published figures.
   Bounds from non-negativity (interval disclosure) are audited afterwards over
   the whole report (``survey.analysis.audit``), which hides more where needed.

:func:`base_flag` is the separate rule for percentages: on a base (valid n) below 30
they are hidden, below 100 they are shown but flagged as unreliable.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, Literal, TypeVar

from survey.analysis.ordering import code_order

K = TypeVar("K", bound=Hashable)
R = TypeVar("R", bound=Hashable)
C = TypeVar("C", bound=Hashable)

DEFAULT_THRESHOLD = 10
HIDE_BELOW = 30
FLAG_BELOW = 100

BaseFlag = Literal["hidden", "unreliable", "ok"]


def base_flag(n: float, hide_below: float = HIDE_BELOW, flag_below: float = FLAG_BELOW) -> BaseFlag:
    """Flag for percentages on a base of ``n`` valid answers (unweighted).

    ``"hidden"`` when ``n < hide_below`` (default 30): show counts (subject to
    suppression) but no percentages; ``"unreliable"`` when ``n < flag_below``
    (default 100): show percentages with a warning; ``"ok"`` otherwise.
    """
    if n < hide_below:
        return "hidden"
    if n < flag_below:
        return "unreliable"
    return "ok"


def is_primary(count: float, threshold: int = DEFAULT_THRESHOLD) -> bool:
    """True when an unweighted count is in 1 .. threshold-1 (rule 1)."""
    return 0 < count < threshold


def primary_suppression(counts: Mapping[K, float], threshold: int = DEFAULT_THRESHOLD) -> set[K]:
    """Keys whose count is 1 .. threshold-1; for tables without a published total."""
    return {key for key, count in counts.items() if is_primary(count, threshold)}


def suppress_table(
    counts: Mapping[K, float],
    threshold: int = DEFAULT_THRESHOLD,
    *,
    nonzero_complement: bool = False,
    already: Iterable[K] = (),
) -> set[K]:
    """Suppressed keys of one table whose counts add up to a published total.

    Primary suppression, then, while exactly one key is suppressed or the
    suppressed counts add up to less than ``threshold``, the key with the next
    smallest count (ties: the lowest code) is added: each of the hidden cells
    of a line is then known only to lie between 0 and their total, an
    interval at least ``threshold`` wide (the disclosure audit's rule for a
    table that is one line). ``already`` seeds keys
    that another table forced to be hidden. A one-cell table cannot be protected
    this way: its total *is* the cell, so the caller must hide the total as well.
    """
    suppressed = primary_suppression(counts, threshold) | set(already)
    while suppressed and (
        len(suppressed) == 1 or sum(counts.get(k, 0) for k in suppressed) < threshold
    ):
        # Two hidden cells of 3 and 4 in a line are each known to be 0 .. 7:
        # the hidden cells of a line must add up to at least the threshold.
        candidates = [key for key in counts if key not in suppressed]
        if not candidates:
            break
        # A zero adds nothing to the hidden total: past the second cell, non-zero first.
        skip_zeros = nonzero_complement or len(suppressed) > 1
        suppressed.add(
            min(
                candidates,
                key=lambda k: (skip_zeros and counts[k] == 0, counts[k], code_order(k)),
            )
        )
    return suppressed


@dataclass(frozen=True)
class CrosstabSuppression(Generic[R, C]):
    """Mask of a cross-tab: hidden cells and hidden row and column totals."""

    cells: frozenset[tuple[R, C]]
    row_totals: frozenset[R]
    column_totals: frozenset[C]
    unprotected: tuple[tuple[str, Any], ...] = ()
    """Entries that no complementary suppression could protect, as (kind, key) with
    kind ``"cell"``, ``"row_total"`` or ``"column_total"``; empty when fully protected.
    Happens only in degenerate tables (one row or one column)."""


# Entries of the extended table: ("cell", (r, c)), ("row_total", r), ("column_total", c).
_Entry = tuple[str, Any]
_Line = tuple[str, Any]
_GROUND: _Line = ("ground", None)


def suppress_crosstab(
    counts: Mapping[tuple[R, C], float],
    threshold: int = DEFAULT_THRESHOLD,
    *,
    row_totals_published: bool = True,
    column_totals_published: bool = True,
    nonzero_complement: bool = False,
    suppressed_row_totals: Iterable[R] = (),
    suppressed_column_totals: Iterable[C] = (),
) -> CrosstabSuppression[R, C]:
    """Suppression mask of a cross-tab ``{(row, column): count}`` (rule 3).

    Rows and columns are the keys seen in ``counts``; absent combinations count as
    zero cells. Row totals are usually also published elsewhere (the overall table
    of the question), so they are protected by default; if the overall table hid
    some totals, pass them in ``suppressed_row_totals`` and, conversely, hide in
    the overall table every row total this function returns.
    """
    rows = sorted({key[0] for key in counts}, key=code_order)
    columns = sorted({key[1] for key in counts}, key=code_order)
    table = _ExtendedTable.build(
        counts, rows, columns, row_totals_published, column_totals_published, nonzero_complement
    )
    suppressed: set[_Entry] = {
        e for e, count in table.value.items() if is_primary(count, threshold)
    }
    suppressed.update(
        ("row_total", r) for r in suppressed_row_totals if ("row_total", r) in table.value
    )
    suppressed.update(
        ("column_total", c) for c in suppressed_column_totals if ("column_total", c) in table.value
    )
    unprotected: set[_Entry] = set()
    while True:
        _close_single_lines(
            table.lines, suppressed, unprotected, table.order, table.value, threshold
        )
        bridge = _first_bridge(suppressed, table.endpoints, unprotected)
        if bridge is None:
            break
        link = _linking_entry(table, bridge, suppressed)
        if link is None:
            unprotected.add(bridge)
        else:
            suppressed.add(link)
    return CrosstabSuppression(
        cells=frozenset(key for kind, key in suppressed if kind == "cell"),
        row_totals=frozenset(key for kind, key in suppressed if kind == "row_total"),
        column_totals=frozenset(key for kind, key in suppressed if kind == "column_total"),
        unprotected=tuple(sorted(unprotected, key=lambda e: (e[0], code_order(e[1])))),
    )


@dataclass(frozen=True)
class _ExtendedTable:
    """A cross-tab with its published totals: every entry's count, and the lines
    (equations) that add entries up to a published total."""

    value: dict[_Entry, float]
    lines: dict[_Line, list[_Entry]]
    nonzero_complement: bool

    @classmethod
    def build(
        cls,
        counts: Mapping[tuple[Any, Any], float],
        rows: list[Any],
        columns: list[Any],
        row_totals_published: bool,
        column_totals_published: bool,
        nonzero_complement: bool,
    ) -> _ExtendedTable:
        """Cells (absent combinations are zeros), the published totals, the lines."""
        value: dict[_Entry, float] = {}
        for r in rows:
            for c in columns:
                value[("cell", (r, c))] = float(counts.get((r, c), 0))
        # Unpublished totals are not entries at all: nothing to hide, nothing to solve.
        lines: dict[_Line, list[_Entry]] = {}
        if row_totals_published:
            for r in rows:
                value[("row_total", r)] = sum(value[("cell", (r, c))] for c in columns)
                lines[("row", r)] = [("cell", (r, c)) for c in columns] + [("row_total", r)]
        if column_totals_published:
            for c in columns:
                value[("column_total", c)] = sum(value[("cell", (r, c))] for r in rows)
                lines[("column", c)] = [("cell", (r, c)) for r in rows] + [("column_total", c)]
        # The grand total closes these two lines; it is `valid` and always published.
        if column_totals_published:
            lines[("column_totals", None)] = [("column_total", c) for c in columns]
        if row_totals_published:
            lines[("row_totals", None)] = [("row_total", r) for r in rows]
        return cls(value, lines, nonzero_complement)

    def endpoints(self, entry: _Entry) -> tuple[_Line, _Line]:
        """The two lines an entry belongs to (``_GROUND`` for an unpublished one)."""
        kind, key = entry
        if kind == "cell":
            first: _Line = ("row", key[0])
            second: _Line = ("column", key[1])
        elif kind == "row_total":
            first, second = ("row", key), ("row_totals", None)
        else:
            first, second = ("column_totals", None), ("column", key)
        lines = self.lines
        return (first if first in lines else _GROUND, second if second in lines else _GROUND)

    def order(self, entry: _Entry) -> tuple[Any, ...]:
        """Which complement first: the smallest count (zeros last with
        ``nonzero_complement``), a cell before a total, then the lowest code."""
        count = self.value[entry]
        return (
            self.nonzero_complement and count == 0,
            count,
            entry[0] != "cell",
            code_order(entry[1]),
        )


def _linking_entry(table: _ExtendedTable, bridge: _Entry, suppressed: set[_Entry]) -> _Entry | None:
    """The published entry to hide so that ``bridge`` lies on a cycle: the first in
    :meth:`_ExtendedTable.order` that joins the two sides the bridge separates."""
    side_a, side_b = _sides(bridge, suppressed, table.endpoints)
    candidates = [
        e
        for e in table.value
        if e not in suppressed
        and (
            (table.endpoints(e)[0] in side_a and table.endpoints(e)[1] in side_b)
            or (table.endpoints(e)[0] in side_b and table.endpoints(e)[1] in side_a)
        )
    ]
    return min(candidates, key=table.order) if candidates else None


@dataclass(frozen=True)
class RowMask:
    """Hidden cells and row totals of a cross-tab whose rows add up to a
    published total but whose columns do not (multiple choice, ranking)."""

    cells: frozenset[tuple[Any, Any]]
    row_totals: frozenset[Any]


_TOTAL = ("total",)


def protect_rows(
    cells: Mapping[tuple[K, C], float], threshold: int, hidden_totals: Iterable[K]
) -> RowMask:
    """Rule 3 for a cross-tab of respondents (multiple choice, ranking): each
    option row (its cells across the groups plus its overall count) is one
    line: primary suppression, and never exactly one hidden entry (then the
    next smallest cell; the overall count only when no cell is left). A
    respondent can be in several rows, so rows do not add up to anything
    across options and there are no column lines. ``hidden_totals`` are the
    overall counts the question's own table hides."""
    hidden = set(hidden_totals)
    rows: dict[K, dict[Any, float]] = defaultdict(dict)
    for (code, column), n in cells.items():
        rows[code][column] = n
    hidden_cells: set[tuple[Any, Any]] = set()
    hidden_rows: set[Any] = set()
    for code, row in rows.items():
        line: dict[Any, float] = dict(row)
        line[_TOTAL] = sum(row.values()) + 10**9  # the total comes last
        already = {_TOTAL} if code in hidden else set()
        mask = suppress_table(line, threshold, already=already)
        hidden_cells.update((code, column) for column in mask if column != _TOTAL)
        if _TOTAL in mask:
            hidden_rows.add(code)
    return RowMask(frozenset(hidden_cells), frozenset(hidden_rows))


def _close_single_lines(
    lines: Mapping[_Line, list[_Entry]],
    suppressed: set[_Entry],
    unprotected: set[_Entry],
    order: Any,
    value: Mapping[_Entry, float],
    threshold: int,
) -> None:
    """Rule 3, first part: no line keeps exactly one suppressed entry, and the
    suppressed entries of a line add up to at least ``threshold``."""
    changed = True
    while changed:
        changed = False
        for entries in lines.values():
            hidden = [e for e in entries if e in suppressed]
            if not hidden or (len(hidden) > 1 and sum(value[e] for e in hidden) >= threshold):
                continue
            if all(e in unprotected for e in hidden):
                continue
            candidates = [e for e in entries if e not in suppressed]
            if candidates:
                if len(hidden) > 1:
                    # Too small a hidden total: a zero would not add to it.
                    candidates = [e for e in candidates if value[e] > 0] or candidates
                suppressed.add(min(candidates, key=order))
                changed = True
            elif len(hidden) == 1:
                unprotected.add(hidden[0])


def _first_bridge(
    suppressed: set[_Entry], endpoints: Any, unprotected: set[_Entry]
) -> _Entry | None:
    """A hidden entry the equations determine: a bridge of the line graph.

    Vertices are lines (equations), edges the hidden entries (unknowns, each in two
    lines). Unknowns on a cycle can shift along it without changing any line sum;
    an edge on no cycle is fixed by the equations on one side of it. Entries of
    unpublished lines hang on the equation-free ``ground`` vertex, where any cycle
    may close. Tables are small, so each edge is tested by removing it.
    """
    edges = sorted(suppressed, key=lambda e: (e[0], code_order(e[1])))
    for edge in edges:
        if edge in unprotected:
            continue
        start, end = endpoints(edge)
        if start == end:
            continue
        if end not in _reachable(start, [e for e in edges if e != edge], endpoints):
            return edge
    return None


def _sides(
    bridge: _Entry, suppressed: set[_Entry], endpoints: Any
) -> tuple[set[_Line], set[_Line]]:
    others = [e for e in suppressed if e != bridge]
    start, end = endpoints(bridge)
    return _reachable(start, others, endpoints), _reachable(end, others, endpoints)


def _reachable(start: _Line, edges: list[_Entry], endpoints: Any) -> set[_Line]:
    neighbours: dict[_Line, list[_Line]] = {}
    for edge in edges:
        a, b = endpoints(edge)
        neighbours.setdefault(a, []).append(b)
        neighbours.setdefault(b, []).append(a)
    seen = {start}
    stack = [start]
    while stack:
        for nxt in neighbours.get(stack.pop(), []):
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return seen
