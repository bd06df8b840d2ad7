"""Oversized integers in everything the platform reads from a file, a form,
an address or a command line (issue 18): survey files (YAML or JSON,
uploaded or on the command line), the indicators and margins CSV files (web
and command line), every field of every question type on a resident's
page, a partner's page and a paper questionnaire, the response import (web
and command line), the codes a resident types, the number of letters, the
report options in the address (?threshold=, ?trim=, the page and its
downloads), integers in partner addresses, and the numbers of the commands.

Python refuses to turn more than 4300 digits into an int (a ValueError
nobody caught: a 500 on the web, a traceback on the command line), date()
raises OverflowError past a C long, and a number that fits Python but not a
database INTEGER would fail at the INSERT. Each is refused with a Dutch
message (the field's own, where a person can correct it), nothing is
stored, and a command exits non-zero without a traceback."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from flask import Flask
from formtools import Page
from livehttp import SHORT_SURVEY
from planner_helpers import logged_in, submit_file
from sqlalchemy import func, select

CONSULTATION = "zvp-2026-2031"
HUGE = "9" * 5000
TOO_BIG = "1" + "0" * 15  # 10**15: past the bound, far below Python's limit

# What a planner reads (the Dutch catalog).
TOO_LARGE_NL = "is te groot (een geheel getal heeft hoogstens 15 cijfers)"


def _survey_text(key: str, number: str) -> str:
    return SHORT_SURVEY.format(key=key, access="open").replace("max: 110", f"max: {number}")


def _surveys(app: Flask) -> int:
    from survey.extensions import db
    from survey.models import Survey

    with app.app_context():
        return int(db.session.scalar(select(func.count()).select_from(Survey)) or 0)


@pytest.mark.parametrize("number", [HUGE, TOO_BIG, f"-{HUGE}", "0x" + "f" * 5000])
def test_an_oversized_integer_in_an_uploaded_survey_file_is_refused_in_dutch(
    app: Flask, client: Any, number: str
) -> None:
    logged_in(app, client, "planner")
    page = Page(client.get("/planner/bevragingen/opladen"))
    data = _survey_text("kort-groot", number).encode("utf-8")
    response = submit_file(client, page, data, "kort.yaml")
    assert response.status_code == 422
    text = Page(response).text
    assert "Het bestand kan niet gelezen worden." in text, text
    assert TOO_LARGE_NL in text
    assert "regel 39" in text
    assert HUGE not in text  # the number is shown cut short
    assert _surveys(app) == 0


def test_an_oversized_integer_in_a_json_survey_file_is_refused(app: Flask, client: Any) -> None:
    raw = yaml.safe_load(_survey_text("kort-json", "110"))
    text = json.dumps(raw).replace('"max": 110', f'"max": {HUGE}')
    assert HUGE in text
    logged_in(app, client, "planner")
    page = Page(client.get("/planner/bevragingen/opladen"))
    response = submit_file(client, page, text.encode("utf-8"), "kort.json")
    assert response.status_code == 422
    assert TOO_LARGE_NL in Page(response).text
    assert _surveys(app) == 0


def test_surveys_validate_and_import_refuse_an_oversized_integer(
    app: Flask, runner: Any, tmp_path: Path
) -> None:
    path = tmp_path / "kort.yaml"
    path.write_text(_survey_text("kort-groot", HUGE), encoding="utf-8")
    for command in ("validate", "import"):
        result = runner.invoke(args=["surveys", command, str(path)])
        assert result.exit_code == 1, result.output
        assert TOO_LARGE_NL in result.output
        assert "Traceback" not in result.output
        assert result.exception is None or isinstance(result.exception, SystemExit)
    assert _surveys(app) == 0


INDICATORS = (
    "phenomenon,year,value\n"
    "inbraak,2024,412\n"
    f"drugs,{HUGE},1\n"
    f"verkeer,2024,{HUGE}\n"
    "drugs,99999999999,1\n"
    "verkeer,2023,1000000000000\n"
)
INDICATOR_MESSAGES = (
    "Rij 3: het jaar moet een jaar van 1990 tot 2100 zijn.",
    "Rij 4: de waarde moet een getal zijn met hoogstens 12 cijfers voor de komma.",
    "Rij 5: het jaar moet een jaar van 1990 tot 2100 zijn.",
    "Rij 6: de waarde moet een getal zijn met hoogstens 12 cijfers voor de komma.",
)
MARGINS = (
    "dimension,code,population\n"
    "district,1,1200\n"
    f"district,{HUGE},5\n"
    f"district,2,{HUGE}\n"
    "district,3,3000000000\n"
)
MARGIN_MESSAGES = (
    "Rij 3: de code moet een geheel getal van hoogstens 9 cijfers zijn.",
    *(
        f"Rij {row}: de bevolking moet een geheel getal van 0 of meer zijn, "
        "met hoogstens 9 cijfers."
        for row in (4, 5)
    ),
)
# A consultation's CSV files: the last part of the upload page's address,
# the file, the messages, the model of the stored rows.
CONSULTATION_FILES = {
    "indicators": ("indicatoren", INDICATORS, INDICATOR_MESSAGES, "ObjectiveIndicator"),
    "margins": ("marges", MARGINS, MARGIN_MESSAGES, "PopulationMargin"),
}


def _rows(app: Flask, model: str) -> int:
    from survey import models
    from survey.extensions import db

    with app.app_context():
        table = getattr(models, model)
        return int(db.session.scalar(select(func.count()).select_from(table)) or 0)


@pytest.mark.parametrize("kind", sorted(CONSULTATION_FILES))
def test_a_consultation_upload_refuses_oversized_numbers_in_dutch(
    app: Flask, client: Any, resident_survey: str, kind: str
) -> None:
    page, data, messages, model = CONSULTATION_FILES[kind]
    logged_in(app, client, "planner")
    url = f"/planner/raadplegingen/{CONSULTATION}/{page}"
    response = submit_file(client, Page(client.get(url)), data.encode(), f"{kind}.csv")
    assert response.status_code == 422
    text = Page(response).text
    for message in messages:
        assert message in text, text
    assert HUGE not in text
    assert _rows(app, model) == 0


@pytest.mark.parametrize("kind", sorted(CONSULTATION_FILES))
def test_a_consultation_import_command_refuses_oversized_numbers_without_a_traceback(
    app: Flask, runner: Any, resident_survey: str, tmp_path: Path, kind: str
) -> None:
    _page, data, messages, model = CONSULTATION_FILES[kind]
    path = tmp_path / f"{kind}.csv"
    path.write_text(data, encoding="utf-8")
    result = runner.invoke(args=[kind, "import", CONSULTATION, str(path)])
    assert result.exit_code == 1, result.output
    for message in messages:
        assert message in result.output
    assert "Traceback" not in result.output
    assert HUGE not in result.output
    assert _rows(app, model) == 0


# --- answers: every field of every question type, on every page that takes them ----

EVERY_TYPE = """
format: 1
key: {key}
consultation: zvp-getallen
audience: {audience}
access: {access}
languages: [nl]
title: {{nl: "Getallen"}}
scales:
  vaak:
    - {{code: 1, label: {{nl: "Nooit"}}}}
    - {{code: 2, label: {{nl: "Vaak"}}}}
