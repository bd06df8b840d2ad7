"""The receipt of a partner: what was submitted, on screen and as a PDF.

Built from the locked draft, which holds exactly the values that were
stored (see ``survey.partners.drafts.submit``): every question that was
shown, with its text and the chosen labels (``answer_lines`` of the
residents' check page), grouped by page. The PDF is the same summary
rendered by WeasyPrint with every URL fetch refused, so a receipt never
reaches out to the network.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import render_template
from weasyprint import HTML, URLFetcher

from survey.answering.display import answer_lines
from survey.definitions.conditions import shown_questions
from survey.definitions.definition import SurveyDefinition
from survey.i18n import text_for


@dataclass(frozen=True)
class ReceiptItem:
    key: str
    text: str
    lines: list[str]  # empty: shown but not answered


@dataclass(frozen=True)
class ReceiptSection:
    title: str
    items: list[ReceiptItem]


def summary(
    definition: SurveyDefinition, values: dict[str, Any], language: str
) -> list[ReceiptSection]:
    """The shown questions and their answers as a person reads them."""
    default = definition.default_language
    shown, kept = shown_questions(definition, values)
    shown_keys = {q.key for q in shown}
    sections: list[ReceiptSection] = []
    for page in definition.pages:
        items = [
            ReceiptItem(
                key=q.key,
                text=text_for(q.text, language, default),
                lines=answer_lines(q, kept.get(q.key), language),
            )
            for q in page.questions
            if q.key in shown_keys
        ]
        if items:
            sections.append(ReceiptSection(text_for(page.title, language, default), items))
    return sections


class _NoFetching(URLFetcher):  # type: ignore[misc]
    """Refuses every URL: the receipt is self-contained."""

    def fetch(self, url: str, headers: Any = None) -> Any:
        raise ValueError(f"fetching is disabled for receipts: {url}")


def render_pdf(
    *,
    survey_title: str,
    organisation: str,
    submitted_at: datetime | None,
    sections: list[ReceiptSection],
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
