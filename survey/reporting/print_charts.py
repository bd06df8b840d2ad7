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
whole. This module reads ``Chart.svg`` and never draws: the charts
themselves are ``survey.reporting.charts``.
"""

from __future__ import annotations

import base64
import re
import xml.etree.ElementTree as ET

from survey.reporting.charts import Chart

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
