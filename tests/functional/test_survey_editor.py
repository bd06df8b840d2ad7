"""A planner builds a survey in the browser, without a survey file: a draft
from a template, its settings, pages, questions of every type and
conditions edited through the rendered forms (no JavaScript), problems
told in the planner's words beside the field, a test walk that stores
nothing, opening after a confirmation, and copies of any survey."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from flask import Flask
from formtools import Form, Page
from planner_helpers import logged_in, msg
from resident_flow import count_responses, fill

PULSE = "peiling-2026"
EDITOR = f"/planner/bevragingen/{PULSE}/bewerken"


def form_to(page: Page, ending: str) -> Form:
    """The page's form whose action ends with ``ending``."""
    for index, form in enumerate(page.forms):
        if form.action.split("?")[0].endswith(ending):
            return page.form(index)
    raise AssertionError(f"no form to {ending!r}: {[f.action for f in page.forms]}")


def definition(app: Flask, key: str = PULSE) -> dict[str, Any]:
    from survey.definitions.store import find_survey
    from survey.extensions import db

    with app.app_context():
        survey = find_survey(db.session, key)
        assert survey is not None
        return dict(survey.definition) | {"_version": survey.version, "_state": survey.state.value}


def question(raw: dict[str, Any], key: str) -> dict[str, Any]:
    return next(q for p in raw["pages"] for q in p["questions"] if q["key"] == key)


@pytest.fixture
def planner(app: Flask) -> Any:
    return logged_in(app, app.test_client(), "planner")


def from_template(client: Any, template: str = "pulse", **fields: str) -> Any:
    index = Page(client.get("/planner/"))
    link = f"/planner/bevragingen/nieuw?template={template}"
    assert link in index.html
    form = Page(client.get(link)).form()
    for name, value in fields.items():
        form.set(name, value)
    return form.submit(client)


def test_a_planner_starts_a_consultation_from_the_pulse_template(app: Flask, planner: Any) -> None:
    index = Page(planner.get("/planner/"))
    assert msg(app, "Start a consultation from a template") in index.text
    assert msg(app, "Short pulse survey") in index.text
    response = from_template(planner)
    assert response.status_code == 302
    assert response.location.endswith(EDITOR)
    raw = definition(app)
    assert raw["_state"] == "draft"
    assert raw["consultation"] == "zvp-2026-2031"
    # Read from the default file, not a copy: the same questions.
    from survey.definitions.templates import find_template

    template = find_template("pulse")
    assert template is not None
    assert raw["pages"] == template.definition()["pages"]
    overview = Page(planner.get(EDITOR))
    assert "onveilig" in overview.text and "opmerking" in overview.text

    # The suggested key is taken now: the next one is suggested, and a
    # taken key typed in is refused with a message.
    page = Page(planner.get("/planner/bevragingen/nieuw?template=pulse"))
    assert page.form().fields["key"].value == "peiling-2026-2"
    refused = page.form().set("key", PULSE).submit(planner)
    assert refused.status_code == 422
    assert (
        msg(app, "There is already a survey with this key. Choose another key.")
        in Page(refused).text
    )


def test_every_template_makes_a_draft(app: Flask, planner: Any) -> None:
    for template, key in (("resident", "burgers-2032"), ("partner", "partners-2032")):
        response = from_template(planner, template, key=key, consultation="zvp-2032-2037")
        assert response.status_code == 302, Page(response).text[:800]
        assert definition(app, key)["consultation"] == "zvp-2032-2037"


def test_a_planner_rewords_a_question_and_adds_a_district(app: Flask, planner: Any) -> None:
    from_template(planner)
    before = definition(app)["_version"]
    page = Page(planner.get(f"{EDITOR}/vragen/wijk"))
    form = page.form()
    # The text in every survey language, then an empty option to add one.
    assert form.fields["text-0-language"].value == "nl"
    form.set("text-0-text", "In welke deelgemeente of wijk woont u?")
    empty = max(int(name.split("-")[1]) for name in form.fields if name.startswith("options-"))
    form.set(f"options-{empty}-code", "4")
    form.set(f"options-{empty}-label-0-text", "Molenbeek")
    response = form.submit(planner)
    assert response.status_code == 302, Page(response).text[:2000]
    raw = definition(app)
    wijk = question(raw, "wijk")
    assert wijk["text"]["nl"] == "In welke deelgemeente of wijk woont u?"
    assert wijk["text"]["fr"] == "Dans quelle section de commune habitez-vous ?"
    assert {"code": 4, "label": {"nl": "Molenbeek"}} in wijk["options"]
    assert wijk["dimension"] == "district"
    assert raw["_version"] == before + 1


