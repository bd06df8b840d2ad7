"""Consultations and surveys as planners see them: overview lists, creating
a consultation, uploading a survey file, and the life cycle (open, close,
reopen). Thin wrappers over ``survey.definitions.store`` and the models'
``transition``: the rules live there."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Integer, cast, func, select

from survey.definitions.definition import definition_of
from survey.definitions.explain import explain
from survey.definitions.loader import LoadError, load_definition
from survey.definitions.store import ImportRefused, ImportResult, import_survey
from survey.extensions import DbSession
from survey.models import (
    Consultation,
    InvalidTransition,
    InvitationCode,
    PartnerLink,
    PartnerOrganisation,
    Response,
    Survey,
    SurveyState,
)
from survey.models.consultation import SOURCE_LANGUAGE
from survey.partners.organisations import SECTOR_MAX
from survey.reporting.options import report_languages

CONSULTATION_KEY_RE = re.compile(r"[a-z0-9-]{3,64}")


class PlannerError(ValueError):
    """A planner action that cannot be done; ``message`` is a lazy msgid
    (or a list of problems for survey uploads)."""

    def __init__(self, message: Any, problems: list[str] | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        self.problems = problems or []


@dataclass(frozen=True)
class SurveyRow:
    """A survey in the workspace lists, with its response and code counts."""

    survey: Survey
    responses: int
    codes_issued: int
    codes_used: int


def response_counts(session: DbSession) -> dict[int, int]:
    """Responses per survey id (one GROUP BY)."""
    return {
        int(sid): int(n)
        for sid, n in session.execute(
            select(Response.survey_id, func.count()).group_by(Response.survey_id)
        ).all()
    }


def code_counts(session: DbSession) -> dict[int, tuple[int, int]]:
    """(issued, used) invitation codes per survey id."""
    used = func.sum(cast(InvitationCode.used, Integer))
    return {
        int(sid): (int(n), int(u or 0))
        for sid, n, u in session.execute(
            select(InvitationCode.survey_id, func.count(), used).group_by(InvitationCode.survey_id)
        ).all()
    }


def overview(session: DbSession) -> list[tuple[Consultation, list[SurveyRow]]]:
    """Every consultation with its surveys and their counts, by key."""
    counts = response_counts(session)
    codes = code_counts(session)
    result = []
    for consultation in session.scalars(select(Consultation).order_by(Consultation.key)):
        rows = [
            SurveyRow(s, counts.get(s.id, 0), *codes.get(s.id, (0, 0)))
            for s in sorted(consultation.surveys, key=lambda s: s.key)
        ]
        result.append((consultation, rows))
    return result


def survey_row(session: DbSession, survey: Survey) -> SurveyRow:
    """The list row of one survey."""
    counts = response_counts(session)
    codes = code_counts(session)
    return SurveyRow(survey, counts.get(survey.id, 0), *codes.get(survey.id, (0, 0)))


def get_consultation(session: DbSession, key: str) -> Consultation | None:
    """The consultation with ``key``, or None."""
    return session.scalar(select(Consultation).where(Consultation.key == key))


def create_consultation(
    session: DbSession, key: str, title: str, retention_until: date | None
) -> Consultation:
    """A new, empty consultation. Its key is what survey files name in
    ``consultation:``."""
    key = key.strip()
    if not CONSULTATION_KEY_RE.fullmatch(key):
        raise PlannerError(
            _l("Use 3 to 64 small letters, digits and hyphens for the key, e.g. zvp-2026-2031.")
        )
    if get_consultation(session, key) is not None:
        raise PlannerError(_l("There is already a consultation with this key."))
    consultation = Consultation(
        key=key, title=title.strip()[:200] or key, retention_until=retention_until
    )
    session.add(consultation)
    session.flush()
    return consultation


def set_retention(session: DbSession, consultation: Consultation, until: date | None) -> None:
    """Set (or clear, with None) the date after which the purge removes the consultation's
    codes, drafts and raw free text. Flushes."""
    consultation.retention_until = until
    session.flush()


def translation_languages(consultation: Consultation) -> list[str]:
    """The languages besides Dutch that a report of the consultation can be
    written in (``survey.reporting.options.report_languages`` of each of its
    surveys), in which the planner gives its title and margins' source."""
    found: list[str] = []
    for survey in consultation.surveys:
        for code in report_languages(definition_of(survey).languages):
            if code != SOURCE_LANGUAGE and code not in found:
                found.append(code)
    return found


