"""The bare stack: Flask + SQLAlchemy Core, nothing else.

One endpoint, ``POST /submit``, takes the answer rows of one response as
repeated ``a=<variable_id>:<code>`` form pairs and inserts the response and
its answers in ONE transaction, into the same tables (same indexes) as the
real app, then redirects like the app's final submit does. It is served by
the same gunicorn command as the app, so its throughput is the ceiling any
final submit on this machine and database can reach.

The whole journey's ceiling, under ``/j/``: the same number of requests as
a resident's complete response (``bench.httpclient.bare_journey``). Every
GET returns a static HTML page of ``BENCH_PAGE_BYTES`` (the app's mean page
size) with a CSRF-like token (an HMAC of a random cookie); every POST checks
that token, parses the form and redirects (or, where the app shows a page
again, returns the page); the final POST also inserts the answer rows in one
transaction like ``/submit``. No templates, sessions, i18n or ORM: what is
left is Flask, the HTTP server and the one write.

Run: ``BENCH_DATABASE_URL=... gunicorn 'bench.baseline_app:create_app()'``.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from datetime import date
from typing import Any

from flask import Flask, abort, redirect, request
from sqlalchemy import create_engine, event, text
from werkzeug.wrappers import Response


def _engine(url: str) -> Any:
    engine = create_engine(url, pool_pre_ping=False)
    if engine.dialect.name == "sqlite":
        # The same SQLite settings as the app: WAL, NORMAL sync, busy wait,
        # writers take their lock at BEGIN.
        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=15000")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _begin(connection: Any) -> None:
            connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


INSERT_RESPONSE = text(
    "INSERT INTO responses (public_id, survey_id, survey_version, mode, language, "
    "submitted_on, synthetic) VALUES (:p, :s, 1, 'web', 'nl', :d, false) RETURNING id"
)
INSERT_ANSWER = text(
    "INSERT INTO answers (response_id, variable_id, code, number) VALUES (:r, :v, :c, NULL)"
)


def create_app() -> Flask:
    app = Flask(__name__)
    engine = _engine(os.environ["BENCH_DATABASE_URL"])
    survey_id = int(os.environ.get("BENCH_SURVEY_ID", "1"))

    @app.get("/healthz")
    def healthz() -> str:
        return "ok"

    def store() -> None:
        rows = []
        for pair in request.form.getlist("a"):
            variable, _sep, code = pair.partition(":")
            rows.append({"v": int(variable), "c": int(code) if code else None})
        with engine.begin() as conn:
            response_id = conn.execute(
                INSERT_RESPONSE, {"p": secrets.token_hex(12), "s": survey_id, "d": date.today()}
            ).scalar_one()
            conn.execute(INSERT_ANSWER, [{"r": response_id, **row} for row in rows])

    @app.post("/submit")
    def submit() -> Response:
        store()
        return redirect("/thanks")

    # --- the whole journey -------------------------------------------------
    # The same in every worker: a page and its POST may meet different ones.
    secret = os.environ.get("BENCH_SECRET", "bare-stack-journey").encode()
    page_bytes = int(os.environ.get("BENCH_PAGE_BYTES", "12000"))
    head = '<!doctype html><html lang="nl"><head><title>Stap</title></head><body><main>'
    tail = "</main></body></html>"
    form = '<form method="post"><input type="hidden" name="csrf_token" value="{token}">'
    filler = "<p>" + "Vraag en antwoordmogelijkheden. " * 20 + "</p>\n"
    body = head + form
    while len(body) + len(filler) + len(tail) + 40 < page_bytes:
        body += filler
    page_template = body + "<button>Verder</button></form>" + tail

    def token_of(sid: str) -> str:
        return hmac.new(secret, sid.encode(), hashlib.sha256).hexdigest()

    def page() -> Response:
        sid = request.cookies.get("sid") or secrets.token_hex(16)
        response = Response(page_template.replace("{token}", token_of(sid)), mimetype="text/html")
        response.headers["Cache-Control"] = "no-store"
        if "sid" not in request.cookies:
            response.set_cookie("sid", sid, httponly=True, samesite="Lax")
        return response

    def checked_form() -> None:
        sid = request.cookies.get("sid", "")
        if not hmac.compare_digest(request.form.get("csrf_token", ""), token_of(sid)):
            abort(400)

    @app.get("/j/<step>")
    def journey_page(step: str) -> Response:
        return page()

    @app.post("/j/next/<int:n>")
    def journey_next(n: int) -> Response:
        checked_form()
        return redirect(f"/j/page-{n}")

    @app.post("/j/again")
    def journey_again() -> Response:
        checked_form()
        return page()

    @app.post("/j/submit")
    def journey_submit() -> Response:
        checked_form()
        store()
        return redirect("/j/thanks")

    return app


def journey_cpu_ms(url: str, survey_id: int, steps: Any, pairs: list[Any], count: int) -> float:
    """CPU ms of one whole bare journey in process (Flask test client, warm).
    Run in an interpreter without the app (``bench.worker bare_journey``):
    the app's engine event hooks are registered on every SQLAlchemy engine
    of a process that imports ``survey``, and would run here too."""
    import sys
    import time

    from bench.httpclient import TestClientBrowser, bare_journey

    if "survey" in sys.modules:
        raise RuntimeError("the bare journey must run without the app imported")
    os.environ["BENCH_DATABASE_URL"] = url
    os.environ["BENCH_SURVEY_ID"] = str(survey_id)
    app = create_app()

    def walk() -> None:
        bare_journey(TestClientBrowser(app.test_client()), steps, pairs)  # type: ignore[arg-type]

    walk()
    began = time.process_time()
    for _ in range(count):
        walk()
    return (time.process_time() - began) / count * 1000
