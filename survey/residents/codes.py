"""One-time invitation codes for surveys with ``access: invitation``.

A code (``survey.tokens.new_code``, about 55 bits) is printed on a letter;
only its HMAC is stored, with a batch id and no time of use. A code is
checked when a resident types it and consumed at submit (see
``survey.residents.drafts.ResidentDraftStore``), never linked to the response.

``generate_codes`` is shared by the ``codes generate`` command and the
planners' letters; ``write_codes_file`` makes the command all-or-nothing.

A sampled person's code is also kept sealed beside their address
(``seal_code``, AES-256-GCM), so that a reminder can print it again; the
seal and the address are purged at the end of fieldwork.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import io
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from flask import current_app
from sqlalchemy import delete, insert, select, update

from survey.extensions import DbSession
from survey.models import InvitationCode, Survey
from survey.models.base import utcnow
from survey.privacy.spreadsheets import csv_writer
from survey.tokens import new_code, normalise_code, token_hash

PURPOSE = "invitation"
MAX_BATCH = 100_000


class CodesRefused(Exception):
    """Codes cannot be made for this survey; the message says why."""


@dataclass
class CodeBatch:
    """New invitation codes in plain text, under their batch id: they exist
    only here (the database keeps their hashes), so they go straight into
    the letters."""

    batch: str
    codes: list[str]


def code_hash(typed: str) -> str:
    """The stored hash of an invitation code as typed (case, spaces and
    dashes do not matter)."""
    return token_hash(normalise_code(typed), PURPOSE)


def new_batch_id() -> str:
    """A batch id: today's UTC date and 6 random hex digits (``20260315-a1b2c3``)."""
    return f"{utcnow():%Y%m%d}-{secrets.token_hex(3)}"


def generate_codes(
    session: DbSession, survey: Survey, count: int, batch: str | None = None
) -> CodeBatch:
    """Make ``count`` new codes for ``survey`` and store their hashes under
    one batch id. Raises ``CodesRefused``. Flushes; the caller commits."""
    if survey.access != "invitation":
        raise CodesRefused(
            f"survey {survey.key} has access {survey.access}: "
            "codes are only for surveys with access invitation"
        )
    if not 1 <= count <= MAX_BATCH:
        raise CodesRefused(f"count must be between 1 and {MAX_BATCH}, not {count}")
    batch = batch or new_batch_id()
    if len(batch) > 32:
        raise CodesRefused("the batch name is longer than 32 characters")
    codes: dict[str, str] = {}
    while len(codes) < count:
        code = new_code()
        codes.setdefault(code_hash(code), code)
    existing = set(
        session.scalars(select(InvitationCode.code_hash).where(InvitationCode.code_hash.in_(codes)))
    )
    for digest in existing:  # about 2**-55 per pair; replace rather than fail
        del codes[digest]
        while True:
            code = new_code()
            if code_hash(code) not in codes:
                codes[code_hash(code)] = code
                break
    session.execute(
        insert(InvitationCode),
        [
            {"survey_id": survey.id, "code_hash": digest, "batch": batch, "used": False}
            for digest in codes
        ],
    )
    session.flush()
    return CodeBatch(batch=batch, codes=list(codes.values()))


def delete_batch(session: DbSession, survey: Survey, batch: str) -> None:
    """Remove a batch's codes (used when its file could not be written)."""
    session.execute(
        delete(InvitationCode).where(
            InvitationCode.survey_id == survey.id, InvitationCode.batch == batch
        )
    )


def code_ids(session: DbSession, survey: Survey, batch: str) -> dict[str, int]:
    """The id of each code of a batch, by its hash."""
    return {
        digest: int(code_id)
        for digest, code_id in session.execute(
            select(InvitationCode.code_hash, InvitationCode.id).where(
                InvitationCode.survey_id == survey.id, InvitationCode.batch == batch
            )
        ).all()
    }


# Sealed codes: "g1." and the URL-safe base64 of a 96-bit nonce followed by
# the AES-256-GCM ciphertext and its 128-bit tag. Sealed values written by the
# HMAC counter-mode cipher used before (no prefix) were resealed by migration
# 20261205_fd02.
SEAL_PREFIX = "g1."
SEAL_NONCE_BYTES = 12
# What fits ``SampleMember.sealed_code`` (80 characters): the prefix and the
# base64 of nonce, code and 16-byte tag. Codes have 14 (with dashes).
MAX_SEALED_CODE = 24
# Binds a sealed value to its use: it opens as a sample member's code only.
SEAL_CONTEXT = b"zvp-survey sample member code"