pages:
  - key: alles
    title: {{nl: "Alles"}}
    questions:
      - {{key: veilig, type: single, text: {{nl: "Veilig?"}},
         options: [{{code: 1, label: {{nl: "Ja"}}}}, {{code: 2, label: {{nl: "Nee"}}}}]}}
      - {{key: gevoel, type: scale, scale: vaak, text: {{nl: "Gevoel?"}}}}
      - {{key: problemen, type: matrix, scale: vaak, text: {{nl: "Hoe vaak?"}},
         rows: [{{key: drugs, label: {{nl: "Drugs"}}}}]}}
      - {{key: zorgen, type: multiple, text: {{nl: "Zorgen?"}},
         options: [{{code: 1, label: {{nl: "Drugs"}}}}, {{code: 2, label: {{nl: "Verkeer"}}}}]}}
      - {{key: top, type: ranking, choose: 2, text: {{nl: "Eerst?"}},
         options: [{{code: 1, label: {{nl: "A"}}}}, {{code: 2, label: {{nl: "B"}}}},
                   {{code: 3, label: {{nl: "C"}}}}]}}
      - {{key: leeftijd, type: number, min: 16, max: 110, text: {{nl: "Leeftijd?"}}}}
      - {{key: aantal, type: number, text: {{nl: "Hoeveel keer?"}}}}
      - {{key: bedrag, type: number, decimals: 2, text: {{nl: "Hoeveel euro?"}}}}
      - {{key: wanneer, type: date, text: {{nl: "Wanneer?"}}}}
      - {{key: opmerking, type: text, text: {{nl: "Nog iets?"}}}}
