"""Read first, write last (``survey.extensions.read_only_request`` and
``begin_writes``): the residents' requests begin a DEFERRED transaction on
SQLite, so their reads are served while another worker holds the write lock;
a POST takes the lock only for its writes and commit; a write before
``begin_writes`` is refused on every engine instead of failing only under
contention; and what changed between the read and the write (another window,
a concurrent submit) is caught by the guards, never stored over and never a
500."""

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


def test_page_get_defers_and_post_locks_only_for_its_write(
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
    # The survey and the draft are read before the lock; under it only the
    # draft's UPDATE runs.
    locked = statements[statements.index("BEGIN IMMEDIATE") + 1 :]
    assert [s.split()[0] for s in locked] == ["UPDATE"]
    assert all(s.startswith(("BEGIN", "SELECT", "COMMIT")) for s in statements[: -len(locked)])


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


def test_a_write_before_begin_writes_is_refused(app: Flask, resident_survey: str) -> None:
    from survey.extensions import begin_writes, db, read_only_request
    from survey.models import Survey

    change = update(Survey).where(Survey.key == "none").values(version=1)
    with app.test_request_context("/s/x", method="GET"):
        read_only_request()
        with pytest.raises(RuntimeError, match="read_only_request"):
            db.session.execute(change)
        with pytest.raises(RuntimeError, match="GET"):
            begin_writes(db.session)
        db.session.rollback()
    with app.test_request_context("/s/x", method="POST"):
        read_only_request()
        with pytest.raises(RuntimeError, match="read_only_request"):
            db.session.execute(change)
        db.session.rollback()
        begin_writes(db.session)
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
    from survey.extensions import READ_ONLY_FLAG, db
    from survey.models import Draft

    with app.app_context():
        engine = db.engine
    done: list[bool] = []

    def other_window(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if done or not statement.lstrip().startswith("SELECT") or " drafts" not in statement:
            return
        done.append(True)
        with engine.begin() as other:
            # Another browser's request, not this one's read-only transaction.
            other.info[READ_ONLY_FLAG] = False
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


def test_page_get_on_postgresql_reads_without_a_transaction(
    app: Flask, client: Any, tmp_path: Path
) -> None:
    """Under READ COMMITTED each statement has its own snapshot anyway: a
    GET's reads run in autocommit (no BEGIN/COMMIT round trips); a POST's
    writes still run in one transaction."""
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("autocommit reads are a PostgreSQL matter")
    from survey.extensions import db

    key = open_copy(app, tmp_path)
    first = start(client, key)
    with app.app_context():
        engine = db.engine
    seen: list[tuple[str, bool]] = []

    def record(conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append((statement.split()[0], bool(conn.connection.dbapi_connection.autocommit)))

    event.listen(engine, "before_cursor_execute", record)
    try:
        page = Page(client.get(first.request.path))
        reads = list(seen)
        seen.clear()
        assert fill(page.form()).submit(client).status_code == 302
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert reads and all(kind == "SELECT" and autocommit for kind, autocommit in reads)
    assert ("UPDATE", False) in seen
