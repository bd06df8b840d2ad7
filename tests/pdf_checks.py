"""Reading a PDF back as an assistive technology would: its tag structure
(pikepdf), its language, bookmarks and the text of every page (pdftotext)."""

from __future__ import annotations

import re
import subprocess
from collections import Counter
from collections.abc import Iterable
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
    languages: Counter[tuple[str, str]] = field(default_factory=Counter)
    """How many structure elements of each (type, language) carry a
    language of their own (``/Lang``, besides the document's)."""


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
        language = element.get("/Lang")
        if language is not None:
            found.languages[(name, str(language))] += 1
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


FOOTER = re.compile(r"^(Inputrapport ZVP|Rapport de contribution PZS)?\s*(\d+\s*/\s*\d+)?$")
"""The running footer of a report page (its name and page number)."""


def _lines(text: str) -> list[str]:
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def pages_ending_with(data: bytes, headings: Iterable[str]) -> list[tuple[int, str]]:
    """The pages (1-based) whose text, above the footer, ends with one of
    ``headings`` (a heading left alone at the foot of a page), with it. A
    heading wrapped over lines still counts."""
    wanted = {" ".join(h.split()) for h in headings if h.strip()}
    found = []
    for number, text in enumerate(page_texts(data), start=1):
        lines = _lines(text)
        while lines and FOOTER.match(lines[-1]):
            lines.pop()
        for size in (1, 2, 3):
            tail = " ".join(lines[-size:])
            if len(lines) >= size and tail in wanted:
                found.append((number, tail))
                break
    return found


# Operators that put ink on the page: text, paths being painted, images
# and forms, inline images, shadings.
_PAINTING = frozenset(
    {"Tj", "TJ", "'", '"', "f", "F", "f*", "S", "s", "B", "B*", "b", "b*", "Do", "BI", "sh"}
)


def untagged_ink(data: bytes) -> list[tuple[int, str]]:
    """Every painting operator that lies outside any marked content (neither
    tagged content nor an artifact), as (page number from 1, operator): what
    PDF/UA forbids and a screen reader would skip or read out of order."""
    found: list[tuple[int, str]] = []
    with pikepdf.open(BytesIO(data)) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            depth = 0
            for instruction in pikepdf.parse_content_stream(page):
                operator = str(instruction.operator)
                if operator in ("BDC", "BMC"):
                    depth += 1
                elif operator == "EMC":
                    depth -= 1
                elif operator in _PAINTING and depth == 0:
                    found.append((number, operator))
    return found


def marked_content_ids(data: bytes) -> list[tuple[set[int], set[int]]]:
    """Per page: the marked-content ids its content streams use, and those
    its entry in the structure tree's parent tree maps to an element."""
    pages: list[tuple[set[int], set[int]]] = []
    with pikepdf.open(BytesIO(data)) as pdf:
        nums = list(pdf.Root.StructTreeRoot.ParentTree.Nums)
        parents = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
        for page in pdf.pages:
            used: set[int] = set()
            for instruction in pikepdf.parse_content_stream(page):
                if str(instruction.operator) == "BDC":
                    properties = instruction.operands[1]
                    if isinstance(properties, pikepdf.Dictionary) and "/MCID" in properties:
                        used.add(int(properties.MCID))
            entry = parents.get(int(page.obj.get("/StructParents", -1)))
            mapped = (
                {i for i, element in enumerate(entry) if isinstance(element, pikepdf.Dictionary)}
                if entry is not None
                else set()
            )
            pages.append((used, mapped))
    return pages


def tree_lines(element: Any, depth: int = 0) -> list[str]:
    """An element tree as lines, one per node with its tag, attributes (in
    order), text and tail: two trees are the same node by node when their
    lines are (and a difference shows where)."""
    tag = element.tag if isinstance(element.tag, str) else "<!-- comment -->"
    lines = [
        f"{'  ' * depth}{tag} {list(element.attrib.items())!r} "
        f"text={element.text!r} tail={element.tail!r}"
    ]
    for child in element:
        lines.extend(tree_lines(child, depth + 1))
    return lines
