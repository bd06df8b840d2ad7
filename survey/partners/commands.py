"""``flask partners ...``: import organisations, issue links, follow up.

Thin wrappers over the services of this package; each command commits
once, or stores nothing and exits non-zero with the reason."""

from __future__ import annotations

import io
import os
import tempfile
from pathlib import Path

import click
from flask.cli import AppGroup

from survey.definitions.store import find_survey
from survey.extensions import db
from survey.models import Survey
from survey.partners import links, organisations
from survey.privacy.spreadsheets import csv_writer
from survey.urls import base_url_option, public_url

partners_cli = AppGroup("partners", help="Partner organisations and their personal links.")


def _survey(key: str) -> Survey:
    survey = find_survey(db.session, key)
    if survey is None or survey.access != "partner":
        raise click.ClickException(f"no partner survey with key {key!r}")
    return survey


def _write_atomic(path: str, data: bytes) -> None:
    """Write the whole file or nothing (a temporary file, then a rename)."""
    target = Path(path)
    handle, temp = tempfile.mkstemp(dir=target.parent or Path("."), prefix=".partners-")
    try:
        with os.fdopen(handle, "wb") as fh:
            fh.write(data)
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


@partners_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
def import_command(file: str) -> None:
    """Import organisations from a CSV file (name,sector,email): all or nothing."""
    result = organisations.import_csv(db.session, Path(file).read_bytes())
    if not result.ok:
        db.session.rollback()
        for line, message in result.errors:
            click.echo(f"line {line}: {message}", err=True)
        raise click.ClickException("nothing was imported")
    db.session.commit()
    click.echo(f"{len(result.created)} organisations imported")


@partners_cli.command("links")
@click.argument("key")
@click.option("--out", required=True, type=click.Path(dir_okay=False), help="CSV file to write.")
@click.option(
    "--base-url",
    callback=base_url_option,
    help="Address of the platform, e.g. https://bevraging.zone.be "
    "(default: SURVEY_PUBLIC_BASE_URL).",
)
@click.option(
    "--organisation",
    "names",
    multiple=True,
    help="Only this organisation (a new link replaces its current one). Repeatable.",
)
def links_command(key: str, out: str, base_url: str | None, names: tuple[str, ...]) -> None:
    """Issue personal links (for every organisation without an active link,
    or for the named ones) and write name,sector,email,link to a CSV file.
    The links are in this file only: the platform keeps just a hash."""
    survey = _survey(key)
    if names:
        by_name = {
            organisations.name_key(o.name): o for o in organisations.list_organisations(db.session)
        }
        missing = [n for n in names if organisations.name_key(n) not in by_name]
        if missing:
            raise click.ClickException(f"unknown organisation(s): {', '.join(missing)}")
        targets = [by_name[organisations.name_key(n)] for n in names]
    else:
        targets = [
            r.organisation
            for r in links.status_rows(db.session, survey)
            if r.link is None or r.link.revoked_at is not None
        ]
    buffer = io.StringIO()
    writer = csv_writer(buffer)
    writer.writerow(["name", "sector", "email", "link"])
    for organisation in targets:
        issued = links.issue_link(db.session, organisation, survey)
        writer.writerow(
            [
                organisation.name,
                organisation.sector,
                organisation.contact_email,
                public_url("partner.start", base=base_url, token=issued.token),
            ]
        )
    try:
        _write_atomic(out, buffer.getvalue().encode("utf-8-sig"))
    except OSError as exc:
        db.session.rollback()
        raise click.ClickException(f"cannot write {out}: {exc}") from exc
    db.session.commit()
    click.echo(f"{len(targets)} links written to {out}")


@partners_cli.command("status")
@click.argument("key")
def status_command(key: str) -> None:
    """One line per organisation: status, name, e-mail address."""
    survey = _survey(key)
    for row in links.status_rows(db.session, survey):
        click.echo(f"{row.status.value}\t{row.organisation.name}\t{row.organisation.contact_email}")
    db.session.rollback()
