"""Data entry: paper questionnaires typed in, and response files imported
(both all or nothing, both idempotent)."""

from __future__ import annotations

from datetime import date

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from survey.definitions.definition import definition_of
from survey.extensions import db
from survey.models import SurveyState
from survey.planner import paper as paper_store
from survey.responses import csv_import
from survey.workspace.forms import ResponseFileForm
from survey.workspace.shell import Access, survey_or_404, workspace_blueprint

bp = workspace_blueprint("data_entry", __name__, "/bevragingen")


@bp.route("/<key>/papier", methods=["GET", "POST"], access=Access.MANAGE)
def paper(key: str) -> ResponseReturnValue:
    """One paper questionnaire per form. The questions' fields are read by
    the paper store (``survey.planner.paper``), with the residents' rules."""
    item = survey_or_404(key)
    definition = definition_of(item)
    if item.state is SurveyState.DRAFT:
        flash(_("Open the survey before typing in paper questionnaires."), "error")
        return redirect(url_for("surveys.detail", key=key))
    if request.method == "POST":
        outcome = paper_store.store_paper(db.session, item, request.form)
        if outcome.stored:
            db.session.commit()
            flash(_("The paper questionnaire was saved."), "success")
            return redirect(url_for(".paper", key=key))
        db.session.rollback()
        return render_template(
            "workspace/paper.html",
            survey=item,
            definition=definition,
            language=outcome.language,
            fields=outcome.fields,
            errors=outcome.errors,
            submitted_on=outcome.submitted_on_raw,
            submission_key=outcome.submission_key,
        ), 422
    return render_template(
        "workspace/paper.html",
        survey=item,
        definition=definition,
        language=definition.default_language,
        fields=paper_store.blank_fields(definition),
        errors={},
        submitted_on=date.today().isoformat(),
        submission_key=paper_store.new_submission_key(),
    )


@bp.route("/<key>/importeren", methods=["GET", "POST"], access=Access.MANAGE)
def import_responses(key: str) -> ResponseReturnValue:
    item = survey_or_404(key)
    form = ResponseFileForm()
    report = None
    if form.validate_on_submit():
        try:
            report = csv_import.import_responses(db.session, item, form.contents())
        except csv_import.ResponseImportRefused as exc:
            db.session.rollback()
            report = exc.report
        else:
            db.session.commit()
    status = 422 if form.errors or (report is not None and not report.ok) else 200
    return render_template("workspace/import.html", survey=item, form=form, report=report), status