"""
EVERY_TYPE_KEY = "getallen"
# The planner pages these tests fill in (one place, should the addresses move).
PAPER = "/planner/bevragingen/{key}/papier"
IMPORT = "/planner/bevragingen/{key}/importeren"
LETTERS = "/planner/bevragingen/{key}/brieven"
REPORT = "/planner/rapporten/{key}"
PARTNERS = "/planner/partners/"
# Digits where a form or a file expects a whole number: beyond Python's
# 4300, beyond 15 (the bound of codes and numbers) and negative.
OVERSIZED = (HUGE, f"-{HUGE}", TOO_BIG, "1" + "0" * 40)


def _every_type_survey(app: Flask, tmp_path: Path, access: str = "open") -> str:
    from support import import_file

    from survey.questions import REGISTRY

    audience = "partner" if access == "partner" else "citizen"
    text = EVERY_TYPE.format(key=EVERY_TYPE_KEY, access=access, audience=audience)
    used = {q["type"] for page in yaml.safe_load(text)["pages"] for q in page["questions"]}
    assert used == set(REGISTRY), "a question type is missing from this survey"
    path = tmp_path / "getallen.yaml"
    path.write_text(text, encoding="utf-8")
    return import_file(app, path)


def _tr(app: Flask, msgid: str, **values: Any) -> str:
    from resident_flow import tr

    return tr(app, msgid, **values)


def _field_messages(app: Flask) -> dict[str, str]:
    """What a resident reads under a field that got an oversized number."""
    choose = _tr(app, "Choose one of the options.")
    smaller = _tr(
        app,
        "Enter a smaller number: at most %(digits)s digits before the decimal mark.",
        digits=15,
    )
    return {
        "veilig": choose,
        "gevoel": choose,
        "problemen.drugs": choose,
        "zorgen": choose,
        "top.1": choose,
        "top.2": choose,
        "leeftijd": smaller,
        "aantal": smaller,
        "bedrag": smaller,
    }


# Valid answers for the fields ``resident_flow.fill`` does not know.
VALID = {
    "aantal": "3",
    "bedrag": "12,50",
    "wanneer.day": "27",
    "wanneer.month": "3",
    "wanneer.year": "2026",
}


def _valid(page: Page) -> Any:
    """The page's form with a valid answer in every field (hidden fields,
    such as a partner draft's revision, as the page sent them)."""
    from resident_flow import fill

    form = page.form()
    hidden = {n: f.value for n, f in form.fields.items() if f.kind == "hidden"}
    return fill(form, {**VALID, **hidden})


def _forced(page: Page, name: str, value: str, *, filled: bool = True) -> Any:
    """The page's form (``filled`` with valid answers) with ``value`` in
    ``name`` whatever the field offers (a forged or mistyped value)."""
    form = _valid(page) if filled else page.form()
    for part in ("wanneer.day", "wanneer.month", "wanneer.year"):
        if name.startswith("wanneer.") and part != name:
            form.fields[part].value = VALID[part]  # the rest of the date
    field = form.fields[name]
    if field.kind in {"radio", "checkbox", "select"}:
        field.selected = [value]
    else:
        field.value = value
    return form


