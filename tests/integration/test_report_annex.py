"""The input report as the council's annex (issue 19), read back the way its
readers get it: the PDF through a screen reader's eyes (tags, language,
bookmarks, alt text; pikepdf) and page by page as text (pdftotext)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from language_checks import charts_zip_text, docx_text, english_only_words, html_text, words
from pdf_checks import Tagged, page_texts, pages_ending_with, read_tagged
from report_data import MARGINS_CSV, generate, load

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture(scope="module")
def annex(app: Flask, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The weighted report of the mini survey, built once (a PDF takes a
    few seconds): its PDF read back, its JSON, and the PDF's layout as
    WeasyPrint made it (pages of boxes); the tables are wiped afterwards."""
    from support import wipe_database
    from weasyprint import HTML

    from survey.analysis.margins import parse_margins
    from survey.analysis.report import ReportSettings, build_report
    from survey.extensions import db
    from survey.reporting.docx_writer import render_charts_zip, render_docx
    from survey.reporting.html_writer import render_report_html
    from survey.reporting.pdf_writer import render_pdf

    tmp_path = tmp_path_factory.mktemp("annex")
    key = load(app, tmp_path, generate())
    margins = parse_margins(MARGINS_CSV.encode("utf-8"))
    try:
        with app.app_context():
            report = build_report(db.session, key, ReportSettings(margins=margins))
            data = render_pdf(report)
            layout = HTML(string=render_report_html(report, pdf=True)).render()
            model = report.to_json()
            docx = render_docx(report)
            charts_zip = render_charts_zip(report)
            html = render_report_html(report, standalone=True)
    finally:
        wipe_database(app)
    return {
        "pdf": data,
        "json": model,
        "layout": layout,
        "tagged": read_tagged(data),
        "pages": page_texts(data),
        "docx": docx,
        "zip": charts_zip,
        "html": html,
    }


def _boxes(page: Any) -> Iterator[Any]:
    yield from page._page_box.descendants()


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


def test_the_council_opens_the_annex_on_the_decision_page(annex: dict[str, Any]) -> None:
    pages = annex["pages"]
    # The title page, then the proposal: before the contents, before any method.
    decision = pages[1]
    assert "Voorstel aan de zonale veiligheidsraad" in decision
    assert "De regel: een fenomeen wordt als prioriteit voorgesteld" in decision
    assert "Wat de voorstellen kan veranderen" in decision
    # Whole percentages only: no decimal comma before a percent sign.
    assert re.search(r"\d,\d+ ?%", decision) is None, decision
    assert re.search(r"\d+ % \(\d+ - \d+ %\)", decision), decision
    # The B1 summary comes right after the contents, on one page.
    summary = next(i for i, text in enumerate(pages) if "1. Samenvatting" in text and i > 2)
    assert "Inhoud" in pages[summary - 1]
    assert "2. Hoe de consultatie verliep" not in pages[summary]


# English words that are not Dutch words too ("partners", "score", "online" are).
ENGLISH = (
    "paper",
    "unknown",
    "age",
    "sex",
    "concern",
    "priority",
    "importance",
    "victimisation",
    "weighted",
    "unweighted",
    "the",
    "and",
    "with",
    "not",
    "shown",
    "rank",
    "proposal",
    "district",
    "respondents",
    "answers",
    "residents",
    "share",
    "figures",
)
DUTCH_TOO = frozenset({"account", "bank", "step", "part", "ten", "data", "online", "score"})
"""Words of the English msgids that are Dutch words as well."""


def test_the_dutch_annex_has_no_english_words(annex: dict[str, Any]) -> None:
    english = (english_only_words("nl") | set(ENGLISH)) - DUTCH_TOO
    # The catalog's own English words are in the list, and some are common.
    assert {"the", "weighted", "rank", "unknown"} <= english
    texts = {
        "pdf": " ".join(annex["pages"]),
        "html": html_text(annex["html"]),
        "docx": docx_text(annex["docx"]),
        "charts": charts_zip_text(annex["zip"]),
    }
    assert all(len(text) > 500 for text in texts.values()), {k: len(v) for k, v in texts.items()}
    found = {name: sorted(words(text) & english) for name, text in texts.items()}
    assert found == {"pdf": [], "html": [], "docx": [], "charts": []}, found


