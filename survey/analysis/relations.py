"""What an input report publishes, as quantities and linear relations for the
disclosure audit (``survey.analysis.audit``).

One quantity per count the report could publish, keyed by where it is:

- ``("count", table, code)``: an option's count (a multiple-choice or
  ranking option: the respondents who chose it); ``table`` is
  ``(question, row)`` (row None, or ``"bands"`` for a number's bands);
- ``("first", table, code)``, ``("borda", table, code)``: a ranking
  option's first places and Borda points (points: no count of people, so
  hidden but not audited), and ``("rank", table, code, r)`` its respondents
  at rank r (never published);
- ``("valid", table)``, ``("missing", table)``; ``("empty", table)``:
  shown and left empty (never published);
- ``("cell", crosstab, code, column)``, ``("col", crosstab, column)``: a
  cross-tab's cells and column bases, ``crosstab`` = ``(question, row,
  dimension)``;
- ``("theme", phenomenon)``, ``("untagged",)``: the free-text counts;
- ``("complete", dimension, code)``: complete responses with that code (the
  weighting section's sample shares of the complete responses).

The relations (each holds for the true counts: one that does not, for
instance a follow-up question answered outside its condition in imported
data, is left out rather than assumed):

- an options table: its valid options add up to ``valid``; its missing
  options and the empty answers add up to ``missing``;
- a cross-tab: every option's cells add up to the option's count in the
  question's table (its row total), every column's cells to the column's
  base, and the bases to ``valid``; multiple choice and ranking: a cell is
  at most its column's respondents, a column's cells add up to at least its
  respondents (everyone chose one) and, for a ranking, at most N times them;
- multiple choice: an option is chosen by at most ``valid``, the options
  add up to at least ``valid``; a ranking: chosen = the sum of its rank
  counts, first = rank 1, Borda = sum of (N - r + 1) x rank r, the first
  places add up to ``valid``, rank r is filled by no more respondents than
  rank r - 1 (so when everyone ranks exactly N options, chosen counts and
  Borda points are further equations);
- a group of a cross-tab dimension: a column's base is at most the group's
  count in the dimension question's table (groups whose count is hidden
  there are no column: ``survey.analysis.disclosure`` folds them into the
  unknown column); the unknown column at most the responses without a
  published group; a response mode at most its published responses;
- ``show_if``: a follow-up was shown (valid + missing) to exactly the
  respondents whose answer meets its condition (``equals``/``in`` on a
  single, scale or matrix row, ``answered``; ``equals`` on a multiple
  choice or ranking: the option's count of respondents, ``in`` and
  ``answered`` there at most the sum; ``any`` and ``all`` give bounds);
  per cross-tab column its valid answers are at most the condition's
  cells in the same column;
- the weighting section: the complete and the excluded responses
  (``("sample", "complete")``, ``("sample", "excluded")``, one unit) add up
  to the responses; the complete responses per code add up to the
  complete responses, are at most the code's count in the dimension's
  table, and the incomplete ones with a valid code are at most the
  excluded responses; the groups left out of the weighting
  (``("excluded", dimension, code)``) are each at most the excluded
  responses and together at least them, a category the margins lack is its
  count in the dimension's table, and a group without an answer is the
  responses less the table's codes (where that holds);
- free text: tagged comments are in at least one theme, so the theme counts
  add up to at least the comments minus the untagged ones, and each theme
  is at most that;
- every count is at most the number of responses.

Percentages, intervals and weighted shares are published only beside
their own published count and base (a hidden count or base hides them), so
they add no relation; a weighted share of a published cell bounds only the
weighted total of the hidden cells of its line, whose unweighted total is
already known. The weighting section's products (effective n x design
effect = complete responses, a sample share x complete responses, a
weight = population share / sample share) are no relation either: those
figures are hidden with the totals or shares they multiply back to
(``WeightingSummary.totals_hidden``, ``weights_hidden``; docs/report-json.md,
"Products"). Priority indicators built on a hidden count are hidden
(``survey.analysis.disclosure.hidden_indicators``), a base that adds up
a hidden ``valid`` is left out (``hidden_bases``), and the score uses only
published indicators, so none of them adds a relation either. The mean, median
and interval of a number are published only from ``threshold`` answers
on, and bound its hidden band counts only within the band widths: not
modelled.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from survey.analysis.audit import Relation, System, at_least, at_most, equation
from survey.analysis.inputs import SurveyFigures
from survey.analysis.model import WeightingSummary
from survey.analysis.tables import (
    UNKNOWN_COLUMN,
    CategoricalTable,
    CrossTable,
    MatrixTable,
    MultipleTable,
    NumberTable,
    RankingTable,
    Summary,
    TextTable,
    TextThemes,
)

if TYPE_CHECKING:
    from survey.definitions.definition import QuestionDef

Key = Any
TableId = tuple[str, str | None]
CrossId = tuple[str, str | None, str]


@dataclass
class Layout:
    """The system with what the protection step needs besides it: which
    quantities are hidden together (units), the units of each question (the
    last resort: the whole question), and each quantity's place."""

    system: System = field(default_factory=System)
    units: dict[Key, tuple[Key, ...]] = field(default_factory=dict)
    unit_of: dict[Key, Key] = field(default_factory=dict)
    question_units: dict[str, list[Key]] = field(default_factory=lambda: defaultdict(list))
    question_of: dict[Key, str] = field(default_factory=dict)

    def quantity(
        self,
        key: Key,
        value: float,
        *,
        hidden: bool,
        question: str | None = None,
        unit: Key | None = None,
        candidate: bool = True,
    ) -> Key:
        """A published or hidden quantity; ``candidate``: it may be hidden to
        protect another (else only as the question's last resort)."""
        self.system.add(key, value, hidden=hidden)
        unit = key if unit is None else unit
        members = self.units.get(unit, ())
        if key not in members:
            self.units[unit] = (*members, key)
        if candidate:
            self.unit_of[key] = unit
        if question is not None:
            self.question_of[key] = question
            if unit not in self.question_units[question]:
                self.question_units[question].append(unit)
        return key

    def relate(self, relation: Relation) -> None:
        """Add a relation the reader knows."""
        self.system.relate(relation)

    def relate_if_true(self, relation: Relation) -> bool:
        """Add ``relation`` when the true counts meet it (see the module doc)."""
        total = sum(a * self.system.values[k] for k, a in relation.terms)
        if relation.low - 1e-9 <= total <= relation.high + 1e-9:
            self.system.relate(relation)
            return True
        return False


