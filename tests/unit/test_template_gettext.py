"""Template strings follow the language of the request (``survey.i18n``):
the page's language, and a language switched within the request with
Flask-Babel's ``force_locale`` or ``refresh``."""

from __future__ import annotations

from flask import Flask, g, render_template_string


def test_template_strings_follow_the_language_of_the_request(app: Flask) -> None:
    from flask_babel import force_locale, refresh

    template = "{{ _('Continue') }}"
    with app.test_request_context("/"):
        g.language = "nl"
        assert render_template_string(template) == "Verdergaan"
        with force_locale("fr"):
            assert render_template_string(template) == "Continuer"
        assert render_template_string(template) == "Verdergaan"
        g.language = "fr"
        refresh()
        assert render_template_string(template) == "Continuer"
    with app.test_request_context("/"):
        g.language = "fr"
        assert render_template_string(template) == "Continuer"
