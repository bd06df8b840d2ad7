"""Helpers for resident journeys: fill every page of a survey the way a
person without JavaScript would, through the rendered forms."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from flask import Flask
from formtools import Form, Page
from support import RESIDENT_FILE, import_file

NUMBER_ANSWERS = {"leeftijd": "42", "buurtscore": "7"}


def open_copy(app: Flask, tmp_path: Path, key: str = "burgers-open") -> str:
    """Import and open a copy of the resident survey with ``access: open``."""
    raw = yaml.safe_load(RESIDENT_FILE.read_text(encoding="utf-8"))
    raw["key"] = key
    raw["access"] = "open"
    path = tmp_path / f"{key}.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return import_file(app, path)


def make_codes(app: Flask, key: str, count: int = 2) -> list[str]:
    from survey.definitions.store import find_survey
    from survey.extensions import db
    from survey.residents.codes import generate_codes

    with app.app_context():
        survey = find_survey(db.session, key)
        assert survey is not None
        codes = generate_codes(db.session, survey, count).codes
        db.session.commit()
    return codes


def fill(form: Form, overrides: dict[str, Any] | None = None) -> Form:
    """Give every field a valid answer: the first option of radios and
    checkboxes, a different option per rank, a number or a short text."""
    overrides = overrides or {}
    for name, field in form.fields.items():
        if name == "csrf_token":
            continue
        if name in overrides:
            form.set(name, overrides[name])
        elif field.kind in {"radio", "checkbox"}:
            form.set(name, field.options[0])
        elif field.kind == "select":
            rank = int(name.rsplit(".", 1)[1])
            form.set(name, field.options[rank])
        elif field.kind == "textarea":
            form.set(name, "Meer verlichting in het park, graag.")
        elif name in NUMBER_ANSWERS:
            form.set(name, NUMBER_ANSWERS[name])
        else:
            form.set(name, "Antwoord")
    return form


def start(client: Any, key: str, code: str | None = None) -> Any:
    """From the start page to the first question page (a response)."""
    page = Page(client.get(f"/s/{key}"))
    assert page.response.status_code == 200, page.text
    if code is None:
        response = page.form().submit(client)
    else:
        code_page = Page(client.get(f"/s/{key}/code"))
        response = code_page.form().set("code", code).submit(client)
    assert response.status_code == 302, Page(response).text
    return client.get(response.location)


def answer_all(
    client: Any, response: Any, overrides: dict[str, Any] | None = None, limit: int = 20
) -> Any:
    """Fill and post pages until the check-your-answers page; return it."""
    for _ in range(limit):
        assert response.status_code == 200, Page(response).text[:1000]
        if response.request.path.endswith("/controle"):
            return response
        page = Page(response)
        posted = fill(page.form(), overrides).submit(client)
        if posted.status_code == 200:  # shown again: new questions appeared
            response = posted
            continue
        assert posted.status_code == 302, Page(posted).text[:2000]
        response = client.get(posted.location)
    raise AssertionError("never reached the check page")


def submit(client: Any, check_page: Any) -> Any:
    posted = Page(check_page).form().submit(client)
    assert posted.status_code == 302, Page(posted).text[:2000]
    return posted


def count_responses(app: Flask, key: str) -> int:
    from sqlalchemy import func, select

    from survey.extensions import db
    from survey.models import Response, Survey

    with app.app_context():
        return int(
            db.session.scalar(
                select(func.count()).select_from(Response).join(Survey).where(Survey.key == key)
            )
            or 0
        )


def tr(app: Flask, msgid: str, **params: Any) -> str:
    """An interface string as a Dutch resident sees it (translated when the
    catalogs are compiled, else the English msgid)."""
    from flask import g
    from flask_babel import gettext

    with app.test_request_context():
        g.language = "nl"
        return str(gettext(msgid, **params))
