"""The charts as the PDF draws them: the same SVG, lighter to paint.

WeasyPrint walks an SVG node by node, cascading every node's styles and
setting the graphics state for each, and the report's 21 charts were 15 %
of the PDF's CPU time (bench/notes.md). matplotlib's SVG carries much that
draws nothing: an RDF metadata block, a ``<g id=...>`` wrapper around
nearly every element, a font list of eleven families on every text and a
zero rotation on every label. This rendition drops exactly those, so the
PDF shows the same shapes and the same text (still text, so the chart
labels stay searchable and pdftotext reads them as before).

Only the PDF uses it: the page, the HTML download, the DOCX and the ZIP of
charts keep matplotlib's SVG (``Chart.svg``), which other tools may want
whole. The drawings themselves are ``survey.reporting.charts``.

Where the PDF's charts are drawn (``PrintCharts``): the PDF's HTML names
each chart by an address (``chart:`` and its key) instead of carrying it,
and while WeasyPrint parses that HTML and cascades its styles (about a
fifth of its work: ~1.2 s CPU on the demo, bench/notes.md), a second
process draws the charts (~1.3 s for the demo's 23), so that on a machine
with two cores the charts cost the PDF little waiting. WeasyPrint asks for
each chart when it builds the boxes; the address waits for its chart.
A chart the report page already had drawn (``survey.reporting.
chart_store``, in any server process) is read, not drawn again.
"""

from __future__ import annotations

import base64
import gc
import hashlib
import json
import logging
import multiprocessing
import os
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager

from babel import localedata
from flask import Flask, current_app
from flask_babel import force_locale

from survey.memo import language
from survey.reporting.chart_store import ChartImage, drawn_before
from survey.reporting.charts import Chart, draw, draw_now

log = logging.getLogger(__name__)

DRAWERS = 1
"""The seam: how many processes draw the PDF's charts while WeasyPrint
reads the document; 0 draws each chart in this process when WeasyPrint
asks for it (as the PDF did before). One: the PDF's layout takes one core
of the two the platform is sized for. Both ways give the same PDF
(``tests/functional/test_report_pdf.py``)."""

PATIENCE = 30.0
"""Seconds to wait for one chart from a drawer (the demo's 23 take ~1.3 s
together) before this process draws it and every chart after it, and the
drawers are stopped: a drawer never hangs a PDF."""

SCHEME = "chart:"
"""The PDF's HTML names a chart by this prefix and the chart's key."""

SVG = "http://www.w3.org/2000/svg"
XLINK = "http://www.w3.org/1999/xlink"

# The first family of a font list, e.g. font-family: 'DejaVu Sans', 'Bitstream Vera Sans', ...
_FONT_LIST = re.compile(r"(font-family: *('[^']*'|\"[^\"]*\"|[^,;\"']+))(, *[^;\"]*)")
# A rotation by zero degrees about a point: matplotlib writes one on every label.
_NO_ROTATION = re.compile(r' transform="rotate\(-?0(\.0+)? [-0-9.e]+ [-0-9.e]+\)"')


def _unwrap_plain_groups(parent: ET.Element) -> None:
    """Replace every ``<g>`` that has no attribute but its ``id`` by its
    children, in place and in order (a group without style, transform or
    clip changes nothing its children draw)."""
    children = list(parent)
    if not children:
        return
    flat: list[ET.Element] = []
    changed = False
    for child in children:
        _unwrap_plain_groups(child)
        if child.tag == f"{{{SVG}}}g" and set(child.attrib) <= {"id"}:
            flat.extend(child)
            changed = True
        else:
            flat.append(child)
    if changed:
        for child in children:
            parent.remove(child)
        parent.extend(flat)


_TEXT_TAGS = frozenset({f"{{{SVG}}}text", f"{{{SVG}}}tspan", f"{{{SVG}}}style"})


def _drop_indentation(element: ET.Element) -> None:
    """Remove the whitespace between elements (matplotlib indents its
    output); text inside a text or style element stays as it is."""
    if element.tag in _TEXT_TAGS:
        return
    if element.text is not None and not element.text.strip():
        element.text = None
    for child in element:
        _drop_indentation(child)
        if child.tail is not None and not child.tail.strip():
            child.tail = None


def print_svg(svg: str) -> str:
    """The SVG matplotlib wrote for a chart, without what draws nothing: the metadata,
    plain groups, the fallback fonts after the first and zero rotations."""
    light = _NO_ROTATION.sub("", _FONT_LIST.sub(r"\1", svg))
    ET.register_namespace("", SVG)
    ET.register_namespace("xlink", XLINK)
    root = ET.fromstring(light)  # noqa: S314 (matplotlib's output)
    for metadata in root.findall(f"{{{SVG}}}metadata"):
        root.remove(metadata)
    _unwrap_plain_groups(root)
    _drop_indentation(root)
    return ET.tostring(root, encoding="unicode")


def print_uri(chart: Chart) -> str:
    """The chart for ``<img src>`` in the PDF: its lighter SVG as a data URL."""
    encoded = base64.b64encode(print_svg(chart.svg).encode("utf-8")).decode("ascii")
    return f"data:image/svg+xml;base64,{encoded}"


