"""The planners' workspace under ``/planner``: login, consultations and
surveys, letters, fieldwork, paper entry, imports, exports, margins,
indicators, purge and users. Every view needs a login and a role
(``require_role``); routes parse, call a service and render."""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import date
from typing import IO, Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    stream_with_context,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user, logout_user
from sqlalchemy import select

from survey.definitions.definition import definition_of
from survey.extensions import DbSession, db, login_manager
from survey.models import Consultation, PlannerUser, Role, Survey, SurveyState
from survey.planner import accounts, fieldwork, surveys
from survey.planner.accounts import ADMIN_ONLY, MANAGE, VIEW, require_role
from survey.ratelimits import sign_in

bp = Blueprint("planner", __name__, url_prefix="/planner")

login_manager.login_view = "planner.login"
login_manager.login_message = _l("Log in to open the planners' workspace.")
login_manager.login_message_category = "info"

IDLE_MINUTES_DEFAULT = 30


# --- session, idle timeout, common context -----------------------------------


@bp.before_request
def _idle_timeout() -> ResponseReturnValue | None:
    """Log out after a period without requests (besides the absolute
    PERMANENT_SESSION_LIFETIME of the session cookie)."""
    g.page_language = "nl"
    # Planner pages show unpublished figures and raw data: never cache them.
    g.no_store = True
    if not current_user.is_authenticated:
        return None
    limit = 60 * int(current_app.config.get("PLANNER_IDLE_MINUTES", IDLE_MINUTES_DEFAULT))
    now = int(time.time())
    seen = session.get("planner_seen")
    if isinstance(seen, int) and now - seen > limit:
        logout_user()
        session.pop("planner_seen", None)
        flash(_("You were logged out after a period of inactivity. Log in again."), "info")
        return redirect(url_for("planner.login", next=request.path))
    session["planner_seen"] = now
    return None


@bp.context_processor
def _context() -> dict[str, Any]:
    return {
        "can_manage": accounts.has_role(current_user, Role.PLANNER),
        "is_admin": accounts.has_role(current_user),
        # The input report pages belong to survey.reporting (when installed).
        "has_reports": "reports.report" in current_app.view_functions,
        "Role": Role,
    }


def _survey_or_404(key: str) -> Survey:
    survey: Survey | None = db.session.scalar(select(Survey).where(Survey.key == key))
    if survey is None:
        abort(404)
    return survey


def _consultation_or_404(key: str) -> Any:
    consultation = surveys.get_consultation(db.session, key)
    if consultation is None:
        abort(404)
    return consultation


def _upload() -> bytes | None:
    file = request.files.get("file")
    if file is None or not file.filename:
        return None
    return bytes(file.read())


def _parse_date(raw: str | None) -> date | None:
    if not raw:
        return None
    try:
        return date.fromisoformat(raw.strip())
    except ValueError:
        return None


# --- login and logout --------------------------------------------------------


@bp.route("/login", methods=["GET", "POST"])
@sign_in
def login() -> ResponseReturnValue:
    error = None
    email = ""
    if request.method == "POST":
        email = request.form.get("email", "")[:254]
        user = accounts.authenticate(db.session, email, request.form.get("password", "")[:1024])
        if user is None:
            error = _("The e-mail address or password is not correct.")
        else:
            session.clear()
            session.permanent = True
            login_user(user)
            session["planner_seen"] = int(time.time())
            db.session.commit()
            target = request.args.get("next", "")
            if not target.startswith("/planner/") or target.startswith("//"):
                target = url_for("planner.index")
            return redirect(target)
    status = 200 if error is None else 401
    return render_template("planner/login.html", error=error, email=email), status


@bp.post("/logout")
def logout() -> ResponseReturnValue:
    logout_user()
    session.clear()
    flash(_("You are logged out."), "info")
    return redirect(url_for("planner.login"))


# --- consultations and surveys ---------------------------------------------


@bp.get("/")
@require_role(*VIEW)
def index() -> ResponseReturnValue:
    return render_template("planner/index.html", overview=surveys.overview(db.session))


@bp.route("/consultations/new", methods=["GET", "POST"])
@require_role(*MANAGE)
def consultation_new() -> ResponseReturnValue:
    error = None
    if request.method == "POST":
        raw_date = request.form.get("retention_until", "")
        until = _parse_date(raw_date)
        if raw_date and until is None:
            error = _("Enter the date as YYYY-MM-DD.")
        else:
            try:
                consultation = surveys.create_consultation(
                    db.session, request.form.get("key", ""), request.form.get("title", ""), until
                )
            except surveys.PlannerError as exc:
                error = str(exc.message)
            else:
                db.session.commit()
                flash(_("The consultation was created."), "success")
                return redirect(url_for("planner.consultation", key=consultation.key))
    return render_template("planner/consultation_new.html", error=error, form=request.form)


