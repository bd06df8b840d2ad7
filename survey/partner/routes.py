"""Partner pages: ``/p/<token>`` (no login) and the planners' partner pages
under ``/planner/partners`` (``admin_bp``).

Every partner request starts from the token in the URL and nothing else:
the link, its organisation, its survey and its draft all follow from it,
so no id in a URL or form can reach another partner's answers. Routes stay
thin: they resolve, call a service, commit once and render.
"""

from __future__ import annotations

import csv
import io
from typing import Any, NoReturn

from flask import (
    Blueprint,
    abort,
    g,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response

from survey.definitions.conditions import shown_questions
from survey.definitions.definition import PageDef, SurveyDefinition, definition_of
from survey.definitions.store import find_survey
from survey.extensions import db
from survey.i18n import text_for
from survey.models import Draft, PartnerLink, Survey, SurveyState
from survey.partner import answering, links, organisations, receipt
from survey.planner.accounts import MANAGE, VIEW, has_role, require_role
from survey.respond import pages, views
from survey.urls import public_url

bp = Blueprint("partner", __name__, url_prefix="/p")
admin_bp = Blueprint("partner_admin", __name__, url_prefix="/planner/partners")

# Partner pages show named answers: never kept in a shared cache.
bp.before_request(views.no_store)


# ------------------------------------------------------------------ helpers


def _unavailable(reason: str, status: int, survey: Survey | None = None) -> NoReturn:
    context = _context(survey, None) if survey is not None else None
    views.unavailable("partner/unavailable.html", reason, status, context)


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
        "partner/start.html",
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
            "partner/page.html",
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
            "partner/check.html",
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
        "partner/receipt.html", **context, sections=sections, submitted_at=link.submitted_at
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


# ------------------------------------------------------------ the planners


@admin_bp.before_request
def _admin_no_store() -> None:
    g.no_store = True
    g.page_language = "nl"


@admin_bp.context_processor
def _admin_context() -> dict[str, Any]:
    # What the planners' layout expects (their blueprint sets it for theirs).
    return {
        "can_manage": has_role(current_user, *MANAGE),
        "is_admin": has_role(current_user),
    }


def _form_fields() -> organisations.OrganisationData:
    return organisations.clean(
        request.form.get("name"), request.form.get("sector"), request.form.get("email")
    )


def _errors_by_field(problems: list[organisations.FieldProblem]) -> dict[str, list[str]]:
    result: dict[str, list[str]] = {}
    for name, message in problems:
        result.setdefault(name, []).append(str(message))
    return result


def _render_organisations(
    *,
    form: organisations.OrganisationData | None = None,
    form_errors: dict[str, list[str]] | None = None,
    import_errors: list[tuple[int, Any]] | None = None,
    imported: int | None = None,
    status: int = 200,
) -> tuple[str, int]:
    return (
        render_template(
            "partner/admin_organisations.html",
            organisations=organisations.list_organisations(db.session),
            surveys=links.partner_surveys(db.session),
            sectors=organisations.sectors(db.session),
            form=form or organisations.OrganisationData("", "", ""),
            form_errors=form_errors or {},
            import_errors=[(line, str(m)) for line, m in (import_errors or [])],
            imported=imported,
            can_manage=has_role(current_user, *MANAGE),
        ),
        status,
    )


@admin_bp.get("/")
@require_role(*VIEW)
def organisation_list() -> tuple[str, int]:
    imported = request.args.get("ingevoerd")
    return _render_organisations(
        imported=int(imported)
        if imported and imported.isascii() and imported.isdigit() and len(imported) < 10
        else None
    )


@admin_bp.post("/nieuw")
@require_role(*MANAGE)
def organisation_add() -> Response | tuple[str, int]:
    data = _form_fields()
    try:
        organisations.create_organisation(db.session, data)
    except organisations.OrganisationError as exc:
        db.session.rollback()
        return _render_organisations(
            form=data, form_errors=_errors_by_field(exc.problems), status=422
        )
    db.session.commit()
    return redirect(url_for(".organisation_list"))


@admin_bp.post("/import")
@require_role(*MANAGE)
def organisation_import() -> Response | tuple[str, int]:
    upload = request.files.get("file")
    raw = upload.read() if upload is not None else b""
    if not raw:
        return _render_organisations(
            import_errors=[(1, _("Choose a CSV file with the columns name,sector,email."))],
            status=422,
        )
    result = organisations.import_csv(db.session, raw)
    if not result.ok:
        db.session.rollback()
        return _render_organisations(import_errors=result.errors, status=422)
    db.session.commit()
    return redirect(url_for(".organisation_list", ingevoerd=len(result.created)))


@admin_bp.route("/<int:organisation_id>", methods=["GET", "POST"])
@require_role(*MANAGE)
def organisation_edit(organisation_id: int) -> Response | tuple[str, int]:
    organisation = organisations.get_organisation(db.session, organisation_id)
    if organisation is None:
        abort(404)
    data = organisations.OrganisationData(
        organisation.name, organisation.sector, organisation.contact_email
    )
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        data = _form_fields()
        try:
            organisations.update_organisation(db.session, organisation, data)
        except organisations.OrganisationError as exc:
            db.session.rollback()
            errors = _errors_by_field(exc.problems)
        else:
            db.session.commit()
            return redirect(url_for(".organisation_list"))
    return (
        render_template(
            "partner/admin_organisation_form.html",
            organisation=organisation,
            form=data,
            form_errors=errors,
        ),
        422 if errors else 200,
    )


def _partner_survey(key: str) -> Survey:
    survey = find_survey(db.session, key) if len(key) <= 64 else None
    if survey is None or survey.access != "partner":
        abort(404)
    return survey


def _mailto(rows: list[links.StatusRow]) -> str:
    addresses = ",".join(sorted({r.organisation.contact_email for r in rows}))
    return f"mailto:?bcc={addresses}" if addresses else ""


@admin_bp.get("/bevraging/<key>")
@require_role(*VIEW)
def survey_status(key: str) -> str:
    survey = _partner_survey(key)
    rows = links.status_rows(db.session, survey)
    remind = [r for r in rows if r.to_remind]
    counts: dict[str, int] = {}
    for row in rows:
        counts[row.status.value] = counts.get(row.status.value, 0) + 1
    return render_template(
        "partner/admin_survey.html",
        survey=survey,
        title=text_for(definition_of(survey).raw.get("title"), "nl"),
        rows=rows,
        remind=remind,
        counts=counts,
        mailto=_mailto(remind),
        can_manage=has_role(current_user, *MANAGE),
    )


@admin_bp.get("/bevraging/<key>/herinneren.csv")
@require_role(*VIEW)
def remind_csv(key: str) -> Response:
    survey = _partner_survey(key)
    rows = [r for r in links.status_rows(db.session, survey) if r.to_remind]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["name", "sector", "email", "status"])
    for row in rows:
        writer.writerow(
            [
                row.organisation.name,
                row.organisation.sector,
                row.organisation.contact_email,
                row.status.value,
            ]
        )
    response = make_response(buffer.getvalue().encode("utf-8-sig"))
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="herinneren-{survey.key}.csv"'
    return response