def table_id(question: str, row: str | None = None) -> TableId:
    """The id of a table: the question's key and, for a matrix, the row's key."""
    return (question, row)


def _options_table(
    layout: Layout,
    tid: TableId,
    question: str,
    table: CategoricalTable | MultipleTable | RankingTable,
) -> None:
    valid = layout.quantity(
        ("valid", tid),
        table.valid,
        hidden=table.valid_mark is not None,
        question=question,
        candidate=False,
    )
    missing = layout.quantity(
        ("missing", tid),
        table.missing,
        hidden=table.missing_mark is not None,
        question=question,
    )
    valid_keys: list[Key] = []
    missing_keys: list[Key] = []
    for category in table.categories:
        key = ("count", tid, category.code)
        unit = ("option", tid, category.code)
        layout.quantity(
            key, category.count, hidden=category.mark is not None, question=question, unit=unit
        )
        (missing_keys if category.missing else valid_keys).append(key)
    if isinstance(table, CategoricalTable):
        layout.relate(equation({**dict.fromkeys(valid_keys, 1.0), valid: -1.0}, 0.0))
    elif isinstance(table, MultipleTable):
        for key in valid_keys:
            layout.relate(at_most({key: 1.0, valid: -1.0}, 0.0))
        if valid_keys:
            layout.relate(at_least({**dict.fromkeys(valid_keys, 1.0), valid: -1.0}, 0.0))
        for key in missing_keys:
            layout.relate(at_most({key: 1.0, valid: -1.0, missing: -1.0}, 0.0))
        return
    if missing_keys:
        left_empty = table.missing - sum(c.count for c in table.categories if c.missing)
        empty = layout.system.add(("empty", tid), left_empty, auxiliary=True)
        layout.relate(
            equation({**dict.fromkeys(missing_keys, 1.0), empty: 1.0, missing: -1.0}, 0.0)
        )


