"""Typed report tables: the value objects at the floor of the analysis.

One frozen dataclass per table *kind*; writers, charts and templates
dispatch on ``kind``, never on the question type that produced the table
(a ``single`` and a ``scale`` question both give a ``categorical`` table).
Each table holds what it was built from (unweighted counts, the weighted
tally, the suppression marks) and derives what it publishes, like
statsmodels' ``DescrStatsW``: documented properties, and ``to_json()``,
the one place where the contract's JSON (section 3) is written.

Rules every table follows (units and rounding):

- Counts are unweighted integers. ``valid`` is the percentage base: the
  respondents who were shown the question (or row) and gave a non-missing
  answer (multiple choice and ranking: who chose at least one valid
  option); ``missing`` is shown minus valid.
- Percentages are 0-100, rounded to two decimals (``round2``); intervals
  are Wilson 95 % intervals in percent, each bound rounded to two
  decimals. ``ci95`` is on the unweighted count and base; the weighted
  interval uses the Kish effective n of the table's valid answers.
- A ``missing: true`` option is listed with its count and no percentage.
- Which estimate a figure shows (weighted, unweighted, or the margin of a
  weighting dimension) is decided by ``survey.analysis.estimates.shown``;
  ``to_json`` writes it as the ``estimate`` keys beside the unweighted and
  weighted figures, which stay for comparison.
- ``base_flag`` of a base: ``hidden`` below 30 (no percentages shown),
  ``unreliable`` below 100, else ``ok``.
- A cell with a suppression mark (``primary``: its own count is 1 ..
  threshold-1; ``complementary``: hidden so that no other published figure
  gives a primary cell away) publishes its count, percentages and
  intervals as null and ``suppressed: true``. Marks are set by the
  disclosure step (``survey.analysis.disclosure``); a freshly built table
  has none.

This module imports nothing from the survey definitions, the report or the
database: a question type builds its table from these objects alone.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from functools import cached_property
from typing import Any, ClassVar, Generic, Literal, Protocol, TypeVar, runtime_checkable

from survey.analysis.estimates import (
    MARGINS,
    UNWEIGHTED,
    WEIGHTED,
    EstimateKind,
    Figure,
    report_kind,
    shown,
)
from survey.analysis.intervals import NumberSummary, weighted_wilson_interval, wilson_interval
from survey.analysis.suppression import base_flag

Json = dict[str, Any]
Mark = Literal["primary", "complementary"]
"""Why a cell is suppressed: its own small count, or to protect another cell."""
PRIMARY: Mark = "primary"
COMPLEMENTARY: Mark = "complementary"

UNKNOWN_COLUMN = None
"""The cross-tab column of respondents without a valid code on the dimension."""


def round2(value: float | None) -> float | None:
    """A published figure: two decimals, or None."""
    return None if value is None else round(float(value), 2)


def rounded_interval(bounds: tuple[float, float] | None) -> list[float] | None:
    """A published interval: both bounds to two decimals, or None."""
    if bounds is None:
        return None
    return [round(bounds[0], 2), round(bounds[1], 2)]


def percent(count: float, base: float) -> float | None:
    """``count`` of ``base`` in percent, two decimals; None without a base."""
    return round(count / base * 100.0, 2) if base > 0 else None


@dataclass(frozen=True)
class WeightedCounts:
    """The weighted tally of one table (``survey.analysis.weighting.weighted_tally``):
    weighted counts per valid code, the weighted valid base and the Kish
    effective n (sum w)^2 / sum w^2 of the respondents in that base.

    ``raked`` is set on the table of a weighting dimension: the codes of its
    margins. Raking fixed those shares at the population shares, so they get
    no interval, and a code the margins lack has no weighted share (its
    respondents have no weight), which is published as null, never as 0."""

    counts: Mapping[int, float]
    total: float
    effective_n: float
    raked: frozenset[int] | None = None
    intervals: bool = True
    """False when the report withholds the weights' spread: no effective n
    and no interval is published (each gives the effective n back, which
    bounds the complete responses; ``WeightingSummary.weights_hidden``)."""

    @property
    def kind(self) -> EstimateKind:
        """Weighted, or the margins for a table of a weighting dimension."""
        return WEIGHTED if self.raked is None else MARGINS

    def percent(self, code: int) -> float | None:
        """Weighted share of ``code`` in percent, two decimals; None without a base."""
        if self.total <= 0 or (self.raked is not None and code not in self.raked):
            return None
        return round2(self.counts.get(code, 0.0) / self.total * 100)

    def ci95(self, code: int) -> list[float] | None:
        """Wilson 95 % interval of the weighted share, on the effective n
        (none for a weighting dimension's own shares)."""
        if self.raked is not None or not self.intervals:
            return None
        return rounded_interval(
            weighted_wilson_interval(self.counts.get(code, 0.0), self.total, self.effective_n)
        )

    def figure(self, code: int, show: bool) -> Figure:
        """The weighted figure of ``code``; ``show``: percentages are published."""
        if not show:
            return Figure(None, None, self.kind)
        return Figure(self.percent(code), self.ci95(code), self.kind)


# --- options tables: single, scale, a matrix row, number bands; multiple; ranking ----


@dataclass(frozen=True, slots=True)
class Category:
    """One answer option: its unweighted count (answers, or respondents who
    chose it for multiple choice) and its suppression mark."""

    code: int
    label: str
    count: int
    missing: bool = False
    """A ``missing: true`` option: listed, never part of ``valid``."""
    mark: Mark | None = None


@dataclass(frozen=True, slots=True)
class RankedCategory:
    """One option of a ranking: ``chosen`` respondents put it at any rank,
    ``first`` at rank 1; ``borda`` points are N for a first place down to 1
    for place N (N = ``choose``)."""

    code: int
    label: str
    chosen: int
    first: int
    borda: int
    missing: bool = False
    mark: Mark | None = None
    """Mark of ``chosen`` (and with it every figure of the option)."""
    first_mark: Mark | None = None
    """Mark of ``first`` alone (the first places of a ranking add up to ``valid``)."""

    @property
    def count(self) -> int:
        """What suppression of the option looks at: the respondents who chose it."""
        return self.chosen


C = TypeVar("C", Category, RankedCategory)


@dataclass(frozen=True)
class _OptionsTable(Generic[C]):
    """One entry per answer option over a percentage base (``valid``)."""

    percent_key: ClassVar[str] = "percent"
    _hidden_keys: ClassVar[tuple[str, ...]] = ("count", "percent", "ci95")
    """The figures a suppressed option publishes as null, in order."""
    categories: tuple[C, ...]
    valid: int
    missing: int
    weighted: WeightedCounts | None = None
    """The weighted tally when the report is weighted."""
    valid_mark: Mark | None = None
    """``valid`` is suppressed (then every percentage, interval and the
    effective n too: each would give the base away)."""
    missing_mark: Mark | None = None

    @property
    def base_flag(self) -> str:
        # A suppressed base publishes no percentage: "hidden", whatever its size.
        return "hidden" if self.valid_mark is not None else base_flag(self.valid)

    def _figures_json(self, category: C, show: bool) -> Json:
        """The option's own figures; ``show``: its percentages are published."""
        ci95 = rounded_interval(wilson_interval(category.count, self.valid)) if show else None
        return {
            "count": category.count,
            "percent": percent(category.count, self.valid) if show else None,
            "ci95": ci95,
        }

    @property
    def estimates(self) -> EstimateKind:
        """What the ``estimate`` keys of the table are."""
        return UNWEIGHTED if self.weighted is None else self.weighted.kind

    def option_json(self, category: C) -> Json:
        """The published figures of one option."""
        entry: Json = {"code": category.code, "label": category.label}
        if category.missing:
            entry["missing"] = True
        weighted = self.weighted
        if category.mark is not None:
            entry.update(dict.fromkeys(self._hidden_keys))
            if weighted is not None:
                entry.update(weighted_percent=None, weighted_ci95=None)
            entry.update(estimate=None, estimate_ci95=None, suppressed=True)
            return entry
        show = not category.missing and self.base_flag != "hidden"
        figures = self._figures_json(category, show)
        entry.update(figures)
        shown_weighted = None
        if weighted is not None:
            shown_weighted = weighted.figure(category.code, show)
            entry["weighted_percent"] = shown_weighted.value
            entry["weighted_ci95"] = shown_weighted.ci95
        estimate = shown(
            Figure(figures[self.percent_key], figures["ci95"], UNWEIGHTED), shown_weighted
        )
        entry.update(estimate=estimate.value, estimate_ci95=estimate.ci95, suppressed=False)
        return entry

    def to_json(self) -> Json:
        table: Json = {
            "valid": None if self.valid_mark is not None else self.valid,
            "missing": None if self.missing_mark is not None else self.missing,
            "base_flag": self.base_flag,
            "estimates": self.estimates,
            "options": [self.option_json(c) for c in self.categories],
        }
        table.update(base_marks_json(self.valid_mark, self.missing_mark))
        if self.weighted is not None:
            table["effective_n"] = (
                None
                if self.valid_mark is not None or not self.weighted.intervals
                else round(self.weighted.effective_n, 1)
            )
        return table


def base_marks_json(valid_mark: Mark | None, missing_mark: Mark | None) -> Json:
    """``valid_suppressed`` / ``missing_suppressed``, only when true."""
    marks: Json = {}
    if valid_mark is not None:
        marks["valid_suppressed"] = True
    if missing_mark is not None:
        marks["missing_suppressed"] = True
    return marks


@dataclass(frozen=True)
class CategoricalTable(_OptionsTable[Category]):
    """Answers to a single or scale question, to one matrix row, or the bands
    of a number: one answer per respondent, so the valid options add up
    to ``valid`` (which is why suppression protects them as one line)."""

    kind: ClassVar[str] = "categorical"
    percent_of: ClassVar[str] = "answers"


@dataclass(frozen=True)
class MultipleTable(_OptionsTable[Category]):
    """Multiple choice: per option the respondents who chose it, in percent
    of the respondents who chose at least one valid option (``valid``).
    Options do not add up to ``valid``."""

    kind: ClassVar[str] = "multiple"
    percent_of: ClassVar[str] = "respondents"


@dataclass(frozen=True)
class RankingTable(_OptionsTable[RankedCategory]):
    """A ranking question: choose and order up to ``choose`` options.
    Percentages are of ``valid``: the respondents with a valid first choice
    (ranks fill from the first, so they chose at least one option)."""

    kind: ClassVar[str] = "ranking"
    percent_of: ClassVar[str] = "respondents"
    # The report template's option table reads both (its count column).
    count_key: ClassVar[str] = "chosen_count"
    percent_key: ClassVar[str] = "chosen_percent"
    _hidden_keys: ClassVar[tuple[str, ...]] = (
        "chosen_count",
        "chosen_percent",
        "ci95",
        "first_count",
        "borda",
    )
    choose: int = field(kw_only=True)

    def _figures_json(self, category: RankedCategory, show: bool) -> Json:
        entry: Json = {
            "chosen_count": category.chosen,
            "chosen_percent": percent(category.chosen, self.valid) if show else None,
            "first_count": None if category.first_mark is not None else category.first,
        }
        if category.first_mark is not None:
            entry["first_suppressed"] = True
        entry["borda"] = category.borda
        entry["ci95"] = (
            rounded_interval(wilson_interval(category.chosen, self.valid)) if show else None
        )
        return entry

    def to_json(self) -> Json:
        """The table's JSON with how many ranks a respondent chooses."""
        return {**super().to_json(), "choose": self.choose}


@dataclass(frozen=True, slots=True)
class MatrixRow:
    """One row of a matrix question: its key, label and table."""

    key: str
    label: str
    table: CategoricalTable


@dataclass(frozen=True)
class MatrixTable:
    """A matrix question: one categorical table per row, all on the same options."""

    kind: ClassVar[str] = "matrix"
    rows: tuple[MatrixRow, ...]

    def to_json(self) -> Json:
        """The matrix's JSON: one table per row."""
        return {"rows": [{"key": r.key, "label": r.label, **r.table.to_json()} for r in self.rows]}


# --- numbers and texts ------------------------------------------------------------------


@dataclass(frozen=True)
class WeightedNumbers:
    """The weighted summary of a number question: mean, median and interval
    of the mean over ``(value, sum of weights)`` of the answers of complete
    responses, with n = their Kish ``effective_n``
    (``survey.analysis.intervals.summarise_numbers``)."""

    summary: NumberSummary | None
    effective_n: float
    intervals: bool = True
    """False: the effective n is withheld (see ``WeightedCounts.intervals``)."""


@dataclass(frozen=True)
class NumberTable:
    """A number question: mean, median and the 95 % interval of the mean
    (``survey.analysis.intervals.summarise_numbers``: normal quantile from
    n = 30, Student t below) in the unit of the answers, on ``valid``
    answers; with ``bands`` the banded counts as a categorical table (its
    ``valid`` is the number's). The summary is suppressed (``mark``) when
    it rests on 1 .. threshold-1 answers; the weighted summary with it."""

    kind: ClassVar[str] = "number"
    valid: int
    missing: int
    summary: NumberSummary | None
    bands: CategoricalTable | None = None
    mark: Mark | None = None
    valid_mark: Mark | None = None
    missing_mark: Mark | None = None
    weighted: WeightedNumbers | None = None

    @property
    def suppressed(self) -> bool:
        """True when the whole summary is hidden."""
        return self.mark is not None

    def _summary_figures(
        self, summary: NumberSummary | None
    ) -> tuple[float | None, float | None, list[float] | None]:
        if summary is None or self.suppressed:
            return None, None, None
        return round2(summary.mean), round2(summary.median), rounded_interval(summary.ci95)

    @property
    def mean(self) -> float | None:
        """The published mean (two decimals); None when suppressed or without answers."""
        return self._summary_figures(self.summary)[0]

    def to_json(self) -> Json:
        """The number table's JSON entry."""
        mean, median, ci95 = self._summary_figures(self.summary)
        table: Json = {
            "valid": None if self.valid_mark is not None else self.valid,
            "missing": None if self.missing_mark is not None else self.missing,
            "mean": mean,
            "median": median,
            "ci95": ci95,
            "suppressed": self.suppressed,
            "base_flag": "hidden" if self.valid_mark is not None else base_flag(self.valid),
            "estimates": report_kind(self.weighted is not None),
        }
        table.update(base_marks_json(self.valid_mark, self.missing_mark))
        shown_mean = Figure(mean, ci95, UNWEIGHTED)
        shown_median = Figure(median, None, UNWEIGHTED)
        if self.weighted is not None:
            w_mean, w_median, w_ci95 = self._summary_figures(self.weighted.summary)
            table.update(
                weighted_mean=w_mean,
                weighted_median=w_median,
                weighted_ci95=w_ci95,
                # The effective n of a hidden base would give it back.
                effective_n=(
                    None
                    if self.valid_mark is not None or not self.weighted.intervals
                    else round(self.weighted.effective_n, 1)
                ),
            )
            shown_mean = shown(shown_mean, Figure(w_mean, w_ci95, WEIGHTED))
            shown_median = shown(shown_median, Figure(w_median, None, WEIGHTED))
        table.update(
            estimate_mean=shown_mean.value,
            estimate_median=shown_median.value,
            estimate_ci95=shown_mean.ci95,
        )
        if self.bands is not None:
            table["bands_estimates"] = self.bands.estimates
            table["bands"] = [self.bands.option_json(c) for c in self.bands.categories]
        return table


@dataclass(frozen=True)
class TextTable:
    """A text question: ``valid`` respondents wrote something; what they
    wrote is in the free-text themes (``TextThemes``)."""

    kind: ClassVar[str] = "text"
    valid: int
    missing: int
    valid_mark: Mark | None = None
    missing_mark: Mark | None = None

    def to_json(self) -> Json:
        """The text table's JSON entry (the bases only)."""
        return {
            "valid": None if self.valid_mark is not None else self.valid,
            "missing": None if self.missing_mark is not None else self.missing,
            **base_marks_json(self.valid_mark, self.missing_mark),
        }


# --- cross-tabs ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CrossColumn:
    """A group of the dimension: a code (a mode for ``mode``), or
    ``UNKNOWN_COLUMN`` for respondents without a valid code on it."""

    code: Any
    label: str


@dataclass(frozen=True, slots=True)
class CrossRow:
    """A row of a cross-tab: an answer code and its label."""

    code: int
    label: str


@dataclass(frozen=True)
class CrossTable:
    """The valid options of one question (or matrix row) by the groups of one
    dimension, percentages within each column.

    ``cells`` holds every (option code, column) count, zeros included; the
    unknown column is present only when it has respondents, and completes
    each option to its overall count. Column bases are the column sums
    (answers) or, for multiple choice and ranking, the respondents in the
    column (``column_valid``; the JSON then says ``percent_of:
    respondents``). Suppression marks are kept
    per cell and per column total (the column's published ``valid``)."""

    kind: ClassVar[str] = "crosstab"
    question: str
    question_text: str
    question_type: str
    measure: str | None
    dimension: str
    columns: tuple[CrossColumn, ...]
    """The dimension's groups in order, then the unknown column."""
    options: tuple[CrossRow, ...]
    cells: Mapping[tuple[int, Any], int]
    column_valid: Mapping[Any, int] | None = None
    row: str | None = None
    row_label: str | None = None
    cell_marks: Mapping[tuple[int, Any], Mark] = field(default_factory=dict)
    column_marks: Mapping[Any, Mark] = field(default_factory=dict)
    weighted_cells: Mapping[tuple[int, Any], float] | None = None
    """When the report is weighted: the sum of the weights of every cell's
    answers (complete responses only), set by the weighting step."""
    weighted_column_valid: Mapping[Any, float] | None = None
    """Weighted column bases of multiple choice and ranking (respondents)."""

    @cached_property
    def weighted_column_bases(self) -> dict[Any, float] | None:
        """Weighted base of every column (respondents, or the column's sum), or
        None when the report is not weighted."""
        if self.weighted_cells is None:
            return None
        if self.weighted_column_valid is not None:
            return {c.code: self.weighted_column_valid.get(c.code, 0.0) for c in self.columns}
        bases = {c.code: 0.0 for c in self.columns}
        codes = {o.code for o in self.options}
        for (code, column), total in self.weighted_cells.items():
            if column in bases and code in codes:
                bases[column] += total
        return bases

    @cached_property
    def column_bases(self) -> dict[Any, int]:
        """Base of every column: respondents (``column_valid``) or the column sum."""
        if self.column_valid is not None:
            return {c.code: self.column_valid.get(c.code, 0) for c in self.columns}
        bases = {c.code: 0 for c in self.columns}
        for (_code, column), n in self.cells.items():
            if column in bases:
                bases[column] += n
        return bases

    def to_json(self) -> Json:
        """The cross-tab's JSON entry: columns with their bases and cells."""
        bases = self.column_bases
        marks = self.cell_marks
        hidden_columns = self.column_marks
        columns: list[Json] = []
        shown_columns: list[tuple[Any, int, bool]] = []
        for column in self.columns:
            total = bases[column.code]
            if column.code is UNKNOWN_COLUMN and total == 0:
                continue
            suppressed = column.code in hidden_columns
            columns.append(
                {
                    "code": column.code,
                    "label": column.label,
                    "valid": None if suppressed else total,
                    "suppressed": suppressed,
                    # A suppressed base shows no percentage; its size is not hinted at.
                    "base_flag": "hidden" if suppressed else base_flag(total),
                }
            )
            shown_columns.append(
                (column.code, total, suppressed or base_flag(total) == "hidden"),
            )
        rows: list[Json] = []
        get = self.cells.get
        weighted = self.weighted_cells
        weighted_bases = self.weighted_column_bases
        for option in self.options:
            cells: list[Json] = []
            for column, total, hide_percent in shown_columns:
                key = (option.code, column)
                if key in marks:
                    cell: Json = {"count": None, "percent": None}
                    if weighted is not None:
                        cell["weighted_percent"] = None
                    cell.update(estimate=None, suppressed=True)
                    cells.append(cell)
                    continue
                n = get(key, 0)
                value = None if hide_percent else percent(n, total)
                cell = {"count": n, "percent": value}
                shown_weighted = None
                if weighted is not None and weighted_bases is not None:
                    share = (
                        None
                        if hide_percent
                        else percent(weighted.get(key, 0.0), weighted_bases[column])
                    )
                    cell["weighted_percent"] = share
                    shown_weighted = Figure(share, None, WEIGHTED)
                cell["estimate"] = shown(Figure(value, None, UNWEIGHTED), shown_weighted).value
                cell["suppressed"] = False
                cells.append(cell)
            rows.append({"code": option.code, "label": option.label, "cells": cells})
        entry: Json = {
            "question": self.question,
            "question_text": self.question_text,
            "type": self.question_type,
            "measure": self.measure,
            "dimension": self.dimension,
            "estimates": report_kind(weighted is not None),
            "columns": columns,
            "options": rows,
        }
        if self.row is not None:
            entry["row"] = self.row
            if self.row_label is not None:
                entry["row_label"] = self.row_label
        if self.column_valid is not None:
            entry["percent_of"] = "respondents"
        return entry


def complete_cells(
    raw: Mapping[tuple[int | None, Any], int],
    columns: list[Any],
    totals: Mapping[int, int],
) -> dict[tuple[int, Any], int]:
    """Cross-tab cells (code, column) for every code of ``totals`` (its overall
    count) and every known column, zeros included; the unknown column
    completes each code to its overall count, and is left out when it is
    empty everywhere (so that no suppression picks one of its zeros)."""
    cells: dict[tuple[int, Any], int] = {}
    unknown = False
    for code, total in totals.items():
        known = 0
        for column in columns:
            n = raw.get((code, column), 0)
            cells[(code, column)] = n
            known += n
        rest = max(total - known, 0)
        cells[(code, UNKNOWN_COLUMN)] = rest
        unknown = unknown or rest > 0
    if not unknown:
        cells = {key: n for key, n in cells.items() if key[1] is not UNKNOWN_COLUMN}
    return cells


def complete_columns(raw: Mapping[Any, int], columns: list[Any], total: int) -> dict[Any, int]:
    """Respondents per known column, and in the unknown column the rest of
    ``total`` (only when there is a rest)."""
    found = {c: raw.get(c, 0) for c in columns}
    unknown = max(total - sum(found.values()), 0)
    if unknown:
        found[UNKNOWN_COLUMN] = unknown
    return found


class Table(Protocol):
    """The summary table of one question: its ``kind``, which writers,
    charts and templates dispatch on, and its published JSON. The kinds of
    this module are categorical, multiple, ranking, matrix, number and text;
    a question type may bring a kind of its own (``survey.questions``):
    extending one of these, it is protected as that one
    (``survey.analysis.disclosure``), and with a ``grid`` it gets a sheet in
    the spreadsheet; the HTML report shows it with its partial
    ``reports/tables/<kind>.html``."""

    kind: ClassVar[str]

    def to_json(self) -> Json:
        """The table's entry of the report JSON."""


class Hidden(Enum):
    """A cell of a ``Grid`` that disclosure control hides."""

    CELL = "x"


HIDDEN = Hidden.CELL


@dataclass(frozen=True)
class Grid:
    """A table's figures as rows of cells, for a writer without a layout of
    its own for the table's kind (the spreadsheet): a header, one row per
    line, then notes ``(label, value)``. A cell is a number (percentages
    0-100), a text, None (nothing to show) or ``HIDDEN``."""

    header: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]
    notes: tuple[tuple[str, Any], ...] = ()


