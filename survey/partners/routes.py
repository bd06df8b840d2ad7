"""Partner pages: ``/p/<token>`` (no login) and the planners' partner pages
under ``/planner/partners`` (``admin_bp``).

Every partner request starts from the token in the URL and nothing else:
the link, its organisation, its survey and its draft all follow from it,
so no id in a URL or form can reach another partner's answers. Routes stay
thin: they resolve, call a service, commit once and render.
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

from survey.answering import pages
from survey.answering import rendering as views
from survey.definitions.conditions import shown_questions
from survey.definitions.definition import PageDef, SurveyDefinition, definition_of
from survey.extensions import db
from survey.models import Draft, PartnerLink, Survey, SurveyState
from survey.partners import drafts as answering
from survey.partners import links, receipt

bp = Blueprint("partner", __name__, url_prefix="/p")
admin_bp = Blueprint("partner_admin", __name__, url_prefix="/planner/partners")

# Partner pages show named answers: never kept in a shared cache.
bp.before_request(views.no_store)


# ------------------------------------------------------------------ helpers


def _unavailable(reason: str, status: int, survey: Survey | None = None) -> NoReturn:
    context = _context(survey, None) if survey is not None else None
    views.unavailable("partners/unavailable.html", reason, status, context)


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
    views.set_language(definition_of(survey))
    if link.first_opened_at is None and request.method == "GET":
        links.mark_opened(db.session, link)
        db.session.commit()
    if survey.state is SurveyState.CLOSED and not allow_closed:
        _unavailable("closed", 410, survey)
    return link, survey


def _context(survey: Survey, link: PartnerLink | None, token: str | None = None) -> dict[str, Any]:
    return {
        **views.survey_context(survey),
        "organisation": link.organisation if link is not None else None,
        "token": token,
    }


def _first_page(definition: SurveyDefinition, values: dict[str, Any]) -> PageDef | None:
    shown = pages.shown_pages(definition, values)
    return shown[0] if shown else None


def _sections(definition: SurveyDefinition, values: dict[str, Any]) -> list[dict[str, Any]]:
    """The pages a partner can go to, and whether they hold answers."""
    shown, kept = shown_questions(definition, values)
    return [
        {
            "page": page,
            "answered": any(
                q.page_index == page.index and q.qtype.is_answered(q, kept.get(q.key))
                for q in shown
            ),
        }
        for page in pages.shown_pages(definition, values)
    ]


# ------------------------------------------------------------- the partner


@bp.get("/<token>")
def start(token: str) -> Response | str:
    link, survey = _load(token, allow_closed=True)
    draft = answering.find_draft(db.session, link)
    if draft is not None and draft.submitted:
        return redirect(url_for(".receipt_page", token=token))
    if survey.state is SurveyState.CLOSED:
        _unavailable("closed", 410, survey)
    definition = definition_of(survey)
    values = answering.values_of(draft)
    first = _first_page(definition, values)
    return render_template(
        "partners/start.html",
        **_context(survey, link, token),
        draft=draft,
        first=first,
        sections=_sections(definition, values),
    )


def _render_page(
    survey: Survey,
    link: PartnerLink,
    token: str,
    draft: Draft | None,
    view: pages.PageView,
    values: dict[str, Any],
    *,
    errors: list[tuple[Any, str, Any]] | None = None,
    changed: bool = False,
    conflict: bool = False,
    saved: bool = False,
    status: int = 200,
) -> tuple[str, int]:
    definition = definition_of(survey)
    context = _context(survey, link, token)
    shown = pages.shown_pages(definition, values)
    keys = [p.key for p in shown]
    by_field, summary = views.error_messages(errors or [], context["t"])
    step = keys.index(view.page.key) + 1 if view.page.key in keys else 1
    previous = pages.previous_page(definition, values, view.page)
    return (
        render_template(
            "partners/page.html",
            **context,
            view=view,
            values=values,
            errors=by_field,
            summary=summary,
            changed=changed,
            conflict=conflict,
            saved=saved,
            step=step,
            total=len(shown),
            previous=previous,
            revision=answering.revision_of(draft),
            draft=draft,
        ),
        status,
    )


@bp.route("/<token>/deel/<page_key>", methods=["GET", "POST"])
def page(token: str, page_key: str) -> Response | tuple[str, int]:
    link, survey = _load(token)
    definition = definition_of(survey)
    current = views.page_or_404(definition, page_key)
    draft = answering.find_draft(db.session, link)
    if draft is not None and draft.submitted:
        return redirect(url_for(".receipt_page", token=token))
    values = answering.values_of(draft)

    if request.method == "GET":
        view = pages.page_view(definition, values, current)
        return _render_page(
            survey, link, token, draft, view, values, saved=request.args.get("bewaard") == "1"
        )

    action = request.form.get("action", "next")
    partial = action != "next"
    outcome = answering.read_posted_page(definition, values, current, request.form, partial=partial)
    if outcome.status != "saved":
        return _render_page(
            survey,
            link,
            token,
            draft,
            outcome.view,
            {**values, **outcome.shown_values},
            errors=outcome.errors,
            changed=outcome.status == "changed",
        )
    try:
        answering.save_answers(
            db.session,
            link,
            revision=answering.parse_revision(request.form.get("revision")),
            page=current,
            page_values=outcome.page_values,
            language=g.language,
        )
        db.session.commit()
    except answering.DraftLocked:
        db.session.rollback()
        return redirect(url_for(".receipt_page", token=token))
    except answering.LinkRevoked:
        db.session.rollback()
        _unavailable("revoked", 410)
    except answering.DraftConflict:
        # Nothing of this post is kept: show the newer answers instead.
        db.session.rollback()
        newer = answering.find_draft(db.session, link, fresh=True)
        if newer is not None and newer.submitted:
            return redirect(url_for(".receipt_page", token=token))
        newer_values = answering.values_of(newer)
        view = pages.page_view(definition, newer_values, current)
        return _render_page(
            survey, link, token, newer, view, newer_values, conflict=True, status=409
        )
    merged = {**values, **outcome.page_values}
    if action == "save":
        return redirect(url_for(".page", token=token, page_key=page_key, bewaard="1"))
    if action == "previous":
        before = pages.previous_page(definition, merged, current)
        if before is not None:
            return redirect(url_for(".page", token=token, page_key=before.key))
        return redirect(url_for(".start", token=token))
    following = pages.next_page(definition, merged, current)
    if following is None:
        return redirect(url_for(".check", token=token))
    return redirect(url_for(".page", token=token, page_key=following.key))


def _render_check(
    survey: Survey,
    link: PartnerLink,
    token: str,
    draft: Draft | None,
    *,
    problems: list[tuple[str, str]] | None = None,
    conflict: bool = False,
    status: int = 200,
) -> tuple[str, int]:
    context = _context(survey, link, token)
    definition = definition_of(survey)
    values = answering.values_of(draft)
    sections = receipt.summary(definition, values, context["lang"])
    page_of = {q.key: q.page_key for q in definition.questions}
    return (
        render_template(
            "partners/check.html",
            **context,
            sections=sections,
            page_of=page_of,
            summary=problems or [],
            conflict=conflict,
            revision=answering.revision_of(draft),
            draft=draft,
        ),
        status,
    )


@bp.get("/<token>/controle")
def check(token: str) -> Response | tuple[str, int]:
    link, survey = _load(token)
    draft = answering.find_draft(db.session, link)
    if draft is not None and draft.submitted:
        return redirect(url_for(".receipt_page", token=token))
    return _render_check(survey, link, token, draft)


@bp.post("/<token>/versturen")
def submit(token: str) -> Response | tuple[str, int]:
    link, survey = _load(token)
    try:
        outcome = answering.submit(
            db.session,
            link,
            survey,
            revision=answering.parse_revision(request.form.get("revision")),
        )
    except answering.LinkRevoked:
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
    draft = answering.find_draft(db.session, link, fresh=True)
    if outcome.status == "conflict":
        return _render_check(survey, link, token, draft, conflict=True, status=409)
    definition = definition_of(survey)
    context_t = _context(survey, link, token)["t"]
    problems: list[tuple[str, str]] = []
    for name, message in outcome.problems:
        key = name.partition(".")[0]
        if not definition.has_question(key):
            continue
        question = definition.question(key)
        target = url_for(".page", token=token, page_key=question.page_key)
        problems.append(
            (
                f"{target}#{pages.anchor_for(question, name)}",
                f"{context_t(pages.field_label(question, name))}: {message}",
            )
        )
    return _render_check(survey, link, token, draft, problems=problems, status=422)


def _submitted(token: str) -> tuple[PartnerLink, Survey, Draft]:
    link, survey = _load(token, allow_closed=True)
    draft = answering.find_draft(db.session, link)
    if draft is None or not draft.submitted:
        views.stop(redirect(url_for(".start", token=token)))
    return link, survey, draft


@bp.get("/<token>/ontvangstbewijs")
def receipt_page(token: str) -> str:
    link, survey, draft = _submitted(token)
    context = _context(survey, link, token)
    sections = receipt.summary(definition_of(survey), answering.values_of(draft), context["lang"])
    return render_template(
        "partners/receipt.html", **context, sections=sections, submitted_at=link.submitted_at
    )


@bp.get("/<token>/ontvangstbewijs.pdf")
def receipt_pdf(token: str) -> Response:
    link, survey, draft = _submitted(token)
    context = _context(survey, link, token)
    sections = receipt.summary(definition_of(survey), answering.values_of(draft), context["lang"])
    pdf = receipt.render_pdf(
        survey_title=context["t"](context["definition"].raw.get("title")),
        organisation=link.organisation.name,
        submitted_at=link.submitted_at,
        sections=sections,
        language=context["lang"],
    )
    response = make_response(pdf)
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = 'attachment; filename="ontvangstbewijs.pdf"'
    return response
