"""Helpers shared by tests (import them from here, not from conftest:
several conftest modules exist and the name is ambiguous)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import text

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SURVEYS = ROOT / "survey" / "definitions" / "default_surveys"
RESIDENT_FILE = DEFAULT_SURVEYS / "burgers.yaml"
PARTNER_FILE = DEFAULT_SURVEYS / "partners.yaml"


def wipe_database(app: Flask) -> None:
    """Empty every table (faster than dropping and creating them)."""
    from survey.extensions import db

    with app.app_context():
        db.session.remove()
        with db.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                names = ", ".join(t.name for t in db.metadata.sorted_tables)
                conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
            else:
                for table in reversed(db.metadata.sorted_tables):
                    conn.execute(table.delete())


@contextmanager
def limited_app(database_url: str, **config: Any) -> Iterator[Flask]:
    """Another app on the session's database with the rate limits on
    (counted in memory), then the limiter off and empty again: it is one
    global object shared by every app of the process."""
    from survey import create_app
    from survey.extensions import db, limiter

    app = create_app(
        {
            "SURVEY_ENV": "testing",
            "SECRET_KEY": "test-secret-key",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "RATELIMIT_ENABLED": True,
            "RATELIMIT_STORAGE_URI": "memory://",
            **config,
        }
    )
    try:
        yield app
    finally:
        limiter.reset()
        limiter.enabled = False
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def stamp_head(app: Flask) -> None:
    """Record the migrations' head in ``alembic_version`` (what ``flask db
    stamp head`` does) for a schema made with ``create_all``."""
    from survey.extensions import db
    from survey.health import migration_heads

    with app.app_context(), db.engine.begin() as conn:
        conn.execute(
            text(
                "CREATE TABLE IF NOT EXISTS alembic_version "
                "(version_num VARCHAR(32) NOT NULL PRIMARY KEY)"
            )
        )
        conn.execute(text("DELETE FROM alembic_version"))
        for head in sorted(migration_heads(app)):
            conn.execute(text("INSERT INTO alembic_version VALUES (:v)"), {"v": head})


def import_file(app: Flask, path: Path, *, open_it: bool = True) -> str:
    """Import (and open) a survey file; return its key."""
    from survey.definitions.lifecycle import open_survey
    from survey.definitions.loader import load_definition
    from survey.definitions.store import import_survey
    from survey.extensions import db

    with app.app_context():
        result = import_survey(db.session, load_definition(path.read_bytes()))
        key = result.survey.key
        if open_it:
            open_survey(db.session, key)
        db.session.commit()
    return key
