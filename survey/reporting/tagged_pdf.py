"""The one way every PDF of the platform is written: tagged (PDF/UA-1), with
a structure tree of headings, paragraphs, lists, tables and figures with
their alt text, the document language from ``<html lang>`` (and, on the
structure element of any other element with a ``lang`` of its own, that
language: a Dutch term quoted untranslated in a French report is read in
Dutch), the title from
``<title>`` and bookmarks from the headings, so that a screen reader can
read it and a public body may publish it.

WeasyPrint fetches nothing: stylesheets are embedded in the document and
images are ``data:`` URLs or the addresses of images the caller hands over
(``images``: the report's charts, drawn meanwhile by another process,
``survey.reporting.print_charts``), and the URL fetcher refuses every
other URL (http, file, ...), so a label in a survey file can never make the
renderer read a local file or call a server. This module imports no chart code, so
a blueprint may import it at start-up.
"""

from __future__ import annotations

import gc
import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pydyf  # type: ignore[import-untyped]
from weasyprint.pdf import tags as weasyprint_tags  # type: ignore[import-untyped]
from weasyprint.urls import URLFetcher, URLFetcherResponse  # type: ignore[import-untyped]

from survey.reporting import pdf_seams
from survey.reporting.pdf_seams import lighter_pdf_writing

PDF_VARIANT = "pdf/ua-1"
"""Tagged PDF with the metadata PDF/UA asks for (WeasyPrint's variant)."""


Images = Callable[[str], bytes | None]
"""The SVG of an image the document names by an address that is not a
``data:`` URL, or None when the address names none."""


class DataOnlyFetcher(URLFetcher):  # type: ignore[misc]
    """Allows ``data:`` URLs, and the addresses ``images`` resolves."""

    def __init__(self, images: Images | None = None) -> None:
        """Refuse redirects and every protocol but ``data``."""
        super().__init__(allowed_protocols={"data"}, allow_redirects=False)
        self.images = images

    def fetch(self, url: str, headers: Any = None) -> Any:
        """The content of a ``data:`` URL or of an image the caller holds;
        any other URL is refused."""
        if not url.startswith("data:"):
            image = self.images(url) if self.images is not None else None
            if image is None:
                raise ValueError(
                    f"refused to fetch {url[:80]}: the document uses no external files"
                )
            return URLFetcherResponse(url, image, {"Content-Type": "image/svg+xml"})
        return super().fetch(url, headers)


LAYOUT_GC_THRESHOLD = 100_000
"""Allocations between two young-generation collections while a PDF is laid
out (Python's default is 700). WeasyPrint allocates millions of small
objects that live until the document is written; with the default, the
collector walks the growing box tree over and over: a quarter of the
report PDF's CPU time (bench/notes.md). Garbage is still collected, only
in larger batches."""


class _CollectorRelief:
    """Counts the layouts under way, so that overlapping ones (threads)
    raise the threshold once and the last one restores it."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.users = 0
        self.saved: tuple[int, int, int] = gc.get_threshold()

    @contextmanager
    def fewer_collections(self) -> Iterator[None]:
        """Raise the collector's young-generation threshold for the duration
        (process-wide: the threshold is global)."""
        with self.lock:
            if self.users == 0:
                self.saved = gc.get_threshold()
                gc.set_threshold(LAYOUT_GC_THRESHOLD, *self.saved[1:])
            self.users += 1
        try:
            yield
        finally:
            with self.lock:
                self.users -= 1
                if self.users == 0:
                    gc.set_threshold(*self.saved)


fewer_collections = _CollectorRelief().fewer_collections


_STOCK_BOX_TREE: list[Any] = []
_languages_lock = threading.Lock()


def _box_tree_with_languages(box: Any, parent: Any, *args: Any) -> Iterator[Any]:
    """WeasyPrint's structure elements of ``box``, with ``/Lang`` where the
    box's element has a ``lang`` of its own (PDF/UA: a change of language
    is marked on the structure element; WeasyPrint 70 marks only the
    document's). The html and body elements pass their children through:
    their language is the document's."""
    element = getattr(box, "element", None)
    language = None
    if element is not None and box.element_tag not in ("html", "body"):
        language = element.get("lang")
    for structure in _STOCK_BOX_TREE[0](box, parent, *args):
        if language and "Lang" not in structure:
            structure["Lang"] = pydyf.String(language)
        yield structure


def marked_languages() -> bool:
    """Put ``_box_tree_with_languages`` in place of WeasyPrint's tag-tree
    builder, once per process (idempotent, thread safe). Returns whether it
    is in place: False when WeasyPrint no longer has the function, which a
    test notices."""
    with _languages_lock:
        if _STOCK_BOX_TREE:
            return True
        stock = getattr(weasyprint_tags, "_build_box_tree", None)
        if stock is None:
            return False
        _STOCK_BOX_TREE.append(stock)
        # The builder calls itself by its module name for every child box.
        weasyprint_tags._build_box_tree = _box_tree_with_languages
        return True


def tagged_pdf(
    html: str, laid_out: Callable[[int], None] | None = None, images: Images | None = None
) -> bytes:
    """A whole HTML document (with ``lang`` and ``<title>``; every image with
    an ``alt``) as tagged PDF bytes (PDF/UA-1). ``laid_out(pages)`` is
    called between the two phases: after the layout (about two thirds of
    the time), before the pages are painted and written. ``images`` gives
    the SVG of each image the document names by another address than a
    ``data:`` URL (WeasyPrint asks for each when it builds the boxes, after
    parsing the document and its styles)."""
    # WeasyPrint logs every CSS property it ignores; keep the logs quiet.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    lighter_pdf_writing()
    pdf_seams.svg_text_runs()
    marked_languages()
    with fewer_collections():
        source = pdf_seams.document(html, DataOnlyFetcher(images))
        document = source.render(pdf_variant=PDF_VARIANT)
        if laid_out is not None:
            laid_out(len(document.pages))
        return bytes(document.write_pdf(pdf_variant=PDF_VARIANT))
