"""Many addressed letters as one PDF, fast: each page template (one per
language and wave, laid out once by WeasyPrint from HTML) is drawn under
every letter as a shared form XObject, and only what differs per letter
is added on top: the address in the envelope window (ReportLab, with an
embedded DejaVu font), the typed code, and the QR code as filled
rectangles written straight into the page's content stream. pikepdf
(qpdf) joins them and compresses the streams.

The letters are made in chunks, shared over one process per core (QR
encoding in pure Python is most of the work), and joined in order. This
runs at about 300 letters a second per core (bench/notes.md), against
about 10-30 for laying out every letter in WeasyPrint. Pure: no database,
no Flask.

Positions are in millimetres from the page's top-left corner, on A4. The
address field follows DIN 5008 form B, which fits bpost's window envelopes
(C5/6 and DL, window on the left): 20 mm from the left edge, 45 mm from
the top, 85 x 45 mm; its first 17.7 mm take the sender's return line, the
address itself starts below 62.7 mm.
"""

from __future__ import annotations

import io
import os
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import cache
from multiprocessing import get_context
from pathlib import Path

import pikepdf
import segno

PAGE_WIDTH_MM = 210.0
PAGE_HEIGHT_MM = 297.0
MM = 72 / 25.4

# The window of the envelope (DIN 5008 form B) and the address in it.
WINDOW_LEFT_MM = 20.0
WINDOW_TOP_MM = 45.0
WINDOW_WIDTH_MM = 85.0
WINDOW_HEIGHT_MM = 45.0
RETURN_LINE_TOP_MM = 55.0
ADDRESS_LEFT_MM = 25.0
ADDRESS_FIRST_BASELINE_MM = 67.0
ADDRESS_LINE_MM = 4.8
ADDRESS_FONT_PT = 10.0
# The access box: QR on the left, the typed code on the right.
ACCESS_TOP_MM = 150.0
ACCESS_HEIGHT_MM = 46.0
QR_LEFT_MM = 25.0
QR_TOP_MM = 154.0
QR_SIZE_MM = 38.0
CODE_LEFT_MM = 72.0
CODE_BASELINE_MM = 187.0
CODE_FONT_PT = 18.0

# Letters per chunk: the unit of work of a worker process and of progress.
CHUNK = 500


@dataclass(frozen=True)
class LetterPrint:
    """What one letter adds to its template: the address lines, the code
    and the QR payload, and which template (``template`` key) it goes on."""

    template: str
    address: tuple[str, ...]
    code: str
    qr: str
    language: str


