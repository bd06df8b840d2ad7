"""Answers as a person reads them (the "check your answers" page and the
partners' receipt): option labels in the chosen language, one line per
matrix row or rank; each type writes its own lines (``answer_lines``)."""

from __future__ import annotations

from typing import Any

from survey.definitions.definition import QuestionDef


def answer_lines(question: QuestionDef, value: Any, language: str) -> list[str]:
    """The answer as lines of text; an empty list when not answered."""
    if not question.qtype.is_answered(question, value):
        return []
    return question.qtype.answer_lines(question, value, language)
