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
  the margins) to the margins (``survey.analysis.weighting.rake``). Margins
  given in the settings replace the consultation's; the consultation's
  stored margins describe the resident population, so they weight citizen
  surveys only.
- The rule for respondents the margins cannot place: a response without a
  valid answer on a weighting dimension (not shown, left empty, a
  ``missing: true`` option), or with a category the margins lack (sex
  "Anders" against Statbel's two sexes), is left out of the raking and of
  every weighted figure, and counted in the unweighted ones. The report
  lists how many, per dimension and category (``WeightData.exclusions``):
  never a silent weight 0. Unless the planner declares a category the code
  is weighted with (``WeightingChoices.into``), or has unanswered
  dimensions weighted on the others (``WeightingChoices.unanswered``).
- The choices of collapsing and of the unanswered are the consultation's
  (``Consultation.weighting``, set by a planner on the margins page), each
  overridden by the settings when they name it (the command line).
- Sparse categories are raked together with a neighbour
  (``survey.analysis.collapsing``); the weights are looked up by each
  response's own cell all the same.
- When weighting is impossible (margins of a dimension no question has, a
  margin category without respondents, no complete response yet, ...) the
  report is built unweighted and says why (``ReportData.weighting_problem``),
  from the first response on; it never fails for it.
- Every figure is a sum over the cube's cells; sums of weights run in the
  order of the cells sorted by (mode, codes), None first, so they are the
  same on every engine.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal, cast

from survey.analysis import aggregates, collapsing, cube
from survey.analysis.aggregates import SurveyAggregates
from survey.analysis.inputs import CrossCounts, CrossDimension, WeightBase
from survey.analysis.intervals import summarise_numbers
from survey.analysis.settings import ReportError, ReportSettings, WeightingChoices
from survey.analysis.tables import UNKNOWN_COLUMN, WeightedCounts, WeightedNumbers
from survey.analysis.weighting import (
    RakingResult,
    WeightingError,
    kish_effective_n,
    rake,
    weighted_tally,
)
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


ExclusionReason = Literal["no_answer", "not_in_margins"]


@dataclass(frozen=True, slots=True)
class Exclusion:
    """Responses left out of the weighting for one dimension: without a valid
    answer on it (``code`` None), or with a category the margins lack. A
    response lacking two dimensions is counted under both."""

    dimension: str
    code: int | None
    reason: ExclusionReason
    responses: int


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
    cell_weights: dict[int, float] = field(default_factory=dict)
    """The weight of every stored cell (``ResponseCell.id``) of a complete
    response; cells of incomplete responses are absent."""
    exclusions: tuple[Exclusion, ...] = ()
    raked: dict[str, frozenset[int]] = field(default_factory=dict)
    """Per dimension raked on, the codes of its margins with a population
    that were raked on alone (their weighted shares are the margins)."""
    collapsed: collapsing.Collapsing = field(
        default_factory=lambda: collapsing.Collapsing(collapsing.DEFAULT_MINIMUM)
    )
    """Which categories were raked together, and the dimensions that
    dropped out (``survey.analysis.collapsing``)."""
    unanswered: dict[str, int] = field(default_factory=dict)
    """Per dimension raked on, the responses without an answer on it that
    were weighted on the other dimensions (``collapsing.hold_unanswered``)."""


@dataclass(frozen=True)
class DimensionCounts:
    """The cross-tab counts of one dimension for every closed variable."""

    dimension: CrossDimension
    counts: dict[int, dict[tuple[int | None, Any], int]]
    """Per variable: answer rows per (code, column)."""
    respondents: dict[int, dict[Any, int]]
    """Per multiple-choice variable: valid respondents per column."""
    weighted: dict[int, dict[tuple[int | None, Any], float]] | None = None
    """When weighted: per variable the sum of weights per (code, column)."""
    weighted_respondents: dict[int, dict[Any, float]] | None = None
    """When weighted: per multiple-choice variable, the weighted valid
    respondents per column."""


@dataclass(frozen=True)
class ReportData:
    """One survey's report data; the builders read it by variable name."""

    aggregates: SurveyAggregates
    consultation: Consultation
    """The consultation row, loaded once: the priority matrix and the
    free-text themes read its phenomena, weights and lexicon."""
    crosstab_counts: list[DimensionCounts] = field(default_factory=list)
    weighting: WeightData | None = None
    weighting_problem: tuple[str, dict[str, Any]] | None = None
    """Why the report is not weighted although margins were given: a
    ``WeightingError`` code (or ``unknown_margin_dimension``) and its
    details; the report says it in words."""

    def _variable_id(self, variable: str) -> int | None:
        row = self.aggregates.variables.get(variable)
        return None if row is None else row.id

    def has(self, variable: str) -> bool:
        """True when the survey stores this variable."""
        return variable in self.aggregates.variables

    def counts(self, variable: str) -> Mapping[int | None, int]:
        """Unweighted answers per code of a variable (``None``: no answer)."""
        variable_id = self._variable_id(variable)
        return {} if variable_id is None else self.aggregates.counts.get(variable_id, {})

    def respondents(self, variable: str) -> tuple[int, int]:
        """Respondents with a valid answer and respondents without one (counts)."""
        variable_id = self._variable_id(variable)
        if variable_id is None:
            return 0, 0
        return (
            self.aggregates.valid_respondents.get(variable_id, 0),
            self.aggregates.shown_respondents.get(variable_id, 0),
        )

    def numbers(self, variable: str) -> Sequence[tuple[float, int]]:
        """``(value, answers)`` pairs of a number variable, as SQL groups them."""
        variable_id = self._variable_id(variable)
        return [] if variable_id is None else self.aggregates.numbers.get(variable_id, [])

    def crosstabs(self, variable: str) -> Sequence[CrossCounts]:
        """The unweighted cross-tabs of a variable by every cross-tab dimension."""
        variable_id = self._variable_id(variable)
        if variable_id is None:
            return []
        return [
            CrossCounts(
                found.dimension,
                found.counts.get(variable_id, {}),
                found.respondents.get(variable_id, {}),
                None if found.weighted is None else found.weighted.get(variable_id, {}),
                (
                    None
                    if found.weighted_respondents is None
                    else found.weighted_respondents.get(variable_id, {})
                ),
            )
            for found in self.crosstab_counts
        ]

    def _raked(self, variable: str) -> frozenset[int] | None:
        """The margin codes when ``variable`` is the question of a dimension
        raked on (its weighted shares are the margins)."""
        weighting = self.weighting
        if weighting is None:
            return None
        for dimension, codes in weighting.raked.items():
            question = self.aggregates.dimensions.get(dimension)
            if question is not None and question.key == variable:
                return codes
        return None

    def weighted(
        self, variables: Sequence[str], valid_codes: Collection[int], base: WeightBase = "answers"
    ) -> WeightedCounts | None:
        """The weighted tally of the valid codes of ``variables`` (weights of the raking),
        on a base of answers or respondents; None in an unweighted report."""
        weighting = self.weighting
        if weighting is None:
            return None
        first = self._variable_id(variables[0])
        raked = self._raked(variables[0]) if len(variables) == 1 else None
        if first is None:
            return WeightedCounts({}, 0.0, 0.0, raked)
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
        tally = weighted_tally(rows, valid_codes, weighting.result.weights, base_rows)
        return tally if raked is None else replace(tally, raked=raked)

    def weighted_numbers(self, variable: str) -> WeightedNumbers | None:
        """The weighted ``(value, weighted answers)`` pairs of a number variable and
        their Kish effective n; None in an unweighted report."""
        weighting = self.weighting
        if weighting is None:
            return None
        variable_id = self._variable_id(variable)
        cells = [] if variable_id is None else self.aggregates.number_cells.get(variable_id, [])
        weights = weighting.cell_weights
        totals: dict[float, float] = defaultdict(float)
        pairs: list[tuple[float, float]] = []
        # Rows come by value, then cell: the sums run in the same order everywhere.
        for cell_id, value, n in cells:
            weight = weights.get(cell_id)
            if weight is None:
                continue
            totals[value] += weight * n
            pairs.append((weight, n))
        effective_n = kish_effective_n(pairs)
        summary = (
            summarise_numbers(sorted(totals.items()), effective_n=effective_n) if pairs else None
        )
        return WeightedNumbers(summary, effective_n)


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
    margins = report_margins(session, found, settings)
    rows: cube.CodeRows | None = None
    valid_rows: list[tuple[int, int, int]] = []
    if found.responses and (settings.crosstabs or margins):
        # Banded numbers too: their band codes are weighted like options.
        closed_ids = [
            found.variables[spec.name].id
            for question, spec in found.definition.variables()
            if (question.qtype.tallied or question.spec.get("bands"))
            and spec.name in found.variables
        ]
        # The answers grouped by the mode and every dimension of their response
        # (its cell); cross-tabs and weighted tallies are sums over these rows.
        rows = cube.CodeRows(found.cube.counts, closed_ids)
        valid_rows = cube.cell_valid_rows(found.cube)
    choices = weighting_choices(session, found, settings)
    weighting, problem = weigh(found, margins, settings, choices, rows, valid_rows)
    crosstabs = (
        _crosstab_counts(found, rows, valid_rows, settings.language, weighting)
        if rows is not None and settings.crosstabs
        else []
    )
    return ReportData(found, consultation, crosstabs, weighting, problem)


def report_margins(
    session: DbSession, found: SurveyAggregates, settings: ReportSettings
) -> dict[str, dict[int, float]]:
    """The margins a report of ``found`` rakes to: those of the settings, or
    the consultation's stored margins for a citizen survey, or none."""
    if settings.margins is not None:
        return {d: {int(c): float(v) for c, v in m.items()} for d, m in settings.margins.items()}
    if found.survey.audience != "citizen":
        return {}
    return {
        d: {c: float(v) for c, v in m.items()}
        for d, m in aggregates.margins(session, found.survey.consultation_id).items()
    }


def weighting_choices(
    session: DbSession, found: SurveyAggregates, settings: ReportSettings
) -> WeightingChoices:
    """Collapsing and the unanswered as a report of ``found`` weights them:
    the consultation's stored choices, overridden by those ``settings`` name."""
    consultation = aggregates.consultation_of(session, found.survey.consultation_id)
    return settings.weighting_choices(WeightingChoices.from_stored(consultation.weighting))


def weigh(
    found: SurveyAggregates,
    margins: dict[str, dict[int, float]],
    settings: ReportSettings,
    choices: WeightingChoices,
    rows: cube.CodeRows | None,
    valid_rows: list[tuple[int, int, int]],
) -> tuple[WeightData | None, tuple[str, dict[str, Any]] | None]:
    """The raking of ``found`` to ``margins``, or why it is impossible
    (``(kind, details)``); ``(None, None)`` without margins. ``choices``:
    collapsing and the unanswered (``ReportSettings.weighting_choices``)."""
    if not margins:
        return None, None
    unknown = [d for d in margins if d not in found.dimensions]
    if unknown:
        return None, ("unknown_margin_dimension", {"dimension": unknown[0]})
    try:
        return _weighting(found, margins, settings, choices, rows, valid_rows), None
    except WeightingError as exc:
        return None, (exc.code, _plain(exc.details))


def _plain(details: Mapping[str, Any]) -> dict[str, Any]:
    """Details of a weighting error as JSON values (a cell key becomes a list)."""
    return {
        name: list(value) if isinstance(value, tuple) else value for name, value in details.items()
    }


def _crosstab_counts(
    found: SurveyAggregates,
    rows: cube.CodeRows,
    valid_rows: list[tuple[int, int, int]],
    language: str,
    weighting: WeightData | None,
) -> list[DimensionCounts]:
    cells = found.cube.cells
    names = list(found.dimensions)
    ranks = cube.cell_ranks(cells)
    result = []
    for name in (*CROSSTAB_DIMENSIONS, MODE_DIMENSION):
        skip: int | None = None
        column_of: dict[int, Any]
        if name == MODE_DIMENSION:
            present = [m for m in MODE_CODES if found.by_mode.get(m)]
            dimension = CrossDimension(name, tuple(present), {m: MODE_LABELS[m] for m in present})
            column_of = {cell_id: mode for cell_id, (mode, _codes) in cells.items()}
        else:
            question = found.dimensions.get(name)
            if question is None:
                continue
            groups = question.dimension_codes(language)
            dimension = CrossDimension(name, tuple(groups.valid), groups.labels)
            index = names.index(name)
            column_of = {cell_id: codes[index] for cell_id, (_mode, codes) in cells.items()}
            skip = found.variables[question.key].id
        known = set(dimension.columns)
        column_of = {c: (v if v in known else UNKNOWN_COLUMN) for c, v in column_of.items()}
        counts: dict[int, dict[tuple[int | None, Any], int]] = defaultdict(dict)
        for variable, code, column, n in rows.tally(column_of, skip=skip):
            key = (code, column)
            counts[variable][key] = counts[variable].get(key, 0) + n
        valid: dict[int, dict[Any, int]] = defaultdict(dict)
        for cell_id, variable, n in valid_rows:
            column = column_of[cell_id]
            valid[variable][column] = valid[variable].get(column, 0) + n
        weighted: dict[int, dict[tuple[int | None, Any], float]] | None = None
        weighted_valid: dict[int, dict[Any, float]] | None = None
        if weighting is not None:
            weights = weighting.cell_weights
            weighted = defaultdict(dict)
            for variable, code, column, total in rows.weighted_tally(
                column_of, weights, ranks, skip=skip
            ):
                weighted[variable][(code, column)] = total
            weighted_valid = defaultdict(dict)
            # ``valid_rows`` come sorted by cell rank: the same sums everywhere.
            for cell_id, variable, n in valid_rows:
                weight = weights.get(cell_id)
                if weight is not None:
                    column = column_of[cell_id]
                    found_valid = weighted_valid[variable]
                    found_valid[column] = found_valid.get(column, 0.0) + weight * n
            weighted, weighted_valid = dict(weighted), dict(weighted_valid)
        result.append(
            DimensionCounts(dimension, dict(counts), dict(valid), weighted, weighted_valid)
        )
    return result


def _weighting(
    found: SurveyAggregates,
    margins: dict[str, dict[int, float]],
    settings: ReportSettings,
    choices: WeightingChoices,
    rows: cube.CodeRows | None,
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
    plan = _collapsing(found, dimensions, margins, cells, choices, settings.language)
    raked = [d for d in dimensions if d not in plan.dropped]
    if not raked:
        raise WeightingError(
            "all_dimensions_collapsed",
            "every weighting dimension collapsed to a single category",
            dimensions=dimensions,
        )
    raked_cells: dict[tuple[Any, ...], float] = defaultdict(float)
    for cell, share in cells.items():
        raked_cells[plan.cell(dimensions, cell)] += share
    # A code the margins do not have (e.g. sex "other" against Statbel's two
    # sexes) and no declared merge cannot be raked: such responses are left
    # out, and counted.
    raked_margins = plan.margins(margins)
    unanswered: dict[str, int] = {}
    if plan.unanswered:
        raked_margins, unanswered = collapsing.hold_unanswered(raked_cells, raked, raked_margins)
    raking = rake(
        raked_cells,
        cast(Mapping[str, Mapping[Any, float]], raked_margins),
        trim=settings.trim,
        dimensions=raked,
        on_unknown_code="exclude",
    )
    result = _per_cell(raking, plan, dimensions, cells)

    # A few hundred cells for thousands of rows: each is cleaned once.
    stored = found.cube.cells
    weighting_cell = {
        cell_id: _clean_cell(tuple(codes[i] for i in positions), missing)
        for cell_id, (_mode, codes) in stored.items()
    }
    code_rows: dict[int, list[CellRow]] = defaultdict(list)
    if rows is not None:
        for group, variable, code, n in rows.regrouped(cube.cell_ranks(stored), weighting_cell):
            code_rows[variable].append((group, code, n))
    totals: dict[tuple[tuple[Any, ...], int], int] = {}
    for cell_id, variable, n in valid_rows:
        key = (weighting_cell[cell_id], variable)
        totals[key] = totals.get(key, 0) + n
    respondents: dict[int, list[tuple[tuple[Any, ...], int]]] = defaultdict(list)
    for (group, variable), n in totals.items():
        respondents[variable].append((group, n))
    cell_weights = {
        cell_id: result.weights[group]
        for cell_id, group in weighting_cell.items()
        if group in result.weights
    }
    return WeightData(
        dimensions,
        result,
        margins,
        dict(cells),
        dict(code_rows),
        dict(respondents),
        cell_weights,
        _exclusions(dimensions, raw_cells, missing, margins, plan),
        # Weights that stop short of the margins do not make a dimension's
        # shares the margins: its tables are then weighted estimates.
        {
            d: frozenset(c for c, p in margins[d].items() if p > 0 and c not in plan.merged(d))
            for d in raked
        }
        if raking.converged
        else {},
        plan,
        unanswered,
    )


def _collapsing(
    found: SurveyAggregates,
    dimensions: list[str],
    margins: Mapping[str, Mapping[int, float]],
    cells: Mapping[tuple[Any, ...], float],
    choices: WeightingChoices,
    language: str,
) -> collapsing.Collapsing:
    """Which weighting categories are raked together (``survey.analysis.collapsing``):
    banded dimensions (age) are ordered, the others nominal."""
    into = {d: dict(m) for d, m in choices.into.items() if d in margins}
    ordered = {
        d: found.dimensions[d].dimension_codes(language).valid
        for d in dimensions
        if found.dimensions[d].spec.get("bands")
    }
    counts = collapsing.sample_counts(cells, dimensions, margins, into)
    return collapsing.collapse(
        counts,
        margins,
        choices.minimum,
        ordered=ordered,
        into=into,
        unanswered=choices.unanswered,
    )


def _per_cell(
    raking: RakingResult,
    plan: collapsing.Collapsing,
    dimensions: list[str],
    cells: Mapping[tuple[Any, ...], float],
) -> RakingResult:
    """The raking on merged categories with its weights (and trimmed cells)
    keyed by the responses' own cells, as every weighted figure looks them up."""
    weights: dict[tuple[Any, ...], float] = {}
    trimmed = set()
    for cell in cells:
        merged = plan.cell(dimensions, cell)
        weight = raking.weights.get(merged)
        if weight is not None:
            weights[cell] = weight
            if merged in raking.trimmed_cells:
                trimmed.add(cell)
    return replace(raking, weights=weights, trimmed_cells=frozenset(trimmed))


def _exclusions(
    dimensions: list[str],
    raw_cells: Mapping[tuple[Any, ...], int],
    missing: list[frozenset[int]],
    margins: Mapping[str, Mapping[int, float]],
    plan: collapsing.Collapsing,
) -> tuple[Exclusion, ...]:
    """Why responses got no weight, per dimension and code (see the module
    docstring), in the order of the dimensions, then no answer first, then
    by code. A dimension that dropped out of the raking leaves out only
    codes its margins cannot place; a code the margins lack but merged by
    declaration is weighted."""
    found: dict[tuple[int, int | None], int] = defaultdict(int)
    for cell, n in raw_cells.items():
        problems = [
            (index, None if code is None or code in miss else code)
            for index, (code, miss) in enumerate(zip(cell, missing, strict=True))
            if _left_out(dimensions[index], None if code in miss else code, margins, plan)
        ]
        for key in problems:
            found[key] += n
    return tuple(
        Exclusion(
            dimensions[index],
            code,
            "no_answer" if code is None else "not_in_margins",
            n,
        )
        for (index, code), n in sorted(
            found.items(), key=lambda item: (item[0][0], item[0][1] is not None, item[0][1] or 0)
        )
    )


def _left_out(
    dimension: str,
    code: int | None,
    margins: Mapping[str, Mapping[int, float]],
    plan: collapsing.Collapsing,
) -> bool:
    """Whether a response's (cleaned) code leaves it out of the weighting:
    no answer on a dimension raked on, or a code the margins lack and no
    declaration merges."""
    if code is None:
        return dimension not in plan.dropped and not plan.unanswered
    return plan.code(dimension, code) not in margins[dimension]


def _clean_cell(cell: tuple[Any, ...], missing: list[frozenset[int]]) -> tuple[Any, ...]:
    return tuple(
        None if code is None or code in miss else code
        for code, miss in zip(cell, missing, strict=True)
    )
