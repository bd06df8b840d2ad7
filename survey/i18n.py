"""Which language a page is shown in, and texts from survey files.

Interface strings come from the gettext catalogs; survey wording is data:
a mapping language -> text. Languages are data too: a survey may declare
any language Babel knows (``de``, ``tr``, ``ar``...), and the installation
sets a fallback chain per language (``SURVEY_LANGUAGE_FALLBACKS``, e.g.
``de:fr,nl``). A text missing in the reader's language is taken from the
first language of that chain the text has, then from the survey's first
language; the interface (buttons, messages) follows the same chain to the
first language with a catalog. A text shown in another language than the
page's carries its own ``lang`` attribute (``tagged``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

from babel import Locale, UnknownLocaleError
from flask import current_app, g, has_app_context, has_request_context, request, session
from flask_babel import get_locale
from markupsafe import Markup, escape

LANGUAGE_NAMES = {"nl": "Nederlands", "fr": "Français", "en": "English", "de": "Deutsch"}
# ISO 639-1 or 639-2/3 codes, lower case: what survey files and the
# fallback setting name (no regions: "de", not "de-BE").
LANGUAGE_CODE_RE = re.compile(r"[a-z]{2,3}")
# The last resort of a text outside any survey's context (reports of old
# callers): the platform's own first language.
REFERENCE_LANGUAGE = "nl"


def is_language_code(code: object) -> bool:
    """Whether ``code`` names a language Babel knows (``de``, ``tr``),
    as survey files and the fallback setting must."""
    if not isinstance(code, str) or not LANGUAGE_CODE_RE.fullmatch(code):
        return False
    try:
        Locale.parse(code)
    except (UnknownLocaleError, ValueError):
        return False
    return True


def language_name(code: str) -> str:
    """The language's own name for itself (``Deutsch``, ``Türkçe``), for
    language links; the code when Babel does not know it."""
    if code in LANGUAGE_NAMES:
        return LANGUAGE_NAMES[code]
    try:
        name = Locale.parse(code).get_display_name(code)
    except (UnknownLocaleError, ValueError):
        return code
    return name[:1].upper() + name[1:] if name else code


def parse_fallbacks(raw: str | Mapping[str, Sequence[str]]) -> dict[str, tuple[str, ...]]:
    """``SURVEY_LANGUAGE_FALLBACKS`` as a mapping language -> the languages
    tried after it, in order: ``"de:fr,nl; lb:de,fr"`` gives ``{"de": ("fr",
    "nl"), "lb": ("de", "fr")}``. Chains are separated by ``;`` (or spaces
    around them), a language from its fallbacks by ``:``. Raises
    ``ValueError`` with a readable reason for anything else."""
    if isinstance(raw, Mapping):
        items: Iterable[tuple[str, Sequence[str]]] = raw.items()
    else:
        pairs = []
        for part in (p.strip() for p in raw.split(";")):
            if not part:
                continue
            language, colon, rest = part.partition(":")
            if not colon:
                raise ValueError(f"{part!r} must look like de:fr,nl")
            pairs.append((language.strip(), [f.strip() for f in rest.split(",") if f.strip()]))
        items = pairs
    chains: dict[str, tuple[str, ...]] = {}
    for language, fallbacks in items:
        for code in (language, *fallbacks):
            if not is_language_code(code):
                raise ValueError(f"{code!r} is not a language code such as de or fr")
        if language in chains:
            raise ValueError(f"{language} has two fallback chains")
        if language in fallbacks:
            raise ValueError(f"{language} cannot fall back to itself")
        chains[language] = tuple(dict.fromkeys(fallbacks))
    return chains


def _configured_fallbacks() -> Mapping[str, tuple[str, ...]]:
    if not has_app_context():
        return {}
    return current_app.config.get("LANGUAGE_FALLBACKS") or {}


def language_chain(language: str, offered: Sequence[str]) -> tuple[str, ...]:
    """The languages a survey text is looked up in, in order, for a reader
    of ``language`` in a survey offering ``offered`` (first: the reference):
    ``language``, its configured fallbacks that the survey offers, then the
    reference language."""
    fallbacks = [f for f in _configured_fallbacks().get(language, ()) if f in offered]
    reference = [offered[0]] if offered else []
    return tuple(dict.fromkeys([language, *fallbacks, *reference]))


def chain_for(language: str, reference: str | None = None) -> tuple[str, ...]:
    """The lookup chain of ``language``: the current answer page's chain
    (set by ``use_chain``) when it is for this language, else ``language``,
    its configured fallbacks and ``reference`` (Dutch when not given)."""
    if has_app_context():
        current = g.get("text_chain")
        if current and current[0] == language:
            return tuple(current)
    return tuple(
        dict.fromkeys(
            [language, *_configured_fallbacks().get(language, ()), reference or REFERENCE_LANGUAGE]
        )
    )


def use_chain(chain: Sequence[str]) -> None:
    """Make ``chain`` the request's lookup chain for survey texts."""
    g.text_chain = tuple(chain)


