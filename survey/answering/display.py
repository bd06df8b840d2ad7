"""Answers as a person reads them (the "check your answers" page and the
partners' receipt): option labels in the chosen language, one line per
matrix row or rank. One function per question type (``_LINES``), ready to
move into the type modules."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_babel import gettext as _

from survey.definitions.definition import QuestionDef
from survey.i18n import text_for


def _label(question: QuestionDef, code: Any, language: str) -> str:
    option = question.option(code) if isinstance(code, int) else None
    return text_for(option.label, language) if option else str(code)


def format_number(value: float | int, language: str) -> str:
    text = str(value)
    # Dutch and French write a decimal comma.
    return text.replace(".", ",") if language in ("nl", "fr") else text


def _choice_lines(question: QuestionDef, value: Any, language: str) -> list[str]:
    return [_label(question, value, language)]


def _multiple_lines(question: QuestionDef, value: Any, language: str) -> list[str]:
    return [_label(question, code, language) for code in value]


def _matrix_lines(question: QuestionDef, value: Any, language: str) -> list[str]:
    return [
        f"{text_for(row.label, language)}: {_label(question, value[row.key], language)}"
        for row in question.rows
        if value.get(row.key) is not None
    ]


def _ranking_lines(question: QuestionDef, value: Any, language: str) -> list[str]:
    return [
        _("%(rank)s. %(label)s", rank=rank, label=_label(question, code, language))
        for rank, code in enumerate(value, start=1)
        if code is not None
    ]


def _number_lines(question: QuestionDef, value: Any, language: str) -> list[str]:
    unit = question.spec.get("unit")
    text = format_number(value, language)
    return [f"{text} {text_for(unit, language)}" if unit else text]


def _text_lines(question: QuestionDef, value: Any, language: str) -> list[str]:
    return [str(value)]


_LINES: dict[str, Callable[[QuestionDef, Any, str], list[str]]] = {
    "single": _choice_lines,
    "scale": _choice_lines,
    "multiple": _multiple_lines,
    "matrix": _matrix_lines,
    "ranking": _ranking_lines,
    "number": _number_lines,
    "text": _text_lines,
}


def answer_lines(question: QuestionDef, value: Any, language: str) -> list[str]:
    """The answer as lines of text; an empty list when not answered."""
    if not question.qtype.is_answered(question, value):
        return []
    return _LINES.get(question.type, _text_lines)(question, value, language)
