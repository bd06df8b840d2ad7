"""Every translatable text of a survey, for the translations screen: where
it is (a path into the definition and words for the planner), and its
text per language. The first language is the reference; a text missing in
another language falls back to it (``survey.i18n.text_for``).

A translation is *outdated* when the reference text changed after it was
translated. Saving a translation records a fingerprint of the reference
text it translates in the definition's ``translation_sources`` (text id ->
language -> fingerprint; docs/survey-file.md), so the mark survives an
export and an import. The text id names the text by keys, not places
(``questions.leeftijd.options.3.label``): moving a page or question keeps
its fingerprints, renaming a key drops them (the translation is then
neither marked outdated nor up to date: it has no known source).
"""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from flask_babel import LazyString
from flask_babel import lazy_gettext as _

Path = tuple[str | int, ...]
SOURCES_KEY = "translation_sources"
FINGERPRINT_LENGTH = 16


def fingerprint(text: str) -> str:
    """The fingerprint of a reference text: the first 16 hex digits of the
    SHA-256 of its UTF-8 words joined by single spaces (a text reflowed in
    YAML, or with a space added at the end, is the same text)."""
    words = " ".join(text.split())
    return hashlib.sha256(words.encode("utf-8")).hexdigest()[:FINGERPRINT_LENGTH]


@dataclass(frozen=True)
class TextEntry:
    """One text: its ``path`` in the definition (``("pages", 0, "title")``),
    what it is in words, whether it is long (a textarea), and its texts."""

    path: Path
    # Lazy: only the translations screen shows the labels, and an edit
    # walks every text to record its translations' sources.
    label: LazyString
    long: bool
    texts: dict[str, str]
    text_id: str = ""

    @property
    def name(self) -> str:
        """The path as one word for a form field (``pages.0.title``)."""
        return ".".join(str(part) for part in self.path)


def text_entries(definition: dict[str, Any]) -> list[TextEntry]:
    """Every text of the survey, in the order a resident meets them."""
    return list(_walk(definition))


def _entry(
    node: dict[str, Any],
    key: str,
    path: Path,
    label: LazyString,
    long: bool = False,
    *,
    text_id: str,
) -> Iterator[TextEntry]:
    value = node.get(key)
    if isinstance(value, dict):
        yield TextEntry(
            (*path, key),
            label,
            long,
            {k: v for k, v in value.items() if isinstance(v, str)},
            f"{text_id}.{key}" if text_id else key,
        )


def _walk(definition: dict[str, Any]) -> Iterator[TextEntry]:
    yield from _entry(definition, "title", (), _("Title"), text_id="")
    yield from _entry(definition, "intro", (), _("Introduction"), long=True, text_id="")
    yield from _entry(definition, "closing", (), _("Closing text"), long=True, text_id="")
    for i, item in enumerate(definition.get("phenomena") or []):
        yield from _entry(
            item,
            "label",
            ("phenomena", i),
            _("Phenomenon %(key)s", key=item.get("key")),
            text_id=f"phenomena.{item.get('key')}",
        )
    for name, options in (definition.get("scales") or {}).items():
        for i, option in enumerate(options or []):
            yield from _entry(
                option,
                "label",
                ("scales", name, i),
                _("Scale %(name)s, code %(code)s", name=name, code=option.get("code")),
                text_id=f"scales.{name}.{option.get('code')}",
            )
    for p, page in enumerate(definition.get("pages") or []):
        base: Path = ("pages", p)
        yield from _entry(
            page,
            "title",
            base,
            _("Page %(key)s: title", key=page.get("key")),
            text_id=f"pages.{page.get('key')}",
        )
        for q, spec in enumerate(page.get("questions") or []):
            qpath: Path = (*base, "questions", q)
            key = spec.get("key")
            qid = f"questions.{key}"
            yield from _entry(
                spec, "text", qpath, _("Question %(key)s", key=key), long=True, text_id=qid
            )
            yield from _entry(
                spec,
                "help",
                qpath,
                _("Question %(key)s: help text", key=key),
                long=True,
                text_id=qid,
            )
            yield from _entry(
                spec, "unit", qpath, _("Question %(key)s: unit", key=key), text_id=qid
            )
            for o, option in enumerate(spec.get("options") or []):
                yield from _entry(
                    option,
                    "label",
                    (*qpath, "options", o),
                    _("Question %(key)s, option %(code)s", key=key, code=option.get("code")),
                    text_id=f"{qid}.options.{option.get('code')}",
                )
            for r, row in enumerate(spec.get("rows") or []):
                yield from _entry(
                    row,
                    "label",
                    (*qpath, "rows", r),
                    _("Question %(key)s, row %(row)s", key=key, row=row.get("key")),
                    text_id=f"{qid}.rows.{row.get('key')}",
                )


