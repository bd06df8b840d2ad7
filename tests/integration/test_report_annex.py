"""The input report as the council's annex (issue 19), read back the way its
readers get it: the PDF through a screen reader's eyes (tags, language,
bookmarks, alt text; pikepdf) and page by page as text (pdftotext)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from pdf_checks import Tagged, page_texts, read_tagged
from report_data import MARGINS_CSV, generate, load

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture(scope="module")
def annex(app: Flask, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The weighted report of the mini survey as PDF (built once: a PDF takes
    a few seconds), with its JSON; the tables are wiped afterwards."""
    from support import wipe_database

    tmp_path = tmp_path_factory.mktemp("annex")
    key = load(app, tmp_path, generate())
    margins = tmp_path / "margins.csv"
    margins.write_text(MARGINS_CSV, encoding="utf-8")
    files: dict[str, Any] = {}
    try:
        for fmt in ("pdf", "json"):
            out = tmp_path / f"report.{fmt}"
            args = ["report", "build", key, "--format", fmt, "--out", str(out)]
            result = app.test_cli_runner().invoke(args=[*args, "--margins", str(margins)])
            assert result.exit_code == 0, result.output
            files[fmt] = out
    finally:
        wipe_database(app)
    data = Path(files["pdf"]).read_bytes()
    return {"pdf": data, "tagged": read_tagged(data), "pages": page_texts(data)}


def test_a_screen_reader_gets_a_tagged_dutch_report(annex: dict[str, Any]) -> None:
    tagged: Tagged = annex["tagged"]
    assert tagged.marked
    assert tagged.language == "nl"
    assert tagged.title.startswith("Inputrapport")
    # Headings, paragraphs and real tables with header cells.
    for element in ("H1", "H2", "H3", "P", "Table", "TR", "TH", "TD", "Figure"):
        assert tagged.structure[element] > 0, element
    # Every chart says what it shows.
    assert tagged.figures_without_alt == 0
    assert all(len(alt) > 20 for alt in tagged.alt_texts)


def test_the_reader_can_jump_to_every_chapter_by_bookmark(annex: dict[str, Any]) -> None:
    bookmarks = annex["tagged"].bookmarks
    for chapter in ("Samenvatting", "Prioriteitenmatrix", "Bijlage: resultaten per groep"):
        assert any(chapter in b for b in bookmarks), (chapter, bookmarks[:20])
