"""Drafts: a resident's answers kept on the server between pages, and the
resident's store of the answering journey (``ResidentDraftStore``).

A draft is reached with one of two secrets, both stored only as an HMAC
(``survey.tokens.token_hash``): a long token in the resume link, and a
resume code of 12 letters a resident can write down. The code is derived from the token
(an HMAC of it), so whoever comes back with the link is shown the same code
again; whoever comes back with the code is shown only the code (the link
cannot be recovered from it, and is not replaced, so a saved link keeps
working). The plain secrets live only in the resident's session cookie.

A draft expires ``DRAFT_LIFETIME_DAYS`` after its last save; an expired
draft is refused (``survey.answering.drafts``). Pages are answered in order:
``Draft.page_index`` is the furthest page reached.

The final submit is one transaction (the caller commits once): every answer
is checked again (``Journey.submit``), the invitation code is consumed with
a guarded UPDATE, the response is written with the draft's
``submission_key`` (unique, so a replay can never store a second response),
and the draft is emptied and unlinked from its code and from the response (a
fresh submission key) with an UPDATE guarded by its revision; its times are
cut to the day. A replayed or double submit finds the draft already
submitted (``already``), or, when both ran at the same moment, fails on the
unique key or the revision
(``ChangedMeanwhile``): the caller rolls back.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from survey.answering.drafts import new_draft, write_page
from survey.answering.journey import Journey
from survey.answering.stores import ChangedMeanwhile
from survey.answering.timing import record_completion
from survey.definitions.definition import PageDef, QuestionDef, definition_of
from survey.extensions import DbSession
from survey.models import Draft, ResponseMode, Survey
from survey.models.base import start_of_day, utcnow
from survey.residents.codes import consume_code
from survey.responses.storage import ResponseWriter
from survey.tokens import CODE_ALPHABET, new_url_token, normalise_code, token_hash

# Purposes of token_hash (not secrets): a resume token is no partner link.
TOKEN_PURPOSE = "resume-link"  # noqa: S105
CODE_PURPOSE = "resume-code"
# 25**12, about 55.7 bits: guessing stays impractical from 10**4 addresses at
# once (SECURITY.md has the arithmetic); the entry form is rate-limited too.
RESUME_CODE_LENGTH = 12
# Drafts started before codes had 12 letters were stored under an 8-letter
# code, the first 8 letters of the code their link now shows: they can still
# be resumed with either until they expire (``find_by_code``).
LEGACY_RESUME_CODE_LENGTH = 8


@dataclass
class Credentials:
    """The secrets of a draft that this browser knows (plain text)."""

    token: str | None = None
    code: str | None = None

    def as_cookie(self) -> dict[str, str]:
        """The secrets as the signed session keeps them (``t``, ``c``; none
        left empty)."""
        return {k: v for k, v in (("t", self.token), ("c", self.code)) if v}

    @classmethod
    def from_cookie(cls, raw: Any) -> Credentials:
        """The secrets from the session; anything not a string is dropped."""
        if not isinstance(raw, dict):
            return cls()
        token, code = raw.get("t"), raw.get("c")
        return cls(
            token=token if isinstance(token, str) else None,
            code=code if isinstance(code, str) else None,
        )


def resume_code_for(token: str) -> str:
    """The resume code of a token, such as ``KM7Q-XA3T-HW9D`` (same
    alphabet and shape as invitation codes): 12 letters taken from an HMAC
    of it. Its first 8 letters are the code drafts had before."""
    number = int(token_hash(token, "resume-code-of"), 16)
    chars = []
    for _ in range(RESUME_CODE_LENGTH):
        number, index = divmod(number, len(CODE_ALPHABET))
        chars.append(CODE_ALPHABET[index])
    return "-".join("".join(chars[i : i + 4]) for i in range(0, RESUME_CODE_LENGTH, 4))


def _new_secrets(session: DbSession) -> tuple[str, str, str]:
    """A fresh token, its code and the code's hash, unused by any draft
    (two tokens may share a code, about 2**-55 per pair; then draw again)."""
    while True:
        token = new_url_token()
        code_digest = token_hash(normalise_code(resume_code_for(token)), CODE_PURPOSE)
        taken = session.scalar(select(Draft.id).where(Draft.resume_code_hash == code_digest))
        if taken is None:
            return token, resume_code_for(token), code_digest


def create_draft(
    session: DbSession,
    survey: Survey,
    *,
    language: str,
    invitation_code_id: int | None = None,
) -> tuple[Draft, Credentials]:
    """A new, empty draft and its two secrets. Flushes."""
    token, code, code_digest = _new_secrets(session)
    draft = new_draft(
        session,
        survey_id=survey.id,
        token_hash=token_hash(token, TOKEN_PURPOSE),
        resume_code_hash=code_digest,
        language=language,
        invitation_code_id=invitation_code_id,
    )
    credentials = Credentials(token=token, code=code)
    return draft, credentials


def _held_by(session: DbSession, survey: Survey, column: Any, digest: str) -> Draft | None:
    """The resident's draft of ``survey`` whose secret ``column`` has the
    hash ``digest`` (partners' drafts are reached through their links)."""
    return session.scalar(
        select(Draft).where(
            Draft.survey_id == survey.id, Draft.partner_link_id.is_(None), column == digest
        )
    )


def find_by_token(session: DbSession, survey: Survey, token: str) -> Draft | None:
    """The survey's draft of a resume token, looked up by its hash only
    (None for an unknown, empty or over-long token)."""
    if not token or len(token) > 100:
        return None
    return _held_by(session, survey, Draft.token_hash, token_hash(token, TOKEN_PURPOSE))


def find_by_code(session: DbSession, survey: Survey, typed: str) -> Draft | None:
    """The draft of a typed resume code: 12 letters, or the 8 of a draft
    started before codes had 12 (its holder may type the 12 its link shows
    now, or the 8 written down then). An 8-letter guess can only reach such
    old drafts, and they are gone once expired or purged."""
    code = normalise_code(typed or "")
    if len(code) == RESUME_CODE_LENGTH:
        draft = _held_by(session, survey, Draft.resume_code_hash, token_hash(code, CODE_PURPOSE))
        if draft is not None:
            return draft
        code = code[:LEGACY_RESUME_CODE_LENGTH]
    if len(code) != LEGACY_RESUME_CODE_LENGTH:
        return None
    return _held_by(session, survey, Draft.resume_code_hash, token_hash(code, CODE_PURPOSE))


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
    token, code, code_digest = _new_secrets(session)
    draft.token_hash = token_hash(token, TOKEN_PURPOSE)
    draft.resume_code_hash = code_digest
    session.flush()
    return Credentials(token=token, code=code)


class ResidentDraftStore:
    """The resident's draft as a store of the answering journey
    (``survey.answering.stores.DraftStore``): pages in order, saved and
    sent under the draft's revision. Reads nothing itself: the routes find
    the draft before the store is made."""

    def __init__(self, session: DbSession, survey: Survey, draft: Draft) -> None:
        if draft.survey_id != survey.id:
            raise ValueError("the draft belongs to another survey")
        self.session = session
        self.survey = survey
        self.draft = draft

    @property
    def values(self) -> Mapping[str, Any]:
        """The draft's answers."""
        return self.draft.data or {}

    @property
    def reached(self) -> int:
        """The furthest page index the resident has reached: pages after it
        cannot be visited yet."""
        return self.draft.page_index

    @property
    def order_seed(self) -> int:
        """The draft's id: random (``random_id``), so two residents get
        unrelated orders, and the same on every reload and device of the
        draft. It is never stored with the response."""
        return self.draft.id

    def save_page(
        self, page: PageDef, page_values: dict[str, Any], *, reached: int, language: str
    ) -> None:
        """Replace the page's answers in the draft; ``ChangedMeanwhile`` when
        another window saved or sent it since it was read."""
        write_page(self.draft, page, page_values, reached=reached, language=language)
        try:
            self.session.flush()
        except StaleDataError as exc:  # saved meanwhile from another window
            raise ChangedMeanwhile() from exc

    def prepare_submit(self) -> str | None:
        """``already`` when the draft was sent, else None; the draft as read
        in this transaction, whose revision guards the write."""
        return "already" if self.draft.submitted else None

    def store_response(self, shown: list[QuestionDef], kept: Mapping[str, Any]) -> str:
        """Write the anonymous response and consume the draft's invitation
        code (``code_used`` when it was used meanwhile); the draft is emptied
        and gets a new submission key, so nothing links it to the response.
        ``ChangedMeanwhile`` when another window sent or saved it."""
        draft = self.draft
        if draft.invitation_code_id is not None and not consume_code(
            self.session, draft.invitation_code_id
        ):
            return "code_used"
        try:
            ResponseWriter(self.session, self.survey).insert(
                shown,
                kept,
                mode=ResponseMode.WEB,
                language=draft.language,
                submission_key=draft.submission_key,
            )
            # Counted before the times are cut: only the band of the
            # duration is kept, in a table that knows no response.
            record_completion(self.session, self.survey.id, utcnow() - draft.created_at)
            draft.submitted = True
            draft.data = {}
            draft.invitation_code_id = None
            # A tombstone: a new random key (not the response's), and no
            # time finer than the day, so neither its key nor its times
            # order or time the response it became. A replay is still
            # refused: the draft is marked submitted under its revision.
            draft.submission_key = secrets.token_hex(16)
            draft.created_at = start_of_day(draft.created_at)
            draft.updated_at = start_of_day(utcnow())
            draft.expires_at = start_of_day(draft.expires_at)
            self.session.flush()
        except (IntegrityError, StaleDataError) as exc:
            # Sent (or saved) by a concurrent request from another window.
            raise ChangedMeanwhile() from exc
        return "stored"


def journey_of(
    session: DbSession, survey: Survey, draft: Draft, language: str
) -> Journey[ResidentDraftStore]:
    """The answering journey of a resident's draft, in ``language``."""
    return Journey(definition_of(survey), ResidentDraftStore(session, survey, draft), language)
