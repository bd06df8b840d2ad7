"""Opening and closing surveys."""

from __future__ import annotations

from survey.definitions.store import find_survey
from survey.extensions import DbSession
from survey.models import Survey, SurveyState


class SurveyNotFound(LookupError):
    """No survey has the key asked for (the commands report it as a message)."""


def get_survey(session: DbSession, key: str) -> Survey:
    """The survey with ``key``; raises ``SurveyNotFound`` when there is none."""
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
    """Close collection of an open survey (it may be reopened later).
    Raises ``InvalidTransition`` for a draft or closed survey."""
    survey = get_survey(session, key)
    survey.transition(SurveyState.CLOSED)
    session.flush()
    return survey
