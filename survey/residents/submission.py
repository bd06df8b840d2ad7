"""The final submit: a draft becomes a stored response, once.

One transaction (the caller commits once): every answer is checked again,
then the writes begin (``begin_writes``): the invitation code is consumed
with a guarded UPDATE, the response is written with the draft's
``submission_key`` (unique, so a replay can never store a second response),
and the draft is emptied and unlinked from its code and from the response (a
fresh submission key) with an UPDATE guarded by its revision. A replayed or
double submit finds the draft already submitted and reports ``already``, or,
when both ran at the same moment, fails on the unique key (IntegrityError)
or the revision (StaleDataError): the caller rolls back.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

from sqlalchemy import select, update

from survey.definitions.definition import definition_of
from survey.definitions.question_types.base import Problem
from survey.extensions import DbSession, begin_writes
from survey.models import Draft, InvitationCode, ResponseMode, Survey
from survey.models.base import utcnow
from survey.responses.checking import check_values
from survey.responses.storage import ResponseWriter


@dataclass
class SubmitOutcome:
    """``status``: ``stored``, ``already`` (sent before), ``problems`` (an
    answer breaks a rule; nothing stored) or ``code_used`` (the invitation
    code was used by someone else meanwhile; nothing stored)."""

    status: str
    problems: list[Problem] = field(default_factory=list)


def lock_draft(session: DbSession, draft_id: int) -> Draft | None:
    """The draft, re-read and locked for this transaction (FOR UPDATE on
    PostgreSQL; SQLite transactions already begin IMMEDIATE)."""
    return session.scalar(
        select(Draft)
        .where(Draft.id == draft_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


def consume_code(session: DbSession, code_id: int) -> bool:
    """Mark an invitation code used, only if it was unused. True on success."""
    result = session.execute(
        update(InvitationCode)
        .where(InvitationCode.id == code_id, InvitationCode.used.is_(False))
        .values(used=True)
        .execution_options(synchronize_session=False)
    )
    return getattr(result, "rowcount", 0) == 1


def submit_draft(
    session: DbSession, survey: Survey, draft_id: int, *, current: Draft | None = None
) -> SubmitOutcome:
    """Store the draft's answers as one response. Flushes; the caller
    commits, or rolls back when the status is not ``stored`` or the write
    raised IntegrityError / StaleDataError (a concurrent submit or save).
    ``current``: the draft as the caller read it in this transaction, so it
    is not read again (its revision guards the write); without it the draft
    is read locked."""
    draft = current if current is not None and current.id == draft_id else None
    if draft is None:
        draft = lock_draft(session, draft_id)
    if draft is None or draft.survey_id != survey.id:
        return SubmitOutcome("problems")
    if draft.submitted:
        return SubmitOutcome("already")
    definition = definition_of(survey)
    # Answers to questions hidden by a later change are dropped, not refused.
    shown, kept, problems = check_values(definition, draft.data or {}, hidden_is_error=False)
    if problems:
        return SubmitOutcome("problems", problems)
    begin_writes(session)
    if draft.invitation_code_id is not None and not consume_code(session, draft.invitation_code_id):
        return SubmitOutcome("code_used")
    ResponseWriter(session, survey).insert(
        shown,
        kept,
        mode=ResponseMode.WEB,
        language=draft.language,
        submission_key=draft.submission_key,
    )
    draft.submitted = True
    draft.data = {}
    draft.invitation_code_id = None
    # A new random key: the draft keeps exact times (created, updated), so
    # it must not share a key with the response it became. A replay is
    # still refused: the draft is marked submitted under its revision.
    draft.submission_key = secrets.token_hex(16)
    draft.updated_at = utcnow()
    session.flush()
    return SubmitOutcome("stored")
