"""Fixtures shared by every test: the app on SQLite or PostgreSQL, a clean
database per test, the default surveys, and helpers to submit rendered forms.

``SURVEY_TEST_DATABASE=postgresql`` runs the whole suite on a throwaway
PostgreSQL server (scripts/pgserver.py), one per pytest-xdist worker.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from support import PARTNER_FILE, RESIDENT_FILE, ROOT, import_file, stamp_head, wipe_database

os.environ.setdefault("MPLBACKEND", "Agg")


def _load_pgserver() -> Any:
    spec = importlib.util.spec_from_file_location("pgserver", ROOT / "scripts" / "pgserver.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["pgserver"] = module
    spec.loader.exec_module(module)
    return module


def engine_name() -> str:
    return os.environ.get("SURVEY_TEST_DATABASE", "sqlite")


@pytest.fixture(scope="session")
def pg_server() -> Iterator[Any]:
    """The throwaway PostgreSQL server of this worker (None on SQLite)."""
    if engine_name() != "postgresql":
        yield None
        return
    server = _load_pgserver().PostgresServer(max_connections=300).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def fresh_database_url(pg_server: Any, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """A factory of new, empty databases on the engine under test."""
    counter = iter(range(1, 10_000))

    def make(name: str = "extra") -> str:
        unique = f"{name}_{next(counter)}"
        if pg_server is not None:
            return str(pg_server.create_database(unique))
        return "sqlite:///" + str(tmp_path_factory.mktemp("db") / f"{unique}.sqlite")

    return make


@pytest.fixture(scope="session")
def database_url(fresh_database_url: Any) -> str:
    """The database of this test session (or xdist worker)."""
    return str(fresh_database_url("survey_test"))


@pytest.fixture(scope="session")
def app(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    from survey import create_app
    from survey.extensions import db

    application = create_app(
        {
            "SURVEY_ENV": "testing",
            "SECRET_KEY": "test-secret-key",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "RATELIMIT_ENABLED": False,
            "SERVER_NAME": None,
        }
    )
    application.instance_path = str(tmp_path_factory.mktemp("instance"))
    with application.app_context():
        db.create_all()
    # The models are the migrations' head (tests/integration/test_migrations.py):
    # say so, as ``flask db upgrade`` would, so that /readyz answers 200.
    stamp_head(application)
    yield application
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="session", autouse=True)
def _reports_follow_their_schema() -> Iterator[None]:
    """Every report the suite builds is checked against docs/report.schema.json
    when its JSON is made (``Report.to_json``, which every writer reads)."""
    from functools import cached_property

    from report_schema import check_report

    from survey.analysis.model import Report

    original = Report.__dict__["json"]

    def checked(report: Report) -> dict[str, Any]:
        data: dict[str, Any] = original.func(report)
        check_report(data)
        return data

    wrapper = cached_property(checked)
    wrapper.__set_name__(Report, "json")
    Report.json = wrapper
    yield
    Report.json = original


@pytest.fixture(scope="session", autouse=True)
def _pdf_trees_match_html5() -> Iterator[None]:
    """Every document of modest size that the suite turns into a PDF through
    libxml2 (``pdf_seams.c_parsed``: letters, receipts, posters, the tests'
    reports) is also parsed by tinyhtml5, and the two trees must be the same
    node by node: a template change that leaves the shape where both agree
    fails here instead of changing a PDF unseen. The demo's report is
    compared in test_report_pdf.py; larger documents are skipped for speed."""
    import tinyhtml5  # type: ignore[import-untyped]
    from pdf_checks import tree_lines

    from survey.reporting import pdf_seams

    original = pdf_seams.c_parsed

    def checked(html: str) -> Any:
        tree = original(html)
        if tree is not None and len(html) < 150_000:
            html5 = tinyhtml5.parse(html, namespace_html_elements=False)
            if tree_lines(tree) != tree_lines(html5):
                raise AssertionError("libxml2's tree differs from tinyhtml5's: " + html[:200])
        return tree

    pdf_seams.c_parsed = checked
    yield
    pdf_seams.c_parsed = original


@pytest.fixture(autouse=True)
def _clean_state(request: pytest.FixtureRequest) -> Iterator[None]:
    """Every test starts from empty tables (only for tests that use the app)
    and a switched-off, empty rate limiter: the limiter is one global object,
    and a test that switches it on for its own app must not leave earlier
    attempts counted against the next test."""
    from survey.extensions import limiter

    def reset_limiter() -> None:
        # A limiter never initialised has nothing to reset.
        with contextlib.suppress(Exception):
            limiter.reset()
        limiter.enabled = False

    reset_limiter()
    yield
    reset_limiter()
    if "app" in request.fixturenames:
        wipe_database(request.getfixturevalue("app"))


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def app_ctx(app: Flask) -> Iterator[Flask]:
    with app.app_context():
        yield app


@pytest.fixture
def session(app_ctx: Flask) -> Any:
    from survey.extensions import db

    return db.session


@pytest.fixture
def runner(app: Flask) -> Any:
    return app.test_cli_runner()


@pytest.fixture
def resident_survey(app: Flask) -> str:
    """The default resident survey (burgers-2026), imported and open."""
    return import_file(app, RESIDENT_FILE)


@pytest.fixture
def partner_survey(app: Flask) -> str:
    """The default partner survey (partners-2026), imported and open."""
    return import_file(app, PARTNER_FILE)
