"""``single``: one choice among options (radio buttons)."""

from __future__ import annotations

from typing import Any, ClassVar

from survey.definitions.question_types.base import QuestionType
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
