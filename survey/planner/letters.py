"""Invitation letters without addresses: a batch of one-time codes, handed
out once as a CSV for a mail merge or as a print-ready PDF of Dutch letters
(one A4 page per letter: the code, the link and a QR code of the link with
the code), laid out as the addressed letters of a sample are
(``survey.planner.mailing``, ``survey.planner.letterpress``).

Codes are made by ``survey.residents.codes.generate_codes`` (only their
hashes are stored). The plain codes exist only in the response of the
request that made them: the file is built in memory and streamed back,
nothing is written to disk.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from survey.definitions.definition import definition_of
from survey.extensions import DbSession
from survey.i18n import text_for
from survey.models import Survey
from survey.residents.codes import CodeBatch, codes_csv, generate_codes
from survey.urls import public_url

# Made while the planner waits: larger mailings go through a sample (in the
# background) or the CSV and a mail merge.
MAX_LETTERS_PDF = 500


def _language(language: str) -> dict[str, str]:
    """The query argument that opens the survey in ``language`` (Dutch, the
    default, needs none)."""
    return {} if language == "nl" else {"lang": language}


def start_link(base_url: str, survey: Survey, language: str = "nl") -> str:
    """The address printed on the letter, to type by hand."""
    return public_url("residents.start", base=base_url, key=survey.key, **_language(language))


def link_maker(base_url: str, survey: Survey, language: str = "nl") -> Callable[[str], str]:
    """The link with the code filled in (for the QR code and the CSV), in
    the same form as the ``codes generate`` command; for a letter in French
    or English it opens the survey in that language."""
    key = survey.key
    extra = _language(language)
    return lambda code: public_url("residents.code", base=base_url, key=key, code=code, **extra)


def make_codes(session: DbSession, survey: Survey, count: int) -> CodeBatch:
    """Generate and store (hashed) ``count`` codes; raises ``CodesRefused``."""
    return generate_codes(session, survey, count)


def letters_csv(batch: CodeBatch, base_url: str, survey: Survey) -> bytes:
    return codes_csv(batch.codes, link_maker(base_url, survey))


def letters_pdf(batch: CodeBatch, base_url: str, survey: Survey) -> bytes:
    """The letters as one PDF, one A4 page per code, in Dutch, with the
    consultation's letter settings and an empty address window."""
    # mailing imports this module's links and fetcher.
    from survey.planner import letterpress, mailing

    link_for = link_maker(base_url, survey)
    pages = mailing.templates(survey.consultation, survey, 1, ["nl"], base_url)
    prints = [
        letterpress.LetterPrint(
            template="nl", address=(), code=code, qr=link_for(code), language="nl"
        )
        for code in batch.codes
    ]
    title = text_for(definition_of(survey).raw.get("title"), "nl")
    return letterpress.press(pages, prints, title=title, workers=1)


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
