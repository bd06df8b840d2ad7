"""Pure: the report's aggregates derived from one ``AnswerCube`` (read by
``survey.analysis.aggregates.answer_cube``).

The cube holds answer rows per (variable, cell, code) and, for multiple
choice, distinct respondents per (variable, cell). A response is in exactly
one cell (its mode and its codes on the dimension questions), so every
figure of the whole survey is a sum over cells, and no further pass over
the answers table is needed:

- code counts: answer rows per (variable, code), summed over the cells;
- shown / valid respondents of a multiple-choice variable: summed over the
  cells (a respondent is counted in one cell only);
- responses per cell (the raking input): a single-valued dimension question
  has at most one answer row per response, so the responses of a cell with a
  code on dimension ``i`` are its answer rows of that dimension variable with
  that code; the responses in no such cell (every dimension not shown, left
  empty, or no answer row at all) are the survey's responses minus those.

Orders are fixed (variable, then code or cell codes, None first) so that the
floating-point sums built from them are the same on every engine.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

CellKey = tuple[Any, ...]
"""A response's codes on the survey's dimension questions (None: not answered)."""


@dataclass(frozen=True)
class AnswerCube:
    """The answers of a survey grouped by their response's stored cell: two
    GROUP BYs over the answers table instead of one per figure. Everything
    the report counts is a sum over these rows (a response is in exactly one
    cell)."""

    cells: dict[int, tuple[str, CellKey]]
    """``cell_id`` -> (mode, dimension codes; None = not answered)."""
    counts: list[tuple[int, int, int | None, int]]
    """``(variable_id, cell_id, code, answer rows)``; code None = shown, left empty."""
    respondents: list[tuple[int, int, int, int]]
    """``(variable_id, cell_id, shown respondents, valid respondents)`` of
    the respondent variables (multiple choice): distinct responses with any
    answer row, and with at least one code that is a non-missing option."""


class InconsistentCube(ValueError):
    """The stored cells do not describe the answers (answers without a cell,
    or more responses in the cells than in the survey): the database was not
    migrated (``flask db upgrade`` gives every answer its cell)."""


def _null_first(value: Any) -> tuple[bool, Any]:
    return (value is not None, value)


def _cell_order(cell: CellKey) -> tuple[tuple[bool, Any], ...]:
    return tuple(map(_null_first, cell))


def code_counts(cube: AnswerCube) -> dict[int, dict[int | None, int]]:
    """``{variable_id: {code: answer rows}}`` over the whole survey (code
    None = shown, left empty), variables and codes in ascending order."""
    totals: dict[tuple[int, int | None], int] = defaultdict(int)
    for variable_id, _cell, code, n in cube.counts:
        totals[(variable_id, code)] += n
    result: dict[int, dict[int | None, int]] = {}
    for variable_id, code in sorted(totals, key=lambda k: (k[0], _null_first(k[1]))):
        result.setdefault(variable_id, {})[code] = totals[(variable_id, code)]
    return result


def respondents(cube: AnswerCube) -> tuple[dict[int, int], dict[int, int]]:
    """(valid, shown) respondents per multiple-choice variable: responses
    with at least one non-missing option chosen, and responses to which the
    question was shown. Variables without any such response are absent."""
    valid: dict[int, int] = defaultdict(int)
    shown: dict[int, int] = defaultdict(int)
    for variable_id, _cell, n_shown, n_valid in sorted(cube.respondents):
        shown[variable_id] += n_shown
        if n_valid:
            valid[variable_id] += n_valid
    return dict(valid), dict(shown)


def cell_ranks(cells: Mapping[int, tuple[str, CellKey]]) -> dict[int, int]:
    """``cell_id`` -> its place among the cells sorted by (mode, codes),
    None first: rows are sorted on this integer instead of comparing the
    cells' codes row by row."""
    order = sorted(cells, key=lambda c: (cells[c][0], _cell_order(cells[c][1])))
    return {cell_id: rank for rank, cell_id in enumerate(order)}


Column = Any
"""A cross-tab column: a dimension code, None, or a mode."""


