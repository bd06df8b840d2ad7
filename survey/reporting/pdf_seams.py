"""Costs of WeasyPrint that the platform's PDFs pay for nothing, each
removed at one named place: two in pydyf, its PDF writer
(``lighter_pdf_writing``), two in reading the document (``C_PARSER`` and
``LEAN_UA``, through ``document``), the whitespace between the report's
table tags (``BARE_TABLES``) and the chart labels drawn letter by letter
(``SVG_TEXT_RUNS``). Each constant turns its seam off; the tests compare
the PDFs both ways.

**Writing** (``lighter_pdf_writing``).

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

**Reading** (``document``), measured on the demo's report PDF (66 pages,
bench/notes.md): together ~0.6 s of its ~5.6 s CPU, the PDF unchanged to
the byte.

- **Parsing** (``C_PARSER``). WeasyPrint parses HTML with tinyhtml5, an
  HTML5 parser in pure Python: 0.33 s for the demo's 440 KB. libxml2
  (lxml) reads it in 0.01 s, and the tree is converted to the
  ``xml.etree`` elements tinyhtml5 gives (0.02 s). libxml2 is no HTML5
  tree builder: it implies no ``<tbody>`` or ``<head>``, mends misnested
  tags and closes elements its own way, keeps the whitespace before
  ``<head>`` and after ``</body>`` where HTML5 drops or moves it, and
  reads a NUL, a newline after ``<pre>`` and a bare boolean attribute
  differently. ``c_parsed`` gives a tree only where the two agree: a
  document with any of those constructs (``_FOREIGN_OR_RAW``,
  ``_CONTENT``, ``_PARENTS``, ``_CLOSES_P``, a heading in a heading, an
  error in libxml2's log, no explicit head and body, text after
  ``</body>``) is parsed by tinyhtml5 as before, and the whitespace
  around head and body is placed as HTML5 places it. The platform's
  templates write every table row in a row group, a head and a body, and
  escape user text: the report's trees (Dutch and French) are compared
  node by node in the tests, and so were, by hand, the letters (three
  languages), the partner's receipt and the poster (bench/notes.md).
- **The user-agent stylesheet** (``LEAN_UA``). WeasyPrint's own stylesheet
  gives *every* element six pseudo-elements (``::marker`` and five for
  footnotes and notes), each with its computed style: ~50,000 styles for
  the demo's 9,800 elements, half of the cascade (0.3 s). A marker is only
  drawn for a list item, and no document of the platform has footnotes or
  notes (``float: footnote``), so the stylesheet the seam gives WeasyPrint
  matches ``::marker`` on ``li`` only (the one element the platform shows
  as a list item) and drops the footnote and note rules; the rest is
  WeasyPrint's stylesheet as it is.

**Whitespace between table tags** (``BARE_TABLES``, through
``bare_tables``). The report's HTML indents its tables: ~6,500 runs of
whitespace between one table tag and the next, each a text box that
WeasyPrint builds and then drops (whitespace has no place between rows or
cells). The PDF's HTML goes without them: ~0.1 s of the demo's PDF, the
PDF the same to the byte.

**Chart labels** (``SVG_TEXT_RUNS``, through ``svg_text_runs``).
WeasyPrint draws an SVG ``<text>`` letter by letter: each letter is laid
out by Pango on its own and shown at its own position, so that per-letter
positions (``x="1 2 3"``, ``dx``, ``rotate``) can apply. The report's 23
charts have 616 labels, ~7,000 letters: ~0.3 s of the demo's PDF. A label
with one position and none of those is now laid out and shown as one run,
as matplotlib and a browser draw it: the same text (pdftotext reads the
same words), the letters kerned as the font says instead of set apart one
by one, so a letter moves by up to a fifth of the font size (the T of
"Te"; the PDF changes there, and only there). A label with per-letter positions,
spacing, a length to fit, a direction or a baseline of its own is drawn
letter by letter as before.
"""

from __future__ import annotations

import re
import sys
import threading
import xml.etree.ElementTree as ET
import zlib
from functools import cache
from math import inf
from typing import Any

