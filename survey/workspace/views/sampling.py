"""The sample and its letters: a consultation's frame (register extract)
and letter settings, a survey's stratified sample, and the waves of
addressed letters printed in the background with their progress."""

from __future__ import annotations

from flask import (
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    send_file,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from survey.extensions import db
from survey.models import LetterRun, Sample, Survey
from survey.planner import letters, mailing
from survey.planner.csvfile import CsvRefused
from survey.planner.frame import current_frame, import_frame
from survey.planner.sample import (
    SampleRefused,
    draw_sample,
    latest_sample,
    parse_age_bands,
    strata_of,
)
from survey.workspace.forms import FrameFileForm, LetterRunForm, LetterSettingsForm, SampleForm
from survey.workspace.shell import Access, consultation_or_404, survey_or_404, workspace_blueprint

bp = workspace_blueprint("sampling", __name__)


@bp.route("/raadplegingen/<key>/steekproefkader", methods=["GET", "POST"], access=Access.MANAGE)
def frame(key: str) -> ResponseReturnValue:
    """Upload a register extract as the consultation's frame."""
    item = consultation_or_404(key)
    form = FrameFileForm()
    errors: list[str] = []
    if form.validate_on_submit():
        try:
            result = import_frame(
                db.session, item, form.contents(), str(form.file.data.filename or "")
            )
        except CsvRefused as exc:
            db.session.rollback()
            errors = exc.errors
        else:
            db.session.commit()
            flash(_("%(n)s people were stored in the sample frame.", n=result.people), "success")
            return redirect(url_for(".frame", key=key))
    return render_template(
        "workspace/frame.html",
        consultation=item,
        form=form,
        errors=errors,
        frame=current_frame(db.session, item),
    ), (422 if errors or form.errors else 200)


@bp.route("/raadplegingen/<key>/brieven", methods=["GET", "POST"], access=Access.MANAGE)
def letter_settings(key: str) -> ResponseReturnValue:
    """Sender, signatory, contact, privacy line, dates and images of the
    consultation's letters."""
    item = consultation_or_404(key)
    settings = letters.LetterSettings.of(item)
    form = LetterSettingsForm(obj=settings)
    if not form.is_submitted():
        form.reply_by.data = item.reply_by
        form.fieldwork_until.data = item.fieldwork_until
    error = None
    if form.validate_on_submit():
        try:
            letters.save_settings(
                item,
                {name: getattr(form, name).data or "" for name in letters.SETTING_LIMITS},
                form.reply_by.data,
                form.fieldwork_until.data,
                logo=form.image("logo"),
                signature=form.image("signature"),
            )
        except letters.LetterRefused as exc:
            db.session.rollback()
            error = str(exc)
        else:
            db.session.commit()
            flash(_("The letter settings were saved."), "success")
            return redirect(url_for(".letter_settings", key=key))
    return render_template(
        "workspace/letter_settings.html", consultation=item, form=form, error=error
    ), (422 if error or form.errors else 200)


def _invitation_survey(key: str) -> Survey:
    item = survey_or_404(key)
    if item.access != "invitation":
        abort(404)
    return item


@bp.route("/bevragingen/<key>/steekproef", methods=["GET", "POST"], access=Access.MANAGE)
def sample(key: str) -> ResponseReturnValue:
    """Draw a stratified sample; the latest sample, its strata and its
    letter waves."""
    item = _invitation_survey(key)
    form = SampleForm()
    frame_now = current_frame(db.session, item.consultation)
    error = None
    if form.validate_on_submit():
        try:
            if frame_now is None:
                raise SampleRefused(_("Upload a sample frame for this consultation first."))
            drawn = draw_sample(
                db.session,
                item,
                frame_now,
                dimensions=list(form.strata.data or []),
                method=form.method.data,
                size=form.whole("size") or 0,
                minimum=form.whole("minimum") or 0,
                age_bands=parse_age_bands(form.age_bands.data or ""),
                seed=form.whole("seed"),
            )
        except SampleRefused as exc:
            db.session.rollback()
            error = str(exc)
        else:
            db.session.commit()
            flash(
                _("%(n)s people were drawn (seed %(seed)s).", n=drawn.drawn, seed=drawn.seed),
                "success",
            )
            return redirect(url_for(".sample", key=key))
    current = latest_sample(db.session, item)
    runs = mailing.runs_of(db.session, current) if current else []
    unused = mailing.count_recipients(db.session, current, 2) if current else 0
    return render_template(
        "workspace/sample.html",
        survey=item,
        form=form,
        error=error,
        frame=frame_now,
        sample=current,
        strata=strata_of(current) if current else [],
        runs=runs,
        unused=unused,
        run_form=LetterRunForm(formdata=None),
    ), (422 if error or form.errors else 200)


def _run_or_404(key: str, run_id: int) -> tuple[Survey, Sample, LetterRun]:
    item = _invitation_survey(key)
    run = db.session.get(LetterRun, run_id)
    owner = db.session.get(Sample, run.sample_id) if run else None
    if run is None or owner is None or owner.survey_id != item.id:
        abort(404)
    return item, owner, run


@bp.post("/bevragingen/<key>/steekproef/brieven", access=Access.MANAGE)
def start_letters(key: str) -> ResponseReturnValue:
    """Start printing the invitation or the next reminder wave."""
    item = _invitation_survey(key)
    form = LetterRunForm()
    current = latest_sample(db.session, item)
    if not form.validate_on_submit() or current is None:
        abort(400)
    try:
        run = mailing.start_run(db.session, current, reminder=form.wave.data == "reminder")
    except mailing.MailingRefused as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(url_for(".sample", key=key))
    db.session.commit()
    mailing.start_in_background(current_app._get_current_object(), run.id)  # type: ignore[attr-defined]
    flash(_("The letters are being printed: follow the progress below."), "info")
    return redirect(url_for(".sample", key=key, _anchor=f"run-{run.id}"))


@bp.get("/bevragingen/<key>/steekproef/brieven/<int:run_id>", access=Access.MANAGE)
def run_progress(key: str, run_id: int) -> ResponseReturnValue:
    """The progress of a run as JSON (the page polls it)."""
    _item, _owner, run = _run_or_404(key, run_id)
    return jsonify(mailing.progress_of(run))


@bp.get("/bevragingen/<key>/steekproef/brieven/<int:run_id>/pdf", access=Access.MANAGE)
def run_pdf(key: str, run_id: int) -> ResponseReturnValue:
    """The printed letters of a run as one PDF (planners; 404 until printed or after the purge)."""
    _item, _owner, run = _run_or_404(key, run_id)
    path = mailing.run_file(run)
    if path is None:
        abort(404)
    return send_file(
        path, mimetype="application/pdf", as_attachment=True, download_name=run.filename
    )


@bp.get("/bevragingen/<key>/steekproef/brieven/<int:run_id>/csv", access=Access.MANAGE)
def run_csv(key: str, run_id: int) -> ResponseReturnValue:
    """The recipients of the run's wave for an external mail house."""
    item, owner, run = _run_or_404(key, run_id)
    people = mailing.recipients(db.session, owner, run.wave)
    base = str(current_app.config["PUBLIC_BASE_URL"])
    body = mailing.mailhouse_csv(people, run.wave, base, item)
    name = f"adressen-{item.key}-golf{run.wave}.csv"
    return Response(
        body,
        mimetype="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@bp.post("/bevragingen/<key>/steekproef/brieven/<int:run_id>/verwijderen", access=Access.MANAGE)
def delete_letters(key: str, run_id: int) -> ResponseReturnValue:
    """Delete a run's file once it is printed."""
    _item, _owner, run = _run_or_404(key, run_id)
    if not LetterRunForm().validate_on_submit():
        abort(400)
    mailing.delete_run_file(db.session, run)
    db.session.commit()
    flash(_("The letter file was deleted."), "success")
    return redirect(url_for(".sample", key=key))
