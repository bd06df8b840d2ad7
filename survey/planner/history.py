"""The audit trail of survey definitions (``SurveyEvent``): recorded by the
workspace's actions on surveys, listed on the survey's page."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from survey.extensions import DbSession
from survey.models import Survey, SurveyEvent

ACTIONS: dict[str, Any] = {
    "created": _l("created"),
    "copied": _l("copied"),
    "imported": _l("imported"),
    "edited": _l("edited"),
    "opened": _l("opened"),
    "closed": _l("closed"),
}
"""The actions recorded, with what the survey page calls them."""


def record(session: DbSession, survey: Survey, action: str, actor: str, detail: str = "") -> None:
    """Note that ``actor`` did ``action`` to ``survey`` (its current
    version); the caller commits with the action itself."""
    if action not in ACTIONS:
        raise ValueError(f"unknown survey action {action!r}")
    session.add(
        SurveyEvent(
            survey_id=survey.id,
            version=survey.version,
            action=action,
            actor=actor[:254],
            detail=detail[:200],
        )
    )
    session.flush()


def history(session: DbSession, survey: Survey) -> list[SurveyEvent]:
    """The survey's events, oldest first."""
    return list(
        session.scalars(
            select(SurveyEvent)
            .where(SurveyEvent.survey_id == survey.id)
            .order_by(SurveyEvent.at, SurveyEvent.id)
        )
    )
