"""Surveys: uploading a survey file, a survey's page, its file, its
preview, and opening and closing it (``/planner/bevragingen/...``)."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from survey.definitions.definition import definition_of
from survey.definitions.store import export_yaml
from survey.extensions import db
from survey.models import SurveyState
from survey.planner import history, paper, surveys
from survey.planner.tags import TagsRefused, correct
from survey.planner.tags import comments as comment_listing
from survey.workspace.forms import SurveyFileForm, SurveyStateForm
from survey.workspace.shell import Access, survey_or_404, workspace_blueprint

bp = workspace_blueprint("surveys", __name__, "/bevragingen")


@bp.route("/opladen", methods=["GET", "POST"], access=Access.MANAGE)
def upload() -> ResponseReturnValue:
    """A new survey, or a new version of a draft survey, from a file."""
    form = SurveyFileForm()
    error: str | None = None
    problems: list[str] = []
    if form.validate_on_submit():
        try:
            result = surveys.upload_survey(db.session, form.contents())
        except surveys.PlannerError as exc:
            db.session.rollback()
            error, problems = str(exc.message), exc.problems
        else:
            history.record(db.session, result.survey, "imported", current_user.email, "file")
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
            return redirect(url_for(".detail", key=result.survey.key))
    status = 422 if error or form.errors else 200
    return render_template(
        "workspace/upload.html", form=form, error=error, problems=problems
    ), status


@bp.get("/<key>", access=Access.VIEW)
def detail(key: str) -> ResponseReturnValue:
    """A survey, for every role: its state, responses and codes, and (for
    planners) the buttons to open or close it."""
    item = survey_or_404(key)
    return render_template(
        "workspace/survey.html",
        row=surveys.survey_row(db.session, item),
        survey=item,
        events=history.history(db.session, item),
        actions=history.ACTIONS,
    )


@bp.get("/<key>/vragenlijst.yaml", access=Access.VIEW)
def survey_file(key: str) -> ResponseReturnValue:
    """The survey's definition as a survey file (YAML) download."""
    item = survey_or_404(key)
    return Response(
        export_yaml(item),
        mimetype="application/yaml",
        headers={"Content-Disposition": f'attachment; filename="{item.key}.yaml"'},
    )


@bp.post("/<key>/status", access=Access.MANAGE)
def state(key: str) -> ResponseReturnValue:
    """Open (a draft, or reopen a closed survey) or close collection."""
    item = survey_or_404(key)
    form = SurveyStateForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        surveys.change_state(db.session, item, form.action.data or "")
    except surveys.PlannerError as exc:
        db.session.rollback()
        flash(str(exc.message), "error")
    else:
        action = "opened" if item.state is SurveyState.OPEN else "closed"
        history.record(db.session, item, action, current_user.email)
        db.session.commit()
        messages = {
            SurveyState.OPEN: _("The survey is open: residents can answer now."),
            SurveyState.CLOSED: _("The survey is closed: no new answers are accepted."),
        }
        flash(messages.get(item.state, ""), "success")
    return redirect(url_for(".detail", key=key))


@bp.get("/<key>/voorbeeld", access=Access.VIEW)
def preview(key: str) -> ResponseReturnValue:
    """Every page and question as residents see them; nothing is stored."""
    item = survey_or_404(key)
    language = request.args.get("language", "")
    definition = definition_of(item)
    if language not in definition.languages:
        language = definition.default_language
    return render_template(
        "workspace/preview.html",
        survey=item,
        definition=definition,
        language=language,
        fields=paper.blank_fields(definition),
        errors={},
    )


@bp.route("/<key>/opmerkingen", methods=["GET", "POST"], access=Access.MANAGE)
def comments(key: str) -> ResponseReturnValue:
    """The residents' comments with their phenomena; a planner's correction
    is stored for the comment's text and counted by the report."""
    item = survey_or_404(key)
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
            return redirect(url_for(".comments", key=key, phenomenon=phenomenon, page=page))
    return render_template(
        "workspace/comments.html",
        survey=item,
        listing=comment_listing(db.session, item, phenomenon, page),
        phenomenon=phenomenon,
        error=error,
    ), (422 if error else 200)
