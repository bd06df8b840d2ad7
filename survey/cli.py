"""The ``flask`` commands (docs/command-line.md): thin wrappers that parse
arguments, call a service, commit once and print one line. A failure exits
non-zero with a one-line reason and leaves nothing half-written."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import func, select

from survey.cli_support import fail, read_file, write_atomically
from survey.extensions import db

surveys_cli = AppGroup(
    "surveys", help="Survey definitions: list, validate, import, export, open, close."
)


@surveys_cli.command("list")
def surveys_list() -> None:
    """One line per survey: key, audience, access, state, responses."""
    from survey.models import Response, Survey

    counts = dict(
        db.session.execute(
            select(Response.survey_id, func.count()).group_by(Response.survey_id)
        ).all()
    )
    surveys = db.session.scalars(select(Survey).order_by(Survey.key)).all()
    if not surveys:
        click.echo("no surveys")
    for survey in surveys:
        click.echo(
            f"{survey.key}\t{survey.audience}\t{survey.access}\t{survey.state.value}\t"
            f"{counts.get(survey.id, 0)}"
        )


@surveys_cli.command("validate")
@click.argument("file", type=click.Path(dir_okay=False))
def surveys_validate(file: str) -> None:
    """Check a survey file; list every problem with its path."""
    from survey.definitions.validation import validate_file

    result = validate_file(read_file(file))
    if result.ok:
        click.echo(f"{file}: valid")
        return
    for problem in result.problems:
        click.echo(problem)
    raise fail(f"{file}: {len(result.problems)} problem(s)")


@surveys_cli.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
def surveys_import(file: str) -> None:
    """Store a new survey, or a new version of a draft survey."""
    from survey.definitions.loader import LoadError, load_definition
    from survey.definitions.store import ImportRefused, import_survey

    try:
        raw = load_definition(read_file(file))
        result = import_survey(db.session, raw)
    except LoadError as exc:
        raise fail(f"{file}: {exc}") from exc
    except ImportRefused as exc:
        for problem in exc.problems:
            click.echo(problem, err=True)
        raise fail(f"{file}: not imported, {len(exc.problems)} problem(s)") from exc
    db.session.commit()
    survey = result.survey
    verb = "imported" if result.created else f"updated to version {survey.version}"
    click.echo(f"{survey.key} {verb} ({len(survey.definition['pages'])} pages)")


@surveys_cli.command("export")
@click.argument("key")
@click.option("--out", type=click.Path(dir_okay=False), help="Write here instead of stdout.")
def surveys_export(key: str, out: str | None) -> None:
    """Write a survey's definition back as YAML."""
    from survey.definitions.lifecycle import SurveyNotFound, get_survey
    from survey.definitions.store import export_yaml

    try:
        text = export_yaml(get_survey(db.session, key))
    except SurveyNotFound as exc:
        raise fail(str(exc)) from exc
    if out:
        write_atomically(Path(out), text.encode("utf-8"))
        click.echo(f"{key} written to {out}")
    else:
        sys.stdout.write(text)


def _transition(key: str, action: str) -> None:
    from survey.definitions.lifecycle import SurveyNotFound, close_survey, open_survey
    from survey.models import InvalidTransition

    try:
        survey = (open_survey if action == "open" else close_survey)(db.session, key)
    except (SurveyNotFound, InvalidTransition) as exc:
        raise fail(str(exc)) from exc
    db.session.commit()
    click.echo(f"{survey.key} is now {survey.state.value}")


@surveys_cli.command("open")
@click.argument("key")
def surveys_open(key: str) -> None:
    """Open collection (a draft, or reopen a closed survey)."""
    _transition(key, "open")


@surveys_cli.command("close")
@click.argument("key")
def surveys_close(key: str) -> None:
    """Close collection."""
    _transition(key, "close")


@click.command("demo")
@with_appcontext
@click.option("--seed", default=2026, show_default=True, help="Seed of the synthetic data.")
@click.option(
    "--residents",
    type=click.IntRange(min=0, max=100_000),
    default=1500,
    show_default=True,
    help="Synthetic resident responses.",
)
def demo(seed: int, residents: int) -> None:
    """Load the demo consultation with synthetic (not real) responses."""
    from survey.demo.loader import DemoError, load_demo

    try:
        summary = load_demo(db.session, seed=seed, residents=residents)
    except DemoError as exc:
        raise fail(str(exc)) from exc
    db.session.commit()
    click.echo(summary)


def register_commands(app: Flask) -> None:
    """Every command group; each area keeps its commands next to its services."""
    from survey.partners.commands import partners_cli
    from survey.planner.commands import register as register_planner_commands
    from survey.reporting.commands import report_cli
    from survey.residents.commands import codes_cli

    app.cli.add_command(surveys_cli)
    app.cli.add_command(demo)
    app.cli.add_command(report_cli)
    app.cli.add_command(codes_cli)
    app.cli.add_command(partners_cli)
    register_planner_commands(app)
