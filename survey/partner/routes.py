"""The planners' partner pages under ``/planner/partners`` (``admin_bp``):
organisations, links and the partner fieldwork. The partners' own pages
(``/p/<token>``) are ``survey.partners.routes``."""

from __future__ import annotations

import io
from typing import Any

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
from werkzeug.wrappers import Response

from survey.definitions.definition import definition_of
from survey.definitions.store import find_survey
from survey.extensions import db
from survey.i18n import text_for
from survey.models import PartnerLink, Survey
from survey.partners import drafts as answering
from survey.partners import links, organisations
from survey.planner.accounts import MANAGE, VIEW, has_role, require_role
from survey.privacy.spreadsheets import csv_writer
from survey.urls import public_url

admin_bp = Blueprint("partner_admin", __name__, url_prefix="/planner/partners")


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
    writer = csv_writer(buffer)
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
        writer = csv_writer(buffer)
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
