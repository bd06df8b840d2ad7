"""Consultations: the workspace's overview (``/planner/``), a new
consultation, a consultation's page with its retention date, and the
uploads that belong to a consultation (population margins, objective
indicators)."""

from __future__ import annotations

from collections.abc import Callable

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from wtforms import SelectChoice

from survey.definitions.templates import TEMPLATES
from survey.extensions import DbSession, db
from survey.i18n import language_name
from survey.models import Consultation
from survey.planner import surveys
from survey.planner.csvfile import CsvRefused
from survey.planner.indicators import import_indicators, indicators_of
from survey.planner.margins import (
    import_margins,
    margins_of,
    set_margins_source,
    totals_warning,
)
from survey.planner.matrix import parse_weights, save_weights, weights_view
from survey.planner.purge import is_due, purge_history
from survey.planner.weighting import (
    category_text,
    choice_value,
    merge_rows,
    parse_choices,
    save_choices,
    stored_choices,
    weighting_categories,
)
from survey.workspace.forms import (
    ConsultationForm,
    MarginsSourceForm,
    RetentionForm,
    TranslationsForm,
    UploadForm,
    WeightingChoicesForm,
)
from survey.workspace.shell import Access, consultation_or_404, workspace_blueprint

bp = workspace_blueprint("consultations", __name__)


@bp.get("/", access=Access.VIEW)
def index() -> ResponseReturnValue:
    """The workspace home, for every role: each consultation with its
    surveys (audience, access, state, responses)."""
    return render_template(
        "workspace/index.html", overview=surveys.overview(db.session), templates=TEMPLATES
    )


@bp.route("/raadplegingen/nieuw", methods=["GET", "POST"], access=Access.MANAGE)
def new() -> ResponseReturnValue:
    """Planners: create a consultation (key, title, retention date); the
    service's message when the key is taken or malformed."""
    form = ConsultationForm()
    error = None
    if form.validate_on_submit():
        try:
            consultation = surveys.create_consultation(
                db.session, form.key.data, form.title.data, form.retention_until.data
            )
        except surveys.PlannerError as exc:
            error = str(exc.message)
        else:
            db.session.commit()
            flash(_("The consultation was created."), "success")
            return redirect(url_for(".detail", key=consultation.key))
    # 200 with the messages, as this page always answered.
    return render_template("workspace/consultation_new.html", form=form, error=error)


@bp.get("/raadplegingen/<key>", access=Access.VIEW)
def detail(key: str) -> ResponseReturnValue:
    """A consultation, for every role: its surveys, population margins,
    objective indicators, purge history (and whether a purge is due), and
    its retention date with a form to change it."""
    item = consultation_or_404(key)
    rows = [row for c, rs in surveys.overview(db.session) if c.id == item.id for row in rs]
    return render_template(
        "workspace/consultation.html",
        consultation=item,
        rows=rows,
        margins=margins_of(db.session, item),
        indicators=indicators_of(db.session, item),
        purges=purge_history(db.session, item),
        purge_due=is_due(item),
        retention=RetentionForm(formdata=None, obj=item),
        translations=_translations_form(item),
    )


def _translations_form(item: Consultation) -> TranslationsForm:
    """The title, margins' source and partner sectors per report language,
    as stored."""
    stored = item.translations or {}
    sectors = surveys.partner_sectors(db.session, item)
    languages = []
    for code in surveys.translation_languages(item):
        given = stored.get(code, {})
        translated = given.get("sectors") or {}
        languages.append(
            {
                "language": code,
                "title": given.get("title", ""),
                "margins_source": given.get("margins_source", ""),
                "sectors": [{"sector": s, "text": translated.get(s, "")} for s in sectors],
            }
        )
    return TranslationsForm(formdata=None, data={"languages": languages})


