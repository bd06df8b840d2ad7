"""The input report in the planners' workspace, under ``/planner/rapporten``:
an overview of the surveys, the report page with its options and its
charts (each its own request), the downloads (XLSX, JSON, HTML, DOCX, ZIP),
the PDF made in the background with its progress page, and the report
stylesheet.

Every page and download builds the report model with the same options
(``survey.reporting.options``), so the numbers are the same in every format.
Routes parse, call ``build_report`` and a writer, and render. Two things are
stored: the PDF, whose layout takes seconds to minutes, so the page starts a
job (``survey.reporting.pdf_jobs``) and shows its progress instead of
making the planner's request wait; and the page's charts, ~2 s of drawing
on the demo, so the page names them and the browser fetches each
(``survey.reporting.chart_store``)."""

from __future__ import annotations

import json
from contextlib import AbstractContextManager, nullcontext
from typing import Any
from urllib.parse import urlencode

from flask import (
    Response,
    abort,
    current_app,
    g,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import force_locale
from markupsafe import Markup

from survey.analysis.report import Report, ReportError, ReportSettings, build_report
from survey.definitions.definition import definition_of
from survey.extensions import db
from survey.i18n import language_name
from survey.models import Survey
from survey.planner import surveys
from survey.reporting import chart_store, pdf_jobs
from survey.reporting.options import ReportOptions, parse_options, report_languages
from survey.reporting.problems import problem_text
from survey.workspace.shell import Access, survey_or_404, workspace_blueprint

bp = workspace_blueprint("reports", __name__, "/rapporten")

DOWNLOADS: dict[str, str] = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
    "html": "text/html; charset=utf-8",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "zip": "application/zip",
}


def _floor() -> int:
    """The configured threshold (``SURVEY_SUPPRESSION_THRESHOLD``): no role
    gets a report with a lower one; only the configuration changes it."""
    return int(current_app.config["SUPPRESSION_THRESHOLD"])


def _languages(survey: Survey) -> list[str]:
    """The languages the survey's report can be written in."""
    return report_languages(definition_of(survey).languages)


def _options(survey: Survey) -> tuple[ReportOptions | None, dict[str, Any]]:
    return parse_options(request.args, _floor(), _languages(survey))


def _in_language(options: ReportOptions) -> AbstractContextManager[Any]:
    """The report's texts in the language asked for (the workspace around
    them stays in the planner's own language)."""
    return nullcontext() if options.language is None else force_locale(options.language)


def default_settings() -> ReportSettings:
    """The settings of the report page opened without options (the
    configured threshold, weighting and cross-tabs on): what the fieldwork
    page's topline is built with, so it hides what the report hides."""
    return _settings(ReportOptions(threshold=_floor()))


def _settings(options: ReportOptions) -> ReportSettings:
    return options.settings(int(current_app.config["PARTNER_SECTOR_MIN"]))


@bp.get("/", access=Access.VIEW)
def index() -> ResponseReturnValue:
    """Every survey by consultation with a link to its input report, for
    every role."""
    return render_template("workspace/reports.html", overview=surveys.overview(db.session))


@bp.get("/report.css", access=Access.VIEW)
def stylesheet() -> ResponseReturnValue:
    """The report stylesheet (``reports/report.css``, which a zone may
    restyle): linked, because the CSP refuses inline styles."""
    from survey.reporting.html_writer import stylesheet as report_css

    return Response(report_css(), mimetype="text/css")


@bp.get("/<key>", access=Access.VIEW)
def report(key: str) -> ResponseReturnValue:
    """A survey's input report on screen, for every role, with the options
    form (suppression threshold, weighting and its trim, cross-tabs): 400
    with the options' problems, 422 with the reason the report cannot be
    built."""
    # The writers import matplotlib: only when a report is asked for.
    from survey.analysis.weighting_summary import dimension_label
    from survey.reporting.html_writer import render_report_html
    from survey.reporting.numbers import fixed

    survey = survey_or_404(key)
    options, problems = _options(survey)
    model: Report | None = None
    fragment = Markup("")
    error = None
    if options is not None:
        try:
            with _in_language(options):
                model = build_report(db.session, survey.key, _settings(options))
                page_charts = (
                    chart_store.PageCharts(survey.key, options.query())
                    if chart_store.SEPARATE
                    else None
                )
                # The fragment is escaped by the report templates themselves.
                fragment = Markup(  # noqa: S704
                    render_report_html(
                        model, chart_image=page_charts.image if page_charts else None
                    )
                )
        except ReportError as exc:
            error = problem_text(exc)
    db.session.rollback()  # read only
    status = 400 if problems else 422 if error else 200
    return (
        render_template(
            "workspace/report.html",
            survey=survey,
            options=options,
            form=request.args,
            problems=problems,
            error=error,
            model=model,
            fragment=fragment,
            default_threshold=_floor(),
            languages=_languages(survey),
            default_language=current_app.config["BABEL_DEFAULT_LOCALE"],
            language_name=language_name,
            dimension_label=dimension_label,
            fixed=fixed,
        ),
        status,
    )


