"""Who may enter the planners' workspace: login, roles, timeouts, and a walk
over the whole URL map that fails on any route that is neither public by
design nor closed to an anonymous visitor."""

from __future__ import annotations

import time

import pytest
from formtools import Page
from planner_helpers import PASSWORD, log_in, logged_in, make_user
from support import limited_app
from werkzeug.routing.converters import NumberConverter

# Routes anyone may reach, by design: the health and readiness checks, static files, the
# front door (which lists only open resident surveys), the residents' (/s/...)
# and partners' (/p/...) answer pages, the login page.
PUBLIC_ENDPOINTS = {"static", "health.healthz", "health.readyz", "home.index", "auth.login"}
PUBLIC_PREFIXES = ("/s/", "/p/", "/static/")
CONSULTATION_URL = "/planner/raadplegingen/zvp-2026-2031"


def _sample_url(rule) -> str:
    values = {}
    for name in rule.arguments:
        converter = rule._converters[name]
        values[name] = 1 if isinstance(converter, NumberConverter) else "x"
    path = rule.rule
    for name, value in values.items():
        path = path.replace(f"<{name}>", str(value))
        for kind in ("int", "string", "path", "any", "float", "uuid"):
            path = path.replace(f"<{kind}:{name}>", str(value))
    return path


def test_every_route_is_public_by_design_or_closed(app, client, monkeypatch):
    # Without CSRF, a POST reaches the view's own access check.
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", False)
    checked = []
    for rule in app.url_map.iter_rules():
        path = _sample_url(rule)
        if rule.endpoint in PUBLIC_ENDPOINTS or path.startswith(PUBLIC_PREFIXES):
            continue
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            response = client.open(path, method=method)
            closed = response.status_code in (401, 403) or (
                response.status_code in (302, 303) and "/planner/aanmelden" in response.location
            )
            assert closed, f"{method} {rule.rule} ({rule.endpoint}) is open: {response.status_code}"
            checked.append(rule.endpoint)
    assert "consultations.index" in checked and "exports.responses_file" in checked


def test_login_with_wrong_password_gives_a_neutral_message(app, client):
    make_user(app, "ana@zone.be", "planner")
    unknown = log_in(client, "nobody@zone.be", "whatever-password")
    wrong = log_in(client, "ana@zone.be", "wrong-password-123")
    assert unknown.status_code == wrong.status_code == 401
    assert Page(unknown).text == Page(wrong).text.replace("ana@zone.be", "nobody@zone.be")
    right = log_in(client, "ANA@zone.be ")
    assert right.status_code == 302
    assert client.get("/planner/").status_code == 200


def test_inactive_user_cannot_log_in(app, client):
    from survey.extensions import db
    from survey.workspace.accounts import find_user

    make_user(app, "old@zone.be", "planner")
    with app.app_context():
        find_user(db.session, "old@zone.be").active = False
        db.session.commit()
    assert log_in(client, "old@zone.be").status_code == 401


def test_logout_needs_post_with_csrf(app, client):
    logged_in(app, client, "viewer")
    assert client.get("/planner/afmelden").status_code == 405
    assert client.post("/planner/afmelden").status_code == 400  # no CSRF token
    assert client.get("/planner/").status_code == 200
    page = Page(client.get("/planner/"))
    logout = next(f for f in page.forms if f.action.endswith("/afmelden"))
    assert logout.submit(client).status_code == 302
    assert client.get("/planner/").status_code == 302


def test_idle_session_is_logged_out(app, client):
    logged_in(app, client, "planner")
    with client.session_transaction() as session:
        session["planner_seen"] = int(time.time()) - 31 * 60
    response = client.get("/planner/")
    assert response.status_code == 302
    assert "/planner/aanmelden" in response.location
    assert client.get("/planner/").status_code == 302


def test_login_redirect_stays_inside_the_workspace(app, client):
    make_user(app, "ana@zone.be", "planner")
    page = Page(client.get("/planner/aanmelden?next=https://evil.example/"))
    form = page.form().set("email", "ana@zone.be").set("password", PASSWORD)
    response = form.submit(client)
    assert response.location.endswith("/planner/")


