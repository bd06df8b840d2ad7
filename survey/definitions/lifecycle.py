"""Opening and closing surveys."""

from __future__ import annotations

from survey.definitions.store import find_survey
from survey.extensions import DbSession
from survey.models import Survey, SurveyState


class SurveyNotFound(LookupError):
    pass


def get_survey(session: DbSession, key: str) -> Survey:
    survey = find_survey(session, key)
    if survey is None:
        raise SurveyNotFound(f"no survey with key {key!r}")
    return survey


def open_survey(session: DbSession, key: str) -> Survey:
    """Open collection (from draft, or reopen a closed survey). Its
    definition is frozen from now on. Raises ``InvalidTransition``."""
    survey = get_survey(session, key)
    survey.transition(SurveyState.OPEN)
    session.flush()
    return survey


def close_survey(session: DbSession, key: str) -> Survey:
    survey = get_survey(session, key)
    survey.transition(SurveyState.CLOSED)
    session.flush()
    return survey
