"""Writers: the HTML fragment for the planner workspace and the PDF
renderer that fetches nothing but data: URLs."""

from __future__ import annotations

import pytest

from survey.analysis.model import PartnerInput, QuestionResult, Report
from survey.analysis.tables import (
    COMPLEMENTARY,
    PRIMARY,
    CategoricalTable,
    Category,
    PriorityMatrix,
    PriorityMethod,
    TextThemes,
)
from survey.reporting.html_writer import render_report_html
from survey.reporting.pdf_writer import render_pdf
from survey.reporting.tagged_pdf import DataOnlyFetcher


def tiny_model() -> Report:
    table = CategoricalTable(
        (
            Category(1, "Ja", 31),
            Category(2, "Nee", 5, mark=PRIMARY),
            Category(3, "Soms", 4, mark=COMPLEMENTARY),
        ),
        valid=40,
        missing=0,
    )
    return Report(
        survey="x-2026",
        audience="citizen",
        title="Bevraging <script>alert(1)</script>",
        consultation_key="c",
        consultation_title="Consultatie",
        generated_on="2026-11-25",
        language="nl",
        responses=40,
        responses_by_mode={"web": 40},
        weighting=None,
        weighting_problem=None,
        suppression_threshold=10,
        pages=(("p", "Thema"),),
        questions=(QuestionResult("q", "single", "p", "Thema", "Vraag?", None, None, table),),
        crosstabs=(),
        priority_matrix=PriorityMatrix(
            (),
            PriorityMethod(
                weights={"concern": 1.0},
                weights_source="default",
                samples=10,
                seed=1,
                sensitivity_top=5,
                sensitivity_delta=0.2,
                stable=True,
                base_top=(),
                changes=(),
                sector_min_n=3,
            ),
        ),
        free_text=TextThemes(0, 0, ()),
        partner_input=PartnerInput((), 0, {}, ()),
    )


def test_fragment_for_the_workspace(app_ctx: object) -> None:
    html = render_report_html(tiny_model())
    assert "<html" not in html and "<style" not in html
    assert "<script>" not in html  # survey texts are escaped
    assert "77,50" in html
    # The suppressed count is an "x" in its own cell, which gives both
    # reasons a figure is hidden, never which one holds.
    reasons = (
        "niet getoond: minder antwoorden dan de drempel, "
        "of verborgen zodat zo’n cijfer niet te berekenen is"
    )
    assert f'<td class="num x" title="{reasons}">x</td>' in html
    whole = render_report_html(tiny_model(), standalone=True)
    assert whole.lstrip().startswith("<!DOCTYPE html>") and "<style>" in whole


def test_pdf_fetches_nothing_but_data_urls(app_ctx: object) -> None:
    fetcher = DataOnlyFetcher()
    for url in ("file:///etc/hostname", "http://127.0.0.1/x.css", "https://example.org/a.png"):
        with pytest.raises(ValueError, match="refused"):
            fetcher.fetch(url)
    assert render_pdf(tiny_model()).startswith(b"%PDF")


def test_writers_show_a_table_by_its_kind_not_its_question_type(app_ctx: object) -> None:
    """A question type the writers have never heard of (here "likert") that
    gives a categorical table is shown like a single question: chart, table
    and sheet."""
    import io
    from dataclasses import replace

    from openpyxl import load_workbook

    from survey.reporting.xlsx_writer import render_xlsx

    report = tiny_model()
    question = replace(report.questions[0], type="likert", key="nieuw")
    report = replace(report, questions=(question,))
    html = render_report_html(report)
    assert 'id="q-nieuw"' in html and "77,50" in html and "<img" in html
    book = load_workbook(io.BytesIO(render_xlsx(report)))
    assert "nieuw" in book.sheetnames
    assert [c.value for c in book["nieuw"]["A"] if c.value][:3] == ["Vraag?", "Antwoord", "Ja"]
