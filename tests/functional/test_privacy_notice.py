"""What the start page tells a resident about privacy, and where the code
page sends a resident who lost the letter: the zone's own name and contact
from the consultation's letter settings, in plain Dutch."""

from __future__ import annotations

from typing import Any

from flask import Flask
from formtools import Page
from resident_flow import tr


def _set_letter(app: Flask, key: str, **settings: str) -> None:
    from survey.definitions.store import find_survey
    from survey.extensions import db

    with app.app_context():
        survey = find_survey(db.session, key)
        assert survey is not None
        survey.consultation.letter = settings
        db.session.commit()


def test_the_privacy_notice_names_the_zone_and_how_to_reach_it(
    app: Flask, client: Any, resident_survey: str
) -> None:
    _set_letter(
        app,
        resident_survey,
        sender="Politiezone Voorbeeldzone",
        phone="09 000 00 00",
        email="privacy@pz-voorbeeldzone.be",
        privacy_url="https://www.pz-voorbeeldzone.be/privacy",
    )
    start = Page(client.get(f"/s/{resident_survey}"))
    contact = "09 000 00 00 / privacy@pz-voorbeeldzone.be"
    for line in (
        tr(
            app,
            "Responsible for your answers: %(controller)s.",
            controller="Politiezone Voorbeeldzone",
        ),
        tr(app, "Taking part is voluntary. You can stop at any time."),
        tr(
            app,
            "Why may we ask this? By law, the police zone must make a security plan, and "
            "asking residents is part of it. This is a task in the public interest.",
        ),
        tr(
            app,
            "You may ask which data we keep about you, or ask us to delete them. Nothing links "
            "your answers to you, so we usually cannot find them.",
        ),
        tr(app, "Questions about your privacy? Contact %(contact)s.", contact=contact),
    ):
        assert line in start.text
    assert "Verantwoordelijk voor uw antwoorden: Politiezone Voorbeeldzone." in start.text
    assert "https://www.pz-voorbeeldzone.be/privacy" in start.text

    code_page = Page(client.get(f"/s/{resident_survey}/code"))
    assert tr(app, "Lost your letter?") in code_page.text
    assert (
        tr(app, "Contact %(contact)s. Ask for a new letter with a new code.", contact=contact)
        in code_page.text
    )
    assert "Bent u uw brief kwijt? Neem contact op met 09 000 00 00" in code_page.text


def test_without_letter_settings_the_installation_names_the_zone(
    app: Flask, client: Any, resident_survey: str
) -> None:
    start = Page(client.get(f"/s/{resident_survey}"))
    # The built-in placeholders, in the page's language.
    assert "Verantwoordelijk voor uw antwoorden: de lokale politiezone." in start.text
    code_page = Page(client.get(f"/s/{resident_survey}/code"))
    assert (
        "Neem contact op met de functionaris voor gegevensbescherming van de politiezone."
        in code_page.text
    )
    french = Page(client.get(f"/s/{resident_survey}?lang=fr"))
    assert "la zone de police locale" in french.text
    assert "de lokale politiezone" not in french.text
    app.config["PRIVACY_CONTROLLER"] = "Politiezone Meetjesland Centrum"
    try:
        french = Page(client.get(f"/s/{resident_survey}?lang=fr"))
    finally:
        app.config["PRIVACY_CONTROLLER"] = "de lokale politiezone"
    assert "Politiezone Meetjesland Centrum" in french.text
