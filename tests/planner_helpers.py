"""Helpers for the planner tests: users and logging in through the form."""

from __future__ import annotations

from typing import Any

from flask import Flask
from formtools import Page

PASSWORD = "correct horse battery"


def make_user(app: Flask, email: str = "admin@zone.be", role: str = "admin") -> str:
    from survey.extensions import db
    from survey.planner.accounts import create_user

    with app.app_context():
        create_user(db.session, email, PASSWORD, role)
        db.session.commit()
    return email


def log_in(client: Any, email: str, password: str = PASSWORD) -> Any:
    page = Page(client.get("/planner/login"))
    form = page.form()
    form.set("email", email).set("password", password)
    return form.submit(client)


def logged_in(app: Flask, client: Any, role: str = "admin", email: str | None = None) -> Any:
    email = email or f"{role}@zone.be"
    make_user(app, email, role)
    response = log_in(client, email)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return client