@cache
def _fonts() -> tuple[str, str]:
    """Register DejaVu Sans and DejaVu Sans Mono Bold with ReportLab (once
    per process). The fonts are those matplotlib ships, so no system font
    path is assumed."""
    import matplotlib
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    fonts = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    pdfmetrics.registerFont(TTFont("LetterSans", str(fonts / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont("LetterMono", str(fonts / "DejaVuSansMono-Bold.ttf")))
    return "LetterSans", "LetterMono"


def qr_operators(data: str, left_mm: float, top_mm: float, size_mm: float) -> bytes:
    """PDF operators that draw the QR code of ``data`` (error correction M,
    no quiet zone: the box around it gives one) as black rectangles, one
    per run of dark modules in a row, in a ``size_mm`` square."""
    # A fixed mask skips segno's search for the best one (most of its time);
    # any mask scans equally well.
    matrix = segno.make(data, error="m", mask=0, boost_error=False).matrix
    n = len(matrix)
    module = size_mm * MM / n
    bottom = (PAGE_HEIGHT_MM - top_mm - size_mm) * MM
    parts = [b"q %.4f 0 0 %.4f %.2f %.2f cm 0 g" % (module, module, left_mm * MM, bottom)]
    for r, row in enumerate(matrix):
        y = n - 1 - r
        start = -1
        for col, dark in enumerate(row):
            if dark:
                if start < 0:
                    start = col
            elif start >= 0:
                parts.append(b"%d %d %d 1 re" % (start, y, col - start))
                start = -1
        if start >= 0:
            parts.append(b"%d %d %d 1 re" % (start, y, n - start))
    parts.append(b"f Q")
    return b"\n".join(parts)


def fit_line(text: str, font: str, size: float = ADDRESS_FONT_PT) -> str:
    """An address line cut (with an ellipsis) to the width the window holds
    right of the address's left edge, measured in ``font``."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    room = (WINDOW_LEFT_MM + WINDOW_WIDTH_MM - ADDRESS_LEFT_MM - 2) * MM
    if stringWidth(text, font, size) <= room:
        return text
    while text and stringWidth(text + "…", font, size) > room:
        text = text[:-1]
    return text.rstrip() + "…"


def _overlay(letters: Sequence[LetterPrint]) -> bytes:
    """One page per letter with its address and code (text only)."""
    from reportlab.pdfgen import canvas

    sans, mono = _fonts()
    buffer = io.BytesIO()
    # Uncompressed here: qpdf compresses every stream when the file is saved,
    # much faster than ReportLab's zlib and ASCII85 in Python.
    page = canvas.Canvas(
        buffer, pagesize=(PAGE_WIDTH_MM * MM, PAGE_HEIGHT_MM * MM), pageCompression=0
    )
    top = PAGE_HEIGHT_MM * MM
    for letter in letters:
        page.setFont(sans, ADDRESS_FONT_PT)
        y = top - ADDRESS_FIRST_BASELINE_MM * MM
        for line in letter.address[:5]:
            page.drawString(ADDRESS_LEFT_MM * MM, y, fit_line(line, sans))
            y -= ADDRESS_LINE_MM * MM
        page.setFont(mono, CODE_FONT_PT)
        page.drawString(CODE_LEFT_MM * MM, top - CODE_BASELINE_MM * MM, letter.code)
        page.showPage()
    page.save()
    return buffer.getvalue()


def _chunk(letters: Sequence[LetterPrint]) -> tuple[bytes, list[bytes]]:
    """One chunk's overlay pages and QR operators (run in a worker process)."""
    qrs = [qr_operators(letter.qr, QR_LEFT_MM, QR_TOP_MM, QR_SIZE_MM) for letter in letters]
    return _overlay(letters), qrs


def _chunks(
    letters: Sequence[LetterPrint], workers: int
) -> Iterator[tuple[Sequence[LetterPrint], tuple[bytes, list[bytes]]]]:
    """Each chunk with its overlay and QR operators, in order; over
    ``workers`` processes when there is enough to share (QR encoding in pure
    Python is most of the work). Spawned, not forked: this may run in a
    thread of a web server process."""
    chunks = [letters[i : i + CHUNK] for i in range(0, len(letters), CHUNK)]
    if workers < 2 or len(chunks) < 2:
        yield from ((chunk, _chunk(chunk)) for chunk in chunks)
        return
    with ProcessPoolExecutor(
        max_workers=min(workers, len(chunks)), mp_context=get_context("spawn")
    ) as pool:
        yield from zip(chunks, pool.map(_chunk, chunks), strict=True)


def press(
    templates: dict[str, bytes],
    letters: Sequence[LetterPrint],
    *,
    title: str,
    progress: Callable[[int], None] = lambda done: None,
    workers: int | None = None,
) -> bytes:
    """The letters as one PDF: page ``i`` is ``templates[letters[i].template]``
    (the first page of that PDF) with letter ``i``'s address, code and QR
    code on top. The document's title is ``title`` (shown by readers) and
    its language the most common language of the letters. ``progress`` is
    called with the number of letters laid out so far; ``workers`` processes
    share the work (default: one per core)."""
    if not letters:
        raise ValueError("no letters to print")
    out = pikepdf.new()
    forms: dict[str, pikepdf.Object] = {}
    for key, data in templates.items():
        with pikepdf.open(io.BytesIO(data)) as template:
            forms[key] = out.copy_foreign(template.pages[0].as_form_xobject())
    under = out.make_stream(b"q /Letter Do Q")
    # qpdf copies the pages' streams when the file is written: the parts stay
    # open until then.
    parts: list[pikepdf.Pdf] = []
    done = 0
    try:
        for chunk, (overlay, qrs) in _chunks(letters, workers or os.cpu_count() or 1):
            part = pikepdf.open(io.BytesIO(overlay))
            parts.append(part)
            out.pages.extend(part.pages)
            for page, letter, qr in zip(out.pages[done:], chunk, qrs, strict=True):
                resources = page.obj.Resources
                if "/XObject" not in resources:
                    resources.XObject = pikepdf.Dictionary()
                resources.XObject["/Letter"] = forms[letter.template]
                page.obj.Contents = pikepdf.Array([under, page.obj.Contents, out.make_stream(qr)])
            done += len(chunk)
            progress(done)
        _describe(out, title, main_language(letters))
        buffer = io.BytesIO()
        out.save(
            buffer, compress_streams=True, object_stream_mode=pikepdf.ObjectStreamMode.generate
        )
    finally:
        for part in parts:
            part.close()
    return buffer.getvalue()


def main_language(letters: Sequence[LetterPrint]) -> str:
    """The language of most letters (of the first in order on a tie): the
    document's language."""
    return Counter(letter.language for letter in letters).most_common(1)[0][0]


def _describe(pdf: pikepdf.Pdf, title: str, language: str) -> None:
    """Title and language for readers and screen readers (PDF/UA asks for
    both, and for the title to be shown instead of the file name)."""
    pdf.Root.Lang = pikepdf.String(language)
    pdf.Root.ViewerPreferences = pikepdf.Dictionary(DisplayDocTitle=True)
    pdf.docinfo["/Title"] = title
    pdf.docinfo["/Producer"] = "ZVP-bevraging"
    with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
        meta["dc:title"] = title
        meta["dc:language"] = [language]
