"""The sample frame (a register extract with names and addresses), the
samples drawn from it, their members (the link of a person to an
invitation code) and the letter runs printed for them.

These tables are kept apart from every response table: nothing here points
at a response, and no response table points here. A member knows its
invitation code (to reprint it on a reminder and to skip those who
answered) but a code never knows its response. Names, addresses and the
member rows are deleted by the purge at the end of fieldwork
(``Consultation.fieldwork_until``); what stays is counts (``Sample.strata``).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from survey.extensions import Model
from survey.models.base import today, utcnow


class SampleFrame(Model):
    """One imported frame of a consultation (the newest one is used)."""

    __tablename__ = "sample_frames"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultations.id", ondelete="CASCADE"), index=True
    )
    filename: Mapped[str] = mapped_column(String(200), default="")
    people: Mapped[int] = mapped_column(default=0)
    # The year ages were counted in (an age column becomes a birth year).
    reference_year: Mapped[int]
    imported_on: Mapped[date] = mapped_column(default=today)
    # Set by the purge: the people are gone, the counts stay.
    purged_on: Mapped[date | None]


class FramePerson(Model):
    """One person of a frame: what a letter needs and what a stratum needs."""

    __tablename__ = "frame_people"
    __table_args__ = (Index("ix_frame_people_frame", "frame_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    frame_id: Mapped[int] = mapped_column(ForeignKey("sample_frames.id", ondelete="CASCADE"))
    row: Mapped[int]
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(String(200))
    postcode: Mapped[str] = mapped_column(String(4))
    municipality: Mapped[str] = mapped_column(String(100))
    district: Mapped[str] = mapped_column(String(100))
    birth_year: Mapped[int]
    sex: Mapped[str] = mapped_column(String(1))
    language: Mapped[str] = mapped_column(String(2))


class Sample(Model):
    """A stratified random draw for one survey. ``seed`` and the frame make
    the draw repeatable; ``strata`` keeps, per stratum label, the frame's
    count and the number drawn (``{"label": [population, drawn]}``)."""

    __tablename__ = "samples"

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"), index=True)
    frame_id: Mapped[int | None] = mapped_column(
        ForeignKey("sample_frames.id", ondelete="SET NULL")
    )
    seed: Mapped[int]
    dimensions: Mapped[list[str]] = mapped_column(JSON)
    age_bands: Mapped[list[int]] = mapped_column(JSON)
    # "proportional" (size spread over strata, at least ``minimum`` each) or
    # "per_stratum" (``size`` in every stratum).
    method: Mapped[str] = mapped_column(String(12))
    size: Mapped[int]
    minimum: Mapped[int] = mapped_column(default=0)
    drawn: Mapped[int] = mapped_column(default=0)
    strata: Mapped[dict[str, Any]] = mapped_column(JSON)
    batch: Mapped[str] = mapped_column(String(32))
    drawn_on: Mapped[date] = mapped_column(default=today)


class SampleMember(Model):
    """A sampled person and the code printed on their letters. The code is
    kept sealed (``survey.residents.codes.seal_code``) so that a reminder
    can print it again; the row is deleted at the end of fieldwork."""

    __tablename__ = "sample_members"
    __table_args__ = (Index("ix_sample_members_sample", "sample_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sample_id: Mapped[int] = mapped_column(ForeignKey("samples.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("frame_people.id", ondelete="CASCADE"))
    invitation_code_id: Mapped[int | None] = mapped_column(
        ForeignKey("invitation_codes.id", ondelete="SET NULL")
    )
    sealed_code: Mapped[str] = mapped_column(String(80))
    stratum: Mapped[str] = mapped_column(String(200))
    last_wave: Mapped[int | None]
    """The last wave whose letters went to this member (NULL: none yet, or
    printed before waves were recorded). Reminders go to every unused code,
    so a member got waves 1 .. ``last_wave``: the response rate per wave
    needs no other record."""


class LetterRun(Model):
    """One wave of letters (1 = invitation, 2 and up = reminders) made in
    the background: its progress, and the file while it is kept."""

    __tablename__ = "letter_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    sample_id: Mapped[int] = mapped_column(ForeignKey("samples.id", ondelete="CASCADE"), index=True)
    wave: Mapped[int]
    total: Mapped[int] = mapped_column(default=0)
    done: Mapped[int] = mapped_column(default=0)
    # queued, running, done, failed, deleted
    state: Mapped[str] = mapped_column(String(10), default="queued")
    error: Mapped[str] = mapped_column(String(300), default="")
    filename: Mapped[str] = mapped_column(String(200), default="")
    seconds: Mapped[float | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
