"""Many addressed letters as one PDF, fast: each page template (one per
language and wave, laid out once by WeasyPrint from HTML, tagged) is drawn
under every letter from one shared content stream, and only what differs
per letter is added on top: the address in the envelope window (ReportLab,
with an embedded DejaVu font), the typed code, and the QR code as filled
rectangles written straight into the page's content stream. pikepdf
(qpdf) joins them and compresses the streams.

The PDF is tagged (PDF/UA-1): every letter is a section of the structure
tree in its own language, with the template's headings and paragraphs
(read once from the template's own tags), the address and the code as
paragraphs and the QR code as a figure whose alternative text says what it
is for. The alternative text never carries the QR code's payload: that is
the link with the code filled in, a ready-made way in; the code itself is
read from its printed text, once.

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
import re
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
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

# Marked-content ids on every letter's page: the per-letter parts come
# first, the template's own ids are moved up past them.
ADDRESS_MCID = 0
CODE_MCID = 1
QR_MCID = 2
TEMPLATE_MCID_OFFSET = 3
# Structure types kept as one element with all the marked content below it
# (the template's inline spans are folded into them).
BLOCK_TYPES = frozenset(
    {"P", "H1", "H2", "H3", "H4", "H5", "H6", "Figure", "Caption", "L", "Table", "BlockQuote"}
)


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
        if letter.address:
            page.addLiteral(f"/P <</MCID {ADDRESS_MCID}>> BDC")
            y = top - ADDRESS_FIRST_BASELINE_MM * MM
            for line in letter.address[:5]:
                page.drawString(ADDRESS_LEFT_MM * MM, y, fit_line(line, sans))
                y -= ADDRESS_LINE_MM * MM
            page.addLiteral("EMC")
        page.setFont(mono, CODE_FONT_PT)
        page.addLiteral(f"/P <</MCID {CODE_MCID}>> BDC")
        page.drawString(CODE_LEFT_MM * MM, top - CODE_BASELINE_MM * MM, letter.code)
        page.addLiteral("EMC")
        page.showPage()
    page.save()
    return buffer.getvalue()


def _chunk(letters: Sequence[LetterPrint]) -> tuple[bytes, list[bytes]]:
    """One chunk's overlay pages and QR operators (run in a worker process)."""
    qrs = [
        b"/Figure <</MCID %d>> BDC\n%s\nEMC"
        % (QR_MCID, qr_operators(letter.qr, QR_LEFT_MM, QR_TOP_MM, QR_SIZE_MM))
        for letter in letters
    ]
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


@dataclass(frozen=True)
class Tag:
    """One structure element of a letter's template: its type, the
    template's marked-content ids it holds (in reading order), its
    alternative text and, for a section, its children."""

    kind: str
    mcids: tuple[int, ...] = ()
    alt: str | None = None
    children: tuple[Tag, ...] = ()


@dataclass(frozen=True)
class Template:
    """A page template read into the letters' PDF: its drawing as one
    stream (marked-content ids moved up by ``TEMPLATE_MCID_OFFSET``), its
    resources and its structure. Its first section is the letterhead (the
    address joins it), its second the access box (the code and the QR code
    join it)."""

    content: pikepdf.Object
    resources: pikepdf.Object
    tags: tuple[Tag, ...]
    mcids: int
    """One more than the highest marked-content id on the page."""


def _struct_children(element: pikepdf.Object) -> list[pikepdf.Object]:
    kids = element.get("/K")
    if kids is None:
        return []
    if isinstance(kids, pikepdf.Array):
        return list(kids)
    return [kids]


def _mcid(kid: pikepdf.Object) -> int | None:
    """The marked-content id of a structure element's child, if it is one
    (a bare integer or a marked-content reference)."""
    if isinstance(kid, int):
        return kid
    if isinstance(kid, pikepdf.Dictionary) and "/MCID" in kid and "/S" not in kid:
        return int(kid.MCID)
    return None


def _all_mcids(element: pikepdf.Object) -> list[int]:
    found: list[int] = []
    for kid in _struct_children(element):
        mcid = _mcid(kid)
        if mcid is not None:
            found.append(mcid)
        elif isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            found.extend(_all_mcids(kid))
    return found


def _has_blocks(element: pikepdf.Object) -> bool:
    for kid in _struct_children(element):
        if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            kind = str(kid.S)[1:]
            if kind in BLOCK_TYPES or kind in ("Sect", "Div") or _has_blocks(kid):
                return True
    return False


