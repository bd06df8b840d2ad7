"""The planners' ``flask`` commands: users, responses (import, export),
margins, indicators, the sample frame, samples, letters and purge. Thin
wrappers: parse, call a service, commit once, print one line; a failure
exits non-zero and stores nothing."""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext

from survey.cli_support import fail, read_file
from survey.definitions.definition import definition_of
from survey.extensions import db

if TYPE_CHECKING:
    from survey.extensions import DbSession
    from survey.models import Consultation

users_cli = AppGroup("users", help="Planner accounts.")
responses_cli = AppGroup("responses", help="Response files: import and export.")
margins_cli = AppGroup("margins", help="Population margins of a consultation.")
indicators_cli = AppGroup("indicators", help="Objective indicators of a consultation.")
frame_cli = AppGroup("frame", help="The sample frame of a consultation (register extract).")
sample_cli = AppGroup("sample", help="Stratified random samples with one-time codes.")
letters_cli = AppGroup("letters", help="Addressed letters for a sample, in waves.")


@users_cli.command("create")
@click.argument("email")
@click.option(
    "--role", type=click.Choice(["admin", "planner", "viewer"]), default="viewer", show_default=True
)
@click.option("--name", default="", help="Display name.")
@click.option(
    "--password-file",
    type=click.Path(dir_okay=False),
    help="Read the password from this file (first line).",
)
def users_create(email: str, role: str, name: str, password_file: str | None) -> None:
    """Create a planner user. The password comes from --password-file, the
    SURVEY_NEW_USER_PASSWORD environment variable, or a prompt."""
    from survey.workspace.accounts import AccountError, create_user

    if password_file:
        lines = read_file(password_file).decode("utf-8", errors="replace").splitlines()
        password = lines[0] if lines else ""
    elif os.environ.get("SURVEY_NEW_USER_PASSWORD"):
        password = os.environ["SURVEY_NEW_USER_PASSWORD"]
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = create_user(db.session, email, password, role, name)
    except AccountError as exc:
        raise fail(str(exc.message)) from exc
    db.session.commit()
    click.echo(f"user {user.email} created with role {user.role}")


@users_cli.command("list")
def users_list() -> None:
    """One line per user: e-mail, role, active."""
    from survey.workspace.accounts import list_users

    for user in list_users(db.session):
        click.echo(f"{user.email}\t{user.role}\t{'active' if user.active else 'inactive'}")


def _survey(key: str):  # type: ignore[no-untyped-def]
    from survey.definitions.store import find_survey

    survey = find_survey(db.session, key)
    if survey is None:
        raise fail(f"no survey with key {key!r}")
    return survey


def _consultation(key: str):  # type: ignore[no-untyped-def]
    from survey.planner.surveys import get_consultation

    consultation = get_consultation(db.session, key)
    if consultation is None:
        raise fail(f"no consultation with key {key!r}")
    return consultation


@responses_cli.command("import")
@click.argument("key")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option(
    "--mode",
    type=click.Choice(["import", "paper"]),
    default="import",
    show_default=True,
    help="Mode stored with each response whose row has no mode of its own.",
)
@click.option(
    "--on-duplicate",
    type=click.Choice(["skip", "replace"]),
    default="skip",
    show_default=True,
    help="A row whose response_id or form_number is already stored: skip it, or replace "
    "the stored response.",
)
def responses_import(key: str, file: str, mode: str, on_duplicate: str) -> None:
    """Store every row of a response file as a response, all or nothing. A
    row's own mode (web, paper, import: the column of an export) is kept;
    rows already stored are skipped (or replaced), never doubled."""
    from survey.responses.csv_import import ResponseImportRefused, import_responses

    survey = _survey(key)
    try:
        with open(file, "rb") as handle:
            report = import_responses(
                db.session, survey, handle, mode=mode, on_duplicate=on_duplicate
            )
    except OSError as exc:
        raise fail(f"cannot read {file}: {exc.strerror}") from exc
    except ResponseImportRefused as exc:
        db.session.rollback()
        for line in exc.report.errors:
            click.echo(line, err=True)
        hidden = exc.report.error_count - len(exc.report.errors)
        if hidden > 0:
            click.echo(f"... and {hidden} more", err=True)
        raise fail(f"{file}: nothing imported, {exc.report.error_count} error(s)") from exc
    db.session.commit()
    for line in report.warnings:
        click.echo(f"warning: {line}", err=True)
    click.echo(f"{report.stored} responses imported into {survey.key}")
    if report.replaced:
        click.echo(f"{report.replaced} stored responses replaced")
    if report.skipped:
        rows = ", ".join(str(n) for n in report.skipped[:50])
        more = " ..." if len(report.skipped) > 50 else ""
        click.echo(f"{len(report.skipped)} rows already stored, skipped: rows {rows}{more}")