@pytest.mark.parametrize(
    ("role", "allowed", "denied"),
    [
        (
            "viewer",
            ["/planner/", CONSULTATION_URL],
            ["/planner/bevragingen/opladen", "/planner/gebruikers"],
        ),
        (
            "planner",
            ["/planner/bevragingen/opladen", "/planner/bevragingen/burgers-2026/exporteren"],
            ["/planner/gebruikers", CONSULTATION_URL + "/opschonen"],
        ),
        ("admin", ["/planner/gebruikers", CONSULTATION_URL + "/opschonen"], []),
    ],
)
def test_roles(app, client, resident_survey, role, allowed, denied):
    logged_in(app, client, role)
    for url in allowed:
        assert client.get(url).status_code == 200, url
    for url in denied:
        assert client.get(url).status_code == 403, url


def test_admin_manages_users(app, client):
    logged_in(app, client, "admin")
    page = Page(client.get("/planner/gebruikers"))
    form = page.form()
    form.set("email", "new@zone.be").set("role", "viewer").set("password", "short")
    response = form.submit(client)
    assert response.status_code == 422
    form = Page(response).form()
    form.set("email", "new@zone.be").set("role", "viewer").set("password", "a long enough password")
    assert form.submit(client).status_code == 302
    page = Page(client.get("/planner/gebruikers"))
    assert "new@zone.be" in page.text
    # Promote the new user to planner.
    from survey.extensions import db
    from survey.workspace.accounts import find_user

    with app.app_context():
        user_id = find_user(db.session, "new@zone.be").id
    form = next(f for f in page.forms if f.action.endswith(f"/gebruikers/{user_id}"))
    assert form.set("role", "planner").submit(client).status_code == 302
    with app.app_context():
        assert find_user(db.session, "new@zone.be").role == "planner"
    # An admin cannot demote themselves.
    with app.app_context():
        own_id = find_user(db.session, "admin@zone.be").id
    page = Page(client.get("/planner/gebruikers"))
    form = next(f for f in page.forms if f.action.endswith(f"/gebruikers/{own_id}"))
    form.set("role", "viewer").submit(client)
    with app.app_context():
        assert find_user(db.session, "admin@zone.be").role == "admin"


def test_users_create_command(app, runner, tmp_path):
    from survey.extensions import db
    from survey.workspace.accounts import authenticate

    secret = tmp_path / "pw"
    secret.write_text("a very long password\n")
    result = runner.invoke(
        args=["users", "create", "boss@zone.be", "--role", "admin", "--password-file", str(secret)]
    )
    assert result.exit_code == 0, result.output
    again = runner.invoke(
        args=["users", "create", "boss@zone.be", "--role", "admin", "--password-file", str(secret)]
    )
    assert again.exit_code != 0
    prompted = runner.invoke(
        args=["users", "create", "p@zone.be", "--role", "planner"],
        input="another long password\nanother long password\n",
    )
    assert prompted.exit_code == 0, prompted.output
    with app.app_context():
        user = authenticate(db.session, "boss@zone.be", "a very long password")
        assert user is not None and user.role == "admin"
        assert user.password_hash.startswith("scrypt:")


def test_login_is_rate_limited(app, database_url):
    """Five failed logins a minute per client; the sixth gets 429."""
    make_user(app, "ana@zone.be", "planner")
    with limited_app(database_url) as limited:
        client = limited.test_client()
        statuses = [log_in(client, "ana@zone.be", "wrong-password-1").status_code for _ in range(6)]
        other = limited.test_client()
        other_status = other.post(
            "/planner/aanmelden", environ_base={"REMOTE_ADDR": "10.0.0.9"}
        ).status_code
    assert statuses[:5] == [401] * 5
    assert statuses[5] == 429
    assert other_status == 400  # another client is not limited (no CSRF token: 400)
