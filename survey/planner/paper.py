"""Typing in a paper questionnaire: one long form with every question, read
and sent by the answering journey (``survey.answering.journey``) with a
store that holds the typed answers and sends them at once (``PaperStore``),
stored with mode ``paper``.

A paper respondent may answer a question the routing told them to skip;
such answers are dropped (the question was not meant for them), as the
web pages do when an earlier answer changes. A hidden submission key
makes a double click store one response.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from survey.answering.journey import Journey
from survey.answering.pages import FormData
from survey.definitions.definition import QuestionDef, SurveyDefinition, definition_of
from survey.extensions import DbSession
from survey.models import Response, ResponseMode, Survey
from survey.models.base import today
from survey.responses.storage import ResponseWriter

KEY_PREFIX = "paper-"


def new_submission_key() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(24)


def blank_fields(definition: SurveyDefinition) -> dict[str, Any]:
    """Values of an empty form (nothing chosen)."""
    return {q.key: q.qtype.empty(q) for q in definition.questions}


class PaperStore:
    """One typed-in questionnaire as a store of the answering journey
    (``survey.answering.stores.AnswerStore``): the answers come from the
    form, every page at once, and are sent at once with the form's
    submission key, language and date of receipt."""

    def __init__(
        self,
        session: DbSession,
        survey: Survey,
        *,
        language: str,
        submitted_on: date | None,
        submission_key: str,
    ) -> None:
        self.session = session
        self.survey = survey
        self.language = language
        self.submitted_on = submitted_on
        self.submission_key = submission_key
        self.answers: dict[str, Any] = {}
        self.response_id: int | None = None

    @property
    def values(self) -> Mapping[str, Any]:
        return self.answers

    @property
    def reached(self) -> None:
        return None  # one form holds every page

    def sent_before(self) -> bool:
        return (
            self.session.scalar(
                select(Response.id).where(Response.submission_key == self.submission_key)
            )
            is not None
        )

    def prepare_submit(self) -> str | None:
        # The same form sent twice (double click, reload): stored once.
        return "already" if self.sent_before() else None

    def store_response(self, shown: list[QuestionDef], kept: Mapping[str, Any]) -> str:
        self.response_id = ResponseWriter(self.session, self.survey).insert(
            shown,
            kept,
            mode=ResponseMode.PAPER,
            language=self.language,
            submission_key=self.submission_key,
            submitted_on=self.submitted_on,
        )
        return "stored"


@dataclass
class PaperOutcome:
    """``stored``: the questionnaire is stored (now, or by an earlier post
    of the same form); otherwise ``errors`` per field (the key ``""`` for
    the form as a whole) and the ``fields`` to show again."""

    stored: bool
    language: str
    fields: dict[str, Any]
    errors: dict[str, list[str]] = field(default_factory=dict)
    submitted_on_raw: str = ""
    submission_key: str = ""


def store_paper(session: DbSession, survey: Survey, form: FormData) -> PaperOutcome:
    """Read and store one typed-in questionnaire. On any problem nothing is
    stored and the outcome carries the errors per field. Flushes; the
    caller commits when ``stored``."""
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
    store = PaperStore(
        session, survey, language=language, submitted_on=submitted_on, submission_key=key
    )
    outcome = PaperOutcome(False, language, {}, errors, raw_date, key)
    if store.sent_before():
        outcome.stored = True
        return outcome
    journey = Journey(definition, store, language)
    reading = journey.read_form(form)
    for problem in reading.problems:
        errors.setdefault(problem.name, []).append(str(problem.message))
    if errors:
        outcome.fields = reading.shown_values
        return outcome
    store.answers = reading.values
    sent = journey.submit()
    for problem in sent.problems:  # the rules read_form checked: none expected
        errors.setdefault(problem.name, []).append(str(problem.message))
    outcome.stored = sent.status in ("stored", "already")
    if not outcome.stored:
        outcome.fields = reading.shown_values
    return outcome