@responses_cli.command("export")
@click.argument("key")
@click.option(
    "--out", type=click.Path(dir_okay=False), required=True, help="FILE.csv, FILE.xlsx or FILE.sav."
)
@click.option(
    "--language",
    default=None,
    help="Language of the labels and the codebook (XLSX, SAV); default: the survey's first.",
)
def responses_export(key: str, out: str, language: str | None) -> None:
    """Write the responses of a survey as a response file (CSV), or XLSX or
    SPSS .sav (by the file's extension), with the weight column when the
    consultation has population margins."""
    from survey.planner.exports import FORMATS, write_export

    survey = _survey(key)
    path = Path(out)
    ext = path.suffix.lower()
    if ext.lstrip(".") not in FORMATS:
        raise fail("--out must end in .csv, .xlsx or .sav")
    if language is not None and language not in definition_of(survey).languages:
        raise fail(
            f"{survey.key} has no language {language!r} "
            f"(it has {', '.join(definition_of(survey).languages)})"
        )
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp{ext}")
    try:
        write_export(db.session, survey, ext.lstrip("."), str(tmp), language)
        tmp.replace(path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise fail(f"cannot write {out}: {exc.strerror or exc}") from exc
    except Exception:
        tmp.unlink(missing_ok=True)
        raise
    click.echo(f"{survey.key} exported to {out}")


def _import_csv(
    consultation: str,
    file: str,
    importer: Callable[[DbSession, Consultation, bytes], int],
    what: str,
) -> None:
    """Store ``file`` in the consultation with ``importer``, all or nothing:
    every CSV error on stderr and a one-line failure, or one line saying
    how many ``what`` (margins, indicators) were stored."""
    from survey.planner.csvfile import CsvRefused

    item = _consultation(consultation)
    try:
        stored = importer(db.session, item, read_file(file))
    except CsvRefused as exc:
        for line in exc.errors:
            click.echo(line, err=True)
        raise fail(f"{file}: nothing stored, {len(exc.errors)} error(s)") from exc
    db.session.commit()
    click.echo(f"{stored} {what} stored for {item.key}")


@margins_cli.command("import")
@click.argument("consultation")
@click.argument("file", type=click.Path(dir_okay=False))
def margins_import(consultation: str, file: str) -> None:
    """Store population margins (dimension,code,population), all or nothing.
    Warns when the dimensions' totals disagree."""
    from survey.planner.margins import import_margins, margins_of, totals_warning

    _import_csv(consultation, file, import_margins, "margins")
    warning = totals_warning(margins_of(db.session, _consultation(consultation)))
    if warning:
        click.echo(f"warning: {warning}", err=True)


@indicators_cli.command("import")
@click.argument("consultation")
@click.argument("file", type=click.Path(dir_okay=False))
def indicators_import(consultation: str, file: str) -> None:
    """Store objective indicators (phenomenon,year,value[,unit,source])."""
    from survey.planner.indicators import import_indicators

    _import_csv(consultation, file, import_indicators, "indicators")


@frame_cli.command("import")
@click.argument("consultation")
@click.argument("file", type=click.Path(dir_okay=False))
def frame_import(consultation: str, file: str) -> None:
    """Store a register extract as the consultation's frame, all or nothing
    (name,address,postcode,municipality,district,age|birth_year,sex,language)."""
    from survey.planner.frame import import_frame

    _import_csv(
        consultation,
        file,
        lambda session, item, data: import_frame(session, item, data, Path(file).name).people,
        "people of the sample frame",
    )


@sample_cli.command("draw")
@click.argument("key")
@click.option("--strata", default="district,sex,age", show_default=True, help="Frame dimensions.")
@click.option("--size", type=int, required=True, help="Sample size (or per stratum).")
@click.option("--per-stratum", is_flag=True, help="Draw --size in every stratum.")
@click.option(
    "--minimum", type=int, default=0, show_default=True, help="At least this many per stratum."
)
@click.option("--age-bands", default="18,35,50,65", show_default=True, help="Lower bounds.")
@click.option("--seed", type=int, default=None, help="Repeat an earlier draw with its seed.")
def sample_draw(
    key: str,
    strata: str,
    size: int,
    per_stratum: bool,
    minimum: int,
    age_bands: str,
    seed: int | None,
) -> None:
    """Draw a stratified random sample from the consultation's frame and
    give every drawn person a one-time code."""
    from survey.planner.frame import current_frame
    from survey.planner.sample import SampleRefused, draw_sample, parse_age_bands

    survey = _survey(key)
    frame = current_frame(db.session, survey.consultation)
    if frame is None:
        raise fail(f"{survey.consultation.key} has no sample frame: run frame import first")
    try:
        sample = draw_sample(
            db.session,
            survey,
            frame,
            dimensions=[d.strip() for d in strata.split(",") if d.strip()],
            method="per_stratum" if per_stratum else "proportional",
            size=size,
            minimum=minimum,
            age_bands=parse_age_bands(age_bands),
            seed=seed,
        )
    except SampleRefused as exc:
        raise fail(str(exc)) from exc
    db.session.commit()
    click.echo(
        f"{sample.drawn} people drawn for {survey.key} in {len(sample.strata)} strata "
        f"(seed {sample.seed})"
    )


def _latest_sample(key: str):  # type: ignore[no-untyped-def]
    from survey.planner.sample import latest_sample

    survey = _survey(key)
    sample = latest_sample(db.session, survey)
    if sample is None:
        raise fail(f"{survey.key} has no sample: run sample draw first")
    return survey, sample


@letters_cli.command("print")
@click.argument("key")
@click.option("--out", type=click.Path(dir_okay=False), required=True, help="FILE.pdf")
@click.option("--reminder", is_flag=True, help="The next reminder wave: unused codes only.")
def letters_print(key: str, out: str, reminder: bool) -> None:
    """Print a wave of addressed letters of the survey's latest sample."""
    from survey.planner import mailing

    _, sample = _latest_sample(key)
    try:
        run = mailing.start_run(db.session, sample, reminder=reminder)
    except mailing.MailingRefused as exc:
        raise fail(str(exc)) from exc
    db.session.commit()
    mailing.execute_run(db.session, run.id)
    made = mailing.run_file(run)
    if made is None:
        raise fail(f"letters not printed: {run.error}")
    try:
        made.replace(out)
    except OSError as exc:
        raise fail(f"cannot write {out}: {exc.strerror}") from exc
    mailing.delete_run_file(db.session, run)
    db.session.commit()
    click.echo(f"{run.total} letters (wave {run.wave}) written to {out}")


@letters_cli.command("csv")
@click.argument("key")
@click.option("--out", type=click.Path(dir_okay=False), required=True, help="FILE.csv")
@click.option("--wave", type=int, default=1, show_default=True, help="2 and up: unused codes only.")
def letters_csv(key: str, out: str, wave: int) -> None:
    """Write the recipients of a wave for an external mail house."""
    from survey.cli_support import write_atomically
    from survey.planner import mailing

    survey, sample = _latest_sample(key)
    people = mailing.recipients(db.session, sample, wave)
    if not people:
        raise fail("nobody to send letters to in this wave")
    base = str(current_app.config["PUBLIC_BASE_URL"])
    write_atomically(out, mailing.mailhouse_csv(people, wave, base, survey))
    click.echo(f"{len(people)} recipients (wave {wave}) written to {out}")


@click.command("purge")
@click.option(
    "--consultation",
    "key",
    default=None,
    help="Only this consultation (default: every consultation past its retention date).",
)
@click.option("--dry-run", is_flag=True, help="Only count what would be removed.")
@click.option("--force", is_flag=True, help="Purge even before the retention date.")
@with_appcontext
def purge(key: str | None, dry_run: bool, force: bool) -> None:
    """Delete the sample's addresses and code links of consultations past
    their end of fieldwork; also delete invitation codes and drafts and
    blank raw free text of those past their retention date. Logged as
    counts."""
    from survey.planner.purge import PurgeRefused, due_consultations, purge_consultation

    targets = [_consultation(key)] if key else due_consultations(db.session)
    if not targets:
        click.echo(
            "nothing to purge: no consultation is past its end of fieldwork or retention date"
        )
        return
    for item in targets:
        try:
            counts = purge_consultation(
                db.session, item, dry_run=dry_run, force=force, actor="command line"
            )
        except PurgeRefused as exc:
            raise fail(f"{item.key}: {exc.message}") from exc
        verb = "would remove" if dry_run else "removed"
        click.echo(
            f"{item.key}: {verb} {counts.codes} codes, {counts.drafts} drafts, "
            f"{counts.free_texts} raw free texts, {counts.addresses} addresses, "
            f"{counts.sample_links} code-to-address links"
        )
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()


def register(app: Flask) -> None:
    """Add the planner commands (users, responses, margins, indicators, frame, sample, letters,
    purge) to ``flask``."""
    for command in (
        users_cli,
        responses_cli,
        margins_cli,
        indicators_cli,
        frame_cli,
        sample_cli,
        letters_cli,
        purge,
    ):
        app.cli.add_command(command)
