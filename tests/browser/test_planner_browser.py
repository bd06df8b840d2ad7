"""The planners' pages in Chromium: axe-core finds no violation on any of
them (login, lists, survey, preview, paper entry with errors and the
differences of a double entry, fieldwork, letters, import errors, export,
margins, matrix weights, comments and their tags, users, purge, the open
campaign)."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from flask import Flask
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

AXE = Axe()
KEY = "burgers-2026"
CONSULTATION = "zvp-2026-2031"


def check_page(page: Page, name: str) -> None:
    page.wait_for_load_state("load")
    results = AXE.run(page)
    assert results.violations_count == 0, f"{name}: {results.generate_report()}"


def test_planner_pages_have_no_violations(
    app: Flask, resident_survey: str, live_server: str, page: Page
) -> None:
    from planner_helpers import PASSWORD, make_user

    email = make_user(app, "axe@zone.be", "admin")
    _store_a_comment(app)
    page.set_viewport_size({"width": 1024, "height": 800})
    page.goto(f"{live_server}/planner/aanmelden")
    check_page(page, "login")
    page.locator("#email").fill(email)
    page.locator("#password").fill("wrong password!")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".error-summary")).to_be_visible()
    check_page(page, "login-error")
    page.locator("#password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page.locator("h1")).to_be_visible()

    for path in (
        "/planner/",
        f"/planner/raadplegingen/{CONSULTATION}",
        f"/planner/bevragingen/{KEY}",
        f"/planner/bevragingen/{KEY}/voorbeeld",
        f"/planner/bevragingen/{KEY}/veldwerk",
        f"/planner/bevragingen/{KEY}/brieven",
        f"/planner/bevragingen/{KEY}/importeren",
        f"/planner/bevragingen/{KEY}/exporteren",
        f"/planner/raadplegingen/{CONSULTATION}/marges",
        f"/planner/raadplegingen/{CONSULTATION}/indicatoren",
        f"/planner/raadplegingen/{CONSULTATION}/matrix",
        f"/planner/bevragingen/{KEY}/opmerkingen",
        f"/planner/raadplegingen/{CONSULTATION}/opschonen",
        "/planner/raadplegingen/nieuw",
        "/planner/bevragingen/opladen",
        "/planner/gebruikers",
    ):
        page.goto(f"{live_server}{path}")
        check_page(page, path)

    # The paper form, sent with a typing error.
    page.goto(f"{live_server}/planner/bevragingen/{KEY}/papier")
    check_page(page, "paper")
    page.locator("input[name=leeftijd]").fill("veertig")
    page.locator("main form.paper-form > button[type=submit]").click()
    expect(page.locator(".error-summary")).to_be_visible()
    check_page(page, "paper-errors")

    # A numbered form, then its second entry with another answer: the page
    # that shows the differences to resolve.
    page.goto(f"{live_server}/planner/bevragingen/{KEY}/papier")
    page.locator("#f-form-number").fill("17")
    page.locator("input[name=onveilig][value='2']").check()
    page.locator("main form.paper-form > button[type=submit]").click()
    expect(page.locator(".notice-success, [role=status]").first).to_be_visible()
    page.locator("#f-form-number").fill("17")
    page.locator("#entry-second").check()
    page.locator("input[name=onveilig][value='3']").check()
    page.locator("main form.paper-form > button[type=submit]").click()
    expect(page.locator("fieldset.difference")).to_be_visible()
    check_page(page, "paper-differences")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".error-summary")).to_be_visible()
    check_page(page, "paper-differences-errors")


def test_open_campaign_page_has_no_violations(
    app: Flask, live_server: str, page: Page, tmp_path
) -> None:
    from planner_helpers import make_user, sign_in_browser
    from resident_flow import open_copy

    key = open_copy(app, tmp_path, "burgers-open")
    sign_in_browser(page, live_server, make_user(app, "campagne@zone.be", "viewer"))
    page.goto(f"{live_server}/planner/bevragingen/{key}/campagne")
    expect(page.locator("#open-qr")).to_be_visible()
    check_page(page, "campaign")
    # The copy button appears where the browser offers the clipboard.
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.reload()
    button = page.locator("button[data-copy=open-link]")
    expect(button).to_be_visible()
    button.click()
    expect(page.locator("#open-link-status")).not_to_be_empty()
    assert page.evaluate("navigator.clipboard.readText()").endswith(f"/s/{key}")
    check_page(page, "campaign-copied")
    page.goto(f"{live_server}/planner/bevragingen/{key}/affiche.pdf?formaat=A0")
    check_page(page, "campaign-error")


def _store_a_comment(app: Flask) -> None:
    """One response with a comment, so that the comments page has a form."""
    import random

    from planner_helpers import random_values

    from survey.definitions.definition import definition_of
    from survey.definitions.store import find_survey
    from survey.extensions import db
    from survey.responses.checking import check_values
    from survey.responses.storage import ResponseWriter

    with app.app_context():
        survey = find_survey(db.session, KEY)
        definition = definition_of(survey)
        values = random_values(definition, random.Random(4))
        values["opmerkingen"] = "Er wordt veel te snel gereden in onze straat."
        shown, kept, problems = check_values(definition, values)
        assert not problems
        ResponseWriter(db.session, survey).write(shown, kept, mode="web")
        db.session.commit()


def test_fieldwork_dashboard_with_a_sample_has_no_violations(
    app: Flask, resident_survey: str, live_server: str, page: Page
) -> None:
    """The dashboard with every section filled: drafts, drop-off, completion
    times, response rates per wave and stratum and the topline tables."""
    from planner_helpers import draw_and_print, make_user, sign_in_browser

    draw_and_print(app, KEY, people=120, size=30, responses=60)
    sign_in_browser(page, live_server, make_user(app, "veldwerk@zone.be", "viewer"))
    page.goto(f"{live_server}/planner/bevragingen/{KEY}/veldwerk")
    expect(page.locator("#stratum-rates")).to_be_visible()
    expect(page.locator("table.topline").first).to_be_visible()
    check_page(page, "fieldwork-dashboard")


def test_weighting_choices_on_the_margins_page_have_no_violations(
    app: Flask, resident_survey: str, live_server: str, page: Page
) -> None:
    """The margins page with stored margins: the groups listed by label, a
    refused choice (a group weighted with itself) with its error summary,
    then a saved one."""
    from planner_helpers import make_user, sign_in_browser

    from survey.extensions import db
    from survey.models import Consultation, PopulationMargin

    with app.app_context():
        consultation = db.session.query(Consultation).filter_by(key=CONSULTATION).one()
        db.session.add_all(
            PopulationMargin(consultation_id=consultation.id, dimension=d, code=c, population=p)
            for d, c, p in (("sex", 1, 20150), ("sex", 2, 20750), ("district", 1, 9000))
        )
        db.session.commit()
    sign_in_browser(page, live_server, make_user(app, "weging@zone.be", "planner"))
    page.goto(f"{live_server}/planner/raadplegingen/{CONSULTATION}/marges")
    expect(page.locator("#weighting")).to_be_visible()
    check_page(page, "margins-with-choices")
    page.locator("#weighting-merges-0-group").select_option("sex:2")
    page.locator("#weighting-merges-0-into").select_option("sex:2")
    page.locator("form:has(#weighting-minimum) button[type=submit]").click()
    expect(page.locator(".error-summary")).to_be_visible()
    expect(page.locator("#weighting-merges-0-into-error")).to_contain_text("met zichzelf")
    check_page(page, "margins-choices-refused")
    page.locator("#weighting-merges-0-into").select_option("sex:1")
    page.locator("#weighting-minimum").fill("10")
    page.locator("form:has(#weighting-minimum) button[type=submit]").click()
    expect(page.locator("[role=status], .notice-success").first).to_be_visible()
    expect(page.locator("#weighting-minimum")).to_have_value("10")
    check_page(page, "margins-choices-saved")


def test_the_sectors_to_translate_have_no_violations(
    app: Flask, partner_survey: str, live_server: str, page: Page
) -> None:
    """The consultation's texts in French with a field per partner sector
    (its label the Dutch sector, marked as Dutch), before and after saving."""
    from planner_helpers import make_user, sign_in_browser

    from survey.extensions import db
    from survey.models import Survey
    from survey.partners.links import issue_link
    from survey.partners.organisations import OrganisationData, create_organisation

    with app.app_context():
        organisation = create_organisation(
            db.session, OrganisationData("Parket Gent", "parket", "parket@vb.be", "nl")
        )
        issue_link(
            db.session, organisation, db.session.query(Survey).filter_by(key=partner_survey).one()
        )
        db.session.commit()
    sign_in_browser(page, live_server, make_user(app, "sectoren@zone.be", "planner"))
    page.goto(f"{live_server}/planner/raadplegingen/{CONSULTATION}")
    field = page.get_by_label("parket")
    expect(field).to_have_attribute("lang", "fr")
    check_page(page, "sectors")
    field.fill("parquet")
    page.locator("form[action$='/vertalingen'] button[type=submit]").click()
    expect(page.locator(".notice-success").first).to_be_visible()
    expect(page.get_by_label("parket")).to_have_value("parquet")
    check_page(page, "sectors-saved")
