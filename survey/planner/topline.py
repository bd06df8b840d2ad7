"""Topline answers of a survey's key questions while fieldwork runs, read
from the input report: the report engine counts and weights the answers
and its disclosure step suppresses them, so the dashboard publishes exactly
what the report would (no second tally, no cell the report hides).

Key questions are those with a ``measure`` (concern, priority, importance,
victimisation): the ones that feed the priority matrix. Per question (per
row of a matrix) the dashboard shows the answer options with the report's
estimate (a percentage, weighted when the report is) and the valid base;
a number question shows its mean. A suppressed figure is None.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from survey.analysis.model import Report

Json = dict[str, Any]


@dataclass(frozen=True)
class ToplineLine:
    """One option of a key question: its label and published estimate
    (None when suppressed or not published, e.g. on a hidden base)."""

    label: str
    estimate: float | None
    suppressed: bool


@dataclass(frozen=True)
class ToplineTable:
    """A key question (or one row of a key matrix question): its text, the
    valid base (None when suppressed), and its lines. ``unit`` is
    ``percent`` for option shares and ``mean`` for a number's mean."""

    key: str
    text: str
    valid: int | None
    unit: str
    lines: tuple[ToplineLine, ...]


def _option_lines(table: Json) -> tuple[ToplineLine, ...]:
    return tuple(
        ToplineLine(
            label=str(option["label"]),
            estimate=option.get("estimate"),
            suppressed=bool(option.get("suppressed")),
        )
        for option in table.get("options", [])
        if not option.get("missing")
    )


def _tables_of(key: str, text: str, figures: Json) -> list[ToplineTable]:
    """The topline tables of one published question (report JSON)."""
    if "rows" in figures:  # a matrix: one table per row
        return [
            ToplineTable(
                key=f"{key}.{row['key']}",
                text=f"{text}: {row['label']}",
                valid=row.get("valid"),
                unit="percent",
                lines=_option_lines(row),
            )
            for row in figures["rows"]
        ]
    if "options" in figures:
        return [ToplineTable(key, text, figures.get("valid"), "percent", _option_lines(figures))]
    if "mean" in figures:
        line = ToplineLine(
            label="",
            estimate=figures.get("estimate_mean"),
            suppressed=bool(figures.get("suppressed")),
        )
        return [ToplineTable(key, text, figures.get("valid"), "mean", (line,))]
    return []


def topline(report: Report) -> list[ToplineTable]:
    """The topline of every key question of ``report``, in survey order,
    from its published figures."""
    tables: list[ToplineTable] = []
    for question in report.questions:
        if question.measure:
            tables.extend(_tables_of(question.key, question.text, question.figures))
    return tables
