"""Which language a page is shown in, and texts from survey files.

Interface strings come from the gettext catalogs; survey wording is data:
a mapping language -> text that falls back to the survey's first language.
"""

from __future__ import annotations

from collections.abc import Mapping

from flask import current_app, g, has_request_context, request, session

LANGUAGE_NAMES = {"nl": "Nederlands", "fr": "Français", "en": "English", "de": "Deutsch"}


def select_locale() -> str:
    """The request's language: an explicit choice (``?lang=`` stored in the
    session), else the default (Dutch). The browser's Accept-Language is not
    used: residents get Dutch unless they choose otherwise."""
    supported = current_app.config["SUPPORTED_LANGUAGES"]
    forced = getattr(g, "language", None)
    if forced in supported:
        return str(forced)
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


def text_for(texts: Mapping[str, str] | str | None, language: str, fallback: str = "nl") -> str:
    """A survey text in ``language``, else in ``fallback``, else any."""
    if texts is None:
        return ""
    if isinstance(texts, str):
        return texts
    for lang in (language, fallback):
        value = texts.get(lang)
        if value:
            return value
    return next(iter(texts.values()), "")
