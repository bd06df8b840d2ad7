"""``text``: an open answer, short (one line) or ``long``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from flask_babel import lazy_gettext as _l

from survey.analysis.inputs import SummaryContext, SurveyFigures
from survey.analysis.tables import Summary, TextTable
from survey.questions.base import AnswerRow, CellError, Problem, QuestionType

if TYPE_CHECKING:
    from survey.definitions.definition import QuestionDef
    from survey.definitions.validation import Checker

DEFAULT_MAX_LENGTH = 500


def clean_text(raw: str) -> str:
    """Strip surrounding space and control characters a form cannot type
    (NUL included), keep line breaks and tabs."""
    kept = "".join(ch for ch in raw if ch in "\n\t" or (ord(ch) >= 32 and ord(ch) != 127))
    return kept.replace("\r\n", "\n").strip()


class TextQuestion(QuestionType):
    """Free text, at most ``max_length`` characters (default 500). The answer
    row holds code 1 when answered; the text itself goes to the free-text
    table, where it is redacted for reports and purged after retention."""

    name = "text"
    keys: ClassVar[frozenset[str]] = frozenset({"long", "max_length"})
    uses_options = False
    template = "questions/text.html"

    def validate(self, spec: dict[str, Any], path: str, checker: Checker) -> None:
        if "long" in spec:
            checker.boolean(spec["long"], f"{path}.long")
        if "max_length" in spec:
            checker.integer(spec["max_length"], f"{path}.max_length", minimum=1, maximum=20000)

    @staticmethod
    def max_length(question: QuestionDef) -> int:
        return int(question.spec.get("max_length", DEFAULT_MAX_LENGTH))

    def answer_rows(self, question: QuestionDef, value: Any) -> list[AnswerRow]:
        if not value:
            return [AnswerRow(question.key)]
        return [AnswerRow(question.key, code=1, text=value)]

    def from_cells(self, question: QuestionDef, cells: Mapping[str, str]) -> str | None:
        raw = cells.get(question.key, "")
        if "\x00" in raw:
            raise CellError(question.key, _l("The text contains characters that are not allowed."))
        text = clean_text(raw)
        return text or None

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