def test_a_problem_is_told_in_the_planners_words_beside_the_field(app: Flask, planner: Any) -> None:
    from_template(planner)
    overview = Page(planner.get(EDITOR))
    added = form_to(overview, "/paginas/peiling/vragen").set("type", "number").submit(planner)
    assert added.status_code == 302
    assert added.location.endswith("/vragen/number")
    version = definition(app)["_version"]
    form = Page(planner.get(added.location)).form()
    form.set("key", "leeftijd").set("min", "110").set("max", "16")
    response = form.submit(planner)
    assert response.status_code == 422
    page = Page(response)
    expected = (
        msg(app, "Page '%(title)s'", title="Uw buurt")
        + ", "
        + msg(app, "question '%(key)s'", key="leeftijd")
    )
    said = msg(app, "the lower limit is above the upper limit")
    assert f"{expected}: {said}" in page.text
    # Beside the field, linked from the summary; nothing stored.
    assert 'id="max-error"' in page.html and 'href="#max"' in page.html
    assert definition(app)["_version"] == version
    # Corrected, it is stored.
    form = page.form().set("min", "16").set("max", "110")
    assert form.submit(planner).status_code == 302
    assert question(definition(app), "leeftijd")["min"] == 16


def test_questions_of_every_type_are_added_moved_and_deleted(app: Flask, planner: Any) -> None:
    from survey.questions import REGISTRY

    from_template(planner)
    for name in REGISTRY:
        overview = Page(planner.get(EDITOR))
        response = form_to(overview, "/paginas/peiling/vragen").set("type", name).submit(planner)
        assert response.status_code == 302, (name, Page(response).text[:1500])
        # Its own editor form opens and saves as it is.
        edit = Page(planner.get(response.location))
        assert edit.response.status_code == 200
        saved = edit.form().submit(planner)
        assert saved.status_code == 302, (name, Page(saved).text[:2000])
    keys = [q["key"] for q in definition(app)["pages"][0]["questions"]]
    assert keys[:4] == ["onveilig", "probleem", "wijk", "opmerking"]
    assert len(keys) == 4 + len(REGISTRY)

    # Down one place, then to another page (a new one).
    overview = Page(planner.get(EDITOR))
    form_to(overview, "/vragen/onveilig/verplaatsen")
    down = [f for f in overview.forms if f.action.endswith("/vragen/probleem/verplaatsen")]
    response = next(
        Form(f.action, f.method, f.fields, f.buttons)
        for f in down
        if f.fields.get("direction") and f.fields["direction"].value == "down"
    ).submit(planner)
    assert response.status_code == 302
    keys = [q["key"] for q in definition(app)["pages"][0]["questions"]]
    assert keys[:3] == ["onveilig", "wijk", "probleem"]

    add_page = Page(planner.get(f"{EDITOR}/paginas")).form()
    add_page.set("title-0-text", "Over u")
    assert add_page.submit(planner).status_code == 302
    new_page = definition(app)["pages"][1]
    assert new_page["title"] == {"nl": "Over u"}
    overview = Page(planner.get(EDITOR))
    move = [f for f in overview.forms if f.action.endswith("/vragen/wijk/verplaatsen")]
    to_page = next(f for f in move if "page" in f.fields)
    form = Form(to_page.action, to_page.method, to_page.fields, to_page.buttons)
    form.set("page", new_page["key"])
    assert form.submit(planner).status_code == 302
    raw = definition(app)
    assert [q["key"] for q in raw["pages"][1]["questions"]][-1] == "wijk"

    # Delete, after a confirmation page.
    confirm = Page(planner.get(f"{EDITOR}/vragen/wijk/verwijderen"))
    assert msg(app, "Yes, delete") in confirm.text
    assert confirm.form().submit(planner).status_code == 302
    assert "wijk" not in [q["key"] for p in definition(app)["pages"] for q in p["questions"]]


