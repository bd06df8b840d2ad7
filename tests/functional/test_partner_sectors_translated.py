"""A planner whose partner survey speaks French gives the partners' sectors
in French with the consultation's other texts; the French report names the
sectors so (the sectors table, the groups of the partner part, the XLSX),
quotes an untranslated sector in Dutch marked as Dutch and says so, and
groups the partners exactly as the Dutch report does."""

from __future__ import annotations

import io
import json
import re
from typing import Any

from flask import Flask
from formtools import Page
from openpyxl import load_workbook
from partner_flow import add_partner, answer_all, full_answers, issue_all, send
from planner_helpers import logged_in, msg

CONSULTATION_URL = "/planner/raadplegingen/zvp-2026-2031"

# Three welfare organisations that did not agree to be named (one group of
# the sector minimum, 3) and a public prosecutor's office that did.
ORGANISATIONS = {
    "Sociaal Huis Oost": ("welzijn", 2),
    "Buurtwerk Zuid": ("welzijn", 2),
    "CAW Noord": ("welzijn", 2),
    "Parket Gent": ("parket", 1),
}


def _download(client: Any, key: str, fmt: str, language: str) -> bytes:
    response = client.get(
        f"/planner/rapporten/{key}/inputrapport.{fmt}", query_string={"language": language}
    )
    assert response.status_code == 200, response.status_code
    return bytes(response.data)


def _translations_form(client: Any) -> Any:
    page = Page(client.get(CONSULTATION_URL))
    return next(f for f in page.forms if f.action.endswith("/vertalingen"))


def _cells(data: bytes) -> dict[str, list[Any]]:
    """Every filled cell per sheet, as the planner sees them in a spreadsheet."""
    book = load_workbook(io.BytesIO(data), read_only=True)
    return {
        ws.title: [c for row in ws.iter_rows(values_only=True) for c in row if c is not None]
        for ws in book.worksheets
    }


def test_the_french_report_names_the_sectors_the_planner_translated(
    app: Flask, partner_survey: str
) -> None:
    planner = logged_in(app, app.test_client(), role="planner")
    for name, (sector, _named) in ORGANISATIONS.items():
        add_partner(planner, name, sector, f"{name.replace(' ', '').lower()}@vb.be")
    links = issue_all(planner, partner_survey)
    for name, (_sector, named) in ORGANISATIONS.items():
        client = app.test_client()
        answer_all(client, links[name], full_answers(vermelding=named))
        assert send(client, links[name]).status_code == 302
    dutch = json.loads(_download(planner, partner_survey, "json", "nl"))

    # The consultation's page asks for each sector of its partners in French.
    form = _translations_form(planner)
    assert form.fields["languages-0-language"].value == "fr"
    assert form.fields["languages-0-sectors-0-sector"].value == "parket"
    assert form.fields["languages-0-sectors-1-sector"].value == "welzijn"
    form.set("languages-0-sectors-1-text", "  aide   sociale ")
    saved = form.submit(planner)
    assert saved.status_code == 302
    assert msg(app, "The translations were saved.") in Page(planner.get(CONSULTATION_URL)).text
    assert _translations_form(planner).fields["languages-0-sectors-1-text"].value == (
        "aide sociale"
    )

    french = json.loads(_download(planner, partner_survey, "json", "fr"))
    part = french["partner_input"]
    assert part["sector_labels"] == {
        "parket": {"text": "parket", "language": "nl"},
        "welzijn": {"text": "aide sociale", "language": "fr"},
    }
    # The grouping does not change with the language: same keys, same counts.
    assert part["groups"] == dutch["partner_input"]["groups"]
    assert part["by_sector"] == dutch["partner_input"]["by_sector"] == {"parket": 1, "welzijn": 3}
    assert [g["key"] for g in part["groups"]] == ["named:Parket Gent", "sector:welzijn"]
    assert dutch["partner_input"]["sector_labels"]["welzijn"] == {
        "text": "welzijn",
        "language": "nl",
    }

    html = _download(planner, partner_survey, "html", "fr").decode("utf-8")
    part_html = html.split('id="partners"', 1)[1]
    assert '<th scope="row">aide sociale (3 organisations)</th>' in part_html
    assert (
        '<th scope="row"><span lang="nl">parket</span> <span class="untranslated">'
        "(Non traduit : saisi uniquement en néerlandais.)</span></th>"
    ) in part_html
    assert "welzijn" not in re.sub(r"<[^>]+>", "", part_html)
    dutch_html = _download(planner, partner_survey, "html", "nl").decode("utf-8")
    assert "welzijn (3 organisaties)" in dutch_html
    assert 'lang="nl">parket' not in dutch_html and "Niet vertaald" not in dutch_html

    sheets = _cells(_download(planner, partner_survey, "xlsx", "fr"))
    assert "aide sociale" in sheets["Partenaires"]
    assert "parket (Non traduit : saisi uniquement en néerlandais.)" in sheets["Partenaires"]
    per_phenomenon = next(
        cells for name, cells in sheets.items() if name.startswith("Partenaires ")
    )
    assert "aide sociale (3 organisations)" in per_phenomenon and "Parket Gent" in per_phenomenon
    assert not any("welzijn" in str(c) for cells in sheets.values() for c in cells)


