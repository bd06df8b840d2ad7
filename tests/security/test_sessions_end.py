"""Sessions that end: a session cookie copied before a logout, a new
password, a new role or a deactivation opens nothing afterwards (the
cookie session is stateless; the user's session version ends every copy).
And after a correct login, ``next=`` sends the planner to a workspace page
of this site only: CR/LF, absolute URLs and the like go to the overview."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode, urlsplit

import pytest
from flask import Flask
from formtools import Page
from planner_helpers import PASSWORD, log_in, logged_in, make_user

LOGIN = "/planner/aanmelden"
USERS = "/planner/gebruikers"


def copy_of(app: Flask, client: Any) -> Any:
    """Another browser with a copy of ``client``'s session cookie."""
    cookie = client.get_cookie("session")
    assert cookie is not None
    thief = app.test_client()
    thief.set_cookie("session", cookie.value)
    return thief


def opens(client: Any, path: str) -> bool:
    response = client.get(path)
    if response.status_code == 302:
        assert urlsplit(response.location).path == LOGIN, response.location
        return False
    assert response.status_code == 200, (path, response.status_code)
    return True


def user_form(page: Page, user_id: int) -> Any:
    form = next(f for f in page.forms if f.action.endswith(f"/gebruikers/{user_id}"))
    return form


def user_id(app: Flask, email: str) -> int:
    from survey.extensions import db
    from survey.workspace.accounts import find_user

    with app.app_context():
        user = find_user(db.session, email)
        assert user is not None
        return user.id


def test_a_cookie_copied_before_logout_opens_nothing(app: Flask) -> None:
    admin = logged_in(app, app.test_client(), "admin")
    copy = copy_of(app, admin)
    assert opens(copy, USERS)  # the copy works while the session lives
    page = Page(admin.get("/planner/"))
    logout = next(f for f in page.forms if f.action.endswith("/afmelden"))
    response = logout.submit(admin)
    assert urlsplit(response.location).path == LOGIN
    assert not opens(copy, USERS)
    assert not opens(admin, USERS)
    # The next login is a new session that works.
    assert log_in(admin, "admin@zone.be").status_code == 302
    assert opens(admin, USERS)
    assert not opens(copy, USERS)


def test_logout_ends_the_users_sessions_on_other_devices(app: Flask) -> None:
    make_user(app, "ana@zone.be", "planner")
    laptop, phone = app.test_client(), app.test_client()
    assert log_in(laptop, "ana@zone.be").status_code == 302
    assert log_in(phone, "ana@zone.be").status_code == 302
    page = Page(laptop.get("/planner/"))
    next(f for f in page.forms if f.action.endswith("/afmelden")).submit(laptop)
    assert not opens(phone, "/planner/")


def test_a_new_password_ends_the_users_sessions(app: Flask, resident_survey: str) -> None:
    export = f"/planner/bevragingen/{resident_survey}/exporteren"
    admin = logged_in(app, app.test_client(), "admin")
    planner = logged_in(app, app.test_client(), "planner", "ana@zone.be")
    copy = copy_of(app, planner)
    assert opens(copy, export)
    form = user_form(Page(admin.get(USERS)), user_id(app, "ana@zone.be"))
    form.set("password", "a brand new long password")
    assert form.submit(admin).status_code == 302
    assert not opens(copy, export)
    assert not opens(planner, export)
    assert log_in(planner, "ana@zone.be").status_code == 401  # the old password
    assert log_in(planner, "ana@zone.be", "a brand new long password").status_code == 302
    assert opens(planner, export)


def test_admins_who_change_their_own_password_stay_logged_in_alone(app: Flask) -> None:
    admin = logged_in(app, app.test_client(), "admin")
    copy = copy_of(app, admin)
    form = user_form(Page(admin.get(USERS)), user_id(app, "admin@zone.be"))
    form.set("password", "my own new long password")
    assert form.submit(admin).status_code == 302
    assert opens(admin, USERS)
    assert not opens(copy, USERS)


