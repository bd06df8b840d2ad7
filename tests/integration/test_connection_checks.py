"""Pooled PostgreSQL connections are pinged only after they have been idle
(``extensions.check_connections_after_idle``, instead of a ping per
request): a connection the server dropped while it sat idle is replaced
without anyone noticing; one dropped right after use fails one request with
the Dutch 503 page, and the next request works."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import create_engine, event, text
from sqlalchemy.pool import NullPool


@pytest.fixture
def make_app(fresh_database_url: Callable[[str], str]) -> Iterator[Callable[[float], Flask]]:
    from survey import create_app
    from survey.extensions import db

    url = fresh_database_url("idle_checks")
    if not url.startswith("postgresql"):
        pytest.skip("a SQLite file does not disconnect: no check is installed")
    made: list[Flask] = []

    def make(idle_seconds: float) -> Flask:
        application = create_app(
            {
                "SURVEY_ENV": "testing",
                "SECRET_KEY": "test-secret-key",
                "SQLALCHEMY_DATABASE_URI": url,
                "RATELIMIT_ENABLED": False,
                "DB_IDLE_CHECK_SECONDS": idle_seconds,
            }
        )
        with application.app_context():
            db.create_all()
        made.append(application)
        return application

    yield make
    for application in made:
        with application.app_context():
            db.session.remove()
            db.engine.dispose()


def _drop_pooled_connection(app: Flask) -> list[str]:
    """Terminate, from another connection, the server process behind the
    app's pooled connection (as a database restart would), and return the
    statements the app sends from now on."""
    from survey.extensions import db

    with app.app_context():
        pid = db.session.scalar(text("SELECT pg_backend_pid()"))
        db.session.remove()
        engine = db.engine
    other = create_engine(app.config["SQLALCHEMY_DATABASE_URI"], poolclass=NullPool)
    with other.connect() as connection:
        assert connection.scalar(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    other.dispose()
    sent: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        sent.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    return sent


def test_a_connection_dropped_while_idle_is_replaced_unnoticed(
    make_app: Callable[[float], Flask],
) -> None:
    app = make_app(0)  # every checkout counts as after idle: pinged
    client = app.test_client()
    assert client.get("/").status_code == 200
    _drop_pooled_connection(app)
    page = client.get("/")
    assert page.status_code == 200, page.get_data(as_text=True)[:300]


def test_a_connection_dropped_right_after_use_fails_once_with_the_dutch_503(
    make_app: Callable[[float], Flask],
) -> None:
    app = make_app(3600)  # used a moment ago: trusted, not pinged
    client = app.test_client()
    assert client.get("/").status_code == 200
    sent = _drop_pooled_connection(app)
    down = client.get("/")
    html = down.get_data(as_text=True)
    assert down.status_code == 503
    assert '<html lang="nl">' in html and "Tijdelijk niet beschikbaar" in html
    assert "Traceback" not in html
    assert sent  # the app went straight to its query: no ping
    # SQLAlchemy replaced the pool: the next request gets a new connection.
    assert client.get("/").status_code == 200
