"""Oversized integers in the files planners hand the platform: a survey file
(YAML or JSON, uploaded or on the command line) and the indicators and
margins CSV files. Python refuses to turn more than 4300 digits into an int
(a ValueError nobody caught: a 500 on the web, a traceback on the command
line); a number that fits Python but not a database INTEGER would fail at
the INSERT. Each file is refused whole with a Dutch message, nothing is
stored, and the command exits non-zero without a traceback."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from flask import Flask
from formtools import Page
from livehttp import SHORT_SURVEY
from planner_helpers import logged_in, submit_file
from sqlalchemy import func, select

CONSULTATION = "zvp-2026-2031"
HUGE = "9" * 5000
TOO_BIG = "1" + "0" * 15  # 10**15: past the bound, far below Python's limit

# What a planner reads (the Dutch catalog).
TOO_LARGE_NL = "is te groot (een geheel getal heeft hoogstens 15 cijfers)"


def _survey_text(key: str, number: str) -> str:
    return SHORT_SURVEY.format(key=key, access="open").replace("max: 110", f"max: {number}")


def _surveys(app: Flask) -> int:
    from survey.extensions import db
    from survey.models import Survey

    with app.app_context():
        return int(db.session.scalar(select(func.count()).select_from(Survey)) or 0)


@pytest.mark.parametrize("number", [HUGE, TOO_BIG, f"-{HUGE}", "0x" + "f" * 5000])
def test_an_oversized_integer_in_an_uploaded_survey_file_is_refused_in_dutch(
    app: Flask, client: Any, number: str
) -> None:
    logged_in(app, client, "planner")
    page = Page(client.get("/planner/bevragingen/opladen"))
    data = _survey_text("kort-groot", number).encode("utf-8")
    response = submit_file(client, page, data, "kort.yaml")
    assert response.status_code == 422
    text = Page(response).text
    assert "Het bestand kan niet gelezen worden." in text, text
    assert TOO_LARGE_NL in text
    assert "regel 39" in text
    assert HUGE not in text  # the number is shown cut short
    assert _surveys(app) == 0


def test_an_oversized_integer_in_a_json_survey_file_is_refused(app: Flask, client: Any) -> None:
    raw = yaml.safe_load(_survey_text("kort-json", "110"))
    text = json.dumps(raw).replace('"max": 110', f'"max": {HUGE}')
    assert HUGE in text
    logged_in(app, client, "planner")
    page = Page(client.get("/planner/bevragingen/opladen"))
    response = submit_file(client, page, text.encode("utf-8"), "kort.json")
    assert response.status_code == 422
    assert TOO_LARGE_NL in Page(response).text
    assert _surveys(app) == 0


def test_surveys_validate_and_import_refuse_an_oversized_integer(
    app: Flask, runner: Any, tmp_path: Path
) -> None:
    path = tmp_path / "kort.yaml"
    path.write_text(_survey_text("kort-groot", HUGE), encoding="utf-8")
    for command in ("validate", "import"):
        result = runner.invoke(args=["surveys", command, str(path)])
        assert result.exit_code == 1, result.output
        assert TOO_LARGE_NL in result.output
        assert "Traceback" not in result.output
        assert result.exception is None or isinstance(result.exception, SystemExit)
    assert _surveys(app) == 0


def _indicators(app: Flask) -> int:
    from survey.extensions import db
    from survey.models import ObjectiveIndicator

    with app.app_context():
        return int(db.session.scalar(select(func.count()).select_from(ObjectiveIndicator)) or 0)


INDICATORS = (
    "phenomenon,year,value\n"
    "inbraak,2024,412\n"
    f"drugs,{HUGE},1\n"
    f"verkeer,2024,{HUGE}\n"
    "drugs,99999999999,1\n"
    "verkeer,2023,1000000000000\n"
)
INDICATOR_MESSAGES = (
    "Rij 3: het jaar moet een jaar van 1990 tot 2100 zijn.",
    "Rij 4: de waarde moet een getal zijn met hoogstens 12 cijfers voor de komma.",
    "Rij 5: het jaar moet een jaar van 1990 tot 2100 zijn.",
    "Rij 6: de waarde moet een getal zijn met hoogstens 12 cijfers voor de komma.",
)


def test_the_indicators_upload_refuses_oversized_numbers_in_dutch(
    app: Flask, client: Any, resident_survey: str
) -> None:
    logged_in(app, client, "planner")
    url = f"/planner/raadplegingen/{CONSULTATION}/indicatoren"
    response = submit_file(client, Page(client.get(url)), INDICATORS.encode(), "i.csv")
    assert response.status_code == 422
    text = Page(response).text
    for message in INDICATOR_MESSAGES:
        assert message in text, text
    assert HUGE not in text
    assert _indicators(app) == 0


def test_indicators_import_refuses_oversized_numbers_without_a_traceback(
    app: Flask, runner: Any, resident_survey: str, tmp_path: Path
) -> None:
    path = tmp_path / "i.csv"
    path.write_text(INDICATORS, encoding="utf-8")
    result = runner.invoke(args=["indicators", "import", CONSULTATION, str(path)])
    assert result.exit_code == 1, result.output
    for message in INDICATOR_MESSAGES:
        assert message in result.output
    assert "Traceback" not in result.output
    assert _indicators(app) == 0


def test_the_margins_upload_refuses_oversized_numbers_in_dutch(
    app: Flask, client: Any, resident_survey: str
) -> None:
    logged_in(app, client, "planner")
    url = f"/planner/raadplegingen/{CONSULTATION}/marges"
    data = (
        "dimension,code,population\n"
        "district,1,1200\n"
        f"district,{HUGE},5\n"
        f"district,2,{HUGE}\n"
        "district,3,3000000000\n"
    )
    response = submit_file(client, Page(client.get(url)), data.encode(), "m.csv")
    assert response.status_code == 422
    text = Page(response).text
    assert "Rij 3: de code moet een geheel getal van hoogstens 9 cijfers zijn." in text
    for row in (4, 5):
        assert (
            f"Rij {row}: de bevolking moet een geheel getal van 0 of meer zijn, "
            "met hoogstens 9 cijfers." in text
        ), text
