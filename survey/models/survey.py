"""Surveys and their stored structure: questions, options and variables.

The validated definition is kept whole in ``Survey.definition`` (it renders
the pages and is exported back to YAML). Questions, options and variables are
derived from it at import, so that answers can reference a variable and
aggregation can join on integer codes and their ``missing`` flag in SQL.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, Enum, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey.extensions import Model
from survey.models.base import utcnow

if TYPE_CHECKING:
    from survey.models.consultation import Consultation


class SurveyState(enum.StrEnum):
    """A survey's life cycle: a draft can change, an open survey takes
    answers, a closed one does not (and may be reopened)."""

    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"


class InvalidTransition(Exception):
    """A state change that the survey's life cycle does not allow."""

    def __init__(self, survey_key: str, current: SurveyState, wanted: SurveyState) -> None:
        super().__init__(f"survey {survey_key} is {current.value} and cannot become {wanted.value}")
        self.current = current
        self.wanted = wanted


class DefinitionFrozen(Exception):
    """The definition of a survey that has been opened cannot change."""


# draft -> open -> closed, and a closed survey may be reopened.
_TRANSITIONS: dict[SurveyState, set[SurveyState]] = {
    SurveyState.DRAFT: {SurveyState.OPEN},
    SurveyState.OPEN: {SurveyState.CLOSED},
    SurveyState.CLOSED: {SurveyState.OPEN},
}


class Survey(Model):
    """One survey of a consultation. ``definition`` is the validated survey
    file as a dict; it may change only while the survey is a draft."""

    __tablename__ = "surveys"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id"))
    audience: Mapped[str] = mapped_column(String(16))
    access: Mapped[str] = mapped_column(String(16))
    state: Mapped[SurveyState] = mapped_column(
        Enum(
            SurveyState,
            native_enum=False,
            length=16,
            values_callable=lambda e: [m.value for m in e],
        ),
        default=SurveyState.DRAFT,
    )
    version: Mapped[int] = mapped_column(default=1)
    definition: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    opened_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]

    consultation: Mapped[Consultation] = relationship(back_populates="surveys")
    questions: Mapped[list[Question]] = relationship(
        back_populates="survey", cascade="all, delete-orphan", order_by="Question.position"
    )
    variables: Mapped[list[Variable]] = relationship(
        back_populates="survey", cascade="all, delete-orphan", order_by="Variable.position"
    )

    @property
    def languages(self) -> list[str]:
        """The survey's languages, the first being its reference language."""
        return list(self.definition.get("languages", ["nl"]))

    def transition(self, wanted: SurveyState) -> None:
        """Move to ``wanted`` or raise ``InvalidTransition``."""
        if wanted not in _TRANSITIONS[self.state]:
            raise InvalidTransition(self.key, self.state, wanted)
        self.state = wanted
        if wanted is SurveyState.OPEN:
            self.opened_at = utcnow()
            self.closed_at = None
        elif wanted is SurveyState.CLOSED:
            self.closed_at = utcnow()

    def ensure_editable(self) -> None:
        """Raise ``DefinitionFrozen`` unless the survey is still a draft."""
        if self.state is not SurveyState.DRAFT:
            raise DefinitionFrozen(
                f"survey {self.key} is {self.state.value}: its definition is frozen"
            )


class Question(Model):
    """A question of a survey, in page order. ``config`` keeps the type's
    settings (min, max, choose, bands, ...) as in the definition."""

    __tablename__ = "questions"
    __table_args__ = (UniqueConstraint("survey_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(40))
    type: Mapped[str] = mapped_column(String(16))
    page_key: Mapped[str] = mapped_column(String(64))
    position: Mapped[int]
    measure: Mapped[str | None] = mapped_column(String(16))
    dimension: Mapped[str | None] = mapped_column(String(40))
    required: Mapped[bool] = mapped_column(default=False)
    config: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    survey: Mapped[Survey] = relationship(back_populates="questions")
    options: Mapped[list[QuestionOption]] = relationship(
        back_populates="question", cascade="all, delete-orphan", order_by="QuestionOption.position"
    )


class QuestionOption(Model):
    """A choice of a question (its own options or its scale's), with its
    integer code; ``missing`` options are outside the percentage base."""

    __tablename__ = "question_options"
    __table_args__ = (UniqueConstraint("question_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id", ondelete="CASCADE"))
    code: Mapped[int]
    label: Mapped[dict[str, str]] = mapped_column(JSON)
    missing: Mapped[bool] = mapped_column(default=False)
    phenomenon: Mapped[str | None] = mapped_column(String(40))
    position: Mapped[int]

    question: Mapped[Question] = relationship(back_populates="options")


class Variable(Model):
    """One stored answer slot, named as in the response file: ``key`` for
    single/scale/number/text/multiple, ``key.row`` for a matrix row and
    ``key.N`` for rank N of a ranking. A multiple-choice answer stores one
    row per chosen code under its single variable; the response file still
    shows it as ``key.code`` 0/1 columns."""

    __tablename__ = "variables"
    __table_args__ = (UniqueConstraint("survey_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"))
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(90))
    row_key: Mapped[str | None] = mapped_column(String(40))
    rank: Mapped[int | None]
    phenomenon: Mapped[str | None] = mapped_column(String(40))
    position: Mapped[int]

    survey: Mapped[Survey] = relationship(back_populates="variables")
    question: Mapped[Question] = relationship()