def test_pages_are_renamed_reordered_and_deleted(app: Flask, planner: Any) -> None:
    from_template(planner)
    add = Page(planner.get(f"{EDITOR}/paginas")).form().set("title-0-text", "Tweede")
    assert add.submit(planner).status_code == 302
    rename = Page(planner.get(f"{EDITOR}/paginas/peiling")).form()
    rename.set("title-0-text", "Uw straat")
    assert rename.submit(planner).status_code == 302
    raw = definition(app)
    assert raw["pages"][0]["title"]["nl"] == "Uw straat"
    assert raw["pages"][0]["title"]["fr"] == "Votre quartier"
    overview = Page(planner.get(EDITOR))
    up = form_to(overview, "/paginas/pagina/verplaatsen")
    assert up.fields["direction"].value == "up"
    assert up.submit(planner).status_code == 302
    assert [p["key"] for p in definition(app)["pages"]] == ["pagina", "peiling"]
    # Deleting the page whose question a later condition tests is refused.
    delete = Page(planner.get(f"{EDITOR}/paginas/pagina/verwijderen")).form()
    assert delete.submit(planner).status_code == 302
    assert [p["key"] for p in definition(app)["pages"]] == ["peiling"]
    # An empty title in the first language is refused beside the field.
    rename = Page(planner.get(f"{EDITOR}/paginas/peiling")).form().set("title-0-text", "")
    response = rename.submit(planner)
    assert response.status_code == 422
    assert msg(app, "the text in the survey's first language is missing") in Page(response).text


def test_a_condition_is_built_from_pickers(app: Flask, planner: Any) -> None:
    from_template(planner)
    page = Page(planner.get(f"{EDITOR}/vragen/opmerking/voorwaarde"))
    form = page.form()
    # Only earlier questions can be tested.
    assert form.fields["c-0-question"].options == ["", "onveilig", "probleem", "wijk"]
    form.set("c-0-question", "onveilig").set("c-0-operator", "equals")
    form.set("c-0-value", "onveilig=1")
    assert form.submit(planner, "save").status_code == 302
    assert question(definition(app), "opmerking")["show_if"] == {
        "question": "onveilig",
        "equals": 1,
    }

    # Two tests, any of them, one negated: the second test added with a
    # button that stores nothing and keeps what was chosen.
    version = definition(app)["_version"]
    form = Page(planner.get(f"{EDITOR}/vragen/opmerking/voorwaarde")).form()
    assert form.fields["c-0-question"].selected == ["onveilig"]
    form.set("c-kind", "any")
    response = form.submit(planner, "add-test:c")
    assert response.status_code == 200
    assert definition(app)["_version"] == version
    form = Page(response).form()
    assert form.fields["c-kind"].selected == ["any"]
    form.set("c-1-question", "wijk").set("c-1-operator", "not_answered")
    assert form.submit(planner, "save").status_code == 302
    assert question(definition(app), "opmerking")["show_if"] == {
        "any": [
            {"question": "onveilig", "equals": 1},
            {"not": {"question": "wijk", "answered": True}},
        ]
    }

    # An answer of another question is refused in words; nothing stored.
    version = definition(app)["_version"]
    form = Page(planner.get(f"{EDITOR}/vragen/opmerking/voorwaarde")).form()
    form.set("c-0-question", "probleem").set("c-0-value", "wijk=3")
    response = form.submit(planner, "save")
    assert response.status_code == 422
    said = msg(
        app, "%(value)s is not an answer of question '%(key)s'", value="'wijk=3'", key="probleem"
    )
    assert said in Page(response).text, Page(response).text
    # A forged forward reference is refused as the validator does.
    first = Page(planner.get(f"{EDITOR}/vragen/onveilig/voorwaarde"))
    assert msg(app, "No question comes before this one: it is always shown.") in first.text
    wijk = Page(planner.get(f"{EDITOR}/vragen/wijk/voorwaarde")).form()
    wijk.fields["c-0-question"].options.append("opmerking")
    wijk.set("c-0-question", "opmerking").set("c-0-operator", "answered")
    response = wijk.submit(planner, "save")
    assert response.status_code == 422
    assert (
        msg(
            app,
            "the condition refers to '%(key)s', which is not asked before this question",
            key="opmerking",
        )
        in Page(response).text
    )
    # So is the question itself (a condition that would wait for itself).
    wijk = Page(planner.get(f"{EDITOR}/vragen/wijk/voorwaarde")).form()
    wijk.fields["c-0-question"].options.append("wijk")
    wijk.set("c-0-question", "wijk").set("c-0-operator", "answered")
    assert wijk.submit(planner, "save").status_code == 422
    assert definition(app)["_version"] == version

    # A test of "is one of" without an answer is refused in words; a
    # forged button (remove the whole condition's group) is a bad request.
    form = Page(planner.get(f"{EDITOR}/vragen/opmerking/voorwaarde")).form()
    form.set("c-0-operator", "in")
    response = form.submit(planner, "save")
    assert response.status_code == 422
    assert f"{msg(app, 'answers')}: {msg(app, 'must not be empty')}" in Page(response).text
    form = Page(planner.get(f"{EDITOR}/vragen/opmerking/voorwaarde")).form()
    assert form.force("action", "remove:c").submit(planner).status_code == 400
    assert definition(app)["_version"] == version

    # Removing the condition.
    form = Page(planner.get(f"{EDITOR}/vragen/opmerking/voorwaarde")).form()
    assert form.submit(planner, "clear").status_code == 302
    assert "show_if" not in question(definition(app), "opmerking")


