"""``number``: a whole number (or with ``decimals``) between ``min`` and ``max``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from flask_babel import lazy_gettext as _l

from survey.analysis.inputs import SummaryContext, SurveyFigures
from survey.analysis.intervals import summarise_numbers
from survey.analysis.tables import CategoricalTable, Category, NumberTable, Summary
from survey.questions.base import (
    AnswerRow,
    Problem,
    QuestionType,
    parse_number,
)

if TYPE_CHECKING:
    from survey.definitions.definition import QuestionDef
    from survey.definitions.validation import Checker


def band_code(edges: list[float], value: float) -> int | None:
    """Band of ``value`` for ``edges`` [e0, e1, ..., ek]: code 1 for
    e0 <= v < e1, ..., code k+1 for v >= ek; None below e0."""
    if value < edges[0]:
        return None
    code = 1
    for edge in edges[1:]:
        if value >= edge:
            code += 1
    return code


class NumberQuestion(QuestionType):
    """A typed number. Stored in ``Answer.number``; with ``bands`` the band
    code is stored as ``Answer.code`` too, so the banded number (e.g. age
    band) is a dimension for cross-tabs and weighting like any single."""

    name = "number"
    keys: ClassVar[frozenset[str]] = frozenset({"min", "max", "decimals", "bands", "unit"})
    uses_options = False
    template = "questions/number.html"

    def validate(self, spec: dict[str, Any], path: str, checker: Checker) -> None:
        checker.numeric_limits(spec, path)
        if "bands" in spec:
            checker.bands(spec["bands"], f"{path}.bands", spec)

    @staticmethod
    def decimals(question: QuestionDef) -> int:
        return int(question.spec.get("decimals", 0))

    def answer_rows(self, question: QuestionDef, value: Any) -> list[AnswerRow]:
        if value is None:
            return [AnswerRow(question.key)]
        code = None
        bands = question.spec.get("bands")
        if bands:
            code = band_code(bands["edges"], float(value))
        return [AnswerRow(question.key, code=code, number=float(value))]

    def from_cells(self, question: QuestionDef, cells: Mapping[str, str]) -> int | float | None:
        raw = cells.get(question.key, "")
        if raw.strip() == "":
            return None
        return parse_number(question.key, raw, self.decimals(question))

    def check(self, question: QuestionDef, value: Any) -> list[Problem]:
        problems: list[Problem] = []
        if value is None:
            if question.required:
                problems.append((question.key, _l("Answer this question.")))
            return problems
        low, high = question.spec.get("min"), question.spec.get("max")
        if (low is not None and value < low) or (high is not None and value > high):
            problems.append(
                (question.key, _l("Enter a number from %(min)s to %(max)s.", min=low, max=high))
            )
        return problems

    def summary(
        self, question: QuestionDef, figures: SurveyFigures, context: SummaryContext
    ) -> Summary:
        """Mean, median and the interval of the mean of the answered values;
        with ``bands`` the band counts on the same base."""
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
            )
        summary = summarise_numbers(values) if valid else None
        return Summary(NumberTable(valid, missing, summary, bands))
