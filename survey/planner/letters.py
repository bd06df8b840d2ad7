"""The letter: its settings per consultation (sender, signatory, contact,
privacy line, images, dates), its page laid out by WeasyPrint once per
language and wave (``templates``), and its links. Used by the addressed
letters of a sample (``survey.planner.mailing``) and by the letters
without addresses: a batch of one-time codes, handed out once as a CSV for
a mail merge or as a print-ready PDF of Dutch letters (one A4 page per
letter: the code, the link and a QR code of the link with the code).

Codes are made by ``survey.residents.codes.generate_codes`` (only their
hashes are stored). The plain codes exist only in the response of the
request that made them: the file is built in memory and streamed back,
nothing is written to disk.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date

from flask import current_app, render_template
from flask_babel import force_locale, format_date
from flask_babel import gettext as _

from survey.definitions.definition import definition_of
from survey.definitions.duration import estimated_minutes
from survey.extensions import DbSession
from survey.i18n import text_for
from survey.models import Consultation, Survey
from survey.models.base import today
from survey.planner import letterpress
from survey.residents.codes import CodeBatch, codes_csv, generate_codes
from survey.urls import public_url

# Made while the planner waits: larger mailings go through a sample (in the
# background) or the CSV and a mail merge.
MAX_LETTERS_PDF = 500
MAX_IMAGE_BYTES = 512 * 1024
IMAGE_TYPES = {b"\x89PNG\r\n\x1a\n": "image/png", b"\xff\xd8\xff": "image/jpeg"}
SETTING_LIMITS = {
    "sender": 120,
    "sender_address": 200,
    "signatory": 120,
    "signatory_title": 120,
    "phone": 40,
    "email": 254,
    "privacy_url": 200,
}


class LetterRefused(ValueError):
    """A letter setting is refused; the message says why (in Dutch)."""


@dataclass(frozen=True)
class LetterSettings:
    """What the letters of a consultation say about who sends them and how
    to reach the zone. Empty texts are left out of the letter."""

    sender: str = ""
    sender_address: str = ""
    signatory: str = ""
    signatory_title: str = ""
    phone: str = ""
    email: str = ""
    privacy_url: str = ""

    @classmethod
    def of(cls, consultation: Consultation) -> LetterSettings:
        """The settings stored on ``consultation`` (empty texts where none)."""
        stored = consultation.letter or {}
        return cls(**{name: str(stored.get(name, "")) for name in SETTING_LIMITS})


def save_settings(
    consultation: Consultation,
    texts: dict[str, str],
    reply_by: date | None,
    fieldwork_until: date | None,
    logo: bytes | None = None,
    signature: bytes | None = None,
) -> None:
    """Store the letter settings; ``logo`` and ``signature`` replace the
    stored images when given (PNG or JPEG, at most 512 KB)."""
    settings: dict[str, str] = {}
    for name, limit in SETTING_LIMITS.items():
        value = " ".join(str(texts.get(name, "")).split())
        if len(value) > limit:
            raise LetterRefused(
                _("%(field)s is longer than %(n)s characters.", field=name, n=limit)
            )
        settings[name] = value
    if settings["email"] and "@" not in settings["email"]:
        raise LetterRefused(_("The contact e-mail address has no @."))
    if reply_by and fieldwork_until and reply_by > fieldwork_until:
        raise LetterRefused(_("The reply-by date falls after the end of fieldwork."))
    for image in (logo, signature):
        if image is not None:
            image_type(image)
    consultation.letter = settings
    consultation.reply_by = reply_by
    consultation.fieldwork_until = fieldwork_until
    if logo is not None:
        consultation.letter_logo = logo
    if signature is not None:
        consultation.letter_signature = signature


def image_type(data: bytes) -> str:
    """The MIME type of a PNG or JPEG image; refuses anything else."""
    if len(data) > MAX_IMAGE_BYTES:
        raise LetterRefused(_("An image may be at most 512 KB."))
    for magic, mime in IMAGE_TYPES.items():
        if data.startswith(magic):
            return mime
    raise LetterRefused(_("An image must be a PNG or JPEG file."))


def _data_uri(data: bytes | None) -> str | None:
    if not data:
        return None
    return f"data:{image_type(data)};base64,{base64.b64encode(data).decode('ascii')}"


def templates(
    consultation: Consultation, survey: Survey, wave: int, languages: Sequence[str], base_url: str
) -> dict[str, bytes]:
    """The page template of each language, laid out once by WeasyPrint and
    tagged (PDF/UA-1), with the QR code's alternative text in that language
    (``qr_alt``)."""
    from survey.reporting.tagged_pdf import tagged_pdf

    settings = LetterSettings.of(consultation)
    if not settings.sender:
        # The data controller the privacy notice names (the zone).
        controller = str(current_app.config.get("PRIVACY_CONTROLLER", ""))
        settings = replace(settings, sender=controller[:1].upper() + controller[1:])
    definition = definition_of(survey)
    title_texts = definition.raw.get("title")
    pages: dict[str, bytes] = {}
    logo = _data_uri(consultation.letter_logo)
    signature = _data_uri(consultation.letter_signature)
    for language in languages:
        with force_locale(language):
            html = render_template(
                "workspace/letters_pdf.html",
                language=language,
                title=text_for(title_texts, language),
                # The survey's own length in the letter's language, as the
                # start page promises it.
                minutes=estimated_minutes(definition, language),
                settings=settings,
                wave=wave,
                start=start_link(base_url, survey, language),
                letter_date=format_date(today(), "long"),
                reply_by=format_date(consultation.reply_by, "long")
                if consultation.reply_by
                else None,
                logo=logo,
                signature=signature,
                layout=letterpress,
            )
        pages[language] = tagged_pdf(html)
    return pages


def qr_alt(languages: Sequence[str]) -> dict[str, str]:
    """The QR code's alternative text in each language: what it is for,
    never what it holds (the link with the code filled in)."""
    alts = {}
    for language in languages:
        with force_locale(language):
            alts[language] = _("QR code with the link to the survey and your personal code")
    return alts


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
    """The batch's codes with their links as a mail-merge CSV (``code,link``)."""
    return codes_csv(batch.codes, link_maker(base_url, survey))


def letters_pdf(batch: CodeBatch, base_url: str, survey: Survey) -> bytes:
    """The letters as one PDF, one A4 page per code, in Dutch, with the
    consultation's letter settings and an empty address window."""
    link_for = link_maker(base_url, survey)
    pages = templates(survey.consultation, survey, 1, ["nl"], base_url)
    prints = [
        letterpress.LetterPrint(
            template="nl", address=(), code=code, qr=link_for(code), language="nl"
        )
        for code in batch.codes
    ]
    title = text_for(definition_of(survey).raw.get("title"), "nl")
    return letterpress.press(pages, prints, title=title, qr_alt=qr_alt(["nl"]), workers=1)