@bp.get("/consultations/<key>")
@require_role(*VIEW)
def consultation(key: str) -> ResponseReturnValue:
    from survey.planner.indicators import indicators_of
    from survey.planner.margins import margins_of
    from survey.planner.purge import is_due, purge_history

    item = _consultation_or_404(key)
    rows = [row for c, rs in surveys.overview(db.session) if c.id == item.id for row in rs]
    return render_template(
        "planner/consultation.html",
        consultation=item,
        rows=rows,
        margins=margins_of(db.session, item),
        indicators=indicators_of(db.session, item),
        purges=purge_history(db.session, item),
        purge_due=is_due(item),
    )


@bp.post("/consultations/<key>/retention")
@require_role(*MANAGE)
def consultation_retention(key: str) -> ResponseReturnValue:
    item = _consultation_or_404(key)
    raw = request.form.get("retention_until", "")
    until = _parse_date(raw)
    if raw and until is None:
        flash(_("Enter the date as YYYY-MM-DD."), "error")
    else:
        surveys.set_retention(db.session, item, until)
        db.session.commit()
        flash(_("The retention date was saved."), "success")
    return redirect(url_for("planner.consultation", key=key))


@bp.route("/surveys/upload", methods=["GET", "POST"])
@require_role(*MANAGE)
def survey_upload() -> ResponseReturnValue:
    error: str | None = None
    problems: list[str] = []
    if request.method == "POST":
        data = _upload()
        if data is None:
            error = _("Choose a survey file (YAML or JSON).")
        else:
            try:
                result = surveys.upload_survey(db.session, data)
            except surveys.PlannerError as exc:
                db.session.rollback()
                error, problems = str(exc.message), exc.problems
            else:
                db.session.commit()
                if result.created:
                    flash(_("The survey %(key)s was created.", key=result.survey.key), "success")
                else:
                    flash(
                        _(
                            "The survey %(key)s was updated to version %(version)s.",
                            key=result.survey.key,
                            version=result.survey.version,
                        ),
                        "success",
                    )
                return redirect(url_for("planner.survey_detail", key=result.survey.key))
    status = 200 if error is None else 422
    return render_template("planner/upload.html", error=error, problems=problems), status


@bp.get("/surveys/<key>")
@require_role(*VIEW)
def survey_detail(key: str) -> ResponseReturnValue:
    item = _survey_or_404(key)
    return render_template(
        "planner/survey.html", row=surveys.survey_row(db.session, item), survey=item
    )


@bp.get("/surveys/<key>/definition.yaml")
@require_role(*VIEW)
def survey_definition(key: str) -> ResponseReturnValue:
    from survey.definitions.store import export_yaml

    item = _survey_or_404(key)
    return Response(
        export_yaml(item),
        mimetype="application/yaml",
        headers={"Content-Disposition": f'attachment; filename="{item.key}.yaml"'},
    )


@bp.post("/surveys/<key>/state")
@require_role(*MANAGE)
def survey_state(key: str) -> ResponseReturnValue:
    item = _survey_or_404(key)
    action = request.form.get("action", "")
    try:
        surveys.change_state(db.session, item, action)
    except surveys.PlannerError as exc:
        db.session.rollback()
        flash(str(exc.message), "error")
    else:
        db.session.commit()
        messages = {
            SurveyState.OPEN: _("The survey is open: residents can answer now."),
            SurveyState.CLOSED: _("The survey is closed: no new answers are accepted."),
        }
        flash(messages.get(item.state, ""), "success")
    return redirect(url_for("planner.survey_detail", key=key))


@bp.get("/surveys/<key>/preview")
@require_role(*VIEW)
def survey_preview(key: str) -> ResponseReturnValue:
    from survey.planner import paper

    item = _survey_or_404(key)
    language = request.args.get("language", "")
    definition = definition_of(item)
    if language not in definition.languages:
        language = definition.default_language
    return render_template(
        "planner/preview.html",
        survey=item,
        definition=definition,
        language=language,
        fields=paper.blank_fields(definition),
        errors={},
    )


# --- letters -------------------------------------------------------------------


