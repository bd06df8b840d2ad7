"""Disclosure control: the suppression step over a question's typed tables.

``protect(summary, threshold)`` takes the table and cross-tabs a builder
made and returns them with suppression marks on the cells (``primary``: a
count of 1 .. threshold-1; ``complementary``: hidden to protect another
cell). The masks come from ``survey.analysis.suppression`` (contract
section 3):

- categorical tables (single, scale, a matrix row): the valid options add
  up to the published ``valid``, so never exactly one of them is hidden
  (``suppress_table``); each cross-tab is protected as rows x columns with
  its row and column totals (``suppress_crosstab``); the table's counts
  are the cross-tabs' row totals, so whatever one hides the other hides
  too, until nothing changes. Missing options get primary suppression.
- multiple choice and ranking: options do not add up to anything, so
  primary suppression; each cross-tab row (cells plus the option's overall
  count) is one line (``protect_rows``) and the column bases (respondents,
  adding up to ``valid``) one table. A ranking's first-place counts get
  primary suppression on their own.
- numbers: the summary is hidden when it rests on 1 .. threshold-1
  answers; the bands are a categorical table.
- texts: nothing to hide (their counts are not per option); the free-text
  themes get primary suppression of each theme count and of the untagged
  count (``protect_themes``).

The disclosure audit of the contract (the interval each suppressed count
keeps, over everything published) is not done here yet.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Any, TypeVar

from survey.analysis.suppression import (
    is_primary,
    primary_suppression,
    protect_rows,
    suppress_crosstab,
    suppress_table,
)
from survey.analysis.tables import (
    COMPLEMENTARY,
    PRIMARY,
    CategoricalTable,
    Category,
    CrossTable,
    Mark,
    MatrixRow,
    MatrixTable,
    MultipleTable,
    NumberTable,
    RankedCategory,
    RankingTable,
    Summary,
    TextTable,
    TextThemes,
)

K = TypeVar("K")
Option = TypeVar("Option", Category, RankedCategory)


def mark_of(count: float, threshold: int) -> Mark:
    """Why a hidden count is hidden: its own size, or another cell."""
    return PRIMARY if is_primary(count, threshold) else COMPLEMENTARY


def _marks(hidden: Iterable[K], counts: Mapping[K, float], threshold: int) -> dict[K, Mark]:
    return {key: mark_of(counts.get(key, 0), threshold) for key in hidden}


def _option_counts(
    categories: Sequence[Category | RankedCategory],
) -> tuple[dict[int, int], dict[int, int]]:
    """The counts of the valid options, and of the missing ones."""
    valid = {c.code: c.count for c in categories if not c.missing}
    missing = {c.code: c.count for c in categories if c.missing}
    return valid, missing


def _marked(categories: tuple[Option, ...], hidden: set[int], threshold: int) -> tuple[Option, ...]:
    """The options with a mark on those in ``hidden``."""
    return tuple(
        replace(c, mark=mark_of(c.count, threshold)) if c.code in hidden else c for c in categories
    )


def _categorical(
    table: CategoricalTable, crosstabs: tuple[CrossTable, ...], threshold: int
) -> tuple[CategoricalTable, tuple[CrossTable, ...]]:
    valid_counts, missing_counts = _option_counts(table.categories)
    # Main table and cross-tabs protect each other: the cross-tabs' row totals
    # are this table's counts, so whatever they hide is hidden here too.
    main = suppress_table(valid_counts, threshold)
    masks: list[Any] = []
    while True:
        masks = [
            suppress_crosstab(x.cells, threshold, suppressed_row_totals=main) for x in crosstabs
        ]
        extra = {code for mask in masks for code in mask.row_totals}
        if extra <= main:
            break
        main = suppress_table(valid_counts, threshold, already=main | extra)
    main |= primary_suppression(missing_counts, threshold)
    protected = tuple(
        replace(
            x,
            cell_marks=_marks(mask.cells, x.cells, threshold),
            column_marks=_marks(mask.column_totals, x.column_bases, threshold),
        )
        for x, mask in zip(crosstabs, masks, strict=True)
    )
    return replace(table, categories=_marked(table.categories, main, threshold)), protected


def _respondents(
    valid_counts: dict[int, int],
    missing_counts: dict[int, int],
    crosstabs: tuple[CrossTable, ...],
    threshold: int,
) -> tuple[set[int], tuple[CrossTable, ...]]:
    """The hidden options of a multiple-choice or ranking table, and its
    cross-tabs with their marks."""
    # Options do not add up to a published total: primary suppression only,
    # plus whatever the cross-tabs need hidden of their row totals.
    main = primary_suppression(valid_counts, threshold)
    masks: list[Any] = []
    while True:
        masks = [protect_rows(x.cells, threshold, main) for x in crosstabs]
        extra = {code for mask in masks for code in mask.row_totals}
        if extra <= main:
            break
        main = main | extra
    main |= primary_suppression(missing_counts, threshold)
    protected = tuple(
        replace(
            x,
            cell_marks=_marks(mask.cells, x.cells, threshold),
            # Column bases add up to the published ``valid``.
            column_marks=_marks(
                suppress_table(x.column_valid or {}, threshold), x.column_bases, threshold
            ),
        )
        for x, mask in zip(crosstabs, masks, strict=True)
    )
    return main, protected


def _protect_categorical(summary: Summary, threshold: int) -> Summary:
    assert isinstance(summary.table, CategoricalTable)
    table, crosstabs = _categorical(summary.table, summary.crosstabs, threshold)
    return Summary(table, crosstabs)


def _protect_matrix(summary: Summary, threshold: int) -> Summary:
    assert isinstance(summary.table, MatrixTable)
    rows: list[MatrixRow] = []
    crosstabs: list[CrossTable] = []
    for row in summary.table.rows:
        own = tuple(x for x in summary.crosstabs if x.row == row.key)
        table, tabs = _categorical(row.table, own, threshold)
        rows.append(replace(row, table=table))
        crosstabs.extend(tabs)
    return Summary(MatrixTable(tuple(rows)), tuple(crosstabs))


def _protect_multiple(summary: Summary, threshold: int) -> Summary:
    table = summary.table
    assert isinstance(table, MultipleTable)
    valid, missing = _option_counts(table.categories)
    hidden, crosstabs = _respondents(valid, missing, summary.crosstabs, threshold)
    return Summary(
        replace(table, categories=_marked(table.categories, hidden, threshold)), crosstabs
    )


def _protect_ranking(summary: Summary, threshold: int) -> Summary:
    table = summary.table
    assert isinstance(table, RankingTable)
    valid, missing = _option_counts(table.categories)
    hidden, crosstabs = _respondents(valid, missing, summary.crosstabs, threshold)
    categories = tuple(
        replace(c, first_mark=PRIMARY) if is_primary(c.first, threshold) else c
        for c in _marked(table.categories, hidden, threshold)
    )
    return Summary(replace(table, categories=categories), crosstabs)


def _protect_number(summary: Summary, threshold: int) -> Summary:
    table = summary.table
    assert isinstance(table, NumberTable)
    bands = table.bands
    if bands is not None:
        counts = {c.code: c.count for c in bands.categories}
        hidden = suppress_table(counts, threshold)
        bands = replace(bands, categories=_marked(bands.categories, hidden, threshold))
    mark = PRIMARY if is_primary(table.valid, threshold) else None
    return Summary(replace(table, bands=bands, mark=mark), summary.crosstabs)


def _nothing_to_hide(summary: Summary, threshold: int) -> Summary:
    return summary


PROTECT: dict[str, Callable[[Summary, int], Summary]] = {
    CategoricalTable.kind: _protect_categorical,
    MatrixTable.kind: _protect_matrix,
    MultipleTable.kind: _protect_multiple,
    RankingTable.kind: _protect_ranking,
    NumberTable.kind: _protect_number,
    TextTable.kind: _nothing_to_hide,
}
"""The suppression step of each table kind."""


def protect(summary: Summary, threshold: int) -> Summary:
    """The summary with suppression marks on every cell that must be hidden.
    A table kind that a question type brings is protected as the kind it
    extends (a table of months, say, as a categorical table)."""
    for cls in type(summary.table).__mro__:
        step = PROTECT.get(getattr(cls, "kind", ""))
        if step is not None:
            return step(summary, threshold)
    raise LookupError(f"no disclosure step for table kind {summary.table.kind!r}")


def protect_themes(themes: TextThemes, threshold: int) -> TextThemes:
    """The free-text themes with theme counts (and the untagged count) of
    1 .. threshold-1 marked."""
    return replace(
        themes,
        themes=tuple(
            replace(t, mark=PRIMARY) if is_primary(t.count, threshold) else t for t in themes.themes
        ),
        untagged_mark=PRIMARY if is_primary(themes.untagged, threshold) else None,
    )
