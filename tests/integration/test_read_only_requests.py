"""Transaction modes of the residents' pages (``survey.database``): a GET
reads without SQLite's write lock, so it is served while another worker
writes; a POST takes the lock at its start, so concurrent saves queue instead
of one failing; a GET that writes is refused on every engine instead of
failing only under contention; and on PostgreSQL, where two requests'
transactions interleave, what changed between a request's read and its write
(another window, a concurrent submit) is caught by the guards, never stored
over and never a 500."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from formtools import Page
from resident_flow import answer_all, count_responses, fill, open_copy, start, submit, tr
from sqlalchemy import event, update


@pytest.fixture
def statements(app: Flask) -> Iterator[list[str]]:
    """The statements the app's engine runs meanwhile."""
    from survey.extensions import db

    with app.app_context():
        engine = db.engine
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement.lstrip())

    event.listen(engine, "before_cursor_execute", record)
    yield seen
    event.remove(engine, "before_cursor_execute", record)


def _sqlite_only(app: Flask) -> None:
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("transaction modes are a SQLite matter")


def _interleaving_only(app: Flask) -> None:
    """On SQLite a POST holds the write lock from its first statement: no
    other save can come between its read and its write (the other window's
    save waits for the lock instead), so the race below is PostgreSQL's."""
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("on SQLite a POST's read and write cannot be interleaved")


def test_page_get_reads_without_the_lock_and_post_takes_it_at_its_start(
    app: Flask, client: Any, tmp_path: Path, statements: list[str]
) -> None:
    _sqlite_only(app)
    key = open_copy(app, tmp_path)
    first = start(client, key)
    assert first.status_code == 200
    statements.clear()
    page = Page(client.get(first.request.path))
    assert [s for s in statements if s.startswith("BEGIN")] == ["BEGIN"]
    statements.clear()
    posted = fill(page.form()).submit(client)
    assert posted.status_code == 302
    # One transaction, holding the write lock from its first statement.
    assert statements[0] == "BEGIN IMMEDIATE"
    assert [s for s in statements if s.startswith("BEGIN")] == ["BEGIN IMMEDIATE"]
    assert any(s.startswith("UPDATE") for s in statements)


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


def test_a_get_of_a_read_only_page_that_writes_is_refused(app: Flask, resident_survey: str) -> None:
    from survey.database import read_only_gets
    from survey.extensions import db
    from survey.models import Survey

    change = update(Survey).where(Survey.key == "none").values(version=1)
    with app.test_request_context("/s/x", method="GET"):
        read_only_gets()
        with pytest.raises(RuntimeError, match="read_only_gets"):
            db.session.execute(change)
        db.session.rollback()
    with app.test_request_context("/s/x", method="POST"):
        read_only_gets()
        db.session.execute(change)
        db.session.rollback()


SAVED_ELSEWHERE = (
    "These answers were saved in another window or tab at the same moment. "
    "Check them and choose Continue."
)
CHANGED_ELSEWHERE = (
    "Your answers were changed in another window or tab at the same moment. "
    "Check them and send them again."
)


def _draft_changes_after_it_is_read(app: Flask) -> Iterator[None]:
    """Another window saves the draft (a real UPDATE of its revision, from
    another connection, committed) right after a request has read it."""
    from survey.extensions import db
    from survey.models import Draft

    with app.app_context():
        engine = db.engine
    done: list[bool] = []

    def other_window(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if done or not statement.lstrip().startswith("SELECT") or " drafts" not in statement:
            return
        done.append(True)
        with engine.begin() as other:
            other.execute(
                update(Draft)
                .where(Draft.submitted.is_(False))
                .values(revision=Draft.revision + 1, page_index=Draft.page_index)
            )

    event.listen(engine, "after_cursor_execute", other_window)
    try:
        yield
    finally:
        event.remove(engine, "after_cursor_execute", other_window)


def test_a_page_saved_meanwhile_in_another_window_is_shown_not_overwritten(
    app: Flask, client: Any, tmp_path: Path
) -> None:
    _interleaving_only(app)
    key = open_copy(app, tmp_path)
    first = start(client, key)
    form = fill(Page(first).form())
    before = _draft_revisions(app)
    with contextmanager(_draft_changes_after_it_is_read)(app):
        posted = form.submit(client)
    # Not saved over the other window's answers: the page again, as it is now.
    assert posted.status_code == 302
    assert posted.location.startswith(first.request.path + "?")
    again = client.get(posted.location)
    assert again.status_code == 200
    assert tr(app, SAVED_ELSEWHERE) in Page(again).text
    # Only the other window's save happened.
    assert _draft_revisions(app) == [before[0] + 1]


def test_a_submit_racing_another_window_goes_back_to_the_check_page(
    app: Flask, client: Any, tmp_path: Path
) -> None:
    _interleaving_only(app)
    key = open_copy(app, tmp_path)
    check_page = answer_all(client, start(client, key))
    form = Page(check_page).form()
    with contextmanager(_draft_changes_after_it_is_read)(app):
        posted = form.submit(client)
    assert posted.status_code == 302
    assert posted.location.startswith(f"/s/{key}/controle?")
    assert count_responses(app, key) == 0
    # The resident is told, checks again and sends: stored once.
    again = client.get(posted.location)
    assert tr(app, CHANGED_ELSEWHERE) in Page(again).text
    sent = submit(client, again)
    assert sent.location.endswith(f"/s/{key}/bedankt")
    assert count_responses(app, key) == 1


def _draft_revisions(app: Flask) -> list[int]:
    from sqlalchemy import select

    from survey.extensions import db
    from survey.models import Draft

    with app.app_context():
        return [int(r) for r in db.session.scalars(select(Draft.revision))]


def test_an_unchanged_session_is_not_sent_again(app: Flask, client: Any, tmp_path: Path) -> None:
    """The draft's secrets are stored in the cookie once; later pages do not
    sign and send the same cookie again."""
    key = open_copy(app, tmp_path)
    first = start(client, key)
    again = client.get(first.request.path)
    assert again.status_code == 200
    assert "Set-Cookie" not in again.headers
