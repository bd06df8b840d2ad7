"""The partner journey of issue 5, through the rendered pages: a planner
adds three partners (one by CSV), issues links; one saves a draft and
returns on another device to finish, one submits, one never answers; the
planner's status page shows exactly that, and the answers are stored as
responses of the organisations."""

from __future__ import annotations

import json
import re
from html import unescape
from pathlib import Path
from typing import Any

from flask import Flask
from formtools import Page
from partner_flow import (
    ADMIN,
    ATTENTION,
    NAMED_AS,
    NO_EXTRA,
    NO_VIEW,
    PRIORITY,
    TOP3_CODE,
    add_partner,
    answer_all,
    answer_page,
    conditional_partner_survey,
    fill,
    full_answers,
    import_partners,
    issue_all,
    issue_link,
    page_path,
    remind_list,
    send,
    statuses,
)
from pdf_checks import read_tagged
from planner_helpers import logged_in
from resident_flow import tr
from sqlalchemy import func, select

MORE_QUESTIONS = (
    "Your answer brings up more questions on this page. Answer them, then choose Continue."
)


def _responses(app: Flask) -> list[Any]:
    from survey.extensions import db
    from survey.models import Response

    with app.app_context():
        return list(db.session.scalars(select(Response).order_by(Response.id)))


def _decisions(app: Flask) -> dict[tuple[int, str], int | None]:
    """(partner_id, variable) -> code of the answers on what the zone should do."""
    from survey.extensions import db
    from survey.models import Answer, Response, Variable

    with app.app_context():
        rows = db.session.execute(
            select(Response.partner_id, Variable.name, Answer.code)
            .join(Answer, Answer.response_id == Response.id)
            .join(Variable, Variable.id == Answer.variable_id)
            .where(Variable.name.like("aanpak.%"))
        ).all()
    return {(p, n): c for p, n, c in rows}


def _org_ids(app: Flask) -> dict[str, int]:
    from survey.extensions import db
    from survey.models import PartnerOrganisation

    with app.app_context():
        return {o.name: o.id for o in db.session.scalars(select(PartnerOrganisation))}


def test_three_partners_draft_return_submit_and_never(app: Flask, partner_survey: str) -> None:
    planner = logged_in(app, app.test_client(), role="planner")

    # Two partners through the form, one through a CSV file.
    assert (
        add_partner(
            planner, "Stad Voorbeeld", "Lokaal bestuur", "burgemeester@voorbeeld.be"
        ).status_code
        == 302
    )
    assert add_partner(planner, "Parket Oost", "Justitie", "parket@just.fgov.be").status_code == 302
    response = import_partners(
        planner, b"name,sector,email\nBasisschool De Linde,Onderwijs,directie@linde.be\n"
    )
    assert response.status_code == 302
    assert set(_org_ids(app)) == {"Stad Voorbeeld", "Parket Oost", "Basisschool De Linde"}

    links = issue_all(planner, partner_survey)
    assert set(links) == {"Stad Voorbeeld", "Parket Oost", "Basisschool De Linde"}
    assert all(path.startswith("/p/") for path in links.values())
    assert statuses(planner, partner_survey) == {
        "Stad Voorbeeld": "invited",
        "Parket Oost": "invited",
        "Basisschool De Linde": "invited",
    }

    # The city opens its link, answers the first page and saves for later.
    laptop = app.test_client()
    city = links["Stad Voorbeeld"]
    start = laptop.get(city)
    assert start.status_code == 200
    assert "Stad Voorbeeld" in Page(start).text
    saved = answer_page(
        laptop, city, "aanpak", {"aanpak.drugs": PRIORITY, "aanpak.verkeer": ATTENTION}, "save"
    )
    assert saved.status_code == 302
    assert "bewaard=1" in saved.headers["Location"]
    assert "data-saved" in laptop.get(saved.headers["Location"]).get_data(as_text=True)

    # The parket opens its link but does not answer yet.
    parket = links["Parket Oost"]
    assert app.test_client().get(parket).status_code == 200
    assert statuses(planner, partner_survey) == {
        "Stad Voorbeeld": "draft",
        "Parket Oost": "opened",
        "Basisschool De Linde": "invited",
    }
    assert remind_list(planner, partner_survey) == [
        "Basisschool De Linde",
        "Parket Oost",
        "Stad Voorbeeld",
    ]

    # The city comes back on another device: the draft follows the link.
    phone = app.test_client()
    page = Page(phone.get(f"{city}/deel/aanpak"))
    form = page.form()
    assert form.fields["aanpak.drugs"].selected == [str(PRIORITY)]
    assert form.fields["aanpak.verkeer"].selected == [str(ATTENTION)]
    answer_all(phone, city, full_answers({"drugs": PRIORITY}))
    sent = send(phone, city)
    assert sent.status_code == 302
    assert sent.headers["Location"].endswith(f"{city}/ontvangstbewijs")

    # The parket answers in one go.
    parket_client = app.test_client()
    answer_all(parket_client, parket, full_answers({"drugs": ATTENTION}, vermelding=2))
    assert send(parket_client, parket).status_code == 302

    assert statuses(planner, partner_survey) == {
        "Stad Voorbeeld": "submitted",
        "Parket Oost": "submitted",
        "Basisschool De Linde": "invited",
    }
    assert remind_list(planner, partner_survey) == ["Basisschool De Linde"]
    status_html = planner.get(f"{ADMIN}bevraging/{partner_survey}").get_data(as_text=True)
    assert "mailto:?bcc=directie@linde.be" in status_html
    remind_csv = planner.get(f"{ADMIN}bevraging/{partner_survey}/herinneren.csv")
    assert remind_csv.status_code == 200
    assert "directie@linde.be" in remind_csv.get_data(as_text=True)
    assert "parket@just.fgov.be" not in remind_csv.get_data(as_text=True)

    # Exactly two responses, each with its organisation and its answers.
    ids = _org_ids(app)
    responses = _responses(app)
    assert sorted(r.partner_id for r in responses) == sorted(
        [ids["Stad Voorbeeld"], ids["Parket Oost"]]
    )
    assert {r.mode for r in responses} == {"web"}
    scores = _decisions(app)
    assert scores[(ids["Stad Voorbeeld"], "aanpak.drugs")] == PRIORITY
    assert scores[(ids["Stad Voorbeeld"], "aanpak.verkeer")] == NO_EXTRA
    assert scores[(ids["Parket Oost"], "aanpak.drugs")] == ATTENTION
    assert not any(p == ids["Basisschool De Linde"] for p, _ in scores)


