"""Paper forms as they come in: typed in with blanks, numbered so that a
form is never stored twice, typed a second time to check it (double
entry), and response files imported twice without doubles."""

from __future__ import annotations

import re

import pytest
from formtools import Page
from planner_helpers import logged_in, msg, response_csv, submit_file
from sqlalchemy import func, select

KEY = "burgers-2026"
PAPER = f"/planner/bevragingen/{KEY}/papier"


def _stored(app):
    """{public id: {variable: code}} of every stored response."""
    from survey.extensions import db
    from survey.models import Answer, Response, Variable

    with app.app_context():
        rows = db.session.execute(
            select(Response.public_id, Variable.name, Answer.code)
            .join(Answer, Answer.response_id == Response.id)
            .join(Variable, Variable.id == Answer.variable_id)
        ).all()
    stored: dict[str, dict[str, int | None]] = {}
    for public_id, name, code in rows:
        stored.setdefault(public_id, {})[name] = code
    return stored


def _paper_form(client, *, number: str = "", entry: str = "first", onveilig: str = "2"):
    form = Page(client.get(PAPER)).form()
    form.set("form_number", number).set("entry", entry)
    form.set("onveilig", onveilig).set("problemen.geluid_buren", "3")
    return form


@pytest.fixture
def planner(app, client, resident_survey):
    return logged_in(app, client, "planner")


def test_a_paper_form_with_blank_required_answers_is_stored(app, planner):
    # The required matrix "problemen" has one row of fifteen answered; the
    # required age band question and the rest are left blank.
    response = _paper_form(planner).submit(planner)
    assert response.status_code == 302, Page(response).text[:1500]
    assert msg(app, "The paper questionnaire was saved.") in Page(planner.get(PAPER)).text
    [answers] = _stored(app).values()
    assert answers["onveilig"] == 2 and answers["problemen.geluid_buren"] == 3
    # Shown and left blank: stored as missing (a row with no code).
    assert "problemen.snelheid" in answers and answers["problemen.snelheid"] is None


def test_an_empty_paper_form_is_refused(app, planner):
    form = Page(planner.get(PAPER)).form()
    response = form.submit(planner)
    assert response.status_code == 422
    assert msg(app, "Type at least one answer: a form left entirely blank is not stored.") in (
        Page(response).text
    )
    assert _stored(app) == {}


def test_a_numbered_form_typed_twice_is_refused_the_second_time(app, planner):
    assert _paper_form(planner, number="17").submit(planner).status_code == 302
    response = _paper_form(planner, number="17", onveilig="3").submit(planner)
    assert response.status_code == 422
    expected = msg(
        app,
        "Form %(number)s is already stored. To check it, type it again as a second entry.",
        number="17",
    )
    assert expected in Page(response).text
    assert [a["onveilig"] for a in _stored(app).values()] == [2]


def test_a_second_entry_that_matches_checks_the_form(app, planner):
    _paper_form(planner, number="A-5").submit(planner)
    before = _stored(app)
    response = _paper_form(planner, number="A-5", entry="second").submit(planner)
    assert response.status_code == 302, Page(response).text[:1500]
    page = Page(planner.get(response.location))
    assert msg(app, "Form %(number)s is checked: both entries are the same.", number="A-5") in (
        page.text
    )
    assert _stored(app) == before


def test_a_second_entry_of_an_unknown_form_is_refused(app, planner):
    response = _paper_form(planner, number="99", entry="second").submit(planner)
    assert response.status_code == 422
    assert (
        msg(
            app,
            "No form with number %(number)s is stored yet: type it as a first entry.",
            number="99",
        )
        in Page(response).text
    )
    assert _stored(app) == {}


def test_differences_between_two_entries_are_shown_and_resolved(app, planner):
    _paper_form(planner, number="42").submit(planner)
    [(public_id, first)] = _stored(app).items()
    second = _paper_form(planner, number="42", entry="second", onveilig="4")
    second.set("problemen.snelheid", "1")
    response = second.submit(planner)
    assert response.status_code == 200, Page(response).text[:1500]
    page = Page(response)
    assert msg(app, "Form %(number)s: the two entries differ", number="42") in page.text
    form = page.form()
    assert {n for n in form.fields if n.startswith("choose-")} == {
        "choose-onveilig",
        "choose-problemen",
    }
    # Saving without a choice for every difference changes nothing.
    response = form.submit(planner)
    assert response.status_code == 422
    assert msg(app, "Choose which entry is right.") in Page(response).text
    assert _stored(app) == {public_id: first}

    form = Page(response).form()
    form.set("choose-onveilig", "second").set("choose-problemen", "first")
    response = form.submit(planner)
    assert response.status_code == 302, Page(response).text[:1500]
    stored = _stored(app)
    # The same response (id), corrected: the second entry's "onveilig", the
    # first entry's matrix.
    assert list(stored) == [public_id]
    assert stored[public_id]["onveilig"] == 4
    assert stored[public_id]["problemen.snelheid"] is None
    assert stored[public_id]["problemen.geluid_buren"] == 3


def test_a_response_file_uploaded_twice_is_stored_once(app, planner):
    from survey.definitions.definition import definition_of
    from survey.definitions.store import find_survey
    from survey.extensions import db
    from survey.models import Response

    with app.app_context():
        data = response_csv(definition_of(find_survey(db.session, KEY)), 3, seed=21)
    lines = data.decode("utf-8").splitlines()
    numbered = "\r\n".join(
        [lines[0] + ",form_number"] + [f"{line},F{n}" for n, line in enumerate(lines[1:], 1)]
    )
    url = f"/planner/bevragingen/{KEY}/importeren"
    first = submit_file(planner, Page(planner.get(url)), numbered.encode(), "papier.csv")
    assert first.status_code == 200
    assert msg(app, "%(n)s responses were imported.", n=3) in Page(first).text
    again = submit_file(planner, Page(planner.get(url)), numbered.encode(), "papier.csv")
    text = Page(again).text
    assert msg(app, "%(n)s responses were imported.", n=0) in text
    assert (
        msg(
            app,
            "%(n)s rows were already stored and were skipped: rows %(rows)s.",
            n=3,
            rows="2, 3, 4",
        )
        in text
    )
    replaced = submit_file(
        planner, Page(planner.get(url)), numbered.encode(), "papier.csv", on_duplicate="replace"
    )
    assert msg(app, "%(n)s stored responses were replaced by the rows of this file.", n=3) in (
        Page(replaced).text
    )
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Response)) == 3


def test_the_error_summary_names_the_printed_questions_in_form_order(app, planner):
    _paper_form(planner, number="8").submit(planner)
    form = _paper_form(planner, number="8", onveilig="3")
    response = form.set("leeftijd", "veertig").submit(planner)
    assert response.status_code == 422
    summary = Page(response).html.split('class="error-summary"', 1)[1].split("</ul>", 1)[0]
    links = re.findall(r'<a href="#([^"]+)">([^<]+)</a>', summary)
    # The form number first (the form's own field), then the age question
    # by its printed text, not its variable name.
    assert [anchor for anchor, _label in links] == ["f-form-number", "f-leeftijd"]
    assert links[1][1] == "Hoe oud bent u?"
