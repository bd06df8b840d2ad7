"""The one way every PDF of the platform is written: tagged (PDF/UA-1), with
a structure tree of headings, paragraphs, lists, tables and figures with
their alt text, the document language from ``<html lang>``, the title from
``<title>`` and bookmarks from the headings, so that a screen reader can
read it and a public body may publish it.

WeasyPrint fetches nothing: stylesheets are embedded in the document and
images are ``data:`` URLs, and the URL fetcher refuses every other URL
(http, file, ...), so a label in a survey file can never make the renderer
read a local file or call a server. This module imports no chart code, so
a blueprint may import it at start-up.
"""

from __future__ import annotations

import logging
from typing import Any

from weasyprint import HTML
from weasyprint.urls import URLFetcher  # type: ignore[import-untyped]

PDF_VARIANT = "pdf/ua-1"
"""Tagged PDF with the metadata PDF/UA asks for (WeasyPrint's variant)."""


class DataOnlyFetcher(URLFetcher):  # type: ignore[misc]
    """Allows ``data:`` URLs only."""

    def __init__(self) -> None:
        """Refuse redirects and every protocol but ``data``."""
        super().__init__(allowed_protocols={"data"}, allow_redirects=False)

    def fetch(self, url: str, headers: Any = None) -> Any:
        """The content of a ``data:`` URL; any other URL is refused."""
        if not url.startswith("data:"):
            raise ValueError(f"refused to fetch {url[:80]}: the document uses no external files")
        return super().fetch(url, headers)


def tagged_pdf(html: str) -> bytes:
    """A whole HTML document (with ``lang`` and ``<title>``; every image with
    an ``alt``) as tagged PDF bytes (PDF/UA-1)."""
    # WeasyPrint logs every CSS property it ignores; keep the logs quiet.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    document = HTML(string=html, base_url=None, url_fetcher=DataOnlyFetcher())
    return bytes(document.write_pdf(pdf_variant=PDF_VARIANT))
