"""A pooled PostgreSQL connection is checked before use (``pool_pre_ping``,
set by ``survey.config``): one the server dropped, as a database restart
does, is replaced without the resident noticing, whether it sat idle or was
used a moment before."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from flask import Flask
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool


@pytest.fixture
def pg_app(fresh_database_url: Callable[[str], str]) -> Iterator[Flask]:
    from survey import create_app
    from survey.extensions import db

    url = fresh_database_url("connection_checks")
    if not url.startswith("postgresql"):
        pytest.skip("a SQLite file does not disconnect: no check is made")
    application = create_app(
        {
            "SURVEY_ENV": "testing",
            "SECRET_KEY": "test-secret-key",
            "SQLALCHEMY_DATABASE_URI": url,
            "RATELIMIT_ENABLED": False,
        }
    )
    with application.app_context():
        db.create_all()
    yield application
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


def _drop_pooled_connection(app: Flask) -> None:
    """Terminate, from another connection, the server process behind the
    app's pooled connection (as a database restart would)."""
    from survey.extensions import db

    with app.app_context():
        pid = db.session.scalar(text("SELECT pg_backend_pid()"))
        db.session.remove()
    other = create_engine(app.config["SQLALCHEMY_DATABASE_URI"], poolclass=NullPool)
    with other.connect() as connection:
        assert connection.scalar(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    other.dispose()


def test_a_connection_dropped_right_after_use_is_replaced_unnoticed(pg_app: Flask) -> None:
    client = pg_app.test_client()
    assert client.get("/").status_code == 200
    _drop_pooled_connection(pg_app)
    page = client.get("/")
    assert page.status_code == 200, page.get_data(as_text=True)[:300]
    assert client.get("/").status_code == 200