def _organisation_ids() -> list[int]:
    raw = request.form.getlist("organisation_id")
    if any(not r.isascii() or not r.isdigit() or len(r) > 9 for r in raw):
        abort(400)
    return [int(r) for r in raw]


@admin_bp.post("/bevraging/<key>/links")
@require_role(*MANAGE)
def issue(key: str) -> Response | str:
    """Issue (or reissue) links. ``organisation_id`` names the
    organisations; ``all=1`` means every organisation without an active
    link. The tokens are shown once, on this response only."""
    survey = _partner_survey(key)
    if request.form.get("all") == "1":
        targets = [
            r.organisation
            for r in links.status_rows(db.session, survey)
            if r.link is None or r.link.revoked_at is not None
        ]
    else:
        targets = []
        for organisation_id in _organisation_ids():
            organisation = organisations.get_organisation(db.session, organisation_id)
            if organisation is None:
                abort(404)
            targets.append(organisation)
    issued = [(o, links.issue_link(db.session, o, survey)) for o in targets]
    db.session.commit()
    urls = [(o, public_url("partner.start", token=i.token)) for o, i in issued]
    if request.form.get("format") == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(["name", "sector", "email", "link"])
        for organisation, url in urls:
            writer.writerow(
                [organisation.name, organisation.sector, organisation.contact_email, url]
            )
        response = make_response(buffer.getvalue().encode("utf-8-sig"))
        response.headers["Content-Type"] = "text/csv; charset=utf-8"
        response.headers["Content-Disposition"] = f'attachment; filename="links-{survey.key}.csv"'
        return response
    return render_template("partner/admin_issued.html", survey=survey, urls=urls)


def _current_link(survey: Survey) -> PartnerLink:
    ids = _organisation_ids()
    if len(ids) != 1:
        abort(400)
    link = links.active_link(db.session, ids[0], survey.id)
    if link is None:
        abort(404)
    return link


@admin_bp.post("/bevraging/<key>/intrekken")
@require_role(*MANAGE)
def revoke(key: str) -> Response:
    survey = _partner_survey(key)
    links.revoke_link(db.session, _current_link(survey))
    db.session.commit()
    return redirect(url_for(".survey_status", key=key))


@admin_bp.post("/bevraging/<key>/heropenen")
@require_role(*MANAGE)
def reopen(key: str) -> Response:
    survey = _partner_survey(key)
    try:
        answering.reopen(db.session, _current_link(survey), survey)
    except answering.ReopenRefused:
        db.session.rollback()
        abort(409)
    db.session.commit()
    return redirect(url_for(".survey_status", key=key))