def test_a_new_role_ends_the_users_sessions(app: Flask, resident_survey: str) -> None:
    admin = logged_in(app, app.test_client(), "admin")
    planner = logged_in(app, app.test_client(), "planner", "ana@zone.be")
    copy = copy_of(app, planner)
    form = user_form(Page(admin.get(USERS)), user_id(app, "ana@zone.be"))
    assert form.set("role", "viewer").submit(admin).status_code == 302
    # Ended, not merely refused: the login page, for the copy and the original.
    assert not opens(copy, "/planner/")
    assert not opens(planner, "/planner/")
    assert log_in(planner, "ana@zone.be").status_code == 302
    assert planner.get(f"/planner/bevragingen/{resident_survey}/exporteren").status_code == 403


def test_saving_a_user_unchanged_keeps_their_sessions(app: Flask) -> None:
    admin = logged_in(app, app.test_client(), "admin")
    viewer = logged_in(app, app.test_client(), "viewer", "vic@zone.be")
    form = user_form(Page(admin.get(USERS)), user_id(app, "vic@zone.be"))
    assert form.submit(admin).status_code == 302
    assert opens(viewer, "/planner/")


def test_a_deactivation_ends_the_users_sessions_even_after_reactivation(app: Flask) -> None:
    admin = logged_in(app, app.test_client(), "admin")
    planner = logged_in(app, app.test_client(), "planner", "ana@zone.be")
    copy = copy_of(app, planner)
    ana = user_id(app, "ana@zone.be")
    form = user_form(Page(admin.get(USERS)), ana)
    form.fields["active"].selected = []  # untick "active"
    assert form.submit(admin).status_code == 302
    assert not opens(copy, "/planner/")
    form = user_form(Page(admin.get(USERS)), ana)
    assert form.set("active", "1").submit(admin).status_code == 302
    assert not opens(copy, "/planner/")
    assert not opens(planner, "/planner/")
    assert log_in(planner, "ana@zone.be").status_code == 302
    assert opens(planner, "/planner/")


def login_with_next(client: Any, target: str) -> Any:
    """Log in with the rendered form, posted to the login address with
    ``next=target`` as a crafted link would carry it."""
    form = Page(client.get(LOGIN)).form()
    form.action = f"{LOGIN}?{urlencode({'next': target})}"
    return form.set("email", "ana@zone.be").set("password", PASSWORD).submit(client)


@pytest.mark.parametrize(
    "target",
    [
        "/planner/\r\nSet-Cookie: taken=1",
        "/planner/bevragingen\r\n\r\n<script>alert(1)</script>",
        "/planner/%0d%0aLocation:%20https://evil.example/",
        "/planner/\nhttps://evil.example/",
        "https://evil.example/planner/",
        "http://localhost.evil.example/planner/",
        "//evil.example/planner/",
        "/planner/..%2f..%2f%2fevil.example",
        "/planner/%2e%2e/%2e%2e//evil.example",
        "/planner/\tx",
        "/planner/é",
    ],
)
def test_next_after_login_is_a_workspace_path_only(app: Flask, target: str) -> None:
    make_user(app, "ana@zone.be", "planner")
    client = app.test_client()
    response = login_with_next(client, target)
    assert response.status_code == 302
    assert response.location == "/planner/"
    assert client.get("/planner/").status_code == 200


def test_next_after_login_returns_to_the_page_asked_for(app: Flask, resident_survey: str) -> None:
    make_user(app, "ana@zone.be", "planner")
    client = app.test_client()
    page = f"/planner/bevragingen/{resident_survey}/voorbeeld?language=fr"
    asked = client.get(page)
    assert urlsplit(asked.location).path == LOGIN
    login_page = Page(client.get(asked.location))
    form = login_page.form().set("email", "ana@zone.be").set("password", PASSWORD)
    response = form.submit(client)
    assert response.location == page