@runtime_checkable
class GridTable(Table, Protocol):
    """A table that can lay itself out as a ``Grid``."""

    def grid(self) -> Grid:
        """The table as rows of cells, for the spreadsheet."""


@dataclass(frozen=True)
class Summary:
    """What a question contributes to the report: its table, and its cross-tabs
    (one per dimension; per row and dimension for a matrix)."""

    table: Table
    crosstabs: tuple[CrossTable, ...] = ()


# --- free text ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Theme:
    """The comments tagged with one phenomenon (a comment may have several),
    with up to three representative redacted quotes."""

    phenomenon: str
    label: str
    count: int
    quotes: tuple[str, ...]
    mark: Mark | None = None


@dataclass(frozen=True)
class TextThemes:
    """The residents' free-text comments sorted into phenomena by keywords
    (or by a planner's correction, ``corrected`` comments).
    ``comments`` counts every non-blank comment (copies included);
    ``untagged`` those without a phenomenon; a theme count or the untagged
    count of 1 .. threshold-1 is suppressed."""

    kind: ClassVar[str] = "text_themes"
    comments: int
    untagged: int
    themes: tuple[Theme, ...]
    untagged_mark: Mark | None = None
    corrected: int = 0
    """Comments whose phenomena a planner set (copies included)."""

    def to_json(self) -> Json:
        """The themes' JSON entry: counts per theme and the quotes."""
        return {
            "comments": self.comments,
            "corrected": self.corrected,
            "untagged": None if self.untagged_mark is not None else self.untagged,
            "themes": [
                {
                    "phenomenon": t.phenomenon,
                    "label": t.label,
                    "count": None if t.mark is not None else t.count,
                    "suppressed": t.mark is not None,
                    "quotes": list(t.quotes),
                }
                for t in self.themes
            ],
        }


