"""Collecting one survey's report data: its aggregates
(``survey.analysis.aggregates``, the only database access), the cross-tab
counts per dimension and, with population margins, the raking weights and
the weighted rows. ``ReportData`` is what the table builders read
(``survey.analysis.inputs.SurveyFigures``).

Rules:

- Cross-tabs and weighted tallies count the codes of the variables whose
  question type tallies them (``QuestionType.tallied``: answer options).
- Cross-tabs group by ``CROSSTAB_DIMENSIONS`` (those the survey has) and the
  response mode. A response without a valid code on a dimension (not shown,
  left empty, a ``missing: true`` option) is in the unknown group (None). A
  dimension question is not cross-tabulated by its own dimension.
- Weighting rakes the complete responses (a valid code on every dimension of
  the margins) to the margins (``survey.analysis.weighting.rake``; a code
  the margins do not have makes a response incomplete). Margins given in
  the settings replace the consultation's; the consultation's stored
  margins describe the resident population, so they weight citizen surveys
  only.
- Every figure is a sum over the cube's cells; sums of weights run in the
  order of the cells sorted by (mode, codes), None first, so they are the
  same on every engine.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from survey.analysis import aggregates, cube
from survey.analysis.aggregates import SurveyAggregates
from survey.analysis.inputs import CrossCounts, CrossDimension, WeightBase
from survey.analysis.settings import ReportError, ReportSettings
from survey.analysis.tables import UNKNOWN_COLUMN, WeightedCounts
from survey.analysis.weighting import RakingResult, WeightingError, rake, weighted_tally
from survey.extensions import DbSession
from survey.models import Consultation

CROSSTAB_DIMENSIONS = ("district", "age", "sex")
"""The dimensions of the cross-tabs, in this order; then the response mode."""
MODE_DIMENSION = "mode"
MODE_CODES = ("web", "paper", "import")
MODE_LABELS = {"web": "online", "paper": "paper", "import": "import"}
"""Mode labels in the report JSON (the writers translate them)."""

CellRow = tuple[tuple[Any, ...], int | None, int]
"""``(weighting cell, code, answer rows)`` of one variable."""


@dataclass(frozen=True)
class WeightData:
    """The raking of one report: the margins used (in the order raked), the
    result (a weight per complete cell) and the responses per weighting
    cell, incomplete ones included."""

    dimensions: list[str]
    result: RakingResult
    margins: dict[str, dict[int, float]]
    cells: dict[tuple[Any, ...], float]
    code_rows: dict[int, list[CellRow]]
    """Per variable: answer rows per (weighting cell, code), cells in order."""
    valid_rows: dict[int, list[tuple[tuple[Any, ...], int]]]
    """Per multiple-choice variable: valid respondents per weighting cell."""


@dataclass(frozen=True)
class DimensionCounts:
    """The cross-tab counts of one dimension for every closed variable."""

    dimension: CrossDimension
    counts: dict[int, dict[tuple[int | None, Any], int]]
    """Per variable: answer rows per (code, column)."""
    respondents: dict[int, dict[Any, int]]
    """Per multiple-choice variable: valid respondents per column."""


@dataclass(frozen=True)
class ReportData:
    """One survey's report data; the builders read it by variable name."""

    aggregates: SurveyAggregates
    consultation: Consultation
    """The consultation row, loaded once: the priority matrix and the
    free-text themes read its phenomena, weights and lexicon."""
    crosstab_counts: list[DimensionCounts] = field(default_factory=list)
    weighting: WeightData | None = None

    def _variable_id(self, variable: str) -> int | None:
        row = self.aggregates.variables.get(variable)
        return None if row is None else row.id

    def has(self, variable: str) -> bool:
        return variable in self.aggregates.variables

    def counts(self, variable: str) -> Mapping[int | None, int]:
        variable_id = self._variable_id(variable)
        return {} if variable_id is None else self.aggregates.counts.get(variable_id, {})

    def respondents(self, variable: str) -> tuple[int, int]:
        variable_id = self._variable_id(variable)
        if variable_id is None:
            return 0, 0
        return (
            self.aggregates.valid_respondents.get(variable_id, 0),
            self.aggregates.shown_respondents.get(variable_id, 0),
        )

    def numbers(self, variable: str) -> Sequence[tuple[float, int]]:
        variable_id = self._variable_id(variable)
        return [] if variable_id is None else self.aggregates.numbers.get(variable_id, [])

    def crosstabs(self, variable: str) -> Sequence[CrossCounts]:
        variable_id = self._variable_id(variable)
        if variable_id is None:
            return []
        return [
            CrossCounts(
                found.dimension,
                found.counts.get(variable_id, {}),
                found.respondents.get(variable_id, {}),
            )
            for found in self.crosstab_counts
        ]

    def weighted(
        self, variables: Sequence[str], valid_codes: Collection[int], base: WeightBase = "answers"
    ) -> WeightedCounts | None:
        weighting = self.weighting
        first = self._variable_id(variables[0])
        if weighting is None or first is None:
            return None
        ids = [i for i in map(self._variable_id, variables) if i is not None]
        rows = [row for i in ids for row in weighting.code_rows.get(i, [])]
        base_rows: Iterable[tuple[tuple[Any, ...], int]] | None = None
        if base == "respondents":
            base_rows = weighting.valid_rows.get(first, [])
        elif base == "first":
            base_rows = [
                (cell, n)
                for cell, code, n in weighting.code_rows.get(first, [])
                if code in valid_codes
            ]
        return weighted_tally(rows, valid_codes, weighting.result.weights, base_rows)


