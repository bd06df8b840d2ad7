"""``single``: one choice among options (radio buttons)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from survey.analysis.inputs import SummaryContext, SurveyFigures
from survey.analysis.tables import Summary
from survey.questions.base import QuestionType
from survey.questions.choices import categorical

if TYPE_CHECKING:
    from survey.definitions.definition import QuestionDef
    from survey.definitions.validation import Checker


class SingleChoice(QuestionType):
    """Radio buttons. Stores one code; a ``missing`` code (weet niet) is kept
    but left out of the percentage base. May carry a ``dimension`` for
    cross-tabs and weighting, and the measures ``concern`` (on an ordered
    scale) and ``victimisation`` (first option = yes)."""

    name = "single"
    keys: ClassVar[frozenset[str]] = frozenset({"options", "scale", "dimension", "concern_codes"})
    measures: ClassVar[frozenset[str]] = frozenset({"concern", "victimisation"})
    template = "questions/single.html"

    def validate(self, spec: dict[str, Any], path: str, checker: Checker) -> None:
        checker.choices(spec, path)
        if "dimension" in spec:
            checker.identifier(spec["dimension"], f"{path}.dimension")
        checker.concern_codes(spec, path)

    def summary(
        self, question: QuestionDef, figures: SurveyFigures, context: SummaryContext
    ) -> Summary:
        """One answer per respondent: a categorical table over the options."""
        table, crosstabs = categorical(question, None, figures, context)
        return Summary(table, crosstabs)
