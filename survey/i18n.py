"""Which language a page is shown in, and texts from survey files.

Interface strings come from the gettext catalogs; survey wording is data:
a mapping language -> text that falls back to the survey's first language.
"""

from __future__ import annotations

from collections.abc import Mapping

from babel.support import NullTranslations
from flask import Flask, current_app, g, has_request_context, request, session
from flask_babel import get_translations

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


def request_translations() -> NullTranslations:
    """The gettext catalog of this request (or app context), looked up once.
    Flask-Babel's own lookup walks the context four times per string (~6 us;
    a resident page shows ~20 strings: ~6 % of its CPU). It is kept where
    Flask-Babel 4.0 (pinned) keeps its per-context state, as
    ``babel_translations``, which its ``refresh()`` and ``force_locale()``
    reset, so a language switched that way is still followed; otherwise the
    locale is fixed at its first use, as Flask-Babel caches it too."""
    state = g.get("_flask_babel")
    cached: NullTranslations | None = getattr(state, "babel_translations", None)
    if cached is not None:
        return cached
    translations: NullTranslations = get_translations()
    state = g.get("_flask_babel")  # created by get_translations
    if state is not None:
        state.babel_translations = translations
    return translations


def install_template_gettext(app: Flask) -> None:
    """The templates' ``_()`` and friends through ``request_translations``
    (instead of Flask-Babel's per-string lookup)."""
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=lambda s: request_translations().ugettext(s),
        ngettext=lambda s, p, n: request_translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: request_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: request_translations().unpgettext(c, s, p, n),
    )


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