def _ranking(
    layout: Layout,
    tid: TableId,
    question: QuestionDef,
    table: RankingTable,
    figures: SurveyFigures,
) -> None:
    key = question.key
    valid = layout.quantity(
        ("valid", tid),
        table.valid,
        hidden=table.valid_mark is not None,
        question=key,
        candidate=False,
    )
    missing = layout.quantity(
        ("missing", tid), table.missing, hidden=table.missing_mark is not None, question=key
    )
    n = table.choose
    per_rank = [figures.counts(f"{key}.{r}") for r in range(1, n + 1)]
    rank_keys: dict[int, list[Key]] = defaultdict(list)
    first_valid: list[Key] = []
    first_missing: list[Key] = []
    for category in table.categories:
        code = category.code
        unit = ("option", tid, code)
        hidden = category.mark is not None
        chosen = layout.quantity(
            ("count", tid, code), category.chosen, hidden=hidden, question=key, unit=unit
        )
        first = layout.quantity(
            ("first", tid, code),
            category.first,
            hidden=hidden or category.first_mark is not None,
            question=key,
            unit=unit,
        )
        layout.quantity(
            ("first", tid, code),
            category.first,
            hidden=hidden or category.first_mark is not None,
            question=key,
            unit=("first", tid, code),
        )
        borda = layout.quantity(
            ("borda", tid, code),
            category.borda,
            hidden=hidden,
            question=key,
            unit=unit,
            candidate=False,
        )
        layout.system.unaudited.add(borda)
        ranks = []
        for r in range(1, n + 1):
            # The table counts no missing option as chosen (a "weet niet"
            # ranked alone is a missing answer): its ranks are 0, as its
            # chosen, first and Borda counts are, or the relations below
            # would not hold for the true counts.
            ranked = 0 if category.missing else per_rank[r - 1].get(code, 0)
            rk = layout.system.add(("rank", tid, code, r), ranked, auxiliary=True)
            ranks.append(rk)
            rank_keys[r].append(rk)
        layout.relate(equation({**dict.fromkeys(ranks, 1.0), chosen: -1.0}, 0.0))
        layout.relate(equation({ranks[0]: 1.0, first: -1.0}, 0.0))
        layout.relate(
            equation({**{rk: float(n - r) for r, rk in enumerate(ranks)}, borda: -1.0}, 0.0)
        )
        layout.relate(at_most({chosen: 1.0, valid: -1.0, missing: -1.0}, 0.0))
        (first_missing if category.missing else first_valid).append(ranks[0])
    layout.relate(equation({**dict.fromkeys(first_valid, 1.0), valid: -1.0}, 0.0))
    if first_missing:
        layout.relate(at_most({**dict.fromkeys(first_missing, 1.0), missing: -1.0}, 0.0))
    for r in range(2, n + 1):
        layout.relate(
            at_most(
                {**dict.fromkeys(rank_keys[r], 1.0), **dict.fromkeys(rank_keys[r - 1], -1.0)}, 0.0
            )
        )


def _crosstab(layout: Layout, tab: CrossTable, kind: str, choose: int) -> None:
    xid: CrossId = (tab.question, tab.row, tab.dimension)
    tid = table_id(tab.question, tab.row)
    question = tab.question
    bases = tab.column_bases
    columns = [c.code for c in tab.columns if not (c.code is UNKNOWN_COLUMN and bases[c.code] == 0)]
    cols: dict[Any, Key] = {}
    for column in columns:
        cols[column] = layout.quantity(
            ("col", xid, column),
            bases[column],
            hidden=column in tab.column_marks,
            question=question,
        )
    by_column: dict[Any, list[Key]] = defaultdict(list)
    for option in tab.options:
        row_keys = []
        for column in columns:
            cell = (option.code, column)
            key = layout.quantity(
                ("cell", xid, option.code, column),
                tab.cells.get(cell, 0),
                hidden=cell in tab.cell_marks,
                question=question,
            )
            row_keys.append(key)
            by_column[column].append(key)
            if kind != "categorical":
                layout.relate(at_most({key: 1.0, cols[column]: -1.0}, 0.0))
        layout.relate(
            equation({**dict.fromkeys(row_keys, 1.0), ("count", tid, option.code): -1.0}, 0.0)
        )
    layout.relate(equation({**dict.fromkeys(cols.values(), 1.0), ("valid", tid): -1.0}, 0.0))
    for column, keys in by_column.items():
        col = cols[column]
        if kind == "categorical":
            layout.relate(equation({**dict.fromkeys(keys, 1.0), col: -1.0}, 0.0))
        else:
            layout.relate(at_least({**dict.fromkeys(keys, 1.0), col: -1.0}, 0.0))
            if kind == "ranking":
                layout.relate(at_most({**dict.fromkeys(keys, 1.0), col: -float(choose)}, 0.0))


