"""Security headers and cookies: a CSP without inline script or style
(and templates that need none), no framing, no sniffing, no referrer,
secure HttpOnly SameSite cookies in production, and no-store on every page
that shows answers, partner data or planner figures."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from formtools import Page
from livehttp import ANSWERS
from partner_flow import add_partner, issue_all
from planner_helpers import logged_in
from resident_flow import start

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "survey" / "templates"
# Rendered by WeasyPrint only (never served as a page), so their <style>
# block is not subject to the CSP.
PDF_TEMPLATES = {"letters_pdf.html", "receipt_pdf.html"}


def _csp(response: Any) -> dict[str, str]:
    header = response.headers["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, _, value = part.strip().partition(" ")
        directives[name] = value
    return directives


def _check_headers(response: Any) -> None:
    csp = _csp(response)
    assert csp["default-src"] == "'self'"
    assert csp["script-src"] == "'self'"
    assert csp["style-src"] == "'self'"
    assert csp["frame-ancestors"] == "'none'"
    assert csp["object-src"] == "'none'"
    assert csp["base-uri"] == "'none'"
    assert csp["form-action"] == "'self'"
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    assert "unsafe-eval" not in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_every_kind_of_page_has_the_security_headers(
    app: Flask, client: Any, resident_survey: str
) -> None:
    for path in ("/s/burgers-2026", "/s/burgers-2026/code", "/planner/aanmelden", "/nergens"):
        _check_headers(client.get(path))
    _check_headers(client.post("/planner/aanmelden"))  # 400: no CSRF token
    static = client.get("/static/css/app.css")
    _check_headers(static)
    static.close()


def test_templates_need_no_inline_script_or_style() -> None:
    offenders = []
    patterns = {
        "style attribute": re.compile(r"\sstyle\s*=", re.I),
        "inline script": re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I),
        "style block": re.compile(r"<style", re.I),
        "event handler": re.compile(r"\son[a-z]+\s*=", re.I),
        "javascript: URL": re.compile(r"javascript:", re.I),
    }
    templates = [p for p in TEMPLATES.rglob("*.html") if p.name not in PDF_TEMPLATES]
    assert len(templates) > 20
    for path in templates:
        source = path.read_text(encoding="utf-8")
        for what, pattern in patterns.items():
            if pattern.search(source):
                offenders.append(f"{path.relative_to(ROOT)}: {what}")
    assert offenders == []


def test_production_cookies_are_secure_httponly_and_samesite(database_url: str) -> None:
    from survey import create_app
    from survey.config import build_config
    from survey.extensions import db

    config = build_config(
        "/tmp",
        {
            "SURVEY_ENV": "production",
            "SECRET_KEY": "x" * 48,
            "PUBLIC_BASE_URL": "https://zone.example",
        },
    )
    assert config["SESSION_COOKIE_SECURE"] is True
    assert config["SESSION_COOKIE_HTTPONLY"] is True
    assert config["SESSION_COOKIE_SAMESITE"] in ("Lax", "Strict")
    assert config["PERMANENT_SESSION_LIFETIME"].total_seconds() <= 12 * 3600

    production = create_app(
        {
            "SURVEY_ENV": "production",
            "SECRET_KEY": "x" * 48,
            "PUBLIC_BASE_URL": "https://zone.example",
            "SQLALCHEMY_DATABASE_URI": database_url,
            # The limiter is shared by every app in this process.
            "RATELIMIT_ENABLED": False,
        }
    )
    try:
        response = production.test_client().get(
            "/planner/aanmelden", base_url="https://zone.example"
        )
        cookie = response.headers["Set-Cookie"]
    finally:
        with production.app_context():
            db.session.remove()
            db.engine.dispose()
    assert response.status_code == 200
    attributes = {part.strip().split("=")[0].lower() for part in cookie.split(";")}
    assert {"secure", "httponly", "samesite"} <= attributes
    assert "samesite=lax" in cookie.lower() or "samesite=strict" in cookie.lower()


def _no_store(response: Any) -> None:
    assert response.headers.get("Cache-Control") == "no-store", (
        response.request.path,
        response.headers.get("Cache-Control"),
    )


def test_answer_pages_are_never_cached(app: Flask, client: Any, tmp_path: Path) -> None:
    from livehttp import short_survey_file
    from resident_flow import import_file

    key = import_file(app, short_survey_file(tmp_path))
    _no_store(client.get(f"/s/{key}"))
    first = start(client, key)
    _no_store(first)
    form = Page(first).form()
    for name, value in ANSWERS.items():
        if name in form.fields:
            form.set(name, value)
    posted = form.submit(client)
    second = client.get(posted.location)
    _no_store(second)
    form = Page(second).form()
    form.set("zorgen", ["1"])
    check = client.get(form.submit(client).location)
    assert check.request.path.endswith("/controle")
    _no_store(check)
    thanks = client.get(Page(check).form().submit(client).location)
    assert thanks.request.path.endswith("/bedankt")
    _no_store(thanks)


def test_partner_and_planner_pages_are_never_cached(
    app: Flask, client: Any, partner_survey: str
) -> None:
    planner = logged_in(app, client, role="admin")
    for path in ("/planner/", f"/planner/bevragingen/{partner_survey}", "/planner/partners/"):
        _no_store(planner.get(path))
    _no_store(planner.get(f"/planner/bevragingen/{partner_survey}/antwoorden.csv"))
    add_partner(planner, "Alfa", "Onderwijs", "alfa@voorbeeld.be")
    link = issue_all(planner, partner_survey)["Alfa"]
    partner = app.test_client()
    _no_store(partner.get(link))
    _no_store(partner.get(f"{link}/controle"))


@pytest.mark.parametrize("path", ["/s/burgers-2026", "/planner/aanmelden"])
def test_pages_cannot_be_framed(client: Any, resident_survey: str, path: str) -> None:
    response = client.get(path)
    assert _csp(response)["frame-ancestors"] == "'none'"
    assert response.headers["X-Frame-Options"] == "DENY"
