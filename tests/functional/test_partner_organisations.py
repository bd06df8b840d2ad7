"""Planners manage partner organisations: add, edit, import from CSV (all
or nothing, problems per line), and only planners may change them."""

from __future__ import annotations

import re

from flask import Flask
from formtools import Page
from partner_flow import ADMIN, add_partner, form_with, import_partners
from planner_helpers import logged_in
from sqlalchemy import func, select


def _count(app: Flask) -> int:
    from survey.extensions import db
    from survey.models import PartnerOrganisation

    with app.app_context():
        return int(db.session.scalar(select(func.count()).select_from(PartnerOrganisation)) or 0)


def _lines(response: object) -> list[int]:
    html = response.get_data(as_text=True)  # type: ignore[attr-defined]
    return [int(n) for n in re.findall(r'data-line="(\d+)"', html)]


def test_add_and_edit_an_organisation(app: Flask) -> None:
    planner = logged_in(app, app.test_client(), role="planner")
    assert (
        add_partner(planner, "  Stad   Gent ", "Lokaal bestuur", "info@gent.be").status_code == 302
    )
    page = Page(planner.get(ADMIN))
    assert "Stad Gent" in page.text
    edit = re.search(r'href="(/planner/partners/\d+)"', page.html)
    assert edit
    form = Page(planner.get(edit.group(1))).form()
    assert form.fields["name"].value == "Stad Gent"
    form.set("email", "veiligheid@gent.be")
    assert form.submit(planner).status_code == 302
    assert "veiligheid@gent.be" in Page(planner.get(ADMIN)).text


def test_add_refuses_missing_fields_bad_email_and_duplicate_names(app: Flask) -> None:
    planner = logged_in(app, app.test_client(), role="planner")
    add_partner(planner, "Parket", "Justitie", "parket@just.be")
    refused = add_partner(planner, "", "", "geen-adres")
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    for anchor in ("#org-name", "#org-sector", "#org-email"):
        assert f'href="{anchor}"' in html
    # The typed values are shown again.
    assert Page(refused).form(-2).fields["email"].value == "geen-adres"
    duplicate = add_partner(planner, " parket ", "Justitie", "ander@just.be")
    assert duplicate.status_code == 422
    assert 'href="#org-name"' in duplicate.get_data(as_text=True)
    assert _count(app) == 1


def test_csv_import_stores_every_row(app: Flask) -> None:
    planner = logged_in(app, app.test_client(), role="planner")
    data = (
        "name;sector;email\r\n"
        "Basisschool De Linde;Onderwijs;directie@linde.be\r\n"
        "\r\n"
        "OCMW Voorbeeld;Welzijn;ocmw@voorbeeld.be\r\n"
    ).encode("cp1252")
    response = import_partners(planner, data)
    assert response.status_code == 302
    assert 'data-imported="2"' in planner.get(response.headers["Location"]).get_data(as_text=True)
    assert _count(app) == 2


def test_csv_import_with_a_bad_row_stores_nothing_and_lists_the_lines(app: Flask) -> None:
    planner = logged_in(app, app.test_client(), role="planner")
    add_partner(planner, "Haven", "Haven", "info@haven.be")
    data = (
        b"name,sector,email\n"
        b"Basisschool De Linde,Onderwijs,directie@linde.be\n"  # line 2: fine
        b"OCMW,Welzijn,ocmw-at-voorbeeld.be\n"  # line 3: e-mail
        b"Brandweer,,brandweer@zone.be\n"  # line 4: sector missing
        b"basisschool de linde,Onderwijs,x@linde.be\n"  # line 5: same name as line 2
        b"haven,Haven,haven2@haven.be\n"  # line 6: name already stored
    )
    response = import_partners(planner, data)
    assert response.status_code == 422
    assert _lines(response) == [3, 4, 5, 6]
    assert _count(app) == 1
    # The error summary links to the list.
    assert 'href="#import-errors"' in response.get_data(as_text=True)


def test_csv_import_refuses_a_wrong_header_or_an_empty_file(app: Flask) -> None:
    planner = logged_in(app, app.test_client(), role="planner")
    for data in (b"naam,mail\nA,a@b.be\n", b"", b"name,sector,email\n", b"\xff\xfe\x00\x00"):
        response = import_partners(planner, data)
        assert response.status_code == 422, data
        assert _lines(response), data
    assert _count(app) == 0


def test_viewers_see_but_cannot_change_and_anonymous_users_are_sent_to_login(
    app: Flask,
) -> None:
    viewer = logged_in(app, app.test_client(), role="viewer")
    page = Page(viewer.get(ADMIN))
    assert page.response.status_code == 200
    assert page.forms == [] or all("sector" not in f.fields for f in page.forms)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.html)
    data = {"name": "X", "sector": "Y", "email": "x@y.be"}
    if token:
        data["csrf_token"] = token.group(1)
    assert viewer.post(f"{ADMIN}nieuw", data=data).status_code in (400, 403)
    assert _count(app) == 0
    anonymous = app.test_client()
    response = anonymous.get(ADMIN)
    assert response.status_code in (302, 401)
    assert anonymous.get(f"{ADMIN}bevraging/partners-2026").status_code in (302, 401)


def test_only_partner_surveys_have_a_status_page(app: Flask, resident_survey: str) -> None:
    planner = logged_in(app, app.test_client(), role="planner")
    assert planner.get(f"{ADMIN}bevraging/{resident_survey}").status_code == 404
    assert planner.get(f"{ADMIN}bevraging/nope").status_code == 404


def test_forged_organisation_ids_get_a_clear_refusal(app: Flask, partner_survey: str) -> None:
    planner = logged_in(app, app.test_client(), role="planner")
    add_partner(planner, "Haven", "Haven", "info@haven.be")
    page = Page(planner.get(f"{ADMIN}bevraging/{partner_survey}"))
    form = form_with(page, "organisation_id")
    for value, status in (("abc", 400), ("999999", 404), ("", 400)):
        form.fields["organisation_id"].value = value
        assert form.submit(planner).status_code == status, value


def test_csv_reading_rules(session: object) -> None:
    from survey.partners.organisations import import_csv

    data = (
        "\ufeffNaam,E-mail,Sector\n"
        '"Stad Gent, dienst preventie",preventie@gent.be,Lokaal bestuur\n'
        "  Parket   Oost  , parket@just.be ,Justitie\n"
    ).encode()
    result = import_csv(session, data)  # type: ignore[arg-type]
    assert result.ok, [(line, str(m)) for line, m in result.errors]
    assert [(o.name, o.sector, o.contact_email) for o in result.created] == [
        ("Stad Gent, dienst preventie", "Lokaal bestuur", "preventie@gent.be"),
        ("Parket Oost", "Justitie", "parket@just.be"),
    ]
    too_long = f"name,sector,email\n{'x' * 201},S,a@b.be\nB,S,a@b\n".encode()
    result = import_csv(session, too_long)  # type: ignore[arg-type]
    assert [line for line, _ in result.errors] == [2, 3]
