"""A report model whose hidden figures are poisoned: every count, base,
share and weighting figure the disclosure control hides is replaced by a
sentinel in the typed model, while the published JSON (``Report.json``,
``QuestionResult.figures``) stays the original's.

A writer that renders only what the report publishes writes the same
document from both; a writer that reads a hidden figure from the typed
model (a count, a base, the design effect beside hidden sample totals, a
theme count) writes something else. Rendering every format from both and
comparing the documents (``tests/integration/test_disclosure_formats.py``)
proves that no format publishes a figure the JSON hides, nor one computed
from it; the JSON itself is attacked by ``tests/disclosure_check.py``."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from survey.analysis.intervals import NumberSummary
from survey.analysis.model import QuestionResult, Report, WeightingSummary
from survey.analysis.tables import (
    CategoricalTable,
    CrossTable,
    MatrixTable,
    MultipleTable,
    NumberTable,
    RankedCategory,
    RankingTable,
    TextTable,
    TextThemes,
    WeightedCounts,
)

SENTINEL = 987_654
"""A count no report of these fixtures holds (printed 987654, 987.654 or 987 654)."""
SENTINEL_SHARE = 98.76
"""A share or ratio no hidden figure of these fixtures has."""


def poisoned(report: Report) -> Report:
    """``report`` with every hidden figure of its typed model replaced by the
    sentinels, and the original's published JSON."""
    questions = tuple(_question(q) for q in report.questions)
    result = replace(
        report,
        questions=questions,
        crosstabs=tuple(_crosstab(x) for x in report.crosstabs),
        weighting=_weighting(report.weighting),
        free_text=_themes(report.free_text),
    )
    # The published figures stay the original's (cached properties).
    result.__dict__["json"] = report.json
    for new, old in zip(questions, report.questions, strict=True):
        new.__dict__["figures"] = old.figures
    return result


def _question(question: QuestionResult) -> QuestionResult:
    return replace(question, table=_table(question.table))


def _table(table: Any) -> Any:
    if isinstance(table, MatrixTable):
        return replace(table, rows=tuple(replace(r, table=_options(r.table)) for r in table.rows))
    if isinstance(table, CategoricalTable | MultipleTable | RankingTable):
        return _options(table)
    if isinstance(table, NumberTable):
        return _number(table)
    if isinstance(table, TextTable):
        return replace(table, **_bases(table))
    return table  # a kind of a question type's own: not poisoned


def _bases(table: Any) -> dict[str, Any]:
    found: dict[str, Any] = {}
    if table.valid_mark is not None:
        found["valid"] = SENTINEL
    if table.missing_mark is not None:
        found["missing"] = SENTINEL
    return found


def _options(table: Any) -> Any:
    hidden: set[int] = set()
    categories = []
    for c in table.categories:
        if isinstance(c, RankedCategory):
            if c.mark is not None:
                hidden.add(c.code)
                c = replace(c, chosen=SENTINEL, first=SENTINEL, borda=SENTINEL)
            elif c.first_mark is not None:
                c = replace(c, first=SENTINEL)
        elif c.mark is not None:
            hidden.add(c.code)
            c = replace(c, count=SENTINEL)
        categories.append(c)
    weighted = table.weighted
    if isinstance(weighted, WeightedCounts):
        counts = {
            code: float(SENTINEL) if code in hidden else n for code, n in weighted.counts.items()
        }
        if table.valid_mark is not None:
            weighted = replace(weighted, counts=counts, total=float(SENTINEL), effective_n=1.0)
        else:
            weighted = replace(weighted, counts=counts)
    return replace(table, categories=tuple(categories), weighted=weighted, **_bases(table))


def _summary(summary: NumberSummary | None) -> NumberSummary | None:
    if summary is None:
        return None
    s = float(SENTINEL)
    return replace(summary, n=s, mean=s, median=s, sd=s, ci95=(s, s), minimum=s, maximum=s)


def _number(table: NumberTable) -> NumberTable:
    bands = None if table.bands is None else _options(table.bands)
    changes: dict[str, Any] = {"bands": bands, **_bases(table)}
    if table.mark is not None or table.valid_mark is not None:
        changes["summary"] = _summary(table.summary)
        if table.weighted is not None:
            changes["weighted"] = replace(
                table.weighted, summary=_summary(table.weighted.summary), effective_n=1.0
            )
    return replace(table, **changes)


def _crosstab(tab: CrossTable) -> CrossTable:
    cells = {k: SENTINEL if k in tab.cell_marks else n for k, n in tab.cells.items()}
    changes: dict[str, Any] = {"cells": cells}
    if tab.column_valid is not None:
        changes["column_valid"] = {
            k: SENTINEL if k in tab.column_marks else n for k, n in tab.column_valid.items()
        }
    if tab.weighted_cells is not None:
        changes["weighted_cells"] = {
            k: float(SENTINEL) if k in tab.cell_marks else n for k, n in tab.weighted_cells.items()
        }
    if tab.weighted_column_valid is not None:
        changes["weighted_column_valid"] = {
            k: float(SENTINEL) if k in tab.column_marks else n
            for k, n in tab.weighted_column_valid.items()
        }
    return replace(tab, **changes)


def _weighting(weighting: WeightingSummary | None) -> WeightingSummary | None:
    if weighting is None:
        return None
    changes: dict[str, Any] = {}
    if weighting.totals_hidden:
        changes.update(complete_responses=SENTINEL, excluded_responses=SENTINEL)
    if weighting.weights_hidden:
        changes.update(
            design_effect=SENTINEL_SHARE,
            effective_n=SENTINEL,
            min_weight=SENTINEL_SHARE,
            max_weight=SENTINEL_SHARE,
        )
    margins = tuple(
        replace(m, sample_percent=SENTINEL_SHARE, sample_count=SENTINEL)
        if m.sample_hidden or weighting.totals_hidden
        else m
        for m in weighting.margins
    )
    excluded = tuple(replace(e, responses=SENTINEL) if e.hidden else e for e in weighting.excluded)
    collapsed = tuple(
        replace(
            group,
            responses=tuple(
                SENTINEL if shown is None else n
                for n, shown in zip(group.responses, weighting.collapsed_counts(group), strict=True)
            ),
        )
        for group in weighting.collapsed
    )
    return replace(weighting, margins=margins, excluded=excluded, collapsed=collapsed, **changes)


def _themes(themes: TextThemes) -> TextThemes:
    return replace(
        themes,
        themes=tuple(
            replace(t, count=SENTINEL) if t.mark is not None else t for t in themes.themes
        ),
        untagged=SENTINEL if themes.untagged_mark is not None else themes.untagged,
    )