def _stored(app: Flask) -> dict[str, Any]:
    from survey.extensions import db
    from survey.models import Answer, Draft, Response

    with app.app_context():
        return {
            "responses": db.session.scalar(select(func.count()).select_from(Response)),
            "answers": db.session.scalar(select(func.count()).select_from(Answer)),
            "drafts": sorted(map(str, db.session.scalars(select(Draft.data)))),
        }


def test_oversized_numbers_in_every_answer_field_get_a_dutch_message(
    app: Flask, client: Any, tmp_path: Path
) -> None:
    from resident_flow import start

    key = _every_type_survey(app, tmp_path)
    page = Page(start(client, key))
    before = _stored(app)
    messages = _field_messages(app)
    names = [n for n in page.form().fields if n != "csrf_token"]
    assert {"wanneer.day", "wanneer.month", "wanneer.year"} <= set(names)
    for name in names:
        if name == "opmerking":
            continue  # digits in a text are a text
        for value in OVERSIZED:
            response = _forced(page, name, value).submit(client)
            assert response.status_code in (200, 422), (name, len(value))
            text = Page(response).text
            assert "Er is een probleem" in text, (name, len(value))
            expected = messages.get(name) or _date_message(app, name, value)
            assert expected in text, (name, len(value), text[:600])
            assert HUGE[:50] not in text or name not in messages
            assert _stored(app) == before, (name, len(value))
    # The same form without the oversized value goes on: each refusal
    # above was the oversized value's.
    assert _valid(page).submit(client).status_code == 302


def _date_message(app: Flask, name: str, value: str) -> str:
    assert name.startswith("wanneer."), name
    if name == "wanneer.year" and value.isdigit():
        return _tr(app, "The year must have 4 numbers.")
    return _tr(app, "Enter a real date, for example 27 3 2026.")


def test_oversized_numbers_in_every_field_of_a_partner_page_get_a_dutch_message(
    app: Flask, tmp_path: Path
) -> None:
    from partner_flow import issue_link

    key = _every_type_survey(app, tmp_path, access="partner")
    link = issue_link(app, key)
    client = app.test_client()
    page = Page(client.get(f"{link}/deel/alles"))
    messages = _field_messages(app)
    before = _stored(app)
    names = [n for n in page.form().fields if n not in ("csrf_token", "revision", "opmerking")]
    assert set(messages) | {"wanneer.day", "wanneer.month", "wanneer.year"} <= set(names)
    for name in names:
        for value in OVERSIZED:
            response = _forced(page, name, value).submit(client, button="next")
            assert response.status_code in (200, 422), (name, response.status_code)
            text = Page(response).text
            expected = messages.get(name) or _date_message(app, name, value)
            assert expected in text, (name, len(value), text[:600])
            assert _stored(app) == before, name
    assert _valid(page).submit(client, button="next").status_code == 302


def test_oversized_numbers_on_a_paper_questionnaire_get_a_dutch_message(
    app: Flask, client: Any, tmp_path: Path
) -> None:
    key = _every_type_survey(app, tmp_path)
    logged_in(app, client, "planner")
    url = PAPER.format(key=key)
    page = Page(client.get(url))
    messages = {
        **_field_messages(app),
        "submitted_on": _tr(app, "Enter the date as YYYY-MM-DD."),
        "language": _tr(app, "Choose the language of the questionnaire."),
    }
    before = _stored(app)
    for name in page.form().fields:
        if name in ("csrf_token", "opmerking", "submission_key"):
            continue
        for value in OVERSIZED:
            # A paper questionnaire may leave questions empty.
            response = _forced(page, name, value, filled=False).submit(client)
            assert response.status_code == 422, (name, response.status_code)
            text = Page(response).text
            expected = messages.get(name) or _date_message(app, name, value)
            assert expected in text, (name, text[:600])
            assert _stored(app) == before, name