def _summary(
    layout: Layout, question: QuestionDef, summary: Summary, figures: SurveyFigures
) -> dict[TableId, str]:
    """The quantities and relations of one question; returns its tables' kinds."""
    table = summary.table
    kinds: dict[TableId, str] = {}
    key = question.key
    if isinstance(table, MatrixTable):
        for row in table.rows:
            tid = table_id(key, row.key)
            _options_table(layout, tid, key, row.table)
            kinds[tid] = "categorical"
    elif isinstance(table, RankingTable):
        _ranking(layout, table_id(key), question, table, figures)
        kinds[table_id(key)] = "ranking"
    elif isinstance(table, CategoricalTable | MultipleTable):
        _options_table(layout, table_id(key), key, table)
        kinds[table_id(key)] = table.kind
    elif isinstance(table, NumberTable):
        tid = table_id(key)
        layout.quantity(
            ("valid", tid),
            table.valid,
            hidden=table.valid_mark is not None,
            question=key,
            candidate=False,
        )
        layout.quantity(
            ("missing", tid), table.missing, hidden=table.missing_mark is not None, question=key
        )
        if table.bands is not None:
            bands = table_id(key, "bands")
            _options_table(layout, bands, key, table.bands)
            layout.relate(equation({("valid", bands): 1.0, ("valid", tid): -1.0}, 0.0))
            kinds[bands] = "categorical"
    elif isinstance(table, TextTable):
        tid = table_id(key)
        layout.quantity(
            ("valid", tid),
            table.valid,
            hidden=table.valid_mark is not None,
            question=key,
            candidate=False,
        )
        layout.quantity(
            ("missing", tid), table.missing, hidden=table.missing_mark is not None, question=key
        )
    choose = int(question.spec.get("choose", 1))
    for tab in summary.crosstabs:
        _crosstab(layout, tab, kinds.get(table_id(tab.question, tab.row), "categorical"), choose)
    return kinds


def _shown(question: QuestionDef, layout: Layout) -> dict[Key, float] | None:
    """Valid + missing of a question (its first row for a matrix): who was shown it."""
    tid = table_id(question.key, question.rows[0].key if question.rows else None)
    if ("valid", tid) not in layout.system.values:
        return None
    return {("valid", tid): 1.0, ("missing", tid): 1.0}


def _condition_terms(
    condition: Mapping[str, Any], definition_questions: Mapping[str, QuestionDef], layout: Layout
) -> dict[Key, float] | None:
    """The respondents a simple condition holds for, as a sum of quantities."""
    reference = str(condition.get("question", ""))
    key, _, row = reference.partition(".")
    question = definition_questions.get(key)
    if question is None:
        return None
    tid = table_id(key, row or None)
    if ("valid", tid) not in layout.system.values:
        return None
    # A multiple choice's or ranking's option counts respondents: "equals C"
    # holds for those who chose C, "in" for at most the sum of the counts (and
    # "answered" for at most the valid answers and the missing options' counts):
    # _show_if falls back to a bound when a sum is more than the respondents.
    if question.type not in ("single", "scale", "matrix", "multiple", "ranking"):
        return None
    if "answered" in condition:
        if not condition["answered"]:
            return None
        terms: dict[Key, float] = {("valid", tid): 1.0}
        terms.update({("count", tid, o.code): 1.0 for o in question.options if o.missing})
        return terms
    wanted = [condition["equals"]] if "equals" in condition else list(condition.get("in", []))
    found: dict[Key, float] = {
        ("count", tid, code): 1.0 for code in wanted if ("count", tid, code) in layout.system.values
    }
    return found or None


