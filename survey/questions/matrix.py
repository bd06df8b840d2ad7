"""``matrix``: several rows answered on one scale (a grid)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from flask_babel import lazy_gettext as _l

from survey.analysis.inputs import SummaryContext, SurveyFigures
from survey.analysis.tables import CrossTable, MatrixRow, MatrixTable, Summary
from survey.i18n import text_for
from survey.questions.base import (
    AnswerRow,
    Problem,
    QuestionType,
    VariableSpec,
    parse_code,
)
from survey.questions.choices import categorical

if TYPE_CHECKING:
    from survey.definitions.definition import QuestionDef
    from survey.definitions.validation import Checker


class MatrixChoice(QuestionType):
    """Rows x one scale. One variable ``key.row`` per row, each with one
    code. ``required`` means every row must be answered. Measures:
    ``concern`` (share of valid answers in ``concern_codes``), ``importance``
    (mean of the codes), ``victimisation`` (share answering the first
    option). Each row may name its ``phenomenon``."""

    name = "matrix"
    keys: ClassVar[frozenset[str]] = frozenset({"rows", "options", "scale", "concern_codes"})
    measures: ClassVar[frozenset[str]] = frozenset({"concern", "importance", "victimisation"})
    template = "questions/matrix.html"

    def validate(self, spec: dict[str, Any], path: str, checker: Checker) -> None:
        checker.choices(spec, path)
        checker.rows(spec, path)
        checker.concern_codes(spec, path)

    def variables(self, question: QuestionDef) -> list[VariableSpec]:
        return [
            VariableSpec(
                name=f"{question.key}.{row.key}", row_key=row.key, phenomenon=row.phenomenon
            )
            for row in question.rows
        ]

    def empty(self, question: QuestionDef) -> dict[str, int | None]:
        return {}

    def is_answered(self, question: QuestionDef, value: Any) -> bool:
        return any(v is not None for v in (value or {}).values())

    def answer_rows(self, question: QuestionDef, value: Any) -> list[AnswerRow]:
        value = value or {}
        return [
            AnswerRow(f"{question.key}.{row.key}", code=value.get(row.key)) for row in question.rows
        ]

    def from_cells(self, question: QuestionDef, cells: Mapping[str, str]) -> dict[str, int | None]:
        result: dict[str, int | None] = {}
        for row in question.rows:
            name = f"{question.key}.{row.key}"
            raw = cells.get(name, "")
            result[row.key] = None if raw.strip() == "" else parse_code(name, raw)
        return result

    def to_cells(self, question: QuestionDef, value: Any) -> dict[str, Any]:
        value = value or {}
        return {f"{question.key}.{row.key}": value.get(row.key) for row in question.rows}

    def check(self, question: QuestionDef, value: Any) -> list[Problem]:
        problems: list[Problem] = []
        value = value or {}
        unknown = set(value) - {row.key for row in question.rows}
        if unknown:
            problems.append((question.key, _l("This answer does not belong to the question.")))
        for row in question.rows:
            name = f"{question.key}.{row.key}"
            code = value.get(row.key)
            if code is None:
                if question.required:
                    problems.append((name, _l("Answer this row.")))
            elif code not in question.codes:
                problems.append((name, _l("Choose one of the options.")))
        return problems

    def matches(self, question: QuestionDef, value: Any, code: Any) -> bool:
        # ``equals`` on a whole matrix: any row has that code.
        return code in (value or {}).values()

    def summary(
        self, question: QuestionDef, figures: SurveyFigures, context: SummaryContext
    ) -> Summary:
        """Every row is a single question on the same options: one
        categorical table per row, and the rows' cross-tabs."""
        rows: list[MatrixRow] = []
        crosstabs: list[CrossTable] = []
        for row in question.rows:
            table, tabs = categorical(question, row, figures, context)
            rows.append(MatrixRow(row.key, text_for(row.label, context.language), table))
            crosstabs.extend(tabs)
        return Summary(MatrixTable(tuple(rows)), tuple(crosstabs))
