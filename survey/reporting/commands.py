"""``flask report build KEY --format json|html|pdf|xlsx|docx|zip --out FILE``.

Thin: parse the options, build the report model, hand it to one writer,
write the file atomically (a failure leaves no half-written file)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click
from flask import current_app
from flask.cli import AppGroup

from survey.analysis.collapsing import DEFAULT_MINIMUM
from survey.analysis.settings import MINIMUM_MAX
from survey.cli_support import write_atomically
from survey.extensions import db
from survey.reporting.options import THRESHOLD_MAX, TRIM_MAX

if TYPE_CHECKING:
    from survey.analysis.model import Report

report_cli = AppGroup("report", help="The input report of a survey and its consultation.")

FORMATS = ("json", "html", "pdf", "xlsx", "docx", "zip")
"""``docx``: the editable Word version; ``zip``: the charts (SVG, PNG, CSV)."""


def render(model: Report, fmt: str) -> bytes:
    """The report model in one format."""
    if fmt == "json":
        from survey.reporting.json_writer import render_json

        return render_json(model.to_json())
    if fmt == "html":
        from survey.reporting.html_writer import render_report_html

        return render_report_html(model, standalone=True).encode("utf-8")
    if fmt == "pdf":
        from survey.reporting.pdf_writer import render_pdf

        return render_pdf(model)
    if fmt == "docx":
        from survey.reporting.docx_writer import render_docx

        return render_docx(model)
    if fmt == "zip":
        from survey.reporting.docx_writer import render_charts_zip

        return render_charts_zip(model)
    from survey.reporting.xlsx_writer import render_xlsx

    return render_xlsx(model)


def report_language(key: str, language: str | None) -> str:
    """The language asked for, checked: one of the survey's languages that the
    platform has texts in (``SUPPORTED_LANGUAGES``); Dutch when none is asked."""
    from survey.analysis.report import ReportError
    from survey.definitions.definition import definition_of
    from survey.definitions.store import find_survey

    default = str(current_app.config["BABEL_DEFAULT_LOCALE"])
    if language is None:
        return default
    survey = find_survey(db.session, key)
    if survey is None:
        # build_report says that the survey is unknown.
        return default
    spoken = [
        code
        for code in definition_of(survey).languages
        if code in current_app.config["SUPPORTED_LANGUAGES"]
    ]
    if language not in spoken:
        raise ReportError(
            f"--language {language}: the report can be written in {', '.join(spoken)} "
            "(the survey's languages that the platform speaks)"
        )
    return language


@report_cli.command("build")
@click.argument("key")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="json", show_default=True)
@click.option("--out", required=True, type=click.Path(dir_okay=False), help="File to write.")
@click.option(
    "--margins",
    type=click.Path(dir_okay=False),
    help="Population margins CSV (dimension,code,population); default: the consultation's.",
)
@click.option(
    "--threshold",
    type=click.IntRange(min=2, max=THRESHOLD_MAX),
    help="Cells with a count of 1 to threshold-1 are suppressed. Default, and the lowest "
    "allowed: SURVEY_SUPPRESSION_THRESHOLD (10 unless configured).",
)
@click.option(
    "--trim",
    type=click.FloatRange(min=1.0, min_open=True, max=TRIM_MAX),
    help="Keep weights between 1/TRIM and TRIM times the mean (e.g. 5: a fifth to five times).",
)
@click.option(
    "--collapse-minimum",
    type=click.IntRange(min=0, max=MINIMUM_MAX),
    help="Weighting categories with fewer complete responses are weighted together with a "
    "neighbouring one (age bands: the adjacent band with fewer). 0: no collapsing. "
    f"Default: the consultation's choice (margins page), else {DEFAULT_MINIMUM}.",
)
@click.option(
    "--collapse-into",
    multiple=True,
    metavar="DIMENSION:CODE=INTO",
    help="Weight a sparse category of a nominal dimension, or a code the margins lack, "
    "with another category (e.g. sex:3=2). Repeatable. Given at least once, these replace "
    "all of the consultation's declared merges (margins page); default: those.",
)
@click.option(
    "--weight-unanswered/--no-weight-unanswered",
    default=None,
    help="Weight responses without an answer on a weighting characteristic on the other "
    "characteristics (held at their own number on that one) instead of leaving them out. "
    "Default: the consultation's choice (margins page), else left out.",
)
@click.option(
    "--no-weighting",
    is_flag=True,
    help="Unweighted figures, even when the consultation has population margins.",
)
@click.option(
    "--language",
    help="The report's language: one of the survey's languages that the platform "
    "speaks (e.g. fr for a French report). Default: Dutch.",
)
def build(
    key: str,
    fmt: str,
    out: str,
    margins: str | None,
    threshold: int | None,
    trim: float | None,
    collapse_minimum: int | None,
    collapse_into: tuple[str, ...],
    weight_unanswered: bool | None,
    no_weighting: bool,
    language: str | None,
) -> None:
    """Build the input report of survey KEY. When the figures cannot be
    weighted (margins that do not fit the answers yet), the report is built
    unweighted, says why, and the reason is printed as a warning.

    Collapsing and the unanswered are weighted as the planner chose for the
    consultation on its margins page; --collapse-minimum, --collapse-into and
    --[no-]weight-unanswered override that choice for this report only."""
    from flask_babel import force_locale

    from survey.analysis.collapsing import parse_declarations
    from survey.analysis.margins import MarginsRefused, parse_margins
    from survey.analysis.report import ReportError, ReportSettings, build_report

    floor = int(current_app.config["SUPPRESSION_THRESHOLD"])
    if threshold is None:
        threshold = floor
    elif threshold < floor:
        # The configured threshold is a floor: only the configuration lowers it.
        raise click.UsageError(
            f"--threshold {threshold} is below the configured suppression threshold {floor} "
            "(SURVEY_SUPPRESSION_THRESHOLD): a report may raise it, never lower it."
        )

    try:
        declared = parse_declarations(collapse_into) if collapse_into else None
    except ValueError as exc:
        raise click.UsageError(str(exc)) from exc
    try:
        margin_values = None
        if margins:
            try:
                margin_values = parse_margins(Path(margins).read_bytes())
            except OSError as exc:
                raise ReportError(f"cannot read {margins}: {exc}") from exc
            except MarginsRefused as exc:
                raise ReportError("\n".join([f"{margins}:", *exc.errors])) from exc
        if no_weighting:
            if margin_values is not None:
                raise ReportError("--margins and --no-weighting cannot be used together")
            margin_values = {}
        settings = ReportSettings(
            threshold=threshold,
            margins=margin_values,
            trim=trim,
            collapse_minimum=collapse_minimum,
            collapse_into=declared,
            weight_unanswered=weight_unanswered,
            partner_sector_min=int(current_app.config["PARTNER_SECTOR_MIN"]),
            language=report_language(key, language),
        )
        with force_locale(settings.language):
            model = build_report(db.session, key, settings)
            data = render(model, fmt)
    except ReportError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from exc
    db.session.rollback()  # read only
    write_atomically(out, data)
    if model.weighting_problem is not None:
        click.echo(f"warning: {model.weighting_problem.message}", err=True)
    click.echo(f"{key}: {fmt} report written to {out} ({model.responses} responses)")
