"""One-time invitation codes for surveys with ``access: invitation``.

A code (``survey.tokens.new_code``, about 55 bits) is printed on a letter;
only its HMAC is stored, with a batch id and no time of use. A code is
checked when a resident types it and consumed at submit (see
``survey.residents.drafts.ResidentDraftStore``), never linked to the response.

``generate_codes`` is shared by the ``codes generate`` command and the
planners' letters; ``write_codes_file`` makes the command all-or-nothing.
"""

from __future__ import annotations

import io
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

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
    batch: str
    codes: list[str]


def code_hash(typed: str) -> str:
    return token_hash(normalise_code(typed), PURPOSE)


def new_batch_id() -> str:
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
