"""New surveys and their way to collection: a draft from a template
(``/planner/bevragingen/nieuw``) or an XLSForm workbook, a copy of any
survey (the next version of an open one), a test walk that stores nothing,
opening with a confirmation of what freezing means, and the XLSForm
download."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Response, abort, flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from survey.answering import rendering
from survey.answering.journey import CheckRow, Journey, PageScreen
from survey.definitions import editing
from survey.definitions.definition import definition_of
from survey.definitions.editing import EditRefused
from survey.definitions.explain import explain
from survey.definitions.templates import TEMPLATES, find_template
from survey.definitions.xlsform import XlsFormRefused, from_xlsform, to_xlsform
from survey.extensions import db
from survey.i18n import text_for
from survey.models import Consultation, Survey, SurveyState
from survey.planner import history, surveys
from survey.planner.trial import TrialStore, seal, unseal
from survey.workspace.editor_forms import ConfirmForm, CopyForm, NewSurveyForm, XlsFormForm
from survey.workspace.shell import Access, survey_or_404, workspace_blueprint

bp = workspace_blueprint("drafts", __name__, "/bevragingen")


def _consultation_keys() -> list[str]:
    return list(db.session.scalars(select(Consultation.key).order_by(Consultation.key)))


def _refusal(definition: Any, exc: EditRefused) -> tuple[str, list[str]]:
    return str(exc.message), [str(explain(definition, problem)) for problem in exc.problems]


def _made(
    make: Callable[[], Survey],
    definition: Any,
    message: Callable[[str], str],
    event: tuple[str, str],
) -> tuple[ResponseReturnValue | None, str | None, list[str]]:
    """Make a draft with ``make``: recorded as ``event`` (action, detail),
    committed, with ``message(key)`` and a redirect to its editor; or rolled
    back with the error and problems."""
    try:
        created = make()
    except EditRefused as exc:
        db.session.rollback()
        error, problems = _refusal(definition, exc)
        return None, error, problems
    history.record(db.session, created, event[0], current_user.email, event[1])
    new_key = created.key
    db.session.commit()
    flash(message(new_key), "success")
    return redirect(url_for("editor.overview", key=new_key)), None, []


@bp.route("/nieuw", methods=["GET", "POST"], access=Access.MANAGE)
def new() -> ResponseReturnValue:
    """A new draft survey from a template, under a key and in a
    consultation the planner chooses (both suggested)."""
    chosen = find_template(request.values.get("template", "")) or TEMPLATES[0]
    raw = chosen.definition()
    consultations = _consultation_keys()
    # Suggestions only on the form shown: a post says everything itself.
    form = NewSurveyForm(
        data={
            "template": chosen.name,
            "key": editing.free_key(db.session, str(raw["key"])),
            "consultation": consultations[0] if consultations else raw["consultation"],
        }
        if request.method == "GET"
        else None
    )
    error: str | None = None
    problems: list[str] = []
    if form.validate_on_submit():
        template = find_template(form.template.data or "")
        if template is None:
            abort(400)
        definition = template.definition()
        done, error, problems = _made(
            lambda: editing.new_draft(
                db.session,
                definition,
                key=form.key.data or "",
                consultation=form.consultation.data or "",
            ),
            definition,
            lambda key: _("The draft survey %(key)s was made from the template.", key=key),
            ("created", f"template {template.name}"),
        )
        if done is not None:
            return done
    return render_template(
        "workspace/editor/new.html",
        form=form,
        templates=TEMPLATES,
        consultations=consultations,
        error=error,
        problems=problems,
    ), (422 if error or form.errors else 200)


@bp.route("/<key>/kopie", methods=["GET", "POST"], access=Access.MANAGE)
def copy(key: str) -> ResponseReturnValue:
    """A copy of a survey in any state as a new draft, in the same or
    another consultation (the next edition)."""
    item = survey_or_404(key)
    form = CopyForm(
        data={"key": editing.free_key(db.session, item.key), "consultation": item.consultation.key}
        if request.method == "GET"
        else None
    )
    error: str | None = None
    problems: list[str] = []
    if form.validate_on_submit():
        done, error, problems = _made(
            lambda: editing.copy_survey(
                db.session,
                item,
                key=form.key.data or "",
                consultation=form.consultation.data or "",
            ),
            item.definition,
            lambda key: _("The copy %(key)s is a draft: you can edit it.", key=key),
            ("copied", f"{item.key} v{item.version}"),
        )
        if done is not None:
            return done
    return render_template(
        "workspace/editor/copy.html",
        survey=item,
        form=form,
        consultations=_consultation_keys(),
        error=error,
        problems=problems,
    ), (422 if error or form.errors else 200)


@bp.route("/<key>/openen", methods=["GET", "POST"], access=Access.MANAGE)
def open_survey(key: str) -> ResponseReturnValue:
    """Open a draft after the planner confirmed what opening means: the
    questions freeze, and changes go into a copy (the next version)."""
    item = survey_or_404(key)
    form = ConfirmForm()
    if item.state is SurveyState.DRAFT and form.validate_on_submit():
        try:
            surveys.change_state(db.session, item, "open")
        except surveys.PlannerError as exc:
            db.session.rollback()
            flash(str(exc.message), "error")
        else:
            history.record(db.session, item, "opened", current_user.email)
            db.session.commit()
            flash(_("The survey is open: residents can answer now."), "success")
        return redirect(url_for("surveys.detail", key=key))
    if request.method == "POST":
        flash(_("Only a draft survey can be opened here."), "error")
        return redirect(url_for("surveys.detail", key=key))
    return render_template(
        "workspace/editor/open.html", survey=item, form=form, definition=definition_of(item)
    )


# --- test mode ---------------------------------------------------------------------


def _trial_journey(item: Survey, values: dict[str, Any]) -> Journey[TrialStore]:
    definition = definition_of(item)
    language = request.values.get("lang", "")
    if language not in definition.languages:
        language = definition.default_language
    g.language = language
    return Journey(definition, TrialStore(values), language)


def _trial_context(item: Survey, journey: Journey[TrialStore]) -> dict[str, Any]:
    definition = journey.definition
    lang = journey.language

    def t(texts: Any) -> str:
        return text_for(texts or None, lang, definition.default_language)

    return {
        "survey": item,
        "definition": definition,
        "lang": lang,
        "page_language": lang,
        "t": t,
        "languages": [code for code in definition.languages if code != lang],
        "trial_answers": seal(journey.values),
    }


def _render_trial_page(item: Survey, journey: Journey[TrialStore], screen: PageScreen) -> str:
    context = _trial_context(item, journey)
    return render_template(
        "workspace/editor/trial_page.html",
        **rendering.page_context(screen, context, rendering.question_renderer()),
        back_url=url_for("editor.overview", key=item.key)
        if item.state is SurveyState.DRAFT
        else url_for("surveys.detail", key=item.key),
        action_url=url_for(
            ".trial_page", key=item.key, page_key=screen.page.key, lang=journey.language
        ),
    )


def _render_trial_check(
    item: Survey, journey: Journey[TrialStore], summary: list[tuple[str, str]]
) -> str:
    context = _trial_context(item, journey)
    answers = context["trial_answers"]

    def change_url(row: CheckRow) -> str:
        target = url_for(
            ".trial_page",
            key=item.key,
            page_key=row.question.page_key,
            a=answers,
            lang=journey.language,
        )
        return f"{target}#{row.anchor}"

    return render_template(
        "workspace/editor/trial_check.html",
        **context,
        sections=journey.check_sections(),
        summary=summary,
        change_url=change_url,
        back_url=None,
        action_url=url_for(".trial_check", key=item.key, lang=journey.language),
    )


@bp.get("/<key>/testen", access=Access.MANAGE)
def trial(key: str) -> ResponseReturnValue:
    """The start of a test walk: what it is, and the first page."""
    item = survey_or_404(key)
    journey = _trial_journey(item, {})
    first = journey.first_page()
    return render_template(
        "workspace/editor/trial_start.html",
        **_trial_context(item, journey),
        first=first,
    )


@bp.route("/<key>/testen/<page_key>", methods=["GET", "POST"], access=Access.MANAGE)
def trial_page(key: str, page_key: str) -> ResponseReturnValue:
    """One page of a test walk: shown (GET) or read and checked (POST) by
    the real journey; the answers travel on, signed; nothing is stored."""
    item = survey_or_404(key)
    journey = _trial_journey(item, unseal(request.values.get("a", "")))
    current = rendering.page_or_404(journey, page_key)
    if request.method == "GET":
        return _render_trial_page(item, journey, journey.screen(journey.view(current)))
    if request.form.get("back") and (previous := journey.previous_page(current)) is not None:
        return _render_trial_page(item, journey, journey.screen(journey.view(previous)))
    outcome = journey.read(current, request.form)
    if outcome.status != "saved":
        # Problems: 422; new questions shown on the page (no JavaScript): 200.
        screen = journey.screen_after(outcome)
        return _render_trial_page(item, journey, screen), (422 if outcome.problems else 200)
    following = journey.save(current, outcome)
    if following is None:
        return _render_trial_check(item, journey, [])
    return _render_trial_page(item, journey, journey.screen(journey.view(following)))


@bp.route("/<key>/testcontrole", methods=["GET", "POST"], access=Access.MANAGE)
def trial_check(key: str) -> ResponseReturnValue:
    """The check page of a test walk; sending checks every answer again as
    a real submit does, then says that nothing was stored."""
    item = survey_or_404(key)
    journey = _trial_journey(item, unseal(request.values.get("a", "")))
    if request.method == "GET":
        return _render_trial_check(item, journey, [])
    outcome = journey.submit()
    if outcome.status == "stored":
        return render_template("workspace/editor/trial_done.html", survey=item)
    context = _trial_context(item, journey)
    summary = rendering.submit_problems(
        outcome.problems,
        context["t"],
        lambda page_key: url_for(
            ".trial_page",
            key=key,
            page_key=page_key,
            a=context["trial_answers"],
            lang=journey.language,
        ),
    )
    return _render_trial_check(item, journey, summary), 422


# --- XLSForm -------------------------------------------------------------------------


@bp.get("/<key>/vragenlijst.xlsx", access=Access.VIEW)
def xlsform_file(key: str) -> ResponseReturnValue:
    """The survey as an XLSForm workbook (survey, choices, settings)."""
    item = survey_or_404(key)
    return Response(
        to_xlsform(item.definition),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="{item.key}-xlsform.xlsx"'},
    )


@bp.route("/xlsform", methods=["GET", "POST"], access=Access.MANAGE)
def xlsform_import() -> ResponseReturnValue:
    """A new draft survey from an XLSForm workbook (written in Excel, or a
    Kobo or ODK form): all of it, or nothing with every row that does not
    map."""
    consultations = _consultation_keys()
    form = XlsFormForm(
        data={"consultation": consultations[0] if consultations else ""}
        if request.method == "GET"
        else None
    )
    error: str | None = None
    problems: list[str] = []
    if form.validate_on_submit():
        try:
            definition = from_xlsform(form.contents())
        except XlsFormRefused as exc:
            error, problems = _("The workbook was not imported."), exc.problems
        else:
            key = (form.key.data or "").strip() or editing.free_key(db.session, definition["key"])
            consultation = (form.consultation.data or "").strip() or definition["consultation"]
            done, error, problems = _made(
                lambda: editing.new_draft(
                    db.session, definition, key=key, consultation=consultation
                ),
                definition,
                lambda key: _("The draft survey %(key)s was imported.", key=key),
                ("imported", "XLSForm"),
            )
            if done is not None:
                return done
    return render_template(
        "workspace/editor/xlsform.html",
        form=form,
        consultations=consultations,
        error=error,
        problems=problems,
    ), (422 if error or form.errors else 200)
