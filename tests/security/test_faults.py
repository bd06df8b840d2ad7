"""Faults: a process killed in the middle of a submit leaves nothing half
stored; an unreachable database gives a Dutch 503 page that keeps the
resident's answers and a retry that stores them once; a crash shows a
Dutch page with an incident number, the details go to the log only."""

from __future__ import annotations

import logging
import os
import re
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from formtools import Page
from livehttp import Browser, journey
from resident_flow import answer_all, make_codes, start
from sqlalchemy import event, func, select

ROOT = Path(__file__).resolve().parents[2]


def _state(app: Flask) -> dict[str, Any]:
    from survey.extensions import db
    from survey.models import Answer, Draft, FreeText, InvitationCode, Response

    with app.app_context():

        def count(model: Any) -> int:
            return int(db.session.scalar(select(func.count()).select_from(model)) or 0)

        return {
            "responses": count(Response),
            "answers": count(Answer),
            "texts": count(FreeText),
            "used": db.session.scalars(select(InvitationCode.used)).all(),
            "drafts": db.session.execute(
                select(Draft.id, Draft.submitted, Draft.invitation_code_id)
            ).all(),
        }


KILLER = textwrap.dedent(
    """
    import os, signal, sys
    from survey import create_app
    from survey.definitions.store import find_survey
    from survey.extensions import db
    from survey.models import Draft
    from survey.residents.drafts import journey_of

    url, key, draft_id = sys.argv[1], sys.argv[2], int(sys.argv[3])
    app = create_app({"SURVEY_ENV": "testing", "SECRET_KEY": "test-secret-key",
                      "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        survey = find_survey(db.session, key)
        draft = db.session.get(Draft, draft_id)
        outcome = journey_of(db.session, survey, draft, "nl").submit()
        assert outcome.status == "stored", outcome
        db.session.flush()  # the response, its answers and the used code: written, not committed
        print("inside the transaction", flush=True)
        os.kill(os.getpid(), signal.SIGKILL)
    """
)


