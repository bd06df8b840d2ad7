"""Every translatable text of a survey, for the translations screen: where
it is (a path into the definition and words for the planner), and its
text per language. The first language is the reference; a text missing in
another language falls back to it (``survey.i18n.text_for``).
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _

Path = tuple[str | int, ...]


@dataclass(frozen=True)
class TextEntry:
    """One text: its ``path`` in the definition (``("pages", 0, "title")``),
    what it is in words, whether it is long (a textarea), and its texts."""

    path: Path
    label: str
    long: bool
    texts: dict[str, str]

    @property
    def name(self) -> str:
        """The path as one word for a form field (``pages.0.title``)."""
        return ".".join(str(part) for part in self.path)


def text_entries(definition: dict[str, Any]) -> list[TextEntry]:
    """Every text of the survey, in the order a resident meets them."""
    return list(_walk(definition))


def _entry(
    node: dict[str, Any], key: str, path: Path, label: str, long: bool = False
) -> Iterator[TextEntry]:
    value = node.get(key)
    if isinstance(value, dict):
        yield TextEntry(
            (*path, key), label, long, {k: v for k, v in value.items() if isinstance(v, str)}
        )


def _walk(definition: dict[str, Any]) -> Iterator[TextEntry]:
    yield from _entry(definition, "title", (), _("Title"))
    yield from _entry(definition, "intro", (), _("Introduction"), long=True)
    yield from _entry(definition, "closing", (), _("Closing text"), long=True)
    for i, item in enumerate(definition.get("phenomena") or []):
        yield from _entry(
            item, "label", ("phenomena", i), _("Phenomenon %(key)s", key=item.get("key"))
        )
    for name, options in (definition.get("scales") or {}).items():
        for i, option in enumerate(options or []):
            yield from _entry(
                option,
                "label",
                ("scales", name, i),
                _("Scale %(name)s, code %(code)s", name=name, code=option.get("code")),
            )
    for p, page in enumerate(definition.get("pages") or []):
        base: Path = ("pages", p)
        yield from _entry(page, "title", base, _("Page %(key)s: title", key=page.get("key")))
        for q, spec in enumerate(page.get("questions") or []):
            qpath: Path = (*base, "questions", q)
            key = spec.get("key")
            yield from _entry(spec, "text", qpath, _("Question %(key)s", key=key), long=True)
            yield from _entry(
                spec, "help", qpath, _("Question %(key)s: help text", key=key), long=True
            )
            yield from _entry(spec, "unit", qpath, _("Question %(key)s: unit", key=key))
            for o, option in enumerate(spec.get("options") or []):
                yield from _entry(
                    option,
                    "label",
                    (*qpath, "options", o),
                    _("Question %(key)s, option %(code)s", key=key, code=option.get("code")),
                )
            for r, row in enumerate(spec.get("rows") or []):
                yield from _entry(
                    row,
                    "label",
                    (*qpath, "rows", r),
                    _("Question %(key)s, row %(row)s", key=key, row=row.get("key")),
                )


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
