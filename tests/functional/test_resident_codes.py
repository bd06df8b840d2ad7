"""``flask codes generate``: codes stored hashed, a CSV written, all or nothing."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from flask import Flask
from formtools import Page
from resident_flow import answer_all, count_responses, open_copy, start, submit, tr
from sqlalchemy import func, select
from support import limited_app

from survey.extensions import db
from survey.models import InvitationCode
from survey.tokens import CODE_ALPHABET


def _stored(app: Flask) -> int:
    with app.app_context():
        return int(db.session.scalar(select(func.count()).select_from(InvitationCode)) or 0)


def test_generate_writes_csv_and_stores_hashes(
    app: Flask, runner: Any, resident_survey: str, tmp_path: Path
) -> None:
    out = tmp_path / "codes.csv"
    result = runner.invoke(
        args=[
            "codes",
            "generate",
            resident_survey,
            "--count",
            "25",
            "--out",
            str(out),
            "--base-url",
            "https://bevraging.example.be/",
        ]
    )
    assert result.exit_code == 0, result.output
    assert "25 codes" in result.output
    rows = list(csv.DictReader(out.read_text(encoding="utf-8").splitlines()))
    assert len(rows) == 25 and len({r["code"] for r in rows}) == 25
    for row in rows:
        assert len(row["code"]) == 14 and set(row["code"]) <= set(CODE_ALPHABET + "-")
        assert row["link"] == (
            f"https://bevraging.example.be/s/{resident_survey}/code?code={row['code']}"
        )
    with app.app_context():
        stored = db.session.scalars(select(InvitationCode)).all()
        assert len(stored) == 25 and len({c.batch for c in stored}) == 1
        plain = {r["code"] for r in rows}
        assert not {c.code_hash for c in stored} & plain  # only hashes
    assert not list(tmp_path.glob(".*.tmp"))


def test_a_generated_code_works(
    app: Flask, client: Any, runner: Any, resident_survey: str, tmp_path: Path
) -> None:
    out = tmp_path / "codes.csv"
    runner.invoke(args=["codes", "generate", resident_survey, "--count", "1", "--out", str(out)])
    row = next(csv.DictReader(out.read_text(encoding="utf-8").splitlines()))
    link = row["link"].removeprefix("http://127.0.0.1:5000")
    code_page = client.get(link)
    assert f'value="{row["code"]}"' in code_page.get_data(as_text=True)
    submit(client, answer_all(client, start(client, resident_survey, code=row["code"])))
    assert count_responses(app, resident_survey) == 1


def test_refuses_open_surveys(app: Flask, runner: Any, tmp_path: Path) -> None:
    key = open_copy(app, tmp_path)
    out = tmp_path / "codes.csv"
    result = runner.invoke(args=["codes", "generate", key, "--count", "5", "--out", str(out)])
    assert result.exit_code != 0
    assert "codes are only for surveys with access invitation" in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert not out.exists() and _stored(app) == 0


def test_unknown_survey_and_bad_count(
    app: Flask, runner: Any, resident_survey: str, tmp_path: Path
) -> None:
    out = tmp_path / "c.csv"
    result = runner.invoke(args=["codes", "generate", "nope", "--count", "5", "--out", str(out)])
    assert result.exit_code != 0 and "no survey" in result.output
    result = runner.invoke(
        args=["codes", "generate", resident_survey, "--count", "0", "--out", str(out)]
    )
    assert result.exit_code != 0 and "count must be" in result.output
    assert _stored(app) == 0


def test_nothing_stored_when_the_file_cannot_be_written(
    app: Flask, runner: Any, resident_survey: str, tmp_path: Path
) -> None:
    out = tmp_path / "missing-folder" / "codes.csv"
    result = runner.invoke(
        args=["codes", "generate", resident_survey, "--count", "5", "--out", str(out)]
    )
    assert result.exit_code != 0
    assert "cannot write" in result.output
    assert _stored(app) == 0


def test_nothing_stored_when_the_rename_fails(
    app: Flask, runner: Any, resident_survey: str, tmp_path: Path
) -> None:
    out = tmp_path / "is-a-folder"
    out.mkdir()
    (out / "keep").write_text("x")
    result = runner.invoke(
        args=["codes", "generate", resident_survey, "--count", "5", "--out", str(out)]
    )
    assert result.exit_code != 0
    assert _stored(app) == 0
    assert not list(tmp_path.glob(".*.tmp"))


def test_code_entry_is_rate_limited(app: Flask, resident_survey: str, database_url: str) -> None:
    """Guessing codes: after 10 tries a minute the client gets a Dutch 429 page."""
    with limited_app(database_url) as limited:
        client = limited.test_client()
        page = Page(client.get(f"/s/{resident_survey}/code"))
        statuses = [
            page.form().set("code", f"AAAA-AAAA-AA{n:02d}").submit(client).status_code
            for n in range(11)
        ]
        assert statuses[:10] == [200] * 10
        assert statuses[10] == 429
        refused = Page(page.form().set("code", "AAAA").submit(client))
        assert tr(app, "Too many attempts") in refused.text
        # Reading the page is not limited.
        assert client.get(f"/s/{resident_survey}/code").status_code == 200
