"""The fieldwork counts of a survey for the methods section, by SQL
(``survey.analysis.fieldwork_facts`` says what they mean)."""

from __future__ import annotations

from sqlalchemy import func, select

from survey.analysis.fieldwork_facts import (
    FieldworkFacts,
    LetterWave,
    SampleDesign,
    StratumRate,
    rate,
)
from survey.analysis.suppression import is_primary
from survey.extensions import DbSession
from survey.models import (
    Consultation,
    InvitationCode,
    LetterRun,
    Response,
    Sample,
    SampleFrame,
    SampleMember,
    Survey,
)

PRINTED = ("done", "deleted")
"""The states of a letter run that was printed (a deleted run's file is
gone once downloaded; its letters were made)."""


def _sample_design(session: DbSession, sample: Sample, threshold: int) -> SampleDesign:
    frame = None if sample.frame_id is None else session.get(SampleFrame, sample.frame_id)
    used_by_stratum = dict(
        session.execute(
            select(SampleMember.stratum, func.count())
            .join(InvitationCode, InvitationCode.id == SampleMember.invitation_code_id)
            .where(SampleMember.sample_id == sample.id, InvitationCode.used.is_(True))
            .group_by(SampleMember.stratum)
        ).all()
    )
    members = session.scalar(
        select(func.count()).select_from(SampleMember).where(SampleMember.sample_id == sample.id)
    )
    known = bool(members)
    strata = []
    for label, (population, drawn) in sorted(sample.strata.items()):
        used = int(used_by_stratum.get(label, 0)) if known else None
        hidden = used is not None and is_primary(used, threshold)
        strata.append(
            StratumRate(
                label=label,
                population=int(population),
                drawn=int(drawn),
                used=None if hidden else used,
                rate=None if hidden or used is None else rate(used, int(drawn)),
            )
        )
    return SampleDesign(
        method=sample.method,
        dimensions=tuple(sample.dimensions),
        size=sample.size,
        minimum=sample.minimum,
        drawn=sample.drawn,
        drawn_on=sample.drawn_on,
        frame_people=None if frame is None else frame.people,
        frame_imported_on=None if frame is None else frame.imported_on,
        strata=tuple(strata),
        strata_known=known,
    )


def fieldwork_facts(
    session: DbSession, survey: Survey, consultation: Consultation, threshold: int
) -> FieldworkFacts:
    """The fieldwork facts of ``survey`` (reads only; see the module)."""
    first_day, last_day = session.execute(
        select(func.min(Response.submitted_on), func.max(Response.submitted_on)).where(
            Response.survey_id == survey.id
        )
    ).one()
    versions = tuple(
        session.scalars(
            select(Response.survey_version)
            .where(Response.survey_id == survey.id)
            .distinct()
            .order_by(Response.survey_version)
        )
    )
    issued, used = session.execute(
        select(func.count(), func.count().filter(InvitationCode.used.is_(True))).where(
            InvitationCode.survey_id == survey.id
        )
    ).one()
    sample = session.scalars(
        select(Sample).where(Sample.survey_id == survey.id).order_by(Sample.id.desc())
    ).first()
    waves: tuple[LetterWave, ...] = ()
    if sample is not None:
        waves = tuple(
            LetterWave(run.wave, run.total, run.created_at.date())
            for run in session.scalars(
                select(LetterRun)
                .where(LetterRun.sample_id == sample.id, LetterRun.state.in_(PRINTED))
                .order_by(LetterRun.wave, LetterRun.id)
            )
        )
    return FieldworkFacts(
        survey_version=survey.version,
        versions_answered=versions,
        first_day=first_day,
        last_day=last_day,
        fieldwork_until=consultation.fieldwork_until,
        codes_issued=int(issued or 0),
        codes_used=int(used or 0),
        sample=None if sample is None else _sample_design(session, sample, threshold),
        waves=waves,
        margins_source=consultation.margins_source or "",
        margins_date=consultation.margins_date,
    )
