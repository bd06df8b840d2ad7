"""Helpers for the partner tests: the planner's partner pages and a partner
answering through their link, all through the rendered forms."""

from __future__ import annotations

import json
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


PARTNER_SURVEY = yaml.safe_load(PARTNER_FILE.read_text(encoding="utf-8"))
PHENOMENA = [p["key"] for p in PARTNER_SURVEY["phenomena"]]
TOP3_CODE = {
    o["phenomenon"]: o["code"]
    for page in PARTNER_SURVEY["pages"]
    for q in page["questions"]
    if q["key"] == "top3"
    for o in q["options"]
}
PRIORITY, ATTENTION, NO_EXTRA, NO_VIEW = 1, 2, 3, 9
"""The codes of the partner survey's ``aanpak`` scale."""


def evidence(phenomenon: str) -> dict[str, Any]:
    """The answers on a phenomenon's own page (shown when it is marked
    prioriteit or aandachtspunt)."""
    return {
        f"{phenomenon}_wat": f"Wij zien meer meldingen over {phenomenon}.",
        f"{phenomenon}_waar": "Hoogveld, aan het station",
        f"{phenomenon}_sinds": 2,
        f"{phenomenon}_bron": [1, 3],
        f"{phenomenon}_rol": [2, 3],
    }


def full_answers(
    decisions: dict[str, int] | None = None,
    vermelding: int = 1,
    top3: tuple[str, str, str] = ("drugs", "verkeer", "overlast"),
) -> dict[str, dict[str, Any]]:
    """A complete answer set, per page key in survey order: ``decisions``
    per phenomenon (``aanpak`` codes; default: drugs a priority, verkeer an
    attention point, the rest no extra effort), each marked phenomenon's
    own page, the top 3 and the last page with one tagged extra attention
    point."""
    chosen = {p: NO_EXTRA for p in PHENOMENA}
    chosen.update(decisions if decisions is not None else {"drugs": PRIORITY, "verkeer": ATTENTION})
    answers: dict[str, dict[str, Any]] = {
        "organisatie": {"gemeenten": [1, 2]},
        "aanpak": {
            **{f"aanpak.{p}": code for p, code in chosen.items()},
            **{f"trend.{p}": 2 for p in PHENOMENA},
        },
        "top3": {f"top3.{rank}": TOP3_CODE[p] for rank, p in enumerate(top3, start=1)},
    }
    for phenomenon, code in chosen.items():
        if code in (PRIORITY, ATTENTION):
            answers[f"fenomeen_{phenomenon}"] = evidence(phenomenon)
    answers["verwachtingen"] = {"verwachtingen": [1, 3]}
    answers["vorig_plan"] = {
        "vorig_plan.drugs": 2,
        "vorig_plan.woninginbraak": 1,
        "vorig_plan.verkeer": 2,
        "vorig_plan.ifg": 9,
    }
    answers["toelichting"] = {
        "aandachtspunt_1": "Fietsdiefstal aan scholen",
        "aandachtspunt_1_fenomeen": TOP3_CODE["inbraak"],
        "aandachtspunt_1_belang": 4,
        "toelichting": "Wij zien vooral drugsoverlast aan het station.",
        "vermelding": vermelding,
    }
    return answers


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


IMPORTANCE_PAGE = "belang"


def importance_partner_survey(app: Flask, tmp_path: Path) -> str:
    """Import and open a copy of the partner survey with, after its page
    aanpak, the 1-5 importance matrix (``measure: importance``, "Geen zicht
    op" = 9 missing) that the default partner survey asked before issue 22:
    a zone may still ask it, and the report's importance rules hold for it."""
    raw = yaml.safe_load(PARTNER_FILE.read_text(encoding="utf-8"))
    raw["key"] = "partners-belang"
    raw["scales"]["belang_zicht"] = [
        *raw["scales"]["belang5"],
        {"code": 9, "label": {"nl": "Geen zicht op"}, "missing": True},
    ]
    page = {
        "key": IMPORTANCE_PAGE,
        "title": {"nl": "Belang van de fenomenen"},
        "questions": [
            {
                "key": "belang",
                "type": "matrix",
                "scale": "belang_zicht",
                "measure": "importance",
                "text": {"nl": "Hoe belangrijk is dit fenomeen voor de veiligheid in de zone?"},
                "rows": [
                    {"key": p["key"], "label": p["label"], "phenomenon": p["key"]}
                    for p in raw["phenomena"]
                ],
            }
        ],
    }
    at = next(i for i, p in enumerate(raw["pages"]) if p["key"] == "aanpak") + 1
    raw["pages"].insert(at, page)
    path = tmp_path / "partners-belang.yaml"
    # Through JSON first: shared labels would be dumped as YAML aliases.
    path.write_text(
        yaml.safe_dump(json.loads(json.dumps(raw)), allow_unicode=True), encoding="utf-8"
    )
    return import_file(app, path)


def with_importance(
    answers: dict[str, dict[str, Any]], score: int, **scores: int
) -> dict[str, dict[str, Any]]:
    """``answers`` with the importance page of :func:`importance_partner_survey`
    after the page aanpak: ``score`` everywhere, ``scores`` per phenomenon."""
    values = {f"belang.{p}": scores.get(p, score) for p in PHENOMENA}
    result: dict[str, dict[str, Any]] = {}
    for page, page_answers in answers.items():
        result[page] = page_answers
        if page == "aanpak":
            result[IMPORTANCE_PAGE] = values
    return result


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