def _seal_key() -> AESGCM:
    """AES-256-GCM keyed by the app's secret, through HMAC-SHA256 with a
    label of its own, so the key seals nothing else and the secret itself
    never keys a cipher."""
    secret = str(current_app.config["SECRET_KEY"]).encode("utf-8")
    return AESGCM(hmac.new(secret, b"seal:code:aes-256-gcm", hashlib.sha256).digest())


def seal_code(code: str) -> str:
    """``code`` encrypted for storage beside an address, so that a copy of
    the database alone does not give the codes: AES-256-GCM (authenticated:
    a changed value fails to open rather than print a wrong code) with a
    random 96-bit nonce per seal.

    Randomised, not deterministic (AES-SIV): nothing looks a code up by its
    sealed value (codes are found by their HMAC, ``code_hash``), so equal
    codes need not seal equally, and random nonces stay far below GCM's
    limit of 2**32 seals per key (a sample is at most 100,000 members)."""
    data = code.encode("ascii")
    if len(data) > MAX_SEALED_CODE:
        raise ValueError(f"a code has at most {MAX_SEALED_CODE} characters")
    nonce = secrets.token_bytes(SEAL_NONCE_BYTES)
    sealed = _seal_key().encrypt(nonce, data, SEAL_CONTEXT)
    return SEAL_PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode("ascii")


def open_sealed(sealed: str) -> str:
    """The code ``seal_code`` sealed. Raises ``ValueError`` for a value that
    is not a sealed code, or that was changed or sealed under another
    secret key."""
    if not sealed.startswith(SEAL_PREFIX):
        raise ValueError("not a sealed code")
    raw = base64.urlsafe_b64decode(sealed[len(SEAL_PREFIX) :].encode("ascii"))
    nonce, data = raw[:SEAL_NONCE_BYTES], raw[SEAL_NONCE_BYTES:]
    try:
        return _seal_key().decrypt(nonce, data, SEAL_CONTEXT).decode("ascii")
    except InvalidTag as exc:
        raise ValueError("the sealed code does not open under this secret key") from exc


def find_code(session: DbSession, survey: Survey, typed: str) -> InvitationCode | None:
    """The stored code a resident typed (used or not), or None."""
    normalised = normalise_code(typed or "")
    if not 8 <= len(normalised) <= 20:
        return None
    return session.scalar(
        select(InvitationCode).where(
            InvitationCode.survey_id == survey.id,
            InvitationCode.code_hash == token_hash(normalised, PURPOSE),
        )
    )


def consume_code(session: DbSession, code_id: int) -> bool:
    """Mark an invitation code used, only if it was unused (a guarded
    UPDATE: of two submits with one code, one wins). True on success."""
    result = session.execute(
        update(InvitationCode)
        .where(InvitationCode.id == code_id, InvitationCode.used.is_(False))
        .values(used=True)
        .execution_options(synchronize_session=False)
    )
    return getattr(result, "rowcount", 0) == 1


def codes_csv(codes: list[str], link_for: Callable[[str], str]) -> bytes:
    """The file handed to the printer: ``code,link`` per code."""
    buffer = io.StringIO()
    writer = csv_writer(buffer, lineterminator="\n")
    writer.writerow(["code", "link"])
    for code in codes:
        writer.writerow([code, link_for(code)])
    return buffer.getvalue().encode("utf-8")


def write_codes_file(
    session: DbSession,
    survey: Survey,
    count: int,
    out: Path,
    link_for: Callable[[str], str],
    batch: str | None = None,
) -> CodeBatch:
    """Generate codes and write them to ``out``, all or nothing: the file is
    written to a temporary name first, then the codes are committed, then
    the file is renamed into place. If any step fails, no code stays stored
    and no file is left. Raises ``CodesRefused`` or ``OSError``; commits."""
    result = generate_codes(session, survey, count, batch)
    tmp = out.with_name(f".{out.name}.{secrets.token_hex(4)}.tmp")
    try:
        with open(tmp, "xb") as handle:
            handle.write(codes_csv(result.codes, link_for))
            handle.flush()
            os.fsync(handle.fileno())
    except OSError:
        session.rollback()
        tmp.unlink(missing_ok=True)
        raise
    try:
        session.commit()
    except Exception:
        session.rollback()
        tmp.unlink(missing_ok=True)
        raise
    try:
        tmp.replace(out)
    except OSError:
        tmp.unlink(missing_ok=True)
        delete_batch(session, survey, result.batch)
        session.commit()
        raise
    return result