class CodeRows:
    """The cube's ``(variable_id, cell_id, code, answer rows)`` rows of some variables, held as
    numpy columns of small integers: the cross-tabs and the weighted tallies
    add up ~20,000 rows by four groupings of the cells, which in C costs a
    fraction of one dict update per row and grouping in Python."""

    def __init__(
        self, rows: Sequence[tuple[int, int, int | None, int]], variable_ids: Collection[int]
    ) -> None:
        wanted = set(variable_ids)
        rows = [row for row in rows if row[0] in wanted]
        known = [row[2] for row in rows if row[2] is not None]
        # None sorts first as one below the smallest code.
        absent = min(known) - 1 if known else 0
        variables, self.variable = _positions([row[0] for row in rows])
        codes, self.code = _positions([absent if row[2] is None else row[2] for row in rows])
        self.variables: list[int] = variables
        self.codes: list[int | None] = [None if c == absent else c for c in codes]
        self.cell_ids, self.cell = _positions([row[1] for row in rows])
        self.n: npt.NDArray[np.float64] = np.array([row[3] for row in rows], dtype=np.float64)

    def _keys(
        self, column_of: Mapping[int, Column], skip: int | None
    ) -> tuple[list[Column], int, npt.NDArray[np.intp], npt.NDArray[np.bool_]]:
        """The columns in order of first use, their number (at least 1), each
        row's key (variable, code, column) and which rows count (not those
        of variable ``skip``)."""
        columns: dict[Column, int] = {}
        column = np.array(
            [columns.setdefault(column_of[c], len(columns)) for c in self.cell_ids], dtype=np.intp
        )
        width = max(len(columns), 1)
        key: npt.NDArray[np.intp] = (self.variable * len(self.codes) + self.code) * width + column[
            self.cell
        ]
        keep = np.ones(len(key), dtype=bool)
        if skip in self.variables:
            keep = self.variable != self.variables.index(skip)
        return list(columns), width, key, keep

    def _rows(
        self, sums: npt.NDArray[Any], width: int, names: list[Column]
    ) -> list[tuple[int, int | None, Column, float]]:
        """The non-zero ``sums`` (indexed by key) as ``(variable_id, code,
        column, sum)``."""
        found = np.flatnonzero(sums)
        rest, column_index = np.divmod(found, width)
        variable_index, code_index = np.divmod(rest, len(self.codes))
        variables, codes = self.variables, self.codes
        return [
            (variables[v], codes[c], names[k], total)
            for v, c, k, total in zip(
                variable_index.tolist(),
                code_index.tolist(),
                column_index.tolist(),
                sums[found].tolist(),
                strict=True,
            )
        ]

    def tally(
        self, column_of: Mapping[int, Column], skip: int | None = None
    ) -> list[tuple[int, int | None, Column, int]]:
        """``(variable_id, code, column, answer rows)``: the rows added up by
        the column of their cell (``column_of``: cell_id -> column), the
        rows of variable ``skip`` left out (a dimension is not
        cross-tabulated by itself); in no particular order."""
        names, width, key, keep = self._keys(column_of, skip)
        # Sums of integer counts far below 2**53: exact in float64.
        sums = np.bincount(key[keep], weights=self.n[keep])
        return [(v, c, k, round(n)) for v, c, k, n in self._rows(sums, width, names)]

    def weighted_tally(
        self,
        column_of: Mapping[int, Column],
        cell_weight: Mapping[int, float],
        ranks: Mapping[int, int],
        skip: int | None = None,
    ) -> list[tuple[int, int | None, Column, float]]:
        """``(variable_id, code, column, sum of weights)``: like ``tally``,
        with each answer row counting its cell's weight (``cell_weight``:
        cell_id -> weight; a cell without one, of incomplete responses,
        counts nothing). The terms are added in the order (variable, code,
        cell rank), so the floating-point sums are the same on every engine.
        Only keys with a weight are returned, in no particular order."""
        if not len(self.n):
            return []
        names, width, key, keep = self._keys(column_of, skip)
        weight = np.array([cell_weight.get(c, 0.0) for c in self.cell_ids], dtype=np.float64)
        rank = np.array([ranks[c] for c in self.cell_ids], dtype=np.intp)
        values = self.n * weight[self.cell]
        order = np.lexsort((rank[self.cell], self.code, self.variable))
        order = order[(keep & (values > 0))[order]]
        # bincount adds its weights in the order given.
        return self._rows(np.bincount(key[order], weights=values[order]), width, names)

    def regrouped(
        self, ranks: Mapping[int, int], group_of: Mapping[int, tuple[Any, ...]]
    ) -> list[tuple[tuple[Any, ...], int, int | None, int]]:
        """``(group, variable_id, code, answer rows)``: the rows added up by
        the group of their cell (``group_of``: cell_id -> group, e.g. the
        weighting cell), in the order in which each key first occurs when
        the rows are sorted by (cell rank, variable, code), None first: the
        order the weighted tallies add their floating-point terms in."""
        if not len(self.n):
            return []
        rank = np.array([ranks[c] for c in self.cell_ids], dtype=np.intp)
        order = np.lexsort((self.code, self.variable, rank[self.cell]))
        groups: dict[tuple[Any, ...], int] = {}
        group = np.array(
            [groups.setdefault(group_of[c], len(groups)) for c in self.cell_ids], dtype=np.intp
        )
        key = (group[self.cell] * len(self.variables) + self.variable) * len(self.codes) + self.code
        unique, first, inverse = np.unique(key[order], return_index=True, return_inverse=True)
        sums = np.bincount(inverse.ravel(), weights=self.n[order])
        by_first = np.argsort(first)
        rest, code_index = np.divmod(unique[by_first], len(self.codes))
        group_index, variable_index = np.divmod(rest, len(self.variables))
        names, variables, codes = list(groups), self.variables, self.codes
        return [
            (names[g], variables[v], codes[c], n)
            for g, v, c, n in zip(
                group_index.tolist(),
                variable_index.tolist(),
                code_index.tolist(),
                sums[by_first].astype(np.int64).tolist(),
                strict=True,
            )
        ]


