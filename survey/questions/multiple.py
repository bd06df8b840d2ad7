"""``multiple``: any number of options (checkboxes), optionally at most ``max``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from typing_extensions import override
from wtforms import IntegerField
from wtforms.validators import Optional

from survey.analysis.inputs import SummaryContext, SurveyFigures
from survey.analysis.tables import (
    CrossTable,
    MultipleTable,
    Summary,
    complete_cells,
    complete_columns,
)
from survey.i18n import text_for
from survey.questions.base import (
    AnswerRow,
    CellError,
    Column,
    FormData,
    Problem,
    QuestionType,
    Sampler,
    StoredAnswer,
    option_label,
    parse_code,
    typed_code,
)
from survey.questions.choices import categories, cross_table, weighted_cells
from survey.questions.editor import ChoicesForm, ShuffleForm, Spec, put_setting

if TYPE_CHECKING:
    from survey.definitions.definition import QuestionDef
    from survey.definitions.validation import Checker


def chosen_labels() -> dict[int | float, str]:
    """The value labels of a 0/1 column, in the language of the moment."""
    return {0: gettext("Not chosen"), 1: gettext("Chosen")}


"""The value labels of the 0/1 columns in SPSS."""


class MultipleForm(ChoicesForm, ShuffleForm):
    """Options (one may be ``exclusive``) or a scale, and the most options
    one may choose."""

    max = IntegerField(_l("At most this many options"), validators=[Optional()])

    @classmethod
    @override
    def fill(cls, spec: Spec) -> Spec:
        return {**super().fill(spec), "max": spec.get("max")}

    @override
    def settings(self, spec: Spec) -> None:
        super().settings(spec)
        put_setting(spec, "max", self.max.data)


class MultipleChoice(QuestionType):
    """Checkboxes. Stored as one answer row per chosen code under one
    variable (so "% of respondents choosing X" is a COUNT over that code);
    the response file shows one 0/1 column ``key.code`` per option. An option
    marked ``exclusive`` (e.g. "none of these") cannot be combined."""

    name = "multiple"
    position = 30
    answer_seconds_each = 12.0
    keys: ClassVar[frozenset[str]] = frozenset({"options", "scale", "max", "shuffle"})
    measures: ClassVar[frozenset[str]] = frozenset({"priority"})
    counts_respondents = True
    shuffle_default: ClassVar[bool | None] = False
    editor = MultipleForm

    @override
    def validate(self, spec: dict[str, Any], path: str, checker: Checker) -> None:
        count = checker.choices(spec, path, allow_exclusive=True)
        checker.shuffle(spec, path)
        if "max" in spec:
            checker.integer(spec["max"], f"{path}.max", minimum=1, maximum=max(count, 1))

    @override
    def column_names(self, question: QuestionDef) -> list[str]:
        return [f"{question.key}.{o.code}" for o in question.options]

    @override
    def columns(self, question: QuestionDef, language: str) -> list[Column]:
        text = text_for(question.text, language)
        return [
            Column(
                f"{question.key}.{o.code}",
                f"{text} - {text_for(o.label, language)}",
                chosen_labels(),
                width=1,
            )
            for o in question.options
        ]

    @override
    def empty(self, question: QuestionDef) -> list[int]:
        return []

    @override
    def answer_rows(self, question: QuestionDef, value: Any) -> list[AnswerRow]:
        if not value:
            return [AnswerRow(question.key)]
        return [AnswerRow(question.key, code=code) for code in value]

    @override
    def from_rows(self, question: QuestionDef, rows: Sequence[StoredAnswer]) -> Any:
        return [row.code for row in rows if row.code is not None]

    @override
    def from_cells(self, question: QuestionDef, cells: Mapping[str, str]) -> list[int]:
        chosen = []
        for option in question.options:
            name = f"{question.key}.{option.code}"
            raw = cells.get(name, "").strip()
            if raw in ("", "0"):
                continue
            if raw != "1":
                raise CellError(name, _l("Use 1 for chosen and 0 for not chosen."))
            chosen.append(option.code)
        return chosen

    @override
    def from_form(self, question: QuestionDef, form: FormData) -> list[int]:
        raw = form.getlist(question.key)
        codes = [parse_code(question.key, item) for item in raw]
        if len(set(codes)) != len(codes):
            raise CellError(question.key, _l("This answer was sent more than once."))
        order = {o.code: i for i, o in enumerate(question.options)}
        return sorted(codes, key=lambda c: order.get(c, len(order)))

    @override
    def tolerant(self, question: QuestionDef, form: FormData) -> Any:
        return [c for c in (typed_code(v) for v in form.getlist(question.key)) if c is not None]

    @override
    def to_cells(self, question: QuestionDef, value: Any) -> dict[str, Any]:
        chosen = set(value or [])
        if not value:
            # Shown but nothing chosen: empty cells, not zeros.
            return {f"{question.key}.{o.code}": None for o in question.options}
        return {f"{question.key}.{o.code}": int(o.code in chosen) for o in question.options}

    @override
    def check(self, question: QuestionDef, value: Any) -> list[Problem]:
        problems: list[Problem] = []
        value = value or []
        if question.required and not value:
            problems.append((question.key, _l("Choose at least one option.")))
        if any(code not in question.codes for code in value):
            problems.append((question.key, _l("Choose one of the options.")))
        limit = question.spec.get("max")
        if limit and len(value) > limit:
            problems.append((question.key, _l("Choose at most %(max)s options.", max=limit)))
        exclusive = {o.code for o in question.options if o.exclusive}
        if len(value) > 1 and exclusive & set(value):
            problems.append(
                (question.key, _l("This option cannot be combined with the other options."))
            )
        return problems

    @override
    def answer_lines(self, question: QuestionDef, value: Any, language: str) -> list[str]:
        return [option_label(question, code, language) for code in value]

    @override
    def matches(self, question: QuestionDef, value: Any, code: Any) -> bool:
        return code in (value or [])

    def summary(
        self, question: QuestionDef, figures: SurveyFigures, context: SummaryContext
    ) -> Summary:
        """Per option the respondents who chose it, in percent of the
        respondents who chose at least one valid option (``valid``); the
        column bases of its cross-tabs are respondents too."""
        name = question.key
        counts = figures.counts(name)
        valid, shown = figures.respondents(name)
        valid_counts = {o.code: counts.get(o.code, 0) for o in question.options if not o.missing}
        table = MultipleTable(
            categories(question, counts, context.language),
            valid=valid,
            missing=shown - valid,
            weighted=figures.weighted([name], question.valid_codes, base="respondents"),
        )
        crosstabs: list[CrossTable] = []
        if figures.has(name):
            for found in figures.crosstabs(name):
                columns = list(found.dimension.columns)
                crosstabs.append(
                    cross_table(
                        question,
                        found.dimension,
                        complete_cells(found.counts, columns, valid_counts),
                        context.language,
                        column_valid=complete_columns(found.respondents, columns, valid),
                        weighted=weighted_cells(found.weighted, valid_counts),
                        weighted_column_valid=found.weighted_respondents,
                    )
                )
        return Summary(table, tuple(crosstabs))

    def sample(self, question: QuestionDef, sampler: Sampler) -> Any:
        """One to three options (at most ``max``), never an exclusive one."""
        limit = int(question.spec.get("max", len(question.options)))
        pool = [o for o in question.options if not o.exclusive]
        count = min(limit, len(pool), 1 + int(sampler.rng.random() * 2.2))
        weights = sampler.weights(question)
        chosen: list[int] = []
        while len(chosen) < count:
            chosen.append(
                sampler.pick({o.code: weights[o.code] for o in pool if o.code not in chosen})
            )
        order = {o.code: i for i, o in enumerate(question.options)}
        return sorted(chosen, key=order.__getitem__)