@bp.post("/raadplegingen/<key>/vertalingen", access=Access.MANAGE)
def translations(key: str) -> ResponseReturnValue:
    """Planners: the title, margins' source and partner sectors in the
    surveys' other languages, for the reports in those languages; back to
    the consultation with a message (or the fields' errors). Languages the
    consultation's surveys do not have, and sectors none of its partners
    has, are ignored."""
    item = consultation_or_404(key)
    form = TranslationsForm()
    if form.validate_on_submit():
        offered = surveys.translation_languages(item)
        texts = {
            entry.language.data: {
                "title": entry.title.data,
                "margins_source": entry.margins_source.data,
                "sectors": {s.sector.data: s.text.data for s in entry.sectors},
            }
            for entry in form.languages
            if entry.language.data in offered
        }
        surveys.set_translations(db.session, item, texts, surveys.partner_sectors(db.session, item))
        db.session.commit()
        flash(_("The translations were saved."), "success")
    else:
        for entry in form.languages:
            name = language_name(entry.language.data or "")
            fields = [(name, entry.title), (name, entry.margins_source)]
            fields.extend((f"{name}, {s.sector.data}", s.text) for s in entry.sectors)
            for where, field in fields:
                for message in field.errors:
                    flash(f"{where}: {message}", "error")
    return redirect(url_for(".detail", key=key))


@bp.post("/raadplegingen/<key>/bewaartermijn", access=Access.MANAGE)
def retention(key: str) -> ResponseReturnValue:
    """Planners: set or clear the retention date, then back to the
    consultation with a message (or the date's error)."""
    item = consultation_or_404(key)
    form = RetentionForm()
    if form.validate_on_submit():
        surveys.set_retention(db.session, item, form.retention_until.data)
        db.session.commit()
        flash(_("The retention date was saved."), "success")
    else:
        for message in form.retention_until.errors:
            flash(str(message), "error")
    return redirect(url_for(".detail", key=key))


def _upload_page(
    key: str,
    *,
    importer: Callable[[DbSession, Consultation, bytes], int],
    stored: Callable[[int], str],
    template: str,
    **listings: Callable[[DbSession, Consultation], object],
) -> ResponseReturnValue:
    """A consultation's CSV upload page (margins, indicators): the form and
    what is stored so far (``listings``, by template name). A posted file is
    stored with ``importer``, all or nothing: a commit and back to the page
    with the ``stored`` message, or the file's problems and nothing stored
    (422)."""
    item = consultation_or_404(key)
    form = UploadForm()
    errors: list[str] = []
    if form.validate_on_submit():
        try:
            rows = importer(db.session, item, form.contents())
        except CsvRefused as exc:
            db.session.rollback()
            errors = exc.errors
        else:
            db.session.commit()
            flash(stored(rows), "success")
            return redirect(request.path)
    context = {name: listing(db.session, item) for name, listing in listings.items()}
    return render_template(template, consultation=item, form=form, errors=errors, **context), (
        422 if errors or form.errors else 200
    )


def _margins_listings(
    weighting_form: WeightingChoicesForm | None = None,
) -> dict[str, Callable[[DbSession, Consultation], object]]:
    """What the margins page shows beside its upload form: the stored
    margins and their warning, the source form, and the weighting choices'
    form (``weighting_form``: the one posted, else the stored choices)."""

    def weighting(session: DbSession, item: Consultation) -> WeightingChoicesForm:
        categories = weighting_categories(session, item)
        form = weighting_form
        if form is None:
            choices = stored_choices(item)
            form = WeightingChoicesForm(
                formdata=None,
                data={
                    "minimum": str(choices.minimum),
                    "unanswered": choices.unanswered,
                    "merges": merge_rows(choices),
                },
            )
        groups = [SelectChoice("", _("(none)"))]
        targets = [SelectChoice("", _("(none)"))]
        for dimension in categories:
            for category in dimension.categories:
                choice = SelectChoice(
                    choice_value(dimension.dimension, category.code),
                    category_text(dimension, category),
                )
                # Age bands merge with a neighbour by the rule, not by choice.
                if not (dimension.ordered and category.in_margins):
                    groups.append(choice)
                if category.in_margins:
                    targets.append(choice)
        for row in form.merges:
            row.form.group.choices = groups
            row.form.into.choices = targets
        return form

    return {
        "margins": margins_of,
        "warning": lambda session, item: totals_warning(margins_of(session, item)),
        "source_form": lambda _session, item: MarginsSourceForm(formdata=None, obj=item),
        "weighting_form": weighting,
        "categories": weighting_categories,
    }


