"""The sample and letters pages in Chromium, as a planner uses them: the
frame upload (with a refused file first), the letter settings (with a
refused logo first), the sample page before and after a draw, and the
letters printed in the background, whose progress the page follows by
itself until the PDF is there. axe-core finds no violation on any of
them."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from bench.framegen import frame_csv, frame_rows
from browser.test_planner_browser import check_page

pytestmark = pytest.mark.browser

KEY = "burgers-2026"
CONSULTATION = "zvp-2026-2031"


def test_sample_and_letter_pages_have_no_violations(
    app: Flask, resident_survey: str, live_server: str, page: Page, tmp_path: Path
) -> None:
    from planner_helpers import PASSWORD, make_user

    email = make_user(app, "sample@zone.be", "planner")
    page.set_viewport_size({"width": 1024, "height": 800})
    page.goto(f"{live_server}/planner/aanmelden")
    page.locator("#email").fill(email)
    page.locator("#password").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()

    page.goto(f"{live_server}/planner/bevragingen/{KEY}/steekproef")
    check_page(page, "sample without frame")

    rows = frame_rows(200)
    rows[3]["sex"] = "?"
    bad = tmp_path / "bad.csv"
    bad.write_bytes(frame_csv(rows))
    good = tmp_path / "register.csv"
    rows[3]["sex"] = "x"
    good.write_bytes(frame_csv(rows))
    page.goto(f"{live_server}/planner/raadplegingen/{CONSULTATION}/steekproefkader")
    check_page(page, "frame")
    page.locator("input[type=file]").set_input_files(str(bad))
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    expect(page.locator(".error-summary")).to_be_visible()
    check_page(page, "frame errors")
    page.locator("input[type=file]").set_input_files(str(good))
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    check_page(page, "frame stored")

    page.goto(f"{live_server}/planner/raadplegingen/{CONSULTATION}/brieven")
    check_page(page, "letter settings")
    not_an_image = tmp_path / "logo.png"
    not_an_image.write_bytes(b"not an image")
    page.locator("#sender").fill("Politiezone Voorbeeld")
    page.locator("#logo").set_input_files(str(not_an_image))
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    expect(page.locator(".error-summary")).to_be_visible()
    check_page(page, "letter settings error")

    page.goto(f"{live_server}/planner/bevragingen/{KEY}/steekproef")
    check_page(page, "sample form")
    page.locator("#size").fill("")
    with page.expect_navigation():
        page.locator("main form.stacked button[type=submit]").click()
    expect(page.locator(".error-summary")).to_be_visible()
    check_page(page, "sample form errors")
    page.locator("#size").fill("40")
    with page.expect_navigation():
        page.locator("main form.stacked button[type=submit]").click()
    check_page(page, "sample drawn")

    with page.expect_navigation():
        page.locator("main form.inline-form button[type=submit]").first.click()
    # The page follows the progress and reloads itself when the file is there.
    expect(page.locator("a", has_text="PDF")).to_be_visible(timeout=60_000)
    page.wait_for_load_state("load")
    check_page(page, "letters printed")
