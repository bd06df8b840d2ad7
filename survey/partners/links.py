"""Personal links of partner organisations: issue, revoke, reissue, resolve.

A link is ``/p/<token>``; the token (``survey.tokens.new_url_token``, 256
bits) is shown once to the planner who issues it and stored only as
``token_hash(token, "partner")``. Every partner request finds its link from
the token alone, so nothing else in a URL or form can point at another
organisation.

Rules:
- one active link per organisation and survey: issuing a link revokes the
  active one (a "reissue"); the old token stops working at once.
- the organisation's draft and its status (opened, submitted, e-mails
  sent) move to the new link, so a partner who lost the link loses no
  answers.
- a revoked link is recognised (and refused with its own page) as long as
  its row exists; an unknown token gets the "not valid" page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import select, update

from survey.extensions import DbSession
from survey.models import Draft, PartnerLink, PartnerOrganisation, Survey
from survey.models.base import start_of_day, utcnow
from survey.tokens import new_url_token, token_hash

PURPOSE = "partner"
# new_url_token gives 43 characters; anything much longer is not ours.
MAX_TOKEN_LENGTH = 100


@dataclass(frozen=True)
class IssuedLink:
    """A new link and its plain token (shown once, never stored)."""

    link: PartnerLink
    token: str


def partner_surveys(session: DbSession) -> list[Survey]:
    """Surveys answered through partner links, newest first."""
    return list(
        session.scalars(select(Survey).where(Survey.access == "partner").order_by(Survey.id.desc()))
    )


def links_of(session: DbSession, organisation_id: int, survey_id: int) -> list[PartnerLink]:
    """All links of one organisation for one survey, newest first."""
    return list(
        session.scalars(
            select(PartnerLink)
            .where(
                PartnerLink.organisation_id == organisation_id,
                PartnerLink.survey_id == survey_id,
            )
            .order_by(PartnerLink.id.desc())
        )
    )


def active_link(session: DbSession, organisation_id: int, survey_id: int) -> PartnerLink | None:
    """The organisation's link for the survey that is not revoked (at most
    one: issuing a link revokes the others), or None."""
    for link in links_of(session, organisation_id, survey_id):
        if link.revoked_at is None:
            return link
    return None


def issue_link(session: DbSession, organisation: PartnerOrganisation, survey: Survey) -> IssuedLink:
    """A new link for ``organisation`` and ``survey``. An active link is
    revoked; the draft and the opened/submitted times of the latest link
    carry over. Flushes."""
    previous = links_of(session, organisation.id, survey.id)
    now = utcnow()
    for link in previous:
        if link.revoked_at is None:
            link.revoked_at = now
    token = new_url_token()
    latest = previous[0] if previous else None
    link = PartnerLink(
        organisation_id=organisation.id,
        survey_id=survey.id,
        token_hash=token_hash(token, PURPOSE),
        created_at=now,
        first_opened_at=latest.first_opened_at if latest else None,
        submitted_at=latest.submitted_at if latest else None,
        invited_at=latest.invited_at if latest else None,
        reminded_at=latest.reminded_at if latest else None,
        reminders=latest.reminders if latest else 0,
    )
    session.add(link)
    session.flush()
    if previous:
        session.execute(
            update(Draft)
            .where(Draft.partner_link_id.in_([p.id for p in previous]))
            .values(partner_link_id=link.id)
            .execution_options(synchronize_session=False)
        )
        session.flush()
    return IssuedLink(link=link, token=token)


def revoke_link(session: DbSession, link: PartnerLink) -> None:
    """Stop a link at once. The draft stays with it until a new link is
    issued. Flushes."""
    if link.revoked_at is None:
        link.revoked_at = utcnow()
        session.flush()


class LinkState(StrEnum):
    """What a token in a partner address is: an active link, a revoked one
    (the page says so, 410) or unknown (404)."""

    OK = "ok"
    REVOKED = "revoked"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Resolved:
    """A token's state and, unless unknown, its link."""

    state: LinkState
    link: PartnerLink | None = None


def resolve(session: DbSession, token: str) -> Resolved:
    """The link of a token, looked up by its hash only."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return Resolved(LinkState.UNKNOWN)
    link = session.scalar(
        select(PartnerLink).where(PartnerLink.token_hash == token_hash(token, PURPOSE))
    )
    if link is None:
        return Resolved(LinkState.UNKNOWN)
    if link.revoked_at is not None:
        return Resolved(LinkState.REVOKED, link)
    return Resolved(LinkState.OK, link)


def mark_opened(session: DbSession, link: PartnerLink, now: datetime | None = None) -> None:
    """Record the day the partner first opened the link (midnight: no time
    of day). Flushes."""
    if link.first_opened_at is None:
        link.first_opened_at = start_of_day(now or utcnow())
        session.flush()


# ------------------------------------------------------------- fieldwork


class PartnerStatus(StrEnum):
    """Where an organisation stands for a partner survey, from not invited
    to submitted (see ``status_rows`` for the rules)."""

    NOT_INVITED = "not_invited"
    REVOKED = "revoked"
    INVITED = "invited"
    OPENED = "opened"
    DRAFT = "draft"
    SUBMITTED = "submitted"


# Statuses of organisations that were invited but have not answered yet.
TO_REMIND = (PartnerStatus.INVITED, PartnerStatus.OPENED, PartnerStatus.DRAFT)


@dataclass(frozen=True)
class StatusRow:
    """One organisation on the partner status page: its latest link, its
    status and when its draft was last saved."""

    organisation: PartnerOrganisation
    link: PartnerLink | None
    status: PartnerStatus
    draft_saved_at: datetime | None

    @property
    def to_remind(self) -> bool:
        """Invited but not submitted: it belongs in the reminder file."""
        return self.status in TO_REMIND


def status_rows(session: DbSession, survey: Survey) -> list[StatusRow]:
    """Per organisation (all of them, by name) its latest link for
    ``survey`` and where it stands: submitted (``submitted_at``), draft
    saved (a draft exists, not submitted), opened (``first_opened_at``),
    invited (an active link), revoked (only revoked links) or not invited.
    Three queries, whatever the number of organisations."""
    from survey.partners.organisations import list_organisations

    latest: dict[int, PartnerLink] = {
        link.organisation_id: link
        for link in session.scalars(
            select(PartnerLink).where(PartnerLink.survey_id == survey.id).order_by(PartnerLink.id)
        )
    }
    drafts: dict[int, Draft] = {
        d.partner_link_id: d
        for d in session.scalars(
            select(Draft).where(Draft.survey_id == survey.id, Draft.partner_link_id.is_not(None))
        )
        if d.partner_link_id is not None
    }
    rows: list[StatusRow] = []
    for organisation in list_organisations(session):
        link: PartnerLink | None = latest.get(organisation.id)
        draft = drafts.get(link.id) if link else None
        if link is None:
            status = PartnerStatus.NOT_INVITED
        elif link.submitted_at is not None:
            status = PartnerStatus.SUBMITTED
        elif link.revoked_at is not None:
            status = PartnerStatus.REVOKED
        elif draft is not None and not draft.submitted:
            status = PartnerStatus.DRAFT
        elif link.first_opened_at is not None:
            status = PartnerStatus.OPENED
        else:
            status = PartnerStatus.INVITED
        saved = draft.updated_at if draft is not None and not draft.submitted else None
        rows.append(StatusRow(organisation, link, status, saved))
    return rows
