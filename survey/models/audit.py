"""The audit trail of survey definitions: who made, changed, copied,
imported, opened and closed which version of a survey, and when."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from survey.extensions import Model
from survey.models.base import utcnow


class SurveyEvent(Model):
    """One planner action on a survey: ``action`` (``created``, ``copied``,
    ``imported``, ``edited``, ``opened``, ``closed``), the ``version`` of
    the definition it left, who did it (an e-mail address or "command
    line") and a short ``detail`` (the template, the source of a copy, what
    an edit changed). About planners' work only: nothing of a response."""

    __tablename__ = "survey_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"), index=True)
    version: Mapped[int]
    action: Mapped[str] = mapped_column(String(16))
    actor: Mapped[str] = mapped_column(String(254), default="")
    detail: Mapped[str] = mapped_column(String(200), default="")
    at: Mapped[datetime] = mapped_column(default=utcnow)
