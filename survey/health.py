"""What a load balancer or an orchestrator asks the app.

- ``/healthz`` (liveness, contract section 5): 200 when the app and its
  database answer, 503 otherwise.
- ``/readyz`` (readiness): 200 only when this instance can serve residents
  as intended: the database answers, its schema is at the migrations' head
  (an instance started before ``flask db upgrade`` finished is not ready),
  and the rate-limit store answers (a dead Redis would leave each process
  counting on its own). 503 with the failing parts named otherwise.

Both are cheap (one or two small queries and a Redis PING) and neither
needs a session or writes anything.
"""

from __future__ import annotations

from flask import Blueprint, Flask, current_app, jsonify
from flask.typing import ResponseReturnValue
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from survey.extensions import db
from survey.ratelimits import storage_reachable

bp = Blueprint("health", __name__)

_HEADS = "survey_migration_heads"


@bp.get("/healthz")
def healthz() -> ResponseReturnValue:
    """Liveness for the load balancer, open to anyone: 200 when the database
    answers, 503 (JSON) when it does not."""
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        return jsonify(status="unavailable", database="unreachable"), 503
    return jsonify(status="ok", database="ok"), 200


def migration_heads(app: Flask) -> frozenset[str]:
    """The revisions at the head of ``migrations/`` (read once per process:
    the files do not change under a running app)."""
    heads = app.extensions.get(_HEADS)
    if heads is None:
        from alembic.config import Config
        from alembic.script import ScriptDirectory

        config = Config()
        config.set_main_option("script_location", app.extensions["migrate"].directory)
        heads = frozenset(ScriptDirectory.from_config(config).get_heads())
        app.extensions[_HEADS] = heads
    return frozenset(heads)


@bp.get("/readyz")
def readyz() -> ResponseReturnValue:
    """Readiness for the deployment, open to anyone: 200 only when the
    database answers, its migrations are at the head and the rate-limit
    storage is reachable; else 503, with each check's state in the JSON."""
    checks: dict[str, str] = {}
    try:
        db.session.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except SQLAlchemyError:
        db.session.rollback()
        checks["database"] = "unreachable"
    if checks["database"] == "ok":
        try:
            stored = set(db.session.scalars(text("SELECT version_num FROM alembic_version")))
        except SQLAlchemyError:  # no alembic_version table: never migrated
            db.session.rollback()
            stored = set()
        checks["migrations"] = "ok" if stored == migration_heads(current_app) else "behind"
    else:
        checks["migrations"] = "unknown"
    checks["ratelimit"] = "ok" if storage_reachable() else "unreachable"
    ready = all(value == "ok" for value in checks.values())
    return jsonify(status="ready" if ready else "unavailable", **checks), 200 if ready else 503
