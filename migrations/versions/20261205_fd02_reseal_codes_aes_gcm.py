"""Sealed codes of sample members move from the HMAC counter-mode cipher
written for this project to AES-256-GCM (``cryptography``), see
``survey.residents.codes.seal_code``.

Every stored sealed code (``sample_members.sealed_code``) is opened with the
old cipher and sealed again with the new one, under the same
``SURVEY_SECRET_KEY``: the codes printed on letters stay valid and a
reminder prints the same code. Rows already in the new form ("g1." prefix)
are left as they are, so the upgrade can run twice. Both ciphers are
written out here, not imported, so this revision keeps working when the
application's code moves on.

Downgrade seals them back with the old cipher, which the code before this
revision reads.

Revision ID: 20261205_fd02
Revises: 20261205_fd01 (fieldwork dashboard)
Create Date: 2026-12-05
"""

import base64
import hashlib
import hmac
import secrets

import sqlalchemy as sa
from alembic import op
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from flask import current_app

# revision identifiers, used by Alembic.
revision = "20261205_fd02"
down_revision = "20261205_fd01"
branch_labels = None
depends_on = None

PREFIX = "g1."
CONTEXT = b"zvp-survey sample member code"


def _secret() -> bytes:
    return str(current_app.config["SECRET_KEY"]).encode("utf-8")


def _stream(nonce: bytes) -> bytes:
    key = hmac.new(_secret(), b"seal:code", hashlib.sha256).digest()
    return hmac.new(key, nonce, hashlib.sha256).digest()


def _open_old(sealed: str) -> bytes:
    raw = base64.urlsafe_b64decode(sealed.encode("ascii"))
    nonce, data = raw[:12], raw[12:]
    return bytes(a ^ b for a, b in zip(data, _stream(nonce), strict=False))


def _seal_old(code: bytes) -> str:
    nonce = secrets.token_bytes(12)
    sealed = bytes(a ^ b for a, b in zip(code, _stream(nonce), strict=False))
    return base64.urlsafe_b64encode(nonce + sealed).decode("ascii")


def _aes() -> AESGCM:
    return AESGCM(hmac.new(_secret(), b"seal:code:aes-256-gcm", hashlib.sha256).digest())


def _seal_new(code: bytes) -> str:
    nonce = secrets.token_bytes(12)
    return PREFIX + base64.urlsafe_b64encode(nonce + _aes().encrypt(nonce, code, CONTEXT)).decode(
        "ascii"
    )


def _open_new(sealed: str) -> bytes:
    raw = base64.urlsafe_b64decode(sealed[len(PREFIX) :].encode("ascii"))
    return _aes().decrypt(raw[:12], raw[12:], CONTEXT)


def _reseal(bind, convert, wanted) -> None:
    """Rewrite every sealed code that is not yet ``wanted`` with ``convert``."""
    members = sa.table("sample_members", sa.column("id", sa.Integer), sa.column("sealed_code"))
    rows = bind.execute(sa.select(members.c.id, members.c.sealed_code)).all()
    for member_id, sealed in rows:
        if wanted(sealed):
            continue
        bind.execute(
            members.update().where(members.c.id == member_id).values(sealed_code=convert(sealed))
        )


def upgrade():
    _reseal(
        op.get_bind(),
        lambda sealed: _seal_new(_open_old(sealed)),
        lambda s: s.startswith(PREFIX),
    )


def downgrade():
    _reseal(
        op.get_bind(),
        lambda sealed: _seal_old(_open_new(sealed)),
        lambda s: not s.startswith(PREFIX),
    )
