"""Typing in a paper questionnaire: one long form with every question,
read with the question types' ``from_form`` and checked with
``check_values`` like a web submission, stored with mode ``paper``.

A paper respondent may answer a question the routing told them to skip;
such answers are dropped (the question was not meant for them), as the
web pages do when an earlier answer changes. A hidden submission key
makes a double click store one response.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from survey.definitions.definition import SurveyDefinition, definition_of
from survey.definitions.question_types.base import CellError
from survey.extensions import DbSession
from survey.models import Response, ResponseMode, Survey
from survey.models.base import today
from survey.responses.checking import check_values
from survey.responses.storage import ResponseWriter

KEY_PREFIX = "paper-"


def new_submission_key() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(24)


def blank_fields(definition: SurveyDefinition) -> dict[str, Any]:
    """Values of an empty form (nothing chosen)."""
    return {q.key: q.qtype.empty(q) for q in definition.questions}


@dataclass
class PaperOutcome:
    response: Response | None
    language: str
    fields: dict[str, Any]
    errors: dict[str, list[str]] = field(default_factory=dict)
    submitted_on_raw: str = ""
    submission_key: str = ""


def _tolerant(question: Any, form: MultiDict[str, str]) -> Any:
    """What to show again in a field that could not be read."""
    try:
        from survey.answering.pages import tolerant_value
    except ImportError:  # the answer pages are not installed
        return question.qtype.empty(question)
    return tolerant_value(question, form)


def store_paper(session: DbSession, survey: Survey, form: MultiDict[str, str]) -> PaperOutcome:
    """Read and store one typed-in questionnaire. On any problem nothing is
    stored and the outcome carries the errors per field (and, under the
    key ``""``, errors about the form as a whole)."""
    definition = definition_of(survey)
    errors: dict[str, list[str]] = {}
    language = form.get("language", "")
    if language not in definition.languages:
        errors.setdefault("language", []).append(_("Choose the language of the questionnaire."))
        language = definition.default_language
    raw_date = form.get("submitted_on", "").strip()
    submitted_on: date | None = None
    try:
        submitted_on = date.fromisoformat(raw_date) if raw_date else today()
    except ValueError:
        errors.setdefault("submitted_on", []).append(_("Enter the date as YYYY-MM-DD."))
    if submitted_on is not None and submitted_on > today():
        errors.setdefault("submitted_on", []).append(_("The date cannot be in the future."))
    key = form.get("submission_key", "")
    if not key.startswith(KEY_PREFIX) or not 20 <= len(key) <= 64:
        key = new_submission_key()
    existing = session.scalar(select(Response).where(Response.submission_key == key))
    outcome = PaperOutcome(None, language, {}, errors, raw_date, key)
    if existing is not None:
        # The same form sent twice (double click, reload): stored once.
        outcome.response = existing
        return outcome
    values: dict[str, Any] = {}
    for question in definition.questions:
        try:
            values[question.key] = question.qtype.from_form(question, form)
        except CellError as exc:
            errors.setdefault(exc.field, []).append(str(exc.message))
            outcome.fields[question.key] = _tolerant(question, form)
    shown, kept, problems = check_values(definition, values, hidden_is_error=False)
    for name, message in problems:
        errors.setdefault(name, []).append(str(message))
    if errors:
        outcome.fields = {**values, **outcome.fields}
        return outcome
    writer = ResponseWriter(session, survey)
    outcome.response = writer.write(
        shown,
        kept,
        mode=ResponseMode.PAPER,
        language=language,
        submission_key=key,
        submitted_on=submitted_on,
    )
    return outcome
