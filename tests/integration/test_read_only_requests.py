"""Read-only requests (``survey.extensions.read_only_request``): the
residents' GETs begin a DEFERRED transaction on SQLite, so they are served
while another worker holds the write lock; their POSTs still begin
IMMEDIATE; and a write inside a request marked read-only is refused on
every engine instead of failing only under contention."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from formtools import Page
from resident_flow import fill, open_copy, start
from sqlalchemy import event, update


@pytest.fixture
def begins(app: Flask) -> Iterator[list[str]]:
    """The BEGIN statements the app's engine runs meanwhile."""
    from survey.extensions import db

    with app.app_context():
        engine = db.engine
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.startswith("BEGIN"):
            seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    yield seen
    event.remove(engine, "before_cursor_execute", record)


def _sqlite_only(app: Flask) -> None:
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("transaction modes are a SQLite matter")


def test_page_get_defers_and_post_takes_the_write_lock(
    app: Flask, client: Any, tmp_path: Path, begins: list[str]
) -> None:
    _sqlite_only(app)
    key = open_copy(app, tmp_path)
    first = start(client, key)
    assert first.status_code == 200
    begins.clear()
    page = Page(client.get(first.request.path))
    assert begins and set(begins) == {"BEGIN"}
    begins.clear()
    posted = fill(page.form()).submit(client)
    assert posted.status_code == 302
    assert begins == ["BEGIN IMMEDIATE"]


def test_page_get_is_served_while_another_writer_holds_the_lock(
    app: Flask, client: Any, tmp_path: Path
) -> None:
    _sqlite_only(app)
    key = open_copy(app, tmp_path)
    first = start(client, key)
    path = app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")
    writer = sqlite3.connect(path, isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")
        # With BEGIN IMMEDIATE this GET would wait for the busy timeout and
        # fail; deferred, it reads the last committed state at once.
        again = client.get(first.request.path)
        assert again.status_code == 200
        writer.execute("ROLLBACK")
    finally:
        writer.close()


def test_a_write_in_a_read_only_request_is_refused(app: Flask, resident_survey: str) -> None:
    from survey.extensions import db, read_only_request
    from survey.models import Survey

    with app.test_request_context("/s/x", method="GET"):
        read_only_request()
        with pytest.raises(RuntimeError, match="read-only"):
            db.session.execute(update(Survey).where(Survey.key == "none").values(version=1))
        db.session.rollback()
    with app.test_request_context("/s/x", method="POST"):
        read_only_request()  # a POST is never read-only
        db.session.execute(update(Survey).where(Survey.key == "none").values(version=1))
        db.session.rollback()


def test_an_unchanged_session_is_not_sent_again(app: Flask, client: Any, tmp_path: Path) -> None:
    """The draft's secrets are stored in the cookie once; later pages do not
    sign and send the same cookie again."""
    key = open_copy(app, tmp_path)
    first = start(client, key)
    again = client.get(first.request.path)
    assert again.status_code == 200
    assert "Set-Cookie" not in again.headers