@bp.route("/surveys/<key>/letters", methods=["GET", "POST"])
@require_role(*MANAGE)
def survey_letters(key: str) -> ResponseReturnValue:
    from survey.planner import letters
    from survey.residents.codes import CodesRefused

    item = _survey_or_404(key)
    error = None
    if request.method == "POST":
        raw_count = request.form.get("count", "").strip()
        kind = request.form.get("format", "pdf")
        limit = letters.MAX_LETTERS_PDF if kind == "pdf" else 100_000
        # isascii: "²" passes isdigit() but int() refuses it (was a 500).
        valid = raw_count.isascii() and raw_count.isdigit() and len(raw_count) < 10
        if not valid or not 1 <= int(raw_count) <= limit:
            error = _("Enter a number of letters from 1 to %(max)s.", max=limit)
        elif kind not in ("pdf", "csv"):
            error = _("Choose PDF or CSV.")
        else:
            base = current_app.config["PUBLIC_BASE_URL"]
            try:
                batch = letters.make_codes(db.session, item, int(raw_count))
            except CodesRefused as exc:
                db.session.rollback()
                error = str(exc)
            else:
                if kind == "pdf":
                    sender = str(current_app.config.get("PRIVACY_CONTROLLER", ""))
                    body = letters.letters_pdf(batch, base, item, sender.capitalize())
                    mimetype, ext = "application/pdf", "pdf"
                else:
                    body = letters.letters_csv(batch, base, item)
                    mimetype, ext = "text/csv; charset=utf-8", "csv"
                # The codes are stored (hashed) only once their file is built.
                db.session.commit()
                g.no_store = True
                name = f"brieven-{item.key}-{batch.batch}.{ext}"
                return Response(
                    body,
                    mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'},
                )
    status = 200 if error is None else 422
    return render_template(
        "planner/letters.html", survey=item, error=error, row=surveys.survey_row(db.session, item)
    ), status


# --- fieldwork -------------------------------------------------------------------


@bp.get("/surveys/<key>/fieldwork")
@require_role(*VIEW)
def survey_fieldwork(key: str) -> ResponseReturnValue:
    item = _survey_or_404(key)
    board = fieldwork.dashboard(db.session, item)
    chart = fieldwork.per_day_chart(board.per_day, _("Responses per day"))
    return render_template("planner/fieldwork.html", survey=item, board=board, chart=chart)


# --- paper questionnaires and imports ---------------------------------------------


@bp.route("/surveys/<key>/paper", methods=["GET", "POST"])
@require_role(*MANAGE)
def survey_paper(key: str) -> ResponseReturnValue:
    from survey.planner import paper

    item = _survey_or_404(key)
    definition = definition_of(item)
    if item.state is SurveyState.DRAFT:
        flash(_("Open the survey before typing in paper questionnaires."), "error")
        return redirect(url_for("planner.survey_detail", key=key))
    if request.method == "POST":
        outcome = paper.store_paper(db.session, item, request.form)
        if outcome.stored:
            db.session.commit()
            flash(_("The paper questionnaire was saved."), "success")
            return redirect(url_for("planner.survey_paper", key=key))
        db.session.rollback()
        return render_template(
            "planner/paper.html",
            survey=item,
            definition=definition,
            language=outcome.language,
            fields=outcome.fields,
            errors=outcome.errors,
            submitted_on=outcome.submitted_on_raw,
            submission_key=outcome.submission_key,
        ), 422
    return render_template(
        "planner/paper.html",
        survey=item,
        definition=definition,
        language=definition.default_language,
        fields=paper.blank_fields(definition),
        errors={},
        submitted_on=date.today().isoformat(),
        submission_key=paper.new_submission_key(),
    )


@bp.route("/surveys/<key>/import", methods=["GET", "POST"])
@require_role(*MANAGE)
def survey_import(key: str) -> ResponseReturnValue:
    from survey.responses.csv_import import ResponseImportRefused, import_responses

    item = _survey_or_404(key)
    report = None
    error = None
    if request.method == "POST":
        data = _upload()
        if data is None:
            error = _("Choose a response file (CSV).")
        else:
            try:
                report = import_responses(db.session, item, data)
            except ResponseImportRefused as exc:
                db.session.rollback()
                report = exc.report
            else:
                db.session.commit()
    status = 422 if error or (report is not None and not report.ok) else 200
    return render_template("planner/import.html", survey=item, report=report, error=error), status


# --- exports ---------------------------------------------------------------------

