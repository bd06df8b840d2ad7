"""Surveys as XLSForm workbooks: every template and every question type goes
out and comes back as the same definition, through the download and the
import page; a form written by hand as an analyst (or Kobo) would, with
groups, relevant, constraints and translations, becomes a draft; what
does not map is listed by row and nothing is imported."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
import pytest
from flask import Flask
from formtools import Page
from planner_helpers import logged_in, msg

from survey.definitions.templates import TEMPLATES


@pytest.fixture
def planner(app: Flask) -> Any:
    return logged_in(app, app.test_client(), "planner")


def stored(app: Flask, key: str) -> dict[str, Any] | None:
    from survey.definitions.store import find_survey
    from survey.extensions import db

    with app.app_context():
        survey = find_survey(db.session, key)
        return None if survey is None else dict(survey.definition)


def import_workbook(client: Any, data: bytes, **fields: str) -> Any:
    page = Page(client.get("/planner/bevragingen/xlsform"))
    payload: dict[str, Any] = {name: value for name, value in page.form().data() if name != "file"}
    payload.update(fields)
    payload["file"] = (io.BytesIO(data), "vragenlijst.xlsx")
    return client.post(
        "/planner/bevragingen/xlsform", data=payload, content_type="multipart/form-data"
    )


@pytest.mark.parametrize("template", [t.name for t in TEMPLATES])
def test_export_then_import_gives_the_same_definition(
    app: Flask, planner: Any, template: str
) -> None:
    made = Page(planner.get(f"/planner/bevragingen/nieuw?template={template}")).form()
    assert made.submit(planner).status_code == 302
    key = made.fields["key"].value
    original = stored(app, key)
    assert original is not None
    detail = Page(planner.get(f"/planner/bevragingen/{key}"))
    assert f"/planner/bevragingen/{key}/vragenlijst.xlsx" in detail.html
    download = planner.get(f"/planner/bevragingen/{key}/vragenlijst.xlsx")
    assert download.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(download.data))
    assert {"survey", "choices", "settings"} <= set(book.sheetnames)
    response = import_workbook(planner, download.data, key=f"{key}-xls")
    assert response.status_code == 302, Page(response).text[:2000]
    back = stored(app, f"{key}-xls")
    assert back == {**original, "key": f"{key}-xls"}


def test_every_question_type_goes_out_and_comes_back(app: Flask) -> None:
    from survey.definitions import editing
    from survey.definitions.validation import validate_definition
    from survey.definitions.xlsform import from_xlsform, to_xlsform
    from survey.questions import REGISTRY

    with app.test_request_context():
        raw = TEMPLATES[2].definition()
        for name in REGISTRY:
            raw, _key = editing.add_question(raw, "peiling", name)
        raw = editing.set_condition(raw, "date", {"question": "multiple", "in": [1, 2]})
        raw = editing.set_condition(raw, "text", {"question": "matrix.rij_1", "answered": True})
        assert validate_definition(raw).problems == []
        assert from_xlsform(to_xlsform(raw)) == raw


def _hand_written() -> openpyxl.Workbook:
    """A form as an analyst writes it in Excel (Kobo style): metadata rows,
    groups, text choice names, a constraint, relevant, two languages."""
    book = openpyxl.Workbook()
    survey = book.active
    survey.title = "survey"
    rows = [
        [
            "type",
            "name",
            "label::Dutch (nl)",
            "label::French (fr)",
            "hint::Dutch (nl)",
            "required",
            "relevant",
            "constraint",
        ],
        ["start", "start"],
        ["end", "end"],
        ["begin_group", "buurt", "Uw buurt", "Votre quartier"],
        [
            "select_one ja_nee",
            "slachtoffer",
            "Was u slachtoffer van een inbraak?",
            "Avez-vous été victime d'un cambriolage ?",
            "De voorbije 12 maanden.",
            "yes",
        ],
        [
            "select_one ja_nee",
            "aangifte",
            "Deed u aangifte?",
            "Avez-vous porté plainte ?",
            None,
            None,
            "${slachtoffer} = 'ja'",
        ],
        ["select_multiple hinder", "hinder", "Welke hinder ervaart u?", "Quelles nuisances ?"],
        [
            "text",
            "lawaai_uitleg",
            "Vertel meer over het lawaai.",
            None,
            None,
            None,
            "selected(${hinder}, 'lawaai') and not(${slachtoffer} = 'nee')",
        ],
        ["end_group", "buurt"],
        ["begin_group", "over_u", "Over u", "À propos de vous"],
        [
            "integer",
            "leeftijd",
            "Hoe oud bent u?",
            "Quel âge avez-vous ?",
            None,
            "yes",
            None,
            ". >= 16 and . <= 110",
        ],
        ["end_group"],
    ]
    for row in rows:
        survey.append(row)
    choices = book.create_sheet("choices")
    for row in [
        ["list_name", "name", "label::Dutch (nl)", "label::French (fr)"],
        ["ja_nee", "ja", "Ja", "Oui"],
        ["ja_nee", "nee", "Nee", "Non"],
        ["hinder", "lawaai", "Lawaai", "Bruit"],
        ["hinder", "zwerfvuil", "Zwerfvuil", "Déchets"],
    ]:
        choices.append(row)
    settings = book.create_sheet("settings")
    settings.append(["form_title", "form_id", "default_language"])
    settings.append(["Buurtpeiling", "buurt_peiling", "Dutch (nl)"])
    return book


def _bytes(book: openpyxl.Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_hand_written_xlsform_becomes_a_draft(app: Flask, planner: Any) -> None:
    response = import_workbook(planner, _bytes(_hand_written()), consultation="zvp-2026-2031")
    assert response.status_code == 302, Page(response).text[:2000]
    raw = stored(app, "buurt-peiling")
    assert raw is not None
    assert raw["languages"] == ["nl", "fr"]
    assert raw["title"] == {"nl": "Buurtpeiling"}
    assert [p["key"] for p in raw["pages"]] == ["buurt", "over_u"]
    assert raw["pages"][0]["title"] == {"nl": "Uw buurt", "fr": "Votre quartier"}
    questions = {q["key"]: q for p in raw["pages"] for q in p["questions"]}
    assert list(questions) == ["slachtoffer", "aangifte", "hinder", "lawaai_uitleg", "leeftijd"]
    assert questions["slachtoffer"]["options"] == [
        {"code": 1, "label": {"nl": "Ja", "fr": "Oui"}},
        {"code": 2, "label": {"nl": "Nee", "fr": "Non"}},
    ]
    assert questions["slachtoffer"]["required"] is True
    assert questions["slachtoffer"]["help"] == {"nl": "De voorbije 12 maanden."}
    assert questions["aangifte"]["show_if"] == {"question": "slachtoffer", "equals": 1}
    assert questions["lawaai_uitleg"]["show_if"] == {
        "all": [
            {"question": "hinder", "equals": 1},
            {"not": {"question": "slachtoffer", "equals": 2}},
        ]
    }
    assert questions["hinder"]["type"] == "multiple"
    assert questions["leeftijd"] | {} == {
        "key": "leeftijd",
        "type": "number",
        "text": {"nl": "Hoe oud bent u?", "fr": "Quel âge avez-vous ?"},
        "required": True,
        "min": 16,
        "max": 110,
    }
    # A draft like any other: the editor opens it.
    assert planner.get("/planner/bevragingen/buurt-peiling/bewerken").status_code == 200


def test_what_does_not_map_is_listed_by_row_and_nothing_is_imported(
    app: Flask, planner: Any
) -> None:
    book = _hand_written()
    survey = book["survey"]
    survey.append(["geopoint", "plek", "Waar gebeurde het?"])  # row 13
    survey["G6"] = "${slachtoffer} > 3"  # the relevant of aangifte
    response = import_workbook(planner, _bytes(book))
    assert response.status_code == 422
    text = Page(response).text
    assert msg(app, "The workbook was not imported.") in text
    expression = msg(
        app,
        "the relevant expression '%(expression)s' does not map to a condition",
        expression="${slachtoffer} > 3",
    )
    assert (
        msg(
            app,
            "Sheet %(sheet)s, row %(row)s: %(message)s",
            sheet="survey",
            row=6,
            message=expression,
        )
        in text
    )
    geopoint = msg(
        app, "the type '%(type)s' does not map to a question of this platform", type="geopoint"
    )
    assert (
        msg(
            app,
            "Sheet %(sheet)s, row %(row)s: %(message)s",
            sheet="survey",
            row=13,
            message=geopoint,
        )
        in text
    )
    assert stored(app, "buurt-peiling") is None
    # Not a workbook at all: one clear problem.
    response = import_workbook(planner, b"type,name\ntext,q1\n")
    assert response.status_code == 422
    assert msg(app, "This is not an Excel workbook (.xlsx).") in Page(response).text
