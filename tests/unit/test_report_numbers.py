"""Numbers in the report are written the Belgian way of the language the
report is written in: a French reader of the annex reads 1 500 (a narrow
no-break space), not the Dutch 1.500, and the same decimal comma."""

from __future__ import annotations

from flask import Flask
from flask_babel import force_locale

from survey.reporting import numbers


def test_a_french_report_writes_thousands_the_french_way(app: Flask) -> None:
    with app.test_request_context("/"):
        with force_locale("nl"):
            dutch = (numbers.integer(1500), numbers.pct(1234.5), numbers.whole(12.6))
        with force_locale("fr"):
            french = (numbers.integer(1500), numbers.pct(1234.5), numbers.whole(12.6))
    assert dutch == ("1.500", "1.234,5 %", "13 %")
    assert french == ("1\u202f500", "1\u202f234,5 %", "13 %")


def test_outside_a_request_numbers_are_dutch() -> None:
    assert numbers.integer(1500) == "1.500"
    assert numbers.ci_text([7.594, 10.5]) == "7,59 - 10,50"