import cssselect2  # type: ignore[import-untyped]
import lxml.etree  # type: ignore[import-untyped]
import lxml.html  # type: ignore[import-untyped]
import pydyf  # type: ignore[import-untyped]
import weasyprint.svg as weasyprint_svg  # type: ignore[import-untyped]
from weasyprint import CSS, HTML
from weasyprint.css.properties import INITIAL_VALUES  # type: ignore[import-untyped]
from weasyprint.html import UA, UA_FORM_STYLESHEET, UA_STYLESHEET  # type: ignore[import-untyped]
from weasyprint.matrix import Matrix  # type: ignore[import-untyped]
from weasyprint.svg import utils as svg_utils
from weasyprint.svg.bounding_box import extend_bounding_box  # type: ignore[import-untyped]

svg_text = sys.modules["weasyprint.svg.text"]
"""WeasyPrint's SVG text module (``weasyprint.svg.text`` names the function)."""

BARE_TABLES = True
"""The seam: the PDF's HTML without the whitespace between table tags;
False keeps it as the template writes it."""

_TABLE_TAG = r"</?(?:table|caption|colgroup|col|thead|tbody|tfoot|tr|td|th)\b"
_BETWEEN_TABLE_TAGS = re.compile(rf"({_TABLE_TAG}[^<>]*>)\s+(?={_TABLE_TAG})")


def bare_tables(html: str) -> str:
    """``html`` without the whitespace between a table tag (start or end of
    a table, caption, column, row group, row or cell) and the next, when
    ``BARE_TABLES``: whitespace a renderer drops there (or, between two
    cells' tags, inside an empty cell) draws nothing."""
    return _BETWEEN_TABLE_TAGS.sub(r"\1", html) if BARE_TABLES else html


C_PARSER = True
"""The seam: parse a PDF's HTML with libxml2 instead of tinyhtml5 (the same
tree, see above); False parses every document with tinyhtml5."""

LEAN_UA = True
"""The seam: WeasyPrint's user-agent stylesheet with ``::marker`` on list
items only and without the footnote and note rules; False uses it whole."""

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


# WeasyPrint's UA stylesheet: the section of footnote and note rules, and
# the marker rule that matches every element.
_NOTES = ("/* Notes */", "/* Counters and bookmarks */")
_MARKER = "\n::marker {"


def lean_ua_text(ua: str = UA) -> str | None:
    """``ua`` without its footnote and note rules and with ``::marker`` on
    ``li`` only; None when ``ua`` is not shaped as WeasyPrint 70's (the
    sections or the marker rule not found once, or the notes section
    holding a rule that is not about a footnote or note pseudo-element)."""
    start, end = ua.find(_NOTES[0]), ua.find(_NOTES[1])
    if start < 0 or end < start or ua.count(_NOTES[0]) != 1 or ua.count(_MARKER) != 1:
        return None
    notes = ua[start + len(_NOTES[0]) : end]
    rules = [line for line in notes.splitlines() if line.strip()]
    if not rules or not all(rule.startswith(("::footnote-", "::note-")) for rule in rules):
        return None
    return (ua[:start] + ua[end:]).replace(_MARKER, "\nli::marker {")


@cache
def lean_ua() -> Any:
    """The lean UA stylesheet as WeasyPrint's ``CSS`` (parsed once per
    process); WeasyPrint's own when ``lean_ua_text`` does not apply."""
    text = lean_ua_text()
    if text is None:
        return UA_STYLESHEET
    return CSS(string=text, counter_style={})


