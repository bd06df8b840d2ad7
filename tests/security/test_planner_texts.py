"""Planner-controlled texts (a survey file's titles and labels) are text,
never markup: escaped in the resident's pages, the planner's preview and
the letters PDF, and no PDF renderer fetches a URL or a local file. Odd
numbers in planner fields get a message, not a 500."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from formtools import Page
from livehttp import SHORT_SURVEY
from planner_helpers import logged_in
from resident_flow import import_file, start

EVIL_TITLE = "<script>alert('t')</script> {{7*7}}"
EVIL_LABEL = '<img src="file:///etc/passwd"><img src="http://127.0.0.1:9/x.png">'


def _evil_survey(app: Flask, tmp_path: Path) -> str:
    text = SHORT_SURVEY.format(key="kwaad", access="open")
    text = text.replace('title: {nl: "Korte bevraging"}', f"title: {{nl: {EVIL_TITLE!r}}}")
    text = text.replace(
        '{code: 1, label: {nl: "Ja"}}', f"{{code: 1, label: {{nl: '{EVIL_LABEL}'}}}}"
    )
    path = tmp_path / "kwaad.yaml"
    path.write_text(text, encoding="utf-8")
    return import_file(app, path)


def _escaped(html: str) -> None:
    assert "<script>alert" not in html
    assert '<img src="file:' not in html and '<img src="http://127' not in html
    assert "&lt;script&gt;" in html or "&lt;img" in html
    assert "{{7*7}}" in html  # template syntax is never evaluated


def test_markup_in_a_survey_file_is_escaped_in_pages(
    app: Flask, client: Any, tmp_path: Path
) -> None:
    key = _evil_survey(app, tmp_path)
    start_page = client.get(f"/s/{key}").get_data(as_text=True)
    assert "&lt;script&gt;alert(&#39;t&#39;)&lt;/script&gt; {{7*7}}" in start_page
    _escaped(start_page)
    _escaped(start(client, key).get_data(as_text=True))
    planner = logged_in(app, app.test_client(), role="admin")
    for path in (f"/planner/bevragingen/{key}", f"/planner/bevragingen/{key}/voorbeeld"):
        response = planner.get(path)
        assert response.status_code == 200, path
        _escaped(response.get_data(as_text=True))


def test_letters_pdf_escapes_the_title_and_fetches_nothing(
    app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from survey.reporting import pdf_seams

    key = _evil_survey(app, tmp_path)
    # Letters are for invitation surveys only: switch this one.
    from survey.definitions.store import find_survey
    from survey.extensions import db

    with app.app_context():
        survey = find_survey(db.session, key)
        assert survey is not None
        survey.access = "invitation"
        db.session.commit()

    seen: dict[str, Any] = {}
    real_document = pdf_seams.document

    # Every PDF's HTML reaches WeasyPrint through pdf_seams.document.
    def spy(html: str, url_fetcher: Any) -> Any:
        seen.update(string=html, url_fetcher=url_fetcher)
        fetched: list[str] = seen.setdefault("fetched", [])
        if url_fetcher is not None:
            original = url_fetcher.fetch

            def recording(url: str, *rest: Any) -> Any:
                fetched.append(url)
                return original(url, *rest)

            url_fetcher.fetch = recording
        return real_document(html, url_fetcher)

    monkeypatch.setattr(pdf_seams, "document", spy)
    planner = logged_in(app, app.test_client(), role="admin")
    form = Page(planner.get(f"/planner/bevragingen/{key}/brieven")).form()
    form.fields["count"].value = "1"
    response = form.submit(planner)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/pdf"
    _escaped(seen["string"])
    fetcher = seen["url_fetcher"]
    assert fetcher is not None
    assert all(url.startswith("data:") for url in seen["fetched"])
    for url in ("file:///etc/passwd", "http://127.0.0.1:9/x.png", "https://example.org/a.css"):
        with pytest.raises(Exception):  # noqa: B017 (any refusal will do)
            fetcher.fetch(url)


def test_every_pdf_renderer_refuses_files_and_urls() -> None:
    # The report, the partner receipt, the letters and the poster all go
    # through survey.reporting.tagged_pdf.
    from survey.reporting.tagged_pdf import DataOnlyFetcher

    fetcher = DataOnlyFetcher()
    for url in ("file:///etc/passwd", "http://127.0.0.1:9/", "/etc/passwd", "ftp://x/y"):
        with pytest.raises(Exception):  # noqa: B017
            fetcher.fetch(url)


@pytest.mark.parametrize("count", ["²", "9" * 5000, "-1", "1e3", "０"])
def test_odd_letter_counts_get_a_message(app: Flask, resident_survey: str, count: str) -> None:
    planner = logged_in(app, app.test_client(), role="admin")
    form = Page(planner.get(f"/planner/bevragingen/{resident_survey}/brieven")).form()
    form.fields["count"].value = count
    response = form.submit(planner)
    assert response.status_code in (200, 400, 422)
    assert response.headers["Content-Type"].startswith("text/html")


def test_odd_import_counter_is_ignored(app: Flask) -> None:
    planner = logged_in(app, app.test_client(), role="admin")
    for value in ("²", "9" * 5000):
        assert planner.get(f"/planner/partners/?ingevoerd={value}").status_code == 200