TRANSLATED_TEXTS = ("title", "margins_source")
"""A consultation's texts that the planner gives per language."""

TRANSLATION_MAX = 200
"""Characters a translated text keeps (a sector: ``SECTOR_MAX``)."""


def partner_sectors(session: DbSession, consultation: Consultation) -> list[str]:
    """The sectors (as entered, in Dutch) of the organisations with a link
    to one of the consultation's partner surveys: the ones its reports name,
    which the planner translates with its other texts."""
    found = session.scalars(
        select(PartnerOrganisation.sector)
        .join(PartnerLink, PartnerLink.organisation_id == PartnerOrganisation.id)
        .join(Survey, Survey.id == PartnerLink.survey_id)
        .where(Survey.consultation_id == consultation.id)
        .distinct()
    )
    return sorted(set(found), key=lambda s: (s.casefold(), s))


def set_translations(
    session: DbSession,
    consultation: Consultation,
    texts: dict[str, dict[str, Any]],
    sectors: Iterable[str] = (),
) -> None:
    """Store the title and margins' source per language (``texts``:
    {language: {"title": ..., "margins_source": ..., "sectors": {Dutch
    sector: translation}}}), each at most 200 characters (a sector at most
    ``SECTOR_MAX``); only the given ``sectors`` (:func:`partner_sectors`)
    are kept. An empty text is dropped (the report then quotes the Dutch
    one and says so). Replaces what was stored. Flushes."""
    known = set(sectors)
    stored: dict[str, dict[str, Any]] = {}
    for language, given in texts.items():
        kept: dict[str, Any] = {
            name: text
            for name in TRANSLATED_TEXTS
            if (text := (given.get(name) or "").strip()[:TRANSLATION_MAX])
        }
        translated = {
            sector: text
            for sector, entered in (given.get("sectors") or {}).items()
            if sector in known and (text := " ".join((entered or "").split())[:SECTOR_MAX])
        }
        if translated:
            kept["sectors"] = translated
        if kept:
            stored[language] = kept
    consultation.translations = stored or None
    session.flush()


def upload_survey(session: DbSession, data: bytes) -> ImportResult:
    """Store an uploaded survey file: a new survey, or a new version of a
    draft survey. Raises ``PlannerError`` with every problem (in the
    planner's words, its path in the file after it) when the file is
    refused; an opened survey's definition cannot change."""
    try:
        raw = load_definition(data)
    except LoadError as exc:
        raise PlannerError(_l("The file cannot be read."), [str(exc)]) from exc
    try:
        return import_survey(session, raw)
    except ImportRefused as exc:
        # In the planner's words, with the file's path as a detail.
        explained = [explain(raw, problem) for problem in exc.issues]
        problems = [f"{problem} ({problem.path})" for problem in explained]
        raise PlannerError(_l("The survey file was not stored."), problems) from exc


def change_state(session: DbSession, survey: Survey, action: str) -> None:
    """``open`` (from draft, or reopen when closed) or ``close``."""
    wanted = {"open": SurveyState.OPEN, "close": SurveyState.CLOSED}.get(action)
    if wanted is None:
        raise PlannerError(_l("Unknown action."))
    try:
        survey.transition(wanted)
    except InvalidTransition as exc:
        messages = {
            SurveyState.DRAFT: _l("A draft survey can only be opened."),
            SurveyState.OPEN: _l("An open survey can only be closed."),
            SurveyState.CLOSED: _l("A closed survey can only be reopened."),
        }
        raise PlannerError(messages[survey.state]) from exc
    session.flush()