EXPORT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "sav": "application/x-spss-sav",
}


@bp.get("/surveys/<key>/export")
@require_role(*MANAGE)
def survey_export(key: str) -> ResponseReturnValue:
    from survey.planner.exports import export_language

    item = _survey_or_404(key)
    g.no_store = True
    return render_template(
        "planner/export.html",
        survey=item,
        row=surveys.survey_row(db.session, item),
        languages=definition_of(item).languages,
        language=export_language(item, request.args.get("language")),
    )


@bp.get("/surveys/<key>/export.<fmt>")
@require_role(*MANAGE)
def survey_export_file(key: str, fmt: str) -> ResponseReturnValue:
    from survey.planner.exports import csv_chunks, write_export

    item = _survey_or_404(key)
    if fmt not in EXPORT_TYPES:
        abort(404)
    g.no_store = True
    headers = {"Content-Disposition": f'attachment; filename="antwoorden-{item.key}.{fmt}"'}
    if fmt == "csv":
        return Response(
            stream_with_context(csv_chunks(db.session, item)),
            mimetype=EXPORT_TYPES[fmt],
            headers=headers,
        )
    # XLSX and SAV are written to a temporary file (deleted when streamed).
    handle, path = tempfile.mkstemp(suffix=f".{fmt}")
    os.close(handle)
    try:
        write_export(db.session, item, fmt, path, request.args.get("language"))
        stream: IO[bytes] = open(path, "rb")  # noqa: SIM115 (closed by the generator)
    finally:
        os.unlink(path)  # the open handle keeps the data readable on POSIX
    return Response(_chunks(stream), mimetype=EXPORT_TYPES[fmt], headers=headers)


def _chunks(stream: IO[bytes], size: int = 64 * 1024) -> Iterator[bytes]:
    try:
        while chunk := stream.read(size):
            yield chunk
    finally:
        stream.close()


# --- margins, indicators, purge ---------------------------------------------------


def _store_upload(
    item: Consultation, importer: Callable[[DbSession, Consultation, bytes], int]
) -> tuple[int | None, list[str]]:
    """Store the posted CSV file with ``importer``, all or nothing: ``(rows
    stored, [])`` after a commit, or ``(None, errors)`` with nothing stored."""
    from survey.planner.csvfile import CsvRefused

    data = _upload()
    if data is None:
        return None, [_("Choose a CSV file.")]
    try:
        stored = importer(db.session, item, data)
    except CsvRefused as exc:
        db.session.rollback()
        return None, exc.errors
    db.session.commit()
    return stored, []


@bp.route("/consultations/<key>/margins", methods=["GET", "POST"])
@require_role(*MANAGE)
def consultation_margins(key: str) -> ResponseReturnValue:
    from survey.planner.margins import import_margins, margins_of, totals_warning

    item = _consultation_or_404(key)
    errors: list[str] = []
    if request.method == "POST":
        stored, errors = _store_upload(item, import_margins)
        if stored is not None:
            flash(_("%(n)s population margins were stored.", n=stored), "success")
            return redirect(url_for("planner.consultation_margins", key=key))
    margins = margins_of(db.session, item)
    return render_template(
        "planner/margins.html",
        consultation=item,
        margins=margins,
        warning=totals_warning(margins),
        errors=errors,
    ), (422 if errors else 200)


@bp.route("/consultations/<key>/matrix", methods=["GET", "POST"])
@require_role(*MANAGE)
def consultation_matrix(key: str) -> ResponseReturnValue:
    from survey.planner.matrix import parse_weights, save_weights, weights_view

    item = _consultation_or_404(key)
    problems: dict[str, str] = {}
    if request.method == "POST":
        if request.form.get("reset"):
            save_weights(db.session, item, None)
            db.session.commit()
            flash(_("The matrix uses the default weights again."), "success")
            return redirect(url_for("planner.consultation_matrix", key=key))
        weights, problems = parse_weights(request.form)
        if weights is not None:
            save_weights(db.session, item, weights)
            db.session.commit()
            flash(_("The weights of the priority matrix were saved."), "success")
            return redirect(url_for("planner.consultation_matrix", key=key))
    return render_template(
        "planner/matrix.html",
        consultation=item,
        view=weights_view(item),
        problems=problems,
        form=request.form,
    ), (422 if problems else 200)


