"""The workspace shell holds on every page under /planner: the rules are
enumerated from the URL map, so a new page is walked as soon as it exists.

For every rule and method: an idle session, and a session issued under an
older session version, are ended and sent to the login page; anonymous
visitors are sent to the login page (and back to the page after); each
role (viewer, planner, admin) is let in or refused as the table below says.
A page missing from the table fails the test until someone decides who may
open it."""

from __future__ import annotations

import re
import time
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask
from formtools import Page
from partner_flow import add_partner
from planner_helpers import logged_in, make_user, pdf_form, pdf_link, wait_until_finished

CONSULTATION = "zvp-2026-2031"
LOGIN = "/planner/aanmelden"
ROLES = ("viewer", "planner", "admin")

# Who may open each page: public (anyone), view (every role), manage
# (planners and admins), admin (admins only).
EXPECTED_ACCESS = {
    "auth.login": "public",
    "auth.logout": "view",
    "consultations.index": "view",
    "consultations.new": "manage",
    "consultations.detail": "view",
    "consultations.retention": "manage",
    "consultations.margins": "manage",
    "consultations.margins_source": "manage",
    "consultations.translations": "manage",
    "consultations.weighting_choices": "manage",
    "consultations.indicators": "manage",
    "consultations.matrix": "manage",
    "surveys.upload": "manage",
    "surveys.detail": "view",
    "surveys.survey_file": "view",
    "surveys.state": "manage",
    "surveys.preview": "view",
    "surveys.comments": "manage",
    "fieldwork.letters": "manage",
    "fieldwork.dashboard": "view",
    "fieldwork.dashboard_figures": "view",
    "data_entry.paper": "manage",
    "data_entry.import_responses": "manage",
    "exports.responses": "manage",
    "exports.responses_file": "manage",
    "reports.index": "view",
    "reports.stylesheet": "view",
    "reports.report": "view",
    "reports.download": "view",
    "reports.chart": "view",
    "reports.start_pdf": "view",
    "reports.pdf_page": "view",
    "reports.pdf_progress": "view",
    "reports.pdf_file": "view",
    "partners.index": "view",
    "partners.add": "manage",
    "partners.import_organisations": "manage",
    "partners.edit": "manage",
    "partners.survey_status": "view",
    "partners.remind_csv": "view",
    "partners.issue": "manage",
    "partners.revoke": "manage",
    "partners.reopen": "manage",
    "sampling.frame": "manage",
    "sampling.letter_settings": "manage",
    "sampling.sample": "manage",
    "sampling.start_letters": "manage",
    "sampling.run_progress": "manage",
    "sampling.run_pdf": "manage",
    "sampling.run_csv": "manage",
    "sampling.delete_letters": "manage",
    "partners.send_mail": "manage",
    "campaign.page": "view",
    "campaign.qr_svg": "view",
    "campaign.qr_png": "view",
    "campaign.poster": "view",
    "drafts.new": "manage",
    "drafts.copy": "manage",
    "drafts.open_survey": "manage",
    "drafts.trial": "manage",
    "drafts.trial_page": "manage",
    "drafts.trial_check": "manage",
    "drafts.xlsform_file": "view",
    "drafts.xlsform_import": "manage",
    "editor.overview": "manage",
    "editor.settings": "manage",
    "editor.add_page": "manage",
    "editor.page": "manage",
    "editor.move_page": "manage",
    "editor.delete_page": "manage",
    "editor.add_question": "manage",
    "editor.question": "manage",
    "editor.move_question": "manage",
    "editor.delete_question": "manage",
    "editor.condition": "manage",
    "editor.translations": "manage",
    "editor_lists.scales": "manage",
    "editor_lists.add_scale": "manage",
    "editor_lists.scale": "manage",
    "editor_lists.delete_scale": "manage",
    "editor_lists.phenomena": "manage",
    "editor_lists.add_phenomenon": "manage",
    "editor_lists.phenomenon": "manage",
    "editor_lists.delete_phenomenon": "manage",
    "admin.users": "admin",
    "admin.user": "admin",
    "admin.purge": "admin",
}
ALLOWED = {
    "public": {"anonymous", *ROLES},
    "view": set(ROLES),
    "manage": {"planner", "admin"},
    "admin": {"admin"},
}


def workspace_rules(app: Flask) -> list[Any]:
    rules = [r for r in app.url_map.iter_rules() if r.rule.startswith("/planner")]
    return sorted(rules, key=lambda r: r.rule)


def methods(rule: Any) -> list[str]:
    return sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})