IMPORT_COLUMNS = ("veilig", "gevoel", "problemen.drugs", "zorgen.1", "top.1", "aantal", "bedrag")


def _response_file() -> bytes:
    """One row per whole-number column, each with an oversized number."""
    lines = [",".join(["language", *IMPORT_COLUMNS])]
    for column in IMPORT_COLUMNS:
        lines.append(",".join(["nl", *(HUGE if c == column else "" for c in IMPORT_COLUMNS)]))
    return ("\n".join(lines) + "\n").encode()


def test_the_response_import_refuses_oversized_numbers_row_by_row(
    app: Flask, client: Any, runner: Any, tmp_path: Path
) -> None:
    key = _every_type_survey(app, tmp_path)
    data = _response_file()
    messages = {
        **_field_messages(app),
        "zorgen.1": _tr(app, "Use 1 for chosen and 0 for not chosen."),
    }
    logged_in(app, client, "planner")
    url = IMPORT.format(key=key)
    response = submit_file(client, Page(client.get(url)), data, "antwoorden.csv")
    assert response.status_code == 422
    web = Page(response).text
    path = tmp_path / "antwoorden.csv"
    path.write_bytes(data)
    result = runner.invoke(args=["responses", "import", key, str(path)])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    for row, column in enumerate(IMPORT_COLUMNS, start=2):
        line = f"Rij {row}, kolom {column}: {messages[column]}"
        assert line in web, (line, web[:2000])
        assert line in result.output, (line, result.output)
    assert HUGE not in web and HUGE not in result.output
    assert _stored(app)["responses"] == 0


def test_oversized_codes_typed_by_a_resident_are_not_recognised(app: Flask, tmp_path: Path) -> None:
    key = _every_type_survey(app, tmp_path, access="invitation")
    resident = app.test_client()
    unknown = {
        "code": _tr(
            app, "We do not recognise this code. Check the code on your letter and try again."
        ),
        "resume_code": _tr(app, "We do not recognise this code. Check the code and try again."),
    }
    for path, field in ((f"/s/{key}/code", "code"), (f"/s/{key}/hervat", "resume_code")):
        for value in OVERSIZED:
            form = Page(resident.get(path)).form()
            form.fields[field].value = value
            response = form.submit(resident)
            assert response.status_code == 200, (path, response.status_code)
            text = Page(response).text
            assert unknown[field] in text, (path, text[:600])
            assert HUGE[:50] not in text
    assert _stored(app)["drafts"] == []


def test_an_oversized_number_of_letters_is_refused_in_dutch(
    app: Flask, client: Any, tmp_path: Path
) -> None:
    key = _every_type_survey(app, tmp_path, access="invitation")
    logged_in(app, client, "planner")
    message = _tr(app, "Enter a number of letters from 1 to %(max)s.", max=500)
    for value in OVERSIZED:
        form = Page(client.get(LETTERS.format(key=key))).form()
        form.fields["count"].value = value
        response = form.submit(client)
        assert response.status_code == 422, len(value)
        assert message in Page(response).text
    from survey.extensions import db
    from survey.models import InvitationCode

    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(InvitationCode)) == 0


@pytest.mark.parametrize("fmt", ["", "/inputrapport.xlsx", "/inputrapport.pdf"])
def test_oversized_report_options_in_the_address_get_a_dutch_message(
    app: Flask, client: Any, resident_survey: str, fmt: str
) -> None:
    from survey.reporting.options import THRESHOLD_MAX, THRESHOLD_MIN, TRIM_MAX

    logged_in(app, client, "viewer")
    messages = {
        "threshold": _tr(
            app,
            "Enter a whole number from %(low)s to %(high)s as the suppression threshold.",
            low=THRESHOLD_MIN,
            high=THRESHOLD_MAX,
        ),
        "trim": _tr(
            app,
            "Enter a number above 1 and at most %(high)s as the weight cap "
            "(for example 5), or leave it empty.",
            high=int(TRIM_MAX),
        ),
    }
    base = REPORT.format(key=resident_survey) + fmt
    for name, message in messages.items():
        for value in OVERSIZED:
            # A download with a bad option gives the page with the message.
            response = client.get(f"{base}?{name}={value}")
            assert response.status_code == 400, (name, response.status_code)
            assert response.mimetype == "text/html", name
            text = Page(response).text
            assert message in text, (name, text[:600])
            assert HUGE[:50] not in text


