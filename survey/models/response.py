"""Submitted responses and their answers, and the drafts they grow from.

Answers are one row per variable with an integer ``code`` (or a ``number``),
so every count in a report is a GROUP BY in the database. A row with
``code`` NULL means "shown and left empty": absence of a row means the
question was not shown. Free text lives in its own table because it is
redacted and purged apart from the codes.

Privacy: a response has no IP address, user agent, time of day or
invitation code; only the date it was submitted. Its rows have random keys
(``survey.models.base.random_id``): nothing numbers responses in the order
they were sent.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey.extensions import Model
from survey.models.base import random_big_id, random_id, today, utcnow

if TYPE_CHECKING:
    from survey.models.survey import Survey

# SQLite only auto-increments INTEGER PRIMARY KEY, not BIGINT.
BigId = BigInteger().with_variant(Integer, "sqlite")


class ResponseMode:
    """How a response came in: answered on the web pages, typed in from a
    paper form (data entry, or a response file imported as paper), or
    imported from a response file; the fieldwork page counts each."""

    WEB = "web"
    PAPER = "paper"
    IMPORT = "import"
    ALL = (WEB, PAPER, IMPORT)


class Response(Model):
    """One complete, submitted questionnaire. ``public_id`` is the opaque id
    used in exports; ``submission_key`` makes a replayed submit a no-op.
    ``form_number`` is the number staff wrote on a paper form when it came
    in (never one printed per addressee): typing or importing the same form
    again finds it instead of storing it twice."""

    __tablename__ = "responses"
    # (survey_id, mode) rather than survey_id alone: the report's responses
    # per mode are counted from the index, without reading the rows.
    __table_args__ = (
        Index("ix_responses_survey_mode", "survey_id", "mode"),
        UniqueConstraint("survey_id", "form_number", name="uq_responses_survey_form_number"),
    )

    # Random, not a sequence: no key orders responses by when they were sent.
    id: Mapped[int] = mapped_column(primary_key=True, default=random_id)
    public_id: Mapped[str] = mapped_column(String(32), unique=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id"))
    survey_version: Mapped[int]
    mode: Mapped[str] = mapped_column(String(8), default=ResponseMode.WEB)
    language: Mapped[str] = mapped_column(String(5), default="nl")
    submitted_on: Mapped[date] = mapped_column(default=today)
    submission_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    form_number: Mapped[str | None] = mapped_column(String(32))
    partner_id: Mapped[int | None] = mapped_column(
        ForeignKey("partner_organisations.id", ondelete="SET NULL"), index=True
    )
    synthetic: Mapped[bool] = mapped_column(default=False)

    survey: Mapped[Survey] = relationship()
    answers: Mapped[list[Answer]] = relationship(
        back_populates="response", cascade="all, delete-orphan", passive_deletes=True
    )


def dimensions_signature(dimension_variable_ids: list[int]) -> str:
    """The dimension variables a ``ResponseCell`` encodes, in order: "12,15,17"."""
    return ",".join(str(i) for i in dimension_variable_ids)


class ResponseCell(Model):
    """A cross-tab cell: the response mode and the codes of the survey's
    dimension questions (district, age band, sex, ...) in ``dimensions``
    order ("" for not answered), e.g. mode "web", codes "3,2,". Every answer
    row carries its response's cell (``Answer.cell_id``, set when the answers
    are written), so cross-tabs and weighted tallies are one GROUP BY over
    the answers, without a join per answer to the dimension answers."""

    __tablename__ = "response_cells"
    __table_args__ = (
        UniqueConstraint("survey_id", "dimensions", "mode", "codes", name="uq_response_cells_key"),
    )

    # Random: a sequence would number the cells in the order of the first
    # response of each, which can be one response.
    id: Mapped[int] = mapped_column(primary_key=True, default=random_id)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"))
    dimensions: Mapped[str] = mapped_column(String(200))
    """``dimensions_signature`` of the dimension variable ids."""
    mode: Mapped[str] = mapped_column(String(8))
    codes: Mapped[str] = mapped_column(String(200))


class Answer(Model):
    """The answer to one variable. ``code`` is the option code (a band code
    for a banded number, 1 for an answered text); NULL with ``number`` NULL
    means shown but not answered. ``cell_id`` is the response's
    ``ResponseCell`` (the same on every answer row of a response; NULL for
    rows written before cells existed: the report then joins instead). It
    is a plain integer, not a foreign key: no check per inserted row."""

    __tablename__ = "answers"
    __table_args__ = (
        Index("ix_answers_variable_code", "variable_id", "code"),
        Index("ix_answers_response_variable", "response_id", "variable_id"),
        # The report's covering index: the cube groups (variable, cell, code)
        # in index order; the multiple-choice respondents (response_id) and
        # the number values (number) are read from it without the table.
        Index("ix_answers_report_cube", "variable_id", "cell_id", "code", "number", "response_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, default=random_big_id)
    response_id: Mapped[int] = mapped_column(ForeignKey("responses.id", ondelete="CASCADE"))
    variable_id: Mapped[int] = mapped_column(ForeignKey("variables.id", ondelete="CASCADE"))
    code: Mapped[int | None]
    number: Mapped[float | None]
    cell_id: Mapped[int | None]

    response: Mapped[Response] = relationship(back_populates="answers")


class FreeText(Model):
    """An open answer. ``text`` is the raw answer and is purged (set to NULL)
    after the retention date; ``redacted`` is what reports may show."""

    __tablename__ = "free_texts"

    id: Mapped[int] = mapped_column(primary_key=True, default=random_id)
    response_id: Mapped[int] = mapped_column(
        ForeignKey("responses.id", ondelete="CASCADE"), index=True
    )
    variable_id: Mapped[int] = mapped_column(ForeignKey("variables.id", ondelete="CASCADE"))
    text: Mapped[str | None] = mapped_column(Text)
    redacted: Mapped[str] = mapped_column(Text)


class Draft(Model):
    """Answers in progress, kept on the server between pages. The resident or
    partner holds the resume token; only its hash is stored. ``revision``
    rises with every save so that two tabs cannot silently overwrite each
    other. After submit, ``data`` is emptied, the invitation code link
    dropped and every time cut to its day: the row stays until expiry, as a
    tombstone that a replayed submit finds and that neither orders nor
    times the response it became."""

    __tablename__ = "drafts"

    id: Mapped[int] = mapped_column(primary_key=True, default=random_id)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    resume_code_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    language: Mapped[str] = mapped_column(String(5), default="nl")
    page_index: Mapped[int] = mapped_column(default=0)
    revision: Mapped[int] = mapped_column(default=0)
    invitation_code_id: Mapped[int | None] = mapped_column(
        ForeignKey("invitation_codes.id", ondelete="SET NULL")
    )
    partner_link_id: Mapped[int | None] = mapped_column(
        ForeignKey("partner_links.id", ondelete="CASCADE"), index=True
    )
    submission_key: Mapped[str] = mapped_column(String(64), unique=True)
    submitted: Mapped[bool] = mapped_column(default=False)
    mode: Mapped[str] = mapped_column(String(8), default=ResponseMode.WEB)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]

    __mapper_args__ = {"version_id_col": revision}


class InvitationCode(Model):
    """A one-time code printed on a letter. Only an HMAC of the code is kept,
    and no time of use: a used code cannot be matched to a response by time
    or order."""

    __tablename__ = "invitation_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    batch: Mapped[str] = mapped_column(String(32))
    created_on: Mapped[date] = mapped_column(default=today)
    used: Mapped[bool] = mapped_column(default=False)


class CompletionTimes(Model):
    """How long residents took to answer, as a histogram per survey: one
    row per duration band (``band`` minutes and up, to the next band) with
    the number of web responses whose draft took that long from its first
    page to the submit. Kept apart from the responses on purpose: no
    response, draft or time of day is stored here, only coarse counts, so
    the fieldwork page can give a median completion time although every
    draft is cut to its day at submit (``survey.answering.timing``)."""

    __tablename__ = "completion_times"
    __table_args__ = (UniqueConstraint("survey_id", "band", name="uq_completion_times_band"),)

    # Random, not a sequence: the order in which bands were first used
    # would say which duration came first.
    id: Mapped[int] = mapped_column(primary_key=True, default=random_id)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"))
    band: Mapped[int]
    """The lower bound of the band, in whole minutes."""
    count: Mapped[int] = mapped_column(default=0)
