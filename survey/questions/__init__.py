"""The question-type registry: one class per type of contract section 1."""

from __future__ import annotations

from survey.questions.base import QuestionType
from survey.questions.matrix import MatrixChoice
from survey.questions.multiple import MultipleChoice
from survey.questions.number import NumberQuestion
from survey.questions.ranking import Ranking
from survey.questions.scale import ScaleChoice
from survey.questions.single import SingleChoice
from survey.questions.text import TextQuestion

REGISTRY: dict[str, QuestionType] = {
    cls.name: cls()
    for cls in (
        SingleChoice,
        ScaleChoice,
        MultipleChoice,
        MatrixChoice,
        Ranking,
        NumberQuestion,
        TextQuestion,
    )
}


def get_type(name: str) -> QuestionType:
    return REGISTRY[name]


__all__ = ["REGISTRY", "QuestionType", "get_type"]
