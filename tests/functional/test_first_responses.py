"""The report from the first responses: with weighting on by default and the
consultation's margins stored, a survey with 5 responses cannot be weighted
yet (most margin groups have no respondents). The report page, every
download and the command line still give the report: unweighted, saying why
in Dutch, never a 422."""

from __future__ import annotations

import html
import io
import json
import re
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from flask import Flask
from formtools import Page
from openpyxl import load_workbook
from planner_helpers import load_demo_residents, logged_in, made_pdf

KEY = "burgers-2026"
REPORT_URL = f"/planner/rapporten/{KEY}"
WHY = "Weging naar de bevolkingsmarges is niet mogelijk"


@pytest.fixture
def five(app: Flask) -> str:
    return load_demo_residents(app, 5)


def test_the_report_of_five_responses_opens_in_every_format(
    app: Flask, client: Any, five: str, tmp_path: Path
) -> None:
    logged_in(app, client, "viewer")
    response = client.get(REPORT_URL)
    assert response.status_code == 200
    page = Page(response)
    assert WHY in page.text and "nog geen respondenten" in page.text
    assert "niet gewogen (zie hieronder)" in page.text
    assert 'class="error-summary"' not in page.html
    # every download offered on the page opens
    links = {
        fmt: html.unescape(href)
        for href, fmt in re.findall(r'href="([^"]*/inputrapport\.(\w+)[^"]*)"', page.html)
    }
    assert set(links) == {"xlsx", "json", "html", "docx", "zip"}
    files = {}
    for fmt, href in links.items():
        download = client.get(href)
        assert download.status_code == 200, fmt
        assert "attachment" in download.headers["Content-Disposition"]
        files[fmt] = download.data
    # The PDF is made in the background from its button (test_report_pdf.py).
    files["pdf"] = made_pdf(app, client, page)

    report = json.loads(files["json"])
    assert report["responses"] == 5
    assert report["estimates"] == "unweighted" and report["weighting"] is None
    assert report["weighting_problem"]["kind"] == "margin_without_respondents"
    assert WHY in report["weighting_problem"]["message"]
    # what it cannot show: every small cell is hidden, every percentage on
    # fewer than 30 answers too
    for q in report["questions"]:
        for table in q.get("rows") or [q]:
            for option in table.get("options", []):
                assert option["estimate"] is None
                count = option["chosen_count"] if "chosen_count" in option else option["count"]
                assert option["suppressed"] or not count

    document = files["html"].decode("utf-8")
    assert WHY in document
    # the summary says what the report cannot show yet, and quotes no share
    # resting on 5 answers
    assert "Met zo weinig antwoorden kan het rapport nog geen percentages tonen" in document
    assert "van de inwoners zegt dat" not in document
    book = load_workbook(io.BytesIO(files["xlsx"]), read_only=True)
    facts = {row[0]: row[1] for row in book["Rapport"].iter_rows(values_only=True) if row[0]}
    assert facts["Cijfers"] == "ongewogen" and WHY in facts["Weging"]
    pdf = tmp_path / "vijf.pdf"
    pdf.write_bytes(files["pdf"])
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, check=True, text=True
    ).stdout
    assert "Weging naar de bevolkingsmarges is niet" in " ".join(text.split())
    # the editable annex says the same; the charts archive opens
    editable = Document(io.BytesIO(files["docx"]))
    assert WHY in "\n".join(p.text for p in editable.paragraphs)
    with zipfile.ZipFile(io.BytesIO(files["zip"])) as charts:
        assert charts.testzip() is None


def test_the_command_line_builds_it_too_and_warns(
    app: Flask, runner: Any, five: str, tmp_path: Path
) -> None:
    for fmt in ("json", "pdf", "xlsx", "html"):
        out = tmp_path / f"vijf.{fmt}"
        result = runner.invoke(args=["report", "build", KEY, "--format", fmt, "--out", str(out)])
        assert result.exit_code == 0, result.output
        assert "warning:" in result.output and WHY in result.output
        assert out.stat().st_size > 0
    report = json.loads((tmp_path / "vijf.json").read_text(encoding="utf-8"))
    assert report["weighting_problem"]["details"]["dimension"] in ("district", "age", "sex")
