"""The input report model: one plain dict (JSON-ready) that every writer
renders, so the numbers are the same in every format.

``build_report`` collects SQL aggregates (``survey.analysis.queries``, the
only database access) into ``SurveyData`` and hands them to pure functions
that apply the rules of contract section 3:

- ``valid``: shown and answered with a non-missing code; ``missing``: shown
  and left empty or answered with a ``missing: true`` code (for multiple
  choice: shown, and no non-missing option chosen). Not shown = not counted.
- ``percent`` = count / valid x 100, rounded to 2 decimals; ``ci95`` the
  Wilson 95 % interval in percent, rounded to 2 decimals. Missing options
  are listed with their count and ``percent: null``.
- Multiple choice: % of respondents who chose at least one (valid) option.
  Ranking: ``chosen_count`` / ``chosen_percent`` (any rank), ``first_count``
  and ``borda`` (N points for first place down to 1).
- Numbers: mean, median and the interval of the mean (two decimals).
- Weighting (when margins are given): complete responses are raked on the
  dimensions of the margins; every option gets ``weighted_percent`` and
  ``weighted_ci95`` (Wilson on the Kish effective n of that question's valid
  answers); the unweighted count stays beside it.
- Disclosure control: counts 1..threshold-1 are suppressed (count, percent
  and intervals null, ``suppressed: true``), with complementary suppression
  for tables that add up to a published total and for cross-tabs (their
  row and column totals included). ``base_flag``: percentages on a base
  below 30 are hidden, below 100 flagged ``unreliable``.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, cast

from survey.analysis import cube, queries, tagging
from survey.analysis.intervals import summarise_numbers, weighted_wilson_interval, wilson_interval
from survey.analysis.suppression import (
    DEFAULT_THRESHOLD,
    base_flag,
    primary_suppression,
    suppress_crosstab,
    suppress_table,
)
from survey.analysis.weighting import RakingResult, WeightingError, kish_effective_n, rake
from survey.definitions.definition import OptionDef, QuestionDef, SurveyDefinition, definition_of
from survey.extensions import DbSession
from survey.i18n import text_for
from survey.models import Consultation

REPORT_FORMAT = 1
CLOSED_TYPES = frozenset({"single", "scale", "matrix", "multiple", "ranking"})
# Dimensions of the cross-tabs, in this order; "mode" is the response mode.
CROSSTAB_DIMENSIONS = ("district", "age", "sex", "mode")
MODE_CODES = ("web", "paper", "import")
UNKNOWN = None  # the column of responses without a (valid) answer on the dimension

Json = dict[str, Any]


class ReportError(Exception):
    """The report cannot be built (unknown survey, unusable margins).

    The message is a plain English sentence (the command line prints it);
    ``kind`` names the problem for the planners' pages, which say it in
    their language with ``details``: ``unknown_margin_dimension``
    (dimension), a ``WeightingError`` code with its details, or ``other``."""

    def __init__(self, message: str, /, kind: str = "other", **details: Any) -> None:
        super().__init__(message)
        self.kind = kind
        self.details: dict[str, Any] = details


@dataclass(frozen=True)
class ReportSettings:
    """What a planner may choose. ``margins`` (``{dimension: {code:
    population}}``) replaces the consultation's stored margins; ``trim`` caps
    weights at that multiple of the mean (no trimming by default)."""

    threshold: int = DEFAULT_THRESHOLD
    margins: Mapping[str, Mapping[int, float]] | None = None
    trim: float | None = None
    language: str = "nl"
    seed: int = 2026
    bootstrap_samples: int = 400
    crosstabs: bool = True


def r2(value: float | None) -> float | None:
    return None if value is None else round(float(value), 2)


def interval(bounds: tuple[float, float] | None) -> list[float] | None:
    if bounds is None:
        return None
    return [round(bounds[0], 2), round(bounds[1], 2)]


def percent(count: float, base: float) -> float | None:
    return round(count / base * 100.0, 2) if base > 0 else None


# --- collected data -------------------------------------------------------------


@dataclass
class CrosstabData:
    """Raw cross-tab aggregates of one dimension."""

    dimension: str
    question_key: str | None
    columns: list[Any]
    """Valid dimension codes, in option order (mode: web, paper, import)."""
    labels: dict[Any, str]
    missing_codes: frozenset[int]
    counts: list[tuple[int, int | None, Any, int]]
    valid_respondents: list[tuple[int, Any, int]]


@dataclass
class WeightData:
    dimensions: list[str]
    result: RakingResult
    margins: dict[str, dict[int, float]]
    code_rows: list[tuple[tuple[Any, ...], int, int | None, int]]
    valid_rows: list[tuple[tuple[Any, ...], int, int]]
    cells: dict[tuple[Any, ...], float] = field(default_factory=dict)


@dataclass
class SurveyData:
    """Everything the report of one survey needs, as aggregates."""

    key: str
    title: dict[str, str]
    audience: str
    consultation_key: str
    consultation_title: str
    definition: SurveyDefinition
    responses: int
    by_mode: dict[str, int]
    variables: dict[str, queries.VariableRow]
    counts: dict[int, dict[int | None, int]]
    valid_respondents: dict[int, int]
    shown_respondents: dict[int, int]
    numbers: dict[int, list[tuple[float, int]]]
    consultation: Consultation
    """The consultation row, loaded once: the priority matrix and the
    free-text themes read its phenomena, weights and lexicon."""
    crosstabs: list[CrosstabData] = field(default_factory=list)
    weighting: WeightData | None = None


def dimension_questions(definition: SurveyDefinition) -> dict[str, QuestionDef]:
    """Dimension name -> the question that gives it (the first one wins)."""
    found: dict[str, QuestionDef] = {}
    for question in definition.questions:
        dimension = question.dimension
        if dimension and dimension not in found and question.type in {"single", "scale", "number"}:
            found[dimension] = question
    return found


def band_labels(question: QuestionDef) -> dict[int, str]:
    """Labels of the band codes of a banded number: 1 = "16-29", ..., k+1 = "65+"."""
    bands = question.spec.get("bands") or {}
    edges = [float(e) for e in bands.get("edges", [])]
    labels: dict[int, str] = {}
    for index, low in enumerate(edges):
        code = index + 1
        if index + 1 < len(edges):
            high = edges[index + 1]
            labels[code] = f"{_num(low)}-{_num(high - 1)}"
        else:
            labels[code] = f"{_num(low)}+"
    return labels


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def dimension_codes(
    question: QuestionDef, language: str
) -> tuple[list[int], dict[Any, str], set[int]]:
    """(valid codes in order, labels, missing codes) of a dimension question."""
    if question.type == "number":
        labels: dict[Any, str] = dict(band_labels(question))
        return list(labels), labels, set()
    valid = [o.code for o in question.options if not o.missing]
    labels = {o.code: text_for(o.label, language) for o in question.options}
    return valid, labels, {o.code for o in question.options if o.missing}


def collect(session: DbSession, key: str, settings: ReportSettings) -> SurveyData:
    """Run the aggregate queries of one survey (see ``queries``)."""
    try:
        survey = queries.find_survey(session, key)
    except queries.SurveyNotFound as exc:
        raise ReportError(f"there is no survey with key {key}") from exc
    definition = definition_of(survey)
    variable_rows = queries.variables(session, survey.id)
    by_name = {v.name: v for v in variable_rows}
    multiple_ids = [
        by_name[q.key].id for q in definition.questions if q.type == "multiple" and q.key in by_name
    ]
    number_ids = [
        by_name[q.key].id for q in definition.questions if q.type == "number" and q.key in by_name
    ]
    consultation = queries.consultation_of(session, survey.consultation_id)
    dims = {d: q for d, q in dimension_questions(definition).items() if q.key in by_name}
    cell_dims = list(dims)
    dim_ids = [by_name[dims[d].key].id for d in cell_dims]
    # Two GROUP BYs over the answers give every count below (see
    # ``survey.analysis.cube``); answers without a usable stored cell fall
    # back to one query per figure.
    answer_cube = queries.answer_cube(
        session, survey.id, [v.id for v in variable_rows], multiple_ids, dim_ids
    )
    by_mode = queries.responses_by_mode(session, survey.id)
    if answer_cube is not None:
        counts = cube.code_counts(answer_cube)
        valid_respondents, shown_respondents = cube.respondents(answer_cube)
    else:
        counts = queries.code_counts(session, survey.id)
        valid_respondents = queries.valid_respondents(session, multiple_ids)
        shown_respondents = queries.shown_respondents(session, multiple_ids)
    data = SurveyData(
        key=survey.key,
        title=dict(definition.raw.get("title", {})),
        audience=survey.audience,
        consultation_key=consultation.key,
        consultation_title=consultation.title,
        definition=definition,
        # Every response has a mode (NOT NULL): the modes add up to all.
        responses=sum(by_mode.values()),
        by_mode=by_mode,
        variables=by_name,
        counts=counts,
        valid_respondents=valid_respondents,
        shown_respondents=shown_respondents,
        numbers=queries.number_values(session, number_ids),
        consultation=consultation,
    )
    closed_ids = [v.id for _q, v in _closed_variables(definition, by_name)]
    margins: dict[str, dict[int, float]] = (
        {d: {int(c): float(v) for c, v in m.items()} for d, m in settings.margins.items()}
        if settings.margins is not None
        else {
            d: {c: float(v) for c, v in m.items()}
            for d, m in queries.margins(session, consultation.id).items()
        }
        # The consultation's margins describe the resident population.
        if survey.audience == "citizen"
        else {}
    )
    unknown = [d for d in margins if d not in dims]
    if unknown:
        raise ReportError(
            f"the margins name dimension {unknown[0]!r}, but no question of survey "
            f"{data.key} has that dimension",
            kind="unknown_margin_dimension",
            dimension=unknown[0],
        )
    if not data.responses or not (settings.crosstabs or margins):
        return data
    # The answers grouped by the mode and every dimension of their response
    # (its cell); cross-tabs and weighted tallies are sums over these rows.
    cells: Mapping[int, tuple[str, tuple[Any, ...]]]
    if answer_cube is not None:
        cells = answer_cube.cells
        rows = cube.CodeRows(answer_cube.counts, closed_ids)
        valid_rows = cube.cell_valid_rows(answer_cube)
    else:
        cells, numbered, valid_rows = _numbered_cells(
            queries.cell_code_counts(session, survey.id, closed_ids, dim_ids),
            queries.cell_valid_respondents(session, survey.id, multiple_ids, dim_ids),
        )
        rows = cube.CodeRows(numbered, closed_ids)
    if settings.crosstabs:
        for dimension in CROSSTAB_DIMENSIONS:
            if dimension == "mode":
                mode_of = {cell_id: mode for cell_id, (mode, _codes) in cells.items()}
                data.crosstabs.append(
                    CrosstabData(
                        dimension="mode",
                        question_key=None,
                        columns=[m for m in MODE_CODES if data.by_mode.get(m)],
                        labels={},
                        missing_codes=frozenset(),
                        counts=rows.tally(mode_of),
                        valid_respondents=_tally_valid(valid_rows, mode_of),
                    )
                )
                continue
            question = dims.get(dimension)
            if question is None:
                continue
            codes, labels, missing = dimension_codes(question, settings.language)
            index = cell_dims.index(dimension)
            column_of = {cell_id: cell[index] for cell_id, (_mode, cell) in cells.items()}
            data.crosstabs.append(
                CrosstabData(
                    dimension=dimension,
                    question_key=question.key,
                    columns=list(codes),
                    labels=labels,
                    missing_codes=frozenset(missing),
                    counts=rows.tally(column_of, skip=by_name[question.key].id),
                    valid_respondents=_tally_valid(valid_rows, column_of),
                )
            )
    if margins:
        data.weighting = _collect_weighting(
            session,
            survey.id,
            data,
            margins,
            settings,
            cell_dims,
            (cells, rows, valid_rows),
            answer_cube,
        )
    return data


CellRows = tuple[
    Mapping[int, tuple[str, tuple[Any, ...]]],
    cube.CodeRows,
    list[tuple[int, int, int]],
]
"""Cells by id (mode, dimension codes), the answer rows per (variable,
cell, code) and ``(cell_id, variable_id, valid respondents)`` sorted by
(the cell's mode and codes, variable), None first."""


def _numbered_cells(
    code_rows: list[tuple[str, tuple[Any, ...], int, int | None, int]],
    valid_rows: list[tuple[str, tuple[Any, ...], int, int]],
) -> tuple[
    dict[int, tuple[str, tuple[Any, ...]]],
    list[tuple[int, int, int | None, int]],
    list[tuple[int, int, int]],
]:
    """The per-figure queries' rows (keyed by mode and codes) as the cube's
    (keyed by a cell number), in the same order."""
    ids: dict[tuple[str, tuple[Any, ...]], int] = {}
    rows = [(v, ids.setdefault((mode, cell), len(ids)), c, n) for mode, cell, v, c, n in code_rows]
    valid = [(ids.setdefault((mode, cell), len(ids)), v, n) for mode, cell, v, n in valid_rows]
    return {cell_id: key for key, cell_id in ids.items()}, rows, valid


def _tally_valid(
    rows: list[tuple[int, int, int]], column_of: Mapping[int, Any]
) -> list[tuple[int, Any, int]]:
    """``(variable_id, column, valid respondents)`` added up by column."""
    totals: dict[tuple[int, Any], int] = {}
    get = totals.get
    for cell_id, variable_id, n in rows:
        key = (variable_id, column_of[cell_id])
        totals[key] = get(key, 0) + n
    return [(*key, n) for key, n in totals.items()]


def _sum_counts(rows: Iterable[tuple[Any, ...]]) -> list[Any]:
    """Add up rows whose last element is a count, keyed by the others."""
    totals: dict[tuple[Any, ...], int] = {}
    get = totals.get
    for row in rows:
        key = row[:-1]
        totals[key] = get(key, 0) + row[-1]
    return [(*key, n) for key, n in totals.items()]


def _closed_variables(
    definition: SurveyDefinition, by_name: Mapping[str, queries.VariableRow]
) -> list[tuple[QuestionDef, queries.VariableRow]]:
    found = []
    for question, spec in definition.variables():
        if question.type in CLOSED_TYPES and spec.name in by_name:
            found.append((question, by_name[spec.name]))
    return found


def _collect_weighting(
    session: DbSession,
    survey_id: int,
    data: SurveyData,
    margins: dict[str, dict[int, float]],
    settings: ReportSettings,
    cell_dims: list[str],
    cell_rows: CellRows,
    answer_cube: queries.AnswerCube | None,
) -> WeightData:
    dims = dimension_questions(data.definition)
    dimensions = list(margins)
    positions = [cell_dims.index(d) for d in dimensions]
    raw_cells = (
        cube.responses_per_cell(
            answer_cube,
            [data.variables[dims[d].key].id for d in cell_dims],
            data.responses,
            positions,
        )
        if answer_cube is not None
        else None
    )
    if raw_cells is None:
        dim_ids = [data.variables[dims[d].key].id for d in dimensions]
        raw_cells = queries.cell_counts(session, survey_id, dim_ids)
    # A missing-coded answer on a dimension makes the response incomplete.
    missing = [dimension_codes(dims[d], settings.language)[2] for d in dimensions]
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
    cell_ids, rows, valid_rows = cell_rows
    weighting_cell = {
        cell_id: _clean_cell(tuple(codes[i] for i in positions), missing)
        for cell_id, (_mode, codes) in cell_ids.items()
    }
    code_rows = rows.regrouped(cube.cell_ranks(cell_ids), weighting_cell)
    valid = _sum_counts((weighting_cell[cell_id], v, n) for cell_id, v, n in valid_rows)
    return WeightData(dimensions, result, margins, code_rows, valid, dict(cells))


def _clean_cell(cell: tuple[Any, ...], missing: list[set[int]]) -> tuple[Any, ...]:
    return tuple(
        None if code is None or code in miss else code
        for code, miss in zip(cell, missing, strict=True)
    )


def read_margins_csv(text: str) -> dict[str, dict[int, float]]:
    """Parse a margins file ``dimension,code,population`` (header optional).
    Raises ``ReportError`` naming the line of the first problem."""
    margins: dict[str, dict[int, float]] = defaultdict(dict)
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    for number, row in enumerate(reader, start=1):
        if not row or all(not cell.strip() for cell in row):
            continue
        if number == 1 and row[0].strip().lower() == "dimension":
            continue
        if len(row) != 3:
            raise ReportError(f"margins line {number}: expected dimension,code,population")
        dimension, code, population = (cell.strip() for cell in row)
        try:
            code_value = int(code)
            population_value = float(population)
        except ValueError as exc:
            raise ReportError(
                f"margins line {number}: code and population must be numbers"
            ) from exc
        if population_value < 0 or not dimension:
            raise ReportError(f"margins line {number}: a dimension and a population >= 0")
        if code_value in margins[dimension]:
            raise ReportError(f"margins line {number}: {dimension},{code_value} given twice")
        margins[dimension][code_value] = population_value
    if not margins:
        raise ReportError("the margins file has no rows")
    return dict(margins)


# --- building the model ------------------------------------------------------------


def build_report(session: DbSession, key: str, settings: ReportSettings | None = None) -> Json:
    """The report model of survey ``key`` (contract section 3, plus extension
    keys), with the priority matrix of its consultation."""
    from survey.analysis import priority

    settings = settings or ReportSettings()
    data = collect(session, key, settings)
    model = assemble(data, settings)
    model.update(priority.build_priorities(session, data, settings))
    model.update(collect_texts(session, data, model, settings))
    return model


# --- free text and partner input --------------------------------------------------

CONSENT_QUESTION = "vermelding"
QUOTES_PER_THEME = 3


def collect_texts(
    session: DbSession, data: SurveyData, model: Json, settings: ReportSettings
) -> Json:
    """The free-text themes of this survey and the partner input of the
    consultation. Only redacted texts are read; a partner is named only when
    it answered 1 (yes) on the ``vermelding`` question."""
    consultation = data.consultation
    lexicon = tagging.merge_lexicon(tagging.DEFAULT_LEXICON, consultation.lexicon or {})
    labels = {p["phenomenon"]: p["label"] for p in model.get("priorities", [])}
    text_ids = [
        data.variables[q.key].id
        for q in data.definition.questions
        if q.type == "text" and q.key in data.variables
    ]
    result: Json = {
        "free_text": counted_text_themes(
            queries.distinct_texts(session, text_ids), lexicon, labels, settings
        )
    }
    partner_surveys = [
        s for s in queries.consultation_surveys(session, consultation.id) if s.audience == "partner"
    ]
    partner: Json = {"surveys": [], "responses": 0, "by_sector": {}, "quotes": []}
    seen: set[tuple[str, str | None]] = set()
    for other in partner_surveys:
        definition = definition_of(other)
        variables = {v.name: v for v in queries.variables(session, other.id)}
        by_sector = queries.partner_response_count(session, other.id)
        partner["surveys"].append(other.key)
        partner["responses"] += sum(by_sector.values())
        for sector, n in by_sector.items():
            partner["by_sector"][sector] = partner["by_sector"].get(sector, 0) + n
        ids = [
            variables[q.key].id
            for q in definition.questions
            if q.type == "text" and q.key in variables
        ]
        consent = variables.get(CONSENT_QUESTION)
        for row in queries.redacted_texts(session, ids, consent.id if consent else None):
            text = row.redacted.strip()
            if not text or (text, row.partner_name) in seen:
                continue
            seen.add((text, row.partner_name))
            partner["quotes"].append(
                {
                    "text": text,
                    "organisation": row.partner_name,
                    "phenomena": sorted(tagging.tag(text, lexicon)),
                }
            )
    partner["by_sector"] = dict(sorted(partner["by_sector"].items()))
    result["partner_input"] = partner
    return result


def free_text_themes(
    comments: list[tuple[int, str]],
    lexicon: Mapping[str, Any],
    labels: Mapping[str, str],
    settings: ReportSettings,
) -> Json:
    """Pure: comments (id, text) per phenomenon (a comment may have several)
    with representative quotes; theme counts of 1..threshold-1 are
    suppressed. The same as ``counted_text_themes`` over one entry per
    distinct text."""
    lowest: dict[str, int] = {}
    copies: dict[str, int] = defaultdict(int)
    for comment_id, text in comments:
        if text not in lowest or comment_id < lowest[text]:
            lowest[text] = comment_id
        copies[text] += 1
    texts = sorted(((i, text, copies[text]) for text, i in lowest.items()), key=lambda t: t[0])
    return counted_text_themes(texts, lexicon, labels, settings)


def counted_text_themes(
    texts: Iterable[tuple[int, str, int]],
    lexicon: Mapping[str, Any],
    labels: Mapping[str, str],
    settings: ReportSettings,
) -> Json:
    """Pure: the free-text themes from ``(lowest id, text, copies)``, one
    entry per distinct text (``queries.distinct_texts``). Every copy counts
    as a comment, in ``comments``, ``untagged`` and the theme counts; blank
    texts are not comments. A text is tagged once, and only its lowest id
    can be quoted: copies have the same length and keyword hits, so
    ``representative_quotes`` ranks them by id and quotes at most the
    lowest one. Theme counts of 1..threshold-1 are suppressed."""
    counts: dict[str, int] = defaultdict(int)
    tagged: dict[str, list[tuple[int, str]]] = defaultdict(list)
    untagged = 0
    comments = 0
    for comment_id, text, n in sorted(texts, key=lambda t: t[0]):
        if not (text and text.strip()):
            continue
        comments += n
        found = tagging.tag(text, lexicon)
        if not found:
            untagged += n
        for phenomenon in found:
            counts[phenomenon] += n
            tagged[phenomenon].append((comment_id, text))
    hidden = primary_suppression(counts, settings.threshold)
    themes = []
    for phenomenon in sorted(counts, key=lambda p: (-counts[p], p)):
        # Only comments tagged with the phenomenon can be its quotes.
        quotes = tagging.representative_quotes(
            tagged[phenomenon], phenomenon, lexicon, k=QUOTES_PER_THEME
        )
        themes.append(
            {
                "phenomenon": phenomenon,
                "label": labels.get(phenomenon, phenomenon),
                "count": None if phenomenon in hidden else counts[phenomenon],
                "suppressed": phenomenon in hidden,
                "quotes": [q for _i, q in quotes],
            }
        )
    return {
        "comments": comments,
        "untagged": None if 0 < untagged < settings.threshold else untagged,
        "themes": themes,
    }


def assemble(data: SurveyData, settings: ReportSettings) -> Json:
    """Pure: the report dict from collected aggregates."""
    lang = settings.language
    weights = data.weighting.result.weights if data.weighting else None
    wrows = _weighted_rows_by_variable(data.weighting)
    crosstab_cells = _crosstab_cells(data)
    questions: list[Json] = []
    crosstabs: list[Json] = []
    for question in data.definition.questions:
        page = data.definition.pages[question.page_index]
        base: Json = {
            "key": question.key,
            "type": question.type,
            "page": page.key,
            "page_title": text_for(page.title, lang),
            "text": text_for(question.text, lang),
        }
        if question.measure:
            base["measure"] = question.measure
        if question.dimension:
            base["dimension"] = question.dimension
        if question.type in {"single", "scale"}:
            table, tabs = _single_table(
                question, None, data, crosstab_cells, settings, weights, wrows
            )
            base.update(table)
            crosstabs.extend(tabs)
        elif question.type == "matrix":
            rows = []
            for row in question.rows:
                table, tabs = _single_table(
                    question, row.key, data, crosstab_cells, settings, weights, wrows
                )
                rows.append({"key": row.key, "label": text_for(row.label, lang), **table})
                crosstabs.extend(tabs)
            base["rows"] = rows
        elif question.type == "multiple":
            table, tabs = _multiple_table(question, data, crosstab_cells, settings, weights, wrows)
            base.update(table)
            crosstabs.extend(tabs)
        elif question.type == "ranking":
            table, tabs = _ranking_table(question, data, crosstab_cells, settings, weights, wrows)
            base.update(table)
            crosstabs.extend(tabs)
        elif question.type == "number":
            base.update(_number_table(question, data, settings))
        else:
            base.update(_text_table(question, data))
        questions.append(base)

    model: Json = {
        "format": REPORT_FORMAT,
        "survey": data.key,
        "audience": data.audience,
        "title": text_for(data.title, lang),
        "consultation": {"key": data.consultation_key, "title": data.consultation_title},
        "generated_on": date.today().isoformat(),
        "language": lang,
        "responses": data.responses,
        "responses_by_mode": dict(sorted(data.by_mode.items())),
        "weighting": _weighting_summary(data, lang),
        "suppression_threshold": settings.threshold,
        "base_rules": {"hidden_below": 30, "unreliable_below": 100},
        "pages": [{"key": p.key, "title": text_for(p.title, lang)} for p in data.definition.pages],
        "questions": questions,
        "crosstabs": crosstabs if settings.crosstabs else [],
    }
    return model


def _weighting_summary(data: SurveyData, lang: str) -> Json | None:
    if data.weighting is None:
        return None
    result = data.weighting.result
    dims = dimension_questions(data.definition)
    margins = []
    complete = {cell: n for cell, n in data.weighting.cells.items() if cell in result.weights}
    total = sum(complete.values())
    for index, dimension in enumerate(data.weighting.dimensions):
        _codes, labels, _missing = dimension_codes(dims[dimension], lang)
        sample: dict[Any, float] = defaultdict(float)
        for cell, n in complete.items():
            sample[cell[index]] += n
        for code, share in result.target_shares[dimension].items():
            margins.append(
                {
                    "dimension": dimension,
                    "code": code,
                    "label": labels.get(code, str(code)),
                    "population": data.weighting.margins[dimension][cast(int, code)],
                    "population_percent": r2(share * 100),
                    "sample_percent": r2(sample.get(code, 0) / total * 100) if total else None,
                    "weighted_percent": r2(result.weighted_shares[dimension].get(code, 0) * 100),
                }
            )
    return {
        "dimensions": list(result.dimensions),
        "design_effect": round(result.design_effect, 2),
        "effective_n": round(result.effective_n),
        "complete_responses": result.respondents,
        "excluded_responses": result.excluded,
        "converged": result.converged,
        "iterations": result.iterations,
        "trim": result.trim,
        "min_weight": round(result.min_weight, 3),
        "max_weight": round(result.max_weight, 3),
        "margins": margins,
    }


def _weighted_rows_by_variable(
    weighting: WeightData | None,
) -> tuple[dict[int, list[tuple[Any, int | None, int]]], dict[int, list[tuple[Any, int]]]]:
    codes: dict[int, list[tuple[Any, int | None, int]]] = defaultdict(list)
    valid: dict[int, list[tuple[Any, int]]] = defaultdict(list)
    if weighting is not None:
        for cell, variable, code, n in weighting.code_rows:
            codes[variable].append((cell, code, n))
        for cell, variable, n in weighting.valid_rows:
            valid[variable].append((cell, n))
    return codes, valid


WRows = tuple[dict[int, list[tuple[Any, int | None, int]]], dict[int, list[tuple[Any, int]]]]


@dataclass(frozen=True)
class Weighted:
    """Weighted tally of one table: weighted count per code, the weighted
    valid base and its Kish effective n."""

    counts: dict[int, float]
    total: float
    effective_n: float

    def percent(self, code: int) -> float | None:
        return r2(self.counts.get(code, 0.0) / self.total * 100) if self.total > 0 else None

    def ci95(self, code: int) -> list[float] | None:
        return interval(
            weighted_wilson_interval(self.counts.get(code, 0.0), self.total, self.effective_n)
        )


def weigh(
    code_rows: Iterable[tuple[Any, int | None, int]],
    valid_codes: frozenset[int],
    weights: Mapping[tuple[Any, ...], float],
    base_rows: Iterable[tuple[Any, int]] | None = None,
) -> Weighted:
    """Weighted counts of the valid codes. The base is the weighted sum of the
    valid answers, or of ``base_rows`` (respondents per cell) when given
    (multiple choice and ranking, where one respondent has several codes).
    Answers of responses without a weight (incomplete) are left out."""
    counts: dict[int, float] = defaultdict(float)
    per_cell: dict[Any, float] = defaultdict(float)
    for cell, code, n in code_rows:
        weight = weights.get(cell)
        if weight is None or code is None or code not in valid_codes:
            continue
        counts[code] += weight * n
        per_cell[cell] += n
    if base_rows is not None:
        per_cell = defaultdict(float)
        for cell, n in base_rows:
            if cell in weights:
                per_cell[cell] += n
    pairs = [(weights[cell], n) for cell, n in per_cell.items()]
    total = sum(w * n for w, n in pairs)
    return Weighted(dict(counts), total, kish_effective_n(pairs))


# --- cross-tab cells ------------------------------------------------------------------


@dataclass
class Crosstab:
    """Cross-tab aggregates of one dimension regrouped per variable."""

    data: CrosstabData
    counts: dict[int, dict[tuple[int | None, Any], int]]
    valid: dict[int, dict[Any, int]]


def _crosstab_cells(data: SurveyData) -> list[Crosstab]:
    result = []
    for tab in data.crosstabs:
        counts: dict[int, dict[tuple[int | None, Any], int]] = defaultdict(dict)
        known = set(tab.columns)
        for variable, code, column, n in tab.counts:
            column = column if column in known else UNKNOWN
            key = (code, column)
            counts[variable][key] = counts[variable].get(key, 0) + n
        valid: dict[int, dict[Any, int]] = defaultdict(dict)
        for variable, column, n in tab.valid_respondents:
            column = column if column in known else UNKNOWN
            valid[variable][column] = valid[variable].get(column, 0) + n
        result.append(Crosstab(tab, dict(counts), dict(valid)))
    return result


def _column_meta(tab: CrosstabData, lang_labels: Mapping[Any, str]) -> list[tuple[Any, str]]:
    columns = [(c, lang_labels.get(c, str(c))) for c in tab.columns]
    return [*columns, (UNKNOWN, "unknown")]


def _mode_label(code: Any) -> str:
    return {"web": "online", "paper": "paper", "import": "import"}.get(str(code), str(code))


# --- single / scale / matrix row ---------------------------------------------------------


def _option_entry(option: OptionDef, lang: str) -> Json:
    entry: Json = {"code": option.code, "label": text_for(option.label, lang)}
    if option.missing:
        entry["missing"] = True
    return entry


def _single_table(
    question: QuestionDef,
    row_key: str | None,
    data: SurveyData,
    tabs: list[Crosstab],
    settings: ReportSettings,
    weights: Mapping[tuple[Any, ...], float] | None,
    wrows: WRows,
) -> tuple[Json, list[Json]]:
    lang = settings.language
    t = settings.threshold
    name = question.key if row_key is None else f"{question.key}.{row_key}"
    variable = data.variables.get(name)
    counts = data.counts.get(variable.id, {}) if variable else {}
    shown = sum(counts.values())
    valid_codes = question.valid_codes
    valid_counts = {o.code: counts.get(o.code, 0) for o in question.options if not o.missing}
    valid = sum(valid_counts.values())
    missing_options = {o.code: counts.get(o.code, 0) for o in question.options if o.missing}
    flag = base_flag(valid)

    # Main table and cross-tabs protect each other: the cross-tabs' row totals
    # are this table's counts, so whatever they hide is hidden here too.
    main = suppress_table(valid_counts, t)
    tab_cells = []
    if variable is not None and question.dimension is None:
        for tab in tabs:
            cells = _complete_cells(tab.counts.get(variable.id, {}), tab, valid_counts)
            tab_cells.append((tab, cells))
    masks: dict[str, Any] = {}
    while True:
        extra: set[int] = set()
        for tab, cells in tab_cells:
            mask = suppress_crosstab(cells, t, suppressed_row_totals=main)
            masks[tab.data.dimension] = mask
            extra |= set(mask.row_totals)
        if extra <= main:
            break
        main = suppress_table(valid_counts, t, already=main | extra)
    main |= primary_suppression(missing_options, t)

    weighted = None
    if weights is not None and variable is not None:
        weighted = weigh(wrows[0].get(variable.id, []), valid_codes, weights)

    options = []
    for option in question.options:
        entry = _option_entry(option, lang)
        count = counts.get(option.code, 0)
        if option.code in main:
            entry.update(count=None, percent=None, ci95=None)
            if weighted is not None:
                entry.update(weighted_percent=None, weighted_ci95=None)
            entry["suppressed"] = True
        else:
            entry["count"] = count
            show = not option.missing and flag != "hidden"
            entry["percent"] = percent(count, valid) if show else None
            entry["ci95"] = interval(wilson_interval(count, valid)) if show else None
            if weighted is not None:
                entry["weighted_percent"] = weighted.percent(option.code) if show else None
                entry["weighted_ci95"] = weighted.ci95(option.code) if show else None
            entry["suppressed"] = False
        options.append(entry)
    table: Json = {
        "valid": valid,
        "missing": shown - valid,
        "base_flag": flag,
        "options": options,
    }
    if weighted is not None:
        table["effective_n"] = round(weighted.effective_n, 1)

    crosstabs = []
    for tab, cells in tab_cells:
        crosstabs.append(
            _crosstab_json(
                question, row_key, tab, cells, masks[tab.data.dimension], settings, kind="single"
            )
        )
    return table, crosstabs


def _complete_cells(
    raw: Mapping[tuple[int | None, Any], int],
    tab: Crosstab,
    totals: Mapping[int, int],
) -> dict[tuple[int, Any], int]:
    """Cells (code, column) for every valid code and column, zeros included,
    with the unknown column completing each row to its overall total."""
    cells: dict[tuple[int, Any], int] = {}
    for code, total in totals.items():
        known = 0
        for column in tab.data.columns:
            n = raw.get((code, column), 0)
            cells[(code, column)] = n
            known += n
        cells[(code, UNKNOWN)] = max(total - known, 0)
    # Without respondents of unknown group the column does not exist: keep it
    # out, or a complementary suppression could pick one of its zeros.
    if not any(n for (_code, column), n in cells.items() if column is UNKNOWN):
        cells = {key: n for key, n in cells.items() if key[1] is not UNKNOWN}
    return cells


def _crosstab_json(
    question: QuestionDef,
    row_key: str | None,
    tab: Crosstab,
    cells: Mapping[tuple[int, Any], int],
    mask: Any,
    settings: ReportSettings,
    *,
    kind: str,
    column_valid: Mapping[Any, int] | None = None,
    column_mask: set[Any] | None = None,
) -> Json:
    """One cross-tab: columns = dimension categories (+ unknown), rows = the
    valid options; percentages within the column."""
    lang = settings.language
    labels = (
        tab.data.labels
        if tab.data.dimension != "mode"
        else {c: _mode_label(c) for c in tab.data.columns}
    )
    columns_json = []
    col_valid: dict[Any, int] = {}
    hidden_totals = set(mask.column_totals) if column_mask is None else set(column_mask)
    for column, label in _column_meta(tab.data, labels):
        if column_valid is not None:
            total = column_valid.get(column, 0)
        else:
            total = sum(n for (code, c), n in cells.items() if c == column)
        col_valid[column] = total
        if column is UNKNOWN and total == 0:
            continue
        suppressed = column in hidden_totals
        columns_json.append(
            {
                "code": column,
                "label": label,
                "valid": None if suppressed else total,
                "suppressed": suppressed,
                "base_flag": base_flag(total),
            }
        )
    shown_columns = [c["code"] for c in columns_json]
    rows_json = []
    for option in question.options:
        if option.missing:
            continue
        row_cells: list[Json] = []
        for column in shown_columns:
            n = cells.get((option.code, column), 0)
            base = col_valid[column]
            if (option.code, column) in mask.cells:
                row_cells.append({"count": None, "percent": None, "suppressed": True})
                continue
            hide_pct = column in hidden_totals or base_flag(base) == "hidden"
            row_cells.append(
                {
                    "count": n,
                    "percent": None if hide_pct else percent(n, base),
                    "suppressed": False,
                }
            )
        rows_json.append(
            {"code": option.code, "label": text_for(option.label, lang), "cells": row_cells}
        )
    entry: Json = {
        "question": question.key,
        "question_text": text_for(question.text, lang),
        "type": question.type,
        "measure": question.measure,
        "dimension": tab.data.dimension,
        "columns": columns_json,
        "options": rows_json,
    }
    if row_key is not None:
        entry["row"] = row_key
        row = next((r for r in question.rows if r.key == row_key), None)
        if row is not None:
            entry["row_label"] = text_for(row.label, lang)
    if kind != "single":
        entry["percent_of"] = "respondents"
    return entry


# --- multiple choice ------------------------------------------------------------


def _multiple_table(
    question: QuestionDef,
    data: SurveyData,
    tabs: list[Crosstab],
    settings: ReportSettings,
    weights: Mapping[tuple[Any, ...], float] | None,
    wrows: WRows,
) -> tuple[Json, list[Json]]:
    t = settings.threshold
    variable = data.variables.get(question.key)
    counts = data.counts.get(variable.id, {}) if variable else {}
    valid = data.valid_respondents.get(variable.id, 0) if variable else 0
    shown = data.shown_respondents.get(variable.id, 0) if variable else 0
    valid_counts = {o.code: counts.get(o.code, 0) for o in question.options if not o.missing}
    missing_counts = {o.code: counts.get(o.code, 0) for o in question.options if o.missing}
    weighted = None
    if weights is not None and variable is not None:
        weighted = weigh(
            wrows[0].get(variable.id, []),
            question.valid_codes,
            weights,
            base_rows=wrows[1].get(variable.id, []),
        )
    # Options do not add up to a published total: primary suppression only,
    # plus whatever the cross-tabs need hidden of their row totals.
    main = primary_suppression(valid_counts, t)
    tab_parts = []
    if variable is not None:
        for tab in tabs:
            cells = _complete_cells(tab.counts.get(variable.id, {}), tab, valid_counts)
            column_valid = _complete_columns(tab.valid.get(variable.id, {}), tab, valid)
            tab_parts.append((tab, cells, column_valid))
    table, crosstabs = _respondent_based(
        question,
        counts,
        valid,
        shown,
        valid_counts,
        missing_counts,
        main,
        tab_parts,
        settings,
        weighted,
        ranking=None,
    )
    return table, crosstabs


def _complete_columns(raw: Mapping[Any, int], tab: Crosstab, total: int) -> dict[Any, int]:
    columns = {c: raw.get(c, 0) for c in tab.data.columns}
    unknown = max(total - sum(columns.values()), 0)
    if unknown:
        columns[UNKNOWN] = unknown
    return columns


@dataclass(frozen=True)
class RowMask:
    """Hidden cells and row totals of a cross-tab whose rows add up to a
    published total but whose columns do not (multiple choice, ranking)."""

    cells: frozenset[tuple[int, Any]]
    row_totals: frozenset[int]


_TOTAL = ("total",)


def protect_rows(
    cells: Mapping[tuple[int, Any], int], threshold: int, hidden_totals: set[int]
) -> RowMask:
    """Each option row (its cells across the groups plus its overall count)
    is one line: primary suppression, and never exactly one hidden entry
    (then the next smallest cell; the overall count only when no cell is
    left). A respondent can be in several rows, so rows do not add up to
    anything across options and there are no column lines."""
    rows: dict[int, dict[Any, int]] = defaultdict(dict)
    for (code, column), n in cells.items():
        rows[code][column] = n
    hidden_cells: set[tuple[int, Any]] = set()
    hidden_rows: set[int] = set()
    for code, row in rows.items():
        line: dict[Any, int] = dict(row)
        line[_TOTAL] = sum(row.values()) + 10**9  # the total comes last
        already = {_TOTAL} if code in hidden_totals else set()
        mask = suppress_table(line, threshold, already=already)
        hidden_cells.update((code, column) for column in mask if column != _TOTAL)
        if _TOTAL in mask:
            hidden_rows.add(code)
    return RowMask(frozenset(hidden_cells), frozenset(hidden_rows))


def _respondent_based(
    question: QuestionDef,
    counts: Mapping[Any, int],
    valid: int,
    shown: int,
    valid_counts: dict[int, int],
    missing_counts: dict[int, int],
    main: set[int],
    tab_parts: list[tuple[Crosstab, dict[tuple[int, Any], int], dict[Any, int]]],
    settings: ReportSettings,
    weighted: Weighted | None,
    ranking: dict[str, dict[int, int]] | None,
) -> tuple[Json, list[Json]]:
    """Options as % of respondents (multiple choice, ranking)."""
    t = settings.threshold
    lang = settings.language
    masks: dict[str, Any] = {}
    column_masks: dict[str, set[Any]] = {}
    while True:
        extra: set[int] = set()
        for tab, cells, column_valid in tab_parts:
            mask = protect_rows(cells, t, main)
            masks[tab.data.dimension] = mask
            # Column bases add up to the published ``valid``.
            column_masks[tab.data.dimension] = suppress_table(column_valid, t)
            extra |= set(mask.row_totals)
        if extra <= main:
            break
        main = main | extra
    main |= primary_suppression(missing_counts, t)
    flag = base_flag(valid)
    first_hidden = primary_suppression(ranking["first"], t) if ranking else set()
    options = []
    for option in question.options:
        entry = _option_entry(option, lang)
        count = valid_counts.get(option.code, missing_counts.get(option.code, 0))
        show = not option.missing and flag != "hidden"
        count_key, pct_key = ("chosen_count", "chosen_percent") if ranking else ("count", "percent")
        if option.code in main:
            entry.update({count_key: None, pct_key: None, "ci95": None})
            if ranking:
                entry.update(first_count=None, borda=None)
            if weighted is not None:
                entry.update(weighted_percent=None, weighted_ci95=None)
            entry["suppressed"] = True
        else:
            entry[count_key] = count
            entry[pct_key] = percent(count, valid) if show else None
            if ranking:
                first = ranking["first"].get(option.code, 0)
                entry["first_count"] = None if option.code in first_hidden else first
                if option.code in first_hidden:
                    entry["first_suppressed"] = True
                entry["borda"] = ranking["borda"].get(option.code, 0)
            entry["ci95"] = interval(wilson_interval(count, valid)) if show else None
            if weighted is not None:
                entry["weighted_percent"] = weighted.percent(option.code) if show else None
                entry["weighted_ci95"] = weighted.ci95(option.code) if show else None
            entry["suppressed"] = False
        options.append(entry)
    table: Json = {"valid": valid, "missing": shown - valid, "base_flag": flag, "options": options}
    if weighted is not None:
        table["effective_n"] = round(weighted.effective_n, 1)
    crosstabs = [
        _crosstab_json(
            question,
            None,
            tab,
            cells,
            masks[tab.data.dimension],
            settings,
            kind="respondents",
            column_valid=column_valid,
            column_mask=column_masks[tab.data.dimension],
        )
        for tab, cells, column_valid in tab_parts
    ]
    return table, crosstabs


# --- ranking ------------------------------------------------------------------------------


def _ranking_table(
    question: QuestionDef,
    data: SurveyData,
    tabs: list[Crosstab],
    settings: ReportSettings,
    weights: Mapping[tuple[Any, ...], float] | None,
    wrows: WRows,
) -> tuple[Json, list[Json]]:
    choose = int(question.spec.get("choose", 1))
    rank_vars = [data.variables.get(f"{question.key}.{r}") for r in range(1, choose + 1)]
    valid_codes = question.valid_codes
    chosen: dict[int, int] = defaultdict(int)
    first: dict[int, int] = {}
    borda: dict[int, int] = defaultdict(int)
    for rank, variable in enumerate(rank_vars, start=1):
        if variable is None:
            continue
        for code, n in data.counts.get(variable.id, {}).items():
            if code is None or code not in valid_codes:
                continue
            chosen[code] += n
            borda[code] += n * (choose - rank + 1)
            if rank == 1:
                first[code] = n
    first_var = rank_vars[0]
    first_counts = data.counts.get(first_var.id, {}) if first_var else {}
    shown = sum(first_counts.values())
    # Ranks are filled from the first on: a respondent with a valid first choice
    # chose at least one option.
    valid = sum(n for code, n in first_counts.items() if code in valid_codes)
    valid_counts = {o.code: chosen.get(o.code, 0) for o in question.options if not o.missing}
    missing_counts = {o.code: chosen.get(o.code, 0) for o in question.options if o.missing}

    weighted = None
    if weights is not None and first_var is not None:
        rows = [row for v in rank_vars if v is not None for row in wrows[0].get(v.id, [])]
        base_rows = [
            (cell, n) for cell, code, n in wrows[0].get(first_var.id, []) if code in valid_codes
        ]
        weighted = weigh(rows, valid_codes, weights, base_rows=base_rows)

    tab_parts = []
    if first_var is not None:
        for tab in tabs:
            raw: dict[tuple[int | None, Any], int] = defaultdict(int)
            for v in rank_vars:
                if v is None:
                    continue
                for key, n in tab.counts.get(v.id, {}).items():
                    raw[key] += n
            cells = _complete_cells(raw, tab, valid_counts)
            column_valid: dict[Any, int] = defaultdict(int)
            for (code, column), n in tab.counts.get(first_var.id, {}).items():
                if code in valid_codes:
                    column_valid[column] += n
            tab_parts.append((tab, cells, _complete_columns(column_valid, tab, valid)))
    main = primary_suppression(valid_counts, settings.threshold)
    table, crosstabs = _respondent_based(
        question,
        chosen,
        valid,
        shown,
        valid_counts,
        missing_counts,
        main,
        tab_parts,
        settings,
        weighted,
        ranking={"first": first, "borda": dict(borda)},
    )
    table["choose"] = choose
    return table, crosstabs


# --- numbers and texts ----------------------------------------------------------------


def _number_table(question: QuestionDef, data: SurveyData, settings: ReportSettings) -> Json:
    t = settings.threshold
    variable = data.variables.get(question.key)
    counts = data.counts.get(variable.id, {}) if variable else {}
    values = data.numbers.get(variable.id, []) if variable else []
    shown = sum(counts.values())
    valid = sum(n for _v, n in values)
    table: Json = {"valid": valid, "missing": shown - valid}
    summary = summarise_numbers(values) if valid else None
    suppressed = 0 < valid < t
    if summary is None or suppressed:
        table.update(mean=None, median=None, ci95=None)
    else:
        table.update(mean=r2(summary.mean), median=r2(summary.median), ci95=interval(summary.ci95))
    table["suppressed"] = suppressed
    table["base_flag"] = base_flag(valid)
    if question.spec.get("bands"):
        labels = band_labels(question)
        band_counts = {code: counts.get(code, 0) for code in labels}
        flag = base_flag(valid)
        mask = suppress_table(band_counts, t)
        bands = []
        for code, label in labels.items():
            n = band_counts[code]
            if code in mask:
                bands.append(
                    {
                        "code": code,
                        "label": label,
                        "count": None,
                        "percent": None,
                        "ci95": None,
                        "suppressed": True,
                    }
                )
            else:
                show = flag != "hidden"
                bands.append(
                    {
                        "code": code,
                        "label": label,
                        "count": n,
                        "percent": percent(n, valid) if show else None,
                        "ci95": interval(wilson_interval(n, valid)) if show else None,
                        "suppressed": False,
                    }
                )
        table["bands"] = bands
    return table


def _text_table(question: QuestionDef, data: SurveyData) -> Json:
    variable = data.variables.get(question.key)
    counts = data.counts.get(variable.id, {}) if variable else {}
    shown = sum(counts.values())
    answered = sum(n for code, n in counts.items() if code is not None)
    return {"valid": answered, "missing": shown - answered}
