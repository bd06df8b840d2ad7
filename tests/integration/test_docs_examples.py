"""The response-file examples in docs/response-file.md do what the page says.

The example survey of docs/survey-file.md is imported and opened; the
documented paper import is run through the real command and stores the
documented responses, the documented export gives back the documented
rows, and the documented faulty file is refused with exactly the documented
problems, storing nothing.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

import pytest
from docs_support import RESPONSE_FILE, SURVEY_FILE, marked, shown_after
from flask import Flask
from planner_helpers import msg
from sqlalchemy import func, select

KEY = "buurt-2026"


@pytest.fixture
def example_survey(app: Flask) -> str:
    from survey.definitions.lifecycle import open_survey
    from survey.definitions.loader import load_definition
    from survey.definitions.store import import_survey
    from survey.extensions import db

    with app.app_context():
        text = marked(SURVEY_FILE, "survey")[0].text
        key = import_survey(db.session, load_definition(text)).survey.key
        open_survey(db.session, key)
        db.session.commit()
    assert key == KEY
    return key


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    # The documented messages name the file as typed: run from its folder.
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _documented(name: str) -> tuple[str, str]:
    """(the example's text, what the page says comes out)."""
    block = marked(RESPONSE_FILE, name)[0]
    return block.text, shown_after(RESPONSE_FILE, block)


def _responses(app: Flask) -> int:
    from survey.extensions import db
    from survey.models import Response

    with app.app_context():
        return int(db.session.scalar(select(func.count()).select_from(Response)) or 0)


def _rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_the_documented_paper_import_and_export_give_the_documented_rows(
    app: Flask, runner: Any, example_survey: str, in_tmp: Path
) -> None:
    example, said = _documented("import")
    (in_tmp / "papier.csv").write_text(example, encoding="utf-8")
    result = runner.invoke(args=["responses", "import", KEY, "papier.csv", "--mode", "paper"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == said.splitlines()
    assert _responses(app) == 3

    result = runner.invoke(args=["responses", "export", KEY, "--out", "antwoorden.csv"])
    assert result.exit_code == 0, result.output
    exported = _rows((in_tmp / "antwoorden.csv").read_bytes())
    header = marked(RESPONSE_FILE, "export header")[0].text.strip().split(",")
    documented = _rows(marked(RESPONSE_FILE, "export rows")[0].text.encode("utf-8"))
    assert exported[0] == header == documented[0]
    # The response ids are random: only their form can match the page.
    assert all(re.fullmatch(r"[0-9a-f]{24}", row[0]) for row in exported[1:])
    # Nor does their order (random, not the order of import): the same rows.
    assert sorted(row[1:] for row in exported[1:]) == sorted(row[1:] for row in documented[1:])


def test_the_documented_faulty_file_is_refused_with_the_documented_problems(
    app: Flask, runner: Any, example_survey: str, in_tmp: Path
) -> None:
    assert msg(app, "Answer this row.") != "Answer this row.", (
        "the page shows the Dutch messages: compile the catalogs (make i18n-compile)"
    )
    example, said = _documented("import refused")
    (in_tmp / "papier.csv").write_text(example, encoding="utf-8")
    result = runner.invoke(args=["responses", "import", KEY, "papier.csv"])
    assert result.exit_code == 1
    assert result.output.splitlines() == said.splitlines()
    assert _responses(app) == 0
