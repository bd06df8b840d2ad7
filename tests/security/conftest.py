"""Fixtures of the security tests: the short survey (open and with
invitation codes) and a real threaded HTTP server on 127.0.0.1.

The real server matters: the Flask test client runs requests one after
another in one thread, so it cannot show races between requests."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from livehttp import short_survey_file
from resident_flow import import_file
from werkzeug.serving import make_server


@pytest.fixture
def short_survey(app: Flask, tmp_path: Path) -> str:
    """A two-page open resident survey, imported and open."""
    return import_file(app, short_survey_file(tmp_path))


@pytest.fixture
def short_invitation_survey(app: Flask, tmp_path: Path) -> str:
    """The same survey with invitation codes."""
    return import_file(app, short_survey_file(tmp_path, "kort-code", "invitation"))


@pytest.fixture
def live_server(app: Flask) -> Iterator[str]:
    """The session app behind a threaded werkzeug server on a free port."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
