"""Partner organisations and their personal links."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey.extensions import Model
from survey.models.base import utcnow


class PartnerOrganisation(Model):
    """A partner (mayor's office, parket, school, ...) that answers by name."""

    __tablename__ = "partner_organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    sector: Mapped[str] = mapped_column(String(80))
    contact_email: Mapped[str] = mapped_column(String(254))
    language: Mapped[str] = mapped_column(String(5), default="nl", server_default="nl")
    """The language of the e-mails it gets (nl, fr, en, de), and of its
    answer pages when the survey offers it (the partner may switch)."""
    named: Mapped[bool] = mapped_column(default=False, server_default=false())
    """It agreed to be named in the report: its answers and comments are
    then published under its name; else only within a group of at least
    ``SURVEY_PARTNER_SECTOR_MIN`` organisations. Given by the partner (the
    ``vermelding`` question of a partner survey, at each submit) or recorded
    by a planner on the organisation's page."""
    named_on: Mapped[date | None]
    """The day consent to be named was last given or withdrawn."""
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    links: Mapped[list[PartnerLink]] = relationship(
        back_populates="organisation", cascade="all, delete-orphan"
    )


class PartnerLink(Model):
    """The personal link of one organisation for one survey. Only a hash of
    the token is stored; a revoked link stops working and a new one can be
    issued. ``invited_at``, ``reminded_at`` and ``reminders`` record the
    e-mails sent (carried over to a new link, like the opened and sent
    days). ``first_opened_at`` and ``submitted_at`` are what the partner
    did: they keep only the day (midnight), like every date of an answer;
    the other times are the zone's own actions (issuing, revoking, mailing),
    kept to the minute because the fieldwork page shows when the zone
    wrote, and they date no answer."""

    __tablename__ = "partner_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("partner_organisations.id", ondelete="CASCADE"), index=True
    )
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]
    first_opened_at: Mapped[datetime | None]
    submitted_at: Mapped[datetime | None]
    invited_at: Mapped[datetime | None]
    reminded_at: Mapped[datetime | None]
    reminders: Mapped[int] = mapped_column(default=0, server_default="0")

    organisation: Mapped[PartnerOrganisation] = relationship(back_populates="links")