def _tags(element: pikepdf.Object) -> list[Tag]:
    """The template's structure below ``element`` folded to what a reader
    needs: headings, paragraphs, figures and sections; a box of inline text
    only (the sender's block, the date) becomes a paragraph."""
    kind = str(element.S)[1:]
    if kind in BLOCK_TYPES:
        alt = element.get("/Alt")
        return [Tag(kind, tuple(_all_mcids(element)), str(alt) if alt is not None else None)]
    if kind == "Sect":
        children = [tag for kid in _struct_children(element) for tag in _kid_tags(kid)]
        return [Tag("Sect", children=tuple(children))]
    if not _has_blocks(element):
        mcids = tuple(_all_mcids(element))
        return [Tag("P", mcids)] if mcids else []
    return [tag for kid in _struct_children(element) for tag in _kid_tags(kid)]


def _kid_tags(kid: pikepdf.Object) -> list[Tag]:
    mcid = _mcid(kid)
    if mcid is not None:
        return [Tag("P", (mcid,))]
    if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
        return _tags(kid)
    return []


def read_template(data: bytes, into: pikepdf.Pdf) -> Template:
    """The first page of a tagged template PDF (WeasyPrint, PDF/UA-1) as a
    ``Template`` in the PDF ``into``. Refuses an untagged template, or one
    without the two sections the letter's own parts join."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        tree = pdf.Root.get("/StructTreeRoot")
        if tree is None:
            raise ValueError("the letter template is not tagged")
        tags = tuple(tag for kid in _struct_children(tree) for tag in _kid_tags(kid))
        if sum(tag.kind == "Sect" for tag in tags) < 2:
            raise ValueError("the letter template needs a letterhead and an access section")
        page = pdf.pages[0].obj
        streams = page.Contents if isinstance(page.Contents, pikepdf.Array) else [page.Contents]
        content = b"\n".join(stream.read_bytes() for stream in streams)
        ids = [int(found) for found in re.findall(rb"/MCID (\d+)", content)]
        content = re.sub(
            rb"/MCID (\d+)",
            lambda match: b"/MCID %d" % (int(match.group(1)) + TEMPLATE_MCID_OFFSET),
            content,
        )
        resources = into.copy_foreign(pdf.make_indirect(page.Resources))
    return Template(
        content=into.make_stream(content),
        resources=resources,
        tags=tags,
        mcids=max(ids, default=-1) + 1 + TEMPLATE_MCID_OFFSET,
    )


def press(
    templates: dict[str, bytes],
    letters: Sequence[LetterPrint],
    *,
    title: str,
    qr_alt: Mapping[str, str],
    progress: Callable[[int], None] = lambda done: None,
    workers: int | None = None,
) -> bytes:
    """The letters as one tagged PDF: page ``i`` is
    ``templates[letters[i].template]`` (the first page of that tagged PDF)
    with letter ``i``'s address, code and QR code on top, and a section of
    the structure tree in the letter's language. The document's title is
    ``title`` (shown by readers) and its language the most common language
    of the letters; ``qr_alt`` gives the QR code's alternative text per
    language. ``progress`` is called with the number of letters laid out so
    far; ``workers`` processes share the work (default: one per core)."""
    if not letters:
        raise ValueError("no letters to print")
    out = pikepdf.new()
    pages = {key: read_template(data, out) for key, data in templates.items()}
    tree = _Tree(out)
    save, restore = out.make_stream(b"q"), out.make_stream(b"Q")
    merged: dict[tuple[object, ...], pikepdf.Object] = {}
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
                template = pages[letter.template]
                page.obj.Resources = _resources(out, merged, letter.template, template, page)
                page.obj.Contents = pikepdf.Array(
                    [save, template.content, restore, page.obj.Contents, out.make_stream(qr)]
                )
                tree.add_letter(page.obj, template, letter, qr_alt.get(letter.language, ""))
            done += len(chunk)
            progress(done)
        tree.finish()
        _describe(out, title, main_language(letters))
        buffer = io.BytesIO()
        out.save(
            buffer, compress_streams=True, object_stream_mode=pikepdf.ObjectStreamMode.generate
        )
    finally:
        for part in parts:
            part.close()
    return buffer.getvalue()


def _resources(
    out: pikepdf.Pdf,
    merged: dict[tuple[object, ...], pikepdf.Object],
    key: str,
    template: Template,
    page: pikepdf.Page,
) -> pikepdf.Object:
    """The template's resources with the overlay's (its fonts) added, made
    once per template and set of overlay resources (a chunk's pages share
    them). Refuses a name both use for different things."""
    own = page.obj.Resources
    signature = (
        key,
        *sorted(
            (str(category), name, value.objgen if value.is_indirect else repr(value))
            for category, entries in own.items()
            if isinstance(entries, pikepdf.Dictionary)
            for name, value in entries.items()
        ),
    )
    found = merged.get(signature)
    if found is None:
        resources = pikepdf.Dictionary(dict(template.resources.items()))
        for category, entries in own.items():
            if not isinstance(entries, pikepdf.Dictionary):
                continue  # /ProcSet: obsolete, readers ignore it
            combined = pikepdf.Dictionary(
                dict(resources.get(category, pikepdf.Dictionary()).items())
            )
            for name, value in entries.items():
                if name in combined:
                    raise ValueError(f"{category} {name} is used by the template and the overlay")
                combined[name] = value
            resources[category] = combined
        found = merged[signature] = out.make_indirect(resources)
    return found


_STRUCT_ELEM = pikepdf.Name.StructElem


@cache
def _name(kind: str) -> pikepdf.Name:
    return pikepdf.Name("/" + kind)


class _Tree:
    """The structure tree of the letters, built a letter (a page) at a time:
    a Document of one section per letter."""

    def __init__(self, pdf: pikepdf.Pdf) -> None:
        self.pdf = pdf
        self.root = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.StructTreeRoot))
        self.document = self._element("Document", self.root, None)
        # Python lists until the end: appending to a pikepdf array one item
        # at a time grows slower as the array grows.
        self.sections: list[pikepdf.Object] = []
        self.parents: list[pikepdf.Array] = []

    def _element(
        self,
        kind: str,
        parent: pikepdf.Object,
        page: pikepdf.Object | None,
        mcids: Sequence[int] = (),
        **extra: pikepdf.Object,
    ) -> pikepdf.Object:
        fields: dict[str, object] = {
            "/Type": _STRUCT_ELEM,
            "/S": _name(kind),
            "/P": parent,
            "/K": pikepdf.Array(mcids),
        }
        if page is not None:
            fields["/Pg"] = page
        fields.update({"/" + key: value for key, value in extra.items()})
        return self.pdf.make_indirect(pikepdf.Dictionary(fields))

    def add_letter(
        self, page: pikepdf.Object, template: Template, letter: LetterPrint, qr_alt: str
    ) -> None:
        """The letter on ``page``: a section in its language holding the
        template's structure with the address, the code and the QR code."""
        by_mcid: list[pikepdf.Object | None] = [None] * template.mcids
        section = self._element("Sect", self.document, page, Lang=pikepdf.String(letter.language))
        self.sections.append(section)
        sections_seen = 0

        def build(tags: Sequence[Tag], parent: pikepdf.Object) -> pikepdf.Array:
            nonlocal sections_seen
            kids = pikepdf.Array()
            for tag in tags:
                if tag.kind == "Sect":
                    sections_seen += 1
                    own = sections_seen
                    element = self._element("Sect", parent, page)
                    inner = build(tag.children, element)
                    if own == 1 and letter.address:
                        inner.append(self._slot("P", element, page, ADDRESS_MCID, by_mcid))
                    if own == 2:
                        inner.insert(
                            min(1, len(inner)), self._slot("P", element, page, CODE_MCID, by_mcid)
                        )
                        figure = self._slot("Figure", element, page, QR_MCID, by_mcid)
                        figure.Alt = pikepdf.String(qr_alt)
                        figure.A = pikepdf.Dictionary(O=pikepdf.Name.Layout, BBox=_qr_box())
                        inner.append(figure)
                    element.K = inner
                else:
                    mcids = [mcid + TEMPLATE_MCID_OFFSET for mcid in tag.mcids]
                    element = self._element(tag.kind, parent, page, mcids)
                    if tag.alt is not None:
                        element.Alt = pikepdf.String(tag.alt)
                    for mcid in mcids:
                        by_mcid[mcid] = element
                kids.append(element)
            return kids

        section.K = build(template.tags, section)
        page.StructParents = len(self.parents)
        page.Tabs = pikepdf.Name.S
        self.parents.append(pikepdf.Array(by_mcid))

    def _slot(
        self,
        kind: str,
        parent: pikepdf.Object,
        page: pikepdf.Object,
        mcid: int,
        by_mcid: list[pikepdf.Object | None],
    ) -> pikepdf.Object:
        element = self._element(kind, parent, page, [mcid])
        by_mcid[mcid] = element
        return element

    def finish(self) -> None:
        """Hang the tree in the catalog and mark the document as tagged."""
        self.document.K = pikepdf.Array(self.sections)
        self.root.K = self.document
        nums = pikepdf.Array(
            [item for key, mcids in enumerate(self.parents) for item in (key, mcids)]
        )
        self.root.ParentTree = self.pdf.make_indirect(pikepdf.Dictionary(Nums=nums))
        self.root.ParentTreeNextKey = len(self.parents)
        self.pdf.Root.StructTreeRoot = self.root
        self.pdf.Root.MarkInfo = pikepdf.Dictionary(Marked=True)


def _qr_box() -> pikepdf.Array:
    """The QR code's bounding box in points (PDF coordinates)."""
    bottom = (PAGE_HEIGHT_MM - QR_TOP_MM - QR_SIZE_MM) * MM
    left = QR_LEFT_MM * MM
    size = QR_SIZE_MM * MM
    return pikepdf.Array(
        [round(left, 2), round(bottom, 2), round(left + size, 2), round(bottom + size, 2)]
    )


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
        meta["pdfuaid:part"] = "1"
