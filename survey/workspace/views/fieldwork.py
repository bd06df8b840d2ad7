"""Fieldwork: invitation letters with one-time codes, and the fieldwork
dashboard (responses per day, representativeness)."""

from __future__ import annotations

from flask import Response, current_app, render_template
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from survey.extensions import db
from survey.planner import fieldwork, surveys
from survey.planner import letters as letter_files
from survey.residents.codes import CodesRefused
from survey.workspace.forms import LettersForm
from survey.workspace.shell import Access, survey_or_404, workspace_blueprint

bp = workspace_blueprint("fieldwork", __name__, "/bevragingen")


@bp.route("/<key>/brieven", methods=["GET", "POST"], access=Access.MANAGE)
def letters(key: str) -> ResponseReturnValue:
    """New codes, downloaded at once as print-ready letters (PDF) or a
    mail-merge file (CSV): the codes exist in that file only."""
    item = survey_or_404(key)
    form = LettersForm()
    error = None
    if form.validate_on_submit():
        base = current_app.config["PUBLIC_BASE_URL"]
        try:
            batch = letter_files.make_codes(db.session, item, form.letters())
        except CodesRefused as exc:
            db.session.rollback()
            error = str(exc)
        else:
            if form.format.data == "pdf":
                sender = str(current_app.config.get("PRIVACY_CONTROLLER", ""))
                body = letter_files.letters_pdf(batch, base, item, sender.capitalize())
                mimetype, ext = "application/pdf", "pdf"
            else:
                body = letter_files.letters_csv(batch, base, item)
                mimetype, ext = "text/csv; charset=utf-8", "csv"
            # The codes are stored (hashed) only once their file is built.
            db.session.commit()
            name = f"brieven-{item.key}-{batch.batch}.{ext}"
            return Response(
                body,
                mimetype=mimetype,
                headers={"Content-Disposition": f'attachment; filename="{name}"'},
            )
    status = 422 if error or form.errors else 200
    return render_template(
        "workspace/letters.html",
        survey=item,
        form=form,
        error=error,
        row=surveys.survey_row(db.session, item),
    ), status


@bp.get("/<key>/veldwerk", access=Access.VIEW)
def dashboard(key: str) -> ResponseReturnValue:
    item = survey_or_404(key)
    board = fieldwork.dashboard(db.session, item)
    chart = fieldwork.per_day_chart(board.per_day, _("Responses per day"))
    return render_template("workspace/fieldwork.html", survey=item, board=board, chart=chart)
