"""A partner answering through their link: the partner's store of the
answering journey (``PartnerDraftStore``), and reopening sent answers.

Rules:
- One draft per link (``Draft.partner_link_id``), created at the first
  save. It is found from the link alone, never from an id in a form, so
  the same link on another device shows the same answers.
- Every save and submit names the draft ``revision`` its form was built
  from. A different revision means the draft was saved meanwhile (another
  tab or device): the save is refused whole (``DraftConflict``), nothing of
  it is kept. ``Draft.revision`` is SQLAlchemy's version counter, so two
  saves that race past the check still cannot both win.
- The parts (pages) may be answered in any order: the start page is a task
  list (the store's ``reached`` is None).
- "Save and continue later" keeps answers that are incomplete (required
  questions may stay empty) but refuses values that break a rule
  (``Journey.read`` with ``partial``).
- Submit checks every answer again (``Journey.submit``), writes one response
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
from collections.abc import Mapping
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm.exc import StaleDataError

from survey.answering.drafts import new_draft, write_page
from survey.answering.journey import Journey
from survey.answering.stores import ChangedMeanwhile
from survey.definitions.definition import PageDef, QuestionDef, definition_of
from survey.extensions import DbSession
from survey.models import Draft, PartnerLink, Response, ResponseMode, Survey, SurveyState
from survey.models.base import start_of_day, utcnow
from survey.partners.organisations import record_consent
from survey.responses.storage import ResponseWriter
from survey.tokens import token_hash

# Drafts need a unique token hash; a partner draft is reached through its
# link, so this one is random and never handed out.
DRAFT_HASH_PURPOSE = "partner-draft"


class DraftConflict(ChangedMeanwhile):
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
    return new_draft(
        session,
        survey_id=link.survey_id,
        token_hash=token_hash(secrets.token_urlsafe(32), DRAFT_HASH_PURPOSE),
        language=language,
        partner_link_id=link.id,
    )


class PartnerDraftStore:
    """The draft of a partner's link as a store of the answering journey
    (``survey.answering.stores.DraftStore``). ``draft`` is the link's draft
    as read for the page (None before the first save); ``revision`` the one
    the posted form was built from (None: not posted, or unreadable). Every
    write locks the link and reads the draft again first."""

    def __init__(
        self,
        session: DbSession,
        survey: Survey,
        link: PartnerLink,
        draft: Draft | None,
        *,
        revision: int | None = None,
    ) -> None:
        self.session = session
        self.survey = survey
        self.link = link
        self.draft = draft
        self.revision = revision

    @property
    def values(self) -> Mapping[str, Any]:
        """The draft's answers (none before the first save)."""
        return (self.draft.data or {}) if self.draft is not None else {}

    @property
    def reached(self) -> None:
        """None: a partner may answer the parts in any order."""
        return None

    @property
    def order_seed(self) -> int:
        """The link's id: the same order before and after the first save."""
        return self.link.id

    def _lock(self) -> None:
        """Lock the link and read its draft again (``LinkRevoked`` when it
        was revoked between resolving the token and this write)."""
        locked = lock_link(self.session, self.link.id)
        if locked is None or locked.revoked_at is not None:
            raise LinkRevoked()
        self.link = locked
        self.draft = find_draft(self.session, locked, fresh=True)

    def save_page(
        self, page: PageDef, page_values: dict[str, Any], *, reached: int, language: str
    ) -> None:
        """Raises ``DraftConflict`` when the form's revision is not the
        draft's current one, ``DraftLocked`` after submit, ``LinkRevoked``."""
        self._lock()
        draft = self.draft
        if draft is not None and draft.submitted:
            raise DraftLocked()
        if self.revision is None or self.revision != revision_of(draft):
            raise DraftConflict(draft)
        if draft is None:
            draft = self.draft = _new_draft(self.session, self.link, language)
        write_page(draft, page, page_values, reached=reached, language=language)
        try:
            self.session.flush()
        except StaleDataError as exc:  # another save won the race
            raise DraftConflict(None) from exc

    def prepare_submit(self) -> str | None:
        """Lock the link and re-read its draft: ``already`` when it was sent,
        ``conflict`` when it was saved after this form was shown (another
        person of the organisation), else None. ``LinkRevoked`` when the link
        was revoked meanwhile."""
        self._lock()
        if self.draft is not None and self.draft.submitted:
            return "already"
        if self.revision is None or self.revision != revision_of(self.draft):
            return "conflict"
        return None

    def store_response(self, shown: list[QuestionDef], kept: Mapping[str, Any]) -> str:
        """Write the response under the organisation's name; the draft keeps
        exactly the sent answers (for the receipt, and a reopen) and is
        locked. ``problems`` when nothing was ever saved."""
        draft = self.draft
        if draft is None:
            return "problems"  # nothing was ever saved: nothing to send
        ResponseWriter(self.session, self.survey).insert(
            shown,
            kept,
            mode=ResponseMode.WEB,
            language=draft.language,
            submission_key=draft.submission_key,
            partner_id=self.link.organisation_id,
        )
        # The day only, as for every answer: the receipt says "sent on" a day.
        day = start_of_day(utcnow())
        # Exactly the values that were stored: the receipt is built from them.
        draft.data = {q.key: kept[q.key] for q in shown if q.key in kept}
        draft.submitted = True
        draft.created_at = start_of_day(draft.created_at)
        draft.updated_at = day
        self.link.submitted_at = day
        record_consent(self.link.organisation, kept, day.date())
        self.session.flush()
        return "stored"


def journey_of(
    session: DbSession,
    survey: Survey,
    link: PartnerLink,
    draft: Draft | None,
    language: str,
    *,
    revision: int | None = None,
) -> Journey[PartnerDraftStore]:
    """The answering journey of a partner's link, in ``language``."""
    store = PartnerDraftStore(session, survey, link, draft, revision=revision)
    return Journey(definition_of(survey), store, language)


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