@bp.route("/raadplegingen/<key>/marges", methods=["GET", "POST"], access=Access.MANAGE)
def margins(key: str) -> ResponseReturnValue:
    """Planners: upload the population margins (CSV) that weighting uses,
    see those stored, and set their source and the weighting choices (see
    ``docs/margins.md``)."""
    return _upload_page(
        key,
        importer=import_margins,
        stored=lambda n: _("%(n)s population margins were stored.", n=n),
        template="workspace/margins.html",
        **_margins_listings(),
    )


@bp.post("/raadplegingen/<key>/marges/weging", access=Access.MANAGE)
def weighting_choices(key: str) -> ResponseReturnValue:
    """Planners: save the consultation's weighting choices (collapsing
    minimum, merges declared by label, the unanswered), all or nothing;
    back to the margins page, or the page again with the problems (422)."""
    item = consultation_or_404(key)
    form = WeightingChoicesForm()
    problems: dict[str, str] = {}
    if form.validate_on_submit():
        choices, problems = parse_choices(
            form.minimum.data or "",
            bool(form.unanswered.data),
            [(row.form.group.data or "", row.form.into.data or "") for row in form.merges],
            weighting_categories(db.session, item),
        )
        if choices is not None:
            save_choices(db.session, item, choices)
            db.session.commit()
            flash(_("The weighting choices were saved."), "success")
            return redirect(url_for(".margins", key=key))
    else:
        # Only the CSRF token can fail here: the fields take any text.
        problems = {
            name: str(errors[0])
            for name, errors in form.errors.items()
            if errors and name != "merges"
        }
    context = {name: listing(db.session, item) for name, listing in _margins_listings(form).items()}
    return render_template(
        "workspace/margins.html",
        consultation=item,
        form=UploadForm(formdata=None),
        errors=[],
        weighting_problems=problems,
        **context,
    ), 422


@bp.post("/raadplegingen/<key>/marges/bron", access=Access.MANAGE)
def margins_source(key: str) -> ResponseReturnValue:
    """Planners: record the margins' source and reference date, then back
    to the margins page with a message (or the fields' errors)."""
    item = consultation_or_404(key)
    form = MarginsSourceForm()
    if form.validate_on_submit():
        set_margins_source(db.session, item, form.margins_source.data, form.margins_date.data)
        db.session.commit()
        flash(_("The source of the margins was saved."), "success")
    else:
        for errors in form.errors.values():
            for message in errors:
                flash(str(message), "error")
    return redirect(url_for(".margins", key=key))


@bp.route("/raadplegingen/<key>/matrix", methods=["GET", "POST"], access=Access.MANAGE)
def matrix(key: str) -> ResponseReturnValue:
    """The weights of the priority matrix: saved (or back to the defaults)
    and recorded in every report of the consultation."""
    item = consultation_or_404(key)
    problems: dict[str, str] = {}
    if request.method == "POST":
        if request.form.get("reset"):
            save_weights(db.session, item, None)
            db.session.commit()
            flash(_("The matrix uses the default weights again."), "success")
            return redirect(request.path)
        weights, problems = parse_weights(request.form)
        if weights is not None:
            save_weights(db.session, item, weights)
            db.session.commit()
            flash(_("The weights of the priority matrix were saved."), "success")
            return redirect(request.path)
    return render_template(
        "workspace/matrix.html",
        consultation=item,
        view=weights_view(db.session, item),
        problems=problems,
        form=request.form,
    ), (422 if problems else 200)


@bp.route("/raadplegingen/<key>/indicatoren", methods=["GET", "POST"], access=Access.MANAGE)
def indicators(key: str) -> ResponseReturnValue:
    """Planners: upload the objective indicators (CSV) of the priority
    matrix, and see those stored."""
    return _upload_page(
        key,
        importer=import_indicators,
        stored=lambda n: _("%(n)s indicators were stored.", n=n),
        template="workspace/indicators.html",
        indicators=indicators_of,
    )