def collect(session: DbSession, key: str, settings: ReportSettings) -> ReportData:
    """Read survey ``key`` and derive its cross-tab counts and weights."""
    try:
        survey = aggregates.find_survey(session, key)
        found = aggregates.survey_aggregates(session, survey)
    except aggregates.SurveyNotFound as exc:
        raise ReportError(f"there is no survey with key {key}") from exc
    except cube.InconsistentCube as exc:
        raise ReportError(f"the answers of survey {key} cannot be counted: {exc}") from exc
    consultation = aggregates.consultation_of(session, survey.consultation_id)
    margins: dict[str, dict[int, float]] = (
        {d: {int(c): float(v) for c, v in m.items()} for d, m in settings.margins.items()}
        if settings.margins is not None
        else {
            d: {c: float(v) for c, v in m.items()}
            for d, m in aggregates.margins(session, survey.consultation_id).items()
        }
        if survey.audience == "citizen"
        else {}
    )
    unknown = [d for d in margins if d not in found.dimensions]
    if unknown:
        raise ReportError(
            f"the margins name dimension {unknown[0]!r}, but no question of survey "
            f"{key} has that dimension",
            kind="unknown_margin_dimension",
            dimension=unknown[0],
        )
    if not found.responses or not (settings.crosstabs or margins):
        return ReportData(found, consultation)
    closed_ids = [
        found.variables[spec.name].id
        for question, spec in found.definition.variables()
        if question.qtype.tallied and spec.name in found.variables
    ]
    # The answers grouped by the mode and every dimension of their response
    # (its cell); cross-tabs and weighted tallies are sums over these rows.
    rows = cube.CodeRows(found.cube.counts, closed_ids)
    valid_rows = cube.cell_valid_rows(found.cube)
    return ReportData(
        found,
        consultation,
        _crosstab_counts(found, rows, valid_rows, settings.language) if settings.crosstabs else [],
        _weighting(found, margins, settings, rows, valid_rows) if margins else None,
    )


