"""The report as a PDF annex to the ZVP, rendered by WeasyPrint from the same
template as the HTML (``pdf=True``: title page, contents, page layout).

WeasyPrint fetches nothing: the stylesheet is embedded in the document and
charts are ``data:`` images, and the URL fetcher refuses every other URL
(http, file, ...), so a label in a survey file can never make the renderer
read a local file or call a server."""

from __future__ import annotations

import logging
from typing import Any

from weasyprint import HTML
from weasyprint.urls import URLFetcher  # type: ignore[import-untyped]

from survey.analysis.model import Report
from survey.reporting.html_writer import render_report_html


class DataOnlyFetcher(URLFetcher):  # type: ignore[misc]
    """Allows ``data:`` URLs only."""

    def __init__(self) -> None:
        super().__init__(allowed_protocols={"data"}, allow_redirects=False)

    def fetch(self, url: str, headers: Any = None) -> Any:
        if not url.startswith("data:"):
            raise ValueError(f"refused to fetch {url[:80]}: the report uses no external files")
        return super().fetch(url, headers)


def render_pdf(report: Report) -> bytes:
    """The report model as PDF bytes (A4)."""
    html = render_report_html(report, pdf=True)
    # WeasyPrint logs every CSS property it ignores; keep the command quiet.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    document = HTML(string=html, base_url=None, url_fetcher=DataOnlyFetcher())
    data = document.write_pdf()
    assert isinstance(data, bytes)
    return data
