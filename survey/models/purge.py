"""The purge log: what a purge removed, as counts only."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from survey.extensions import Model
from survey.models.base import utcnow


class PurgeLog(Model):
    """One purge of one consultation: how many invitation codes and drafts
    were deleted, how many raw free texts were blanked, how many
    addresses and code-to-address links of the sample were deleted. No content, no
    ids of what was removed: counts only."""

    __tablename__ = "purge_logs"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultations.id", ondelete="CASCADE"), index=True
    )
    purged_at: Mapped[datetime] = mapped_column(default=utcnow)
    codes: Mapped[int] = mapped_column(default=0)
    drafts: Mapped[int] = mapped_column(default=0)
    free_texts: Mapped[int] = mapped_column(default=0)
    # Sampled people (names and addresses) and code-to-address links deleted.
    addresses: Mapped[int] = mapped_column(default=0)
    sample_links: Mapped[int] = mapped_column(default=0)
    forced: Mapped[bool] = mapped_column(default=False)
    # Who started it: a planner's e-mail address or "command line".
    actor: Mapped[str] = mapped_column(String(254), default="")