def _show_if(
    layout: Layout,
    questions: Sequence[tuple[QuestionDef, Summary]],
) -> None:
    """What the follow-up questions tell about their conditions: the respondents a
    question was shown to are those whose answers meet its ``show_if``."""
    by_key = {q.key: q for q, _s in questions}
    crosstabs: dict[tuple[str, str | None, str], CrossTable] = {
        (t.question, t.row, t.dimension): t for _q, s in questions for t in s.crosstabs
    }
    for question, summary in questions:
        condition = question.show_if
        if not condition:
            continue
        shown = _shown(question, layout)
        if shown is None:
            continue
        if "any" in condition or "all" in condition:
            _combined_condition(layout, condition, shown, by_key)
            continue
        terms = _condition_terms(condition, by_key, layout)
        if terms is None:
            continue
        merged = {**terms, **{k: -a for k, a in shown.items()}}
        if not layout.relate_if_true(equation(merged, 0.0)):
            layout.relate_if_true(at_least(merged, 0.0))
        if "question" in condition and "answered" not in condition:
            _per_column(layout, condition, summary, crosstabs)


def _combined_condition(
    layout: Layout,
    condition: Mapping[str, Any],
    shown: Mapping[Key, float],
    by_key: Mapping[str, QuestionDef],
) -> None:
    """An ``any`` condition: at least the respondents of each part were shown the
    question, and at most those of all parts together; ``all``: at most those of
    each part."""
    parts = [
        _condition_terms(part, by_key, layout)
        for part in condition.get("any", condition.get("all", []))
    ]
    known = [p for p in parts if p is not None]
    for part in known:
        relation = (
            at_least({**shown, **{k: -a for k, a in part.items()}}, 0.0)
            if "any" in condition
            else at_most({**shown, **{k: -a for k, a in part.items()}}, 0.0)
        )
        layout.relate_if_true(relation)
    if "any" in condition and len(known) == len(parts) and known:
        total: dict[Key, float] = defaultdict(float)
        for part in known:
            for k, a in part.items():
                total[k] += a
        layout.relate_if_true(at_least({**total, **{k: -a for k, a in shown.items()}}, 0.0))


def _per_column(
    layout: Layout,
    condition: Mapping[str, Any],
    summary: Summary,
    crosstabs: Mapping[tuple[str, str | None, str], CrossTable],
) -> None:
    """Per cross-tab column: the follow-up's valid answers are at most the
    condition's cells in that column."""
    reference = str(condition["question"])
    source_key, _, source_row = reference.partition(".")
    wanted = [condition["equals"]] if "equals" in condition else list(condition.get("in", []))
    for tab in summary.crosstabs:
        source = crosstabs.get((source_key, source_row or None, tab.dimension))
        if source is None:
            continue
        follow = (tab.question, tab.row, tab.dimension)
        origin = (source.question, source.row, source.dimension)
        for column in tab.column_bases:
            col = ("col", follow, column)
            cells: dict[Key, float] = {
                ("cell", origin, code, column): 1.0
                for code in wanted
                if ("cell", origin, code, column) in layout.system.values
            }
            if col in layout.system.values and cells:
                layout.relate_if_true(at_least({**cells, col: -1.0}, 0.0))


def _dimension_bounds(
    layout: Layout,
    questions: Sequence[tuple[QuestionDef, Summary]],
    dimension_tables: Mapping[str, TableId],
    responses: int,
    responses_by_mode: Mapping[str, int],
) -> None:
    values = layout.system.values
    for _question, summary in questions:
        for tab in summary.crosstabs:
            xid = (tab.question, tab.row, tab.dimension)
            source = dimension_tables.get(tab.dimension)
            for column in tab.column_bases:
                col = ("col", xid, column)
                if col not in values:
                    continue
                if tab.dimension == "mode":
                    if column is not UNKNOWN_COLUMN and column in responses_by_mode:
                        layout.relate(at_most({col: 1.0}, float(responses_by_mode[column])))
                    continue
                if source is None:
                    continue
                if column is UNKNOWN_COLUMN:
                    # The unknown group: no valid code on the dimension, or a
                    # group folded into it; bounded by the responses without a
                    # published group.
                    groups = {
                        k: 1.0
                        for k in values
                        if k[0] == "count"
                        and k[1] == source
                        and k not in layout.system.hidden
                        and ("col", xid, k[2]) in values
                    }
                    layout.relate_if_true(at_most({col: 1.0, **groups}, float(responses)))
                    continue
                group = ("count", source, column)
                if group in values:
                    layout.relate_if_true(at_most({col: 1.0, group: -1.0}, 0.0))


