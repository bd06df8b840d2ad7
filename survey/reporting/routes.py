"""The input report in the planners' workspace, under ``/planner/rapporten``:
an overview of the surveys, the report page with its options, the downloads
(PDF, XLSX, JSON, HTML) and the report stylesheet.

Every page and download builds the report model with the same options
(``survey.reporting.options``), so the numbers are the same in every format.
Routes parse, call ``build_report`` and a writer, and render; nothing is
stored."""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    g,
    render_template,
    request,
)
from flask.typing import ResponseReturnValue
from flask_login import current_user
from markupsafe import Markup

from survey.analysis.report import Report, ReportError, build_report
from survey.extensions import db
from survey.models import Role
from survey.planner import accounts, surveys
from survey.planner.accounts import VIEW, require_role
from survey.planner.routes import _idle_timeout
from survey.reporting.options import ReportOptions, parse_options
from survey.reporting.problems import problem_text

bp = Blueprint("reports", __name__, url_prefix="/planner/rapporten")

# The same session rules as the rest of the workspace: idle logout, no-store.
bp.before_request(_idle_timeout)

DOWNLOADS: dict[str, str] = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
    "html": "text/html; charset=utf-8",
}


@bp.context_processor
def _context() -> dict[str, Any]:
    # The planner layout's navigation needs these (the planner blueprint's
    # own context processor does not run for this blueprint).
    return {
        "can_manage": accounts.has_role(current_user, Role.PLANNER),
        "is_admin": accounts.has_role(current_user),
        "Role": Role,
        "has_reports": True,
    }


def _survey_or_404(key: str) -> Any:
    from survey.definitions.store import find_survey

    survey = find_survey(db.session, key)
    if survey is None:
        abort(404)
    return survey


def _floor() -> int:
    """The configured threshold (``SURVEY_SUPPRESSION_THRESHOLD``): no role
    gets a report with a lower one; only the configuration changes it."""
    return int(current_app.config["SUPPRESSION_THRESHOLD"])


def _options() -> tuple[ReportOptions | None, dict[str, Any]]:
    return parse_options(request.args, _floor())


@bp.get("/")
@require_role(*VIEW)
def index() -> ResponseReturnValue:
    g.no_store = True
    return render_template("reports/index.html", overview=surveys.overview(db.session))


@bp.get("/report.css")
@require_role(*VIEW)
def stylesheet() -> ResponseReturnValue:
    """The report stylesheet (``reports/report.css``, which a zone may
    restyle): linked, because the CSP refuses inline styles."""
    from survey.reporting.html_writer import stylesheet as report_css

    return Response(report_css(), mimetype="text/css")


@bp.get("/<key>")
@require_role(*VIEW)
def report(key: str) -> ResponseReturnValue:
    # The writers import matplotlib: only when a report is asked for.
    from survey.reporting.html_writer import dimension_label, fixed, render_report_html

    g.no_store = True
    survey = _survey_or_404(key)
    options, problems = _options()
    model: Report | None = None
    fragment = Markup("")
    error = None
    if options is not None:
        try:
            model = build_report(
                db.session,
                survey.key,
                options.settings(int(current_app.config["PARTNER_SECTOR_MIN"])),
            )
        except ReportError as exc:
            error = problem_text(exc)
        else:
            # The fragment is escaped by the report templates themselves.
            fragment = Markup(render_report_html(model))  # noqa: S704
    db.session.rollback()  # read only
    status = 400 if problems else 422 if error else 200
    return (
        render_template(
            "reports/report.html",
            survey=survey,
            options=options,
            form=request.args,
            problems=problems,
            error=error,
            model=model,
            fragment=fragment,
            default_threshold=_floor(),
            dimension_label=dimension_label,
            fixed=fixed,
        ),
        status,
    )


@bp.get("/<key>/inputrapport.<fmt>")
@require_role(*VIEW)
def download(key: str, fmt: str) -> ResponseReturnValue:
    g.no_store = True
    if fmt not in DOWNLOADS:
        abort(404)
    survey = _survey_or_404(key)
    options, _problems = _options()
    if options is None:
        return report(key)  # the page with the messages
    from survey.reporting.commands import render

    try:
        model = build_report(
            db.session, survey.key, options.settings(int(current_app.config["PARTNER_SECTOR_MIN"]))
        )
        data = render(model, fmt)
    except ReportError:
        db.session.rollback()
        return report(key)
    db.session.rollback()  # read only
    filename = f"inputrapport-{survey.key}-{model['generated_on']}.{fmt}"
    return Response(
        data,
        mimetype=DOWNLOADS[fmt],
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
