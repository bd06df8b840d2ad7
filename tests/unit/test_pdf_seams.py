"""The seams under every PDF of the platform (``survey.reporting.pdf_seams``).
Writing: the two changes to pydyf apply to the pinned pydyf, a page's
reference is the one pydyf itself gives, and a stream inflates to the same
bytes, only deflated at level 6 instead of 9. Reading: libxml2 builds the
tree tinyhtml5 builds, node by node, or leaves the document to tinyhtml5;
the lean user-agent stylesheet applies to the pinned WeasyPrint; a document
gives the same PDF, to the byte, read either way."""

from __future__ import annotations

import base64
import re
import subprocess
import zlib

import pydyf  # type: ignore[import-untyped]
import pytest
import tinyhtml5  # type: ignore[import-untyped]
import weasyprint.svg as weasyprint_svg  # type: ignore[import-untyped]
from pdf_checks import tree_lines
from weasyprint.html import UA, UA_STYLESHEET  # type: ignore[import-untyped]

from survey.reporting import pdf_seams
from survey.reporting.pdf_seams import (
    COMPRESSION_LEVEL,
    bare_tables,
    c_parsed,
    lean_ua,
    lean_ua_text,
    lighter_pdf_writing,
    svg_text_runs,
)
from survey.reporting.tagged_pdf import tagged_pdf


def test_the_seam_applies_to_the_pinned_pydyf() -> None:
    # When a new pydyf no longer has this shape, the seam does nothing and
    # this test says so: look again at what it replaced.
    assert lighter_pdf_writing()
    assert pydyf.zlib is not zlib
    assert lighter_pdf_writing()  # a second call changes nothing


def test_page_references_follow_every_page_added() -> None:
    lighter_pdf_writing()
    pdf = pydyf.PDF()
    seen = []
    for _ in range(5):
        page = pydyf.Dictionary({"Type": "/Page", "Parent": pdf.pages.reference})
        pdf.add_object(page)
        pdf.add_page(page)
        # pydyf's own rule: every page's object number, as a reference.
        expected = tuple(f"{n} 0 R".encode("ascii") for n in pdf.pages["Kids"][::3])
        assert pdf.page_references == expected
        seen.append(pdf.page_references)
    assert [len(refs) for refs in seen] == [1, 2, 3, 4, 5]


def test_a_stream_inflates_to_the_same_bytes_deflated_at_level_6() -> None:
    lighter_pdf_writing()
    stream = pydyf.Stream(compress=True)
    for i in range(2000):
        stream.move_to(i % 97, i % 89)
        stream.line_to(i % 13, i % 7)
    stream.stroke()
    raw = b"\n".join(pydyf._to_bytes(item) for item in stream.stream)
    written = stream.data
    deflated = re.search(rb"\nstream\n(.*)\nendstream$", written, re.S)
    assert deflated is not None and b"/FlateDecode" in written
    assert zlib.decompress(deflated.group(1)) == raw
    level = zlib.compressobj(COMPRESSION_LEVEL)
    assert deflated.group(1) == level.compress(raw) + level.flush()


def _document(body: str, head: str = "") -> str:
    """A whole document as the platform's templates write one: doctype,
    head and body on their own lines, a newline after ``</html>``."""
    return (
        '<!DOCTYPE html>\n<html lang="nl">\n<head>\n  <meta charset="utf-8">\n'
        f"  <title>Rapport</title>\n  <style>table > tbody td {{ color: red }}</style>{head}\n"
        f'</head>\n<body class="pdf">\n{body}\n</body>\n</html>\n'
    )


SAME_TREE = {
    "a table with its row groups, indented": (
        "<table class='figures'>\n  <caption>Tabel 1. <span class='by'>n = 40</span></caption>"
        "\n  <thead>\n    <tr><th scope='col'>Antwoord</th><th class='num'>%</th></tr>\n"
        "  </thead>\n  <tbody>\n    <tr><th scope='row'>Ja</th><td class='num x'>x</td></tr>"
        "\n    <!-- a comment -->\n  </tbody>\n</table>"
    ),
    "escaped text, entities and line ends": (
        "<p title='a &amp; b&#39;s &quot;c&quot;'>&lt;b&gt; &ndash;&nbsp;&euro; 5 &#8364;"
        " caf\u00e9 \U0001f600</p>\r\n<p>een\r\ntwee\rdrie</p>"
    ),
    "lists, a description list and headings": (
        "<nav class='toc'><ol><li><a href='#s'>Samenvatting</a><li>Methode</ol></nav>"
        "<h2 id='s'>Samenvatting</h2><h3>Deel</h3><dl><div><dt>Wie</dt><dd>Iedereen</dd></div>"
        "</dl><ul><li>een<ul><li>twee</ul></ul>"
    ),
    "a figure, breaks and empty elements": (
        "<figure class='chart'><img src='chart:abc' alt='Staaf' width='10' height='5'>"
        "<figcaption>Figuur 1.</figcaption></figure><p>a<br>b<br/>c<span></span>"
        "<span hidden>d</span></p><blockquote class='quote'><p>Tekst</p>"
        "<footer>partner</footer></blockquote>"
    ),
    "paragraphs left open before a heading or a paragraph": "<p>een<p>twee<h2>drie</h2>",
    "an empty body": "",
}


