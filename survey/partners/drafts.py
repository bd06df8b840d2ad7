"""A partner answering through their link: drafts, submit, lock, reopen.

Rules:
- One draft per link (``Draft.partner_link_id``), created at the first
  save. It is found from the link alone, never from an id in a form, so
  the same link on another device shows the same answers.
- Every save and submit names the draft ``revision`` its form was built
  from. A different revision means the draft was saved meanwhile (another
  tab or device): the save is refused whole (``DraftConflict``), nothing of
  it is kept. ``Draft.revision`` is SQLAlchemy's version counter, so two
  saves that race past the check still cannot both win.
- "Save and continue later" keeps answers that are incomplete (required
  questions may stay empty) but refuses values that break a rule.
- Submit checks every answer again (``check_values``), writes one response
  with the organisation as ``partner_id`` and the draft's
  ``submission_key`` (a replayed submit stores nothing new), marks the link
  submitted and locks the draft. The draft keeps exactly the values that
  were stored: the receipt is built from them.
- Reopen (by a planner): the response is deleted and the draft unlocked,
  with its values still in it; the partner edits and submits again. So an
  organisation has at most one response, and none while reopened.

Writes lock the link row first (``FOR UPDATE`` on PostgreSQL; SQLite
transactions already begin ``IMMEDIATE``), so the requests of one link run
one after another.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm.exc import StaleDataError

from survey.answering.pages import PageOutcome, read_page
from survey.definitions.definition import PageDef, SurveyDefinition, definition_of
from survey.definitions.question_types.base import CellError, Problem
from survey.extensions import DbSession
from survey.models import Draft, PartnerLink, Response, ResponseMode, Survey, SurveyState
from survey.models.base import utcnow
from survey.residents import drafts as resident_drafts
from survey.responses.checking import check_values
from survey.responses.storage import ResponseWriter
from survey.tokens import token_hash

# Drafts need a unique token hash; a partner draft is reached through its
# link, so this one is random and never handed out.
DRAFT_HASH_PURPOSE = "partner-draft"


class DraftConflict(Exception):
    """The draft was saved since the form was shown; ``draft`` is the newer
    one (None when it no longer exists)."""

    def __init__(self, draft: Draft | None) -> None:
        super().__init__("the draft was changed meanwhile")
        self.draft = draft


class DraftLocked(Exception):
    """The answers were submitted; they can only be read."""


class LinkRevoked(Exception):
    """The link was revoked while the request was on its way."""


def lock_link(session: DbSession, link_id: int) -> PartnerLink | None:
    """The link, re-read and locked for this transaction."""
    return session.scalar(
        select(PartnerLink)
        .where(PartnerLink.id == link_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


def find_draft(session: DbSession, link: PartnerLink, *, fresh: bool = False) -> Draft | None:
    """The draft of this link (the only way a partner draft is found)."""
    query = select(Draft).where(Draft.partner_link_id == link.id).order_by(Draft.id).limit(1)
    if fresh:
        query = query.execution_options(populate_existing=True)
    return session.scalar(query)


def values_of(draft: Draft | None) -> dict[str, Any]:
    return dict(draft.data or {}) if draft is not None else {}


def revision_of(draft: Draft | None) -> int:
    """The revision a form carries; 0 before the first save."""
    return draft.revision if draft is not None else 0


def parse_revision(raw: str | None) -> int | None:
    """The posted revision, or None when missing or not a small number."""
    raw = (raw or "").strip()
    if not raw.isascii() or not raw.isdigit() or len(raw) > 9:
        return None
    return int(raw)


def _new_draft(session: DbSession, link: PartnerLink, language: str) -> Draft:
    now = utcnow()
    draft = Draft(
        token_hash=token_hash(secrets.token_urlsafe(32), DRAFT_HASH_PURPOSE),
        resume_code_hash=None,
        survey_id=link.survey_id,
        data={},
        language=language,
        page_index=0,
        partner_link_id=link.id,
        submission_key=secrets.token_hex(16),
        mode=ResponseMode.WEB,
        created_at=now,
        updated_at=now,
        expires_at=now + resident_drafts.lifetime(),
    )
    session.add(draft)
    session.flush()
    return draft


def read_posted_page(
    definition: SurveyDefinition,
    values: dict[str, Any],
    page: PageDef,
    form: Any,
    *,
    partial: bool,
) -> PageOutcome:
    """Read a posted page with the residents' rules (``read_page``). With
    ``partial`` (save and continue later) an unanswered required question
    is not an error; any other problem still is."""
    outcome = read_page(definition, values, page, form)
    if not partial or outcome.status == "saved":
        return outcome
    errors: list[tuple[Any, str, Any]] = []
    page_values: dict[str, Any] = {}
    for question in outcome.view.visible:
        try:
            value = question.qtype.from_form(question, form)
        except CellError as exc:
            errors.append((question, exc.field, exc.message))
            continue
        optional = replace(question, spec={**question.spec, "required": False})
        errors.extend((question, name, msg) for name, msg in question.qtype.check(optional, value))
        page_values[question.key] = value
    if errors:
        return PageOutcome("errors", outcome.view, outcome.shown_values, errors=errors)
    return PageOutcome("saved", outcome.view, outcome.shown_values, page_values=page_values)


def _locked_draft(session: DbSession, link: PartnerLink) -> tuple[PartnerLink, Draft | None]:
    locked = lock_link(session, link.id)
    if locked is None or locked.revoked_at is not None:
        # Revoked between resolving the token and this write.
        raise LinkRevoked()
    return locked, find_draft(session, locked, fresh=True)


def save_answers(
    session: DbSession,
    link: PartnerLink,
    *,
    revision: int | None,
    page: PageDef,
    page_values: dict[str, Any],
    language: str,
) -> Draft:
    """Store the answers of one page in the link's draft (created at the
    first save). Raises ``DraftConflict`` when ``revision`` is not the
    draft's current one, ``DraftLocked`` after submit, ``LinkRevoked``.
    Flushes."""
    link, draft = _locked_draft(session, link)
    if draft is not None and draft.submitted:
        raise DraftLocked()
    if revision is None or revision != revision_of(draft):
        raise DraftConflict(draft)
    if draft is None:
        draft = _new_draft(session, link, language)
    try:
        resident_drafts.save_page(
            session,
            draft,
            page_keys=[q.key for q in page.questions],
            page_values=page_values,
            reached=page.index,
            language=language,
        )
    except StaleDataError as exc:  # another save won the race
        raise DraftConflict(None) from exc
    return draft


@dataclass
class SubmitOutcome:
    """``status``: ``stored``, ``already`` (submitted before: nothing new
    stored), ``problems`` (an answer breaks a rule: nothing stored) or
    ``conflict`` (the draft changed since the check page was shown)."""

    status: str
    problems: list[Problem] = field(default_factory=list)
    draft: Draft | None = None


def submit(
    session: DbSession, link: PartnerLink, survey: Survey, *, revision: int | None
) -> SubmitOutcome:
    """Turn the link's draft into the organisation's response, once.
    Flushes; the caller commits, or rolls back unless ``stored``."""
    link, draft = _locked_draft(session, link)
    if draft is not None and draft.submitted:
        return SubmitOutcome("already", draft=draft)
    if revision is None or revision != revision_of(draft):
        return SubmitOutcome("conflict", draft=draft)
    definition = definition_of(survey)
    shown, kept, problems = check_values(definition, values_of(draft), hidden_is_error=False)
    if problems or draft is None:
        return SubmitOutcome("problems", problems=problems, draft=draft)
    ResponseWriter(session, survey).write(
        shown,
        kept,
        mode=ResponseMode.WEB,
        language=draft.language,
        submission_key=draft.submission_key,
        partner_id=link.organisation_id,
    )
    now = utcnow()
    draft.data = {key: kept[key] for key in (q.key for q in shown) if key in kept}
    draft.submitted = True
    draft.updated_at = now
    link.submitted_at = now
    session.flush()
    return SubmitOutcome("stored", draft=draft)


class ReopenRefused(Exception):
    """Nothing to reopen, or the survey is not open."""


def reopen(session: DbSession, link: PartnerLink, survey: Survey) -> None:
    """Unlock submitted answers so the partner can change them: the
    organisation's response is deleted (answers and free texts go with it)
    and the draft, which still holds the submitted values, can be edited
    and submitted again. Raises ``ReopenRefused``. Flushes."""
    if survey.state is not SurveyState.OPEN:
        raise ReopenRefused()
    locked = lock_link(session, link.id)
    draft = find_draft(session, locked, fresh=True) if locked else None
    if locked is None or draft is None or not draft.submitted:
        raise ReopenRefused()
    session.execute(
        delete(Response)
        .where(Response.submission_key == draft.submission_key)
        .execution_options(synchronize_session=False)
    )
    draft.submitted = False
    # A new key: the deleted response's key must not make the next submit a no-op.
    draft.submission_key = secrets.token_hex(16)
    draft.updated_at = utcnow()
    locked.submitted_at = None
    session.flush()
