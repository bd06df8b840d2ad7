"""Which language a survey text is shown in: the reader's, else along the
installation's fallback chain, else the survey's first language; and the
interface language a reader of a language without a catalog gets."""

from __future__ import annotations

from flask import Flask, g

from survey import create_app
from survey.i18n import (
    interface_language,
    lang_attribute,
    language_chain,
    language_name,
    say,
    text_for,
    use_chain,
)


def _app(fallbacks: str = "de:fr,nl; lb:de,fr") -> Flask:
    return create_app({"SURVEY_ENV": "testing", "LANGUAGE_FALLBACKS": fallbacks})


def test_a_missing_text_comes_from_the_chain_then_the_reference() -> None:
    texts = {"nl": "Uw buurt", "fr": "Votre quartier"}
    with _app().app_context():
        assert language_chain("de", ["nl", "fr", "de"]) == ("de", "fr", "nl")
        # The chain keeps only what the survey offers, and ends with its first language.
        assert language_chain("lb", ["fr", "lb"]) == ("lb", "fr")
        assert language_chain("tr", ["nl", "tr"]) == ("tr", "nl")
        shown = text_for(texts, "de")
        assert (shown, shown.lang) == ("Votre quartier", "fr")  # type: ignore[attr-defined]
        shown = text_for({"nl": "Uw buurt", "de": "Ihr Viertel"}, "de")
        assert shown.lang == "de"  # type: ignore[attr-defined]
        # Without a chain for the language: the reference language given.
        assert text_for({"fr": "Quartier", "en": "Area"}, "tr", "en") == "Area"
        # A plain string (a unit) is the same in every language.
        assert text_for("km/u", "de") == "km/u"


def test_an_answer_page_uses_its_own_chain() -> None:
    app = _app("")
    with app.test_request_context("/", headers={"Accept-Language": "de"}):
        g.language = "de"
        use_chain(("de", "en", "fr"))
        texts = {"fr": "Votre quartier", "en": "Your area"}
        assert text_for(texts, "de") == "Your area"
        assert str(say(texts, "de")) == '<span lang="en">Your area</span>'
        assert str(say({"de": "Ihr <Viertel>"}, "de")) == "Ihr &lt;Viertel&gt;"
        assert str(lang_attribute(text_for(texts, "de"))) == ' lang="en"'


def test_a_language_without_a_catalog_gets_the_interface_of_its_chain() -> None:
    with _app("tr:fr").app_context():
        assert interface_language("de") == "de"
        assert interface_language("tr") == "fr"
        assert interface_language("ar") == "nl"
    assert language_name("tr") == "Türkçe"
    assert language_name("de") == "Deutsch"


def test_a_shown_text_keeps_its_language_through_copies_and_pickles() -> None:
    """Report models hold shown texts and are copied (the disclosure checks)
    and may be pickled: the language that marks a fallback text survives."""
    import copy
    import pickle

    from survey.i18n import ShownText

    shown = ShownText("Sécurité", "fr")
    for again in (copy.deepcopy(shown), copy.copy(shown), pickle.loads(pickle.dumps(shown))):  # noqa: S301 (our own bytes)
        assert again == "Sécurité" and again.lang == "fr"
