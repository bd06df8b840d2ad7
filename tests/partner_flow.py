"""Helpers for the partner tests: the planner's partner pages and a partner
answering through their link, all through the rendered forms."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml
from flask import Flask
from formtools import Form, Page
from planner_helpers import submit_file
from support import PARTNER_FILE, import_file

from survey.analysis.tagging import PHENOMENA

ADMIN = "/planner/partners/"


def form_with(page: Page, field: str) -> Form:
    """The page's form that has ``field``."""
    for index in range(len(page.forms)):
        form = page.form(index)
        if field in form.fields:
            return form
    raise AssertionError(f"no form with {field!r} on the page:\n{page.text[:1500]}")


def add_partner(client: Any, name: str, sector: str, email: str) -> Any:
    page = Page(client.get(ADMIN))
    form = form_with(page, "sector")
    form.set("name", name).set("sector", sector).set("email", email)
    return form.submit(client)


def import_partners(client: Any, data: bytes) -> Any:
    page = Page(client.get(ADMIN))
    return submit_file(client, page, data, "partners.csv")


def status_page(client: Any, key: str) -> Page:
    response = client.get(f"{ADMIN}bevraging/{key}")
    assert response.status_code == 200, response.status_code
    return Page(response)


def statuses(client: Any, key: str) -> dict[str, str]:
    html = status_page(client, key).html
    return {
        unescape(name): status
        for name, status in re.findall(
            r'<tr data-organisation="([^"]*)" data-status="([a-z_]+)"', html
        )
    }


def remind_list(client: Any, key: str) -> list[str]:
    html = status_page(client, key).html
    block = html.split('id="remind-list"', 1)
    if len(block) < 2:
        return []
    return [unescape(n) for n in re.findall(r'<li data-organisation="([^"]*)"', block[1])]


def issued_links(response: Any) -> dict[str, str]:
    """Organisation name -> link path, from the page that shows new links."""
    html = response.get_data(as_text=True)
    rows = re.findall(
        r'<tr data-organisation="([^"]*)">.*?value="([^"]+)" data-link-url', html, flags=re.S
    )
    return {unescape(name): urlsplit(unescape(url)).path for name, url in rows}


def issue_all(client: Any, key: str) -> dict[str, str]:
    form = form_with(status_page(client, key), "all")
    response = form.submit(client, button="html")
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return issued_links(response)


def org_action(
    client: Any, key: str, organisation_id: int, button: str, *, confirm: bool = True
) -> Any:
    """Press a per-organisation button (issue, revoke, reopen) on the status
    page and, with ``confirm``, "yes" on the confirmation page that an
    action changing a current link shows first."""
    page = status_page(client, key)
    for index in range(len(page.forms)):
        form = page.form(index)
        field = form.fields.get("organisation_id")
        if (
            field is not None
            and field.value == str(organisation_id)
            and any(b[0] == button for b in form.buttons)
        ):
            response = form.submit(client, button=button)
            asked = Page(response) if response.status_code == 200 else None
            if confirm and asked is not None and "confirmed" in asked.form().fields:
                return asked.form().submit(client)
            return response
    raise AssertionError(f"no {button} button for organisation {organisation_id}")


def page_path(link: str, page_key: str) -> str:
    return f"{link}/deel/{page_key}"


def fill(form: Form, answers: dict[str, Any]) -> Form:
    for name, value in answers.items():
        form.set(name, value)
    return form


def belang(score: int) -> dict[str, Any]:
    return {f"belang.{p}": score for p in PHENOMENA}


def full_answers(score: int = 4, vermelding: int = 1) -> dict[str, dict[str, Any]]:
    """A complete answer set, per page key."""
    return {
        "belang": belang(score),
        "evolutie": {f"trend.{p}": 2 for p in PHENOMENA},
        "rol": {
            **{f"rol.{p}": 3 for p in PHENOMENA},
            **{f"samenwerking.{p}": 1 for p in PHENOMENA},
        },
        "toelichting": {
            "toelichting": "Wij zien vooral drugsoverlast aan het station.",
            "aandachtspunt_1": "Fietsdiefstal aan scholen",
            "aandachtspunt_2": "Verkeer rond de haven",
            "vermelding": vermelding,
        },
    }


def answer_page(
    client: Any, link: str, page_key: str, answers: dict[str, Any], button: str = "next"
) -> Any:
    page = Page(client.get(page_path(link, page_key)))
    return fill(page.form(), answers).submit(client, button=button)


def answer_all(client: Any, link: str, answers: dict[str, dict[str, Any]]) -> Any:
    """Answer every page with "Save and continue"; returns the last response."""
    response = None
    for page_key, values in answers.items():
        response = answer_page(client, link, page_key, values)
        assert response.status_code == 302, Page(response).text[:1500]
    return response


def send(client: Any, link: str) -> Any:
    page = Page(client.get(f"{link}/controle"))
    assert page.response.status_code == 200
    return page.form().submit(client)


# The question the conditional copy of the partner survey adds on its last
# page: shown only when the organisation may be named (vermelding = 1).
NAMED_AS = "naam_in_rapport"


def conditional_partner_survey(app: Flask, tmp_path: Path) -> str:
    """Import and open a copy of the partner survey whose last page asks,
    right after "may we name your organisation?", under which name (only
    when the answer is yes: a condition on the same page)."""
    raw = yaml.safe_load(PARTNER_FILE.read_text(encoding="utf-8"))
    raw["key"] = "partners-voorwaarde"
    last = raw["pages"][-1]["questions"]
    last.append(
        {
            "key": NAMED_AS,
            "type": "text",
            "max_length": 200,
            "required": True,
            "text": {"nl": "Onder welke naam mogen we uw organisatie vermelden?"},
            "show_if": {"question": "vermelding", "equals": 1},
        }
    )
    path = tmp_path / "partners-voorwaarde.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return import_file(app, path)


def issue_link(app: Flask, key: str, name: str = "Stad Voorbeeld") -> str:
    """One organisation and its personal link (a path ``/p/<token>``)."""
    from survey.definitions.store import find_survey
    from survey.extensions import db
    from survey.partners import links, organisations

    with app.app_context():
        survey = find_survey(db.session, key)
        assert survey is not None
        organisation = organisations.create_organisation(
            db.session, organisations.clean(name, "Lokaal bestuur", "stad@vb.be")
        )
        issued = links.issue_link(db.session, organisation, survey)
        db.session.commit()
        return f"/p/{issued.token}"