@bp.get("/<key>/grafiek/<chart>.svg", access=Access.VIEW)
def chart(key: str, chart: str) -> ResponseReturnValue:
    """One chart of the report page (``survey.reporting.chart_store``), for
    every role that may open the page: drawn on the first request, then
    read from the store; the address changes with the chart, so the
    browser may keep it. 404 for a chart this survey's page never named."""
    survey = survey_or_404(key)
    svg = chart_store.stored_svg(survey.key, chart)
    if svg is None and chart_store.is_key(chart):
        # Named by a page of another app instance (whose store this one
        # does not share), or tidied since: the report of the address's
        # options names its charts again here, once for all of them.
        _store_charts(survey)
        svg = chart_store.stored_svg(survey.key, chart)
    db.session.rollback()  # read only
    if svg is None:
        abort(404)
    # The chart is the published figures of the page that named it, and
    # its address is its content's: it may be kept, but by this browser only.
    g.no_store = False
    return Response(
        svg,
        mimetype="image/svg+xml",
        headers={"Cache-Control": f"private, max-age={chart_store.CACHE_SECONDS}, immutable"},
    )


def _store_charts(survey: Survey) -> None:
    """Store the inputs of every chart of the report page of ``survey``
    with the options in the address (nothing when they are wrong or the
    report cannot be built)."""
    from survey.reporting.html_writer import build_charts

    options, _problems = _options(survey)
    if options is None:
        return
    try:
        with _in_language(options):
            model = build_report(db.session, survey.key, _settings(options))
            page_charts = chart_store.PageCharts(survey.key, options.query())
            for found in build_charts(model).values():
                page_charts.keep(found)
    except ReportError:
        return


@bp.get("/<key>/inputrapport.<fmt>", access=Access.VIEW)
def download(key: str, fmt: str) -> ResponseReturnValue:
    """The input report with the same options as an XLSX, JSON, HTML, DOCX
    or ZIP file, for every role; the report page with its messages when it
    cannot be built. The PDF address leads to the PDF's page (made in the
    background, never in this request)."""
    if fmt not in DOWNLOADS:
        abort(404)
    survey = survey_or_404(key)
    options, _problems = _options(survey)
    if options is None:
        return report(key)  # the page with the messages
    if fmt == "pdf":
        return redirect(_pdf_page_url(survey.key, options), 303)
    from survey.reporting.commands import render

    try:
        with _in_language(options):
            model = build_report(db.session, survey.key, _settings(options))
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


def _pdf_page_url(key: str, options: ReportOptions) -> str:
    return f"{url_for('.pdf_page', key=key)}?{urlencode(options.query())}"


def _job_query(survey: Survey, options: ReportOptions) -> dict[str, str]:
    """What names a PDF job: the options, and the consultation's weighting
    choices, so that a PDF made before a planner changed them is not offered
    as the PDF of the report the page now shows (none saved: the options
    alone, as before)."""
    stored = survey.consultation.weighting
    if stored is None:
        return options.query()
    return {**options.query(), "weighting_choices": json.dumps(stored, sort_keys=True)}


def _pdf_job(survey: Survey, options: ReportOptions) -> pdf_jobs.PdfJob | None:
    settings = _settings(options)
    query = _job_query(survey, options)
    return pdf_jobs.read_job(pdf_jobs.job_id(survey.key, query, settings.language))


@bp.post("/<key>/pdf", access=Access.VIEW)
def start_pdf(key: str) -> ResponseReturnValue:
    """Start making the PDF with the options in the address (or join the
    job of the same options under way), then show its page."""
    survey = survey_or_404(key)
    options, _problems = _options(survey)
    if options is None:
        return report(key)  # the page with the messages
    pdf_jobs.start(
        current_app._get_current_object(),  # type: ignore[attr-defined]
        survey.key,
        _job_query(survey, options),
        _settings(options),
    )
    return redirect(_pdf_page_url(survey.key, options), 303)


@bp.get("/<key>/pdf", access=Access.VIEW)
def pdf_page(key: str) -> ResponseReturnValue:
    """The PDF with these options: a button to make it, its progress while
    it is made (the page refreshes itself; with JavaScript a live region
    follows it), the download when it is ready, or why it failed with a
    button to try again."""
    survey = survey_or_404(key)
    options, _problems = _options(survey)
    if options is None:
        return report(key)  # the page with the messages
    job = _pdf_job(survey, options)
    return render_template(
        "workspace/report_pdf.html",
        survey=survey,
        options=options,
        job=job,
        ready=job is not None and pdf_jobs.pdf_file(job) is not None,
        progress_text=pdf_jobs.progress_text,
        failure_text=pdf_jobs.failure_text,
        made_text=pdf_jobs.made_text,
    )


@bp.get("/<key>/pdf/voortgang", access=Access.VIEW)
def pdf_progress(key: str) -> ResponseReturnValue:
    """The job's progress as JSON (the page's script asks every two seconds)."""
    survey = survey_or_404(key)
    options, _problems = _options(survey)
    job = _pdf_job(survey, options) if options is not None else None
    if job is None:
        abort(404)
    state = "running" if job.running else job.state
    return {
        "state": "failed" if job.stale else state,
        "done": job.percent,
        "total": 100,
        "percent": job.percent,
        "message": pdf_jobs.progress_text(job),
    }


@bp.get("/<key>/pdf/<job_id>.pdf", access=Access.VIEW)
def pdf_file(key: str, job_id: str) -> ResponseReturnValue:
    """The finished PDF of a job of this survey; 404 otherwise."""
    survey = survey_or_404(key)
    job = pdf_jobs.read_job(job_id)
    path = pdf_jobs.pdf_file(job) if job is not None and job.survey == survey.key else None
    if job is None or path is None:
        abort(404)
    return send_file(
        path, mimetype="application/pdf", as_attachment=True, download_name=job.download_name
    )
