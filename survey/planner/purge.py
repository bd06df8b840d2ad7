"""The purge: after a consultation's retention date, delete its surveys'
invitation codes and drafts, and blank the raw free texts (the redacted
copies stay for reports).

Logged as counts only, in the ``purge_logs`` table and the application
log: what was removed is gone, and so is any link between it and a person.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select, update

from survey.extensions import DbSession
from survey.models import Consultation, Draft, FreeText, InvitationCode, PurgeLog, Response, Survey
from survey.models.base import today

log = logging.getLogger(__name__)


class PurgeRefused(ValueError):
    """The purge may not run; ``message`` is a lazy msgid."""

    def __init__(self, message: object) -> None:
        super().__init__(str(message))
        self.message = message


@dataclass(frozen=True)
class PurgeCounts:
    consultation: str
    codes: int
    drafts: int
    free_texts: int
    dry_run: bool = False


def is_due(consultation: Consultation, on: date | None = None) -> bool:
    """Whether the retention date has passed (the purge may run the day after)."""
    until = consultation.retention_until
    return until is not None and (on or today()) > until


def purge_consultation(
    session: DbSession,
    consultation: Consultation,
    *,
    dry_run: bool = False,
    force: bool = False,
    actor: str = "",
) -> PurgeCounts:
    """Purge one consultation (or count what would go, with ``dry_run``).
    Refuses before the retention date, or without one, unless ``force``.
    Flushes; the caller commits."""
    if not force and not is_due(consultation):
        if consultation.retention_until is None:
            raise PurgeRefused(_l("This consultation has no retention date."))
        raise PurgeRefused(
            _l(
                "The retention date (%(date)s) has not passed yet.",
                date=consultation.retention_until.isoformat(),
            )
        )
    survey_ids = select(Survey.id).where(Survey.consultation_id == consultation.id)
    response_ids = select(Response.id).where(Response.survey_id.in_(survey_ids))
    codes_where = InvitationCode.survey_id.in_(survey_ids)
    drafts_where = Draft.survey_id.in_(survey_ids)
    texts_where = FreeText.response_id.in_(response_ids), FreeText.text.is_not(None)
    counts = PurgeCounts(
        consultation=consultation.key,
        codes=_count(session, select(func.count()).select_from(InvitationCode).where(codes_where)),
        drafts=_count(session, select(func.count()).select_from(Draft).where(drafts_where)),
        free_texts=_count(session, select(func.count()).select_from(FreeText).where(*texts_where)),
        dry_run=dry_run,
    )
    if dry_run:
        return counts
    # Drafts first: they point at codes.
    session.execute(
        delete(Draft).where(drafts_where), execution_options={"synchronize_session": False}
    )
    session.execute(
        delete(InvitationCode).where(codes_where), execution_options={"synchronize_session": False}
    )
    session.execute(
        update(FreeText).where(*texts_where).values(text=None),
        execution_options={"synchronize_session": False},
    )
    session.add(
        PurgeLog(
            consultation_id=consultation.id,
            codes=counts.codes,
            drafts=counts.drafts,
            free_texts=counts.free_texts,
            forced=force and not is_due(consultation),
            actor=actor[:254],
        )
    )
    session.flush()
    log.info(
        "purge of %s: %d codes, %d drafts, %d free texts blanked%s",
        consultation.key,
        counts.codes,
        counts.drafts,
        counts.free_texts,
        " (forced before the retention date)" if force and not is_due(consultation) else "",
    )
    return counts


def due_consultations(session: DbSession) -> list[Consultation]:
    """Consultations whose retention date has passed."""
    return list(
        session.scalars(
            select(Consultation)
            .where(
                Consultation.retention_until.is_not(None), Consultation.retention_until < today()
            )
            .order_by(Consultation.key)
        )
    )


def purge_history(session: DbSession, consultation: Consultation) -> list[PurgeLog]:
    return list(
        session.scalars(
            select(PurgeLog)
            .where(PurgeLog.consultation_id == consultation.id)
            .order_by(PurgeLog.purged_at.desc())
        )
    )


def _count(session: DbSession, statement: object) -> int:
    return int(session.scalar(statement) or 0)  # type: ignore[call-overload]
