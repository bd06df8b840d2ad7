"""The input report page in Chromium: axe-core finds no violation on the
overview, the report (report CSS served by the app, every chart loaded as
its own image, drawn by its own request; the charts also load without
JavaScript) and the page with an invalid option, the PDF's page while the
PDF is made and when it is ready; the options form, the download links and
the PDF button work with a real browser."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from flask import Flask
from playwright.sync_api import Browser, Page, expect

pytestmark = pytest.mark.browser

AXE = Axe()
KEY = "burgers-2026"


def check_page(page: Page, name: str) -> None:
    page.wait_for_load_state("load")
    results = AXE.run(page)
    assert results.violations_count == 0, f"{name}: {results.generate_report()}"


def load_every_chart(page: Page) -> None:
    """Scroll to every chart (most are ``loading="lazy"``) until each image
    is drawn by its own request and shown; the CSP refuses none of them."""
    refused: list[str] = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    images = page.locator("figure.chart img")
    assert images.count() > 10
    for index in range(images.count()):
        image = images.nth(index)
        assert (image.get_attribute("src") or "").startswith(f"/planner/rapporten/{KEY}/grafiek/")
        image.scroll_into_view_if_needed()
    page.wait_for_function(
        "() => [...document.querySelectorAll('figure.chart img')]"
        ".every(i => i.complete && i.naturalWidth > 0)",
        timeout=180_000,
    )
    assert refused == []


def log_in(app: Flask, live_server: str, page: Page) -> None:
    from planner_helpers import PASSWORD, make_user

    email = make_user(app, "lezer@zone.be", "viewer")
    page.goto(f"{live_server}/planner/aanmelden")
    page.locator("#email").fill(email)
    page.locator("#password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page.locator("h1")).to_be_visible()


def test_report_page_shows_its_charts_without_javascript(
    app: Flask, live_server: str, browser: Browser
) -> None:
    from survey.demo.loader import load_demo
    from survey.extensions import db

    with app.app_context():
        load_demo(db.session, residents=200)
        db.session.commit()
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        log_in(app, live_server, page)
        page.goto(f"{live_server}/planner/rapporten/{KEY}")
        expect(page.locator("article.input-report")).to_be_visible()
        load_every_chart(page)
    finally:
        context.close()


def test_report_pages_have_no_violations(app: Flask, live_server: str, page: Page) -> None:

    from survey.demo.loader import load_demo
    from survey.extensions import db

    with app.app_context():
        load_demo(db.session, residents=200)
        db.session.commit()
    page.set_viewport_size({"width": 1024, "height": 800})
    log_in(app, live_server, page)

    page.get_by_role("link", name="rapporten", exact=False).or_(
        page.get_by_role("link", name="reports", exact=False)
    ).first.click()
    expect(page.locator(f'a[href="/planner/rapporten/{KEY}"]')).to_be_visible()
    check_page(page, "overview")

    page.locator(f'a[href="/planner/rapporten/{KEY}"]').click()
    expect(page.locator("article.input-report")).to_be_visible()
    # The report stylesheet is applied (it is linked, not inline).
    colour = page.locator("article.input-report h2").first.evaluate(
        "e => getComputedStyle(e).color"
    )
    assert colour == "rgb(29, 79, 145)"
    load_every_chart(page)
    check_page(page, "report")

    # Change the options with the form, as a planner would.
    page.locator("#opt-threshold").fill("15")
    page.locator("#opt-crosstabs-off").check()
    page.locator(".report-options-form button[type=submit]").click()
    expect(page.locator("article.input-report")).to_be_visible()
    assert "threshold=15" in page.url and "crosstabs=off" in page.url
    json_link = page.locator("a[href*='inputrapport.json']")
    assert "threshold=15" in (json_link.get_attribute("href") or "")
    with page.expect_download() as info:
        json_link.click()
    assert info.value.suggested_filename.startswith(f"inputrapport-{KEY}-")
    assert info.value.suggested_filename.endswith(".json")

    # The PDF: its button leads to its page, which follows the job (the
    # script updates the live region, then reloads) until the file is there.
    page.locator(".download-buttons form button[type=submit]").click()
    expect(page.locator("h1")).to_contain_text("PDF")
    assert "/pdf?" in page.url and "threshold=15" in page.url
    check_page(page, "PDF being made")
    download = page.locator("#pdf-download")
    expect(download).to_be_visible(timeout=180_000)
    expect(page.locator("#pdf-state")).to_have_attribute("role", "status")
    check_page(page, "PDF ready")
    with page.expect_download() as info:
        download.click()
    assert info.value.suggested_filename.startswith(f"inputrapport-{KEY}-")
    assert info.value.suggested_filename.endswith(".pdf")

    # The number field refuses 0 in the browser; the server says why too.
    page.goto(f"{live_server}/planner/rapporten/{KEY}?threshold=0&trim=x")
    expect(page.locator(".error-summary")).to_be_visible()
    check_page(page, "invalid threshold")