class ShownText(str):
    """A survey text as shown, with ``lang``: the language it is in (which
    differs from the reader's where a fallback filled a gap)."""

    lang: str

    def __new__(cls, text: str, lang: str) -> ShownText:  # noqa: D102 (the class says it)
        shown = super().__new__(cls, text)
        shown.lang = lang
        return shown

    def __getnewargs__(self) -> tuple[str, str]:  # type: ignore[override]
        # Copies and pickles (report models hold shown texts) rebuild it
        # with its language.
        return (str(self), self.lang)


def pick(texts: Mapping[str, str] | str | None, chain: Sequence[str]) -> ShownText:
    """The first non-empty text of ``texts`` along ``chain``, else any.
    A plain string (a unit such as "km/u") is the same in every language."""
    first = chain[0] if chain else REFERENCE_LANGUAGE
    if texts is None:
        return ShownText("", first)
    if isinstance(texts, str):
        return ShownText(texts, first)
    for lang in chain:
        value = texts.get(lang)
        if value:
            return ShownText(value, lang)
    for lang, value in texts.items():
        if value:
            return ShownText(value, lang)
    return ShownText("", first)


def text_for(
    texts: Mapping[str, str] | str | None, language: str, fallback: str | None = None
) -> str:
    """A survey text in ``language``, else along its fallback chain
    (``chain_for``; ``fallback`` is the survey's reference language where
    the caller knows it), else any. The result is a ``ShownText``."""
    if isinstance(texts, Mapping):
        # Most texts exist in the reader's language: no chain to work out
        # (reports and pages call this for every label).
        value = texts.get(language)
        if value:
            return ShownText(value, language)
    return pick(texts, chain_for(language, fallback))


def page_locale() -> str:
    """The language of the page's interface texts (the ``<html lang>``)."""
    return str(get_locale() or REFERENCE_LANGUAGE)


def tagged(text: str) -> Markup:
    """``text`` escaped for HTML; in a ``<span lang=...>`` when it is a
    ``ShownText`` in another language than the page's, so that screen
    readers pronounce a fallback text in its own language."""
    lang = getattr(text, "lang", None)
    if lang is None or not has_request_context() or lang == page_locale():
        return escape(text)
    return Markup('<span lang="{}">{}</span>').format(lang, text)


def lang_attribute(text: str) -> Markup:
    """`` lang="fr"`` for an element whose whole content is ``text`` when
    that is in another language than the page's (``<option>``, ``<p>``:
    elements a span cannot wrap); empty otherwise."""
    lang = getattr(text, "lang", None)
    if lang is None or not has_request_context() or lang == page_locale():
        return Markup("")
    return Markup(' lang="{}"').format(lang)


def say(texts: Mapping[str, str] | str | None, language: str) -> Markup:
    """A survey text for a template, in ``language`` along its chain, with
    a ``lang`` span where a fallback language filled in (``tagged``)."""
    return tagged(text_for(texts, language))


def interface_language(language: str) -> str:
    """The catalog language for a reader of ``language``: the first of it
    and its configured fallbacks with an interface catalog
    (``SUPPORTED_LANGUAGES``), else the installation's default."""
    supported = current_app.config["SUPPORTED_LANGUAGES"]
    for code in chain_for(language, current_app.config["BABEL_DEFAULT_LOCALE"]):
        if code in supported:
            return code
    return str(current_app.config["BABEL_DEFAULT_LOCALE"])


def browser_choice(offered: Sequence[str]) -> str | None:
    """The survey language the browser's Accept-Language asks for: the
    first accepted language (by quality) the survey offers, else the first
    whose fallback chain reaches one it offers; None when neither."""
    if not has_request_context():
        return None
    wanted = [tag.split("-")[0].lower() for tag, _quality in request.accept_languages]
    for code in wanted:
        if code in offered:
            return code
    fallbacks = _configured_fallbacks()
    for code in wanted:
        for fallback in fallbacks.get(code, ()):
            if fallback in offered:
                return fallback
    return None


def select_locale() -> str:
    """The request's interface language. On an answer page: the reader's
    survey language (``g.language``) or the first language of its fallback
    chain with a catalog. Elsewhere: an explicit choice (``?lang=`` stored
    in the session), else the default (Dutch). The browser's
    Accept-Language counts only on answer pages, through the survey's
    languages (``rendering.set_language``)."""
    supported = current_app.config["SUPPORTED_LANGUAGES"]
    forced = getattr(g, "language", None)
    if isinstance(forced, str):
        return interface_language(forced)
    if not has_request_context():
        return str(current_app.config["BABEL_DEFAULT_LOCALE"])
    chosen = request.args.get("lang")
    if chosen in supported:
        session["lang"] = chosen
        return str(chosen)
    stored = session.get("lang")
    if stored in supported:
        return str(stored)
    return str(current_app.config["BABEL_DEFAULT_LOCALE"])
