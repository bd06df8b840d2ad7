"""Residents answer the demo survey in real Chromium on a 360 px wide
viewport: with an open link (mouse/touch), with a letter code (keyboard
only), and axe-core finds no violation on any page type."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from flask import Flask
from german_survey import import_german_survey
from playwright.sync_api import Page, expect
from resident_flow import NUMBER_ANSWERS, count_responses, make_codes, open_copy, tr

pytestmark = pytest.mark.browser

AXE = Axe()
SHOTS = os.environ.get("RESIDENT_SCREENSHOTS")


def check_page(page: Page, name: str) -> None:
    """No axe violation, nothing wider than the viewport, a screenshot on
    request (RESIDENT_SCREENSHOTS=folder)."""
    page.wait_for_load_state("load")
    results = AXE.run(page)
    assert results.violations_count == 0, f"{name}: {results.generate_report()}"
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{name}: {overflow}px wider than the screen"
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def answer_visible(page: Page) -> None:
    """Answer every visible question of the page with the pointer."""
    names: set[str] = set()
    for box in page.locator("input[type=radio]:visible, input[type=checkbox]:visible").all():
        name = box.get_attribute("name") or ""
        if name in names:
            continue
        names.add(name)
        box.check()
    for select in page.locator("select:visible").all():
        rank = int((select.get_attribute("name") or "x.1").rsplit(".", 1)[1])
        select.select_option(index=rank)
    for field in page.locator("input[type=text]:visible").all():
        numeric = field.get_attribute("inputmode") == "numeric"
        name = field.get_attribute("name") or ""
        field.fill(NUMBER_ANSWERS.get(name, "42") if numeric else "Antwoord")
    for area in page.locator("textarea:visible").all():
        area.fill("Meer verlichting in het park, graag.")


def test_open_link_journey_and_axe(
    app: Flask, live_server: str, page: Page, tmp_path: Path
) -> None:
    key = open_copy(app, tmp_path)
    # Typed the bare address: the front door lists the open survey.
    page.goto(f"{live_server}/")
    check_page(page, "00-front-door")
    page.locator(f'a[href="/s/{key}"]').click()
    expect(page).to_have_url(f"{live_server}/s/{key}")
    check_page(page, "01-start")
    page.get_by_role("button", name=tr(app, "Start now")).click()

    # The error state: nothing answered on the first page.
    expect(page.locator("h1")).to_have_text("Uw buurt")
    check_page(page, "02-page")
    with page.expect_navigation():
        page.get_by_role("button", name=tr(app, "Continue"), exact=True).click()
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    check_page(page, "03-errors")
    summary.get_by_role("link").first.click()
    # The neighbourhood score is optional: the first problem is the first row.
    expect(page.locator("#f-problemen-snelheid")).to_be_focused()

    seen = set()
    for _ in range(12):
        if page.url.endswith("/controle"):
            break
        heading = page.locator("h1").inner_text()
        if "/stap/politie" in page.url:
            # The same-page condition shows the follow-up question at once.
            follow_up = page.locator("#q-oordeel_contact")
            expect(follow_up).to_be_hidden()
            page.locator("input[name=contact]").first.check()
            expect(follow_up).to_be_visible()
            page.locator("input[name=contact]").nth(1).check()
            expect(follow_up).to_be_hidden()
            page.locator("input[name=contact]").first.check()
        if heading not in seen:
            check_page(page, f"04-page-{len(seen) + 1}")
            seen.add(heading)
        answer_visible(page)
        # Wait for the next document: reading the address or running axe while
        # the form is still being sent sees the old page or no page at all.
        with page.expect_navigation():
            page.get_by_role("button", name=tr(app, "Continue"), exact=True).click()
    assert page.url.endswith("/controle")
    check_page(page, "05-check")
    page.get_by_role("button", name=tr(app, "Send answers")).click()
    expect(page.locator("h1")).to_have_text(tr(app, "Your answers have been sent"))
    check_page(page, "06-thanks")
    assert count_responses(app, key) == 1


def _tab_to(page: Page, predicate: str, limit: int = 60) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(el => {predicate})(document.activeElement)"):
            return
    raise AssertionError(f"no focus on {predicate}")


def _keyboard_page(page: Page, button: str) -> None:
    """Answer one page with Tab, Space, arrows and typing; end on Continue."""
    done: set[str] = set()
    for _ in range(400):
        page.keyboard.press("Tab")
        info: dict[str, Any] = page.evaluate(
            """() => { const el = document.activeElement;
                 return {tag: el.tagName, type: el.type || '', name: el.name || '',
                         text: (el.textContent || '').trim(), inputmode: el.inputMode || '',
                         outline: getComputedStyle(el).outlineStyle}; }"""
        )
        name = info["name"]
        if info["tag"] == "BUTTON" and info["text"] == button:
            with page.expect_navigation():
                page.keyboard.press("Enter")
            return
        if info["tag"] in ("INPUT", "SELECT", "TEXTAREA"):
            assert info["outline"] != "none", f"no visible focus on {name}"
        if not name or name in done or name == "csrf_token":
            continue
        done.add(name)
        if info["type"] in ("radio", "checkbox"):
            page.keyboard.press("Space")
        elif info["tag"] == "SELECT":
            rank = int(name.rsplit(".", 1)[1])
            for _step in range(rank):
                page.keyboard.press("ArrowDown")
        elif info["tag"] == "TEXTAREA":
            page.keyboard.type("Meer blauw op straat.")
        elif info["type"] == "text":
            numeric = info["inputmode"] == "numeric"
            page.keyboard.type(NUMBER_ANSWERS.get(name, "67") if numeric else "Antwoord")
    raise AssertionError("never reached the Continue button")


def test_letter_code_journey_keyboard_only(
    app: Flask, live_server: str, page: Page, resident_survey: str
) -> None:
    code = make_codes(app, resident_survey, count=1)[0]
    page.goto(f"{live_server}/s/{resident_survey}")
    check_page(page, "10-start-invitation")
    _tab_to(page, f"el.textContent.trim() === {tr(app, 'Start now')!r}")
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text(tr(app, "Enter the code from your letter"))
    check_page(page, "11-code")
    _tab_to(page, "el.id === 'f-code'")
    page.keyboard.type("WRONG-CODE-1234")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator("[data-error-summary]")).to_be_focused()
    check_page(page, "12-code-error")
    _tab_to(page, "el.id === 'f-code'")
    page.keyboard.press("Control+A")
    page.keyboard.type(code.lower())
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Uw buurt")

    for _ in range(12):
        if page.url.endswith("/controle"):
            break
        before = page.url
        _keyboard_page(page, tr(app, "Continue"))
        if page.url == before:  # shown again (new questions): answer those too
            assert page.locator("[data-error-summary]").count() == 0, page.content()
    assert page.url.endswith("/controle")
    expect(page.get_by_text("Hoogveld")).to_be_visible()  # wijk, first option
    _tab_to(page, f"el.textContent.trim() === {tr(app, 'Send answers')!r}", limit=200)
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text(tr(app, "Your answers have been sent"))
    assert count_responses(app, resident_survey) == 1


def test_resume_page_and_closed_page_axe(
    app: Flask, live_server: str, page: Page, tmp_path: Path
) -> None:
    key = open_copy(app, tmp_path)
    page.goto(f"{live_server}/s/{key}")
    page.get_by_role("button", name=tr(app, "Start now")).click()
    page.locator("summary", has_text=tr(app, "Continue later")).click()
    code = page.locator(".resume-code").inner_text()
    link = page.locator(".resume-link a").get_attribute("href") or ""
    assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}", code)
    # The link is made from SURVEY_PUBLIC_BASE_URL, not from this server's address.
    base = app.config["PUBLIC_BASE_URL"]
    assert link.startswith(f"{base}/s/{key}/hervat/"), link
    check_page(page, "20-continue-later-open")
    page.context.clear_cookies()
    page.goto(f"{live_server}/s/{key}/hervat")
    check_page(page, "21-resume-code")
    page.get_by_label(tr(app, "Continue with your code")).fill(code)
    page.get_by_role("button", name=tr(app, "Continue"), exact=True).click()
    expect(page.locator("h1")).to_have_text("Uw buurt")
    page.context.clear_cookies()
    page.goto(live_server + link.removeprefix(base))
    expect(page.locator("h1")).to_have_text("Uw buurt")
    page.goto(f"{live_server}/s/{key}?lang=fr")
    check_page(page, "22-start-french")
    from survey.definitions.lifecycle import close_survey
    from survey.extensions import db

    with app.app_context():
        close_survey(db.session, key)
        db.session.commit()
    page.goto(f"{live_server}/s/{key}?lang=nl")
    expect(page.locator("h1")).to_have_text(tr(app, "This survey is closed"))
    check_page(page, "23-closed")


def test_a_resident_ranks_from_a_shuffled_list_with_javascript(
    app: Flask, live_server: str, page: Page, tmp_path: Path
) -> None:
    """The ranking's options come in the resident's own order (JavaScript
    on); the resident picks by label, and the stored code is that label's."""
    from sqlalchemy import select

    from survey.extensions import db
    from survey.models import Answer, Variable

    key = open_copy(app, tmp_path, "burgers-js-volgorde")
    page.goto(f"{live_server}/s/{key}")
    page.get_by_role("button", name=tr(app, "Start now")).click()
    for _ in range(12):
        if "/stap/prioriteiten" in page.url:
            break
        answer_visible(page)
        with page.expect_navigation():
            page.get_by_role("button", name=tr(app, "Continue"), exact=True).click()
    assert "/stap/prioriteiten" in page.url
    first = page.locator("select[name='top3.1']")
    labels = [t.strip() for t in first.locator("option").all_inner_texts()][1:]
    assert "Inbraken in woningen" in labels and len(labels) == 12
    # The same order on a reload.
    page.reload()
    assert [t.strip() for t in first.locator("option").all_inner_texts()][1:] == labels
    first.select_option(label="Inbraken in woningen")
    page.locator("select[name='top3.2']").select_option(
        label=labels[0] if labels[0] != "Inbraken in woningen" else labels[1]
    )
    with page.expect_navigation():
        page.get_by_role("button", name=tr(app, "Continue"), exact=True).click()
    for _ in range(3):
        if page.url.endswith("/controle"):
            break
        answer_visible(page)
        with page.expect_navigation():
            page.get_by_role("button", name=tr(app, "Continue"), exact=True).click()
    assert page.url.endswith("/controle")
    expect(page.locator("main")).to_contain_text("Inbraken in woningen")
    page.get_by_role("button", name=tr(app, "Send answers")).click()
    expect(page.locator("h1")).to_have_text(tr(app, "Your answers have been sent"))
    with app.app_context():
        stored = db.session.scalar(
            select(Answer.code)
            .join(Variable, Variable.id == Answer.variable_id)
            .where(Variable.name == "top3.1")
        )
    assert stored == 12  # the code of "Inbraken in woningen" in the survey file


