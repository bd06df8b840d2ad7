"""Completion times are kept as counts per duration band: a duration falls
in the band of its lower bound, and the median is read back from the
counts by interpolation within its band."""

from __future__ import annotations

from datetime import timedelta

from survey.answering.timing import BANDS, band_of, median_minutes


def test_a_duration_falls_in_the_band_of_its_lower_bound() -> None:
    assert band_of(timedelta(seconds=30)) == 0
    assert band_of(timedelta(minutes=7, seconds=30)) == 7
    assert band_of(timedelta(minutes=12)) == 12
    assert band_of(timedelta(minutes=14, seconds=59)) == 12
    assert band_of(timedelta(days=3)) == BANDS[-1] == 120
    assert band_of(timedelta(minutes=-5)) == 0  # a clock set back


def test_the_median_is_interpolated_within_its_band() -> None:
    assert median_minutes({}) is None
    # One response in 10-12: half of it lies at 11.
    assert median_minutes({10: 1}) == 11.0
    # 10 responses: 4 in 5-6, 6 in 8-9: the 5th lies 1/6 into 8-9.
    assert abs(median_minutes({5: 4, 8: 6}) - (8 + 1 / 6)) < 1e-9  # type: ignore[operator]
    # 4 responses in 7, 12, 30 and 120+: the middle ends the 12-15 band.
    assert median_minutes({7: 1, 12: 1, 30: 1, 120: 1}) == 15.0
    # Most took two hours or more: the median is "at least 120".
    assert median_minutes({3: 1, 120: 5}) == 120.0
