"""The open campaign of a resident survey answered through its open link
(``access: open``): the absolute link (``survey.urls.public_url``, never
the request's host), its QR code and a printable poster (A4 or A3, one
page per language of the survey) to hang in town halls, libraries and
police stations.

The poster is rendered by WeasyPrint from one HTML template; its QR code is
an SVG data URI (sharp at any size) and nothing else may be fetched. The
PDF is tagged (PDF/UA-1, ``survey.reporting.tagged_pdf``): the document's
title and language, a section per page in the page's own language, and the
QR code as a figure with its alternative text.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import pikepdf
import segno
from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from survey.definitions.definition import definition_of
from survey.definitions.duration import estimated_minutes
from survey.i18n import text_for
from survey.models import Survey
from survey.reporting.tagged_pdf import tagged_pdf
from survey.urls import public_url

# Poster sizes: (CSS page size, root font size in pt, QR code width in mm).
POSTER_SIZES: dict[str, tuple[str, float, int]] = {
    "A4": ("A4", 14.0, 75),
    "A3": ("A3", 19.8, 106),
}


def has_open_link(survey: Survey) -> bool:
    """Whether anyone may answer through the open link (no code needed)."""
    return survey.access == "open" and survey.audience != "partner"


def open_link(survey: Survey) -> str:
    """The absolute open link, as printed and encoded in the QR code."""
    return public_url("residents.start", key=survey.key)


def qr_code(link: str) -> segno.QRCode:
    """The QR code of ``link`` for the campaign page and the poster."""
    # Error level Q: a poster gets scratched, taped over and photographed
    # at an angle; the link is short, so the code stays coarse.
    return segno.make(link, error="q", boost_error=False)


def qr_svg(link: str) -> bytes:
    """The QR code as a standalone SVG file (for print shops)."""
    return bytes(qr_code(link).svg_inline(scale=10, border=4).encode("utf-8"))


def qr_png(link: str) -> bytes:
    """The QR code as a PNG file, 10 pixels per module."""
    buffer = io.BytesIO()
    qr_code(link).save(buffer, kind="png", scale=10, border=4)
    return buffer.getvalue()


def qr_data_uri(link: str) -> str:
    """The QR code as an SVG data URI, for the page and the poster."""
    return str(qr_code(link).svg_data_uri(scale=10, border=4))


@dataclass(frozen=True)
class PosterPage:
    """The texts of the poster in one language."""

    language: str
    title: str
    call: str
    lead: str
    how: str
    facts: str
    qr_alt: str


def poster_pages(survey: Survey) -> list[PosterPage]:
    """One page per language of the survey, each entirely in its language
    (interface texts from the catalogs, the title from the survey file)."""
    definition = definition_of(survey)
    pages = []
    for language in definition.languages:
        with force_locale(language):
            pages.append(
                PosterPage(
                    language=language,
                    title=text_for(
                        definition.raw.get("title"), language, definition.default_language
                    ),
                    call=_("Safe in your neighbourhood? Give your opinion."),
                    lead=_(
                        "The police zone is preparing its security plan for the coming six "
                        "years. Tell us which problems the police and the municipalities "
                        "should tackle first."
                    ),
                    how=_("Scan the QR code with the camera of your smartphone, or go to"),
                    facts=" ".join(
                        (
                            _(
                                "It takes about %(minutes)s minutes.",
                                minutes=estimated_minutes(definition, language),
                            ),
                            _(
                                "Nobody knows which answers are yours. "
                                "We only show results of groups of people."
                            ),
                        )
                    ),
                    qr_alt=_("QR code with the link to the survey"),
                )
            )
    return pages


def poster_pdf(survey: Survey, size: str, sender: str) -> bytes:
    """The poster as a tagged PDF: ``size`` "A4" or "A3", one page per
    language, each page's section tagged with its language."""
    page_size, font_pt, qr_mm = POSTER_SIZES[size]
    link = open_link(survey)
    pages = poster_pages(survey)
    html = render_template(
        "workspace/poster_pdf.html",
        pages=pages,
        link=link,
        qr=qr_data_uri(link),
        sender=sender,
        page_size=page_size,
        font_pt=font_pt,
        qr_mm=qr_mm,
        document_title=pages[0].title if pages else survey.key,
        document_language=pages[0].language if pages else "nl",
    )
    return _section_languages(tagged_pdf(html), [page.language for page in pages])


def _section_languages(data: bytes, languages: list[str]) -> bytes:
    """The PDF with its top-level sections (one per poster page, in order)
    tagged with their languages: WeasyPrint gives the document's language
    only."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        (document,) = pdf.Root.StructTreeRoot.K
        sections = [kid for kid in document.K if kid.get("/S") == pikepdf.Name.Sect]
        if len(sections) != len(languages):
            raise ValueError("the poster has not one section per language")
        for section, language in zip(sections, languages, strict=True):
            section.Lang = pikepdf.String(language)
        buffer = io.BytesIO()
        pdf.save(buffer)
    return buffer.getvalue()