def test_no_table_row_is_split_across_pages(annex: dict[str, Any]) -> None:
    from weasyprint.formatting_structure.boxes import TableRowBox

    pages_of_row: dict[int, set[int]] = {}
    for number, page in enumerate(annex["layout"].pages):
        for box in _boxes(page):
            if isinstance(box, TableRowBox) and box.element is not None:
                pages_of_row.setdefault(id(box.element), set()).add(number)
    assert pages_of_row
    split = [pages for pages in pages_of_row.values() if len(pages) > 1]
    assert not split, split


def test_every_table_and_chart_stays_inside_the_page_margins(annex: dict[str, Any]) -> None:
    from weasyprint.formatting_structure.boxes import TableBox

    for number, page in enumerate(annex["layout"].pages):
        box = page._page_box
        right = box.content_box_x() + box.width
        for child in _boxes(page):
            if isinstance(child, TableBox) or child.element_tag == "img":
                edge = child.position_x + child.margin_width()
                assert edge <= right + 0.5, (number + 1, child.element_tag, edge, right)
    matrix_pages = [t for t in annex["pages"] if "Ranginterval" in t]
    assert matrix_pages, "the priority table is in the PDF"


def test_no_chart_description_ends_a_question_twice(annex: dict[str, Any]) -> None:
    # A question ends in "?": its chart's description must not add "." to it,
    # in the HTML, the PDF's tags or the Word pictures' descriptions.
    import io
    from html import unescape

    from docx import Document

    html_alts = [unescape(a) for a in re.findall(r'<img[^>]* alt="([^"]*)"', annex["html"])]
    document = Document(io.BytesIO(annex["docx"]))
    docx_alts = [s._inline.docPr.get("descr") or "" for s in document.inline_shapes]
    for name, alts in (
        ("html", html_alts),
        ("pdf", annex["tagged"].alt_texts),
        ("docx", docx_alts),
    ):
        assert alts, name
        assert any("?" in alt for alt in alts), name  # questions are in them
        doubled = [alt for alt in alts if re.search(r"[?!.]\.", alt)]
        assert not doubled, (name, doubled[:2])


def test_no_page_of_the_annex_ends_with_a_heading(annex: dict[str, Any]) -> None:
    from html import unescape

    headings = [
        unescape(re.sub(r"<[^>]+>", "", h))
        for h in re.findall(r"<h[1-4][^>]*>(.*?)</h[1-4]>", annex["html"], re.S)
    ]
    assert len(headings) > 20
    assert not pages_ending_with(annex["pdf"], headings)


def test_every_matrix_header_stays_in_its_own_column(annex: dict[str, Any]) -> None:
    # "partners: prioriteit (%)" ran into "slachtofferschap (%)": a header's
    # words stay inside its own cell, so two headers never read as one.
    from weasyprint.formatting_structure.boxes import TableBox, TableCellBox, TextBox

    headers = []
    for page in annex["layout"].pages:
        for table in _boxes(page):
            if not isinstance(table, TableBox) or "matrix" not in table.element.get("class", ""):
                continue
            for cell in table.descendants():
                if isinstance(cell, TableCellBox) and cell.element.get("scope") == "col":
                    left, right = cell.content_box_x(), cell.content_box_x() + cell.width
                    for text in cell.descendants():
                        if isinstance(text, TextBox):
                            headers.append(text.text)
                            assert left - 0.5 <= text.position_x, text.text
                            assert text.position_x + text.width <= right + 0.5, text.text
    assert "Ranginterval" in "".join(headers).replace("\u2010", "")