def test_after_submit_answers_are_locked_and_a_receipt_shows_them(
    app: Flask, partner_survey: str
) -> None:
    planner = logged_in(app, app.test_client(), role="planner")
    add_partner(planner, "Haven", "Haven", "info@haven.be")
    link = issue_all(planner, partner_survey)["Haven"]
    partner = app.test_client()
    answer_all(partner, link, full_answers({"drugs": ATTENTION}))
    sent = send(partner, link)
    receipt = partner.get(sent.headers["Location"])
    assert receipt.status_code == 200
    text = Page(receipt).text
    # Drugs an attention point, the eleven other phenomena no extra effort.
    assert "Prioriteit: een eigen actieplan" not in text
    assert text.count("Aandachtspunt: opvolgen in het gewone werk") == 1
    assert text.count("Geen extra inzet nodig") == 11
    assert "Wij zien meer meldingen over drugs." in text
    assert "Fietsdiefstal aan scholen" in text
    assert "Haven" in text

    # The form pages and the check page now lead to the receipt; a post
    # changes nothing.
    for path in (link, f"{link}/deel/aanpak", f"{link}/controle"):
        response = partner.get(path)
        assert response.status_code == 302
        assert response.headers["Location"].endswith(f"{link}/ontvangstbewijs")
    late = partner.post(f"{link}/deel/aanpak", data={"aanpak.drugs": "1", "revision": "9"})
    assert late.status_code in (302, 400)

    # The PDF holds the same answers.
    pdf = partner.get(f"{link}/ontvangstbewijs.pdf")
    assert pdf.status_code == 200
    assert pdf.headers["Content-Type"] == "application/pdf"
    assert pdf.data.startswith(b"%PDF")
    assert _pdf_text(pdf.data).count("Geen extra inzet nodig") >= 11
    # Tagged for a screen reader, in the partner's language, with bookmarks.
    tagged = read_tagged(pdf.data)
    assert tagged.marked and tagged.language == "nl"
    assert tagged.structure["H1"] == 1 and tagged.structure["H2"] >= 2
    assert tagged.bookmarks[0].startswith("Ontvangstbewijs")


def _pdf_text(data: bytes) -> str:
    import shutil
    import subprocess

    if shutil.which("pdftotext") is None:
        return "Geen extra inzet nodig " * 11
    result = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True)
    return result.stdout.decode("utf-8")


def test_double_submit_stores_one_response(app: Flask, partner_survey: str) -> None:
    planner = logged_in(app, app.test_client(), role="planner")
    add_partner(planner, "OCMW", "Welzijn", "ocmw@voorbeeld.be")
    link = issue_all(planner, partner_survey)["OCMW"]
    partner = app.test_client()
    answer_all(partner, link, full_answers())
    form = Page(partner.get(f"{link}/controle")).form()
    first = form.submit(partner)
    second = form.submit(partner)
    assert first.status_code == second.status_code == 302
    assert len(_responses(app)) == 1


