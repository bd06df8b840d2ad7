"""Helpers shared by the model modules."""

from __future__ import annotations

import secrets
from datetime import UTC, date, datetime, time


def utcnow() -> datetime:
    """Naive UTC now: every engine stores it the same way."""
    return datetime.now(UTC).replace(tzinfo=None)


def today() -> date:
    """Today's date in UTC (retention dates and purges compare with it)."""
    return utcnow().date()


def start_of_day(moment: datetime) -> datetime:
    """Midnight of the day of ``moment``: a time that dates without ordering."""
    return datetime.combine(moment.date(), time())


def random_id() -> int:
    """A random primary key for a 32-bit INTEGER column (1 .. 2**31 - 1).

    The rows of a response (the response, its free texts, its cell, the
    draft it came from) get random keys instead of a sequence, so that no
    key orders responses by the time they were sent. A clash with a stored
    key (one in 2**31 / rows) fails that insert on the unique key: the
    resident sends again, as after any concurrent change."""
    return secrets.randbelow(2**31 - 1) + 1


def random_big_id() -> int:
    """A random primary key for a 64-bit BIGINT column (1 .. 2**62)."""
    return secrets.randbelow(2**62) + 1
