"""Reading a PDF back as an assistive technology would: its tag structure
(pikepdf), its language, bookmarks and the text of every page (pdftotext)."""

from __future__ import annotations

import subprocess
from collections import Counter
from dataclasses import dataclass, field
from io import BytesIO
from typing import Any

import pikepdf


@dataclass
class Tagged:
    """What a screen reader gets from a PDF."""

    marked: bool
    language: str
    title: str
    structure: Counter[str] = field(default_factory=Counter)
    """How many structure elements of each type (H1, P, Table, TR, Figure...)."""
    figures_without_alt: int = 0
    alt_texts: list[str] = field(default_factory=list)
    bookmarks: list[str] = field(default_factory=list)


def _walk(element: Any, found: Tagged, depth: int = 0) -> None:
    if depth > 200:
        return
    if isinstance(element, pikepdf.Array):
        for child in element:
            _walk(child, found, depth + 1)
        return
    if not isinstance(element, pikepdf.Dictionary):
        return
    kind = element.get("/S")
    if kind is not None:
        name = str(kind).lstrip("/")
        found.structure[name] += 1
        if name == "Figure":
            alt = element.get("/Alt")
            if alt is None or not str(alt).strip():
                found.figures_without_alt += 1
            else:
                found.alt_texts.append(str(alt))
    children = element.get("/K")
    if children is not None:
        _walk(children, found, depth + 1)


def _bookmarks(item: Any, titles: list[str]) -> None:
    for child in item.children:
        titles.append(str(child.title))
        _bookmarks(child, titles)


def read_tagged(data: bytes) -> Tagged:
    """The tags, language, title and bookmarks of a PDF."""
    with pikepdf.open(BytesIO(data)) as pdf:
        root = pdf.Root
        mark_info = root.get("/MarkInfo")
        found = Tagged(
            marked=bool(mark_info is not None and mark_info.get("/Marked")),
            language=str(root.get("/Lang", "")),
            title=str(pdf.docinfo.get("/Title", "")),
        )
        tree = root.get("/StructTreeRoot")
        if tree is not None:
            _walk(tree.get("/K"), found)
        with pdf.open_outline() as outline:
            for item in outline.root:
                found.bookmarks.append(str(item.title))
                _bookmarks(item, found.bookmarks)
    return found


def page_texts(data: bytes) -> list[str]:
    """The text of every page (pdftotext -layout), in page order."""
    result = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True
    )
    pages = result.stdout.decode("utf-8").split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages
