"""Completion times of web responses, kept as a histogram apart from them.

A draft is cut to its day at submit, so no response can be timed; yet the
fieldwork page wants the median time residents take. At submit the draft's
duration (from its start to the submit, in minutes) adds one to the count
of its band in ``CompletionTimes``: a row per survey and band, with no
response, draft or time of day. ``median_minutes`` reads the median back
from those counts.

Bands are lower bounds in whole minutes (``BANDS``): 0-1, 1-2, ... up to
"120 and more". They are finer where most residents finish (a questionnaire
of about ten minutes) and coarse beyond, where a resident came back another
day and the exact time says nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from survey.extensions import DbSession
from survey.models import CompletionTimes
from survey.models.base import random_id

BANDS: tuple[int, ...] = (0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 15, 20, 25, 30, 45, 60, 120)
"""Lower bounds of the duration bands, in minutes; the last is open."""


def band_of(duration: timedelta) -> int:
    """The band (its lower bound in minutes) a duration falls in; a
    negative duration (a clock set back) counts as 0."""
    minutes = max(duration.total_seconds(), 0.0) / 60
    band = BANDS[0]
    for lower in BANDS:
        if minutes < lower:
            break
        band = lower
    return band


def record_completion(session: DbSession, survey_id: int, duration: timedelta) -> None:
    """Count one completed response of ``survey_id`` that took ``duration``
    in its band. Part of the submit's transaction: one INSERT ... ON
    CONFLICT DO UPDATE (SQLite and PostgreSQL), so the band's first
    response makes its row and two submits at once both count, without a
    savepoint."""
    band = band_of(duration)
    upsert = sqlite_insert if session.get_bind().dialect.name == "sqlite" else pg_insert
    statement = upsert(CompletionTimes).values(
        id=random_id(), survey_id=survey_id, band=band, count=1
    )
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["survey_id", "band"],
            set_={"count": CompletionTimes.count + 1},
        )
    )


def median_minutes(counts: Mapping[int, int]) -> float | None:
    """The median completion time in minutes from band counts (band lower
    bound -> responses), by linear interpolation within the band that holds
    the middle response (the grouped-data median); None without responses.
    When the middle falls in the open last band the median is that band's
    lower bound (at least that long)."""
    total = sum(counts.values())
    if total <= 0:
        return None
    half = total / 2
    below = 0
    for i, lower in enumerate(BANDS):
        n = counts.get(lower, 0)
        if n and below + n >= half:
            if i + 1 == len(BANDS):
                return float(lower)
            width = BANDS[i + 1] - lower
            return lower + width * (half - below) / n
        below += n
    return float(BANDS[-1])
