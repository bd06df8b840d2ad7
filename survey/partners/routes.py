"""The partners' pages under ``/p/<token>`` (no login): start (a task list
of the survey's parts), one page per part, check your answers, send, and
the receipt on screen and as a PDF. The planners' partner pages are
``survey.workspace.views.partners``.

Every partner request starts from the token in the URL and nothing else:
the link, its organisation, its survey and its draft all follow from it,
so no id in a URL or form can reach another partner's answers. Routes stay
thin: they resolve the link, ask the answering journey
(``survey.answering.journey``, over the link's store
``drafts.PartnerDraftStore``), commit once and render the shared page and
check templates.
"""

from __future__ import annotations

from typing import Any, NoReturn

from flask import (
    Blueprint,
    g,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response

from survey.answering import rendering
from survey.answering.journey import CheckRow, Journey, PageScreen
from survey.definitions.definition import PageDef, definition_of
from survey.extensions import db
from survey.models import Draft, PartnerLink, Survey, SurveyState
from survey.partners import drafts, links, receipt
from survey.partners.drafts import PartnerDraftStore

bp = Blueprint("partner", __name__, url_prefix="/p")

# Partner pages show named answers: never kept in a shared cache.
bp.before_request(rendering.no_store)


# ------------------------------------------------------------------ helpers


def _unavailable(reason: str, status: int, survey: Survey | None = None) -> NoReturn:
    context = _context(survey, None) if survey is not None else None
    rendering.unavailable("partners/unavailable.html", reason, status, context)


def _load(token: str, *, allow_closed: bool = False) -> tuple[PartnerLink, Survey]:
    """The active link of ``token`` and its survey, or a Dutch page: 404
    for an unknown token, 410 for a revoked link or a closed survey."""
    resolved = links.resolve(db.session, token)
    if resolved.state is links.LinkState.UNKNOWN or resolved.link is None:
        _unavailable("unknown", 404)
    if resolved.state is links.LinkState.REVOKED:
        _unavailable("revoked", 410)
    link = resolved.link
    survey = db.session.get(Survey, link.survey_id)
    if survey is None or survey.state is SurveyState.DRAFT:
        _unavailable("not-open", 404)
    # The page opens in the language of the organisation's e-mails.
    rendering.set_language(definition_of(survey), link.organisation.language)
    if link.first_opened_at is None and request.method == "GET":
        links.mark_opened(db.session, link)
        db.session.commit()
    if survey.state is SurveyState.CLOSED and not allow_closed:
        _unavailable("closed", 410, survey)
    return link, survey


def _context(survey: Survey, link: PartnerLink | None, token: str | None = None) -> dict[str, Any]:
    return {
        **rendering.survey_context(survey),
        "organisation": link.organisation if link is not None else None,
        "token": token,
    }


def _journey(
    survey: Survey, link: PartnerLink, draft: Draft | None, *, revision: int | None = None
) -> Journey[PartnerDraftStore]:
    return drafts.journey_of(db.session, survey, link, draft, g.language, revision=revision)


def _posted_revision() -> int | None:
    return drafts.parse_revision(request.form.get("revision"))


# ------------------------------------------------------------- the partner


@bp.get("/<token>")
def start(token: str) -> Response | str:
    """The partner's start page, for the holder of the link: the survey's
    parts as a task list with where each stands, and where to begin. Once
    sent, the receipt instead; 410 when the survey is closed."""
    link, survey = _load(token, allow_closed=True)
    draft = drafts.find_draft(db.session, link)
    if draft is not None and draft.submitted:
        return redirect(url_for(".receipt_page", token=token))
    if survey.state is SurveyState.CLOSED:
        _unavailable("closed", 410, survey)
    journey = _journey(survey, link, draft)
    return render_template(
        "partners/start.html",
        **_context(survey, link, token),
        draft=draft,
        first=journey.first_page(),
        sections=journey.page_statuses(),
    )


def _render_page(
    survey: Survey,
    link: PartnerLink,
    token: str,
    journey: Journey[PartnerDraftStore],
    screen: PageScreen,
    *,
    conflict: bool = False,
    saved: bool = False,
    status: int = 200,
) -> tuple[str, int]:
    context = _context(survey, link, token)
    previous = screen.previous
    back_url = (
        url_for(".page", token=token, page_key=previous.key)
        if previous is not None
        else url_for(".start", token=token)
    )
    draft = journey.store.draft
    render_question = rendering.question_renderer()
    return (
        render_template(
            "partners/page.html",
            **rendering.page_context(screen, context, render_question),
            back_url=back_url,
            action_url=url_for(".page", token=token, page_key=screen.page.key),
            conflict=conflict,
            saved=saved,
            revision=drafts.revision_of(draft),
            draft=draft,
        ),
        status,
    )


@bp.route("/<token>/deel/<page_key>", methods=["GET", "POST"])
def page(token: str, page_key: str) -> Response | tuple[str, int]:
    """One part of the survey, for the holder of the link, in any order: its
    questions (GET); the posted answers saved (POST) and then the next
    part, the part before, the same part ("save and continue later", which
    keeps an incomplete part) or the check page. When someone else of the
    organisation saved meanwhile, nothing of the post is kept and the
    newer answers are shown (409)."""
    link, survey = _load(token)
    draft = drafts.find_draft(db.session, link)
    if draft is not None and draft.submitted:
        return redirect(url_for(".receipt_page", token=token))
    journey = _journey(survey, link, draft, revision=_posted_revision())
    current = rendering.page_or_404(journey, page_key)
    if not journey.can_visit(current):  # partners may open every part
        return redirect(url_for(".start", token=token))

    if request.method == "GET":
        screen = journey.screen(journey.view(current))
        return _render_page(
            survey, link, token, journey, screen, saved=request.args.get("bewaard") == "1"
        )

    action = request.form.get("action", "next")
    # Any action but "Save and continue" ("Save and continue later") keeps
    # an incomplete page.
    outcome = journey.read(current, request.form, partial=action != "next")
    if outcome.status != "saved":
        return _render_page(survey, link, token, journey, journey.screen_after(outcome))
    merged = journey.values_after(current, outcome)
    try:
        following = journey.save(current, outcome)
        db.session.commit()
    except drafts.DraftLocked:
        db.session.rollback()
        return redirect(url_for(".receipt_page", token=token))
    except drafts.LinkRevoked:
        db.session.rollback()
        _unavailable("revoked", 410)
    except drafts.DraftConflict:
        db.session.rollback()
        return _conflict_page(survey, link, token, current)
    if action == "save":
        return redirect(url_for(".page", token=token, page_key=page_key, bewaard="1"))
    if action == "previous":
        before = journey.previous_page(current, merged)
        if before is not None:
            return redirect(url_for(".page", token=token, page_key=before.key))
        return redirect(url_for(".start", token=token))
    if following is None:
        return redirect(url_for(".check", token=token))
    return redirect(url_for(".page", token=token, page_key=following.key))


def _conflict_page(
    survey: Survey, link: PartnerLink, token: str, current: PageDef
) -> Response | tuple[str, int]:
    """After a save lost to a newer one: nothing of this post is kept, the
    part shows the newer answers (409), or the receipt when they were sent."""
    newer = drafts.find_draft(db.session, link, fresh=True)
    if newer is not None and newer.submitted:
        return redirect(url_for(".receipt_page", token=token))
    now = _journey(survey, link, newer)
    screen = now.screen(now.view(current))
    return _render_page(survey, link, token, now, screen, conflict=True, status=409)


def _render_check(
    survey: Survey,
    link: PartnerLink,
    token: str,
    journey: Journey[PartnerDraftStore],
    *,
    problems: list[tuple[str, str]] | None = None,
    conflict: bool = False,
    status: int = 200,
) -> tuple[str, int]:
    def change_url(row: CheckRow) -> str:
        target = url_for(".page", token=token, page_key=row.question.page_key)
        return f"{target}#{row.anchor}"

    return (
        render_template(
            "partners/check.html",
            **_context(survey, link, token),
            sections=journey.check_sections(),
            summary=problems or [],
            change_url=change_url,
            back_url=url_for(".start", token=token),
            action_url=url_for(".submit", token=token),
            conflict=conflict,
            revision=drafts.revision_of(journey.store.draft),
            draft=journey.store.draft,
        ),
        status,
    )


@bp.get("/<token>/controle")
def check(token: str) -> Response | tuple[str, int]:
    """Check your answers, for the holder of the link: every shown answer
    with a link to change it, and the send button (the receipt once sent)."""
    link, survey = _load(token)
    draft = drafts.find_draft(db.session, link)
    if draft is not None and draft.submitted:
        return redirect(url_for(".receipt_page", token=token))
    return _render_check(survey, link, token, _journey(survey, link, draft))


@bp.post("/<token>/versturen")
def submit(token: str) -> Response | tuple[str, int]:
    """Send the organisation's answers: every answer checked again, stored
    under its name, then the receipt. The check page again with the
    problems (422), or with the newer answers when someone saved after it
    was shown (409)."""
    link, survey = _load(token)
    journey = _journey(survey, link, None, revision=_posted_revision())
    try:
        outcome = journey.submit()
    except drafts.LinkRevoked:
        db.session.rollback()
        _unavailable("revoked", 410)
    if outcome.status == "stored":
        try:
            db.session.commit()
        except IntegrityError:
            # The same submission stored by a concurrent request.
            db.session.rollback()
        return redirect(url_for(".receipt_page", token=token))
    db.session.rollback()
    if outcome.status == "already":
        return redirect(url_for(".receipt_page", token=token))
    now = _journey(survey, link, drafts.find_draft(db.session, link, fresh=True))
    if outcome.status == "conflict":
        return _render_check(survey, link, token, now, conflict=True, status=409)
    problems = rendering.submit_problems(
        outcome.problems,
        _context(survey, link, token)["t"],
        lambda page_key: url_for(".page", token=token, page_key=page_key),
    )
    return _render_check(survey, link, token, now, problems=problems, status=422)


def _submitted(token: str) -> tuple[PartnerLink, Survey, Journey[PartnerDraftStore]]:
    link, survey = _load(token, allow_closed=True)
    draft = drafts.find_draft(db.session, link)
    if draft is None or not draft.submitted:
        rendering.stop(redirect(url_for(".start", token=token)))
    return link, survey, _journey(survey, link, draft)


@bp.get("/<token>/ontvangstbewijs")
def receipt_page(token: str) -> str:
    """The receipt, for the holder of the link once sent: the answers as
    stored and when they were sent."""
    link, survey, journey = _submitted(token)
    return render_template(
        "partners/receipt.html",
        **_context(survey, link, token),
        sections=journey.check_sections(),
        submitted_at=link.submitted_at,
    )


@bp.get("/<token>/ontvangstbewijs.pdf")
def receipt_pdf(token: str) -> Response:
    """The receipt as a PDF download, for the organisation's records."""
    link, survey, journey = _submitted(token)
    context = _context(survey, link, token)
    pdf = receipt.render_pdf(
        survey_title=context["t"](context["definition"].raw.get("title")),
        organisation=link.organisation.name,
        submitted_at=link.submitted_at,
        sections=journey.check_sections(),
        language=context["lang"],
    )
    response = make_response(pdf)
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = 'attachment; filename="ontvangstbewijs.pdf"'
    return response