def _crosstab_counts(
    found: SurveyAggregates,
    rows: cube.CodeRows,
    valid_rows: list[tuple[int, int, int]],
    language: str,
) -> list[DimensionCounts]:
    cells = found.cube.cells
    names = list(found.dimensions)
    result = []
    for name in (*CROSSTAB_DIMENSIONS, MODE_DIMENSION):
        if name == MODE_DIMENSION:
            present = [m for m in MODE_CODES if found.by_mode.get(m)]
            dimension = CrossDimension(name, tuple(present), {m: MODE_LABELS[m] for m in present})
            column_of = {cell_id: mode for cell_id, (mode, _codes) in cells.items()}
            tally = rows.tally(column_of)
        else:
            question = found.dimensions.get(name)
            if question is None:
                continue
            groups = question.dimension_codes(language)
            dimension = CrossDimension(name, tuple(groups.valid), groups.labels)
            index = names.index(name)
            column_of = {cell_id: codes[index] for cell_id, (_mode, codes) in cells.items()}
            tally = rows.tally(column_of, skip=found.variables[question.key].id)
        known = set(dimension.columns)
        counts: dict[int, dict[tuple[int | None, Any], int]] = defaultdict(dict)
        for variable, code, column, n in tally:
            key = (code, column if column in known else UNKNOWN_COLUMN)
            counts[variable][key] = counts[variable].get(key, 0) + n
        valid: dict[int, dict[Any, int]] = defaultdict(dict)
        for cell_id, variable, n in valid_rows:
            column = column_of[cell_id]
            column = column if column in known else UNKNOWN_COLUMN
            valid[variable][column] = valid[variable].get(column, 0) + n
        result.append(DimensionCounts(dimension, dict(counts), dict(valid)))
    return result


def _weighting(
    found: SurveyAggregates,
    margins: dict[str, dict[int, float]],
    settings: ReportSettings,
    rows: cube.CodeRows,
    valid_rows: list[tuple[int, int, int]],
) -> WeightData:
    names = list(found.dimensions)
    dimensions = list(margins)
    positions = [names.index(d) for d in dimensions]
    try:
        raw_cells = cube.responses_per_cell(
            found.cube, found.dimension_ids, found.responses, positions
        )
    except cube.InconsistentCube as exc:
        raise ReportError(f"weighting is not possible: {exc}") from exc
    # A missing-coded answer on a dimension makes the response incomplete.
    missing = [found.dimensions[d].dimension_codes(settings.language).missing for d in dimensions]
    cells: dict[tuple[Any, ...], float] = defaultdict(float)
    for cell, n in raw_cells.items():
        cells[_clean_cell(cell, missing)] += n
    try:
        # A code the margins do not have (e.g. sex "other" against Statbel's
        # two sexes) cannot be raked: such responses count as incomplete.
        result = rake(
            cells,
            cast(Mapping[str, Mapping[Any, float]], margins),
            trim=settings.trim,
            dimensions=dimensions,
            on_unknown_code="exclude",
        )
    except WeightingError as exc:
        raise ReportError(
            f"weighting is not possible: {exc}", kind=exc.code, **exc.details
        ) from exc

    # A few hundred cells for thousands of rows: each is cleaned once.
    stored = found.cube.cells
    weighting_cell = {
        cell_id: _clean_cell(tuple(codes[i] for i in positions), missing)
        for cell_id, (_mode, codes) in stored.items()
    }
    code_rows: dict[int, list[CellRow]] = defaultdict(list)
    for group, variable, code, n in rows.regrouped(cube.cell_ranks(stored), weighting_cell):
        code_rows[variable].append((group, code, n))
    totals: dict[tuple[tuple[Any, ...], int], int] = {}
    for cell_id, variable, n in valid_rows:
        key = (weighting_cell[cell_id], variable)
        totals[key] = totals.get(key, 0) + n
    respondents: dict[int, list[tuple[tuple[Any, ...], int]]] = defaultdict(list)
    for (group, variable), n in totals.items():
        respondents[variable].append((group, n))
    return WeightData(dimensions, result, margins, dict(cells), dict(code_rows), dict(respondents))


def _clean_cell(cell: tuple[Any, ...], missing: list[frozenset[int]]) -> tuple[Any, ...]:
    return tuple(
        None if code is None or code in miss else code
        for code, miss in zip(cell, missing, strict=True)
    )
