"""The report as a PDF annex to the ZVP, rendered from the same template as
the HTML (``pdf=True``: title page, contents, page layout) and written
tagged (``survey.reporting.tagged_pdf``). The contents' page numbers come
from ``target-counter()`` in the stylesheet: one layout pass.

The layout is a pure function of the HTML, so the PDF of the same HTML
(the same report, options and language, the same day) is laid out once
per process (``survey.memo.PDFS``): a second download, or a colleague's,
comes from memory."""

from __future__ import annotations

from survey.analysis.model import Report
from survey.memo import PDFS, repr_key
from survey.reporting.html_writer import render_report_html
from survey.reporting.tagged_pdf import tagged_pdf


def render_pdf(report: Report) -> bytes:
    """The report model as tagged PDF bytes (A4, PDF/UA-1)."""
    html = render_report_html(report, pdf=True)
    return PDFS.get_or_make(repr_key("report-pdf", html), lambda: tagged_pdf(html))