def test_a_condition_with_answer_lists_and_nested_groups(app: Flask, planner: Any) -> None:
    """Is one of several answers, and a group inside the condition turned
    around (not), built with the add buttons and no JavaScript; the saved
    condition comes back in the same pickers."""
    from_template(planner)
    url = f"{EDITOR}/vragen/opmerking/voorwaarde"
    form = Page(planner.get(url)).form()
    form.set("c-0-question", "onveilig").set("c-0-operator", "in")
    form.set("c-0-values", ["onveilig=1", "onveilig=2"])
    form = Page(form.submit(planner, "add-group:c")).form()
    # The new group starts with one empty test; what was chosen stays.
    assert form.fields["c-0-values"].selected == ["onveilig=1", "onveilig=2"]
    form.set("c-1-kind", "any").set("c-1-not", "y")
    form.set("c-1-0-question", "wijk").set("c-1-0-operator", "equals").set("c-1-0-value", "wijk=9")
    form = Page(form.submit(planner, "add-test:c-1")).form()
    form.set("c-1-1-question", "probleem").set("c-1-1-operator", "not_answered")
    # A test added by mistake, then removed.
    form = Page(form.submit(planner, "add-test:c")).form()
    assert "c-2-question" in form.fields
    form = Page(form.submit(planner, "remove:c-2")).form()
    assert "c-2-question" not in form.fields
    response = form.submit(planner, "save")
    assert response.status_code == 302, Page(response).text[:3000]
    wanted = {
        "all": [
            {"question": "onveilig", "in": [1, 2]},
            {
                "not": {
                    "any": [
                        {"question": "wijk", "equals": 9},
                        {"not": {"question": "probleem", "answered": True}},
                    ]
                }
            },
        ]
    }
    assert question(definition(app), "opmerking")["show_if"] == wanted
    # The editor's overview says it in words, with the answers' labels.
    routing = Page(planner.get(EDITOR)).html.split('id="q-opmerking"')[1].split("</p>", 2)[1]
    words = [msg(app, w) for w in ("is one of", "and", "not", "is", "or", "is not answered")]
    assert (
        "<q>onveilig</q> {} Altijd, Vaak {} {} (<q>wijk</q> {} Zeg ik liever niet {} "
        "<q>probleem</q> {})".format(*words)
    ) in routing
    # Shown again in the pickers, and saved unchanged.
    form = Page(planner.get(url)).form()
    assert form.fields["c-0-operator"].selected == ["in"]
    assert form.fields["c-0-values"].selected == ["onveilig=1", "onveilig=2"]
    assert form.fields["c-1-not"].selected == ["y"]
    assert form.fields["c-1-1-operator"].selected == ["not_answered"]
    assert form.submit(planner, "save").status_code == 302
    assert question(definition(app), "opmerking")["show_if"] == wanted

    # A resident in the test walk: shown only when the condition holds.
    from survey.definitions.conditions import evaluate
    from survey.definitions.definition import build_definition

    built = build_definition({k: v for k, v in definition(app).items() if not k.startswith("_")})
    shown = {"onveilig": 2, "wijk": 1, "probleem": {"1": 1}}
    assert evaluate(wanted, built, shown)
    assert not evaluate(wanted, built, shown | {"onveilig": 3})
    assert not evaluate(wanted, built, shown | {"wijk": 9})


