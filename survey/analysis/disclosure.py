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
  adding up to ``valid``) one table. A ranking's first-place counts add up
  to ``valid``: one table too (``suppress_table``).
- numbers: the summary is hidden when it rests on 1 .. threshold-1
  answers; the bands are a categorical table.
- texts: nothing to hide (their counts are not per option); the free-text
  themes get primary suppression of each theme count and of the untagged
  count (``protect_themes``).

Then the audit (``protect_report``): every figure the report publishes, as
linear relations (``survey.analysis.relations``), and for every hidden
count the interval those figures still allow (``survey.analysis.audit``).
Where one is narrower than the threshold, more is hidden: of the published
counts in a relation with a narrow one, first by kind (``_KIND_ORDER``: a
cross-tab cell, a ranking's first places, a theme count, the untagged
count, the weighting section's complete and excluded responses (one unit
with the sample shares, see ``relations._sample_totals``), an option
count, a column base, a ``missing`` total, a weighting sample count), and
within a kind the smallest non-zero count first (then zeros), then by the
figure's key. When nothing near
it is left to hide (or after ``audit.MAX_ROUNDS``), its table is hidden,
``valid`` aside: a matrix row with its cross-tabs, the other rows keep
theirs; if that is not enough, the whole question, its ``valid`` included
(a last resort that leaves only the relations with other questions). A
figure hidden only for others that is still narrow is published again when
no other hidden count narrows without it (``audit.protect``); what is still
narrow then is counted as ``unprotected`` and the verdict says
``audited: false``.

Two rules come first, because the audit could only repair them by hiding
far too much:

- a base (``valid`` or ``missing`` of a table) of 1 .. threshold-1 is
  hidden like a cell: a table on five answers could never keep a hidden
  count five wide;
- a group of a cross-tab dimension whose count is hidden in the dimension
  question's own table, or that is too small for a column to show a
  percentage (fewer than ``BASE_RULES["hidden_below"]`` respondents), or a
  response mode with fewer than either, is no column of any cross-tab: its
  respondents are counted in the unknown column (``fold_groups``), so no
  column total bounds the hidden count from below. A group below the
  threshold is thus published as a whole (its own count, when it is not
  hidden) or not at all; a group below ``hidden_below`` gave a column of
  counts only (no percentages), each small enough to need protection, whose
  column totals the group's published count pinned: enough, on the demo,
  for the audit's last resort to hide a whole question.

A priority indicator computed from a hidden count is hidden and left out of
the score (``hidden_indicators``).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, TypeVar

from survey.analysis import audit
from survey.analysis.inputs import CrossCounts, SurveyFigures, WeightBase
from survey.analysis.model import DisclosureVerdict, WeightingSummary
from survey.analysis.ordering import code_order
from survey.analysis.relations import report_layout
from survey.analysis.suppression import (
    base_flag,
    is_primary,
    primary_suppression,
    protect_rows,
    suppress_crosstab,
    suppress_table,
)
from survey.analysis.tables import (
    COMPLEMENTARY,
    PRIMARY,
    UNKNOWN_COLUMN,
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
    WeightedCounts,
    WeightedNumbers,
)

if TYPE_CHECKING:
    from survey.definitions.definition import QuestionDef