def _themes(layout: Layout, themes: TextThemes) -> None:
    comments = float(themes.comments)
    untagged = layout.quantity(
        ("untagged",), themes.untagged, hidden=themes.untagged_mark is not None, question="#text"
    )
    keys = [
        layout.quantity(
            ("theme", t.phenomenon), t.count, hidden=t.mark is not None, question="#text"
        )
        for t in themes.themes
    ]
    if keys:
        layout.relate(at_least({**dict.fromkeys(keys, 1.0), untagged: 1.0}, comments))
        for key in keys:
            layout.relate(at_most({key: 1.0, untagged: 1.0}, comments))
    layout.relate(at_most({untagged: 1.0}, comments))


def _weighting(
    layout: Layout,
    weighting: WeightingSummary,
    dimension_tables: Mapping[str, TableId],
    responses: int,
) -> None:
    values = layout.system.values
    complete, excluded = _sample_totals(layout, weighting, responses)
    by_dimension: dict[str, list[Key]] = defaultdict(list)
    for margin in weighting.margins:
        key = layout.quantity(
            ("complete", margin.dimension, margin.code),
            margin.sample_count,
            hidden=margin.sample_hidden,
            question="#weighting",
            # Hidden with the totals (a share of a hidden total), but never
            # picked alone: its dimension's shares are hidden together.
            unit=SAMPLE_TOTALS,
            candidate=False,
        )
        # A share of the sample, not a cell of the report: hidden to protect
        # the dimension's own counts (it is those counts, less at most the
        # excluded responses), not audited for its own width.
        layout.system.unaudited.add(key)
        by_dimension[margin.dimension].append(key)
    for dimension, keys in by_dimension.items():
        unanswered = _unanswered(layout, weighting, dimension)
        layout.relate(equation({**dict.fromkeys([*keys, *unanswered], 1.0), complete: -1.0}, 0.0))
        source = dimension_tables.get(dimension)
        if source is None:
            continue
        incomplete: dict[Key, float] = {}
        for key in keys:
            group = ("count", source, key[2])
            if group in values:
                layout.relate_if_true(at_most({key: 1.0, group: -1.0}, 0.0))
                incomplete[group] = 1.0
                incomplete[key] = -1.0
        for k in values:
            if k[0] == "count" and k[1] == source and k not in incomplete:
                incomplete[k] = 1.0
        if incomplete:
            layout.relate_if_true(at_most({**incomplete, excluded: -1.0}, 0.0))
        for key in unanswered:
            # They gave no valid code: with the table's codes, at most everyone.
            codes = [k for k in values if k[0] == "count" and k[1] == source]
            layout.relate_if_true(at_most({key: 1.0, **dict.fromkeys(codes, 1.0)}, responses))
    _excluded(layout, weighting, dimension_tables, responses, excluded)


def _unanswered(layout: Layout, weighting: WeightingSummary, dimension: str) -> list[Key]:
    """The complete responses without an answer on ``dimension`` (weighted on
    the other dimensions): never published, so a hidden unknown in the sum
    of the dimension's sample shares, not audited for its own width (it is
    no cell; the table's ``missing`` is, and its sample shares are hidden
    with it, ``disclosure._unanswered_hidden``)."""
    n = weighting.unanswered.get(dimension, 0)
    if not n:
        return []
    key = layout.quantity(
        ("unanswered", dimension), n, hidden=True, question="#weighting", candidate=False
    )
    layout.system.unaudited.add(key)
    return [key]


SAMPLE_TOTALS = ("sample",)
"""The unit of the weighting section's complete and excluded responses."""


