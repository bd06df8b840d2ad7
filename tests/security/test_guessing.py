"""What stands between a guesser and a resident's answers: resume codes of
12 letters (25**12, SECURITY.md has the arithmetic), drafts saved under the
old 8-letter codes that stay reachable only by their own code, and a limit
per survey that holds against an attacker who rotates addresses."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from flask import Flask
from formtools import Page
from resident_flow import open_copy, start, tr
from sqlalchemy import select
from support import limited_app

RESUME_UNKNOWN = "We do not recognise this code. Check the code and try again."


def _resume_code(page: Page) -> str:
    found = re.search(r'class="resume-code">([A-Z0-9-]+)<', page.html)
    assert found, page.text[:500]
    return found.group(1)


def _resume(app: Flask, key: str, typed: str) -> Any:
    browser = app.test_client()
    form = Page(browser.get(f"/s/{key}/hervat")).form().set("resume_code", typed)
    return form.submit(browser)


def test_a_resume_code_has_12_letters_and_works_in_another_browser(
    app: Flask, client: Any, tmp_path: Path
) -> None:
    key = open_copy(app, tmp_path)
    code = _resume_code(Page(start(client, key)))
    assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}", code), code
    assert _resume(app, key, code.lower().replace("-", " ")).status_code == 302
    # Its first 8 letters are no code at all.
    refused = _resume(app, key, code[:9])
    assert refused.status_code == 200
    assert tr(app, RESUME_UNKNOWN) in Page(refused).text


def test_a_draft_saved_under_an_8_letter_code_can_still_be_resumed(
    app: Flask, client: Any, tmp_path: Path
) -> None:
    """A draft started before codes had 12 letters holds the hash of 8: its
    resident may type the 8 they wrote down, or the 12 their link shows
    now (whose first 8 are the old code)."""
    from survey.extensions import db
    from survey.models import Draft
    from survey.residents.drafts import CODE_PURPOSE
    from survey.tokens import normalise_code, token_hash

    key = open_copy(app, tmp_path)
    code = _resume_code(Page(start(client, key)))
    old = normalise_code(code)[:8]
    with app.app_context():
        draft = db.session.scalars(select(Draft)).one()
        draft.resume_code_hash = token_hash(old, CODE_PURPOSE)
        db.session.commit()
    assert _resume(app, key, f"{old[:4]}-{old[4:]}").status_code == 302
    assert _resume(app, key, code).status_code == 302
    assert tr(app, RESUME_UNKNOWN) in Page(_resume(app, key, "AAAA-AAAA")).text


def _guess(client: Any, key: str, code: str, address: str) -> int:
    page = Page(client.get(f"/s/{key}/code"))
    form = page.form().set("code", code)
    return int(form.submit(client, headers={"X-Forwarded-For": address}).status_code)


def test_rotating_addresses_behind_a_trusted_proxy_meets_the_survey_limit(
    app: Flask, resident_survey: str, database_url: str
) -> None:
    """Behind one trusted proxy (SURVEY_PROXY_FIX=1) each client counts by
    the address the proxy saw; a guesser with many addresses meets the
    survey's own limit on failed attempts instead."""
    with limited_app(database_url, PROXY_FIX=1, RATELIMIT_CODES_PER_SURVEY="15/hour") as limited:
        client = limited.test_client()
        # One address: 10 attempts a minute; the refused ones cost the
        # survey's budget nothing.
        one = [
            _guess(client, resident_survey, f"AAAA-AAAA-AA{n:02d}", "10.1.1.1") for n in range(12)
        ]
        assert one == [200] * 10 + [429] * 2
        # Other addresses go on until the survey's 15 failed attempts are spent.
        others = [
            _guess(client, resident_survey, f"CCCC-CCCC-CC{n:02d}", f"10.2.2.{n}") for n in range(6)
        ]
        assert others == [200] * 5 + [429]