@pytest.mark.parametrize("body", SAME_TREE.values(), ids=SAME_TREE.keys())
def test_libxml2_builds_the_tree_tinyhtml5_builds(body: str) -> None:
    html = _document(body)
    tree = c_parsed(html)
    assert tree is not None
    assert tree_lines(tree) == tree_lines(tinyhtml5.parse(html, namespace_html_elements=False))


HTML5_OWN_WAY = {
    "a row outside a row group": "<table><tr><td>1</td></tr></table>",
    "text in a table": "<table>x<tbody><tr><td>1</td></tr></tbody></table>",
    "a stray end tag": "<p>a<div>b</div></p>",
    "misnested formatting": "<b><i>x</b>y</i>",
    "a block in a paragraph": "<p>a<section>b</section>c",
    "a heading in a heading": "<h1>a<h2>b</h2></h1>",
    "a list item outside a list": "<ul><li><span>a<li>b</ul>",
    "a newline after <pre>": "<pre>\nx</pre>",
    "inline SVG": "<svg viewBox='0 0 1 1'><circle cx='1'/></svg>",
    "a bare boolean attribute": "<input checked>",
    "a self-closed element that is not void": "<div/>a",
    "a NUL": "a\x00b",
    "a base address": "<base href='https://example.org/'>",
}


@pytest.mark.parametrize("body", HTML5_OWN_WAY.values(), ids=HTML5_OWN_WAY.keys())
def test_a_document_html5_reads_its_own_way_is_left_to_tinyhtml5(body: str) -> None:
    assert c_parsed(_document(body)) is None


def test_a_document_without_its_head_or_with_text_after_its_body_is_left_to_tinyhtml5() -> None:
    assert c_parsed("<!DOCTYPE html><html><body><p>a</p></body></html>") is None
    assert c_parsed(_document("<p>a</p>").replace("</html>", "</html>b")) is None
    assert c_parsed(_document("<p>a</p>", head="<p>in de head</p>")) is None


def test_the_lean_stylesheet_applies_to_the_pinned_weasyprint() -> None:
    # When a new WeasyPrint's stylesheet is shaped otherwise, the seam uses
    # it whole and this test says so: look again at what it dropped.
    text = lean_ua_text()
    assert text is not None and lean_ua() is not UA_STYLESHEET
    assert "::footnote" not in text and "::note" not in text
    assert "\nli::marker {" in text and "\n::marker" not in text
    # Everything else is WeasyPrint's own, rule for rule.
    assert len(UA) - len(text) < 600
    assert "br::before" in text and "@counter-style decimal " in text


def test_a_stylesheet_of_another_shape_is_used_whole() -> None:
    assert lean_ua_text(UA.replace("/* Notes */", "/* Notes */\nnav { color: red }")) is None
    assert lean_ua_text(UA.replace("\n::marker {", "\n::marker, ::before {")) is None
    assert lean_ua_text("p { margin: 0 }") is None


def test_a_document_gives_the_same_pdf_read_either_way(monkeypatch: pytest.MonkeyPatch) -> None:
    # Lists (markers), a table, headings (bookmarks) and a generated page
    # number: what the lean stylesheet and the parser could change. The
    # markers keep their own case in an upper-case list ("a.", not "A."):
    # the marker's rule in the user-agent stylesheet still applies to them.
    body = "".join(SAME_TREE.values()).replace("chart:abc", "data:,")
    upper = "list-style-type: lower-alpha; text-transform: uppercase"
    html = _document(
        f"<main>{body}<ol style='{upper}'><li>een</li><li>twee</li></ol></main>",
        head="<style>@page { @bottom-right { content: counter(page) } }</style>",
    )
    assert c_parsed(html) is not None
    read_fast = tagged_pdf(html)
    monkeypatch.setattr(pdf_seams, "C_PARSER", False)
    monkeypatch.setattr(pdf_seams, "LEAN_UA", False)
    assert tagged_pdf(html) == read_fast


