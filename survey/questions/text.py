"""``text``: an open answer, short (one line) or ``long``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from flask_babel import lazy_gettext as _l
from typing_extensions import override
from wtforms import BooleanField, IntegerField
from wtforms.validators import Optional

from survey.analysis.inputs import SummaryContext, SurveyFigures
from survey.analysis.tables import Summary, TextTable
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
)
from survey.questions.editor import QuestionForm, Spec, put_setting

if TYPE_CHECKING:
    from survey.definitions.definition import QuestionDef
    from survey.definitions.validation import Checker

DEFAULT_MAX_LENGTH = 500


def clean_text(raw: str) -> str:
    """Strip surrounding space and control characters a form cannot type
    (NUL included), keep line breaks and tabs."""
    kept = "".join(ch for ch in raw if ch in "\n\t" or (ord(ch) >= 32 and ord(ch) != 127))
    return kept.replace("\r\n", "\n").strip()


class TextForm(QuestionForm):
    """One line or several, and the longest answer."""

    long = BooleanField(_l("Several lines"))
    max_length = IntegerField(_l("At most this many characters"), validators=[Optional()])

    @classmethod
    @override
    def fill(cls, spec: Spec) -> Spec:
        return {
            **super().fill(spec),
            "long": bool(spec.get("long", False)),
            "max_length": spec.get("max_length"),
        }

    @override
    def settings(self, spec: Spec) -> None:
        super().settings(spec)
        put_setting(spec, "long", bool(self.long.data))
        put_setting(spec, "max_length", self.max_length.data)


class TextQuestion(QuestionType):
    """Free text, at most ``max_length`` characters (default 500). The answer
    row holds code 1 when answered; the text itself goes to the free-text
    table, where it is redacted for reports and purged after retention."""

    name = "text"
    position = 70
    # Mostly left empty: about 30 % write, for about 90 s (a long answer).
    answer_seconds_each = 27.0
    keys: ClassVar[frozenset[str]] = frozenset({"long", "max_length"})
    uses_options = False
    tallied = False
    free_text = True
    editor = TextForm

    @override
    def validate(self, spec: dict[str, Any], path: str, checker: Checker) -> None:
        if "long" in spec:
            checker.boolean(spec["long"], f"{path}.long")
        if "max_length" in spec:
            checker.integer(spec["max_length"], f"{path}.max_length", minimum=1, maximum=20000)

    @override
    def check_condition_value(
        self, value: Any, key: str, codes: Sequence[int], path: str, checker: Checker
    ) -> None:
        checker.problem(path, "only_answered", type=self.name)

    @override
    def columns(self, question: QuestionDef, language: str) -> list[Column]:
        return [Column(question.key, text_for(question.text, language), kind="text")]

    @override
    def remark(self, question: QuestionDef) -> bool:
        """Only an answer of several lines (``long``) is a remark: one line
        answers a short question ("Where does this happen most?": a place;
        "Extra attention point 1": a name), and quoting "Centrum" as what a
        partner said about a phenomenon misreads it."""
        return bool(question.spec.get("long", False))

    @staticmethod
    def max_length(question: QuestionDef) -> int:
        """The longest answer accepted, in characters (``max_length``,
        default 500)."""
        return int(question.spec.get("max_length", DEFAULT_MAX_LENGTH))

    @override
    def answer_rows(self, question: QuestionDef, value: Any) -> list[AnswerRow]:
        if not value:
            return [AnswerRow(question.key)]
        return [AnswerRow(question.key, code=1, text=value)]

    @override
    def from_rows(self, question: QuestionDef, rows: Sequence[StoredAnswer]) -> Any:
        return rows[0].text

    @override
    def from_cells(self, question: QuestionDef, cells: Mapping[str, str]) -> str | None:
        raw = cells.get(question.key, "")
        if "\x00" in raw:
            raise CellError(question.key, _l("The text contains characters that are not allowed."))
        text = clean_text(raw)
        return text or None

    @override
    def tolerant(self, question: QuestionDef, form: FormData) -> Any:
        return form.get(question.key, "")

    @override
    def check(self, question: QuestionDef, value: Any) -> list[Problem]:
        problems: list[Problem] = []
        if question.required and not value:
            problems.append((question.key, _l("Answer this question.")))
        limit = self.max_length(question)
        if value and len(value) > limit:
            problems.append(
                (
                    question.key,
                    _l("Use at most %(max)s characters (now %(n)s).", max=limit, n=len(value)),
                )
            )
        return problems

    @override
    def answer_lines(self, question: QuestionDef, value: Any, language: str) -> list[str]:
        return [str(value)]

    @override
    def matches(self, question: QuestionDef, value: Any, code: Any) -> bool:
        return False

    def summary(
        self, question: QuestionDef, figures: SurveyFigures, context: SummaryContext
    ) -> Summary:
        """How many respondents wrote something (``valid``); what they wrote
        is in the free-text themes."""
        counts = figures.counts(question.key)
        answered = sum(n for code, n in counts.items() if code is not None)
        return Summary(TextTable(answered, sum(counts.values()) - answered))

    @override
    def sample(self, question: QuestionDef, sampler: Sampler) -> Any:
        return sampler.text(question)
