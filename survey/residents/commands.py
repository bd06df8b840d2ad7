"""``flask codes generate``: one-time invitation codes to print on letters."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from survey.extensions import db
from survey.urls import base_url_option, public_url

codes_cli = AppGroup("codes", help="One-time invitation codes for letters.")


@codes_cli.command("generate")
@click.argument("key")
@click.option("--count", type=int, required=True, help="How many codes to make.")
@click.option(
    "--out", type=click.Path(dir_okay=False), required=True, help="CSV file to write (code,link)."
)
@click.option("--batch", default=None, help="A name for this batch (default: date + random).")
@click.option(
    "--base-url",
    default=None,
    callback=base_url_option,
    help="Start of the links, e.g. https://bevraging.example.be (default: SURVEY_PUBLIC_BASE_URL).",
)
def codes_generate(key: str, count: int, out: str, batch: str | None, base_url: str | None) -> None:
    """Make COUNT codes for survey KEY and write them with their links."""
    from survey.definitions.store import find_survey
    from survey.residents.codes import CodesRefused, write_codes_file

    survey = find_survey(db.session, key)
    if survey is None:
        raise click.ClickException(f"no survey with key {key!r}")
    survey_key = survey.key

    def link_for(code: str) -> str:
        return public_url("residents.code", base=base_url, key=survey_key, code=code)

    try:
        result = write_codes_file(db.session, survey, count, Path(out), link_for, batch)
    except CodesRefused as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from exc
    except OSError as exc:
        db.session.rollback()
        raise click.ClickException(f"cannot write {out}: {exc.strerror or exc}") from exc
    click.echo(
        f"{len(result.codes)} codes for {survey.key} (batch {result.batch}) written to {out}"
    )
