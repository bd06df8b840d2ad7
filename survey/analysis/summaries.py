"""The summary of each question type: one builder per type, all with the
signature ``(question, figures, context) -> Summary`` (the table and its
cross-tabs, unsuppressed: disclosure control is the next step).

A builder reads only ``survey.analysis.inputs.SurveyFigures`` and builds
from ``survey.analysis.tables``; it imports the survey definitions for
their types only, so that each can move into its question type's module.

Rules (contract section 3):

- single, scale, a matrix row: ``valid`` = answers with a non-missing
  option, ``missing`` = shown minus valid; cross-tabs by every dimension
  unless the question gives a dimension itself.
- multiple: per option the respondents who chose it, ``valid`` =
  respondents who chose at least one valid option; column bases of its
  cross-tabs are respondents.
- ranking: per option how often it was chosen at any rank, at rank 1, and
  its Borda points (N for rank 1 down to 1 for rank N); ``valid`` =
  respondents with a valid first choice.
- number: mean, median and the interval of the mean of the answered values;
  with ``bands`` the band counts on the same base.
- text: ``valid`` = respondents who wrote something (the text itself is in
  the free-text themes).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from survey.analysis.inputs import CrossDimension, SummaryContext, SurveyFigures
from survey.analysis.intervals import summarise_numbers
from survey.analysis.tables import (
    UNKNOWN_COLUMN,
    CategoricalTable,
    Category,
    CrossColumn,
    CrossRow,
    CrossTable,
    MatrixRow,
    MatrixTable,
    MultipleTable,
    NumberTable,
    RankedCategory,
    RankingTable,
    Summary,
    TextTable,
    complete_cells,
    complete_columns,
)
from survey.i18n import text_for

if TYPE_CHECKING:
    from survey.definitions.definition import QuestionDef, RowDef

Builder = Callable[["QuestionDef", SurveyFigures, SummaryContext], Summary]

UNKNOWN_LABEL = "unknown"
"""The label of the unknown column in the report JSON (the writers translate it)."""


def _categories(
    question: QuestionDef, counts: Mapping[Any, int], language: str
) -> tuple[Category, ...]:
    return tuple(
        Category(o.code, text_for(o.label, language), counts.get(o.code, 0), o.missing)
        for o in question.options
    )


def _weighted_cells(
    weighted: Mapping[tuple[int | None, Any], float] | None, codes: Iterable[int]
) -> dict[tuple[int, Any], float] | None:
    """The weighted cross-tab cells of the valid ``codes`` (None: unweighted)."""
    if weighted is None:
        return None
    wanted = set(codes)
    return {
        (code, column): total
        for (code, column), total in weighted.items()
        if code is not None and code in wanted
    }


def _cross_table(
    question: QuestionDef,
    dimension: CrossDimension,
    cells: dict[tuple[int, Any], int],
    language: str,
    *,
    row: RowDef | None = None,
    column_valid: dict[Any, int] | None = None,
    weighted_cells: dict[tuple[int, Any], float] | None = None,
    weighted_column_valid: Mapping[Any, float] | None = None,
) -> CrossTable:
    columns = tuple(CrossColumn(c, dimension.labels.get(c, str(c))) for c in dimension.columns)
    return CrossTable(
        question=question.key,
        question_text=text_for(question.text, language),
        question_type=question.type,
        measure=question.measure,
        dimension=dimension.name,
        columns=(*columns, CrossColumn(UNKNOWN_COLUMN, UNKNOWN_LABEL)),
        options=tuple(
            CrossRow(o.code, text_for(o.label, language)) for o in question.options if not o.missing
        ),
        cells=cells,
        column_valid=column_valid,
        row=None if row is None else row.key,
        row_label=None if row is None else text_for(row.label, language),
        weighted_cells=weighted_cells,
        weighted_column_valid=weighted_column_valid,
    )


def _categorical(
    question: QuestionDef,
    row: RowDef | None,
    figures: SurveyFigures,
    context: SummaryContext,
) -> tuple[CategoricalTable, tuple[CrossTable, ...]]:
    """The table of a single or scale question, or of one matrix row, and its cross-tabs."""
    name = question.key if row is None else f"{question.key}.{row.key}"
    counts = figures.counts(name)
    valid_counts = {o.code: counts.get(o.code, 0) for o in question.options if not o.missing}
    valid = sum(valid_counts.values())
    table = CategoricalTable(
        _categories(question, counts, context.language),
        valid=valid,
        missing=sum(counts.values()) - valid,
        weighted=figures.weighted([name], question.valid_codes),
    )
    crosstabs: list[CrossTable] = []
    if figures.has(name) and question.dimension is None:
        for found in figures.crosstabs(name):
            columns = list(found.dimension.columns)
            cells = complete_cells(found.counts, columns, valid_counts)
            crosstabs.append(
                _cross_table(
                    question,
                    found.dimension,
                    cells,
                    context.language,
                    row=row,
                    weighted_cells=_weighted_cells(found.weighted, valid_counts),
                )
            )
    return table, tuple(crosstabs)


def single_summary(
    question: QuestionDef, figures: SurveyFigures, context: SummaryContext
) -> Summary:
    """A single or scale question: one answer per respondent."""
    table, crosstabs = _categorical(question, None, figures, context)
    return Summary(table, crosstabs)


def matrix_summary(
    question: QuestionDef, figures: SurveyFigures, context: SummaryContext
) -> Summary:
    """A matrix: every row is a single question on the same options."""
    rows: list[MatrixRow] = []
    crosstabs: list[CrossTable] = []
    for row in question.rows:
        table, tabs = _categorical(question, row, figures, context)
        rows.append(MatrixRow(row.key, text_for(row.label, context.language), table))
        crosstabs.extend(tabs)
    return Summary(MatrixTable(tuple(rows)), tuple(crosstabs))


def multiple_summary(
    question: QuestionDef, figures: SurveyFigures, context: SummaryContext
) -> Summary:
    """Multiple choice: options as % of the respondents who chose any."""
    name = question.key
    counts = figures.counts(name)
    valid, shown = figures.respondents(name)
    valid_counts = {o.code: counts.get(o.code, 0) for o in question.options if not o.missing}
    table = MultipleTable(
        _categories(question, counts, context.language),
        valid=valid,
        missing=shown - valid,
        weighted=figures.weighted([name], question.valid_codes, base="respondents"),
    )
    crosstabs: list[CrossTable] = []
    if figures.has(name):
        for found in figures.crosstabs(name):
            columns = list(found.dimension.columns)
            crosstabs.append(
                _cross_table(
                    question,
                    found.dimension,
                    complete_cells(found.counts, columns, valid_counts),
                    context.language,
                    column_valid=complete_columns(found.respondents, columns, valid),
                    weighted_cells=_weighted_cells(found.weighted, valid_counts),
                    weighted_column_valid=found.weighted_respondents,
                )
            )
    return Summary(table, tuple(crosstabs))


def ranking_summary(
    question: QuestionDef, figures: SurveyFigures, context: SummaryContext
) -> Summary:
    """A ranking: chosen at any rank, at rank 1, and Borda points."""
    choose = int(question.spec.get("choose", 1))
    names = [f"{question.key}.{rank}" for rank in range(1, choose + 1)]
    valid_codes = question.valid_codes
    chosen: dict[int, int] = defaultdict(int)
    first: dict[int, int] = {}
    borda: dict[int, int] = defaultdict(int)
    for rank, name in enumerate(names, start=1):
        for code, n in figures.counts(name).items():
            if code is None or code not in valid_codes:
                continue
            chosen[code] += n
            borda[code] += n * (choose - rank + 1)
            if rank == 1:
                first[code] = n
    first_counts = figures.counts(names[0])
    # Ranks are filled from the first on: a respondent with a valid first
    # choice chose at least one option.
    valid = sum(n for code, n in first_counts.items() if code in valid_codes)
    table = RankingTable(
        tuple(
            RankedCategory(
                o.code,
                text_for(o.label, context.language),
                chosen.get(o.code, 0),
                first.get(o.code, 0),
                borda.get(o.code, 0),
                o.missing,
            )
            for o in question.options
        ),
        valid=valid,
        missing=sum(first_counts.values()) - valid,
        choose=choose,
        weighted=figures.weighted(names, valid_codes, base="first"),
    )
    crosstabs: list[CrossTable] = []
    if figures.has(names[0]):
        valid_counts = {o.code: chosen.get(o.code, 0) for o in question.options if not o.missing}
        by_rank = [figures.crosstabs(name) for name in names if figures.has(name)]
        for index, found in enumerate(by_rank[0]):
            columns = list(found.dimension.columns)
            raw: dict[tuple[int | None, Any], int] = defaultdict(int)
            for tabs in by_rank:
                for key, n in tabs[index].counts.items():
                    raw[key] += n
            first_choices: dict[Any, int] = defaultdict(int)
            for (code, column), n in found.counts.items():
                if code in valid_codes:
                    first_choices[column] += n
            weighted: dict[tuple[int | None, Any], float] | None = None
            weighted_first: dict[Any, float] | None = None
            if found.weighted is not None:
                weighted, weighted_first = defaultdict(float), defaultdict(float)
                for tabs in by_rank:
                    for key, total in (tabs[index].weighted or {}).items():
                        weighted[key] += total
                for (code, column), total in found.weighted.items():
                    if code in valid_codes:
                        weighted_first[column] += total
            crosstabs.append(
                _cross_table(
                    question,
                    found.dimension,
                    complete_cells(raw, columns, valid_counts),
                    context.language,
                    column_valid=complete_columns(first_choices, columns, valid),
                    weighted_cells=_weighted_cells(weighted, valid_counts),
                    weighted_column_valid=weighted_first,
                )
            )
    return Summary(table, tuple(crosstabs))


def number_summary(
    question: QuestionDef, figures: SurveyFigures, context: SummaryContext
) -> Summary:
    """A number: summary of the answered values, and its bands."""
    counts = figures.counts(question.key)
    values = figures.numbers(question.key)
    valid = sum(n for _value, n in values)
    missing = sum(counts.values()) - valid
    bands = None
    if question.spec.get("bands"):
        labels = question.band_labels()
        bands = CategoricalTable(
            tuple(Category(code, label, counts.get(code, 0)) for code, label in labels.items()),
            valid=valid,
            missing=missing,
            weighted=figures.weighted([question.key], frozenset(labels)),
        )
    summary = summarise_numbers(values) if valid else None
    return Summary(
        NumberTable(valid, missing, summary, bands, weighted=figures.weighted_numbers(question.key))
    )


def text_summary(question: QuestionDef, figures: SurveyFigures, context: SummaryContext) -> Summary:
    """A text question: how many respondents wrote something."""
    counts = figures.counts(question.key)
    answered = sum(n for code, n in counts.items() if code is not None)
    return Summary(TextTable(answered, sum(counts.values()) - answered))


SUMMARIES: dict[str, Builder] = {
    "single": single_summary,
    "scale": single_summary,
    "matrix": matrix_summary,
    "multiple": multiple_summary,
    "ranking": ranking_summary,
    "number": number_summary,
    "text": text_summary,
}
"""The builder of each question type."""
