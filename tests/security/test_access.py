"""Access control beyond the planner's URL-map walk
(tests/functional/test_planner_access.py) and the partner isolation tests
(tests/functional/test_partner_security.py: partner A never reads or
changes partner B's draft, answers or receipt): downloads checked on every
request, unguessable identifiers, no open redirect, rate limits that a
forged forwarding header cannot dodge, and their shared storage setting."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from formtools import Page
from partner_flow import add_partner, issue_all
from planner_helpers import PASSWORD, logged_in, make_user
from support import limited_app

EVIL_TARGETS = [
    "https://evil.example/",
    "//evil.example/",
    "/\\evil.example/",
    "\\\\evil.example",
    "https:evil.example",
    "javascript:alert(1)",
    "/planner/../..//evil.example",
    "%2F%2Fevil.example",
    "/planner//evil.example",
]


@pytest.mark.parametrize("target", EVIL_TARGETS)
def test_login_never_redirects_off_site(app: Flask, client: Any, target: str) -> None:
    make_user(app, "ana@zone.be", "planner")
    page = Page(client.get("/planner/aanmelden", query_string={"next": target}))
    response = page.form().set("email", "ana@zone.be").set("password", PASSWORD).submit(client)
    assert response.status_code == 302
    location = response.location
    assert location.startswith("/") or location.startswith("http://localhost/"), location
    path = location.removeprefix("http://localhost")
    assert path.startswith("/planner/")
    assert not path.startswith("//") and "\\" not in path and "evil" not in path.split("?")[0][:9]


def _set_user(app: Flask, email: str, **changes: Any) -> None:
    from survey.extensions import db
    from survey.workspace.accounts import find_user

    with app.app_context():
        user = find_user(db.session, email)
        for name, value in changes.items():
            setattr(user, name, value)
        db.session.commit()


def test_downloads_check_the_role_on_every_request(
    app: Flask, client: Any, resident_survey: str
) -> None:
    logged_in(app, client, role="planner", email="ana@zone.be")
    urls = [
        f"/planner/bevragingen/{resident_survey}/antwoorden.csv",
        f"/planner/bevragingen/{resident_survey}/antwoorden.xlsx",
    ]
    for url in urls:
        assert client.get(url).status_code == 200, url
    # Demoted while logged in: the very next download is refused.
    _set_user(app, "ana@zone.be", role="viewer")
    for url in urls:
        assert client.get(url).status_code == 403, url
    # Deactivated: sent to the login page.
    _set_user(app, "ana@zone.be", role="planner", active=False)
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and "/planner/aanmelden" in response.location
    # Anonymous: the same.
    anonymous = app.test_client()
    assert anonymous.get(urls[0]).status_code == 302


def test_identifiers_are_unguessable(
    app: Flask, client: Any, partner_survey: str, resident_survey: str
) -> None:
    from sqlalchemy import select

    from survey.extensions import db
    from survey.models import Response
    from survey.tokens import new_code, new_url_token, normalise_code

    planner = logged_in(app, client, role="admin")
    add_partner(planner, "Alfa", "Onderwijs", "alfa@voorbeeld.be")
    add_partner(planner, "Beta", "Welzijn", "beta@voorbeeld.be")
    links = issue_all(planner, partner_survey)
    tokens = [link.rsplit("/", 1)[1] for link in links.values()]
    assert len(set(tokens)) == 2
    assert all(len(t) >= 22 for t in tokens)  # >= 128 bits in URL-safe base64
    assert len({new_url_token() for _ in range(1000)}) == 1000
    codes = {normalise_code(new_code()) for _ in range(2000)}
    assert len(codes) == 2000 and all(len(c) == 12 for c in codes)  # 25^12: ~55 bits
    # A guessed partner token gets the same Dutch "unknown link" page as a
    # random one: no hint that a prefix was right.
    guessed = app.test_client().get(f"/p/{tokens[0][:-1]}x")
    random = app.test_client().get("/p/" + "A" * len(tokens[0]))
    assert guessed.status_code == random.status_code
    with app.app_context():
        public_ids = db.session.scalars(select(Response.public_id)).all()
    assert all(len(p) >= 24 for p in public_ids)


def test_a_forged_forwarding_header_does_not_dodge_the_code_limit(
    app: Flask, resident_survey: str, database_url: str
) -> None:
    """Without a trusted proxy in front, X-Forwarded-For is the client's
    own claim: the limit stays on the connection's address."""
    with limited_app(database_url) as limited:
        client = limited.test_client()
        page = Page(client.get(f"/s/{resident_survey}/code"))
        statuses = []
        for n in range(12):
            form = page.form().set("code", f"AAAA-AAAA-AA{n:02d}")
            response = form.submit(client, headers={"X-Forwarded-For": f"10.9.{n}.1"})
            statuses.append(response.status_code)
        assert statuses[-1] == 429
        refused = Page(response)
        assert '<html lang="nl">' in refused.html
        assert "Te veel pogingen" in refused.text or "Too many attempts" in refused.text


def test_rate_limit_storage_is_configurable_for_several_workers() -> None:
    """Each worker process keeps its own memory:// counters; a deployment
    with several workers sets SURVEY_RATELIMIT_STORAGE_URI to a shared
    store (e.g. redis://) so that the limits hold per client (SECURITY.md)."""
    from survey.config import build_config, from_environment

    shared = "redis://limits.internal:6379/3"
    assert from_environment({"SURVEY_RATELIMIT_STORAGE_URI": shared}) == {
        "RATELIMIT_STORAGE_URI": shared
    }
    config = build_config("/tmp", {"SURVEY_ENV": "testing"})
    assert config["RATELIMIT_STORAGE_URI"] == "memory://"
    assert config["RATELIMIT_ENABLED"] is True