def test_a_condition_on_an_age_is_typed_as_numbers_and_the_test_walk_follows_it(
    app: Flask, planner: Any
) -> None:
    """A number question has no answers to choose from: the planner types
    the ages (is one of 15, 16, 17), a number outside the question's limits
    is refused beside the field, and walking the survey shows the
    question on the next page only to those ages."""
    from_template(planner)
    overview = Page(planner.get(EDITOR))
    added = form_to(overview, "/paginas/peiling/vragen").set("type", "number").submit(planner)
    form = Page(planner.get(added.location)).form()
    form.set("key", "leeftijd").set("min", "15").set("max", "110")
    assert form.submit(planner).status_code == 302
    pages = Page(planner.get(f"{EDITOR}/paginas")).form().set("title-0-text", "Jongeren")
    assert pages.submit(planner).status_code == 302
    # The new page starts with one question, renamed to school.
    [starter] = definition(app)["pages"][1]["questions"]
    form = Page(planner.get(f"{EDITOR}/vragen/{starter['key']}")).form().set("key", "school")
    assert form.submit(planner).status_code == 302

    url = f"{EDITOR}/vragen/school/voorwaarde"
    form = Page(planner.get(url)).form()
    assert "leeftijd" in form.fields["c-0-question"].options
    form.set("c-0-question", "leeftijd").set("c-0-operator", "in")
    form.set("c-0-numbers", "14, 15")
    version = definition(app)["_version"]
    response = form.submit(planner, "save")
    assert response.status_code == 422
    page = Page(response)
    said = msg(app, "Enter a number from %(min)s to %(max)s.", min=15, max=110)
    assert said in page.text
    assert 'id="c-0-numbers-error"' in page.html and 'href="#c-0-numbers"' in page.html
    assert definition(app)["_version"] == version
    # As typed, to be corrected; an empty list is refused too.
    form = page.form()
    assert form.fields["c-0-numbers"].value == "14, 15"
    response = form.set("c-0-numbers", " ").submit(planner, "save")
    assert response.status_code == 422
    assert msg(app, "Enter at least one number.") in Page(response).text
    form = Page(response).form().set("c-0-numbers", "15, 16\n17")
    assert form.submit(planner, "save").status_code == 302
    condition = {"question": "leeftijd", "in": [15, 16, 17]}
    assert question(definition(app), "school")["show_if"] == condition
    # Shown again in the pickers, and saved unchanged.
    form = Page(planner.get(url)).form()
    assert form.fields["c-0-operator"].selected == ["in"]
    assert form.fields["c-0-numbers"].value == "15, 16, 17"
    assert form.submit(planner, "save").status_code == 302
    assert question(definition(app), "school")["show_if"] == condition

    def walk(age: str) -> Page:
        first = Page(planner.get(f"/planner/bevragingen/{PULSE}/testen/peiling")).form()
        answers = {"probleem.1": "1", "leeftijd": age, "a": first.fields["a"].value}
        response = fill(first, answers).submit(planner)
        response = fill(first, answers).submit(planner)
        assert response.status_code == 200
        return Page(response)

    sixteen = walk("16")
    assert "Jongeren" in sixteen.text
    assert "school" in sixteen.form().fields
    forty = walk("40")
    assert msg(app, "Check your answers before sending them") in forty.text
    assert "Jongeren" not in forty.text


def test_a_condition_on_hours_with_decimals_reads_as_the_planner_typed_it(
    app: Flask, planner: Any
) -> None:
    """The planner types 1,5 and 2 hours (a decimal comma, the numbers
    separated by a comma and a space, as the field's hint says): the
    survey's overview and the condition's field show them so again, never
    1.5 with a point."""
    from_template(planner)
    overview = Page(planner.get(EDITOR))
    added = form_to(overview, "/paginas/peiling/vragen").set("type", "number").submit(planner)
    form = Page(planner.get(added.location)).form()
    form.set("key", "uren").set("min", "0").set("max", "24").set("decimals", "1")
    assert form.submit(planner).status_code == 302
    pages = Page(planner.get(f"{EDITOR}/paginas")).form().set("title-0-text", "Vrije tijd")
    assert pages.submit(planner).status_code == 302
    [starter] = definition(app)["pages"][1]["questions"]
    url = f"{EDITOR}/vragen/{starter['key']}/voorwaarde"
    form = Page(planner.get(url)).form()
    form.set("c-0-question", "uren").set("c-0-operator", "in").set("c-0-numbers", "1,5, 2")
    assert form.submit(planner, "save").status_code == 302
    assert question(definition(app), starter["key"])["show_if"] == {
        "question": "uren",
        "in": [1.5, 2],
    }

    page = Page(planner.get(EDITOR))
    routing = [
        html.unescape(re.sub(r"<[^>]+>", "", p))
        for p in re.findall(r'<p class="routing">(.*?)</p>', page.html)
    ]
    said = msg(
        app, "Shown only if: %(condition)s", condition=f"uren {msg(app, 'is one of')} 1,5, 2"
    )
    assert said in routing, routing
    form = Page(planner.get(url)).form()
    assert form.fields["c-0-numbers"].value == "1,5, 2"
    # Saved again unchanged: the text shown is the text read.
    assert form.submit(planner, "save").status_code == 302
    assert question(definition(app), starter["key"])["show_if"] == {
        "question": "uren",
        "in": [1.5, 2],
    }