def test_a_table_without_the_whitespace_between_its_tags_gives_the_same_pdf(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    table = SAME_TREE["a table with its row groups, indented"]
    html = _document(f"<p>Voor</p>\n{table}\n<table>\n <tbody><tr><td> </td></tr></tbody></table>")
    bare = bare_tables(html)
    assert "</th></tr></thead><tbody><tr><th scope='row'>Ja</th>" in bare
    assert "<td></td>" in bare and "<p>Voor</p>\n<table" in bare  # only between table tags
    assert tagged_pdf(bare) == tagged_pdf(html)
    monkeypatch.setattr(pdf_seams, "BARE_TABLES", False)
    assert bare_tables(html) == html


def _chart(labels: str) -> str:
    """A document with one chart, an SVG image with these labels."""
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="300pt" height="120pt" '
        f'viewBox="0 0 300 120">{labels}</svg>'
    )
    uri = "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode("ascii")
    return _document(f"<figure><img src='{uri}' alt='Grafiek'></figure>")


LABELS = (
    '<text x="10" y="20" style="font-size: 8px; font-family: \'DejaVu Sans\'">'
    "Verkeersveiligheid (0,76)</text>"
    '<text x="290" y="40" style="font-size: 8px; font-family: \'DejaVu Sans\'; '
    'text-anchor: end">Te snel rijden</text>'
    '<text x="150" y="60" style="font-size: 10px; font-family: \'DejaVu Sans\'; '
    'text-anchor: middle; font-weight: bold">Figuur: Sociale en fiscale fraude</text>'
    '<text x="10" y="80" style="font-size: 8px">Wat <tspan>volgt</tspan></text>'
)


def _words(pdf: bytes) -> list[tuple[str, float, float]]:
    """Each word of the first page with its left and right edge (pt)."""
    box = subprocess.run(
        ["pdftotext", "-bbox", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode("utf-8")
    return [
        (word, float(x0), float(x1))
        for x0, x1, word in re.findall(
            r'xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)"'
            r' yMax="[\d.]+">([^<]*)</word>',
            box,
        )
    ]


def test_the_svg_text_seam_applies_to_the_pinned_weasyprint() -> None:
    # When a new WeasyPrint draws SVG text elsewhere, the seam does nothing
    # and this test says so: look again at what it replaced.
    assert svg_text_runs()
    stock = pdf_seams.svg_text.text
    assert weasyprint_svg.TAGS["text"] is not stock and weasyprint_svg.text is not stock
    assert svg_text_runs()  # a second call changes nothing


def test_a_chart_label_drawn_as_one_run_reads_the_same_where_it_stood(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    html = _chart(LABELS)
    runs = tagged_pdf(html)
    monkeypatch.setattr(pdf_seams, "SVG_TEXT_RUNS", False)
    letters = tagged_pdf(html)
    assert runs != letters
    in_runs, in_letters = _words(runs), _words(letters)
    assert [w for w, _, _ in in_runs] == [w for w, _, _ in in_letters]
    assert "Verkeersveiligheid" in [w for w, _, _ in in_runs]
    # Kerned, not moved: each word's edges within a fifth of the font size
    # (8 pt; "Te" is a kerned pair) of where they were, anchored labels too.
    for (_, left, right), (_, left_before, right_before) in zip(in_runs, in_letters, strict=True):
        assert abs(left - left_before) < 1.6 and abs(right - right_before) < 1.6


def test_a_label_placed_letter_by_letter_is_drawn_as_before(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    html = _chart(
        '<text x="10 20 30" y="20" style="font-size: 8px">abc</text>'
        '<text x="10" y="40" dx="0 2 2" style="font-size: 8px">def</text>'
        '<text x="10" y="60" rotate="0 10" style="font-size: 8px">ghi</text>'
        '<text x="10" y="80" style="font-size: 8px; letter-spacing: 2px">jkl</text>'
    )
    runs = tagged_pdf(html)
    monkeypatch.setattr(pdf_seams, "SVG_TEXT_RUNS", False)
    assert tagged_pdf(html) == runs
