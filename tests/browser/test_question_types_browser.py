"""The page script shows a question that depends on an answer on the same
page as soon as that answer is given, for every kind of field the question
types render (check boxes, a matrix row, ranks, a number, the three fields
of a day), without knowing the types; and the day's fields pass axe-core
on a phone, with and without errors."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from flask import Flask
from playwright.sync_api import Page, expect
from resident_flow import tr
from support import import_file

from .test_resident_browser import check_page

pytestmark = pytest.mark.browser

KEY = "browser-types"


def _options(*codes: int) -> list[dict[str, object]]:
    return [{"code": c, "label": {"nl": f"Keuze {c}"}} for c in codes]


def _follow_up(key: str, condition: dict[str, object]) -> dict[str, object]:
    return {"key": key, "type": "text", "text": {"nl": f"Waarom ({key})?"}, "show_if": condition}


SURVEY = {
    "format": 1,
    "key": KEY,
    "consultation": KEY,
    "audience": "citizen",
    "access": "open",
    "languages": ["nl"],
    "title": {"nl": "Soorten vragen"},
    "pages": [
        {
            "key": "alles",
            "title": {"nl": "Alle soorten"},
            "questions": [
                {
                    "key": "keuze",
                    "type": "multiple",
                    "text": {"nl": "Welke?"},
                    "options": _options(1, 2, 3),
                },
                _follow_up("na_keuze", {"question": "keuze", "in": [2]}),
                {
                    "key": "raster",
                    "type": "matrix",
                    "text": {"nl": "Hoe vaak?"},
                    "options": _options(1, 2),
                    "rows": [
                        {"key": "a", "label": {"nl": "Rij A"}},
                        {"key": "b", "label": {"nl": "Rij B"}},
                    ],
                },
                _follow_up("na_raster", {"question": "raster.b", "equals": 2}),
                {
                    "key": "rang",
                    "type": "ranking",
                    "choose": 2,
                    "text": {"nl": "Eerst?"},
                    "options": _options(1, 2, 3),
                },
                _follow_up("na_rang", {"question": "rang", "equals": 3}),
                {"key": "getal", "type": "number", "decimals": 1, "text": {"nl": "Hoeveel?"}},
                _follow_up("na_getal", {"question": "getal", "equals": 4.5}),
                {"key": "dag", "type": "date", "required": True, "text": {"nl": "Wanneer?"}},
                _follow_up("na_dag", {"question": "dag", "answered": True}),
            ],
        }
    ],
}


@pytest.fixture
def started(app: Flask, live_server: str, page: Page, tmp_path: Path) -> Page:
    """The survey's only page, open in the browser."""
    path = tmp_path / "types.yaml"
    path.write_text(yaml.safe_dump(SURVEY, allow_unicode=True), encoding="utf-8")
    import_file(app, path)
    page.goto(f"{live_server}/s/{KEY}")
    page.get_by_role("button", name=tr(app, "Start now")).click()
    expect(page.locator("h1")).to_have_text("Alle soorten")
    return page


def test_follow_up_questions_appear_as_their_answer_is_given(started: Page) -> None:
    page = started
    check_page(page, "types-01-page")
    follow = {
        key: page.locator(f"#q-{key}")
        for key in ("na_keuze", "na_raster", "na_rang", "na_getal", "na_dag")
    }
    for block in follow.values():
        expect(block).to_be_hidden()

    page.locator("input[name=keuze][value='1']").check()
    expect(follow["na_keuze"]).to_be_hidden()
    page.locator("input[name=keuze][value='2']").check()
    expect(follow["na_keuze"]).to_be_visible()

    page.locator("input[name='raster.a'][value='2']").check()
    expect(follow["na_raster"]).to_be_hidden()  # row a, not row b
    page.locator("input[name='raster.b'][value='2']").check()
    expect(follow["na_raster"]).to_be_visible()

    page.locator("select[name='rang.1']").select_option("1")
    expect(follow["na_rang"]).to_be_hidden()
    page.locator("select[name='rang.2']").select_option("3")
    expect(follow["na_rang"]).to_be_visible()

    page.locator("input[name=getal]").fill("4,5")
    expect(follow["na_getal"]).to_be_visible()
    page.locator("input[name=getal]").fill("4,6")
    expect(follow["na_getal"]).to_be_hidden()

    # A day is answered when its three fields are filled in.
    page.locator("input[name='dag.day']").fill("27")
    page.locator("input[name='dag.month']").fill("3")
    expect(follow["na_dag"]).to_be_hidden()
    page.locator("input[name='dag.year']").fill("2026")
    expect(follow["na_dag"]).to_be_visible()


def test_the_day_fields_with_an_error_pass_axe(app: Flask, started: Page) -> None:
    page = started
    page.locator("input[name='dag.day']").fill("31")
    page.locator("input[name='dag.month']").fill("2")
    page.locator("input[name='dag.year']").fill("2026")
    page.locator("#q-na_dag textarea, #q-na_dag input").first.fill("Thuis")
    page.get_by_role("button", name=tr(app, "Continue"), exact=True).click()
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text(tr(app, "Enter a real date, for example 27 3 2026."))
    expect(page.locator("input[name='dag.day']")).to_have_value("31")
    check_page(page, "types-02-day-error")
    summary.get_by_role("link").first.click()
    expect(page.locator("#f-dag-day")).to_be_focused()
