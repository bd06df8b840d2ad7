"""The receipt of a partner: what was submitted, on screen and as a PDF.

Built from the locked draft, which holds exactly the values that were
stored (see ``survey.partners.drafts.PartnerDraftStore.store_response``):
every question that was shown, with its text and the chosen labels, grouped
by page, as the check page lists them (``Journey.check_sections``). The PDF
is the same summary rendered as a tagged PDF (``survey.reporting.tagged_pdf``)
with every URL but ``data:`` refused, so a receipt never reaches out to the
network.
"""

from __future__ import annotations

from datetime import datetime

from flask import render_template

from survey.answering.journey import CheckSection
from survey.reporting.tagged_pdf import tagged_pdf


def render_pdf(
    *,
    survey_title: str,
    organisation: str,
    submitted_at: datetime | None,
    sections: list[CheckSection],
    language: str,
) -> bytes:
    """The receipt as tagged PDF bytes (A4, PDF/UA-1, in the partner's language)."""
    html = render_template(
        "partners/receipt_pdf.html",
        survey_title=survey_title,
        organisation=organisation,
        submitted_at=submitted_at,
        sections=sections,
        page_language=language,
    )
    return tagged_pdf(html)