_FOREIGN_OR_RAW = (
    *("svg", "math", "pre", "textarea", "listing", "xmp", "plaintext", "base", "template"),
    *("form", "button", "select", "option", "optgroup", "noscript", "noembed", "noframes"),
    *("iframe", "object", "applet", "marquee", "frameset", "frame", "image", "isindex"),
    *("nobr", "ruby", "rb", "rt", "rp", "rtc"),
)
"""Elements HTML5 reads differently from libxml2 (a namespace, the first
newline dropped, rules of their own) or that WeasyPrint acts on
(``<base>``): a document with one is read by tinyhtml5."""
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_CLOSES_P = (
    *("address", "article", "aside", "blockquote", "center", "details", "dialog", "dir"),
    *("div", "dl", "fieldset", "figcaption", "figure", "footer", "header", "hgroup"),
    *("main", "menu", "nav", "ol", "p", "search", "section", "summary", "ul", "table"),
    *("hr", "li", "dd", "dt", *_HEADINGS),
)
"""Start tags that close an open ``<p>`` in HTML5 (libxml2 may nest them)."""
_CONTENT = {
    "head": frozenset({"meta", "title", "style", "link", "script"}),
    "table": frozenset({"caption", "colgroup", "thead", "tbody", "tfoot"}),
    "thead": frozenset({"tr"}),
    "tbody": frozenset({"tr"}),
    "tfoot": frozenset({"tr"}),
    "tr": frozenset({"td", "th"}),
    "colgroup": frozenset({"col"}),
}
"""The children HTML5 keeps in these elements; anything else (text too) it
moves out of them (foster parenting, an implied body)."""
_PARENTS = {
    "li": frozenset({"ul", "ol", "menu"}),
    "dd": frozenset({"dl", "div"}),
    "dt": frozenset({"dl", "div"}),
    "td": frozenset({"tr"}),
    "th": frozenset({"tr"}),
    "tr": frozenset({"thead", "tbody", "tfoot"}),
}
"""Where HTML5 puts these elements: elsewhere it closes an open one first
or implies a parent (a ``<tbody>``), where libxml2 may nest."""


def _content_moved(root: Any) -> bool:
    """Whether HTML5 would move some content of libxml2's tree out of its
    element (``_CONTENT``): text or an element in a table's structure, an
    element in the head that belongs in the body."""
    for tag, allowed in _CONTENT.items():
        for element in root.iter(tag):
            if element.text is not None and element.text.strip():
                return True
            for child in element:
                if child.tag is not lxml.etree.Comment and child.tag not in allowed:
                    return True
                if child.tail is not None and child.tail.strip():
                    return True
    return False


def _nested_differently(root: Any) -> bool:
    """Whether HTML5 would close or imply an element around one of libxml2's
    tree (``_PARENTS``, ``_CLOSES_P``, a heading in a heading)."""
    for tag, parents in _PARENTS.items():
        for element in root.iter(tag):
            if element.getparent().tag not in parents:
                return True
    for paragraph in root.iter("p"):
        if next(paragraph.iterdescendants(*_CLOSES_P), None) is not None:
            return True
    return any(
        next(heading.iterdescendants(*_HEADINGS), None) is not None
        for heading in root.iter(*_HEADINGS)
    )


def _html5_shaped(root: Any) -> bool:
    """Whether libxml2's tree of a document is already the tree HTML5
    builds: none of the elements or nestings that HTML5 reads its own way."""
    return (
        next(root.iter(*_FOREIGN_OR_RAW), None) is None
        and not _content_moved(root)
        and not _nested_differently(root)
    )


_BOOLEAN = frozenset(
    {
        "checked",
        "compact",
        "declare",
        "defer",
        "disabled",
        "ismap",
        "multiple",
        "nohref",
        "noresize",
        "noshade",
        "nowrap",
        "readonly",
        "selected",
    }
)
"""Attributes libxml2 gives their own name as value when written bare
(``<input checked>``), where HTML5 gives the empty string."""
_VOID = "area|base|br|col|embed|hr|img|input|link|meta|param|source|track|wbr"
# A start tag closed by "/>" on an element that is not void: HTML5 ignores
# the slash (the element stays open), libxml2 closes the element.
_SELF_CLOSED = re.compile(rf"<(?!(?:{_VOID})[\s/>])[a-zA-Z][^<>]*/>")
_BODY_END = "</body>"


def _etree(root: Any) -> ET.Element[Any] | None:
    """libxml2's tree as the ``xml.etree`` elements tinyhtml5 builds
    (iteratively: a deep document does not exhaust the stack); None when
    an attribute is a bare boolean one (see ``_BOOLEAN``)."""
    top: ET.Element[Any] = ET.Element(root.tag, dict(root.attrib))
    stack = [(root, top)]
    while stack:
        source, target = stack.pop()
        target.text = source.text
        target.tail = source.tail
        for child in source:
            copy: ET.Element[Any]
            if child.tag is lxml.etree.Comment:
                copy = ET.Comment(child.text)
            elif isinstance(child.tag, str):
                attributes = dict(child.attrib)
                if any(attributes.get(name) == name for name in _BOOLEAN):
                    return None
                copy = ET.Element(child.tag, attributes)
            else:  # a processing instruction or an entity: HTML has none
                return None
            target.append(copy)
            stack.append((child, copy))
    return top


