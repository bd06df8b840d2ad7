"""Checking a complete set of answer values against a survey.

Shared by the final submit, paper entry, the response-file import and the
demo, so that every way in obeys the same rules: only shown questions are
kept, an answer to a hidden question is refused, each type checks its own
value.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import lazy_gettext as _l

from survey.definitions.conditions import shown_questions
from survey.definitions.definition import QuestionDef, SurveyDefinition
from survey.questions.base import Problem


def check_values(
    definition: SurveyDefinition, values: Mapping[str, Any], *, hidden_is_error: bool = True
) -> tuple[list[QuestionDef], dict[str, Any], list[Problem]]:
    """Return (shown questions, their values, problems). With
    ``hidden_is_error`` an answered question that is not shown is a
    problem; without it, such an answer is silently dropped (a resident who
    changes an earlier answer hides a later one)."""
    shown, kept = shown_questions(definition, values)
    problems: list[Problem] = []
    shown_keys = {q.key for q in shown}
    for key, value in values.items():
        if not definition.has_question(key):
            problems.append((key, _l("This answer does not belong to the survey.")))
            continue
        question = definition.question(key)
        if (
            hidden_is_error
            and key not in shown_keys
            and question.qtype.is_answered(question, value)
        ):
            problems.append((key, _l("This question was not asked, given the earlier answers.")))
    for question in shown:
        problems.extend(question.qtype.check(question, kept.get(question.key)))
    return shown, kept, problems
