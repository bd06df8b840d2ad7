"""Invitation letters: a batch of one-time codes, handed out once as a CSV
for a mail merge or as a print-ready PDF of Dutch letters (one A4 page per
letter: the code, the link and a QR code of the link with the code).

Codes are made by ``survey.residents.codes.generate_codes`` (only their
hashes are stored). The plain codes exist only in the response of the
request that made them: the file is built in memory and streamed back,
nothing is written to disk.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import segno
from flask import render_template

from survey.definitions.definition import definition_of
from survey.extensions import DbSession
from survey.i18n import text_for
from survey.models import Survey
from survey.residents.codes import CodeBatch, codes_csv, generate_codes
from survey.urls import public_url

# WeasyPrint lays out about 30 letters a second: larger mailings are made in
# several batches (or with the CSV and a mail merge), so a request stays short.
MAX_LETTERS_PDF = 500


@dataclass(frozen=True)
class Letter:
    code: str
    link: str
    qr_data_uri: str


def start_link(base_url: str, survey: Survey) -> str:
    """The address printed on the letter, to type by hand."""
    return public_url("residents.start", base=base_url, key=survey.key)


def link_maker(base_url: str, survey: Survey) -> Callable[[str], str]:
    """The link with the code filled in (for the QR code and the CSV), in
    the same form as the ``codes generate`` command."""
    key = survey.key
    return lambda code: public_url("residents.code", base=base_url, key=key, code=code)


def make_codes(session: DbSession, survey: Survey, count: int) -> CodeBatch:
    """Generate and store (hashed) ``count`` codes; raises ``CodesRefused``."""
    return generate_codes(session, survey, count)


def letters_csv(batch: CodeBatch, base_url: str, survey: Survey) -> bytes:
    return codes_csv(batch.codes, link_maker(base_url, survey))


def letters_pdf(batch: CodeBatch, base_url: str, survey: Survey, sender: str) -> bytes:
    """The letters as one PDF, one A4 page per code."""
    from weasyprint import HTML

    link_for = link_maker(base_url, survey)
    letters = []
    for code in batch.codes:
        link = link_for(code)
        # A fixed mask skips segno's search for the best one (most of its
        # time); any mask scans equally well.
        qr = segno.make(link, error="m", mask=0, boost_error=False)
        letters.append(Letter(code=code, link=link, qr_data_uri=qr.png_data_uri(scale=4)))
    definition = definition_of(survey)
    html = render_template(
        "workspace/letters_pdf.html",
        letters=letters,
        survey=survey,
        title=text_for(definition.raw.get("title"), "nl"),
        start=start_link(base_url, survey),
        sender=sender,
        batch=batch.batch,
    )
    # The QR codes are data: URIs; nothing else may be fetched (a survey
    # title can never make the renderer read a local file or call a server).
    return bytes(HTML(string=html, base_url=None, url_fetcher=data_only_fetcher()).write_pdf())


def data_only_fetcher() -> Any:
    """A WeasyPrint URL fetcher that serves ``data:`` URLs only."""
    from weasyprint.urls import URLFetcher  # type: ignore[import-untyped]

    class DataOnly(URLFetcher):  # type: ignore[misc]
        def __init__(self) -> None:
            super().__init__(allowed_protocols={"data"}, allow_redirects=False)

        def fetch(self, url: str, headers: Any = None) -> Any:
            if not url.startswith("data:"):
                raise ValueError(f"refused to fetch {url[:80]}: letters use no external files")
            return super().fetch(url, headers)

    return DataOnly()