_LOCALE_DATA = getattr(localedata, "_cache_lock", None)
if _LOCALE_DATA is not None:
    # Babel's cache of locale data has a lock that any thread formatting a
    # number holds for a moment; a drawer forked in that moment would wait
    # for it forever. A fork waits until it is free.
    os.register_at_fork(
        before=_LOCALE_DATA.acquire,
        after_in_parent=_LOCALE_DATA.release,
        after_in_child=_LOCALE_DATA.release,
    )


def chart_address(chart: Chart) -> str:
    """The address of ``chart`` in the PDF's HTML: its key is the SHA-256 of
    the language, the drawing and its inputs, so that the HTML (whose
    SHA-256 names the finished PDF, ``survey.reporting.pdf_jobs``) still
    holds every input of the picture."""
    text = json.dumps([language(), chart.kind, chart.inputs], ensure_ascii=False)
    return SCHEME + hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


_DRAWER_APP: list[Flask] = []
"""In a drawer process: the app whose translations the labels use."""


def _drawer_started(app: Flask) -> None:
    _DRAWER_APP[:] = [app]
    # The objects inherited from the server process are never garbage here:
    # without this, a full collection walks all of them (the report, the
    # app, every module), copying each page it touches: ~1.3 s of CPU and
    # 400 MB of copied memory on the demo (bench/notes.md).
    gc.freeze()


def _draw_print(kind: str, inputs: str, language_code: str) -> bytes:
    """In a drawer process: the chart's print SVG, drawn in the language."""
    with _DRAWER_APP[0].app_context(), force_locale(language_code):
        return print_svg(draw_now(kind, inputs).svg).encode("utf-8")


class PrintCharts:
    """The charts of one PDF: named by address while its HTML is written
    (``image``, for ``render_report_html(chart_image=...)``), then drawn
    while it is laid out (``drawing``)."""

    def __init__(self, survey_key: str) -> None:
        """No chart yet, of the report of ``survey_key``."""
        self.survey_key = survey_key
        self.charts: dict[str, Chart] = {}
        """Each chart by its address, in the order of the document."""

    def image(self, chart: Chart) -> ChartImage:
        """The ``<img>`` of ``chart`` in the PDF's HTML: its address (the
        SVG gives the size)."""
        address = chart_address(chart)
        self.charts[address] = chart
        return ChartImage(address, 0, 0, lazy=False)

    def here(self, address: str) -> bytes | None:
        """The print SVG of the chart at ``address``, drawn in this process
        (remembered, ``survey.memo.CHARTS``); None for an unknown address."""
        chart = self.charts.get(address)
        if chart is None:
            return None
        return print_svg(draw(chart.kind, chart.inputs).svg).encode("utf-8")

    @contextmanager
    def drawing(self) -> Iterator[Callable[[str], bytes | None]]:
        """Start drawing every chart the report page has not drawn in
        ``DRAWERS`` other processes, in the order of the document, and give
        the function that waits for the SVG of an address (for
        ``tagged_pdf(images=...)``). A drawer that fails, or keeps a chart
        waiting longer than ``PATIENCE``, is logged and the chart drawn
        here: the PDF never lacks a chart. The drawers stop when the block
        ends.

        The drawers are forked: they start at once with the charts' code
        and the app already loaded. A fork copies the locks other threads
        hold at that moment, so a drawer touches nothing of this process
        but matplotlib and the translations: no database (SQLite's own
        locks), not the memo. Forking the whole PDF job instead deadlocked
        in the tests on a lock of SQLite (bench/notes.md)."""
        ready: dict[str, bytes] = {}
        for address, chart in self.charts.items():
            svg = drawn_before(self.survey_key, chart)
            if svg is not None:
                ready[address] = print_svg(svg).encode("utf-8")
        missing = {a: chart for a, chart in self.charts.items() if a not in ready}
        if DRAWERS < 1 or not missing:
            yield lambda address: ready.get(address) or self.here(address)
            return
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        pool = ProcessPoolExecutor(
            DRAWERS,
            mp_context=multiprocessing.get_context("fork"),
            initializer=_drawer_started,
            initargs=(app,),
        )
        code = language()
        futures: dict[str, Future[bytes]] = {
            address: pool.submit(_draw_print, chart.kind, chart.inputs, code)
            for address, chart in missing.items()
        }

        stuck: list[str] = []

        def drawn(address: str) -> bytes | None:
            if address in ready:
                return ready[address]
            future = futures.get(address)
            if future is None:
                return None
            if not stuck:
                try:
                    return future.result(timeout=PATIENCE)
                except TimeoutError:
                    stuck.append(address)
                    log.error("no chart from the drawer in %s s; drawing them here", PATIENCE)
                except Exception:
                    log.exception("a chart drawer failed; drawing %s here", address)
            return self.here(address)

        try:
            yield drawn
        finally:
            if stuck:
                for process in list(pool._processes.values()):
                    process.kill()
            pool.shutdown(wait=True, cancel_futures=True)
