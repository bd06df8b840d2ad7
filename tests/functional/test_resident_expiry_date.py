"""Every answer page tells the resident until when the resume link and code
work: the draft's expiry as a long date in the page's language, on the
calendar of Brussels (a draft that expires late in the evening UTC expires
on the next day there)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from formtools import Page
from resident_flow import open_copy, start
from sqlalchemy import select

from survey.extensions import db
from survey.models import Draft


@pytest.mark.parametrize(
    ("language", "shown"), [("nl", "1 januari 2027"), ("fr", "1 janvier 2027")]
)
def test_the_page_shows_the_day_the_saved_answers_expire_in_brussels(
    app: Flask, client: Any, tmp_path: Path, language: str, shown: str
) -> None:
    key = open_copy(app, tmp_path)
    first = start(client, key)
    with app.app_context():
        draft = db.session.scalars(select(Draft)).one()
        draft.expires_at = datetime(2026, 12, 31, 23, 30)  # UTC, stored naive
        db.session.commit()
    page = Page(client.get(f"{first.request.path}?lang={language}"))
    assert page.response.status_code == 200
    assert shown in page.text