def c_parsed(html: str) -> ET.Element[Any] | None:
    """The tree tinyhtml5 would build of ``html`` (``namespace_html_elements``
    off), read by libxml2; None when ``html`` is outside the shape where
    both trees are the same (see the module's docstring): then tinyhtml5
    must read it."""
    end = html.rfind(_BODY_END)
    after_body = html[end + len(_BODY_END) :].replace("</html>", "", 1) if end >= 0 else "x"
    if after_body.strip() or "\x00" in html or _SELF_CLOSED.search(html):
        return None
    parser = lxml.html.HTMLParser(huge_tree=True, remove_blank_text=False, remove_comments=False)
    root = lxml.html.document_fromstring(html, parser=parser)
    if len(parser.error_log):
        return None  # a misnested or stray tag: HTML5 mends it its own way
    parts = list(root)
    if (
        root.tag != "html"
        or [part.tag for part in parts] != ["head", "body"]
        or (root.text is not None and root.text.strip())
        or root.tail is not None
    ):
        return None
    if not _html5_shaped(root):
        return None
    tree = _etree(root)
    if tree is None:
        return None
    # HTML5 drops the whitespace before <head> and puts the whitespace after
    # </body> (and after </html>) at the end of the body; libxml2 keeps the
    # first and only part of the second.
    tree.text = None
    body = tree[1]
    body.tail = None
    trailing = after_body.replace("\r\n", "\n").replace("\r", "\n")
    if trailing:
        last = body[-1] if len(body) else None
        if last is not None:
            last.tail = (last.tail or "") + trailing
        else:
            body.text = (body.text or "") + trailing
    return tree


class _Document(HTML):  # type: ignore[misc]
    """WeasyPrint's ``HTML`` read through the seams: built on a parsed tree,
    with the lean UA stylesheet when ``LEAN_UA``."""

    def __init__(self, tree: ET.Element[Any], url_fetcher: Any) -> None:
        """What ``HTML.__init__`` keeps of a parsed document without a
        ``<base>`` (the platform's have none: nothing is fetched by URL)."""
        self.base_url = None
        self.url_fetcher = url_fetcher
        self.media_type = "print"
        self.wrapper_element = cssselect2.ElementWrapper.from_html_root(tree, content_language=None)
        self.etree_element = self.wrapper_element.etree_element

    def _ua_stylesheets(self, forms: bool = False) -> list[Any]:
        sheets = [lean_ua() if LEAN_UA else UA_STYLESHEET]
        return [*sheets, UA_FORM_STYLESHEET] if forms else sheets


class _LeanDocument(HTML):  # type: ignore[misc]
    """WeasyPrint's ``HTML`` parsed by tinyhtml5, with the lean UA stylesheet."""

    def _ua_stylesheets(self, forms: bool = False) -> list[Any]:
        return [lean_ua(), UA_FORM_STYLESHEET] if forms else [lean_ua()]


def document(html: str, url_fetcher: Any) -> Any:
    """WeasyPrint's ``HTML`` of a whole document (no ``<base>``, nothing
    fetched but through ``url_fetcher``), read through ``C_PARSER`` and
    ``LEAN_UA``: the same PDF as ``HTML(string=html)``."""
    tree = c_parsed(html) if C_PARSER else None
    if tree is not None:
        return _Document(tree, url_fetcher)
    kind = _LeanDocument if LEAN_UA else HTML
    return kind(string=html, base_url=None, url_fetcher=url_fetcher)


SVG_TEXT_RUNS = True
"""The seam: an SVG label with one position drawn as one run (see above);
False draws every label letter by letter, as WeasyPrint does."""

_LETTER_BY_LETTER = (
    *("dx", "dy", "rotate", "textLength", "lengthAdjust", "letter-spacing", "direction"),
    *("display-anchor", "dominant-baseline", "alignment-baseline"),
)
"""What makes WeasyPrint place letters one by one (or align the label its
own way): a label with one of these is left to WeasyPrint's own drawing."""