def _reference(definition: dict[str, Any]) -> str:
    languages = definition.get("languages")
    if isinstance(languages, list) and languages and isinstance(languages[0], str):
        return languages[0]
    return "nl"


def outdated(definition: dict[str, Any], entries: Iterable[TextEntry]) -> set[tuple[Path, str]]:
    """(path, language) of every outdated translation among ``entries``:
    present, with a recorded fingerprint that is not the fingerprint of the
    current reference text. A translation without a fingerprint (made
    before fingerprints, or in a file written by hand) is not outdated."""
    sources = definition.get(SOURCES_KEY)
    if not isinstance(sources, dict):
        return set()
    reference = _reference(definition)
    found: set[tuple[Path, str]] = set()
    for entry in entries:
        recorded = sources.get(entry.text_id)
        if not isinstance(recorded, dict):
            continue
        current = fingerprint(entry.texts.get(reference, ""))
        for lang, mark in recorded.items():
            if entry.texts.get(lang) and mark != current:
                found.add((entry.path, lang))
    return found


def set_texts(definition: dict[str, Any], changes: dict[Path, dict[str, str]]) -> dict[str, Any]:
    """The definition with the texts at the given paths set for the given
    languages (an empty text removes that language's text). ``KeyError``
    when a path is no text of the survey (a form built from an older
    version)."""
    changed = copy.deepcopy(definition)
    known = {entry.path for entry in text_entries(changed)}
    for path, texts in changes.items():
        if path not in known:
            raise KeyError(path)
        node: Any = changed
        for part in path:
            node = node[part]
        for lang, text in texts.items():
            if text.strip():
                node[lang] = text
            else:
                node.pop(lang, None)
    return changed


def _sources(definition: dict[str, Any]) -> dict[str, dict[str, str]]:
    raw = definition.get(SOURCES_KEY)
    return {
        str(text_id): {str(lang): str(mark) for lang, mark in marks.items()}
        for text_id, marks in (raw.items() if isinstance(raw, dict) else [])
        if isinstance(marks, dict)
    }


def _with_sources(
    definition: dict[str, Any], sources: dict[str, dict[str, str]], entries: list[TextEntry]
) -> dict[str, Any]:
    """``definition`` with ``sources`` as its records, without those of
    texts or translations it no longer has."""
    present = {(entry.text_id, lang) for entry in entries for lang in entry.texts}
    kept = {
        text_id: {lang: mark for lang, mark in marks.items() if (text_id, lang) in present}
        for text_id, marks in sorted(sources.items())
    }
    kept = {text_id: marks for text_id, marks in kept.items() if marks}
    if kept:
        definition[SOURCES_KEY] = kept
    else:
        definition.pop(SOURCES_KEY, None)
    return definition


def record_sources(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """``after`` (an edit of ``before``) with every translation the edit
    wrote (new, or changed) recorded as translated from ``after``'s
    reference text, and no record of a text or translation it removed.
    A translation the edit left alone keeps its record: when only the
    reference text changed, that translation becomes outdated."""
    changed = copy.deepcopy(after)
    entries = text_entries(changed)
    old = {entry.text_id: entry.texts for entry in text_entries(before)}
    reference = _reference(changed)
    sources = _sources(changed)
    for entry in entries:
        for lang, text in entry.texts.items():
            if lang != reference and text != old.get(entry.text_id, {}).get(lang):
                sources.setdefault(entry.text_id, {})[lang] = fingerprint(
                    entry.texts.get(reference, "")
                )
    return _with_sources(changed, sources, entries)


def confirm_translations(
    definition: dict[str, Any], confirmed: Iterable[tuple[Path, str]]
) -> dict[str, Any]:
    """The definition with the translations at (path, language) recorded as
    still right for the current reference text (their outdated mark goes).
    ``KeyError`` when a path is no text of the survey."""
    changed = copy.deepcopy(definition)
    entries = text_entries(changed)
    by_path = {entry.path: entry for entry in entries}
    reference = _reference(changed)
    sources = _sources(changed)
    for path, lang in confirmed:
        entry = by_path[path]
        if entry.texts.get(lang):
            sources.setdefault(entry.text_id, {})[lang] = fingerprint(
                entry.texts.get(reference, "")
            )
    return _with_sources(changed, sources, entries)
