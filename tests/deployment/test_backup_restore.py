"""Backup and restore as docs/deployment.md and zvp-survey-backup.service do
it: ``pg_dump --format=custom --no-owner``, ``pg_restore --no-owner`` into
a fresh PostgreSQL server, and the input report built from the restored
database is byte for byte the one built before.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from planner_helpers import response_csv
from security.livehttp import short_survey_file
from stack import load_script, start_stack, stop_stack
from support import import_file


def _libpq(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


def test_a_restored_backup_gives_the_same_input_report(tmp_path: Path) -> None:
    from survey.definitions.definition import definition_of
    from survey.definitions.store import find_survey
    from survey.extensions import db

    stack = start_stack(tmp_path, "zone")
    fresh = None
    try:
        app = stack.app()
        try:
            key = import_file(app, short_survey_file(tmp_path, "kort-zone", "open"))
            with app.app_context():
                survey = find_survey(db.session, key)
                assert survey is not None
                responses = response_csv(definition_of(survey), 300)
        finally:
            with app.app_context():
                db.session.remove()
                db.engine.dispose()
        (tmp_path / "responses.csv").write_bytes(responses)
        stack.flask("responses", "import", key, str(tmp_path / "responses.csv"))
        stack.flask("report", "build", key, "--format", "json", "--out", str(tmp_path / "a.json"))

        bindir = stack.pg.bindir
        dump = tmp_path / "zvp-survey.dump"
        subprocess.run(
            [
                str(bindir / "pg_dump"),
                "--format=custom",
                "--no-owner",
                f"--dbname={_libpq(stack.database_url)}",
                f"--file={dump}",
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
        # A new server, as after losing the machine.
        fresh = load_script("pgserver").PostgresServer().start()
        restored = fresh.create_database("zone_restored")
        subprocess.run(
            [
                str(bindir / "pg_restore"),
                "--no-owner",
                "--exit-on-error",
                f"--dbname={_libpq(restored)}",
                str(dump),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
        stack.flask(
            "report",
            "build",
            key,
            "--format",
            "json",
            "--out",
            str(tmp_path / "b.json"),
            SURVEY_DATABASE_URL=restored,
        )
        # The restored database is at the migrations' head: nothing to upgrade.
        current = stack.flask("db", "current", SURVEY_DATABASE_URL=restored).stdout
        assert "(head)" in current, current
    finally:
        if fresh is not None:
            fresh.stop()
        stop_stack(stack)
    before = (tmp_path / "a.json").read_bytes()
    assert b'"responses": 300' in before
    assert (tmp_path / "b.json").read_bytes() == before