_svg_lock = threading.Lock()


def _one_position(node: Any, name: str) -> bool:
    value = node.attrib.get(name)
    return value is None or len(svg_utils.normalize(value).split()) == 1


def _weight(value: Any) -> int:
    if value == "bold":
        return 700
    try:
        return int(value)
    except (TypeError, ValueError):
        return 400


def _svg_text(svg: Any, node: Any, font_size: float) -> None:
    """WeasyPrint's ``svg.text.text`` for a label of one run: the same
    style, position, cursor and bounding box, laid out and shown once."""
    from weasyprint.draw.text import (  # type: ignore[import-untyped]
        draw_emojis,
        draw_first_line,
    )
    from weasyprint.text.line_break import split_first_line  # type: ignore[import-untyped]

    if (
        not SVG_TEXT_RUNS
        or not node.text
        or node.tag not in ("text", "tspan")
        or any(node.get(name) for name in _LETTER_BY_LETTER)
        or not (_one_position(node, "x") and _one_position(node, "y"))
    ):
        _STOCK_SVG_TEXT[0](svg, node, font_size)
        return
    style = svg_text.Style()
    style.update(INITIAL_VALUES)
    style.font_config = svg.font_config
    style["font_family"] = [
        font.strip("\"'") for font in node.get("font-family", "sans-serif").split(",")
    ]
    style["font_style"] = node.get("font-style", "normal")
    style["font_weight"] = _weight(node.get("font-weight", 400))
    style["font_size"] = font_size
    layout, _, _, width, height, baseline = split_first_line(node.text, style, svg.context, inf, 0)
    attributes = node.attrib
    if "x" in attributes:
        x = svg_utils.size(attributes["x"], font_size, svg.inner_width)
        svg.cursor_d_position[0] = 0
    else:
        x = svg.cursor_position[0]
    if "y" in attributes:
        y = svg_utils.size(attributes["y"], font_size, svg.inner_height)
        svg.cursor_d_position[1] = 0
    else:
        y = svg.cursor_position[1]
    svg.cursor_position = x + width, y
    x_position = x + svg.cursor_d_position[0]
    y_position = y + svg.cursor_d_position[1]
    node.text_bounding_box = extend_bounding_box(
        node.text_bounding_box,
        ((x_position, y_position - baseline), (x_position + width, y_position - baseline + height)),
    )
    svg.stream.push_state()
    fill, stroke = svg.set_graphical_state(node, font_size)
    svg.stream.begin_text()
    layout.reactivate(style)
    svg.fill_stroke(fill, stroke, text=True)
    box = svg_text.TextBox(layout, style)
    box.baseline = baseline
    matrix = Matrix(a=1, d=-1, e=x_position, f=y_position)
    emojis = draw_first_line(svg.stream, box, "none", "none", matrix)
    svg.stream.end_text()
    svg.stream.pop_state()
    draw_emojis(svg.stream, style, x, y, emojis)


_STOCK_SVG_TEXT: list[Any] = []


def svg_text_applies() -> bool:
    """Whether WeasyPrint's SVG module has the shape the seam replaces: one
    ``text`` function drawing text, tspan, textPath and a."""
    stock = svg_text.text
    return getattr(weasyprint_svg, "text", None) is stock and all(
        weasyprint_svg.TAGS.get(tag) is stock for tag in ("text", "tspan", "textPath", "a")
    )


def svg_text_runs() -> bool:
    """Put ``_svg_text`` in place of WeasyPrint's SVG text drawing, once per
    process (idempotent, thread safe; ``SVG_TEXT_RUNS`` is read at each
    label). Returns whether it is in place."""
    with _svg_lock:
        if _STOCK_SVG_TEXT:
            return True
        if not svg_text_applies():
            return False
        _STOCK_SVG_TEXT.append(svg_text.text)
        # The module compares each node's drawing with ``text`` (text anchors,
        # text children): both names must be the new function.
        for tag in ("text", "tspan", "textPath", "a"):
            weasyprint_svg.TAGS[tag] = _svg_text
        weasyprint_svg.text = _svg_text
        return True
