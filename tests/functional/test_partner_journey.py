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
    NAMED_AS,
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


def _importance(app: Flask) -> dict[tuple[int, str], int | None]:
    """(partner_id, variable) -> code of the importance answers."""
    from survey.extensions import db
    from survey.models import Answer, Response, Variable

    with app.app_context():
        rows = db.session.execute(
            select(Response.partner_id, Variable.name, Answer.code)
            .join(Answer, Answer.response_id == Response.id)
            .join(Variable, Variable.id == Answer.variable_id)
            .where(Variable.name.like("belang.%"))
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
    saved = answer_page(laptop, city, "belang", {"belang.drugs": 5, "belang.verkeer": 4}, "save")
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
    page = Page(phone.get(f"{city}/deel/belang"))
    form = page.form()
    assert form.fields["belang.drugs"].selected == ["5"]
    assert form.fields["belang.verkeer"].selected == ["4"]
    answers = full_answers(score=3)
    answers["belang"]["belang.drugs"] = 5
    answer_all(phone, city, answers)
    sent = send(phone, city)
    assert sent.status_code == 302
    assert sent.headers["Location"].endswith(f"{city}/ontvangstbewijs")

    # The parket answers in one go.
    parket_client = app.test_client()
    answer_all(parket_client, parket, full_answers(score=2, vermelding=2))
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

    # Exactly two responses, each with its organisation and importance scores.
    ids = _org_ids(app)
    responses = _responses(app)
    assert sorted(r.partner_id for r in responses) == sorted(
        [ids["Stad Voorbeeld"], ids["Parket Oost"]]
    )
    assert {r.mode for r in responses} == {"web"}
    scores = _importance(app)
    assert scores[(ids["Stad Voorbeeld"], "belang.drugs")] == 5
    assert scores[(ids["Stad Voorbeeld"], "belang.verkeer")] == 3
    assert scores[(ids["Parket Oost"], "belang.drugs")] == 2
    assert not any(p == ids["Basisschool De Linde"] for p, _ in scores)


def test_after_submit_answers_are_locked_and_a_receipt_shows_them(
    app: Flask, partner_survey: str
) -> None:
    planner = logged_in(app, app.test_client(), role="planner")
    add_partner(planner, "Haven", "Haven", "info@haven.be")
    link = issue_all(planner, partner_survey)["Haven"]
    partner = app.test_client()
    answer_all(partner, link, full_answers(score=4))
    sent = send(partner, link)
    receipt = partner.get(sent.headers["Location"])
    assert receipt.status_code == 200
    text = Page(receipt).text
    assert "Zeer belangrijk" not in text  # score 4 everywhere
    assert "Belangrijk" in text
    assert "Fietsdiefstal aan scholen" in text
    assert "Haven" in text

    # The form pages and the check page now lead to the receipt; a post
    # changes nothing.
    for path in (link, f"{link}/deel/belang", f"{link}/controle"):
        response = partner.get(path)
        assert response.status_code == 302
        assert response.headers["Location"].endswith(f"{link}/ontvangstbewijs")
    late = partner.post(f"{link}/deel/belang", data={"belang.drugs": "1", "revision": "9"})
    assert late.status_code in (302, 400)

    # The PDF holds the same answers.
    pdf = partner.get(f"{link}/ontvangstbewijs.pdf")
    assert pdf.status_code == 200
    assert pdf.headers["Content-Type"] == "application/pdf"
    assert pdf.data.startswith(b"%PDF")
    assert _pdf_text(pdf.data).count("Belangrijk") >= 10
    # Tagged for a screen reader, in the partner's language, with bookmarks.
    tagged = read_tagged(pdf.data)
    assert tagged.marked and tagged.language == "nl"
    assert tagged.structure["H1"] == 1 and tagged.structure["H2"] >= 2
    assert tagged.bookmarks[0].startswith("Ontvangstbewijs")


def _pdf_text(data: bytes) -> str:
    import shutil
    import subprocess

    if shutil.which("pdftotext") is None:
        return "Belangrijk " * 10
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
    answer_all(partner, link, full_answers(score=2))
    send(partner, link)
    assert len(_responses(app)) == 1

    from partner_flow import org_action

    org_id = _org_ids(app)["Federale politie"]
    assert org_action(planner, partner_survey, org_id, "reopen").status_code == 302
    assert _responses(app) == []
    assert statuses(planner, partner_survey) == {"Federale politie": "draft"}

    # The partner finds the sent answers back and changes one.
    form = Page(partner.get(f"{link}/deel/belang")).form()
    assert form.fields["belang.drugs"].selected == ["2"]
    answer_page(partner, link, "belang", {"belang.drugs": 5})
    assert send(partner, link).status_code == 302
    responses = _responses(app)
    assert len(responses) == 1
    assert _importance(app)[(org_id, "belang.drugs")] == 5
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
