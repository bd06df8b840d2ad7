"""Draft rows, as the residents' and the partners' draft stores keep them.

A draft (``survey.models.Draft``) holds the answers of one respondent
between pages: ``data`` maps question keys to typed answer values,
``page_index`` is the furthest page reached, and ``revision`` (SQLAlchemy's
version counter) makes a save that raced another one fail with
``StaleDataError`` instead of overwriting it. An unsent draft expires
``DRAFT_LIFETIME_DAYS`` after its last save.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from flask import current_app

from survey.definitions.definition import PageDef
from survey.extensions import DbSession
from survey.models import Draft, ResponseMode
from survey.models.base import utcnow


def lifetime() -> timedelta:
    """How long an unsent draft is kept after its last save (days, from
    the ``DRAFT_LIFETIME_DAYS`` setting)."""
    return timedelta(days=int(current_app.config["DRAFT_LIFETIME_DAYS"]))


def is_expired(draft: Draft, now: datetime | None = None) -> bool:
    """Whether the draft's expiry time has come (at ``now``, default the
    current UTC time): an expired draft can no longer be resumed."""
    return draft.expires_at <= (now or utcnow())


def new_draft(
    session: DbSession,
    *,
    survey_id: int,
    token_hash: str,
    language: str,
    resume_code_hash: str | None = None,
    invitation_code_id: int | None = None,
    partner_link_id: int | None = None,
) -> Draft:
    """A new, empty draft of a web respondent, reached through the secret
    whose hash is ``token_hash`` (and ``resume_code_hash``), started with a
    letter's code or for a partner's link. Its submission key is random.
    Flushes."""
    now = utcnow()
    draft = Draft(
        token_hash=token_hash,
        resume_code_hash=resume_code_hash,
        survey_id=survey_id,
        data={},
        language=language,
        page_index=0,
        invitation_code_id=invitation_code_id,
        partner_link_id=partner_link_id,
        submission_key=secrets.token_hex(16),
        mode=ResponseMode.WEB,
        created_at=now,
        updated_at=now,
        expires_at=now + lifetime(),
    )
    session.add(draft)
    session.flush()
    return draft


def write_page(
    draft: Draft, page: PageDef, page_values: Mapping[str, Any], *, reached: int, language: str
) -> None:
    """Replace the answers of ``page`` in ``draft`` (``page_values``: those
    of its shown questions; its other questions lose their answers), move
    the furthest page reached on to ``reached`` (never back), and extend
    the expiry date. The caller flushes."""
    own = {q.key for q in page.questions}
    data = {k: v for k, v in (draft.data or {}).items() if k not in own}
    data.update(page_values)
    draft.data = data  # a new dict: JSON columns do not track changes in place
    draft.page_index = max(draft.page_index, reached)
    draft.language = language
    now = utcnow()
    draft.updated_at = now
    draft.expires_at = now + lifetime()