@pytest.fixture
def world(app: Flask, resident_survey: str, partner_survey: str, tmp_path: Any) -> dict[str, Any]:
    """A user per role (logged in once, through the form), a bystander
    user, an organisation, a survey with an open link: real values for
    every path parameter."""
    from resident_flow import open_copy
    from sqlalchemy import select

    from survey.extensions import db
    from survey.models import PartnerOrganisation, PlannerUser

    clients = {role: logged_in(app, app.test_client(), role) for role in ROLES}
    add_partner(clients["admin"], "Alfa", "Onderwijs", "alfa@voorbeeld.be")
    make_user(app, "bystander@zone.be", "viewer")
    with app.app_context():
        organisation = db.session.scalars(select(PartnerOrganisation.id)).one()
        users = dict(db.session.execute(select(PlannerUser.email, PlannerUser.id)).all())
    run_id = _printed_letters(app, resident_survey)
    job_id = _made_report_pdf(app, clients["viewer"], resident_survey)
    with app.app_context():
        from survey.definitions.store import find_survey

        resident_definition = find_survey(db.session, resident_survey).definition
        first_page = resident_definition["pages"][0]
    return {
        "clients": clients,
        "users": users,
        "values": {
            "organisation_id": organisation,
            "user_id": users["bystander@zone.be"],
            "run_id": run_id,
            "job_id": job_id,
            "chart": _report_chart(clients["viewer"], resident_survey),
            "kind": "uitnodigen",
            # A page and a question of the resident survey (its editor
            # pages say it is open and frozen; its test walk works).
            "page_key": first_page["key"],
            "question_key": first_page["questions"][0]["key"],
            # A scale and a phenomenon of the resident survey.
            "name": next(iter(resident_definition["scales"])),
            "phenomenon_key": resident_definition["phenomena"][0]["key"],
        },
        "open": open_copy(app, tmp_path),
        "resident": resident_survey,
        "partner": partner_survey,
    }


def _printed_letters(app: Flask, key: str) -> int:
    """A sample of the resident survey with its invitation letters printed:
    the id of that letter run."""
    from bench.framegen import frame_csv, frame_rows
    from survey.definitions.store import find_survey
    from survey.extensions import db
    from survey.planner import mailing
    from survey.planner.frame import import_frame
    from survey.planner.sample import draw_sample

    with app.app_context():
        survey = find_survey(db.session, key)
        frame = import_frame(db.session, survey.consultation, frame_csv(frame_rows(10))).frame
        sample = draw_sample(
            db.session, survey, frame, dimensions=[], method="proportional", size=5
        )
        run = mailing.start_run(db.session, sample, reminder=False)
        db.session.commit()
        mailing.execute_run(db.session, run.id)
        return int(run.id)


def _made_report_pdf(app: Flask, client: Any, key: str) -> str:
    """The resident survey's report PDF made as a viewer asks for it (its
    progress and file pages then answer): the job's id. Another threshold
    than the default, so the test's own empty POST starts another job and
    this one's file stays ready."""
    report = Page(client.get(f"/planner/rapporten/{key}?threshold=11"))
    asked = pdf_form(report).submit(client)
    ready = wait_until_finished(app, client, Page(client.get(asked.location)))
    return pdf_link(ready).rsplit("/", 1)[1].split(".pdf")[0]


def _report_chart(client: Any, key: str) -> str:
    """The key of the first chart the resident survey's report page names."""
    page = client.get(f"/planner/rapporten/{key}").get_data(as_text=True)
    found = re.search(rf'src="/planner/rapporten/{key}/grafiek/([0-9a-f]+)\.svg[?"]', page)
    assert found, page[:2000]
    return found.group(1)


def sample_path(rule: Any, world: dict[str, Any]) -> str:
    """The rule's path with a real value in every slot."""
    path = rule.rule
    for name in rule.arguments:
        if name == "key":
            if path.startswith("/planner/raadplegingen/"):
                value = CONSULTATION
            elif path.startswith("/planner/partners/"):
                value = world["partner"]
            elif "/campagne" in path or "/affiche" in path:
                value = world["open"]
            else:
                value = world["resident"]
        elif name == "fmt":
            value = "json" if path.startswith("/planner/rapporten/") else "csv"
        else:
            value = world["values"][name]
        path = path.replace(f"<{name}>", str(value)).replace(f"<int:{name}>", str(value))
    return path


def session_of(app: Flask, client: Any, email: str, *, idle: bool = False, stale: bool = False):
    """Give ``client`` the session a login of ``email`` would have given it
    now (without the seconds of password hashing per request): optionally
    idle for longer than the limit, or issued under an older version."""
    from survey.extensions import db
    from survey.workspace import accounts, sessions

    with app.app_context():
        user = accounts.find_user(db.session, email)
        assert user is not None
        version = user.session_version
        user_id = user.id
    limit = 60 * app.config["PLANNER_IDLE_MINUTES"]
    with client.session_transaction() as session:
        session.clear()
        session["_user_id"] = str(user_id)
        session["_fresh"] = True
        session[sessions.VERSION] = version - 1 if stale else version
        session[sessions.SEEN] = int(time.time()) - (limit + 60 if idle else 0)


