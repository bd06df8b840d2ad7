"""The receipt of a partner: what was submitted, on screen and as a PDF.

Built from the locked draft, which holds exactly the values that were
stored (see ``survey.partners.drafts.PartnerDraftStore.store_response``):
every question that was shown, with its text and the chosen labels, grouped
by page, as the check page lists them (``Journey.check_sections``). The PDF
is the same summary rendered by WeasyPrint with every URL fetch refused, so
a receipt never reaches out to the network.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import render_template
from weasyprint import HTML, URLFetcher

from survey.answering.journey import CheckSection


class _NoFetching(URLFetcher):  # type: ignore[misc]
    """Refuses every URL: the receipt is self-contained."""

    def fetch(self, url: str, headers: Any = None) -> Any:
        raise ValueError(f"fetching is disabled for receipts: {url}")


def render_pdf(
    *,
    survey_title: str,
    organisation: str,
    submitted_at: datetime | None,
    sections: list[CheckSection],
    language: str,
) -> bytes:
    """The receipt as PDF bytes (A4)."""
    html = render_template(
        "partners/receipt_pdf.html",
        survey_title=survey_title,
        organisation=organisation,
        submitted_at=submitted_at,
        sections=sections,
        page_language=language,
    )
    pdf = HTML(string=html, base_url=None, url_fetcher=_NoFetching()).write_pdf()
    return bytes(pdf)
