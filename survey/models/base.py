"""Helpers shared by the model modules."""

from __future__ import annotations

from datetime import UTC, date, datetime


def utcnow() -> datetime:
    """Naive UTC now: every engine stores it the same way."""
    return datetime.now(UTC).replace(tzinfo=None)


def today() -> date:
    """Today's date in UTC (retention dates and purges compare with it)."""
    return utcnow().date()