def test_the_matrix_page_names_every_phenomenon_and_its_rule(annex: dict[str, Any]) -> None:
    labels = [p["label"] for p in annex["json"]["priorities"]]
    text = "\n".join(annex["pages"])
    start = text.rindex("4. Prioriteitenmatrix")
    chapter = text[start : text.index("5. ", start)]
    for label in labels:
        assert chapter.count(label) >= 2, label  # the table and the rank chart
    alts = " ".join(annex["tagged"].alt_texts)
    assert "Stip- en intervalgrafiek" in alts
    ranked = [p["label"] for p in annex["json"]["priorities"] if p["rank"] is not None]
    assert ranked
    for label in ranked:
        assert f"{label}: rang" in alts  # the dot-and-interval chart
    for label in labels:
        assert f"{label} (rang" in alts  # the bubble chart, or named under it


def test_the_zone_edits_the_annex_in_word(annex: dict[str, Any]) -> None:
    import io

    from docx import Document

    document = Document(io.BytesIO(annex["docx"]))
    headings = [
        (p.style.name, p.text) for p in document.paragraphs if p.style.name.startswith("Heading")
    ]
    titles = [text for _style, text in headings]
    # The same chapters as the PDF, in the same order, as real headings.
    order = [
        "Voorstel aan de zonale veiligheidsraad",
        "1. Samenvatting",
        "2. Hoe de consultatie verliep",
        "3. Resultaten per thema",
        "4. Prioriteitenmatrix",
    ]
    positions = [titles.index(title) for title in order]
    assert positions == sorted(positions), titles
    assert ("Heading 1", "Voorstel aan de zonale veiligheidsraad") in headings
    # Real tables: the decision table and the priority table with their rows.
    decision = document.tables[0]
    assert decision.rows[0].cells[0].text == "Fenomeen"
    labels = [p["label"] for p in annex["json"]["priorities"]]
    matrix = next(
        t
        for t in document.tables
        if t.rows[0].cells[-1].text == "Voorstel" and len(t.rows[0].cells) == 11
    )
    assert [row.cells[1].text for row in matrix.rows[1:]] == labels
    # Charts are pictures with their alt text.
    pictures = document.inline_shapes
    assert len(pictures) >= 3
    assert all(shape._inline.docPr.get("descr") for shape in pictures)
    assert document.core_properties.language == "nl"


def test_the_word_version_has_a_table_of_contents_after_the_decision_page(
    annex: dict[str, Any],
) -> None:
    """A contents field over the chapters and municipalities, which Word
    fills in when the zone opens the document."""
    import io

    from docx import Document
    from docx.oxml.ns import qn

    document = Document(io.BytesIO(annex["docx"]))
    titles = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert titles.index("Voorstel aan de zonale veiligheidsraad") < titles.index("Inhoud")
    assert titles.index("Inhoud") < titles.index("1. Samenvatting")
    fields = [
        t.text for t in document.element.body.iter(qn("w:instrText")) if "TOC" in (t.text or "")
    ]
    assert fields == ['TOC \\o "1-2" \\h \\z \\u']
    update = document.settings.element.find(qn("w:updateFields"))
    assert update is not None and update.get(qn("w:val")) == "true"


def test_the_charts_come_as_png_svg_and_their_numbers(annex: dict[str, Any]) -> None:
    import csv
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(annex["zip"])) as archive:
        names = archive.namelist()
        stems = {name.rsplit(".", 1)[0] for name in names}
        for stem in stems:
            for ext in ("svg", "png", "csv"):
                assert f"{stem}.{ext}" in names
        assert archive.read(f"{sorted(stems)[0]}.png").startswith(b"\x89PNG")
        ranks = next(stem for stem in stems if stem.endswith("priority_ranks"))
        rows = list(csv.reader(io.StringIO(archive.read(f"{ranks}.csv").decode("utf-8-sig"))))
    assert rows[0][:2] == ["Fenomeen", "Rang"]
    assert [row[0] for row in rows[1:]] == [
        p["label"] for p in annex["json"]["priorities"] if p["rank"] is not None
    ]