def test_settings_change_title_access_and_languages(app: Flask, planner: Any) -> None:
    from_template(planner)
    form = Page(planner.get(f"{EDITOR}/instellingen")).form()
    form.set("title-0-text", "Peiling Hoogveld").set("access", "invitation")
    form.set("languages", ["nl", "fr"])
    assert form.submit(planner).status_code == 302
    raw = definition(app)
    assert raw["title"]["nl"] == "Peiling Hoogveld"
    assert raw["access"] == "invitation"
    assert raw["languages"] == ["nl", "fr"]
    # Texts in a language the survey no longer has are refused in words.
    assert raw["_version"] == 1 + 1
    form = Page(planner.get(f"{EDITOR}/instellingen")).form().set("access", "partner")
    response = form.submit(planner)
    assert response.status_code == 422


def test_a_planner_adds_a_language_beyond_the_usual_four_and_keeps_it(
    app: Flask, planner: Any
) -> None:
    """A zone with Turkish-speaking residents adds ``tr`` by its code; the
    settings page then offers it ticked, and saving again keeps it (a
    survey file may declare any language, the editor must not drop one)."""
    from_template(planner)
    form = Page(planner.get(f"{EDITOR}/instellingen")).form()
    response = form.set("other_language", "t1").submit(planner)
    assert response.status_code == 422
    assert msg(app, "Give a language code of two or three letters, such as tr or es.") in (
        Page(response).text
    )
    assert "tr" not in definition(app)["languages"]

    form = Page(planner.get(f"{EDITOR}/instellingen")).form()
    assert form.set("other_language", "tr").submit(planner).status_code == 302
    assert definition(app)["languages"][-1] == "tr"
    page = Page(planner.get(f"{EDITOR}/instellingen"))
    assert "Türkçe" in page.text
    assert "tr" in page.form().fields["languages"].selected
    assert page.form().submit(planner).status_code == 302
    assert "tr" in definition(app)["languages"]


def test_a_test_walk_uses_the_real_pages_and_stores_nothing(app: Flask, planner: Any) -> None:
    from_template(planner)
    banner = msg(app, "you walk the survey as a resident would. Nothing you answer here is stored.")
    start = Page(planner.get(f"/planner/bevragingen/{PULSE}/testen"))
    assert banner in start.text
    assert f"/planner/bevragingen/{PULSE}/testen/peiling" in start.html
    first = Page(planner.get(f"/planner/bevragingen/{PULSE}/testen/peiling"))
    assert banner in first.text
    # A required question left empty: the page again, with the error.
    response = first.form().submit(planner)
    assert response.status_code == 422
    page = Page(response)
    assert "error-summary" in page.html
    form = page.form()
    check = fill(form, {"probleem.1": "1", "a": form.fields["a"].value}).submit(planner)
    assert check.status_code == 200
    check_page = Page(check)
    assert msg(app, "Check your answers before sending them") in check_page.text
    done = check_page.form().submit(planner)
    assert done.status_code == 200
    assert (
        msg(app, "Every answer passed the checks a real submission makes. Nothing was stored.")
        in Page(done).text
    )
    assert count_responses(app, PULSE) == 0
    # An altered answers field starts over rather than being trusted.
    form = Page(planner.get(f"/planner/bevragingen/{PULSE}/testcontrole")).form()
    form.fields["a"].value = "forged"
    assert form.submit(planner).status_code == 422


def test_opening_asks_for_confirmation_and_freezes_the_survey(app: Flask, planner: Any) -> None:
    from_template(planner)
    confirm = Page(planner.get(f"/planner/bevragingen/{PULSE}/openen"))
    assert msg(app, "What opening means") in confirm.text
    assert confirm.form().submit(planner).status_code == 302
    assert definition(app)["_state"] == "open"
    frozen = Page(planner.get(EDITOR))
    assert msg(app, "Copy this survey") in frozen.text
    # A form posted to the editor of an open survey changes nothing.
    response = planner.post(f"{EDITOR}/paginas/peiling/vragen", data={"type": "text"})
    assert response.status_code in (302, 400)
    assert len(definition(app)["pages"][0]["questions"]) == 4


def test_a_copy_of_an_open_survey_is_the_next_version_as_a_draft(
    app: Flask, planner: Any, resident_survey: str
) -> None:
    page = Page(planner.get(f"/planner/bevragingen/{resident_survey}/kopie"))
    form = page.form()
    assert form.fields["key"].value == "burgers-2026-2"
    form.set("consultation", "zvp-2032-2037")
    response = form.submit(planner)
    assert response.status_code == 302
    copy = definition(app, "burgers-2026-2")
    original = definition(app, resident_survey)
    assert copy["_state"] == "draft" and original["_state"] == "open"
    assert copy["pages"] == original["pages"]
    assert copy["consultation"] == "zvp-2032-2037"
    # A malformed key is refused with a message; nothing is made.
    form = Page(planner.get(f"/planner/bevragingen/{resident_survey}/kopie")).form()
    response = form.set("key", "Nieuwe Kopie!").submit(planner)
    assert response.status_code == 422
    assert (
        msg(app, "Use 3 to 64 small letters, digits and hyphens for the key, e.g. burgers-2032.")
        in Page(response).text
    )


