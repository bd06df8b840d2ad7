"""What a question's summary builder reads: the aggregates of its survey,
seen through ``SurveyFigures``, and the ``SummaryContext``.

A builder (``QuestionType.summary``, ``survey.questions``) gets a question, these figures
and the context, and returns a ``survey.analysis.tables.Summary``. The
figures are addressed by variable name, the stored answer slots of the
survey file: ``key`` (single, scale, multiple, number, text), ``key.row``
(a matrix row), ``key.rank`` (the option at rank 1..N of a ranking).

Like the tables, this module imports nothing from the survey definitions,
the report or the database: it is the floor a question type builds on.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from survey.analysis.tables import WeightedCounts, WeightedNumbers

WeightBase = Literal["answers", "respondents", "first"]
"""The base of a weighted tally: the valid answers of the variables;
the valid respondents of the first variable (multiple choice); or the
valid answers of the first variable alone (a ranking's rank 1)."""


@dataclass(frozen=True)
class CrossDimension:
    """A dimension the cross-tabs group by: its groups (codes, or response
    modes) in order, and their labels in the report's language."""

    name: str
    columns: tuple[Any, ...]
    labels: Mapping[Any, str]


@dataclass(frozen=True)
class CrossCounts:
    """One variable by one dimension: answer rows per (code, group) and, for
    multiple choice, valid respondents per group. Respondents without a
    valid code on the dimension are in the group ``None``."""

    dimension: CrossDimension
    counts: Mapping[tuple[int | None, Any], int]
    respondents: Mapping[Any, int]
    weighted: Mapping[tuple[int | None, Any], float] | None = None
    """When the report is weighted: the sum of weights per (code, group)."""
    weighted_respondents: Mapping[Any, float] | None = None
    """When weighted, for multiple choice: weighted valid respondents per group."""


class SurveyFigures(Protocol):
    """The aggregates of one survey, by variable name."""

    def has(self, variable: str) -> bool:
        """True when the survey stores this variable."""
        ...

    def counts(self, variable: str) -> Mapping[int | None, int]:
        """Answer rows per code; code None = shown and left empty. Not shown
        = no row."""
        ...

    def respondents(self, variable: str) -> tuple[int, int]:
        """(valid, shown) respondents of a multiple-choice variable."""
        ...

    def numbers(self, variable: str) -> Sequence[tuple[float, int]]:
        """``(value, count)`` of a number variable, values ascending."""
        ...

    def crosstabs(self, variable: str) -> Sequence[CrossCounts]:
        """The variable by every cross-tab dimension (none when the report
        has no cross-tabs)."""
        ...

    def weighted(
        self, variables: Sequence[str], valid_codes: Collection[int], base: WeightBase = "answers"
    ) -> WeightedCounts | None:
        """The weighted tally of the valid codes of ``variables`` (added up),
        or None when the report is not weighted (an empty tally when the
        first variable is not stored). The tally of a weighting dimension's
        own question is marked ``raked``: its shares are the margins."""
        ...

    def weighted_numbers(self, variable: str) -> WeightedNumbers | None:
        """The weighted summary of a number variable, or None when the
        report is not weighted."""
        ...


@dataclass(frozen=True)
class SummaryContext:
    """What a builder needs besides the figures."""

    language: str
    """Labels and texts are given in this language (falling back to the survey's first)."""