def test_german_start_and_code_pages_pass_axe_and_switch_language(
    app: Flask, live_server: str, browser: Any, tmp_path: Path
) -> None:
    key = import_german_survey(app, tmp_path)
    context = browser.new_context(
        locale="de-BE", viewport={"width": 360, "height": 740}, is_mobile=False
    )
    try:
        page = context.new_page()
        # Chromium asks for German: the start page is German, the missing
        # German intro is shown in French and marked as French.
        page.goto(f"{live_server}/s/{key}")
        expect(page.locator("html")).to_have_attribute("lang", "de")
        expect(page.locator("h1")).to_have_text("Sicherheit in Ihrem Viertel")
        expect(page.locator("main p[lang=fr]").first).to_have_text(
            "Nous voulons savoir si vous vous sentez en sécurité."
        )
        check_page(page, "30-start-german")
        page.get_by_role("button", name="Jetzt beginnen").click()
        page.get_by_label("Geben Sie den Code aus Ihrem Brief ein").fill("ABCD-EFGH-JKLM")
        with page.expect_navigation():
            page.get_by_role("button", name="Weiter", exact=True).click()
        expect(page.locator("[data-error-summary]")).to_contain_text("Wir kennen diesen Code nicht")
        check_page(page, "31-code-german-error")
        # The language links work with the keyboard alone and keep the code.
        page.get_by_role("navigation", name="Sprache").get_by_role("link", name="Français").focus()
        with page.expect_navigation():
            page.keyboard.press("Enter")
        expect(page.locator("html")).to_have_attribute("lang", "fr")
        expect(page.locator("#f-code")).to_have_value("ABCD-EFGH-JKLM")
        check_page(page, "32-code-french")
    finally:
        context.close()
