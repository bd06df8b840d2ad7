"""The report as a PDF annex to the ZVP, rendered from the same template as
the HTML (``pdf=True``: title page, contents, page layout) and written
tagged (``survey.reporting.tagged_pdf``)."""

from __future__ import annotations

from survey.analysis.model import Report
from survey.reporting.html_writer import render_report_html
from survey.reporting.tagged_pdf import tagged_pdf


def render_pdf(report: Report) -> bytes:
    """The report model as tagged PDF bytes (A4, PDF/UA-1)."""
    return tagged_pdf(render_report_html(report, pdf=True))