Json = dict[str, Any]

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
    # The first places of the valid options add up to ``valid``: a table
    # like any other (primary, and complements up to the threshold).
    firsts = {c.code: c.first for c in table.categories if not c.missing}
    first_hidden = suppress_table(firsts, threshold) | {
        c.code for c in table.categories if c.missing and is_primary(c.first, threshold)
    }
    categories = tuple(
        replace(c, first_mark=mark_of(c.first, threshold))
        if c.code in first_hidden and c.code not in hidden
        else c
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


# --- the audit over the whole report -------------------------------------------------------


def fold_groups(figures: SurveyFigures, folded: Mapping[str, frozenset[Any]]) -> SurveyFigures:
    """``figures`` whose cross-tabs have no column for the ``folded`` groups
    of each dimension: the table builders count their respondents in the
    unknown column (``tables.complete_cells`` puts there whatever the known
    columns leave of an option's count)."""
    return _Folded(figures, folded) if any(folded.values()) else figures


class _Folded:
    def __init__(self, figures: SurveyFigures, folded: Mapping[str, frozenset[Any]]) -> None:
        self._figures = figures
        self._folded = folded

    def has(self, variable: str) -> bool:
        return self._figures.has(variable)

    def counts(self, variable: str) -> Mapping[int | None, int]:
        return self._figures.counts(variable)

    def respondents(self, variable: str) -> tuple[int, int]:
        return self._figures.respondents(variable)

    def numbers(self, variable: str) -> Sequence[tuple[float, int]]:
        return self._figures.numbers(variable)

    def weighted(
        self, variables: Sequence[str], valid_codes: Collection[int], base: WeightBase = "answers"
    ) -> WeightedCounts | None:
        return self._figures.weighted(variables, valid_codes, base)

    def crosstabs(self, variable: str) -> Sequence[CrossCounts]:
        found = []
        for tab in self._figures.crosstabs(variable):
            folded = self._folded.get(tab.dimension.name, frozenset())
            if folded:
                columns = tuple(c for c in tab.dimension.columns if c not in folded)
                tab = replace(
                    tab,
                    dimension=replace(tab.dimension, columns=columns),
                    weighted=_fold_weights(tab.weighted, folded),
                    weighted_respondents=_fold_columns(tab.weighted_respondents, folded),
                )
            found.append(tab)
        return found

    def weighted_numbers(self, variable: str) -> WeightedNumbers | None:
        return self._figures.weighted_numbers(variable)


def _fold_weights(
    weighted: Mapping[tuple[int | None, Any], float] | None, folded: frozenset[Any]
) -> dict[tuple[int | None, Any], float] | None:
    """The weighted cells with the ``folded`` groups' weights in the unknown
    column, as the counts are (``tables.complete_cells``)."""
    if weighted is None:
        return None
    moved: dict[tuple[int | None, Any], float] = {}
    for (code, column), total in weighted.items():
        key = (code, UNKNOWN_COLUMN if column in folded else column)
        moved[key] = moved.get(key, 0.0) + total
    return moved


def _fold_columns(
    weighted: Mapping[Any, float] | None, folded: frozenset[Any]
) -> dict[Any, float] | None:
    """Weighted respondents per group, the ``folded`` groups in the unknown column."""
    if weighted is None:
        return None
    moved: dict[Any, float] = {}
    for column, total in weighted.items():
        key = UNKNOWN_COLUMN if column in folded else column
        moved[key] = moved.get(key, 0.0) + total
    return moved


def folded_groups(
    dimension_counts: Mapping[str, Mapping[Any, int]],
    responses: int,
    threshold: int,
) -> dict[str, frozenset[Any]]:
    """The groups of each dimension that are no cross-tab column: those the
    dimension question's own table hides (its primary cells and their
    complement, ``suppress_table``), groups too small for a column to show a
    percentage (``base_flag`` ``"hidden"``: fewer than
    ``BASE_RULES["hidden_below"]`` respondents, so as few valid answers in
    any column, which would publish only counts for the audit to protect),
    and response modes below either (``dimension_counts["mode"]``: responses
    per mode, published). The unknown column (respondents without a valid
    code, plus the folded groups) is known to hold at most the responses not
    in a column: when that is 1 .. threshold-1, its cells could never be
    protected, so the smallest column groups are folded into it too (ties:
    the lowest code)."""
    folded: dict[str, frozenset[Any]] = {}
    for name, counts in dimension_counts.items():
        if name == "mode":
            folded[name] = frozenset(
                m for m, n in counts.items() if is_primary(n, threshold) or base_flag(n) == "hidden"
            )
            continue
        hidden = set(suppress_table(counts, threshold))
        hidden |= {code for code, n in counts.items() if base_flag(n) == "hidden"}
        rest = responses - sum(n for code, n in counts.items() if code not in hidden)
        while is_primary(rest, threshold):
            shown = [code for code in counts if code not in hidden]
            if not shown:
                break
            smallest = min(shown, key=lambda code: (counts[code], code_order(code)))
            hidden.add(smallest)
            rest += counts[smallest]
        folded[name] = frozenset(hidden)
    return folded


@dataclass(frozen=True)
class Protected:
    """The report's tables after disclosure control, and the verdict."""

    summaries: tuple[Summary, ...]
    free_text: TextThemes
    weighting: WeightingSummary | None
    verdict: DisclosureVerdict


_KIND_ORDER = {
    "cell": 0,
    "first": 1,
    "theme": 2,
    "untagged": 3,
    "complete": 4,
    "excluded": 4,
    "count": 5,
    "col": 6,
    "missing": 7,
    "sample": 8,
}
"""Which kind of figure the audit hides first: a total hidden while the
cells that add up to it are published is pinned at once, so cells go first."""


def protect_report(
    questions: Sequence[tuple[QuestionDef, Summary]],
    figures: SurveyFigures,
    *,
    free_text: TextThemes,
    weighting: WeightingSummary | None,
    dimension_tables: Mapping[str, tuple[str, str | None]],
    responses: int,
    responses_by_mode: Mapping[str, int],
    threshold: int,
) -> Protected:
    """Suppression (``protect``, ``protect_themes``, small bases, the
    weighting section's sample shares), then the audit over everything the
    report publishes, hiding more until every hidden count keeps an interval
    at least ``threshold`` wide (see the module doc)."""
    summaries = [_hide_small_bases(protect(s, threshold), threshold) for _q, s in questions]
    themes = protect_themes(free_text, threshold)
    pairs = [(q, s) for (q, _old), s in zip(questions, summaries, strict=True)]
    weighting = _hide_samples(weighting, pairs, dimension_tables, threshold)
    layout = report_layout(
        pairs,
        figures,
        themes=themes,
        weighting=weighting,
        dimension_tables=dimension_tables,
        responses=responses,
        responses_by_mode=responses_by_mode,
    )
    system = layout.system
    values = system.values
    hideable_units = set(layout.unit_of.values())

    def question_units(key: Any) -> list[Any]:
        return layout.question_units.get(layout.question_of.get(key, ""), [])

    def table_units(key: Any) -> list[Any]:
        """The units of the table (a matrix: the row) ``key`` belongs to,
        with its cross-tabs, its valid answers left out."""
        table = _table_of(key)
        return [
            unit
            for unit in question_units(key)
            if unit in hideable_units
            and any(_table_of(k) == table for k in layout.units.get(unit, ()))
        ]

    verdict = audit.protect(
        system,
        threshold,
        units=layout.units,
        unit_of=layout.unit_of,
        order=lambda key: (
            _KIND_ORDER.get(key[0], 9),
            values[key] == 0,
            values[key],
            repr(key),
        ),
        # The table of the narrow figure first (a matrix row with its
        # cross-tabs: the other rows keep theirs), then the whole question
        # with its valid answers (no candidate otherwise): a column base of
        # a group of about the threshold is only as wide as its group when
        # the valid answers it adds up to are hidden with it.
        last_resort=table_units,
        final_resort=lambda key: [
            unit
            for unit in question_units(key)
            if unit in hideable_units or (isinstance(unit, tuple) and unit[0] == "valid")
        ],
        must_hide=lambda key: key not in system.unaudited and is_primary(values[key], threshold),
    )
    hidden = system.hidden
    summaries = [_apply(s, q.key, hidden, threshold) for q, s in pairs]
    themes = _apply_themes(themes, hidden)
    if weighting is not None:
        weighting = replace(
            weighting,
            totals_hidden=("sample", "complete") in hidden,
            margins=tuple(
                replace(m, sample_hidden=("complete", m.dimension, m.code) in hidden)
                for m in weighting.margins
            ),
            excluded=tuple(
                replace(e, hidden=("excluded", e.dimension, e.code) in hidden)
                for e in weighting.excluded
            ),
        )
    audited = hidden - system.unaudited
    primary = sum(1 for key in audited if is_primary(values[key], threshold))
    return Protected(
        tuple(summaries),
        themes,
        weighting,
        DisclosureVerdict(primary, len(audited) - primary, len(verdict.unprotected)),
    )


def _table_of(key: Any) -> Any:
    """The (question, matrix row) of a figure's key (``relations``: the
    second element names the table, a cross-tab's with its dimension)."""
    where = key[1] if len(key) > 1 else None
    return where[:2] if isinstance(where, tuple) else None


def _small_base(n: int, threshold: int) -> Mark | None:
    return PRIMARY if is_primary(n, threshold) else None


def _hide_small_bases(summary: Summary, threshold: int) -> Summary:
    table = summary.table
    if isinstance(table, MatrixTable):
        rows = tuple(
            replace(
                row,
                table=replace(
                    row.table,
                    valid_mark=_small_base(row.table.valid, threshold),
                    missing_mark=_small_base(row.table.missing, threshold),
                ),
            )
            for row in table.rows
        )
        return replace(summary, table=replace(table, rows=rows))
    if not isinstance(
        table, CategoricalTable | MultipleTable | RankingTable | NumberTable | TextTable
    ):
        return summary  # a kind without bases of its own
    marked = replace(
        table,
        valid_mark=_small_base(table.valid, threshold),
        missing_mark=_small_base(table.missing, threshold),
    )
    return replace(summary, table=marked)


def _hide_samples(
    weighting: WeightingSummary | None,
    questions: Sequence[tuple[QuestionDef, Summary]],
    dimension_tables: Mapping[str, tuple[str, str | None]],
    threshold: int,
) -> WeightingSummary | None:
    """The sample shares of a dimension are hidden, all of them, when the
    dimension's table hides a code or one rests on 1 .. threshold-1
    responses: the complete responses per code are the group counts less
    at most the excluded responses, so one published share next to a hidden
    count would give it away within a few."""
    if weighting is None:
        return None
    hidden_codes: dict[str, set[Any]] = {}
    tables = {(q.key, row): table for q, s in questions for row, table in _options_tables(s.table)}
    for dimension, tid in dimension_tables.items():
        table = tables.get(tid)
        if table is not None:
            hidden_codes[dimension] = {c.code for c in table.categories if c.mark is not None}
    hidden_dimensions = (
        {
            m.dimension
            for m in weighting.margins
            if m.code in hidden_codes.get(m.dimension, set())
            or is_primary(m.sample_count, threshold)
        }
        | {d for d, codes in hidden_codes.items() if codes}
        | _unanswered_hidden(weighting, questions, dimension_tables, threshold)
    )
    return replace(
        weighting,
        margins=tuple(
            replace(m, sample_hidden=m.dimension in hidden_dimensions) for m in weighting.margins
        ),
    )


def _unanswered_hidden(
    weighting: WeightingSummary,
    questions: Sequence[tuple[QuestionDef, Summary]],
    dimension_tables: Mapping[str, tuple[str, str | None]],
    threshold: int,
) -> set[str]:
    """Dimensions whose sample shares would give back the responses without
    an answer on them that were weighted on the other dimensions (the
    complete responses less the shares' counts): when that number is 1 ..
    threshold-1, or the dimension's table hides its ``missing``."""
    tables = {q.key: s.table for q, s in questions}
    return {
        dimension
        for dimension, n in weighting.unanswered.items()
        if is_primary(n, threshold)
        or getattr(tables.get(dimension_tables.get(dimension, ("", None))[0]), "missing_mark", None)
        is not None
    }


def without_effective_n(summary: Summary) -> Summary:
    """The summary with no effective n and no weighted interval published
    (``WeightedCounts.intervals``): for a report whose weighting section
    withholds the weights' spread (``WeightingSummary.weights_hidden``).
    A table's effective n is at most its complete answers, so at most the
    complete responses; beside hidden weighting totals it would bound the
    responses left out of the weighting, a lone small group among them."""
    table = summary.table

    def options(t: Any) -> Any:
        if t is None or t.weighted is None:
            return t
        return replace(t, weighted=replace(t.weighted, intervals=False))

    if isinstance(table, MatrixTable):
        table = replace(table, rows=tuple(replace(r, table=options(r.table)) for r in table.rows))
    elif isinstance(table, CategoricalTable | MultipleTable | RankingTable):
        table = options(table)
    elif isinstance(table, NumberTable):
        weighted = table.weighted
        table = replace(
            table,
            bands=options(table.bands),
            weighted=None if weighted is None else replace(weighted, intervals=False),
        )
    return replace(summary, table=table)


def _options_tables(
    table: Any,
) -> list[tuple[str | None, CategoricalTable | MultipleTable | RankingTable]]:
    """The options tables of a question's table, with their row key
    (``"bands"`` for a number's bands)."""
    if isinstance(table, MatrixTable):
        return [(row.key, row.table) for row in table.rows]
    if isinstance(table, NumberTable):
        return [] if table.bands is None else [("bands", table.bands)]
    if isinstance(table, CategoricalTable | MultipleTable | RankingTable):
        return [(None, table)]
    return []


def _mark_if(hidden: bool, count: float, threshold: int, current: Mark | None) -> Mark | None:
    if current is not None or not hidden:
        return current
    return mark_of(count, threshold)


def _apply_options(
    table: Any, tid: tuple[str, str | None], hidden: set[Any], threshold: int
) -> Any:
    categories = []
    for c in table.categories:
        mark = _mark_if(("count", tid, c.code) in hidden, c.count, threshold, c.mark)
        if isinstance(c, RankedCategory):
            first_mark = c.first_mark
            if mark is None:
                first_mark = _mark_if(
                    ("first", tid, c.code) in hidden, c.first, threshold, first_mark
                )
            categories.append(replace(c, mark=mark, first_mark=first_mark))
        else:
            categories.append(replace(c, mark=mark))
    return replace(
        table,
        categories=tuple(categories),
        valid_mark=_mark_if(("valid", tid) in hidden, table.valid, threshold, table.valid_mark),
        missing_mark=_mark_if(
            ("missing", tid) in hidden, table.missing, threshold, table.missing_mark
        ),
    )


def _apply(summary: Summary, key: str, hidden: set[Any], threshold: int) -> Summary:
    table = summary.table
    if isinstance(table, MatrixTable):
        table = replace(
            table,
            rows=tuple(
                replace(row, table=_apply_options(row.table, (key, row.key), hidden, threshold))
                for row in table.rows
            ),
        )
    elif isinstance(table, CategoricalTable | MultipleTable | RankingTable):
        table = _apply_options(table, (key, None), hidden, threshold)
    elif isinstance(table, NumberTable | TextTable):
        tid = (key, None)
        table = replace(
            table,
            valid_mark=_mark_if(("valid", tid) in hidden, table.valid, threshold, table.valid_mark),
            missing_mark=_mark_if(
                ("missing", tid) in hidden, table.missing, threshold, table.missing_mark
            ),
        )
        if isinstance(table, NumberTable):
            bands = table.bands
            if bands is not None:
                bands = _apply_options(bands, (key, "bands"), hidden, threshold)
            # A summary on a hidden base is hidden with it.
            mark = table.mark or (PRIMARY if table.valid_mark is not None else None)
            table = replace(table, bands=bands, mark=mark)
    crosstabs = []
    for tab in summary.crosstabs:
        xid = (tab.question, tab.row, tab.dimension)
        cells = dict(tab.cell_marks)
        for cell, n in tab.cells.items():
            if cell not in cells and ("cell", xid, cell[0], cell[1]) in hidden:
                cells[cell] = mark_of(n, threshold)
        columns = dict(tab.column_marks)
        for column, n in tab.column_bases.items():
            if column not in columns and ("col", xid, column) in hidden:
                columns[column] = mark_of(n, threshold)
        crosstabs.append(replace(tab, cell_marks=cells, column_marks=columns))
    return Summary(table, tuple(crosstabs))


def _apply_themes(themes: TextThemes, hidden: set[Any]) -> TextThemes:
    return replace(
        themes,
        themes=tuple(
            replace(
                t, mark=t.mark or (COMPLEMENTARY if ("theme", t.phenomenon) in hidden else None)
            )
            for t in themes.themes
        ),
        untagged_mark=themes.untagged_mark or (COMPLEMENTARY if ("untagged",) in hidden else None),
    )


def hidden_indicators(
    questions: Sequence[tuple[QuestionDef, Summary]],
) -> frozenset[tuple[str, str]]:
    """``(phenomenon, indicator)`` of every priority indicator that this
    report's hidden counts feed: concern (a row's concern codes or its
    base), victimisation (the first option or the base), priority (a
    ranking's or multiple choice's option or base). Such an indicator is
    hidden and does not count in the score."""
    return _hidden_slots(questions, bases_only=False)


def hidden_bases(
    questions: Sequence[tuple[QuestionDef, Summary]],
) -> frozenset[tuple[str, str]]:
    """``(phenomenon, indicator)`` of every priority indicator whose base
    adds up a ``valid`` count this report hides: the matrix leaves that base
    out (a base is those valid answers, summed over the indicator's rows)."""
    return _hidden_slots(questions, bases_only=True)


def _hidden_slots(
    questions: Sequence[tuple[QuestionDef, Summary]], *, bases_only: bool
) -> frozenset[tuple[str, str]]:
    hidden: set[tuple[str, str]] = set()
    for question, summary in questions:
        measure = question.measure
        if measure not in ("concern", "victimisation", "priority"):
            continue
        tables = dict(_options_tables(summary.table))
        if measure == "priority":
            table = tables.get(None)
            if table is None:
                continue
            base_hidden = table.valid_mark is not None
            for option in question.options:
                category = next((c for c in table.categories if c.code == option.code), None)
                if (
                    option.phenomenon
                    and category is not None
                    and (base_hidden or (not bases_only and category.mark is not None))
                ):
                    hidden.add((option.phenomenon, "priority"))
            continue
        # Of a concern or victimisation question, only matrix rows name a
        # phenomenon (a single question has no such key in the survey file),
        # as in priority._phenomenon_slots.
        slots = [(r.phenomenon, tables.get(r.key)) for r in question.rows if r.phenomenon]
        if measure == "concern":
            codes = set(question.spec.get("concern_codes", []))
        else:
            first = next((o.code for o in question.options if not o.missing), None)
            codes = {first}
        for phenomenon, table in slots:
            if table is None:
                continue
            if table.valid_mark is not None or (
                not bases_only
                and any(c.mark is not None for c in table.categories if c.code in codes)
            ):
                hidden.add((phenomenon, measure))
    return frozenset(hidden)