@bp.route("/surveys/<key>/comments", methods=["GET", "POST"])
@require_role(*MANAGE)
def survey_comments(key: str) -> ResponseReturnValue:
    from survey.planner.tags import TagsRefused, comments, correct

    item = _survey_or_404(key)
    phenomenon = request.values.get("phenomenon") or None
    raw_page = request.values.get("page", "1")
    page = int(raw_page) if raw_page.isascii() and raw_page.isdigit() and len(raw_page) < 6 else 1
    error = None
    if request.method == "POST":
        try:
            correct(
                db.session,
                item,
                request.form.get("comment", ""),
                request.form.getlist("tags"),
                reset=bool(request.form.get("reset")),
            )
        except TagsRefused as exc:
            db.session.rollback()
            error = exc.message
        else:
            db.session.commit()
            flash(_("The phenomena of the comment were saved."), "success")
            return redirect(
                url_for("planner.survey_comments", key=key, phenomenon=phenomenon, page=page)
            )
    return render_template(
        "planner/comments.html",
        survey=item,
        listing=comments(db.session, item, phenomenon, page),
        phenomenon=phenomenon,
        error=error,
    ), (422 if error else 200)


@bp.route("/consultations/<key>/indicators", methods=["GET", "POST"])
@require_role(*MANAGE)
def consultation_indicators(key: str) -> ResponseReturnValue:
    from survey.planner.indicators import import_indicators, indicators_of

    item = _consultation_or_404(key)
    errors: list[str] = []
    if request.method == "POST":
        stored, errors = _store_upload(item, import_indicators)
        if stored is not None:
            flash(_("%(n)s indicators were stored.", n=stored), "success")
            return redirect(url_for("planner.consultation_indicators", key=key))
    return render_template(
        "planner/indicators.html",
        consultation=item,
        indicators=indicators_of(db.session, item),
        errors=errors,
    ), (422 if errors else 200)


@bp.route("/consultations/<key>/purge", methods=["GET", "POST"])
@require_role(*ADMIN_ONLY)
def consultation_purge(key: str) -> ResponseReturnValue:
    from survey.planner.purge import PurgeRefused, is_due, purge_consultation

    item = _consultation_or_404(key)
    error = None
    if request.method == "POST":
        if request.form.get("confirm") != item.key:
            error = _("Type the key of the consultation to confirm.")
        else:
            try:
                counts = purge_consultation(db.session, item, actor=current_user.email)
            except PurgeRefused as exc:
                db.session.rollback()
                error = str(exc.message)
            else:
                db.session.commit()
                flash(
                    _(
                        "Purged: %(codes)s codes and %(drafts)s drafts deleted, "
                        "%(texts)s free texts blanked.",
                        codes=counts.codes,
                        drafts=counts.drafts,
                        texts=counts.free_texts,
                    ),
                    "success",
                )
                return redirect(url_for("planner.consultation", key=key))
    preview = None
    if is_due(item):
        preview = purge_consultation(db.session, item, dry_run=True)
    return render_template(
        "planner/purge.html", consultation=item, preview=preview, error=error, due=is_due(item)
    ), (422 if error else 200)


# --- users (admin) -----------------------------------------------------------------


@bp.route("/users", methods=["GET", "POST"])
@require_role(*ADMIN_ONLY)
def users() -> ResponseReturnValue:
    error = None
    if request.method == "POST":
        try:
            accounts.create_user(
                db.session,
                request.form.get("email", ""),
                request.form.get("password", ""),
                request.form.get("role", ""),
                request.form.get("name", ""),
            )
        except accounts.AccountError as exc:
            db.session.rollback()
            error = str(exc.message)
        else:
            db.session.commit()
            flash(_("The user was created."), "success")
            return redirect(url_for("planner.users"))
    return render_template(
        "planner/users.html", users=accounts.list_users(db.session), error=error, form=request.form
    ), (422 if error else 200)


@bp.post("/users/<int:user_id>")
@require_role(*ADMIN_ONLY)
def user_update(user_id: int) -> ResponseReturnValue:
    user = db.session.get(PlannerUser, user_id)
    if user is None:
        abort(404)
    try:
        accounts.update_user(
            db.session,
            user,
            role=request.form.get("role", ""),
            active=request.form.get("active") == "1",
            acting=current_user._get_current_object(),
        )
        if request.form.get("password"):
            accounts.set_password(db.session, user, request.form["password"])
    except accounts.AccountError as exc:
        db.session.rollback()
        flash(str(exc.message), "error")
    else:
        db.session.commit()
        flash(_("The user was saved."), "success")
    return redirect(url_for("planner.users"))
