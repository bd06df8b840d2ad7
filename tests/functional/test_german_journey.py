"""A German-speaking resident answers the default survey in German, and a
survey whose German texts are not all there yet: the browser asks for
German, the whole interface is German, a text missing in German is shown in
French (the installation's fallback chain de -> fr -> nl), marked
``lang="fr"`` so a screen reader reads it in French, and the language links
keep the letter's code and the draft.
Everything through the rendered forms, as a browser without JavaScript."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from flask import Flask
from formtools import Page
from german_survey import GERMAN_BROWSER, import_german_survey
from partner_flow import (
    ADMIN,
    fill,
    form_with,
    full_answers,
    issue_all,
    page_path,
    send,
)
from planner_helpers import logged_in
from resident_flow import fill as fill_in
from resident_flow import make_codes, open_copy, submit
from sqlalchemy import select
from support import PARTNER_FILE, import_file

from survey.extensions import db
from survey.models import Response


def _switch_links(html: str) -> dict[str, str]:
    """The language links: language -> address."""
    nav = re.search(r'<nav class="language-switch".*?</nav>', html, re.S)
    assert nav, "no language switch on the page"
    return {
        lang: href.replace("&amp;", "&")
        for href, lang in re.findall(r'<a href="([^"]+)" lang="([a-z]+)"', nav.group(0))
    }


def test_a_german_resident_answers_with_french_where_german_is_missing(
    app: Flask, client: Any, tmp_path: Path
) -> None:
    key = import_german_survey(app, tmp_path)
    code = make_codes(app, key, 1)[0]
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = GERMAN_BROWSER

    # The front door speaks German because the browser asks for it.
    start = Page(client.get(f"/s/{key}"))
    assert '<html lang="de">' in start.html
    assert "Sicherheit in Ihrem Viertel" in start.text
    assert "Die Teilnahme ist freiwillig." in start.text
    assert "Verantwortlich für Ihre Antworten: die lokale Polizeizone." in start.text
    assert "Jetzt beginnen" in start.text
    assert "Brauchen Sie dringend Hilfe von der Polizei? Rufen Sie 101 an." in start.text
    # The intro has no German text: the French one, marked as French.
    assert '<p lang="fr">Nous voulons savoir si vous vous sentez en sécurité.</p>' in start.html
    assert set(_switch_links(start.html)) == {"nl", "fr"}

    # A mistyped code: the message is German, and switching language keeps
    # what was typed.
    code_page = Page(client.get(f"/s/{key}/code"))
    assert "Geben Sie den Code aus Ihrem Brief ein" in code_page.text
    refused = Page(code_page.form().set("code", "ABCD-EFGH-JKLM").submit(client))
    assert refused.response.status_code == 200
    assert "Wir kennen diesen Code nicht." in refused.text
    french_code_page = Page(client.get(_switch_links(refused.html)["fr"]))
    assert '<html lang="fr">' in french_code_page.html
    assert french_code_page.form().fields["code"].value == "ABCD-EFGH-JKLM"

    # Back in German (the link list again), the right code opens the survey.
    german_code_page = Page(client.get(_switch_links(french_code_page.html)["de"]))
    assert '<html lang="de">' in german_code_page.html
    opened = german_code_page.form().set("code", code).submit(client)
    assert opened.status_code == 302
    first = Page(client.get(opened.location))
    assert '<html lang="de">' in first.html
    assert '<h1><span lang="fr">Votre quartier</span></h1>' in first.html
    assert "Fühlen Sie sich in Ihrem Viertel manchmal unsicher?" in first.html
    assert '<span lang="fr">Je ne sais pas</span>' in first.html
    assert '<span lang="fr">Voulez-vous ajouter quelque chose ?</span>' in first.html
    assert "Schritt 1 von 1" in first.text

    # Sent without an answer: the German error, the French label marked.
    missing = Page(first.form().submit(client))
    assert "Es gibt ein Problem" in missing.text
    assert "Beantworten Sie diese Frage." in missing.text
    summary = re.search(r'<div class="error-summary".*?</div>', missing.html, re.S)
    assert summary
    assert (
        '<span lang="fr">Voulez-vous ajouter quelque chose ?</span>: '
        "Beantworten Sie diese Frage." in summary.group(0)
    )

    # The draft survives a switch to Dutch and back.
    answered = missing.form().set("onveilig", "2").set("opmerking", "Mehr Licht im Park.")
    check = client.get(answered.submit(client).location)
    dutch = Page(client.get(_switch_links(check.get_data(as_text=True))["nl"]))
    assert "Controleer uw antwoorden voordat u ze verzendt" in dutch.text
    assert "Nee" in dutch.text
    german = Page(client.get(_switch_links(dutch.html)["de"]))
    assert "Prüfen Sie Ihre Antworten, bevor Sie sie senden" in german.text
    assert "Nein" in german.text
    assert "Mehr Licht im Park." in german.text

    sent = german.form().submit(client)
    assert sent.status_code == 302
    thanks = Page(client.get(sent.location))
    assert "Ihre Antworten sind gesendet" in thanks.text
    # No German closing text: the French one, marked.
    assert '<p lang="fr">Merci pour vos réponses.</p>' in thanks.html
    with app.app_context():
        languages = db.session.scalars(select(Response.language)).all()
    assert languages == ["de"]


DUTCH_AND_FRENCH = """\
format: 1
key: veiligheid-nl-fr
consultation: zvp-nl-fr
audience: citizen
access: open
languages: [nl, fr]
title: {nl: "Veiligheid in uw buurt", fr: "La sécurité dans votre quartier"}
pages:
  - key: buurt
    title: {nl: "Uw buurt", fr: "Votre quartier"}
    questions:
      - key: onveilig
        type: single
        text: {nl: "Voelt u zich soms onveilig?", fr: "Vous sentez-vous parfois en insécurité ?"}
        options:
          - {code: 1, label: {nl: "Ja", fr: "Oui"}}
          - {code: 2, label: {nl: "Nee", fr: "Non"}}
