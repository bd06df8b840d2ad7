"""E-mailing partner organisations their personal links: invitations and
reminders, through the SMTP server of ``SURVEY_SMTP_*`` (docs/configuration.md).

Without ``SMTP_HOST`` nothing is ever sent (``settings`` is None): the
planners copy the links or download them as CSV.

A link's token is shown once and only its hash is stored
(``survey.partners.links``), so every e-mail carries a newly issued link:
the organisation's active link (if any) is revoked and its draft and
status move to the new one. Each organisation is handled in a savepoint:
when the SMTP server refuses its e-mail, its new link is rolled back and
its earlier link keeps working.

Each e-mail is plain text in the organisation's language, from one
template per language (``templates/mail/partner_<kind>.<language>.txt``:
the first line is the subject). No images and no tracking pixel: "sent"
(``invited_at``, ``reminded_at``, ``reminders``) and "answered" (the link's
``submitted_at``) are what is known per organisation; not whether an
e-mail was opened.
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from enum import StrEnum
from typing import Any

from flask import render_template

from survey.definitions.definition import definition_of
from survey.extensions import DbSession
from survey.i18n import text_for
from survey.models import PartnerLink, PartnerOrganisation, Survey
from survey.models.base import utcnow
from survey.partners import links
from survey.partners.organisations import LANGUAGES
from survey.urls import public_url


class MailKind(StrEnum):
    """The two e-mails a partner gets: the first invitation and a reminder (with a new link)."""

    INVITATION = "invitation"
    REMINDER = "reminder"


@dataclass(frozen=True)
class MailSettings:
    """The SMTP server and sender (checked by ``survey.config``)."""

    host: str
    port: int
    security: str
    user: str | None
    password: str | None
    sender: str
    timeout: int

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> MailSettings | None:
        """None when no SMTP server is configured: nothing is sent."""
        if not config.get("SMTP_HOST"):
            return None
        return cls(
            host=str(config["SMTP_HOST"]),
            port=int(config["SMTP_PORT"]),
            security=str(config["SMTP_SECURITY"]),
            user=config.get("SMTP_USER") or None,
            password=config.get("SMTP_PASSWORD") or None,
            sender=str(config["SMTP_FROM"]),
            timeout=int(config["SMTP_TIMEOUT"]),
        )


@dataclass
class SendReport:
    """Who got an e-mail, and who did not and why (the SMTP server's
    answer, or that it could not be reached)."""

    sent: list[PartnerOrganisation] = field(default_factory=list)
    failed: list[tuple[PartnerOrganisation, str]] = field(default_factory=list)


def compose(
    settings: MailSettings,
    kind: MailKind,
    organisation: PartnerOrganisation,
    survey: Survey,
    url: str,
    zone: str,
) -> EmailMessage:
    """The e-mail of ``kind`` for ``organisation`` with its link ``url``,
    in the organisation's language (Dutch when it has no template)."""
    definition = definition_of(survey)
    language = organisation.language if organisation.language in LANGUAGES else "nl"
    text = render_template(
        f"mail/partner_{kind.value}.{language}.txt",
        organisation=organisation.name,
        title=text_for(definition.raw.get("title"), language, definition.default_language),
        url=url,
        zone=zone,
    )
    subject, _blank, body = text.strip().partition("\n")
    message = EmailMessage()
    message["Subject"] = subject.strip()
    message["From"] = settings.sender
    message["To"] = Address(organisation.name, addr_spec=organisation.contact_email)
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain=parseaddr(settings.sender)[1].rpartition("@")[2])
    message.set_content(body.strip() + "\n")
    # After set_content, which clears every Content-* header set before it.
    message["Content-Language"] = language
    return message


def _connect(settings: MailSettings) -> smtplib.SMTP:
    context = ssl.create_default_context()
    server: smtplib.SMTP
    if settings.security == "ssl":
        server = smtplib.SMTP_SSL(
            settings.host, settings.port, timeout=settings.timeout, context=context
        )
    else:
        server = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
        if settings.security == "starttls":
            server.starttls(context=context)
    if settings.user and settings.password:
        server.login(settings.user, settings.password)
    return server


def recipients(rows: Iterable[links.StatusRow], kind: MailKind) -> list[PartnerOrganisation]:
    """Who gets ``kind``: an invitation goes to every organisation without
    an active link (never invited, or its link withdrawn and not answered);
    a reminder to every organisation invited that has not answered."""
    if kind is MailKind.REMINDER:
        return [r.organisation for r in rows if r.to_remind]
    return [
        r.organisation
        for r in rows
        if r.status in (links.PartnerStatus.NOT_INVITED, links.PartnerStatus.REVOKED)
    ]


def send_links(
    session: DbSession,
    settings: MailSettings,
    survey: Survey,
    kind: MailKind,
    organisations: list[PartnerOrganisation],
    *,
    zone: str,
) -> SendReport:
    """Issue a new link for each organisation and e-mail it (see the module
    docstring). Flushes; the caller commits, also when some failed (those
    were rolled back to their savepoint)."""
    report = SendReport()
    if not organisations:
        return report
    try:
        server = _connect(settings)
    except (smtplib.SMTPException, OSError) as exc:
        reason = _reason(exc)
        report.failed.extend((o, reason) for o in organisations)
        return report
    try:
        for organisation in organisations:
            _send_one(session, server, settings, survey, kind, organisation, zone, report)
    finally:
        try:
            server.quit()
        except (smtplib.SMTPException, OSError):
            server.close()
    return report


def _send_one(
    session: DbSession,
    server: smtplib.SMTP,
    settings: MailSettings,
    survey: Survey,
    kind: MailKind,
    organisation: PartnerOrganisation,
    zone: str,
    report: SendReport,
) -> None:
    savepoint = session.begin_nested()
    issued = links.issue_link(session, organisation, survey)
    url = public_url("partner.start", token=issued.token)
    message = compose(settings, kind, organisation, survey, url, zone)
    try:
        server.send_message(message)
    except (smtplib.SMTPException, OSError) as exc:
        savepoint.rollback()
        report.failed.append((organisation, _reason(exc)))
        return
    _mark_sent(issued.link, kind)
    savepoint.commit()
    report.sent.append(organisation)


def _mark_sent(link: PartnerLink, kind: MailKind) -> None:
    now = utcnow()
    if kind is MailKind.INVITATION:
        link.invited_at = now
    else:
        link.reminded_at = now
        link.reminders = (link.reminders or 0) + 1


def _reason(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPResponseException):
        detail = exc.smtp_error
        text = detail.decode("utf-8", "replace") if isinstance(detail, bytes) else str(detail)
        return f"{exc.smtp_code} {text}"
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "; ".join(
            f"{code} {msg.decode('utf-8', 'replace')}" for code, msg in exc.recipients.values()
        )
    return type(exc).__name__ + (f": {exc}" if str(exc) else "")