def test_an_uploaded_file_is_refused_in_the_planners_words_with_its_path(
    app: Flask, planner: Any
) -> None:
    import yaml
    from planner_helpers import RESIDENT_FILE, submit_file

    raw = yaml.safe_load(RESIDENT_FILE.read_text(encoding="utf-8"))
    page_title, key = next(
        (page["title"]["nl"], spec["key"])
        for page in raw["pages"]
        for spec in page["questions"]
        if spec["type"] == "number" and "min" in spec and "max" in spec
    )
    spec = question(raw, key)
    spec["min"], spec["max"] = spec["max"] + 1, spec["min"]
    broken = yaml.safe_dump(raw, allow_unicode=True).encode("utf-8")
    page = Page(planner.get("/planner/bevragingen/opladen"))
    response = submit_file(planner, page, broken, "burgers.yaml")
    assert response.status_code == 422
    where = (
        msg(app, "Page '%(title)s'", title=page_title)
        + ", "
        + msg(app, "question '%(key)s'", key=key)
    )
    said = msg(app, "the lower limit is above the upper limit")
    text = Page(response).text
    # "Pagina 'Over u', vraag 'leeftijd': de ondergrens is groter dan de
    # bovengrens (pages[6].questions[3].max)"
    assert f"{where}: {said} (pages[" in text
    assert "].max)" in text


def test_translations_side_by_side_with_the_missing_ones_marked(app: Flask, planner: Any) -> None:
    from_template(planner)
    # The new district has a Dutch label only.
    form = Page(planner.get(f"{EDITOR}/vragen/wijk")).form()
    form.set("options-4-code", "4").set("options-4-label-0-text", "Molenbeek")
    assert form.submit(planner).status_code == 302
    page = Page(planner.get(f"{EDITOR}/vertalingen"))
    field = "pages.0.questions.2.options.4.label:fr"
    assert page.form().fields[field].value == ""
    assert msg(app, "missing") in page.text
    missing_before = page.html.count('class="tag-missing"')
    form = page.form().set(field, "Molenbeek")
    form.set("pages.0.questions.2.text:en", "Which part of the town do you live in?")
    assert form.submit(planner).status_code == 302
    wijk = question(definition(app), "wijk")
    assert wijk["options"][4]["label"] == {"nl": "Molenbeek", "fr": "Molenbeek"}
    assert wijk["text"]["en"] == "Which part of the town do you live in?"
    after = Page(planner.get(f"{EDITOR}/vertalingen"))
    assert after.html.count('class="tag-missing"') == missing_before - 1
    # Emptying a translation removes it: residents read the Dutch text.
    form = after.form().set("pages.0.questions.2.text:en", "")
    assert form.submit(planner).status_code == 302
    assert "en" not in question(definition(app), "wijk")["text"]


def test_the_survey_page_shows_who_made_changed_copied_and_opened_each_version(
    app: Flask, planner: Any
) -> None:
    from_template(planner)
    form = Page(planner.get(f"{EDITOR}/vragen/wijk")).form()
    assert form.set("text-0-text", "Waar woont u?").submit(planner).status_code == 302
    assert Page(planner.get(f"/planner/bevragingen/{PULSE}/openen")).form().submit(planner)
    copy = Page(planner.get(f"/planner/bevragingen/{PULSE}/kopie")).form()
    assert copy.submit(planner).status_code == 302
    page = Page(planner.get(f"/planner/bevragingen/{PULSE}"))
    assert msg(app, "History") in page.text
    rows = [
        " ".join(row.split())
        for row in page.html.split("<tbody>")[1].split("</tbody>")[0].split("<tr>")[1:]
    ]
    assert len(rows) == 3
    assert "planner@zone.be" in rows[0] and msg(app, "created") in rows[0]
    assert "template pulse" in rows[0] and rows[0].endswith('<td class="num">1</td></tr>')
    assert msg(app, "edited") in rows[1] and "(wijk)" in rows[1]
    assert rows[1].endswith('<td class="num">2</td></tr>')
    assert msg(app, "opened") in rows[2] and rows[2].endswith('<td class="num">2</td></tr>')
    copied = Page(planner.get(f"/planner/bevragingen/{PULSE}-2"))
    assert msg(app, "copied") in copied.text and f"{PULSE} v2" in copied.text