def _sample_totals(layout: Layout, weighting: WeightingSummary, responses: int) -> tuple[Key, Key]:
    """The complete and the excluded responses: one unit (they add up to the
    published responses, so one would give the other back; the sample
    shares are in it too, since shares of the complete responses add up to
    them), hidden when a group left out of the weighting needs it (a lone
    small group is the excluded responses). Not audited for their own
    width: they are no cell, the groups they add up are."""
    complete = layout.quantity(
        ("sample", "complete"),
        weighting.complete_responses,
        hidden=weighting.totals_hidden,
        question="#weighting",
        unit=SAMPLE_TOTALS,
    )
    excluded = layout.quantity(
        ("sample", "excluded"),
        weighting.excluded_responses,
        hidden=weighting.totals_hidden,
        question="#weighting",
        unit=SAMPLE_TOTALS,
    )
    layout.system.unaudited.update((complete, excluded))
    layout.relate_if_true(equation({complete: 1.0, excluded: 1.0}, float(responses)))
    return complete, excluded


def _excluded(
    layout: Layout,
    weighting: WeightingSummary,
    dimension_tables: Mapping[str, TableId],
    responses: int,
    total: Key,
) -> None:
    """The groups left out of the weighting: each at most the excluded
    responses, together at least them (a response may be in two groups); a
    group of a category the margins lack is that category's count in the
    dimension's table, a group without an answer the responses less the
    table's valid codes (each only where it holds: the dimension question
    may not be shown to everyone)."""
    values = layout.system.values
    keys: list[Key] = []
    for group in weighting.excluded:
        key = layout.quantity(
            ("excluded", group.dimension, group.code),
            group.responses,
            hidden=group.hidden,
            question="#weighting",
        )
        keys.append(key)
        layout.relate(at_most({key: 1.0, total: -1.0}, 0.0))
        if group.code is None:
            # The responses without a valid code are the responses less the
            # table's published valid: hidden with the table's small counts,
            # but no secret of its own to keep wide.
            layout.system.unaudited.add(key)
        source = dimension_tables.get(group.dimension)
        if source is None:
            continue
        if group.code is not None:
            count = ("count", source, group.code)
            if count in values:
                layout.relate_if_true(equation({key: 1.0, count: -1.0}, 0.0))
            continue
        answered = {k: 1.0 for k in values if k[0] == "count" and k[1] == source}
        if answered:
            layout.relate_if_true(equation({key: 1.0, **answered}, float(responses)))
    if keys:
        layout.relate(at_least({**dict.fromkeys(keys, 1.0), total: -1.0}, 0.0))


def report_layout(
    questions: Sequence[tuple[QuestionDef, Summary]],
    figures: SurveyFigures,
    *,
    themes: TextThemes,
    weighting: WeightingSummary | None,
    dimension_tables: Mapping[str, TableId],
    responses: int,
    responses_by_mode: Mapping[str, int],
) -> Layout:
    """The quantities and relations of a report's published figures (see the
    module doc); ``dimension_tables`` names the table of each cross-tab
    dimension's question (``(key, None)``, or ``(key, "bands")`` for a
    banded number)."""
    layout = Layout()
    for question, summary in questions:
        _summary(layout, question, summary, figures)
    _show_if(layout, questions)
    _dimension_bounds(layout, questions, dimension_tables, responses, responses_by_mode)
    _themes(layout, themes)
    if weighting is not None:
        _weighting(layout, weighting, dimension_tables, responses)
    for key in layout.system.values:
        layout.system.upper.setdefault(key, float(responses) * _multiplier(key))
    # The groups of the cross-tabs are settled before the audit (those hidden
    # in their own table are folded into the unknown column); hiding a group
    # that is a column would only move the problem to the column totals.
    groups = set(dimension_tables.values())
    for key in list(layout.unit_of):
        if key[0] in ("count", "valid", "missing") and key[1] in groups:
            unit = layout.unit_of.pop(key)
            owner = layout.question_of.get(key, "")
            if unit in layout.question_units.get(owner, []):
                layout.question_units[owner].remove(unit)
    return layout


def _multiplier(key: Key) -> float:
    """Borda points reach N per respondent; every other count at most 1."""
    return 100.0 if key[0] == "borda" else 1.0


def hideable(layout: Layout) -> Iterable[Key]:
    """The quantities the audit may hide: every published figure of the report."""
    return layout.unit_of