@pytest.mark.slow
def test_a_process_killed_inside_the_submit_leaves_nothing_half_done(
    app: Flask, live_server: str, short_invitation_survey: str, database_url: str
) -> None:
    from survey.extensions import db
    from survey.models import Draft

    key = short_invitation_survey
    code = make_codes(app, key, 1)[0]
    browser = Browser(live_server)
    check = journey(browser, key, 1, code=code)
    with app.app_context():
        draft_id = db.session.scalars(select(Draft.id)).one()
    before = _state(app)

    killed = subprocess.run(
        [sys.executable, "-c", KILLER, database_url, key, str(draft_id)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        check=False,
    )
    assert "inside the transaction" in killed.stdout, killed.stderr[-2000:]
    assert killed.returncode == -9

    # Nothing of the killed submit survives: no response, no answer rows,
    # the code unused and still linked to the resident's unsent draft.
    after = _state(app)
    assert after == before
    assert after["responses"] == 0 and after["used"] == [False]
    assert after["drafts"][0][1:] == (False, after["drafts"][0][2]) and after["drafts"][0][2]

    # The resident presses "send" again: stored once, code used once.
    final = browser.follow(browser.submit(check))
    assert final.path.endswith("/bedankt"), final.text[:300]
    done = _state(app)
    assert done["responses"] == 1 and done["used"] == [True]
    assert all(s < 500 for s in browser.statuses)


@contextmanager
def database_down(app: Flask) -> Iterator[None]:
    """Every new connection fails with the driver's own error (a file that
    cannot be opened; a PostgreSQL port where nobody listens), as when the
    database server is gone."""
    from survey.extensions import db

    with app.app_context():
        engine = db.engine

    def refuse(_dialect: Any, _record: Any, _cargs: Any, _cparams: Any) -> Any:
        if engine.dialect.name == "sqlite":
            import sqlite3

            return sqlite3.connect("file:/nonexistent-directory/x.sqlite?mode=rw", uri=True)
        import psycopg

        return psycopg.connect(
            host="127.0.0.1", port=9, user="postgres", dbname="gone", connect_timeout=2
        )

    event.listen(engine, "do_connect", refuse)
    engine.dispose()
    try:
        yield
    finally:
        event.remove(engine, "do_connect", refuse)
        engine.dispose()


def _hidden(page: Page) -> dict[str, list[str]]:
    form = page.form()
    pairs = form.data()
    values: dict[str, list[str]] = {}
    for name, value in pairs:
        values.setdefault(name, []).append(value)
    return values


def test_database_down_gives_a_dutch_503_that_keeps_the_answers_and_retries_once(
    app: Flask, client: Any, short_survey: str, caplog: pytest.LogCaptureFixture
) -> None:
    from resident_flow import fill

    first = start(client, short_survey)
    form = fill(Page(first).form(), {"leeftijd": "57"})
    sent: dict[str, list[str]] = {}
    for name, value in form.data():
        sent.setdefault(name, []).append(value)

    with database_down(app):
        down = form.submit(client)
        health = client.get("/healthz")
    assert down.status_code == 503
    assert health.status_code == 503
    page = Page(down)
    assert '<html lang="nl">' in page.html
    assert "Tijdelijk niet beschikbaar" in page.text
    assert "Traceback" not in page.html and "OperationalError" not in page.html
    # Every posted value is back in the form (hidden), with a retry button.
    assert _hidden(page) == sent
    assert sent["leeftijd"] == ["57"]
    assert page.form().action.endswith("/stap/een")
    assert re.search(r"[0-9a-f]{8}", page.text)

    # The database is back: the retry saves the page and moves on.
    retried = page.form().submit(client)
    assert retried.status_code == 302, Page(retried).text[:300]
    check = answer_all(client, client.get(retried.location))

    # The final submit while the database is down: nothing stored, the
    # retry stores exactly one response, a second retry changes nothing.
    with database_down(app):
        down = Page(check).form().submit(client)
    assert down.status_code == 503
    assert _state(app)["responses"] == 0
    retry = Page(down).form()
    assert retry.submit(client).status_code == 302
    assert retry.submit(client).location.endswith("/bedankt")
    state = _state(app)
    assert state["responses"] == 1
    with app.app_context():
        from survey.extensions import db
        from survey.models import Answer, Variable

        age = db.session.scalar(
            select(Answer.number).join(Variable).where(Variable.name == "leeftijd")
        )
    assert age == 57
    # The log names the incident, not the answers.
    assert "database unavailable" in caplog.text
    messages = " ".join(r.getMessage() for r in caplog.records)
    assert "leeftijd" not in messages and "csrf" not in messages


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_a_crash_shows_a_dutch_page_with_an_incident_number_and_logs_the_details(
    app: Flask,
    client: Any,
    short_survey: str,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    method: str,
) -> None:
    import survey.residents.routes as routes

    def broken(*_args: Any, **_kwargs: Any) -> Any:
        raise RuntimeError("secret-detail-4711 in /work/main/survey/x.py")

    monkeypatch.setattr(routes, "_find_survey", broken)
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", False)
    caplog.set_level(logging.ERROR)
    response = client.open(
        f"/s/{short_survey}/begin" if method == "POST" else f"/s/{short_survey}", method=method
    )
    assert response.status_code == 500
    page = Page(response)
    assert '<html lang="nl">' in page.html
    assert "Er ging bij ons iets mis" in page.text
    for leak in ("Traceback", "secret-detail-4711", "RuntimeError", "survey/x.py", 'File "'):
        assert leak not in page.html
    incident = re.search(r"\b([0-9a-f]{8})\b", page.text)
    assert incident is not None
    logged = caplog.text
    assert incident.group(1) in logged
    assert "secret-detail-4711" in logged and "Traceback" in logged
