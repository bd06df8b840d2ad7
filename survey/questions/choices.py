"""What the types with answer options (single, scale, matrix, multiple,
ranking) share in their summaries: the options as table categories, and a
cross-tab of the valid options by one dimension.

Rules (contract section 3): ``valid`` of a single or scale question, or of
one matrix row, is its answers with a non-missing option; ``missing`` is
shown minus valid. Its cross-tabs go by every dimension, unless the
question gives a dimension itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from survey.analysis.inputs import CrossDimension, SummaryContext, SurveyFigures
from survey.analysis.tables import (
    UNKNOWN_COLUMN,
    CategoricalTable,
    Category,
    CrossColumn,
    CrossRow,
    CrossTable,
    complete_cells,
)
from survey.i18n import text_for

if TYPE_CHECKING:
    from survey.definitions.definition import QuestionDef, RowDef

UNKNOWN_LABEL = "unknown"
"""The label of the unknown column in the report JSON (the writers translate it)."""


def categories(
    question: QuestionDef, counts: Mapping[Any, int], language: str
) -> tuple[Category, ...]:
    """Every option of ``question`` with its count, labelled in ``language``."""
    return tuple(
        Category(o.code, text_for(o.label, language), counts.get(o.code, 0), o.missing)
        for o in question.options
    )


def weighted_cells(
    weighted: Mapping[tuple[int | None, Any], float] | None, codes: Iterable[int]
) -> dict[tuple[int, Any], float] | None:
    """The weighted cross-tab cells of the valid ``codes`` (None: the report
    is not weighted). The sums of weights come from the weighting step
    (``survey.analysis.collect``); a builder only picks its codes."""
    if weighted is None:
        return None
    wanted = set(codes)
    return {
        (code, column): total
        for (code, column), total in weighted.items()
        if code is not None and code in wanted
    }


def cross_table(
    question: QuestionDef,
    dimension: CrossDimension,
    cells: dict[tuple[int, Any], int],
    language: str,
    *,
    row: RowDef | None = None,
    column_valid: dict[Any, int] | None = None,
    weighted: dict[tuple[int, Any], float] | None = None,
    weighted_column_valid: Mapping[Any, float] | None = None,
) -> CrossTable:
    """The valid options of ``question`` (or of its matrix ``row``) by the
    groups of ``dimension``, then the unknown column; with the weighted
    cells (and column bases of respondents) when the report is weighted."""
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
        weighted_cells=weighted,
        weighted_column_valid=weighted_column_valid,
    )


def categorical(
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
        categories(question, counts, context.language),
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
                cross_table(
                    question,
                    found.dimension,
                    cells,
                    context.language,
                    row=row,
                    weighted=weighted_cells(found.weighted, valid_counts),
                )
            )
    return table, tuple(crosstabs)