"""


def test_a_german_browser_on_a_dutch_and_french_survey_reads_french(
    app: Flask, client: Any, tmp_path: Path
) -> None:
    path = tmp_path / "nl-fr.yaml"
    path.write_text(DUTCH_AND_FRENCH, encoding="utf-8")
    key = import_file(app, path)
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = GERMAN_BROWSER
    start = Page(client.get(f"/s/{key}"))
    # No German in the survey: the fallback chain picks French, interface too.
    assert '<html lang="fr">' in start.html
    assert "La sécurité dans votre quartier" in start.text
    # A Dutch browser reads the survey's first language.
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "nl-BE"
    assert '<html lang="nl">' in client.get(f"/s/{key}").get_data(as_text=True)


def _foreign(html: str) -> list[str]:
    """The texts of the page's main part marked as another language than German."""
    main = html.split('<main id="main"', 1)[1].split("</main>", 1)[0]
    return re.findall(r'lang="(?!de")[a-z]+">([^<]*)<', main)


# The default survey's fictional place names: Dutch names, with no German form.
PLACE_NAMES = {"Hoogveld", "Kerkhove", "Zandberge", "Ter Heide", "Lindendaal"}


def test_a_german_speaking_zone_fields_the_default_survey_in_german(
    app: Flask, client: Any, tmp_path: Path
) -> None:
    key = open_copy(app, tmp_path, "buerger-de")
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = GERMAN_BROWSER
    start = Page(client.get(f"/s/{key}"))
    assert '<html lang="de">' in start.html
    assert "Befragung zu Sicherheit und Lebensqualität" in start.text
    assert re.search(r"Es dauert etwa \d+ Minuten\.", start.text)
    assert _foreign(start.html) == []
    response = client.get(start.form().submit(client).location)
    pages = 0
    while not response.request.path.endswith("/controle"):
        page = Page(response)
        assert '<html lang="de">' in page.html
        # Every text is German but the place names, which are marked as Dutch.
        assert set(_foreign(page.html)) <= PLACE_NAMES, _foreign(page.html)
        posted = fill_in(page.form()).submit(client)
        response = posted if posted.status_code == 200 else client.get(posted.location)
        pages += 1
        assert pages < 20
    check = Page(response)
    assert "Prüfen Sie Ihre Antworten, bevor Sie sie senden" in check.text
    thanks = Page(client.get(submit(client, response).location))
    assert "Danke für Ihre Hilfe. Wir haben Ihre Antworten erhalten." in thanks.text
    assert _foreign(thanks.html) == []


def _without_german(node: Any) -> Any:
    """``node`` (a parsed survey file) with every German text left out."""
    if isinstance(node, dict):
        return {key: _without_german(value) for key, value in node.items() if key != "de"}
    if isinstance(node, list):
        return [_without_german(item) for item in node]
    return node


