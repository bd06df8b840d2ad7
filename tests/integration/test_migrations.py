"""Migrations build the schema the models describe, and go back down."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect

ROOT = Path(__file__).resolve().parents[2]


def _flask(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        "PATH": "/usr/bin:/bin",
        "SURVEY_ENV": "testing",
        "SURVEY_DATABASE_URL": url,
        "SURVEY_SECRET_KEY": "migration-test",
    }
    return subprocess.run(
        [str(Path(sys.executable).parent / "flask"), "--app", "survey", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.slow
def test_upgrade_check_downgrade_and_upgrade_again(fresh_database_url) -> None:
    url = fresh_database_url("migrations")
    for step in (("db", "upgrade"), ("db", "check"), ("db", "downgrade", "base")):
        result = _flask(url, *step)
        assert result.returncode == 0, result.stderr + result.stdout
    engine = create_engine(url)
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    result = _flask(url, "db", "upgrade")
    assert result.returncode == 0, result.stderr
    tables = set(inspect(engine).get_table_names())
    engine.dispose()
    assert {"surveys", "responses", "answers", "free_texts", "drafts", "invitation_codes"} <= tables


def test_revision_files_are_date_prefixed_and_reversible() -> None:
    files = sorted((ROOT / "migrations" / "versions").glob("*.py"))
    assert files
    for path in files:
        assert path.name[:8].isdigit() and path.name[8] == "_", path.name
        text = path.read_text(encoding="utf-8")
        assert "def downgrade" in text
        body = text.split("def downgrade", 1)[1]
        assert "op." in body, f"{path.name} has an empty downgrade"
