"""Drafts: a resident's answers kept on the server between pages.

A draft is reached with one of two secrets, both stored only as an HMAC
(``survey.tokens.token_hash``): a long token in the resume link, and a short
resume code a resident can write down. The code is derived from the token
(an HMAC of it), so whoever comes back with the link is shown the same code
again; whoever comes back with the code is shown only the code (the link
cannot be recovered from it, and is not replaced, so a saved link keeps
working). The plain secrets live only in the resident's session cookie.

A draft expires ``DRAFT_LIFETIME_DAYS`` after its last save; an expired
draft is refused. ``Draft.data`` maps question keys to typed answer values
(see ``survey.definitions.question_types.base``).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import ColumnElement, Select, and_, bindparam, select
from sqlalchemy.orm import defer

from survey.extensions import DbSession, begin_writes
from survey.models import Draft, ResponseMode, Survey
from survey.models.base import utcnow
from survey.tokens import CODE_ALPHABET, new_url_token, normalise_code, token_hash

# Purposes of token_hash (not secrets): a resume token is no partner link.
TOKEN_PURPOSE = "resume-link"  # noqa: S105
CODE_PURPOSE = "resume-code"
RESUME_CODE_LENGTH = 8  # 25**8: about 37 bits, and the entry form is rate-limited


@dataclass
class Credentials:
    """The secrets of a draft that this browser knows (plain text)."""

    token: str | None = None
    code: str | None = None

    def as_cookie(self) -> dict[str, str]:
        return {k: v for k, v in (("t", self.token), ("c", self.code)) if v}

    @classmethod
    def from_cookie(cls, raw: Any) -> Credentials:
        if not isinstance(raw, dict):
            return cls()
        token, code = raw.get("t"), raw.get("c")
        return cls(
            token=token if isinstance(token, str) else None,
            code=code if isinstance(code, str) else None,
        )


def resume_code_for(token: str) -> str:
    """The short code of a resume token, such as ``KM7Q-XA3T`` (same
    alphabet as invitation codes): 8 letters taken from an HMAC of it."""
    number = int(token_hash(token, "resume-code-of"), 16)
    chars = []
    for _ in range(RESUME_CODE_LENGTH):
        number, index = divmod(number, len(CODE_ALPHABET))
        chars.append(CODE_ALPHABET[index])
    return "".join(chars[:4]) + "-" + "".join(chars[4:])


def _new_secrets(session: DbSession) -> tuple[str, str, str]:
    """A fresh token, its code and the code's hash, unused by any draft
    (two tokens may share a 37-bit code; then draw again)."""
    while True:
        token = new_url_token()
        code_digest = token_hash(normalise_code(resume_code_for(token)), CODE_PURPOSE)
        taken = session.scalar(select(Draft.id).where(Draft.resume_code_hash == code_digest))
        if taken is None:
            return token, resume_code_for(token), code_digest


def lifetime() -> timedelta:
    return timedelta(days=int(current_app.config["DRAFT_LIFETIME_DAYS"]))


def is_expired(draft: Draft, now: datetime | None = None) -> bool:
    return draft.expires_at <= (now or utcnow())


def create_draft(
    session: DbSession,
    survey: Survey,
    *,
    language: str,
    invitation_code_id: int | None = None,
) -> tuple[Draft, Credentials]:
    """A new, empty draft and its two secrets. Flushes."""
    begin_writes(session)  # before the uniqueness check of the new code
    token, code, code_digest = _new_secrets(session)
    credentials = Credentials(token=token, code=code)
    now = utcnow()
    draft = Draft(
        token_hash=token_hash(token, TOKEN_PURPOSE),
        resume_code_hash=code_digest,
        survey_id=survey.id,
        data={},
        language=language,
        page_index=0,
        invitation_code_id=invitation_code_id,
        submission_key=secrets.token_hex(16),
        mode=ResponseMode.WEB,
        created_at=now,
        updated_at=now,
        expires_at=now + lifetime(),
    )
    session.add(draft)
    session.flush()
    return draft, credentials


def _held_by(column: Any, survey_id: Any) -> ColumnElement[bool]:
    """A resident's draft of ``survey_id`` whose secret ``column`` has the
    hash ``:digest`` (partners' drafts are reached through their links)."""
    return and_(
        Draft.survey_id == survey_id,
        Draft.partner_link_id.is_(None),
        column == bindparam("digest"),
    )


def _by_secret(column: Any) -> Select[Draft]:
    return select(Draft).where(_held_by(column, bindparam("survey_id")))


# Built once (every resident request looks a draft up), so SQLAlchemy reuses
# their cache keys.
_BY_TOKEN = _by_secret(Draft.token_hash)
_BY_CODE = _by_secret(Draft.resume_code_hash)


# The survey ``key`` (without its definition column, decoded once per
# version by ``definition_of``) and, in the same statement, the draft of a
# resume token: every answer page needs both.
_SURVEY_AND_DRAFT = (
    select(Survey, Draft)
    .outerjoin(Draft, _held_by(Draft.token_hash, Survey.id))
    .where(Survey.key == bindparam("key"))
    .options(defer(Survey.definition))
)


def find_survey_and_draft(
    session: DbSession, key: str, token: str
) -> tuple[Survey | None, Draft | None]:
    """The survey ``key`` and the draft of resume ``token`` in it (what
    ``find_by_token`` finds), in one statement instead of two."""
    if not token or len(token) > 100:
        raise ValueError("not a resume token")
    row = session.execute(
        _SURVEY_AND_DRAFT, {"key": key, "digest": token_hash(token, TOKEN_PURPOSE)}
    ).first()
    return (row[0], row[1]) if row is not None else (None, None)


def find_by_token(session: DbSession, survey: Survey, token: str) -> Draft | None:
    if not token or len(token) > 100:
        return None
    return session.scalar(
        _BY_TOKEN, {"survey_id": survey.id, "digest": token_hash(token, TOKEN_PURPOSE)}
    )


def find_by_code(session: DbSession, survey: Survey, typed: str) -> Draft | None:
    code = normalise_code(typed or "")
    if len(code) != RESUME_CODE_LENGTH:
        return None
    return session.scalar(
        _BY_CODE, {"survey_id": survey.id, "digest": token_hash(code, CODE_PURPOSE)}
    )


def find_draft(session: DbSession, survey: Survey, credentials: Credentials) -> Draft | None:
    """The draft this browser holds, by token first, else by resume code."""
    if credentials.token:
        draft = find_by_token(session, survey, credentials.token)
        if draft is not None:
            return draft
    if credentials.code:
        return find_by_code(session, survey, credentials.code)
    return None


def find_open_draft_for_code(
    session: DbSession, survey: Survey, invitation_code_id: int
) -> Draft | None:
    """An unsent, unexpired draft started earlier with this invitation code:
    typing the letter's code again continues it instead of starting over."""
    return session.scalar(
        select(Draft)
        .where(
            Draft.survey_id == survey.id,
            Draft.invitation_code_id == invitation_code_id,
            Draft.submitted.is_(False),
            Draft.expires_at > utcnow(),
        )
        .order_by(Draft.updated_at.desc())
        .limit(1)
    )


def complete_credentials(session: DbSession, draft: Draft, credentials: Credentials) -> Credentials:
    """What this browser can be shown: with the token, the link and its
    code; with only the code, the code. With neither (the letter's code was
    typed again on another device), new secrets replace the old ones.
    Flushes when secrets are replaced."""
    if credentials.token:
        return Credentials(token=credentials.token, code=resume_code_for(credentials.token))
    if credentials.code:
        return Credentials(code=credentials.code)
    begin_writes(session)
    token, code, code_digest = _new_secrets(session)
    draft.token_hash = token_hash(token, TOKEN_PURPOSE)
    draft.resume_code_hash = code_digest
    session.flush()
    return Credentials(token=token, code=code)


def save_page(
    session: DbSession,
    draft: Draft,
    *,
    page_keys: list[str],
    page_values: dict[str, Any],
    reached: int,
    language: str,
) -> None:
    """Replace the answers of one page (``page_keys`` are all its questions;
    ``page_values`` the answers of those shown) and move the furthest page
    reached on. Extends the expiry date. Flushes: StaleDataError when the
    draft was saved meanwhile (its revision changed since it was read)."""
    begin_writes(session)
    data = {k: v for k, v in (draft.data or {}).items() if k not in page_keys}
    data.update(page_values)
    draft.data = data  # a new dict: JSON columns do not track changes in place
    draft.page_index = max(draft.page_index, reached)
    draft.language = language
    now = utcnow()
    draft.updated_at = now
    draft.expires_at = now + lifetime()
    session.flush()