# --- the priority matrix ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SectorMean:
    """Mean importance among the partners of one sector; the mean is published
    only from ``sector_min_n`` answers on. Both are None where the sector
    mixes organisations shown by name or in their sector's group with others
    (``survey.analysis.partner_answers``)."""

    n: int | None
    mean: float | None


@dataclass(frozen=True, slots=True)
class PartnerFigures:
    """What the partners (organisations, one answer each, never weighted)
    said the zone should do with one phenomenon: of the ``organisations``
    with a valid answer to the ``partner_priority`` question ("Geen zicht
    op" left out), the share in percent (two decimals) that answered its
    first option (prioriteit) and its second (aandachtspunt); how many
    organisations put the phenomenon in their top 3 (``measure:
    partner_top3``) of the ``top3_organisations`` that answered it; and how
    many extra attention points partners tagged with it (``measure:
    partner_points``). Each figure is None when it rests on fewer
    organisations than the partner minimum (``SURVEY_PARTNER_SECTOR_MIN``)
    or the survey does not ask it."""

    organisations: int | None
    priority: float | None
    attention: float | None
    top3: int | None
    top3_organisations: int | None
    extra_points: int | None

    def to_json(self) -> Json:
        """The ``partners`` entry of a matrix row."""
        return {
            "organisations": self.organisations,
            "priority": self.priority,
            "attention": self.attention,
            "top3": self.top3,
            "top3_organisations": self.top3_organisations,
            "extra_points": self.extra_points,
        }


