"""Logs without personal data: one JSON object per line in production
(``SURVEY_LOG_FORMAT=json``), and one line per request
(``SURVEY_LOG_REQUESTS``) with the method, the endpoint name, the status and
the duration in milliseconds.

What a line never holds: the client's address or user agent, the raw path
(``/p/<token>`` and ``/s/<key>/hervat/<token>`` carry credentials, query
strings carry letter codes), form values, answers, or the message of an
exception (it can quote a value); an exception is logged as its type and its
stack frames (file, line, function). SQL parameters are hidden from
SQLAlchemy's messages in production (``config``). Incidents are found by the
number shown on the error page.
"""

from __future__ import annotations

import json
import logging
import sys
import time
import traceback
from datetime import UTC, datetime
from typing import Any

from flask import Flask, g, request
from werkzeug.wrappers import Response

REQUEST_LOGGER = "survey.requests"
_STARTED = "request_started"
# Marks the handler installed here, so a second app (tests) replaces it.
_OURS = "_survey_handler"


class JsonFormatter(logging.Formatter):
    """``{"time", "level", "logger", "message", ...fields, "exception"}``;
    ``fields`` (a dict passed as ``extra={"fields": ...}``) are merged in."""

    def format(self, record: logging.LogRecord) -> str:
        """The record as one JSON line (UTC time in milliseconds; the
        exception as its type and frames, never its message)."""
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "pid": record.process,
            "message": record.getMessage(),
        }
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            entry.update(fields)
        if record.exc_info and record.exc_info[0] is not None:
            entry["exception"] = exception_summary(record.exc_info[1])
        return json.dumps(entry, ensure_ascii=False, separators=(",", ":"), default=str)


def exception_summary(exc: BaseException | None) -> dict[str, Any]:
    """An exception's type and frames, without its message."""
    if exc is None:
        return {}
    frames = traceback.extract_tb(exc.__traceback__)
    return {
        "type": f"{type(exc).__module__}.{type(exc).__qualname__}",
        "frames": [f"{f.filename}:{f.lineno} in {f.name}" for f in frames[-20:]],
    }


class StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever ``sys.stderr`` is when a line is written (as
    logging's last-resort handler does), not to the stream of the moment
    the app was built: a test runner that swaps stderr gets the lines."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property
    def stream(self) -> Any:
        """The current ``sys.stderr``; setting it is ignored."""
        return sys.stderr

    @stream.setter
    def stream(self, _value: Any) -> None:
        pass


def configure_logging(app: Flask) -> None:
    """Install the JSON handler on the root logger (``LOG_FORMAT`` json)
    and the per-request line (``LOG_REQUESTS``)."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, _OURS, False):
            root.removeHandler(handler)
    if app.config["LOG_FORMAT"] == "json":
        handler = StderrHandler()
        handler.setFormatter(JsonFormatter())
        setattr(handler, _OURS, True)
        root.addHandler(handler)
        # The app's own information (incidents, warnings at start); other
        # libraries only from WARNING on (WeasyPrint reports every step).
        logging.getLogger("survey").setLevel(logging.INFO)
    if app.config["LOG_REQUESTS"]:
        logging.getLogger(REQUEST_LOGGER).setLevel(logging.INFO)
        app.before_request(_note_start)
        app.after_request(_log_request)


def _note_start() -> None:
    setattr(g, _STARTED, time.perf_counter())


_request_log = logging.getLogger(REQUEST_LOGGER)


def _log_request(response: Response) -> Response:
    started = g.get(_STARTED)
    duration = round((time.perf_counter() - started) * 1000, 1) if started else None
    endpoint = request.endpoint or "-"
    _request_log.info(
        "%s %s %s %sms",
        request.method,
        endpoint,
        response.status_code,
        duration,
        extra={
            "fields": {
                "method": request.method,
                "endpoint": endpoint,
                "status": response.status_code,
                "duration_ms": duration,
            }
        },
    )
    return response
