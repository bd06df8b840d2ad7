"""The purge: after a consultation's end of fieldwork, delete its sample
frames' names and addresses, the links of sampled people to their codes and
the letter files; after its retention date, also delete its surveys'
invitation codes and drafts, and blank the raw free texts (the redacted
copies stay for reports).

Logged as counts only, in the ``purge_logs`` table and the application
log: what was removed is gone, and so is any link between it and a person.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, or_, select, update

from survey.extensions import DbSession
from survey.models import (
    Consultation,
    Draft,
    FramePerson,
    FreeText,
    InvitationCode,
    PurgeLog,
    Response,
    Sample,
    SampleFrame,
    SampleMember,
    Survey,
)
from survey.models.base import today
from survey.planner.mailing import delete_letter_files

log = logging.getLogger(__name__)


class PurgeRefused(ValueError):
    """The purge may not run; ``message`` is a lazy msgid."""

    def __init__(self, message: object) -> None:
        super().__init__(str(message))
        self.message = message


@dataclass(frozen=True)
class PurgeCounts:
    """What one purge removed, per kind of row, for the purge log and the page."""

    consultation: str
    codes: int
    drafts: int
    free_texts: int
    dry_run: bool = False
    addresses: int = 0
    sample_links: int = 0


def is_due(consultation: Consultation, on: date | None = None) -> bool:
    """Whether the retention date has passed (the purge may run the day after)."""
    until = consultation.retention_until
    return until is not None and (on or today()) > until


def fieldwork_ended(consultation: Consultation, on: date | None = None) -> bool:
    """Whether the end of fieldwork has passed: the sample's addresses go."""
    until = consultation.fieldwork_until
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
    After the end of fieldwork only the sample's addresses, code links and
    letter files go; after the retention date (or with ``force``) also
    codes, drafts and raw free text. Refuses before both dates, unless
    ``force``. Flushes; the caller commits."""
    full = force or is_due(consultation)
    if not full and not fieldwork_ended(consultation):
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
    frame_ids = select(SampleFrame.id).where(SampleFrame.consultation_id == consultation.id)
    sample_ids = select(Sample.id).where(Sample.survey_id.in_(survey_ids))
    people_where = FramePerson.frame_id.in_(frame_ids)
    members_where = SampleMember.sample_id.in_(sample_ids)

    def counted(model: type, where: Any) -> int:
        return _count(session, select(func.count()).select_from(model).where(where))

    counts = PurgeCounts(
        consultation=consultation.key,
        codes=counted(InvitationCode, codes_where) if full else 0,
        drafts=counted(Draft, drafts_where) if full else 0,
        free_texts=(
            _count(session, select(func.count()).select_from(FreeText).where(*texts_where))
            if full
            else 0
        ),
        dry_run=dry_run,
        addresses=counted(FramePerson, people_where),
        sample_links=counted(SampleMember, members_where),
    )
    if dry_run:
        return counts
    # Members first: they point at people and codes.
    session.execute(
        delete(SampleMember).where(members_where), execution_options={"synchronize_session": False}
    )
    session.execute(
        delete(FramePerson).where(people_where), execution_options={"synchronize_session": False}
    )
    session.execute(
        update(SampleFrame)
        .where(SampleFrame.consultation_id == consultation.id, SampleFrame.purged_on.is_(None))
        .values(purged_on=today()),
        execution_options={"synchronize_session": False},
    )
    delete_letter_files(session, sample_ids)
    if not full:
        return _logged(session, consultation, counts, force=False, actor=actor)
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
    return _logged(
        session, consultation, counts, force=force and not is_due(consultation), actor=actor
    )


def _logged(
    session: DbSession, consultation: Consultation, counts: PurgeCounts, *, force: bool, actor: str
) -> PurgeCounts:
    session.add(
        PurgeLog(
            consultation_id=consultation.id,
            codes=counts.codes,
            drafts=counts.drafts,
            free_texts=counts.free_texts,
            addresses=counts.addresses,
            sample_links=counts.sample_links,
            forced=force,
            actor=actor[:254],
        )
    )
    session.flush()
    log.info(
        "purge of %s: %d codes, %d drafts, %d free texts blanked, %d addresses, "
        "%d code-to-address links%s",
        consultation.key,
        counts.codes,
        counts.drafts,
        counts.free_texts,
        counts.addresses,
        counts.sample_links,
        " (forced before the retention date)" if force else "",
    )
    return counts


def due_consultations(session: DbSession) -> list[Consultation]:
    """Consultations whose retention date or end of fieldwork has passed."""
    return list(
        session.scalars(
            select(Consultation)
            .where(
                or_(
                    Consultation.retention_until < today(),
                    Consultation.fieldwork_until < today(),
                )
            )
            .order_by(Consultation.key)
        )
    )


def purge_history(session: DbSession, consultation: Consultation) -> list[PurgeLog]:
    """The consultation's purge log, newest first."""
    return list(
        session.scalars(
            select(PurgeLog)
            .where(PurgeLog.consultation_id == consultation.id)
            .order_by(PurgeLog.purged_at.desc())
        )
    )


def _count(session: DbSession, statement: object) -> int:
    return int(session.scalar(statement) or 0)  # type: ignore[call-overload]
