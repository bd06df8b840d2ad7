"""The planners' partner pages under ``/planner/partners``: partner
organisations (add, edit, import from CSV), and per partner survey the
status of every organisation, its personal links (issue, withdraw) and
reopening sent answers. The partners' own pages, organisations, links and
receipts are ``survey.partners``."""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any

from flask import abort, current_app, make_response, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from survey.definitions.definition import definition_of
from survey.definitions.store import find_survey
from survey.extensions import db
from survey.i18n import text_for
from survey.models import PartnerLink, PartnerOrganisation, Survey, SurveyState
from survey.models.base import today
from survey.partners import drafts as answering
from survey.partners import links, mail, organisations
from survey.privacy.spreadsheets import csv_writer
from survey.urls import public_url
from survey.workspace.forms import ConfirmForm, LinksForm, OrganisationFileForm, OrganisationForm
from survey.workspace.shell import Access, workspace_blueprint

bp = workspace_blueprint("partners", __name__, "/partners")

_NO_DATA = organisations.OrganisationData("", "", "")


def _cleaned(form: OrganisationForm) -> organisations.OrganisationData:
    return organisations.clean(
        form.name.data, form.sector.data, form.email.data, form.language.data
    )


def _errors_by_field(problems: list[organisations.FieldProblem]) -> dict[str, list[str]]:
    result: dict[str, list[str]] = {}
    for name, message in problems:
        result.setdefault(name, []).append(str(message))
    return result


def _render_organisations(
    *,
    values: organisations.OrganisationData = _NO_DATA,
    form_errors: dict[str, list[str]] | None = None,
    import_errors: list[tuple[int, Any]] | None = None,
    imported: int | None = None,
    status: int = 200,
) -> tuple[str, int]:
    return (
        render_template(
            "workspace/partners.html",
            organisations=organisations.list_organisations(db.session),
            surveys=links.partner_surveys(db.session),
            sectors=organisations.sectors(db.session),
            form=values,
            form_errors=form_errors or {},
            import_errors=[(line, str(m)) for line, m in (import_errors or [])],
            imported=imported,
        ),
        status,
    )


@bp.get("/", access=Access.VIEW)
def index() -> ResponseReturnValue:
    """The partner organisations, for every role, with the partner surveys
    and (for planners) the forms to add or import organisations."""
    # ?ingevoerd=N after an import: a count to show, nothing else.
    imported = request.args.get("ingevoerd", "")
    count = imported.isascii() and imported.isdigit() and len(imported) < 10
    return _render_organisations(imported=int(imported) if count else None)


@bp.post("/nieuw", access=Access.MANAGE)
def add() -> ResponseReturnValue:
    """Planners: add an organisation; the page again with a message per
    field (422) when a rule is broken."""
    form = OrganisationForm()
    if not form.validate_on_submit():
        abort(400)
    values = _cleaned(form)
    try:
        organisations.create_organisation(db.session, values)
    except organisations.OrganisationError as exc:
        db.session.rollback()
        return _render_organisations(
            values=values, form_errors=_errors_by_field(exc.problems), status=422
        )
    db.session.commit()
    return redirect(url_for(".index"))


@bp.post("/importeren", access=Access.MANAGE)
def import_organisations() -> ResponseReturnValue:
    """Organisations from a CSV file (name,sector,email), all or nothing."""
    form = OrganisationFileForm()
    raw = form.contents() if form.validate_on_submit() else b""
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
    return redirect(url_for(".index", ingevoerd=len(result.created)))


