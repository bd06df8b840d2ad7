"""A planner keeps the reusable scales and the phenomena of a draft in the
browser, without JavaScript: listed with where they are used, added,
edited and deleted through the rendered forms; what is in use is not
deleted, and the validator's problems are told in the planner's words."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from formtools import Page
from planner_helpers import logged_in, msg
from test_survey_editor import EDITOR, definition, from_template, question


@pytest.fixture
def planner(app: Flask) -> Any:
    return logged_in(app, app.test_client(), "planner")


def test_a_planner_adds_a_scale_and_a_question_takes_it(app: Flask, planner: Any) -> None:
    from_template(planner)
    listing = Page(planner.get(f"{EDITOR}/schalen"))
    assert "altijd_nooit" in listing.text
    assert "onveilig" in listing.text  # the question that uses it
    page = Page(planner.get(f"{EDITOR}/schalen/nieuw"))
    form = page.form()
    # Only a question's own options can be "none of these" (exclusive).
    assert "options-0-fixed" in form.fields and "options-0-exclusive" not in form.fields
    form.set("name", "eens_oneens")
    form.set("options-0-code", "1").set("options-0-label-0-text", "Eens")
    form.set("options-0-label-1-text", "D'accord")
    form.set("options-1-code", "2").set("options-1-label-0-text", "Oneens")
    form.set("options-2-code", "9").set("options-2-label-0-text", "Weet niet")
    form.set("options-2-missing", "y")
    response = form.submit(planner)
    assert response.status_code == 302, Page(response).text[:2000]
    scale = definition(app)["scales"]["eens_oneens"]
    assert scale == [
        {"code": 1, "label": {"nl": "Eens", "fr": "D'accord"}},
        {"code": 2, "label": {"nl": "Oneens"}},
        {"code": 9, "label": {"nl": "Weet niet"}, "missing": True},
    ]
    # A question takes it in its own form.
    form = Page(planner.get(f"{EDITOR}/vragen/onveilig")).form()
    form.set("scale", "eens_oneens")
    assert form.submit(planner).status_code == 302
    assert question(definition(app), "onveilig")["scale"] == "eens_oneens"
    listing = Page(planner.get(f"{EDITOR}/schalen"))
    row = listing.html.split('id="scale-eens_oneens"')[1].split("</tr>")[0]
    assert "onveilig" in row


def test_a_scale_edit_is_refused_beside_the_point_and_a_used_scale_is_not_deleted(
    app: Flask, planner: Any
) -> None:
    from_template(planner)
    before = definition(app)
    form = Page(planner.get(f"{EDITOR}/schalen/altijd_nooit")).form()
    # A code used twice: the validator's problem, in Dutch, beside the point.
    form.set("options-1-code", "1")
    response = form.submit(planner)
    assert response.status_code == 422
    page = Page(response)
    said = msg(app, "%(value)s is used twice", value="1")
    assert said in page.text
    assert 'href="#options-1-code"' in page.html
    assert definition(app)["_version"] == before["_version"]
    # A point's label rewritten: every question on the scale shows it.
    form = Page(planner.get(f"{EDITOR}/schalen/altijd_nooit")).form()
    form.set("options-0-label-0-text", "Altijd of bijna altijd")
    assert form.submit(planner).status_code == 302
    assert definition(app)["scales"]["altijd_nooit"][0]["label"]["nl"] == "Altijd of bijna altijd"
    # The scale is in use: the confirmation says so, and deleting is refused.
    confirm = Page(planner.get(f"{EDITOR}/schalen/altijd_nooit/verwijderen"))
    assert "onveilig" in confirm.text
    response = confirm.form().submit(planner)
    assert response.status_code == 422
    refused = Page(response).text
    assert msg(app, "there is no scale '%(name)s' (any more)", name="altijd_nooit") in refused
    assert msg(app, "question '%(key)s'", key="onveilig") in refused
    assert "altijd_nooit" in definition(app)["scales"]


def test_an_unused_scale_is_deleted(app: Flask, planner: Any) -> None:
    from_template(planner)
    form = Page(planner.get(f"{EDITOR}/schalen/nieuw")).form()
    form.set("name", "ja_nee").set("options-0-code", "1").set("options-0-label-0-text", "Ja")
    form.set("options-1-code", "2").set("options-1-label-0-text", "Nee")
    assert form.submit(planner).status_code == 302
    # A name taken is refused beside the name.
    form = Page(planner.get(f"{EDITOR}/schalen/nieuw")).form()
    form.set("name", "ja_nee").set("options-0-code", "1").set("options-0-label-0-text", "Ja")
    response = form.submit(planner)
    assert response.status_code == 422
    assert msg(app, "There is already a scale with this name. Choose another name.") in (
        Page(response).text
    )
    confirm = Page(planner.get(f"{EDITOR}/schalen/ja_nee/verwijderen"))
    assert msg(app, "Nothing in the survey uses it.") in confirm.text
    assert confirm.form().submit(planner).status_code == 302
    assert "ja_nee" not in definition(app)["scales"]


def test_a_planner_adds_edits_and_deletes_a_phenomenon(app: Flask, planner: Any) -> None:
    from_template(planner)
    listing = Page(planner.get(f"{EDITOR}/fenomenen"))
    row = listing.html.split('id="phenomenon-drugs"')[1].split("</tr>")[0]
    assert "probleem" in row  # the question whose option counts for drugs
    form = Page(planner.get(f"{EDITOR}/fenomenen/nieuw")).form()
    form.set("key", "cybercrime").set("label-0-text", "Cybercriminaliteit")
    form.set("label-1-text", "Cybercriminalité")
    assert form.submit(planner).status_code == 302
    raw = definition(app)
    assert raw["phenomena"][-1] == {
        "key": "cybercrime",
        "label": {"nl": "Cybercriminaliteit", "fr": "Cybercriminalité"},
    }
    # Edited: a federal priority now; the key stays.
    form = Page(planner.get(f"{EDITOR}/fenomenen/cybercrime")).form()
    assert "key" not in form.fields or form.fields["key"].kind == "hidden"
    form.set("federal_priority", "y")
    assert form.submit(planner).status_code == 302
    assert definition(app)["phenomena"][-1]["federal_priority"] is True
    # The first language is required.
    form = Page(planner.get(f"{EDITOR}/fenomenen/cybercrime")).form()
    form.set("label-0-text", "")
    response = form.submit(planner)
    assert response.status_code == 422
    assert msg(app, "the text in the survey's first language is missing") in Page(response).text
    assert 'href="#label-0-text"' in Page(response).html
    # Unused: deleted. In use (an option of 'probleem' counts for drugs): refused.
    confirm = Page(planner.get(f"{EDITOR}/fenomenen/cybercrime/verwijderen"))
    assert confirm.form().submit(planner).status_code == 302
    assert all(p["key"] != "cybercrime" for p in definition(app)["phenomena"])
    confirm = Page(planner.get(f"{EDITOR}/fenomenen/drugs/verwijderen"))
    assert "probleem" in confirm.text
    response = confirm.form().submit(planner)
    assert response.status_code == 422
    said = msg(app, "'%(name)s' is not one of the survey's phenomena", name="drugs")
    assert said in Page(response).text
    assert any(p["key"] == "drugs" for p in definition(app)["phenomena"])


def test_a_scale_without_points_or_a_phenomenon_without_a_name_is_refused_in_words(
    app: Flask, planner: Any
) -> None:
    from_template(planner)
    before = definition(app)["_version"]
    response = (
        Page(planner.get(f"{EDITOR}/schalen/nieuw")).form().set("name", "leeg").submit(planner)
    )
    assert response.status_code == 422
    page = Page(response)
    assert f"{msg(app, 'option')}: {msg(app, 'must not be empty')}" in page.text
    assert 'href="#options"' in page.html
    form = Page(planner.get(f"{EDITOR}/fenomenen/nieuw")).form().set("key", "fraude")
    response = form.submit(planner)
    assert response.status_code == 422
    said = msg(app, "the text in the survey's first language is missing")
    assert f"{msg(app, 'label')}, nl: {said}" in Page(response).text
    # Addresses of scales and phenomena the survey does not have.
    assert planner.get(f"{EDITOR}/schalen/geen").status_code == 404
    assert planner.get(f"{EDITOR}/fenomenen/geen/verwijderen").status_code == 404
    assert definition(app)["_version"] == before


def test_a_planner_says_which_answers_count_as_feeling_unsafe(app: Flask, planner: Any) -> None:
    """The template's unsafety question counts "altijd" and "vaak"; the
    planner changes the codes in the question's form, and a code that is
    not the question's is refused in Dutch beside the field."""
    from_template(planner)
    form = Page(planner.get(f"{EDITOR}/vragen/onveilig")).form()
    assert form.fields["measure"].selected == ["unsafety"]
    assert form.fields["unsafety_codes"].value == "1, 2"
    before = definition(app)
    form.set("unsafety_codes", "1, 7")
    response = form.submit(planner)
    assert response.status_code == 422
    page = Page(response)
    assert msg(app, "%(code)s is not one of the codes", code=7) in page.text
    assert definition(app)["_version"] == before["_version"]
    # No measure, codes left: refused in the planner's words.
    form = Page(planner.get(f"{EDITOR}/vragen/onveilig")).form()
    form.set("measure", "")
    response = form.submit(planner)
    assert response.status_code == 422
    said = msg(app, "only applies when the question measures the feeling of unsafety")
    assert said in Page(response).text
    form = Page(planner.get(f"{EDITOR}/vragen/onveilig")).form()
    form.set("unsafety_codes", "1")
    assert form.submit(planner).status_code == 302
    saved = question(definition(app), "onveilig")
    assert (saved["measure"], saved["unsafety_codes"]) == ("unsafety", [1])