@dataclass(frozen=True, slots=True)
class ObjectiveFigure:
    """The latest registered figure of a phenomenon and its % change on the
    year before (None when that year is missing or zero)."""

    year: int
    value: float
    unit: str
    source: str
    previous_year: int | None
    previous_value: float | None
    trend_percent: float | None
    series: tuple[tuple[int, float], ...]
    trend_note: str | None = None
    """``too_few_facts`` when a year has too few facts for a trend."""

    def to_json(self) -> Json:
        """The objective figure's JSON entry."""
        entry: Json = {
            "year": self.year,
            "value": self.value,
            "unit": self.unit,
            "source": self.source,
            "previous_year": self.previous_year,
            "previous_value": self.previous_value,
            "trend_percent": self.trend_percent,
            "series": [{"year": y, "value": v} for y, v in self.series],
        }
        if self.trend_note is not None:
            entry["trend_note"] = self.trend_note
        return entry


@dataclass(frozen=True, slots=True)
class PriorityRow:
    """One phenomenon of the priority matrix: its published indicators (shares
    in percent, importance in scale points, two decimals; a share resting on
    1 .. threshold-1 answers is null and named in ``suppressed_indicators``):
    unweighted (``indicators``), weighted (when the matrix is weighted) and
    the ones the score uses (``estimate_indicators``, chosen by
    ``survey.analysis.estimates.shown``); their unweighted bases and, when
    weighted, the Kish effective n of those bases; the combined score 0..1,
    its rank with the bootstrap rank interval, and the proposed label with
    its reason."""

    phenomenon: str
    label: str
    federal_priority: bool
    indicators: Mapping[str, float | None]
    estimate_indicators: Mapping[str, float | None]
    weighted_indicators: Mapping[str, float | None] | None
    bases: Mapping[str, int]
    effective_bases: Mapping[str, float] | None
    suppressed_indicators: tuple[str, ...]
    objective: ObjectiveFigure | None
    importance_by_sector: Mapping[str, SectorMean]
    partners: PartnerFigures | None
    """The partners' own figures (None: no partner survey asks them)."""
    score: float | None
    rank: int | None
    rank_interval: tuple[int, int] | None
    proposal: str
    """The proposed label in Dutch (prioriteit, aandachtspunt, basiszorg)."""
    proposal_key: str
    reason: str

    SHARES: ClassVar[tuple[str, ...]] = ("concern", "priority", "victimisation")
    """The indicators that are shares of residents' answers (percent)."""

    @property
    def estimate_ci95(self) -> dict[str, list[float]]:
        """The 95 % Wilson interval (percent, two decimals) of every shown
        share in ``estimate_indicators``, on its published base: the Kish
        effective n when the matrix is weighted, the unweighted base
        otherwise. A share whose base is not published gets none."""
        bases: Mapping[str, float] = (
            self.effective_bases if self.effective_bases is not None else self.bases
        )
        found: dict[str, list[float]] = {}
        for name in self.SHARES:
            value, base = self.estimate_indicators.get(name), bases.get(name)
            if value is None or not base:
                continue
            interval = wilson_interval(min(value / 100.0, 1.0) * base, base)
            if interval is not None:
                found[name] = [round(interval[0], 2), round(interval[1], 2)]
        return found

    def to_json(self) -> Json:
        """The matrix row's JSON entry."""
        entry: Json = {
            "phenomenon": self.phenomenon,
            "label": self.label,
            "federal_priority": self.federal_priority,
            "indicators": dict(self.indicators),
        }
        if self.weighted_indicators is not None:
            entry["weighted_indicators"] = dict(self.weighted_indicators)
        entry["estimate_indicators"] = dict(self.estimate_indicators)
        entry["estimate_ci95"] = self.estimate_ci95
        entry["bases"] = dict(self.bases)
        if self.effective_bases is not None:
            entry["effective_bases"] = dict(self.effective_bases)
        if self.suppressed_indicators:
            entry["suppressed_indicators"] = list(self.suppressed_indicators)
        if self.objective is not None:
            entry["objective"] = self.objective.to_json()
        if self.importance_by_sector:
            entry["importance_by_sector"] = {
                sector: {"n": s.n, "mean": s.mean}
                for sector, s in self.importance_by_sector.items()
            }
        if self.partners is not None:
            entry["partners"] = self.partners.to_json()
        entry.update(
            score=self.score,
            rank=self.rank,
            rank_interval=None if self.rank_interval is None else list(self.rank_interval),
            proposal=self.proposal,
            proposal_key=self.proposal_key,
            reason=self.reason,
        )
        return entry


