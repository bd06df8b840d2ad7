"""Answers as a person reads them (the "check your answers" page, and the
receipt of partners): option labels in the chosen language, one line per
matrix row or rank."""

from __future__ import annotations

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


def answer_lines(question: QuestionDef, value: Any, language: str) -> list[str]:
    """The answer as lines of text; an empty list when not answered."""
    if not question.qtype.is_answered(question, value):
        return []
    kind = question.type
    if kind in ("single", "scale"):
        return [_label(question, value, language)]
    if kind == "multiple":
        return [_label(question, code, language) for code in value]
    if kind == "matrix":
        return [
            f"{text_for(row.label, language)}: {_label(question, value[row.key], language)}"
            for row in question.rows
            if value.get(row.key) is not None
        ]
    if kind == "ranking":
        return [
            _("%(rank)s. %(label)s", rank=rank, label=_label(question, code, language))
            for rank, code in enumerate(value, start=1)
            if code is not None
        ]
    if kind == "number":
        unit = question.spec.get("unit")
        text = format_number(value, language)
        return [f"{text} {text_for(unit, language)}" if unit else text]
    return [str(value)]
