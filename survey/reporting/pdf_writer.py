"""The report as a PDF annex to the ZVP, rendered from the same template as
the HTML (``pdf=True``: title page, contents, page layout) and written
tagged (``survey.reporting.tagged_pdf``). The contents' page numbers come
from ``target-counter()`` in the stylesheet: one layout pass.

The HTML names each chart by an address; the charts are drawn by another
process while WeasyPrint reads the HTML (``survey.reporting.print_charts``).

The layout is a pure function of the HTML, so the PDF of the same HTML
(the same report, options and language, the same day) is laid out once
per process (``survey.memo.PDFS``): a second download, or a colleague's,
comes from memory."""

from __future__ import annotations

from collections.abc import Callable

from survey.analysis.model import Report
from survey.memo import PDFS, repr_key
from survey.reporting.html_writer import render_report_html
from survey.reporting.pdf_seams import bare_tables
from survey.reporting.print_charts import PrintCharts
from survey.reporting.tagged_pdf import tagged_pdf


def print_html(report: Report) -> tuple[str, PrintCharts]:
    """The PDF's HTML of the report model (without whitespace between its
    table tags, ``pdf_seams.bare_tables``), and its charts, named in it by
    address and not drawn yet."""
    charts = PrintCharts(report.survey)
    html = render_report_html(report, pdf=True, chart_image=charts.image)
    return bare_tables(html), charts


def lay_out(html: str, charts: PrintCharts, laid_out: Callable[[int], None] | None = None) -> bytes:
    """The tagged PDF bytes of ``print_html``'s HTML, its charts drawn
    meanwhile; ``laid_out`` as for ``tagged_pdf``."""
    with charts.drawing() as images:
        return tagged_pdf(html, laid_out=laid_out, images=images)


def render_pdf(report: Report) -> bytes:
    """The report model as tagged PDF bytes (A4, PDF/UA-1)."""
    html, charts = print_html(report)
    return PDFS.get_or_make(repr_key("report-pdf", html), lambda: lay_out(html, charts))
