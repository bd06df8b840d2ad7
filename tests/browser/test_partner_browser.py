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

    # The organisation's communes, then what the zone should do: two rows
    # answered, then "save and continue later".
    expect(page.locator("h1")).to_have_text("Uw organisatie")
    check_page(page, "02-page")
    page.locator("#f-gemeenten").check()
    next_button(page).click()
    expect(page.locator("h1")).to_have_text("Wat moet de zone doen?")
    check_page(page, "02b-decisions")
    page.locator("#f-aanpak-drugs").check()
    page.locator("#f-aanpak-verkeer-2").check()
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
        expect(device.locator("#f-gemeenten")).to_be_checked()
        next_button(device).click()
        expect(device.locator("#f-aanpak-drugs")).to_be_checked()
        expect(device.locator("#f-aanpak-verkeer-2")).to_be_checked()
        # No extra effort and "more" everywhere, then drugs a priority again.
        choose_in_every_row(device, "3")
        device.locator("#f-aanpak-drugs").check()
        next_button(device).click()

        # A forced top 3.
        expect(device.locator("h1")).to_have_text("Uw top 3")
        device.locator("#f-top3-1").select_option("3")
        device.locator("#f-top3-2").select_option("11")
        next_button(device).click()
        expect(device.locator("[data-error-summary]")).to_be_focused()
        check_page(device, "04b-top3-errors")
        device.locator("#f-top3-3").select_option("7")
        next_button(device).click()

        # Only drugs, the one priority, gets its own page.
        expect(device.locator("h1")).to_have_text("Drugs: productie, handel en gebruik")
        check_page(device, "04c-evidence")
        device.locator("#f-drugs-wat").fill("Dealen aan het station.")
        device.locator("#f-drugs-rol-3").check()
        next_button(device).click()

        expect(device.locator("h1")).to_have_text("Wat verwacht u van de politie?")
        next_button(device).click()
        expect(device.locator("h1")).to_have_text("Het vorige veiligheidsplan")
        next_button(device).click()

        # The last page: the consent question is required; the tag of an
        # extra attention point appears once it is written.
        expect(device.locator("h1")).to_have_text("Extra aandachtspunten en toelichting")
        device.locator("#f-toelichting").fill("Drugsoverlast rond het station.")
        device.locator("#f-aandachtspunt-1").fill("Fietsdiefstal aan scholen")
        expect(device.locator("#q-aandachtspunt_1_fenomeen")).to_be_visible()
        device.locator("#f-aandachtspunt-1-fenomeen-8").check()
        device.locator("#f-aandachtspunt-1-belang-4").check()
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
        expect(device.locator("[data-question=aanpak]")).to_contain_text(
            "Prioriteit: een eigen actieplan"
        )
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
    from planner_helpers import make_user, sign_in_browser

    link = make_link(app, partner_survey)
    sign_in_browser(page, live_server, make_user(app, "partners@zone.be", "planner"))

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


def test_partner_e_mail_and_link_confirmation_pages_have_no_violations(
    app: Flask, partner_survey: str, live_server: str, page: Page, monkeypatch: Any
) -> None:
    from mail_server import running
    from planner_helpers import make_user, sign_in_browser

    make_link(app, partner_survey)  # Stad Voorbeeld, invited
    sign_in_browser(page, live_server, make_user(app, "mail@zone.be", "planner"))
    status = f"{live_server}/planner/partners/bevraging/{partner_survey}"

    # "Withdraw link" asks first and says what happens to the link.
    page.goto(status)
    page.locator("button[name=revoke]").click()
    expect(page.locator("#what-happens")).to_be_visible()
    check_page(page, "20-confirm-revoke")

    with running(app, monkeypatch) as inbox:
        page.goto(status)
        expect(page.locator("#mail-remind")).to_be_visible()
        check_page(page, "21-status-with-mail")
        page.locator("#mail-remind").click()
        expect(page.locator("#mail-recipients")).to_be_visible()
        check_page(page, "22-confirm-reminder")
        page.locator("main form button[type=submit]").click()
        expect(page.locator("#mail-sent")).to_be_visible()
        check_page(page, "23-mail-sent")
        assert len(inbox.messages) == 1


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
