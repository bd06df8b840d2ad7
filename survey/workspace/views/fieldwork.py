"""Fieldwork: invitation letters with one-time codes, and the fieldwork
dashboard with its figures as JSON for a refresh without reload."""

from __future__ import annotations

from dataclasses import replace

from flask import Response, current_app, jsonify, render_template
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from survey.analysis.report import ReportSettings
from survey.extensions import db
from survey.planner import fieldwork, surveys
from survey.planner import letters as letter_files
from survey.residents.codes import CodesRefused
from survey.workspace.forms import LettersForm
from survey.workspace.shell import Access, survey_or_404, workspace_blueprint
from survey.workspace.views.reports import default_settings

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
                body = letter_files.letters_pdf(batch, base, item)
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


def _topline_settings() -> ReportSettings:
    """The report the topline is read from: the report page's defaults
    without its results by group. The cross-tabs are what makes the
    disclosure audit slow on a few responses (minutes, early in fieldwork,
    on every refresh), and the report without them is one the report page
    publishes too (its "results by group: off"), so the topline still hides
    exactly what a published report hides."""
    return replace(default_settings(), crosstabs=False)


@bp.get("/<key>/veldwerk", access=Access.VIEW)
def dashboard(key: str) -> ResponseReturnValue:
    """The fieldwork dashboard, for every role: responses in all and by mode,
    per day (a chart and its table), codes used and issued, drafts started
    and finished, drop-off per page, completion time, response rate per
    wave and stratum, per dimension the respondents' share of each group
    beside its share of the population (to see which group needs a
    reminder), and the topline of the key questions as the report publishes
    it. Without JavaScript a "Refresh" link reloads it; with it, the
    figures follow ``dashboard_figures``."""
    item = survey_or_404(key)
    board = fieldwork.dashboard(db.session, item, _topline_settings())
    db.session.rollback()  # read only
    chart = fieldwork.per_day_chart(board.per_day, _("Responses per day"))
    return render_template(
        "workspace/fieldwork.html",
        survey=item,
        board=board,
        chart=chart,
        live=fieldwork.live_figures(board),
    )


@bp.get("/<key>/veldwerk.json", access=Access.VIEW)
def dashboard_figures(key: str) -> ResponseReturnValue:
    """The dashboard's changing figures as JSON (``{"figures": {key:
    text}}``, the keys of ``fieldwork.live_figures``), which the page polls
    to refresh without a reload; for every role, as the page."""
    item = survey_or_404(key)
    board = fieldwork.dashboard(db.session, item, _topline_settings())
    db.session.rollback()  # read only
    return jsonify({"figures": fieldwork.live_figures(board)})