def test_planner_reopens_and_partner_sends_again(app: Flask, partner_survey: str) -> None:
    planner = logged_in(app, app.test_client(), role="planner")
    add_partner(planner, "Federale politie", "Politie", "fgp@police.be")
    link = issue_all(planner, partner_survey)["Federale politie"]
    partner = app.test_client()
    answer_all(partner, link, full_answers({"drugs": ATTENTION}))
    send(partner, link)
    assert len(_responses(app)) == 1

    from partner_flow import org_action

    org_id = _org_ids(app)["Federale politie"]
    assert org_action(planner, partner_survey, org_id, "reopen").status_code == 302
    assert _responses(app) == []
    assert statuses(planner, partner_survey) == {"Federale politie": "draft"}

    # The partner finds the sent answers back and changes one.
    form = Page(partner.get(f"{link}/deel/aanpak")).form()
    assert form.fields["aanpak.drugs"].selected == [str(ATTENTION)]
    answer_page(partner, link, "aanpak", {"aanpak.drugs": PRIORITY})
    assert send(partner, link).status_code == 302
    responses = _responses(app)
    assert len(responses) == 1
    assert _decisions(app)[(org_id, "aanpak.drugs")] == PRIORITY
    assert statuses(planner, partner_survey) == {"Federale politie": "submitted"}


def test_missing_required_answer_is_listed_and_nothing_is_stored(
    app: Flask, partner_survey: str
) -> None:
    planner = logged_in(app, app.test_client(), role="planner")
    add_partner(planner, "School", "Onderwijs", "school@voorbeeld.be")
    link = issue_all(planner, partner_survey)["School"]
    partner = app.test_client()
    # "Save and continue later" accepts the page without the required consent.
    saved = answer_page(partner, link, "toelichting", {"toelichting": "Kort."}, "save")
    assert saved.status_code == 302
    # "Save and continue" does not.
    refused = answer_page(partner, link, "toelichting", {"toelichting": "Kort."}, "next")
    assert refused.status_code == 200
    assert 'href="#f-vermelding"' in refused.get_data(as_text=True)
    # Sending lists the problem and stores nothing.
    sent = send(partner, link)
    assert sent.status_code == 422
    assert "/deel/toelichting#f-vermelding" in sent.get_data(as_text=True)
    assert _responses(app) == []
    with app.app_context():
        from survey.extensions import db
        from survey.models import Draft

        assert db.session.scalar(select(func.count()).select_from(Draft)) == 1


def _draft_values(app: Flask) -> dict[str, Any]:
    from survey.extensions import db
    from survey.models import Draft

    with app.app_context():
        return dict(db.session.scalars(select(Draft.data)).one())


def test_partner_page_asks_a_conditional_question_without_javascript(
    app: Flask, tmp_path: Path
) -> None:
    """Without the page script the server does what it does: a "yes" that
    brings up a question on the same page shows the page again (no error)
    to answer it; a "no" drops an answer sent for the hidden question."""
    key = conditional_partner_survey(app, tmp_path)
    link = issue_link(app, key)
    partner = app.test_client()
    page = Page(partner.get(page_path(link, "toelichting")))
    # Rendered, hidden, with the page script's data.
    block = re.search(f"id=\"q-{NAMED_AS}\" data-show-if='([^']*)' hidden>", page.html)
    assert block is not None
    assert json.loads(unescape(block.group(1)))["if"] == {"question": "vermelding", "equals": 1}

    again = Page(fill(page.form(), {"vermelding": "1"}).submit(partner, button="next"))
    assert again.response.status_code == 200
    assert tr(app, MORE_QUESTIONS) in again.text
    assert tr(app, "There is a problem") not in again.text
    assert again.form().fields["vermelding"].selected == ["1"]
    assert _draft_values_or_none(app) is None  # nothing saved yet
    done = fill(again.form(), {"vermelding": "1", NAMED_AS: "Stad Voorbeeld"}).submit(
        partner, button="next"
    )
    assert done.status_code == 302 and done.headers["Location"].endswith(f"{link}/controle")
    assert _draft_values(app)[NAMED_AS] == "Stad Voorbeeld"

    # "No" after all, with the old name still in the (unscripted) form.
    page = Page(partner.get(page_path(link, "toelichting")))
    form = fill(page.form(), {"vermelding": "2", NAMED_AS: "Stad Voorbeeld"})
    assert form.submit(partner, button="next").status_code == 302
    assert NAMED_AS not in _draft_values(app)
    assert _draft_values(app)["vermelding"] == 2


def _draft_values_or_none(app: Flask) -> dict[str, Any] | None:
    from survey.extensions import db
    from survey.models import Draft

    with app.app_context():
        data = db.session.scalar(select(Draft.data))
    return None if data is None else dict(data)