def test_a_translation_is_marked_outdated_when_the_dutch_text_changes_after_it(
    app: Flask, planner: Any
) -> None:
    import yaml
    from planner_helpers import submit_file

    from_template(planner)
    outdated = msg(app, "outdated")
    option = "pages.0.questions.2.options.0.label"
    # The planner translates the first district.
    page = Page(planner.get(f"{EDITOR}/vertalingen"))
    assert 'class="tag-outdated"' not in page.html
    form = page.form().set(f"{option}:fr", "Hoogveld (FR)").set(f"{option}:en", "High field")
    assert form.submit(planner).status_code == 302
    assert 'class="tag-outdated"' not in Page(planner.get(f"{EDITOR}/vertalingen")).html
    # Then rewrites its Dutch label in the question's form.
    form = Page(planner.get(f"{EDITOR}/vragen/wijk")).form()
    assert form.fields["options-0-label-0-language"].value == "nl"
    form.set("options-0-label-0-text", "Hoogveld-Noord")
    assert form.submit(planner).status_code == 302
    # Both translations are outdated, with the Dutch text as it now reads;
    # texts translated before (in the template) are not marked.
    page = Page(planner.get(f"{EDITOR}/vertalingen"))
    assert page.html.count('class="tag-outdated"') == 2
    assert outdated in page.text
    assert "Hoogveld-Noord" in page.text
    assert f"{option}:fr:confirm" in page.form().fields
    assert "pages.0.questions.2.text:fr:confirm" not in page.form().fields

    # The mark survives an export and an import (here as a new survey).
    exported = planner.get(f"/planner/bevragingen/{PULSE}/vragenlijst.yaml")
    raw = yaml.safe_load(exported.get_data(as_text=True))
    assert set(raw["translation_sources"]["questions.wijk.options.1.label"]) == {"fr", "en"}
    raw["key"] = "peiling-kopie"
    upload = Page(planner.get("/planner/bevragingen/opladen"))
    response = submit_file(
        planner, upload, yaml.safe_dump(raw, allow_unicode=True).encode(), "peiling.yaml"
    )
    assert response.status_code == 302, Page(response).text[:2000]
    copied = Page(planner.get("/planner/bevragingen/peiling-kopie/bewerken/vertalingen"))
    assert copied.html.count('class="tag-outdated"') == 2

    # Rewriting the French clears its mark; confirming the English one
    # as still right clears the other.
    form = page.form().set(f"{option}:fr", "Hoogveld-Nord").set(f"{option}:en:confirm", "y")
    assert form.submit(planner).status_code == 302
    after = Page(planner.get(f"{EDITOR}/vertalingen"))
    assert 'class="tag-outdated"' not in after.html
    labels = question(definition(app), "wijk")["options"][0]["label"]
    assert labels == {"nl": "Hoogveld-Noord", "fr": "Hoogveld-Nord", "en": "High field"}


def test_the_option_order_is_shuffled_from_a_checkbox_on_choice_questions(
    app: Flask, planner: Any
) -> None:
    from_template(planner)
    explanation = msg(
        app,
        "Each respondent sees the options in an order of their own, so that no option gains "
        "from its place; don't know, none of these and options that keep their place stay "
        "where they are. Codes, paper forms and the report keep the order of the list.",
    )
    # A single choice: not shuffled unless asked; an option can keep its place.
    page = Page(planner.get(f"{EDITOR}/vragen/wijk"))
    assert explanation in page.text
    form = page.form()
    assert form.fields["shuffle"].selected == []
    form.set("shuffle", "y").set("options-2-fixed", "y")
    assert form.submit(planner).status_code == 302
    wijk = question(definition(app), "wijk")
    assert wijk["shuffle"] is True
    assert wijk["options"][2]["fixed"] is True
    assert Page(planner.get(f"{EDITOR}/vragen/wijk")).form().fields["shuffle"].selected == ["y"]
    # A ranking shuffles by default: the box is ticked; saved as it is, the
    # file says nothing; unticked, it says shuffle: false.
    form = Page(planner.get(f"{EDITOR}/vragen/probleem")).form()
    assert form.fields["shuffle"].selected == ["y"]
    assert form.submit(planner).status_code == 302
    assert "shuffle" not in question(definition(app), "probleem")
    form = Page(planner.get(f"{EDITOR}/vragen/probleem")).form()
    form.fields["shuffle"].selected = []
    assert form.submit(planner).status_code == 302
    assert question(definition(app), "probleem")["shuffle"] is False
    # An ordered scale is never shuffled: no box.
    assert "shuffle" not in Page(planner.get(f"{EDITOR}/vragen/onveilig")).form().fields
