"""``matrix``: several rows answered on one scale (a grid)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from flask_babel import lazy_gettext as _l
from typing_extensions import override
from wtforms import FieldList, FormField

from survey.analysis.inputs import SummaryContext, SurveyFigures
from survey.analysis.tables import CrossTable, MatrixRow, MatrixTable, Summary
from survey.i18n import text_for
from survey.questions.base import (
    AnswerRow,
    FormData,
    Problem,
    QuestionType,
    Sampler,
    StoredAnswer,
    VariableSpec,
    option_label,
    parse_code,
    typed_code,
)
from survey.questions.choices import categorical
from survey.questions.editor import (
    ChoicesForm,
    ConcernForm,
    RowForm,
    Spec,
    put_setting,
    texts_data,
    texts_value,
)

if TYPE_CHECKING:
    from survey.definitions.definition import QuestionDef
    from survey.definitions.validation import Checker


class MatrixForm(ChoicesForm, ConcernForm):
    """Options or a scale, concern codes and the rows."""

    rows = FieldList(FormField(RowForm), label=_l("Rows"))

    @classmethod
    @override
    def fill(cls, spec: Spec) -> Spec:
        rows = [
            {
                "key": r.get("key", ""),
                "label": texts_data(r.get("label")),
                "phenomenon": r.get("phenomenon", ""),
            }
            for r in spec.get("rows") or []
        ]
        return {**super().fill(spec), "rows": rows}

    @override
    def settings(self, spec: Spec) -> None:
        super().settings(spec)
        rows = []
        for entry in self.rows:
            row: Spec = {"key": entry.form.key.data, "label": texts_value(entry.form.label)}
            put_setting(row, "phenomenon", entry.form.phenomenon.data)
            rows.append(row)
        spec["rows"] = rows


class MatrixChoice(QuestionType):
    """Rows x one scale. One variable ``key.row`` per row, each with one
    code. ``required`` means every row must be answered. Measures:
    ``concern`` (share of valid answers in ``concern_codes``), ``importance``
    (mean of the codes), ``victimisation`` (share answering the first
    option), ``partner_priority`` (share of partners answering the first
    option, "prioriteit"). Each row may name its ``phenomenon``."""

    name = "matrix"
    position = 40
    answer_seconds_each = 4.0

    @override
    def answer_seconds(self, question: QuestionDef) -> float:
        """One answer per row."""
        return self.answer_seconds_each * max(1, len(question.rows))

    keys: ClassVar[frozenset[str]] = frozenset({"rows", "options", "scale", "concern_codes"})
    measures: ClassVar[frozenset[str]] = frozenset(
        {"concern", "importance", "victimisation", "partner_priority"}
    )
    has_rows = True
    editor = MatrixForm

    @override
    def validate(self, spec: dict[str, Any], path: str, checker: Checker) -> None:
        checker.choices(spec, path)
        self._check_rows(spec, path, checker)
        checker.concern_codes(spec, path)

    @staticmethod
    def _check_rows(spec: dict[str, Any], path: str, checker: Checker) -> None:
        if "rows" not in spec:
            checker.problem(f"{path}.rows", "rows_required")
            return
        rows = spec["rows"]
        if not checker.is_list(rows, f"{path}.rows"):
            return
        seen: set[str] = set()
        for i, row in enumerate(rows):
            rpath = f"{path}.rows[{i}]"
            if not checker.is_mapping(row, rpath):
                continue
            checker.unknown_keys(row, frozenset({"key", "label", "phenomenon"}), rpath)
            key = row.get("key")
            if checker.identifier(key, f"{rpath}.key"):
                if key in seen:
                    checker.problem(f"{rpath}.key", "key_used_twice", value=key)
                seen.add(key)
            if "label" not in row:
                checker.problem(f"{rpath}.label", "required")
            else:
                checker.text(row["label"], f"{rpath}.label", max_length=500)
            if "phenomenon" in row:
                checker.phenomenon(row["phenomenon"], f"{rpath}.phenomenon")

    @override
    def variables(self, question: QuestionDef) -> list[VariableSpec]:
        return [
            VariableSpec(
                name=f"{question.key}.{row.key}", row_key=row.key, phenomenon=row.phenomenon
            )
            for row in question.rows
        ]

    @override
    def column_label(self, question: QuestionDef, name: str, text: str, language: str) -> str:
        suffix = name[len(question.key) + 1 :]
        row = next((r for r in question.rows if r.key == suffix), None)
        return f"{text} - {text_for(row.label, language)}" if row else text

    @override
    def empty(self, question: QuestionDef) -> dict[str, int | None]:
        return {}

    @override
    def is_answered(self, question: QuestionDef, value: Any) -> bool:
        return any(v is not None for v in (value or {}).values())

    @override
    def answer_rows(self, question: QuestionDef, value: Any) -> list[AnswerRow]:
        value = value or {}
        return [
            AnswerRow(f"{question.key}.{row.key}", code=value.get(row.key)) for row in question.rows
        ]

    @override
    def from_rows(self, question: QuestionDef, rows: Sequence[StoredAnswer]) -> Any:
        return {row.variable.row_key: row.code for row in rows}

    @override
    def from_cells(self, question: QuestionDef, cells: Mapping[str, str]) -> dict[str, int | None]:
        result: dict[str, int | None] = {}
        for row in question.rows:
            name = f"{question.key}.{row.key}"
            raw = cells.get(name, "")
            result[row.key] = None if raw.strip() == "" else parse_code(name, raw)
        return result

    @override
    def tolerant(self, question: QuestionDef, form: FormData) -> Any:
        return {r.key: typed_code(form.get(f"{question.key}.{r.key}", "")) for r in question.rows}

    @override
    def first_field(self, question: QuestionDef) -> str:
        return f"{question.key}.{question.rows[0].key}" if question.rows else question.key

    @override
    def to_cells(self, question: QuestionDef, value: Any) -> dict[str, Any]:
        value = value or {}
        return {f"{question.key}.{row.key}": value.get(row.key) for row in question.rows}

    @override
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

    @override
    def answer_lines(self, question: QuestionDef, value: Any, language: str) -> list[str]:
        return [
            f"{text_for(row.label, language)}: {option_label(question, value[row.key], language)}"
            for row in question.rows
            if value.get(row.key) is not None
        ]

    @override
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

    @override
    def sample(self, question: QuestionDef, sampler: Sampler) -> Any:
        return {row.key: sampler.code(question, row) for row in question.rows}