@bp.route("/<int:organisation_id>", methods=["GET", "POST"], access=Access.MANAGE)
def edit(organisation_id: int) -> ResponseReturnValue:
    """Planners: change an organisation's name, sector or e-mail address,
    and record whether it agreed to be named in the report."""
    organisation = organisations.get_organisation(db.session, organisation_id)
    if organisation is None:
        abort(404)
    values = organisations.OrganisationData(
        organisation.name, organisation.sector, organisation.contact_email, organisation.language
    )
    errors: dict[str, list[str]] = {}
    named = organisation.named
    form = OrganisationForm()
    if form.validate_on_submit():
        values = _cleaned(form)
        named = bool(form.named.data)
        try:
            organisations.update_organisation(db.session, organisation, values)
        except organisations.OrganisationError as exc:
            db.session.rollback()
            errors = _errors_by_field(exc.problems)
        else:
            organisations.set_named(organisation, named, today())
            db.session.commit()
            return redirect(url_for(".index"))
    return (
        render_template(
            "workspace/partner_organisation.html",
            organisation=organisation,
            form=values,
            form_errors=errors,
            named=named,
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


def _csv_download(header: list[str], rows: Iterable[list[str]], filename: str) -> Response:
    """A small CSV file for a spreadsheet: UTF-8 with a BOM (Excel reads
    the accents right)."""
    buffer = io.StringIO()
    writer = csv_writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    response = make_response(buffer.getvalue().encode("utf-8-sig"))
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.get("/bevraging/<key>", access=Access.VIEW)
def survey_status(key: str) -> ResponseReturnValue:
    """A partner survey's status, for every role: each organisation and
    where it stands, the counts per status, and the organisations to remind
    (with a mailto link to all of them)."""
    survey = _partner_survey(key)
    rows = links.status_rows(db.session, survey)
    remind = [r for r in rows if r.to_remind]
    counts: dict[str, int] = {}
    for row in rows:
        counts[row.status.value] = counts.get(row.status.value, 0) + 1
    return render_template(
        "workspace/partner_survey.html",
        survey=survey,
        title=text_for(definition_of(survey).raw.get("title"), "nl"),
        rows=rows,
        remind=remind,
        counts=counts,
        mailto=_mailto(remind),
        mail_enabled=mail.MailSettings.from_config(current_app.config) is not None,
        to_invite=len(mail.recipients(rows, mail.MailKind.INVITATION)),
    )


@bp.get("/bevraging/<key>/herinneren.csv", access=Access.VIEW)
def remind_csv(key: str) -> ResponseReturnValue:
    """The organisations still to remind (invited, not submitted) as a CSV
    for a mail merge: name, sector, e-mail, status."""
    survey = _partner_survey(key)
    rows = [r for r in links.status_rows(db.session, survey) if r.to_remind]
    return _csv_download(
        ["name", "sector", "email", "status"],
        (
            [
                r.organisation.name,
                r.organisation.sector,
                r.organisation.contact_email,
                r.status.value,
            ]
            for r in rows
        ),
        f"herinneren-{survey.key}.csv",
    )


def _links_form() -> LinksForm:
    """The posted buttons of the status page; a forged organisation id is
    a 400."""
    form = LinksForm()
    if not form.validate_on_submit():
        abort(400)
    return form


@bp.post("/bevraging/<key>/links", access=Access.MANAGE)
def issue(key: str) -> ResponseReturnValue:
    """Issue (or reissue) links for the organisations named, or with
    ``all`` for every organisation without an active link. The tokens are
    shown once, on this response only."""
    survey = _partner_survey(key)
    form = _links_form()
    targets: list[PartnerOrganisation] = []
    if form.all.data:
        targets = [
            r.organisation
            for r in links.status_rows(db.session, survey)
            if r.link is None or r.link.revoked_at is not None
        ]
    else:
        for organisation_id in form.organisation_id.data:
            organisation = organisations.get_organisation(db.session, organisation_id)
            if organisation is None:
                abort(404)
            targets.append(organisation)
        replaced = [t for t in targets if links.active_link(db.session, t.id, survey.id)]
        if replaced and not form.confirmed.data:
            return _confirmation(survey, "issue", replaced[0])
    issued = [(o, links.issue_link(db.session, o, survey)) for o in targets]
    db.session.commit()
    urls = [(o, public_url("partner.start", token=i.token)) for o, i in issued]
    if form.format.data == "csv":
        return _csv_download(
            ["name", "sector", "email", "link"],
            ([o.name, o.sector, o.contact_email, url] for o, url in urls),
            f"links-{survey.key}.csv",
        )
    return render_template("workspace/partner_links.html", survey=survey, urls=urls)


def _current_link(survey: Survey, form: LinksForm) -> PartnerLink:
    organisation_id = form.one_id()
    if organisation_id is None:
        abort(400)
    link = links.active_link(db.session, organisation_id, survey.id)
    if link is None:
        abort(404)
    return link


def _confirmation(survey: Survey, action: str, organisation: PartnerOrganisation) -> str:
    """The page that asks before ``action`` (issue, revoke, reopen) changes
    the organisation's current link, and says what happens to it."""
    return render_template(
        "workspace/partner_confirm.html",
        survey=survey,
        action=action,
        organisation=organisation,
    )


@bp.post("/bevraging/<key>/intrekken", access=Access.MANAGE)
def revoke(key: str) -> ResponseReturnValue:
    """Planners: stop one organisation's active link at once (its draft
    stays for the next link)."""
    survey = _partner_survey(key)
    form = _links_form()
    link = _current_link(survey, form)
    if not form.confirmed.data:
        return _confirmation(survey, "revoke", link.organisation)
    links.revoke_link(db.session, link)
    db.session.commit()
    return redirect(url_for(".survey_status", key=key))


@bp.post("/bevraging/<key>/heropenen", access=Access.MANAGE)
def reopen(key: str) -> ResponseReturnValue:
    """Planners: unlock an organisation's submitted answers so it can
    change them (its response is deleted until it sends again); 409 when
    the survey is not open."""
    survey = _partner_survey(key)
    form = _links_form()
    link = _current_link(survey, form)
    if not form.confirmed.data:
        return _confirmation(survey, "reopen", link.organisation)
    try:
        answering.reopen(db.session, link, survey)
    except answering.ReopenRefused:
        db.session.rollback()
        abort(409)
    db.session.commit()
    return redirect(url_for(".survey_status", key=key))


_MAIL_KINDS = {"uitnodigen": mail.MailKind.INVITATION, "herinneren": mail.MailKind.REMINDER}


@bp.route("/bevraging/<key>/e-mail/<kind>", methods=["GET", "POST"], access=Access.MANAGE)
def send_mail(key: str, kind: str) -> ResponseReturnValue:
    """E-mail invitations (``uitnodigen``) or reminders (``herinneren``):
    a confirmation page that lists the organisations and says what
    happens to their links; its button sends (``survey.partners.mail``)."""
    survey = _partner_survey(key)
    mail_kind = _MAIL_KINDS.get(kind)
    if mail_kind is None:
        abort(404)
    settings = mail.MailSettings.from_config(current_app.config)
    targets = mail.recipients(links.status_rows(db.session, survey), mail_kind)
    problem = None
    if settings is None:
        problem = _(
            "E-mail is not set up on this server (SURVEY_SMTP_HOST): download the links "
            "as CSV instead."
        )
    elif survey.state is not SurveyState.OPEN:
        problem = _("The survey is not open: partners cannot answer it now.")
    form = ConfirmForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        if settings is not None and problem is None:
            report = mail.send_links(
                db.session,
                settings,
                survey,
                mail_kind,
                targets,
                zone=current_app.config["PRIVACY_CONTROLLER"],
            )
            db.session.commit()
            return render_template(
                "workspace/partner_mail_sent.html", survey=survey, kind=kind, report=report
            )
    return render_template(
        "workspace/partner_mail.html",
        survey=survey,
        kind=kind,
        targets=targets,
        problem=problem,
        form=form,
    ), 409 if problem and request.method == "POST" else 200
