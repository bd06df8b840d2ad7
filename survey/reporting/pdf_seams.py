"""Two costs of pydyf, the PDF writer under WeasyPrint, that the report PDF
pays for nothing, removed at one named place (``lighter_pdf_writing``).

Measured on the demo's report PDF (68 pages, bench/notes.md), together
about 0.5 s of its ~7 s CPU, without changing a page:

- **Compression level.** pydyf deflates every content stream at zlib level 9;
  level 6 (zlib's default) writes the demo's 5 MB of streams in 0.07 s
  instead of 0.33 s, for a file 3 % larger (805 KB instead of 779 KB). The
  streams decode to the same bytes.
- **Page references.** ``PDF.page_references`` rebuilds the tuple of every
  page's reference each time it is read, and the tagging (PDF/UA) reads it
  once per marked element: ~19,000 times 68 pages on the demo. The seam keeps
  the tuple until a page is added (pages are only ever appended).

This is a patch of a third-party module (WeasyPrint 70 on pydyf 0.13, pinned
in pyproject.toml), so it checks what it replaces and does nothing when pydyf
is not shaped as expected: a new pydyf can only lose the speed, never break a
PDF. tests/unit/test_pdf_seams.py checks both (the same references as pydyf's
own, streams that inflate to the same bytes at level 6) and fails when the
seam stops applying, so that an upgrade is noticed.
"""

from __future__ import annotations

import threading
import zlib
from typing import Any

import pydyf  # type: ignore[import-untyped]

COMPRESSION_LEVEL = 6
"""zlib level of the PDF's streams (pydyf asks for 9)."""

_lock = threading.Lock()


class _Zlib:
    """pydyf's view of ``zlib``: level 9 becomes ``COMPRESSION_LEVEL``."""

    def __getattr__(self, name: str) -> Any:
        return getattr(zlib, name)

    @staticmethod
    def compressobj(level: int = -1, *args: Any, **kwargs: Any) -> Any:
        """A compressor at ``COMPRESSION_LEVEL`` where pydyf asks for 9."""
        return zlib.compressobj(COMPRESSION_LEVEL if level == 9 else level, *args, **kwargs)


def _remembered_page_references(stock: property) -> property:
    """``page_references`` computed again only when the page count changed."""

    def page_references(self: Any) -> Any:
        count = len(self.pages["Kids"])
        cached = self.__dict__.get("_survey_page_references")
        if cached is None or cached[0] != count:
            cached = (count, stock.fget(self))  # type: ignore[misc]
            self.__dict__["_survey_page_references"] = cached
        return cached[1]

    return property(page_references, doc=stock.__doc__)


def applies() -> bool:
    """Whether pydyf has the shape the seam replaces."""
    stock = pydyf.__dict__.get("zlib")
    references = pydyf.PDF.__dict__.get("page_references")
    return stock is zlib and isinstance(references, property) and references.fget is not None


def lighter_pdf_writing() -> bool:
    """Apply both changes to pydyf, once per process (idempotent, thread
    safe). Returns whether they are in place."""
    with _lock:
        if isinstance(pydyf.__dict__.get("zlib"), _Zlib):
            return True
        if not applies():
            return False
        pydyf.PDF.page_references = _remembered_page_references(
            pydyf.PDF.__dict__["page_references"]
        )
        pydyf.zlib = _Zlib()
        return True
