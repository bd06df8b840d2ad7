"""Reading the markdown of docs/: code blocks with their example markers,
sections by heading, and the keys in the first column of their tables.

An example is marked with an HTML comment on the line right above its code
block, ``<!-- example: KIND -->``; what it should give is the ``text`` block
that follows it (see tests/unit/test_docs.py for the kinds).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
SURVEY_FILE = DOCS / "survey-file.md"
COMMAND_LINE = DOCS / "command-line.md"
CONFIGURATION = DOCS / "configuration.md"
RESPONSE_FILE = DOCS / "response-file.md"

MARKER_RE = re.compile(r"^<!-- example: ([a-z ]+) -->$")
FENCE_RE = re.compile(r"^```(\w*)\s*$")
HEADING_RE = re.compile(r"^(#{1,6}) (.*)$")
TABLE_KEY_RE = re.compile(r"^\|\s*`([^`]+)`\s*\|")


@dataclass(frozen=True)
class Block:
    """A fenced code block, the marker just above it (or None) and its line."""

    language: str
    text: str
    marker: str | None
    line: int


def blocks(path: Path) -> list[Block]:
    found: list[Block] = []
    lines = path.read_text(encoding="utf-8").splitlines()
    index = 0
    while index < len(lines):
        fence = FENCE_RE.match(lines[index])
        if fence is None:
            index += 1
            continue
        marker = MARKER_RE.match(lines[index - 1]) if index else None
        end = index + 1
        while end < len(lines) and lines[end] != "```":
            end += 1
        found.append(
            Block(
                language=fence.group(1),
                text="\n".join(lines[index + 1 : end]) + "\n",
                marker=marker.group(1) if marker else None,
                line=index + 1,
            )
        )
        index = end + 1
    return found


def prose_lines(path: Path) -> list[str]:
    """The lines of a markdown file outside code blocks (a ``#`` in a YAML
    or shell block is not a heading)."""
    kept: list[str] = []
    inside = False
    for line in path.read_text(encoding="utf-8").splitlines():
        if FENCE_RE.match(line):
            inside = not inside
            continue
        if not inside:
            kept.append(line)
    return kept


def sections(path: Path) -> dict[str, list[str]]:
    """Heading text -> its own lines, up to the next heading of any level."""
    found: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in prose_lines(path):
        heading = HEADING_RE.match(line)
        if heading:
            current = found.setdefault(heading.group(2).strip(), [])
        elif current is not None:
            current.append(line)
    return found


def section(path: Path, starts_with: str) -> list[str]:
    matches = [lines for title, lines in sections(path).items() if title.startswith(starts_with)]
    assert len(matches) == 1, f"{path.name}: one heading starting with {starts_with!r}"
    return matches[0]


def table_keys(lines: list[str]) -> set[str]:
    """The backticked names in the first column of the section's tables."""
    return {m.group(1) for line in lines if (m := TABLE_KEY_RE.match(line))}


def marked(path: Path, marker: str) -> list[Block]:
    """The blocks of ``path`` marked ``<!-- example: marker -->``."""
    return [b for b in blocks(path) if b.marker == marker]


def shown_after(path: Path, block: Block) -> str:
    """The ``text`` block right after ``block``: what the page says comes out."""
    found = blocks(path)
    following = found[found.index(block) + 1]
    assert following.language == "text", f"{path.name} line {block.line}: no text block after it"
    return following.text
