"""Administration (admins only): planner users, and purging a
consultation's codes, drafts and raw free text after its retention date."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from survey.extensions import db
from survey.models import PlannerUser
from survey.planner.purge import PurgeRefused, is_due, purge_consultation
from survey.workspace import accounts, sessions
from survey.workspace.forms import NewUserForm, PurgeForm, UserForm
from survey.workspace.shell import Access, consultation_or_404, workspace_blueprint

bp = workspace_blueprint("admin", __name__)


@bp.route("/gebruikers", methods=["GET", "POST"], access=Access.ADMIN)
def users() -> ResponseReturnValue:
    """Every user with a form to change them, and a form for a new one."""
    form = NewUserForm()
    error = None
    if form.validate_on_submit():
        try:
            accounts.create_user(
                db.session, form.email.data, form.password.data, form.role.data, form.name.data
            )
        except accounts.AccountError as exc:
            db.session.rollback()
            error = str(exc.message)
        else:
            db.session.commit()
            flash(_("The user was created."), "success")
            return redirect(url_for(".users"))
    rows = [(user, UserForm(formdata=None, obj=user)) for user in accounts.list_users(db.session)]
    status = 422 if error or form.errors else 200
    return render_template("workspace/users.html", rows=rows, form=form, error=error), status


@bp.post("/gebruikers/<int:user_id>", access=Access.ADMIN)
def user(user_id: int) -> ResponseReturnValue:
    """A user's role, whether the account is active, and optionally a new
    password. A new role, a deactivation or a new password ends the user's
    sessions; when admins change their own password, this session goes on
    (the others end)."""
    target = db.session.get(PlannerUser, user_id)
    if target is None:
        abort(404)
    form = UserForm()
    if not form.validate_on_submit():
        for messages in form.errors.values():
            for message in messages:
                flash(str(message), "error")
        return redirect(url_for(".users"))
    acting = current_user._get_current_object()
    try:
        accounts.update_user(
            db.session, target, role=form.role.data, active=form.active.data, acting=acting
        )
        if form.password.data:
            accounts.set_password(db.session, target, form.password.data)
    except accounts.AccountError as exc:
        db.session.rollback()
        flash(str(exc.message), "error")
    else:
        db.session.commit()
        if target.id == acting.id:
            sessions.keep_session(target)
        flash(_("The user was saved."), "success")
    return redirect(url_for(".users"))


@bp.route("/raadplegingen/<key>/opschonen", methods=["GET", "POST"], access=Access.ADMIN)
def purge(key: str) -> ResponseReturnValue:
    item = consultation_or_404(key)
    form = PurgeForm(item.key)
    error = None
    if form.validate_on_submit():
        try:
            counts = purge_consultation(db.session, item, actor=current_user.email)
        except PurgeRefused as exc:
            db.session.rollback()
            error = str(exc.message)
        else:
            db.session.commit()
            flash(
                _(
                    "Purged: %(codes)s codes and %(drafts)s drafts deleted, "
                    "%(texts)s free texts blanked.",
                    codes=counts.codes,
                    drafts=counts.drafts,
                    texts=counts.free_texts,
                ),
                "success",
            )
            return redirect(url_for("consultations.detail", key=key))
    due = is_due(item)
    preview = purge_consultation(db.session, item, dry_run=True) if due else None
    return render_template(
        "workspace/purge.html",
        consultation=item,
        preview=preview,
        form=form,
        error=error,
        due=due,
    ), (422 if error or form.errors else 200)
