"""Every absolute link handed to a person comes from SURVEY_PUBLIC_BASE_URL,
never from the request: a planner's browser (or a proxy, or an attacker)
that sends ``Host: evil.example:666`` still gets links to the platform.

Partner links carry a 256-bit credential: one sent to another server is a
stolen login."""

from __future__ import annotations

import csv
import io
import re
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from formtools import Page
from partner_flow import add_partner, form_with, status_page
from planner_helpers import logged_in
from resident_flow import open_copy, start

BASE = "https://bevraging.zone.test"
EVIL = "evil.example:666"


class ForgedHostClient(FlaskClient):
    """A browser whose every request names another host (and claims to come
    through a proxy that says so)."""

    def open(self, *args: Any, **kwargs: Any) -> Any:
        headers = dict(kwargs.pop("headers", None) or {})
        headers.setdefault("Host", EVIL)
        headers.setdefault("X-Forwarded-Host", EVIL)
        headers.setdefault("X-Forwarded-Proto", "http")
        return super().open(*args, headers=headers, **kwargs)


@pytest.fixture
def forged(app: Flask, monkeypatch: pytest.MonkeyPatch) -> FlaskClient:
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", BASE)
    return ForgedHostClient(app, app.response_class, use_cookies=True)


def _links(html: str) -> list[str]:
    return [unescape(v) for v in re.findall(r'value="([^"]+)" data-link-url', html)]


def test_partner_links_issued_on_the_web_point_to_the_platform(
    app: Flask, partner_survey: str, forged: FlaskClient
) -> None:
    logged_in(app, forged, "admin")
    add_partner(forged, "Parket Gent", "justitie", "parket@example.be")
    add_partner(forged, "School De Linde", "onderwijs", "school@example.be")
    response = form_with(status_page(forged, partner_survey), "all").submit(forged, button="html")
    html = response.get_data(as_text=True)
    links = _links(html)
    assert len(links) == 2
    assert all(re.fullmatch(rf"{re.escape(BASE)}/p/[A-Za-z0-9_-]{{43}}", link) for link in links)
    assert "evil.example" not in html
    # The same links work (they are this platform's).
    assert forged.get(links[0].removeprefix(BASE)).status_code == 200

    # Reissued as a CSV for a mail merge: the same rule.
    add_partner(forged, "OCMW", "welzijn", "ocmw@example.be")
    response = form_with(status_page(forged, partner_survey), "all").submit(forged, button="csv")
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert [r["name"] for r in rows] == ["OCMW"]
    assert rows[0]["link"].startswith(f"{BASE}/p/")


def test_letters_and_the_planners_survey_page_point_to_the_platform(
    app: Flask, resident_survey: str, forged: FlaskClient
) -> None:
    logged_in(app, forged, "planner")
    page = Page(forged.get(f"/planner/bevragingen/{resident_survey}/brieven"))
    response = page.form().set("count", "2").set("format", "csv").submit(forged)
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert len(rows) == 2
    for row in rows:
        assert row["link"] == f"{BASE}/s/{resident_survey}/code?code={row['code']}"
    survey_page = Page(forged.get(f"/planner/bevragingen/{resident_survey}"))
    assert f"{BASE}/s/{resident_survey}" in survey_page.text
    assert "evil.example" not in survey_page.html


def test_the_resume_link_on_every_page_points_to_the_platform(
    app: Flask, forged: FlaskClient, tmp_path: Path
) -> None:
    key = open_copy(app, tmp_path)
    page = Page(start(forged, key))
    link = re.search(r'href="([^"]+/hervat/[^"]+)"', page.html)
    assert link is not None, page.text[:500]
    assert link.group(1).startswith(f"{BASE}/s/{key}/hervat/")
    assert "evil.example" not in page.html
    # A fresh browser comes back with it.
    other = app.test_client()
    assert other.get(link.group(1).removeprefix(BASE)).status_code == 302


def test_commands_make_links_from_the_configured_address(
    app: Flask,
    runner: Any,
    resident_survey: str,
    partner_survey: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", BASE)
    codes = tmp_path / "codes.csv"
    result = runner.invoke(
        args=["codes", "generate", resident_survey, "--count", "2", "--out", str(codes)]
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(codes.read_text(encoding="utf-8").splitlines()))
    assert all(r["link"].startswith(f"{BASE}/s/{resident_survey}/code?code=") for r in rows)

    partners = tmp_path / "partners.csv"
    partners.write_text("name,sector,email\nParket,justitie,p@example.be\n", encoding="utf-8")
    assert runner.invoke(args=["partners", "import", str(partners)]).exit_code == 0
    links = tmp_path / "links.csv"
    result = runner.invoke(args=["partners", "links", partner_survey, "--out", str(links)])
    assert result.exit_code == 0, result.output
    assert f",{BASE}/p/" in links.read_text(encoding="utf-8-sig")

    # A --base-url links cannot be made from is refused, and nothing is issued.
    result = runner.invoke(
        args=[
            "partners",
            "links",
            partner_survey,
            "--out",
            str(tmp_path / "other.csv"),
            "--base-url",
            "https://bevraging.zone.be/bevraging",
        ]
    )
    assert result.exit_code == 2
    assert "scheme://host[:port]" in result.output
    assert not (tmp_path / "other.csv").exists()
