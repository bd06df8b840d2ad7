"""Pure: the report's aggregates derived from one ``queries.AnswerCube``.

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
from collections.abc import Collection, Sequence
from typing import Any

from survey.analysis.queries import AnswerCube, CellKey


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


def _cell_ranks(cube: AnswerCube) -> dict[int, int]:
    """``cell_id`` -> its place among the cells sorted by (mode, codes),
    None first: rows are sorted on this integer instead of comparing the
    cells' codes row by row."""
    order = sorted(cube.cells, key=lambda c: (cube.cells[c][0], _cell_order(cube.cells[c][1])))
    return {cell_id: rank for rank, cell_id in enumerate(order)}


def cell_code_rows(
    cube: AnswerCube, variable_ids: Collection[int]
) -> list[tuple[int, int, int | None, int]]:
    """``(cell_id, variable_id, code, answer rows)`` of the given variables,
    sorted by (the cell's mode and codes, variable, code), None first: the
    rows of the cross-tabs and of the weighted tallies (``cube.cells`` gives
    each cell's mode and codes; the callers look them up once per cell, not
    once per row)."""
    wanted = set(variable_ids)
    rank = _cell_ranks(cube)
    # (rank, variable, code) is unique (the cube is grouped by cell,
    # variable and code), so the plain tuple order is the wanted order and
    # the trailing items are never compared.
    keyed = [
        (rank[cell_id], variable_id, code is not None, code or 0, cell_id, code, n)
        for variable_id, cell_id, code, n in cube.counts
        if variable_id in wanted
    ]
    keyed.sort()
    return [(cell_id, variable_id, code, n) for _r, variable_id, _k, _c, cell_id, code, n in keyed]


def cell_valid_rows(cube: AnswerCube) -> list[tuple[int, int, int]]:
    """``(cell_id, variable_id, valid respondents)`` of the multiple-choice
    variables, cells without a valid respondent left out, sorted like
    ``cell_code_rows``."""
    rank = _cell_ranks(cube)
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
) -> dict[CellKey, int] | None:
    """Responses per combination of codes on the dimensions at
    ``positions`` (indexes into the cells' codes; None = not shown, left
    empty or no answer row), keys sorted None first: what raking works on.
    ``responses`` is the survey's number of responses; the ones that have
    no code on any dimension (including responses without any answer row,
    which have no cell) fill the all-None key. Returns None when the cube
    contradicts that (more responses in cells than in the survey)."""
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
        return None
    if rest:
        totals[tuple(None for _ in positions)] += rest
    return {key: totals[key] for key in sorted(totals, key=_cell_order)}
