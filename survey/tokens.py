"""Secrets handed to people (invitation codes, resume tokens, partner links)
and how they are stored: only an HMAC-SHA256 keyed with the app's secret,
so a copy of the database alone cannot be used to test guesses."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from flask import current_app

# No 0/O, 1/I/L, 5/S, 2/Z, 8/B: codes are read off paper and typed on phones.
CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"


def token_hash(token: str, purpose: str) -> str:
    """Hex HMAC of a normalised token; ``purpose`` separates kinds of token
    so a resume token can never be used as a partner link."""
    key = str(current_app.config["SECRET_KEY"]).encode("utf-8")
    message = f"{purpose}:{token}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def new_url_token() -> str:
    """A token for a link: 256 bits, URL-safe."""
    return secrets.token_urlsafe(32)


def new_code(groups: int = 3, group_size: int = 4) -> str:
    """A code to type, e.g. ``K7QM-3TXA-HW9D``: 12 characters from a
    25-letter alphabet, about 55.7 bits."""
    chars = [secrets.choice(CODE_ALPHABET) for _ in range(groups * group_size)]
    return "-".join("".join(chars[i : i + group_size]) for i in range(0, len(chars), group_size))


def normalise_code(typed: str) -> str:
    """What a person typed, reduced to the code's characters: case, spaces
    and dashes do not matter, and look-alikes are folded (O->0 is not in
    the alphabet, so it stays invalid)."""
    return "".join(ch for ch in typed.upper() if ch.isalnum())