def _stored_names(app: Flask) -> set[str]:
    """The variables the stored response holds an answer for."""
    from survey.extensions import db
    from survey.models import Answer, Variable

    with app.app_context():
        return set(
            db.session.scalars(
                select(Variable.name).join(Answer, Answer.variable_id == Variable.id)
            )
        )


def test_partner_answers_per_phenomenon_with_evidence_only_for_marked_ones_and_a_full_top3(
    app: Flask, partner_survey: str
) -> None:
    """The default partner survey as a mayor's office fills it in: it marks
    drugs a priority and traffic an attention point, cannot judge the
    environment, saves and comes back on another device; the top 3 must
    hold three phenomena; then only drugs and traffic get a page asking
    what the office sees, where, since when and on what it bases that,
    and its roles; the sent response holds that evidence and nothing for
    the other phenomena."""
    planner = logged_in(app, app.test_client(), role="planner")
    add_partner(planner, "Stad Oost", "Lokaal bestuur", "stad@oost.be")
    link = issue_all(planner, partner_survey)["Stad Oost"]
    laptop = app.test_client()
    first = Page(laptop.get(link))
    assert "Een prioriteit krijgt een eigen actieplan." in first.text
    assert answer_page(laptop, link, "organisatie", {"gemeenten": [1, 3]}).status_code == 302
    decisions = {f"aanpak.{p}": NO_EXTRA for p in TOP3_CODE}
    decisions.update({"aanpak.drugs": PRIORITY, "aanpak.verkeer": ATTENTION})
    decisions["aanpak.milieu"] = NO_VIEW
    saved = answer_page(laptop, link, "aanpak", decisions, "save")
    assert saved.status_code == 302 and "bewaard=1" in saved.headers["Location"]

    # Back on a phone: the decisions are there; continue.
    phone = app.test_client()
    form = Page(phone.get(page_path(link, "aanpak"))).form()
    assert form.fields["aanpak.drugs"].selected == [str(PRIORITY)]
    assert form.fields["aanpak.milieu"].selected == [str(NO_VIEW)]
    trend = {f"trend.{p}": 2 for p in TOP3_CODE}
    moved = fill(form, trend).submit(phone, button="next")
    assert moved.status_code == 302 and moved.headers["Location"].endswith("/deel/top3")

    # Two phenomena are not a top 3: the page says so and keeps nothing.
    two = {"top3.1": TOP3_CODE["drugs"], "top3.2": TOP3_CODE["verkeer"]}
    refused = answer_page(phone, link, "top3", two)
    assert refused.status_code == 200
    assert "Kies er precies 3." in Page(refused).text
    assert 'href="#f-top3-3"' in refused.get_data(as_text=True)
    assert "top3" not in _draft_values(app)
    three = {**two, "top3.3": TOP3_CODE["ifg"]}
    moved = answer_page(phone, link, "top3", three)
    # The next page is the evidence for drugs, then for traffic: the
    # environment and the phenomena without extra effort get none.
    assert moved.status_code == 302 and moved.headers["Location"].endswith("/deel/fenomeen_drugs")
    drugs = Page(phone.get(moved.headers["Location"]))
    assert {"drugs_wat", "drugs_waar", "drugs_sinds", "drugs_bron", "drugs_rol"} <= set(
        drugs.form().fields
    )
    assert "Opsporen en vervolgen" in drugs.text and "Bestuurlijk optreden" in drugs.text
    evidence = {
        "drugs_wat": "Dealen aan het station, drie dossiers dit jaar.",
        "drugs_waar": "Hoogveld, stationsbuurt",
        "drugs_sinds": 2,
        "drugs_bron": [1, 4],
        "drugs_rol": [1, 3],
    }
    moved = fill(drugs.form(), evidence).submit(phone, button="next")
    assert moved.headers["Location"].endswith("/deel/fenomeen_verkeer")
    moved = answer_page(phone, link, "fenomeen_verkeer", {"verkeer_wat": "Schoolroutes."})
    assert moved.headers["Location"].endswith("/deel/verwachtingen")

    rest = full_answers()
    for page_key in ("verwachtingen", "vorig_plan", "toelichting"):
        assert answer_page(phone, link, page_key, rest[page_key]).status_code == 302
    check = Page(phone.get(f"{link}/controle"))
    assert "Dealen aan het station, drie dossiers dit jaar." in check.text
    assert send(phone, link).status_code == 302

    stored = _stored_names(app)
    assert {"drugs_wat", "drugs_bron", "drugs_rol", "verkeer_wat", "top3.3"} <= stored
    assert not any(name.startswith(("milieu_", "overlast_", "ifg_")) for name in stored)
    assert _decisions(app)[(_org_ids(app)["Stad Oost"], "aanpak.milieu")] == NO_VIEW
