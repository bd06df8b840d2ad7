"""Draft rows, as the residents' and the partners' draft stores keep them.

A draft (``survey.models.Draft``) holds the answers of one respondent
between pages: ``data`` maps question keys to typed answer values,
``page_index`` is the furthest page reached, and ``revision`` (SQLAlchemy's
version counter) makes a save that raced another one fail with
``StaleDataError`` instead of overwriting it. An unsent draft expires
``DRAFT_LIFETIME_DAYS`` after its last save.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from flask import current_app

from survey.definitions.definition import PageDef
from survey.models import Draft
from survey.models.base import utcnow


def lifetime() -> timedelta:
    """How long an unsent draft is kept after its last save (days, from
    the ``DRAFT_LIFETIME_DAYS`` setting)."""
    return timedelta(days=int(current_app.config["DRAFT_LIFETIME_DAYS"]))


def is_expired(draft: Draft, now: datetime | None = None) -> bool:
    return draft.expires_at <= (now or utcnow())


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
