"""A planner whose surveys speak French gives the consultation's title and
the margins' source in French on the consultation's page; the French report
names them so, and says so where a text was left untranslated."""

from __future__ import annotations

import json
from typing import Any

from flask import Flask
from formtools import Page
from planner_helpers import logged_in, msg

CONSULTATION_URL = "/planner/raadplegingen/zvp-2026-2031"
REPORT_JSON = "/planner/rapporten/burgers-2026/inputrapport.json"


def french_report(client: Any) -> dict[str, Any]:
    response = client.get(REPORT_JSON, query_string={"language": "fr"})
    assert response.status_code == 200
    return dict(json.loads(response.data))


def translations_form(client: Any) -> Any:
    page = Page(client.get(CONSULTATION_URL))
    return next(f for f in page.forms if f.action.endswith("/vertalingen"))


def test_a_planner_gives_the_title_and_margins_source_in_french(
    app: Flask, client: Any, resident_survey: str
) -> None:
    logged_in(app, client, "planner")
    source = Page(client.get(f"{CONSULTATION_URL}/marges"))
    form = next(f for f in source.forms if f.action.endswith("/marges/bron"))
    form.set("margins_source", "Statbel, bevolking op 1 januari 2026").submit(client)

    # The resident survey speaks nl, fr, en and de; reports are written in
    # nl and fr: French is the one other language asked for.
    form = translations_form(client)
    assert form.fields["languages-0-language"].value == "fr"
    assert "languages-1-language" not in form.fields
    before = french_report(client)
    assert before["consultation"]["title_language"] == "nl"
    assert before["fieldwork"]["margins_source"] == "Statbel, bevolking op 1 januari 2026"

    form.set("languages-0-title", "Consultation PZS 2026-2031")
    form.set("languages-0-margins_source", "Statbel, population au 1er janvier 2026")
    saved = form.submit(client)
    assert saved.status_code == 302
    page = Page(client.get(saved.headers["Location"]))
    assert msg(app, "The translations were saved.") in page.text

    report = french_report(client)
    assert report["consultation"]["title"] == "Consultation PZS 2026-2031"
    assert report["consultation"]["title_language"] == "fr"
    assert report["fieldwork"]["margins_source"] == "Statbel, population au 1er janvier 2026"
    assert report["fieldwork"]["margins_source_language"] == "fr"
    # The Dutch report keeps the Dutch texts.
    dutch = json.loads(client.get(REPORT_JSON).data)
    assert dutch["fieldwork"]["margins_source"] == "Statbel, bevolking op 1 januari 2026"
    assert dutch["consultation"]["title_language"] == "nl"

    # An emptied text falls back to the Dutch one, and the report says so.
    translations_form(client).set("languages-0-title", "").submit(client)
    report = french_report(client)
    assert report["consultation"]["title_language"] == "nl"
    assert report["consultation"]["title"] != "Consultation PZS 2026-2031"
    assert report["fieldwork"]["margins_source_language"] == "fr"
    html = client.get(
        "/planner/rapporten/burgers-2026/inputrapport.html", query_string={"language": "fr"}
    ).get_data(as_text=True)
    assert "Non traduit : saisi uniquement en néerlandais." in html
    assert f'lang="nl">{report["consultation"]["title"]}<' in html


def test_a_too_long_translation_is_refused_in_dutch_and_nothing_is_stored(
    app: Flask, client: Any, resident_survey: str
) -> None:
    logged_in(app, client, "planner")
    form = translations_form(client).set("languages-0-title", "x" * 201)
    page = Page(client.get(form.submit(client).headers["Location"]))
    assert msg(app, "At most 200 characters.") in page.text
    assert french_report(client)["consultation"]["title_language"] == "nl"


def test_a_viewer_sees_the_translations_but_cannot_change_them(
    app: Flask, client: Any, resident_survey: str
) -> None:
    logged_in(app, client, "viewer")
    page = Page(client.get(CONSULTATION_URL))
    assert msg(app, "Texts in other languages") in page.text
    # The route itself is for managers (test_workspace_shell checks every route).
    assert not any(f.action.endswith("/vertalingen") for f in page.forms)
