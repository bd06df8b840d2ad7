"""The draft's expiry date on every page (``views.long_date``): memoised
per day and language, and still the date Flask-Babel's ``format_date``
gives, in the app's time zone (a UTC time late in the evening is the next
day in Brussels)."""

from __future__ import annotations

from datetime import datetime

import pytest
from flask import Flask, g


@pytest.mark.parametrize("language", ["nl", "fr"])
def test_expiry_date_reads_as_flask_babel_writes_it(app: Flask, language: str) -> None:
    from flask_babel import format_date

    from survey.answering.rendering import long_date

    moments = [datetime(2026, 12, 31, 23, 30), datetime(2026, 6, 30, 22, 30), datetime(2026, 1, 5)]
    with app.test_request_context("/"):
        g.language = language
        for moment in moments:
            assert long_date(moment) == format_date(moment, "long")
        assert long_date(moments[0]).startswith("1 jan")  # the next day in Brussels
