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


@pytest.mark.slow
def test_partner_consent_migration_keeps_links_and_refills_consent(fresh_database_url) -> None:
    """Down below the partner consent revision and up again, on the demo:
    every partner link and every partner's response stays (on SQLite a
    table copy would have deleted the links through ON DELETE CASCADE),
    consent to be named comes back from the partners' ``vermelding``
    answers, and a partner's opened time is cut to its day."""
    from sqlalchemy import text

    url = fresh_database_url("consent")
    for step in (("db", "upgrade"), ("demo",)):
        result = _flask(url, *step)
        assert result.returncode == 0, result.stderr + result.stdout
    engine = create_engine(url)

    def state() -> tuple[int, int, list[tuple[str, bool]]]:
        with engine.connect() as connection:
            links = connection.execute(text("SELECT COUNT(*) FROM partner_links")).scalar_one()
            sent = connection.execute(
                text("SELECT COUNT(*) FROM responses WHERE partner_id IS NOT NULL")
            ).scalar_one()
            named = connection.execute(
                text("SELECT name, named FROM partner_organisations ORDER BY name")
            ).all()
        return links, sent, [(n, bool(k)) for n, k in named]

    before = state()
    assert before[0] > 0 and before[1] > 0 and any(k for _n, k in before[2])
    result = _flask(url, "db", "downgrade", "20261205_ed01")
    assert result.returncode == 0, result.stderr
    with engine.begin() as connection:
        connection.execute(
            text("UPDATE partner_links SET first_opened_at = :moment"),
            {"moment": "2026-09-18 09:41:00"},
        )
    result = _flask(url, "db", "upgrade")
    assert result.returncode == 0, result.stderr
    assert state() == before
    with engine.connect() as connection:
        opened = {
            str(v)[:19]
            for v in connection.execute(text("SELECT first_opened_at FROM partner_links")).scalars()
        }
    engine.dispose()
    assert opened == {"2026-09-18 00:00:00"}


@pytest.mark.slow
def test_weighting_choices_migration_goes_down_and_up_keeping_every_consultation(
    fresh_database_url,
) -> None:
    """Down below the weighting choices revision and up again, on the demo:
    the column goes and comes back empty (reports use the defaults then),
    and no consultation or survey is lost on the way (an in-place column
    drop, never a table copy the surveys' foreign keys would trip over)."""
    from sqlalchemy import text

    url = fresh_database_url("weighting")
    for step in (("db", "upgrade"), ("demo", "--residents", "20")):
        result = _flask(url, *step)
        assert result.returncode == 0, result.stderr + result.stdout
    engine = create_engine(url)

    def counts() -> tuple[int, int]:
        with engine.connect() as connection:
            return (
                connection.execute(text("SELECT COUNT(*) FROM consultations")).scalar_one(),
                connection.execute(text("SELECT COUNT(*) FROM surveys")).scalar_one(),
            )

    before = counts()
    assert before[0] > 0 and before[1] > 0
    with engine.begin() as connection:
        connection.execute(
            text("UPDATE consultations SET weighting = :choices"),
            {"choices": '{"minimum": 0, "into": {"sex": {"3": 2}}, "unanswered": true}'},
        )
    result = _flask(url, "db", "downgrade", "0008")
    assert result.returncode == 0, result.stderr
    columns = {c["name"] for c in inspect(engine).get_columns("consultations")}
    assert "weighting" not in columns and "margins_source" in columns
    assert counts() == before
    for step in (("db", "upgrade"), ("db", "check")):
        result = _flask(url, *step)
        assert result.returncode == 0, result.stderr + result.stdout
    with engine.connect() as connection:
        stored = connection.execute(text("SELECT weighting FROM consultations")).scalars().all()
    after = counts()
    # Every connection closed before the test ends (psycopg warns otherwise).
    engine.dispose()
    assert after == before and set(stored) == {None}