def test_a_german_speaking_partner_gets_the_german_interface(app: Flask, tmp_path: Path) -> None:
    # A zone that offers German but has translated only the partner survey's
    # title: the partner reads German buttons, messages and notices, and the
    # French texts, marked as French.
    raw = _without_german(yaml.safe_load(PARTNER_FILE.read_text(encoding="utf-8")))
    raw["key"] = "partner-eifel"
    raw["languages"] = ["nl", "fr", "de"]
    raw["title"]["de"] = "Befragung der Partner zum Sicherheitsplan"
    path = tmp_path / "partner-eifel.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    key = import_file(app, path)
    planner = logged_in(app, app.test_client(), role="planner")
    # The organisation is registered as German-speaking: its page opens in
    # German whatever the browser asks for.
    form = form_with(Page(planner.get(ADMIN)), "sector")
    form.set("name", "Gemeinde Eupen").set("sector", "Lokaal bestuur")
    form.set("email", "gemeinde@eupen.be").set("language", "de")
    assert form.submit(planner).status_code in (200, 302)
    link = issue_all(planner, key)["Gemeinde Eupen"]
    partner = app.test_client()
    partner.environ_base["HTTP_ACCEPT_LANGUAGE"] = "nl-BE,nl;q=0.9"
    start = Page(partner.get(link))
    assert '<html lang="de">' in start.html
    assert "Befragung der Partner zum Sicherheitsplan" in start.text
    assert "Sie antworten für Gemeinde Eupen." in start.text
    first = raw["pages"][0]
    page = Page(partner.get(f"{link}/deel/{first['key']}"))
    assert "Speichern und weiter" in page.text
    assert f'<h1><span lang="fr">{first["title"]["fr"]}</span></h1>' in page.html
    assert "Teil 1 von" in page.text


def test_a_german_speaking_partner_answers_the_default_partner_survey_in_german(
    app: Flask, tmp_path: Path
) -> None:
    # A municipality of a German-speaking zone, its e-mails set to German,
    # opens its link in a German browser: every text of the default partner
    # survey is German, but the fictional communes, marked as Dutch.
    key = import_file(app, PARTNER_FILE)
    planner = logged_in(app, app.test_client(), role="planner")
    form = form_with(Page(planner.get(ADMIN)), "sector")
    form.set("name", "Gemeinde Bütgenbach").set("sector", "Lokaal bestuur")
    form.set("email", "gemeinde@butgenbach.be").set("language", "de")
    assert form.submit(planner).status_code in (200, 302)
    link = issue_all(planner, key)["Gemeinde Bütgenbach"]
    partner = app.test_client()
    partner.environ_base["HTTP_ACCEPT_LANGUAGE"] = GERMAN_BROWSER

    start = Page(partner.get(link))
    assert '<html lang="de">' in start.html
    assert "Befragung der Partner: Sicherheit in der Zone" in start.text
    assert "Sie antworten für Gemeinde Bütgenbach." in start.text
    assert "Eine Priorität bekommt einen eigenen Aktionsplan." in start.text
    assert _foreign(start.html) == []

    # Drugs a priority, traffic an attention point: the survey then asks
    # what the municipality sees about each of them, on pages of their own.
    answers = full_answers()
    seen: list[str] = []
    for page_key, values in answers.items():
        page = Page(partner.get(page_path(link, page_key)))
        assert '<html lang="de">' in page.html, page_key
        assert set(_foreign(page.html)) <= PLACE_NAMES, (page_key, _foreign(page.html))
        seen.append(re.sub(r"<[^>]+>", "", page.html.split("<h1>", 1)[1].split("</h1>", 1)[0]))
        moved = fill(page.form(), values).submit(partner, button="next")
        assert moved.status_code == 302, Page(moved).text[:1500]
    assert seen[:4] == [
        "Ihre Organisation",
        "Was soll die Zone tun?",
        "Ihre Top 3",
        "Drogen: Herstellung, Handel und Konsum",
    ]
    organisation = Page(partner.get(page_path(link, "organisatie")))
    assert "Für welche Gemeinden spricht Ihre Organisation?" in organisation.text
    assert "Die ganze Zone" in organisation.text
    assert '<span lang="nl">Hoogveld</span>' in organisation.html
    decisions = Page(partner.get(page_path(link, "aanpak")))
    assert "Priorität: ein eigener Aktionsplan" in decisions.text
    assert "Kann ich nicht beurteilen" in decisions.text
    drugs = Page(partner.get(page_path(link, "fenomeen_drugs")))
    assert "Was sieht Ihre Organisation im Bereich Drogen?" in drugs.text
    assert "Ermitteln und verfolgen" in drugs.text

    check = Page(partner.get(f"{link}/controle"))
    assert '<html lang="de">' in check.html
    assert set(_foreign(check.html)) <= PLACE_NAMES, _foreign(check.html)
    receipt = Page(partner.get(send(partner, link).location))
    assert "Danke für Ihren Beitrag." in receipt.text
    assert set(_foreign(receipt.html)) <= PLACE_NAMES, _foreign(receipt.html)
    with app.app_context():
        languages = db.session.scalars(select(Response.language)).all()
    assert languages == ["de"]
