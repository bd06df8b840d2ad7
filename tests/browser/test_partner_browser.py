"""A partner in real Chromium: opens the personal link, saves a draft,
comes back on another device (a fresh browser context, no cookies),
finishes, sends and gets the receipt; axe-core finds no violation on any
partner page."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from flask import Flask
from partner_flow import NAMED_AS, conditional_partner_survey, issue_link
from playwright.sync_api import Browser, Page, expect

pytestmark = pytest.mark.browser

AXE = Axe()
SHOTS = os.environ.get("PARTNER_SCREENSHOTS")


def check_page(page: Page, name: str) -> None:
    page.wait_for_load_state("load")
    results = AXE.run(page)
    assert results.violations_count == 0, f"{name}: {results.generate_report()}"
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{name}: {overflow}px wider than the screen"
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"partner-{name}.png"), full_page=True)


def make_link(app: Flask, key: str) -> str:
    return issue_link(app, key)


def choose_in_every_row(page: Page, value: str) -> None:
    """Pick option ``value`` in every radio group on the page."""
    for group in page.locator("fieldset.matrix .matrix__row").all():
        group.locator(f"input[type=radio][value='{value}']").check()


def save_button(page: Page) -> Any:
    return page.locator("button[name=action][value=save]")


def next_button(page: Page) -> Any:
    return page.locator("button[name=action][value=next]")


def test_partner_saves_returns_on_another_device_and_sends(
    app: Flask,
    partner_survey: str,
    live_server: str,
    page: Page,
    browser: Browser,
    browser_context_args: dict[str, Any],
) -> None:
    link = live_server + make_link(app, partner_survey)

    page.goto(link)
    expect(page.locator("h1")).to_contain_text("Bevraging van de partners")
    check_page(page, "01-start")
    page.locator("a.button--start").click()

    # First page: two rows answered, then "save and continue later".
    expect(page.locator("h1")).to_have_text("Belang van de fenomenen")
    check_page(page, "02-page")
    page.locator("#f-belang-drugs-5").check()
    page.locator("#f-belang-verkeer-4").check()
    save_button(page).click()
    expect(page.locator("[data-saved]")).to_be_visible()
    check_page(page, "03-saved")

    # Another device: the answers are there.
    other = browser.new_context(**browser_context_args)
    try:
        device = other.new_page()
        device.goto(link)
        expect(device.locator("[data-state=draft]")).to_be_visible()
        check_page(device, "04-start-draft")
        device.locator("a.button--start").click()
        expect(device.locator("#f-belang-drugs-5")).to_be_checked()
        expect(device.locator("#f-belang-verkeer-4")).to_be_checked()
        choose_in_every_row(device, "4")
        device.locator("#f-belang-drugs-5").check()
        next_button(device).click()

        expect(device.locator("h1")).to_have_text("Evolutie van de fenomenen")
        choose_in_every_row(device, "2")
        next_button(device).click()

        expect(device.locator("h1")).to_have_text("Rol van uw organisatie")
        choose_in_every_row(device, "3")
        for row in device.locator("#q-samenwerking .matrix__row").all():
            row.locator("input[type=radio][value='1']").check()
        next_button(device).click()

        # The last page: the consent question is required.
        expect(device.locator("h1")).to_have_text("Toelichting en extra aandachtspunten")
        device.locator("#f-toelichting").fill("Drugsoverlast rond het station.")
        device.locator("#f-aandachtspunt-1").fill("Fietsdiefstal aan scholen")
        next_button(device).click()
        summary = device.locator("[data-error-summary]")
        expect(summary).to_be_visible()
        expect(summary).to_be_focused()
        check_page(device, "05-errors")
        summary.get_by_role("link").first.click()
        expect(device.locator("#f-vermelding")).to_be_focused()
        device.locator("#f-vermelding").check()
        next_button(device).click()

        expect(device).to_have_url(f"{link}/controle")
        check_page(device, "06-check")
        expect(device.locator("[data-question=aandachtspunt_1]")).to_contain_text(
            "Fietsdiefstal aan scholen"
        )
        device.locator("form[data-submit-once] button[type=submit]").click()

        expect(device).to_have_url(f"{link}/ontvangstbewijs")
        expect(device.locator("[data-state=submitted]")).to_be_visible()
        expect(device.locator("[data-question=belang]")).to_contain_text("Zeer belangrijk")
        check_page(device, "07-receipt")
        with device.expect_download() as download:
            device.locator("a[href$='/ontvangstbewijs.pdf']").click()
        assert Path(download.value.path()).read_bytes().startswith(b"%PDF")
    finally:
        other.close()

    # The first device now sees the locked answers too.
    page.goto(link)
    expect(page).to_have_url(f"{link}/ontvangstbewijs")

    from sqlalchemy import select

    from survey.extensions import db
    from survey.models import Response

    with app.app_context():
        responses = db.session.scalars(select(Response)).all()
        assert len(responses) == 1
        assert responses[0].partner_id is not None


def test_unknown_link_page_has_no_violations(live_server: str, page: Page, app: Flask) -> None:
    page.goto(f"{live_server}/p/onbekend")
    expect(page.locator("[data-reason=unknown]")).to_be_visible()
    check_page(page, "00-unknown")


def test_planner_partner_pages_have_no_violations(
    app: Flask, partner_survey: str, live_server: str, page: Page
) -> None:
    from planner_helpers import PASSWORD, make_user

    link = make_link(app, partner_survey)
    email = make_user(app, "partners@zone.be", "planner")
    page.set_viewport_size({"width": 1024, "height": 800})
    page.goto(f"{live_server}/planner/aanmelden")
    page.locator("#email").fill(email)
    page.locator("#password").fill(PASSWORD)
    page.locator("form button[type=submit]").click()

    page.goto(f"{live_server}/planner/partners/")
    expect(page.locator("#organisations")).to_contain_text("Stad Voorbeeld")
    check_page(page, "10-organisations")
    # The form with an error.
    page.locator("#add-form button[type=submit]").click()
    expect(page.locator("[data-error-summary]")).to_be_focused()
    check_page(page, "11-organisation-errors")
    page.locator("#org-name").fill("Parket Oost")
    page.locator("#org-sector").fill("Justitie")
    page.locator("#org-email").fill("parket@just.be")
    page.locator("#add-form button[type=submit]").click()
    expect(page.locator("#organisations")).to_contain_text("Parket Oost")

    page.goto(f"{live_server}{link}")  # opened by the partner
    page.goto(f"{live_server}/planner/partners/bevraging/{partner_survey}")
    expect(page.locator("tr[data-status=opened]")).to_have_count(1)
    check_page(page, "12-status")
    page.locator("#issue-all button[value=html]").click()
    field = page.locator("[data-link-url]")
    expect(field).to_have_count(1)
    assert "/p/" in (field.get_attribute("value") or "")
    check_page(page, "13-issued")


def test_partner_page_hides_conditional_question_without_reload(
    app: Flask, live_server: str, page: Page, tmp_path: Path
) -> None:
    """On a partner's part, a question that depends on an answer on the
    same page appears and disappears as the answer changes, without the
    page being loaded again; the answer is kept only when it is shown."""
    key = conditional_partner_survey(app, tmp_path)
    link = live_server + make_link(app, key)
    page.goto(f"{link}/deel/toelichting")
    follow_up = page.locator(f"#q-{NAMED_AS}")
    expect(follow_up).to_be_hidden()
    check_page(page, "20-conditional-hidden")
    # A mark on this document: gone if the browser loaded a page again.
    page.evaluate("window.sameDocument = true")
    page.locator("#f-vermelding").check()  # yes: the organisation may be named
    expect(follow_up).to_be_visible()
    check_page(page, "21-conditional-shown")
    page.locator("#f-vermelding-2").check()  # no
    expect(follow_up).to_be_hidden()
    page.locator("#f-vermelding").check()
    expect(follow_up).to_be_visible()
    assert page.evaluate("window.sameDocument === true")
    page.locator("#f-naam-in-rapport").fill("Stad Voorbeeld")
    next_button(page).click()
    expect(page).to_have_url(f"{link}/controle")
    expect(page.locator(f"[data-question={NAMED_AS}]")).to_contain_text("Stad Voorbeeld")

    # "No" after all: the hidden question's field is not even sent.
    page.goto(f"{link}/deel/toelichting")
    expect(follow_up).to_be_visible()
    page.locator("#f-vermelding-2").check()
    expect(page.locator("#f-naam-in-rapport")).to_be_disabled()
    next_button(page).click()
    expect(page).to_have_url(f"{link}/controle")
    expect(page.locator(f"[data-question={NAMED_AS}]")).to_have_count(0)
