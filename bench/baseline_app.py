"""The bare stack: Flask + SQLAlchemy Core, nothing else.

One endpoint, ``POST /submit``, takes the answer rows of one response as
repeated ``a=<variable_id>:<code>`` form pairs and inserts the response and
its answers in ONE transaction, into the same tables (same indexes) as the
real app, then redirects like the app's final submit does. It is served by
the same gunicorn command as the app, so its throughput is the ceiling any
final submit on this machine and database can reach.

Run: ``BENCH_DATABASE_URL=... gunicorn 'bench.baseline_app:create_app()'``.
"""

from __future__ import annotations

import os
import secrets
from datetime import date
from typing import Any

from flask import Flask, redirect, request
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

    @app.post("/submit")
    def submit() -> Response:
        rows = []
        for pair in request.form.getlist("a"):
            variable, _sep, code = pair.partition(":")
            rows.append({"v": int(variable), "c": int(code) if code else None})
        with engine.begin() as conn:
            response_id = conn.execute(
                INSERT_RESPONSE, {"p": secrets.token_hex(12), "s": survey_id, "d": date.today()}
            ).scalar_one()
            conn.execute(INSERT_ANSWER, [{"r": response_id, **row} for row in rows])
        return redirect("/thanks")

    return app
