"""``show_if`` conditions: which questions a respondent is shown.

A reference is a question key, or ``matrix_key.row_key`` for one row of a
matrix. A question that is not shown is not stored and not required, and a
condition never looks at the answer to a question that was not shown.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from survey.definitions.definition import QuestionDef, SurveyDefinition


def references(condition: Mapping[str, Any]) -> Iterator[str]:
    """Every question reference in a condition (valid structure assumed)."""
    if "all" in condition:
        for part in condition["all"]:
            yield from references(part)
    elif "any" in condition:
        for part in condition["any"]:
            yield from references(part)
    elif "not" in condition:
        yield from references(condition["not"])
    elif "question" in condition:
        yield str(condition["question"])


def _lookup(
    definition: SurveyDefinition, values: Mapping[str, Any], reference: str
) -> tuple[QuestionDef | None, Any, bool]:
    """(question, value, is_row) for a reference; value None when unanswered."""
    key, _, row = reference.partition(".")
    if not definition.has_question(key):
        return None, None, False
    question = definition.question(key)
    value = values.get(key)
    if row:
        return question, (value or {}).get(row) if isinstance(value, dict) else None, True
    return question, value, False


def evaluate(
    condition: Mapping[str, Any] | None, definition: SurveyDefinition, values: Mapping[str, Any]
) -> bool:
    """Whether the condition holds for ``values`` (answers of shown
    questions only, keyed by question key)."""
    if not condition:
        return True
    if "all" in condition:
        return all(evaluate(c, definition, values) for c in condition["all"])
    if "any" in condition:
        return any(evaluate(c, definition, values) for c in condition["any"])
    if "not" in condition:
        return not evaluate(condition["not"], definition, values)
    question, value, is_row = _lookup(definition, values, str(condition["question"]))
    if question is None:
        return False
    if "answered" in condition:
        answered = value is not None if is_row else question.qtype.is_answered(question, value)
        return answered == bool(condition["answered"])
    wanted = [condition["equals"]] if "equals" in condition else list(condition.get("in", []))
    if is_row:
        return value is not None and value in wanted
    return any(question.qtype.matches(question, value, code) for code in wanted)


def shown_questions(
    definition: SurveyDefinition, values: Mapping[str, Any], upto_page: int | None = None
) -> tuple[list[QuestionDef], dict[str, Any]]:
    """Walk the questions in order and return those shown, with the values
    of shown questions only (answers to hidden questions are dropped).
    ``upto_page`` stops after that page index."""
    shown: list[QuestionDef] = []
    kept: dict[str, Any] = {}
    for question in definition.questions:
        if upto_page is not None and question.page_index > upto_page:
            break
        if evaluate(question.show_if, definition, kept):
            shown.append(question)
            if question.key in values:
                kept[question.key] = values[question.key]
    return shown, kept
