"""The codes printed on a sample's letters are kept beside the addresses
sealed with AES-256-GCM: they open again for a reminder, a changed or
foreign value does not open, and codes sealed by the cipher used before
are resealed by migration 20261205_fd02 so that reminders print them as
before."""

from __future__ import annotations

import base64
import hashlib
import hmac
import importlib.util
import secrets
from types import ModuleType

import pytest
from flask import Flask
from support import ROOT

from survey.residents.codes import open_sealed, seal_code
from survey.tokens import new_code

MIGRATION = ROOT / "migrations" / "versions" / "20261205_fd02_reseal_codes_aes_gcm.py"


def _migration() -> ModuleType:
    spec = importlib.util.spec_from_file_location("reseal_fd02", MIGRATION)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _old_seal(secret: str, code: str) -> str:
    """The HMAC counter-mode seal of the code before this revision, written
    out from its description (key stream: HMAC-SHA256 of the nonce under a
    key derived from the secret)."""
    key = hmac.new(secret.encode(), b"seal:code", hashlib.sha256).digest()
    nonce = secrets.token_bytes(12)
    stream = hmac.new(key, nonce, hashlib.sha256).digest()
    sealed = bytes(a ^ b for a, b in zip(code.encode(), stream, strict=False))
    return base64.urlsafe_b64encode(nonce + sealed).decode()


def test_a_sealed_code_opens_again_and_only_unchanged_under_its_key(app: Flask) -> None:
    code = new_code()
    with app.app_context():
        first, second = seal_code(code), seal_code(code)
        assert first.startswith("g1.") and len(first) <= 80
        assert first != second  # a random nonce per seal
        assert code not in first and code.replace("-", "") not in first
        assert open_sealed(first) == open_sealed(second) == code
        raw = bytearray(base64.urlsafe_b64decode(first[3:]))
        raw[15] ^= 1
        with pytest.raises(ValueError):
            open_sealed("g1." + base64.urlsafe_b64encode(bytes(raw)).decode())
        with pytest.raises(ValueError):
            open_sealed(first[3:])  # not in the sealed form
    other = Flask("other")
    other.config["SECRET_KEY"] = "another-secret-key"
    with other.app_context(), pytest.raises(ValueError):
        open_sealed(first)


def test_codes_sealed_by_the_old_cipher_are_resealed_and_print_the_same(app: Flask) -> None:
    migration = _migration()
    code = new_code()
    with app.app_context():
        old = _old_seal(str(app.config["SECRET_KEY"]), code)
        assert migration._open_old(old) == code.encode()
        resealed = migration._seal_new(migration._open_old(old))
        assert resealed.startswith("g1.")
        assert open_sealed(resealed) == code
        # And back down: the old cipher opens what the downgrade writes.
        assert migration._open_old(migration._seal_old(migration._open_new(resealed))) == (
            code.encode()
        )