@dataclass(frozen=True, slots=True)
class SensitivityChange:
    """A weight moved by ``factor`` and which phenomena entered or left the top."""

    indicator: str
    factor: float
    entered: tuple[str, ...]
    left: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SourceWeight:
    """How much one source of indicators (residents, partners, registered
    figures) weighs in the score: the share 0..1 of the weights of its
    indicators among those of the indicators the matrix has, and how many
    people it rests on (responses; None for registered figures)."""

    source: str
    indicators: tuple[str, ...]
    weight_share: float
    people: int | None


LABEL_RULE: dict[str, float] = {
    "priority_max_rank": 3,
    "priority_min_score": 0.6,
    "attention_max_rank": 6,
    "attention_min_score": 0.4,
}
"""The thresholds of the proposed labels (``survey.analysis.ranking.propose_label``);
the method publishes them, so the report states the rule once."""


@dataclass(frozen=True)
class PriorityMethod:
    """How the matrix was computed: the indicator weights (only the ratios
    matter) and how much each source weighs, min-max normalisation, the
    bootstrap of the rank intervals, whether the top ``sensitivity_top``
    survives every weight moved by +/- ``sensitivity_delta``, what each
    indicator's base counts, the minimum facts for a trend, and whether the
    residents' indicators are weighted (``estimates``)."""

    weights: Mapping[str, float]
    weights_source: str
    samples: int
    seed: int
    sensitivity_top: int
    sensitivity_delta: float
    stable: bool
    base_top: tuple[str, ...]
    changes: tuple[SensitivityChange, ...]
    sector_min_n: int
    normalisation: str = "minmax"
    level: float = 0.95
    estimates: EstimateKind = UNWEIGHTED
    sources: tuple[SourceWeight, ...] = ()
    indicator_bases: Mapping[str, str] = field(default_factory=dict)
    trend_min_facts: int | None = None

    def to_json(self) -> Json:
        """The ``priority_method`` block of the report JSON."""
        return {
            "estimates": self.estimates,
            "weights": dict(self.weights),
            "weights_source": self.weights_source,
            "sources": [
                {
                    "source": w.source,
                    "indicators": list(w.indicators),
                    "weight_share": w.weight_share,
                    "people": w.people,
                }
                for w in self.sources
            ],
            "indicator_bases": dict(self.indicator_bases),
            "trend_min_facts": self.trend_min_facts,
            "normalisation": self.normalisation,
            "bootstrap": {"samples": self.samples, "seed": self.seed, "level": self.level},
            "sensitivity": {
                "top": self.sensitivity_top,
                "delta": self.sensitivity_delta,
                "stable": self.stable,
                "base_top": list(self.base_top),
                "changes": [
                    {
                        "indicator": c.indicator,
                        "factor": c.factor,
                        "entered": list(c.entered),
                        "left": list(c.left),
                    }
                    for c in self.changes
                ],
            },
            "sector_min_n": self.sector_min_n,
            "label_rule": dict(LABEL_RULE),
        }


@dataclass(frozen=True)
class PriorityMatrix:
    """The priority matrix of a consultation: phenomena by rank (unranked
    last, then by key), and the method."""

    kind: ClassVar[str] = "priority_matrix"
    rows: tuple[PriorityRow, ...]
    method: PriorityMethod

    def to_json(self) -> Json:
        """The ``priorities`` and ``priority_method`` blocks of the report JSON."""
        return {
            "priorities": [row.to_json() for row in self.rows],
            "priority_method": self.method.to_json(),
        }