def test_oversized_numbers_in_partner_addresses_are_not_found(
    app: Flask, client: Any, partner_survey: str
) -> None:
    logged_in(app, client, "planner")
    for value in (HUGE, TOO_BIG):
        assert client.get(f"{PARTNERS}{value}").status_code == 404
        # The count of organisations just imported, shown after an import.
        response = client.get(f"{PARTNERS}?ingevoerd={value}")
        assert response.status_code == 200
        assert HUGE[:50] not in Page(response).text


def test_a_forged_oversized_organisation_id_is_refused(
    app: Flask, client: Any, partner_survey: str
) -> None:
    from partner_flow import add_partner, org_action, status_page

    from survey.extensions import db
    from survey.models import PartnerLink

    logged_in(app, client, "planner")
    add_partner(client, "Stad Voorbeeld", "Lokaal bestuur", "stad@vb.be")

    def forge_every_id() -> int:
        """Post each form of the status page that names an organisation
        with an oversized id instead; the number of such forms."""
        page = status_page(client, partner_survey)
        forms = [i for i in range(len(page.forms)) if "organisation_id" in page.form(i).fields]
        for index in forms:
            for value in (HUGE, TOO_BIG):
                form = page.form(index)
                form.fields["organisation_id"].value = value
                button = form.buttons[0][1] if form.buttons else None
                # Only a forged form sends this: a plain refusal.
                assert form.submit(client, button=button).status_code == 400, form.action
        return len(forms)

    def links() -> list[Any]:
        with app.app_context():
            return list(db.session.execute(select(PartnerLink.id, PartnerLink.revoked_at)))

    assert forge_every_id() == 1  # issue a link
    assert links() == []
    page = status_page(client, partner_survey)
    named = [page.form(i).fields.get("organisation_id") for i in range(len(page.forms))]
    (organisation_id,) = {field.value for field in named if field is not None}
    org_action(client, partner_survey, int(organisation_id), "issue")
    issued = links()
    assert forge_every_id() >= 1  # revoke (and reissue)
    assert links() == issued


@pytest.mark.parametrize(
    "args",
    [
        ["codes", "generate", "{key}", "--count", HUGE, "--out", "{tmp}/c.csv"],
        ["codes", "generate", "{key}", "--count", TOO_BIG, "--out", "{tmp}/c.csv"],
        ["report", "build", "{key}", "--threshold", HUGE, "--out", "{tmp}/r.json"],
        ["report", "build", "{key}", "--threshold", TOO_BIG, "--out", "{tmp}/r.json"],
        ["report", "build", "{key}", "--trim", HUGE, "--out", "{tmp}/r.json"],
        ["demo", "--residents", TOO_BIG],
        ["demo", "--residents", HUGE],
    ],
    ids=lambda a: " ".join(x[:12] for x in a[:4]),
)
def test_commands_refuse_oversized_numbers_without_a_traceback(
    app: Flask, runner: Any, tmp_path: Path, args: list[str]
) -> None:
    key = _every_type_survey(app, tmp_path, access="invitation")
    argv = [a.replace("{key}", key).replace("{tmp}", str(tmp_path)) for a in args]
    result = runner.invoke(args=argv)
    assert result.exit_code != 0, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert not list(tmp_path.glob("*.csv")) and not list(tmp_path.glob("*.json"))
    assert _stored(app)["responses"] == 0
