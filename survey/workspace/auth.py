"""Logging in and out of the workspace: ``/planner/aanmelden`` and
``/planner/afmelden``. The session rules themselves are in
``survey.workspace.sessions``; the accounts in ``survey.workspace.accounts``."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from survey.extensions import db
from survey.ratelimits import sign_in
from survey.workspace import accounts, sessions
from survey.workspace.forms import LoginForm
from survey.workspace.shell import Access, workspace_blueprint

bp = workspace_blueprint("auth", __name__)


@bp.route("/aanmelden", methods=["GET", "POST"], access=Access.PUBLIC)
@sign_in
def login() -> ResponseReturnValue:
    """The login form. After a correct password: a new session, then the
    page asked for (``next=``, only a workspace path) or the overview.
    Whether the address or the password was wrong is never told."""
    form = LoginForm()
    target = sessions.safe_next(request.args.get("next"))
    error = None
    if form.validate_on_submit():
        user = accounts.authenticate(db.session, form.email.data, form.password.data)
        if user is not None:
            sessions.start_session(user)
            db.session.commit()
            return redirect(target or url_for("consultations.index"))
        error = _("The e-mail address or password is not correct.")
    # Every refused login is a 401, whatever the reason.
    status = 401 if form.is_submitted() else 200
    return render_template("workspace/login.html", form=form, error=error, next=target), status


@bp.post("/afmelden", access=Access.VIEW)
def logout() -> ResponseReturnValue:
    """Log out: this session and every copy of it (and the user's sessions
    on other devices) end; a copied cookie no longer opens anything."""
    accounts.end_sessions(db.session, current_user._get_current_object())
    db.session.commit()
    sessions.end_session()
    flash(_("You are logged out."), "info")
    return redirect(url_for("auth.login"))