def is_login_redirect(response: Any) -> bool:
    return response.status_code == 302 and urlsplit(response.location).path == LOGIN


def logged_out(client: Any) -> bool:
    with client.session_transaction() as session:
        return "_user_id" not in session


def test_every_workspace_page_says_who_may_open_it(app: Flask) -> None:
    endpoints = {rule.endpoint for rule in workspace_rules(app)}
    assert endpoints == set(EXPECTED_ACCESS), (
        f"pages without an expected access here: {sorted(endpoints - set(EXPECTED_ACCESS))}; "
        f"gone: {sorted(set(EXPECTED_ACCESS) - endpoints)}"
    )
    # Every rule under /planner is one of the shell's: the shell knows it.
    for rule in workspace_rules(app):
        blueprint = app.blueprints[rule.endpoint.partition(".")[0]]
        assert rule.endpoint.partition(".")[2] in blueprint.access, rule.endpoint


def test_a_workspace_page_that_does_not_say_who_may_open_it_is_refused() -> None:
    from survey.workspace.shell import Access, workspace_blueprint

    bp = workspace_blueprint("sketch", __name__, "/schets")
    with pytest.raises(TypeError, match="access="):
        bp.get("/")(lambda: "open to all?")
    bp.get("/", access=Access.ADMIN)(lambda: "admins only")
    assert bp.url_prefix == "/planner/schets"


@pytest.mark.parametrize("why", ["idle", "stale"])
def test_an_ended_session_is_ended_on_every_workspace_page(
    app: Flask, world: dict[str, Any], monkeypatch: pytest.MonkeyPatch, why: str
) -> None:
    """31 minutes without a request (idle), or a session issued before the
    user's session version moved on (stale, e.g. a cookie copied before a
    logout): whatever page comes next, the session ends and the planner is
    sent to the login page. An admin, who may open every page, so the
    session is the only reason."""
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", False)
    client = world["clients"]["admin"]
    walked = 0
    for rule in workspace_rules(app):
        if EXPECTED_ACCESS[rule.endpoint] == "public":
            continue
        path = sample_path(rule, world)
        for method in methods(rule):
            session_of(app, client, "admin@zone.be", idle=why == "idle", stale=why == "stale")
            response = client.open(path, method=method)
            assert is_login_redirect(response), (method, path, response.status_code)
            assert logged_out(client), (method, path)
            walked += 1
    assert walked >= 35


def test_anonymous_visitors_are_sent_to_the_login_page_and_back(
    app: Flask, world: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", False)
    client = app.test_client()
    for rule in workspace_rules(app):
        path = sample_path(rule, world)
        for method in methods(rule):
            response = client.open(path, method=method)
            if EXPECTED_ACCESS[rule.endpoint] == "public":
                assert response.status_code in (200, 401), (method, path)
                continue
            assert is_login_redirect(response), (method, path, response.status_code)
            back = parse_qs(urlsplit(response.location).query).get("next")
            # Back to the page after logging in, when it can be asked for again.
            assert back == ([path] if method == "GET" else None), (method, path, back)


@pytest.mark.parametrize("role", ROLES)
def test_each_role_opens_exactly_its_pages(
    app: Flask, world: dict[str, Any], monkeypatch: pytest.MonkeyPatch, role: str
) -> None:
    """Allowed GETs answer 200 (the page itself, with real data); allowed
    POSTs (empty, without CSRF) reach the view: neither 403 nor the login
    page. Refused pages answer 403 and keep the session."""
    from survey.extensions import db
    from survey.workspace.accounts import find_user

    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", False)
    client = world["clients"][role]
    email = f"{role}@zone.be"

    def version() -> int:
        with app.app_context():
            return find_user(db.session, email).session_version

    for rule in workspace_rules(app):
        access = EXPECTED_ACCESS[rule.endpoint]
        allowed = role in ALLOWED[access]
        path = sample_path(rule, world)
        for method in methods(rule):
            session_of(app, client, email)
            before = version()
            response = client.open(path, method=method)
            where = (role, method, path, response.status_code)
            if not allowed:
                assert response.status_code == 403, where
                assert not logged_out(client), where
            elif rule.endpoint == "auth.logout":
                # Allowed, and it ends this session and every other one.
                assert is_login_redirect(response) and logged_out(client), where
                assert version() == before + 1, where
            elif method == "GET":
                assert response.status_code == 200, where
            elif access == "public":
                assert response.status_code == 401, where  # the login, without a password
            else:
                assert response.status_code < 500, where
                assert response.status_code not in (401, 403), where
                assert not is_login_redirect(response), where
            response.close()
