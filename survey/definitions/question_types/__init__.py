"""The question-type registry: one class per type of contract section 1."""

from __future__ import annotations

from survey.definitions.question_types.base import QuestionType
from survey.definitions.question_types.matrix import MatrixChoice
from survey.definitions.question_types.multiple import MultipleChoice
from survey.definitions.question_types.number import NumberQuestion
from survey.definitions.question_types.ranking import Ranking
from survey.definitions.question_types.scale import ScaleChoice
from survey.definitions.question_types.single import SingleChoice
from survey.definitions.question_types.text import TextQuestion

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
