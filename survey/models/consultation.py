"""A consultation groups the surveys that feed one priority report, with its
phenomena, population margins and objective indicators."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, ForeignKey, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey.extensions import Model
from survey.models.base import utcnow

if TYPE_CHECKING:
    from survey.models.survey import Survey


SOURCE_LANGUAGE = "nl"
"""The language of a consultation's own texts (title, margins' source)."""


class Consultation(Model):
    """One ZVP consultation (e.g. ``zvp-2026-2031``). ``retention_until`` is
    the date after which codes, drafts and raw free text may be purged;
    ``fieldwork_until`` the last day of fieldwork, after which the sample's
    names, addresses and code-to-address links are purged. ``letter`` holds
    the letters' texts (sender, signatory, contact, privacy line; see
    ``survey.planner.letters.LetterSettings``), ``letter_logo`` and
    ``letter_signature`` PNG or JPEG images."""

    __tablename__ = "consultations"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(200), default="")
    retention_until: Mapped[date | None]
    fieldwork_until: Mapped[date | None]
    reply_by: Mapped[date | None]
    letter: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    letter_logo: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    letter_signature: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    # Where the population margins come from and their reference date, as
    # the planner entered them (the report's methods section quotes them).
    margins_source: Mapped[str] = mapped_column(String(200), default="", server_default="")
    margins_date: Mapped[date | None]
    # The title and the margins' source in the surveys' other languages, as
    # the planner entered them: {language: {"title": ..., "margins_source":
    # ..., "sectors": {Dutch sector: sector}}}; ``title`` and ``margins_source``
    # above are the Dutch ones, and a partner organisation's sector is Dutch
    # free text (the key partners are grouped by, in every language).
    translations: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # How the margins are raked beyond the margins themselves (collapsing
    # minimum, declared merges, the unanswered), as the planner saved them:
    # ``survey.analysis.settings.WeightingChoices.stored``; None: the defaults.
    weighting: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # Planner-set weights of the priority matrix: {indicator: weight}.
    matrix_weights: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # Extra free-text keywords per phenomenon: {phenomenon: [word, ...]}.
    lexicon: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    phenomena: Mapped[list[Phenomenon]] = relationship(
        back_populates="consultation", cascade="all, delete-orphan", order_by="Phenomenon.position"
    )
    surveys: Mapped[list[Survey]] = relationship(back_populates="consultation")
    margins: Mapped[list[PopulationMargin]] = relationship(
        back_populates="consultation", cascade="all, delete-orphan"
    )
    indicators: Mapped[list[ObjectiveIndicator]] = relationship(
        back_populates="consultation", cascade="all, delete-orphan"
    )
    tag_corrections: Mapped[list[TagCorrection]] = relationship(
        back_populates="consultation", cascade="all, delete-orphan"
    )

    def text_in(self, name: str, language: str) -> tuple[str, str]:
        """The consultation's ``title`` or ``margins_source`` in ``language``
        and the language it is in: the translation the planner entered, else
        the Dutch text (a report says it is not translated)."""
        translated = str((self.translations or {}).get(language, {}).get(name) or "")
        if translated:
            return translated, language
        return str(getattr(self, name) or ""), SOURCE_LANGUAGE

    def sector_in(self, sector: str, language: str) -> tuple[str, str]:
        """A partner organisation's ``sector`` (as entered, in Dutch) in
        ``language`` and the language it is in: the planner's translation
        for this consultation, else the sector as entered."""
        sectors = (self.translations or {}).get(language, {}).get("sectors") or {}
        translated = str(sectors.get(sector) or "")
        if translated:
            return translated, language
        return sector, SOURCE_LANGUAGE


class Phenomenon(Model):
    """A candidate priority (e.g. drugs). Surveys of a consultation name
    phenomena by key; labels are language -> text."""

    __tablename__ = "phenomena"
    __table_args__ = (UniqueConstraint("consultation_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(40))
    label: Mapped[dict[str, str]] = mapped_column(JSON)
    federal_priority: Mapped[bool] = mapped_column(default=False)
    position: Mapped[int] = mapped_column(default=0)

    consultation: Mapped[Consultation] = relationship(back_populates="phenomena")


class PopulationMargin(Model):
    """Population count of one category of one weighting dimension, from the
    contract's margins CSV (``dimension,code,population``)."""

    __tablename__ = "population_margins"
    __table_args__ = (UniqueConstraint("consultation_id", "dimension", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id", ondelete="CASCADE"))
    dimension: Mapped[str] = mapped_column(String(40))
    code: Mapped[int]
    population: Mapped[int]

    consultation: Mapped[Consultation] = relationship(back_populates="margins")


class ObjectiveIndicator(Model):
    """A registered figure for a phenomenon and year (e.g. facts recorded in
    the crime barometer). ``value`` is a count or rate, as ``unit`` says."""

    __tablename__ = "objective_indicators"
    __table_args__ = (UniqueConstraint("consultation_id", "phenomenon_key", "year", "source"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id", ondelete="CASCADE"))
    phenomenon_key: Mapped[str] = mapped_column(String(40))
    year: Mapped[int]
    value: Mapped[float]
    unit: Mapped[str] = mapped_column(String(40), default="feiten")
    source: Mapped[str] = mapped_column(String(120), default="")

    consultation: Mapped[Consultation] = relationship(back_populates="indicators")


class TagCorrection(Model):
    """A planner's phenomena for one comment text, replacing those the
    keyword lexicon found (``survey.analysis.themes``). The text is named by
    the SHA-256 of its redacted form (the form the report reads), so every
    copy of it gets the same tags and nothing of the text is stored again;
    ``phenomena`` may be empty (the comment is about none)."""

    __tablename__ = "tag_corrections"
    __table_args__ = (UniqueConstraint("consultation_id", "text_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id", ondelete="CASCADE"))
    text_hash: Mapped[str] = mapped_column(String(64))
    phenomena: Mapped[list[str]] = mapped_column(JSON, default=list)

    consultation: Mapped[Consultation] = relationship(back_populates="tag_corrections")
