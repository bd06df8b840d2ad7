"""Log lines without personal data: JSON objects with the endpoint name
instead of the path, and exceptions without their message."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from resident_flow import open_copy, start

from survey.logs import REQUEST_LOGGER, JsonFormatter


def test_an_exception_is_logged_by_type_and_frames_without_its_message() -> None:
    try:
        int("KM7Q-XA3T-HW9D")
    except ValueError:
        record = logging.LogRecord(
            "survey.web", logging.ERROR, __file__, 1, "incident %s", ("ab12",), sys.exc_info()
        )
    line = JsonFormatter().format(record)
    entry = json.loads(line)
    assert entry["message"] == "incident ab12"
    assert entry["exception"]["type"] == "builtins.ValueError"
    assert entry["exception"]["frames"][-1].endswith(
        "in test_an_exception_is_logged_by_type_and_frames_without_its_message"
    )
    assert "KM7Q" not in line


@pytest.fixture
def logging_app(app: Flask, database_url: str) -> Any:
    """The app as production configures its log (LOG_REQUESTS), on the
    session's database."""
    from survey import create_app
    from survey.extensions import db

    logged = create_app(
        {
            "SURVEY_ENV": "testing",
            "SECRET_KEY": "test-secret-key",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "RATELIMIT_ENABLED": False,
            "LOG_REQUESTS": True,
        }
    )
    yield logged
    with logged.app_context():
        db.session.remove()
        db.engine.dispose()


def test_one_line_per_request_names_the_endpoint_not_the_path(
    app: Flask, logging_app: Flask, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    key = open_copy(app, tmp_path)
    client = logging_app.test_client()
    page = start(client, key).get_data(as_text=True)
    token = page.split("/hervat/", 1)[1].split('"', 1)[0]
    caplog.clear()
    with caplog.at_level(logging.INFO, logger=REQUEST_LOGGER):
        assert client.get(f"/s/{key}/hervat/{token}").status_code == 302
        assert client.get(f"/s/{key}/code?code=KM7Q-XA3T-HW9D").status_code in (200, 302)
    records = [r for r in caplog.records if r.name == REQUEST_LOGGER]
    assert [r.fields["endpoint"] for r in records] == ["residents.resume_link", "residents.code"]
    lines = [JsonFormatter().format(r) for r in records]
    first = json.loads(lines[0])
    assert first["method"] == "GET" and first["status"] == 302
    assert isinstance(first["duration_ms"], float)
    text = "\n".join(lines)
    assert token not in text and "KM7Q" not in text and "/hervat" not in text
    assert "127.0.0.1" not in text