def _positions(values: list[Any]) -> tuple[list[Any], npt.NDArray[np.intp]]:
    """The distinct values in ascending order, and each value's place among them."""
    distinct, inverse = np.unique(np.array(values, dtype=np.int64), return_inverse=True)
    return distinct.tolist(), inverse.ravel().astype(np.intp)


def cell_valid_rows(cube: AnswerCube) -> list[tuple[int, int, int]]:
    """``(cell_id, variable_id, valid respondents)`` of the multiple-choice
    variables, cells without a valid respondent left out, sorted by (the
    cell's mode and codes, variable), None first."""
    rank = cell_ranks(cube.cells)
    keyed = sorted(
        (rank[cell_id], variable_id, cell_id, n_valid)
        for variable_id, cell_id, _shown, n_valid in cube.respondents
        if n_valid
    )
    return [(cell_id, variable_id, n) for _r, variable_id, cell_id, n in keyed]


def responses_per_cell(
    cube: AnswerCube,
    dimension_variable_ids: Sequence[int],
    responses: int,
    positions: Sequence[int],
) -> dict[CellKey, int]:
    """Responses per combination of codes on the dimensions at
    ``positions`` (indexes into the cells' codes; None = not shown, left
    empty or no answer row), keys sorted None first: what raking works on.
    ``responses`` is the survey's number of responses; the ones that have
    no code on any dimension (including responses without any answer row,
    which have no cell) fill the all-None key. Raises ``InconsistentCube``
    when the cube contradicts that (more responses in cells than in the
    survey)."""
    rows: dict[tuple[int, int, int], int] = {}
    dimension_set = set(dimension_variable_ids)
    for variable_id, cell_id, code, n in cube.counts:
        if variable_id in dimension_set and code is not None:
            rows[(variable_id, cell_id, code)] = n
    totals: dict[CellKey, int] = defaultdict(int)
    placed = 0
    for cell_id, (_mode, codes) in cube.cells.items():
        for variable_id, code in zip(dimension_variable_ids, codes, strict=True):
            if code is not None:
                n = rows.get((variable_id, cell_id, code), 0)
                if n:
                    totals[tuple(codes[i] for i in positions)] += n
                    placed += n
                break
    rest = responses - placed
    if rest < 0:
        raise InconsistentCube(
            f"the answer cells hold {placed} responses, the survey only {responses}"
        )
    if rest:
        totals[tuple(None for _ in positions)] += rest
    return {key: totals[key] for key in sorted(totals, key=_cell_order)}
