"""The two changes to pydyf under every PDF of the platform
(``survey.reporting.pdf_seams``): they apply to the pinned pydyf, a page's
reference is the one pydyf itself gives, and a stream inflates to the same
bytes, only deflated at level 6 instead of 9."""

from __future__ import annotations

import re
import zlib

import pydyf  # type: ignore[import-untyped]

from survey.reporting.pdf_seams import COMPRESSION_LEVEL, lighter_pdf_writing


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
