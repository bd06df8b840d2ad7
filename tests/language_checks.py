"""Is a document in the language it claims? Its words against the
interface's own catalog: a word of the English msgids that no translation
into that language uses is an untranslated text (or a text the writer
forgot to pass through gettext)."""

from __future__ import annotations

import html as entities
import io
import re
from pathlib import Path

from babel.messages.pofile import read_po

TRANSLATIONS = Path(__file__).resolve().parents[1] / "translations"
PLACEHOLDER = re.compile(r"%\([a-z_]+\)s")


def words(text: str) -> set[str]:
    """The words of ``text``, lower case (letters with Latin-1 accents)."""
    return {w.lower() for w in re.findall(r"[A-Za-z\u00c0-\u00ff]+", text)}


def english_only_words(language: str) -> set[str]:
    """Every word of the interface's English msgids that no translation into
    ``language`` uses (so "interval" and "trend", Dutch too, are not in it
    for Dutch): a new untranslated text is found without a word list."""
    path = TRANSLATIONS / language / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        catalog = read_po(handle)
    english: set[str] = set()
    translated: set[str] = set()
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for text in ids:
            english |= words(PLACEHOLDER.sub(" ", text))
        for text in strings:
            translated |= words(PLACEHOLDER.sub(" ", text or ""))
    return english - translated


def html_text(html: str) -> str:
    """What a reader of an HTML document reads: its text and alt texts."""
    body = re.sub(r"<(style|script)\b.*?</\1>", " ", html, flags=re.S)
    alts = " ".join(re.findall(r'alt="([^"]*)"', body))
    body = re.sub(r'(src|href)="[^"]*"', " ", body)
    return entities.unescape(re.sub(r"<[^>]+>", " ", body) + " " + alts)


def docx_text(data: bytes) -> str:
    """What a reader of a Word document reads: paragraphs, table cells and
    the pictures' descriptions."""
    from docx import Document

    document = Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    parts += [c.text for t in document.tables for row in t.rows for c in row.cells]
    parts += [shape._inline.docPr.get("descr") or "" for shape in document.inline_shapes]
    return "\n".join(parts)


def charts_zip_text(data: bytes) -> str:
    """What the charts ZIP says in words: the SVGs' texts, the CSVs (headers
    and labels) and the alt texts (not the file names: identifiers)."""
    import zipfile

    parts: list[str] = []
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if name.endswith(".png"):
                continue
            text = archive.read(name).decode("utf-8-sig")
            if name.endswith(".svg"):
                text = " ".join(re.findall(r"<text\b[^>]*>(.*?)</text>", text, flags=re.S))
                text = entities.unescape(re.sub(r"<[^>]+>", " ", text))
            parts.append(text)
    return "\n".join(parts)