def test_a_sector_translation_too_long_or_for_an_unknown_sector_is_not_stored(
    app: Flask, partner_survey: str
) -> None:
    planner = logged_in(app, app.test_client(), role="planner")
    add_partner(planner, "Parket Gent", "parket", "parket@vb.be")
    issue_all(planner, partner_survey)
    form = _translations_form(planner).set("languages-0-sectors-0-text", "p" * 81)
    page = Page(planner.get(form.submit(planner).headers["Location"]))
    assert f"Français, parket: {msg(app, 'At most 80 characters.')}" in page.text
    # A sector the page did not offer (a forged field) is dropped.
    form = _translations_form(planner)
    form.set("languages-0-sectors-0-sector", "verzonnen").set(
        "languages-0-sectors-0-text", "inventé"
    )
    assert form.submit(planner).status_code == 302
    assert _translations_form(planner).fields["languages-0-sectors-0-text"].value == ""
    french = json.loads(_download(planner, partner_survey, "json", "fr"))
    assert "verzonnen" not in json.dumps(french)


def test_the_places_partners_name_are_in_the_xlsx_redacted_and_named_as_the_remarks(
    app: Flask, partner_survey: str
) -> None:
    """The places partners name for drugs ("Waar speelt dit vooral?") are
    in the XLSX's partner sheet as in the HTML: the Parket (named) by name,
    the welfare organisations (a group) as "a partner organisation", a phone
    number redacted, a text that looks like a formula kept as text."""
    planner = logged_in(app, app.test_client(), role="planner")
    for name, (sector, _named) in ORGANISATIONS.items():
        add_partner(planner, name, sector, f"{name.replace(' ', '').lower()}@vb.be")
    links = issue_all(planner, partner_survey)
    places = {
        "Parket Gent": "Stationsbuurt",
        "Sociaal Huis Oost": "Markt, bel 0470 12 34 56",
        "Buurtwerk Zuid": '=HYPERLINK("http://evil.example","Park")',
        "CAW Noord": "Kerkhove",
    }
    for name, (_sector, named) in ORGANISATIONS.items():
        client = app.test_client()
        answers = full_answers(vermelding=named)
        answers["fenomeen_drugs"]["drugs_waar"] = places[name]
        answer_all(client, links[name], answers)
        assert send(client, links[name]).status_code == 302

    data = _download(planner, partner_survey, "xlsx", "nl")
    book = load_workbook(io.BytesIO(data))
    sheet = book["Partners"]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    header = next(i for i, r in enumerate(rows) if r[0] == msg(app, "Places partners named"))
    assert rows[header][:4] == [
        msg(app, "Places partners named"),
        msg(app, "Organisation"),
        msg(app, "Phenomenon"),
        msg(app, "Question"),
    ]
    found = {(r[0], r[1], r[2], r[3]) for r in rows[header + 1 :] if r[0]}
    anonymous = msg(app, "a partner organisation")
    question, drugs = "Waar speelt dit vooral?", "Drugs (gebruik, handel en productie)"
    assert {
        ("Stationsbuurt", "Parket Gent", drugs, question),
        ("Markt, bel [telefoonnummer verwijderd]", anonymous, drugs, question),
        ('=HYPERLINK("http://evil.example","Park")', anonymous, drugs, question),
        ("Kerkhove", anonymous, drugs, question),
    } <= found
    # Nobody's number, and the formula is a text cell, not a formula.
    assert not any("0470" in str(c) for r in rows for c in r)
    cell = next(
        c for row in sheet.iter_rows() for c in row if str(c.value).startswith("=HYPERLINK")
    )
    assert cell.data_type == "s"
    # The same places, named the same way, as the HTML shows them.
    html = _download(planner, partner_survey, "html", "nl").decode("utf-8")
    section = html.split('id="partners-drugs"', 1)[1].split("</section>", 1)[0]
    assert '<li>Stationsbuurt <span class="source">(Parket Gent)</span></li>' in section
    assert f'<li>Kerkhove <span class="source">({anonymous})</span></li>' in section
