"""The survey editor (``/planner/bevragingen/<key>/bewerken/...``): a draft
survey's settings, pages and questions, changed in the browser without
JavaScript. Every change is one edit of the definition
(``survey.definitions.editing``), checked by the validator and stored as
the draft's next version, or refused whole with the problems in the
planner's language beside the fields (``survey.definitions.explain``). A
question's own settings are its type's editor form (``questions/``).

An opened survey is frozen: its editor pages say so and offer a copy.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_babel import gettext as _

from survey.definitions import condition_builder, editing
from survey.definitions.definition import SurveyDefinition, definition_of
from survey.definitions.editing import Definition
from survey.definitions.explain import Explained
from survey.definitions.translations import (
    confirm_translations,
    outdated,
    set_texts,
    text_entries,
)
from survey.i18n import text_for
from survey.models import Survey
from survey.questions import REGISTRY, get_type
from survey.questions.editor import QuestionForm, form_for, texts_value
from survey.workspace.editor_forms import (
    AddQuestionForm,
    ConfirmForm,
    MoveForm,
    PageForm,
    SettingsForm,
    texts_for,
)
from survey.workspace.shell import Access, workspace_blueprint
from survey.workspace.views.editor_support import (
    draft,
    form_errors,
    pad_texts,
    place_problems,
    store,
    survey_languages,
)

bp = workspace_blueprint("editor", __name__, "/bevragingen")


# --- helpers ------------------------------------------------------------------------


def _page_or_404(definition: Definition, page_key: str) -> dict[str, Any]:
    try:
        return dict(definition["pages"][editing.page_index(definition, page_key)])
    except KeyError:
        abort(404)


def _question_or_404(definition: Definition, key: str) -> dict[str, Any]:
    try:
        p, q = editing.question_place(definition, key)
    except KeyError:
        abort(404)
    return dict(definition["pages"][p]["questions"][q])


def _overview_page(
    item: Survey, problems: list[Explained], status: int = 200
) -> ResponseReturnValue:
    definition = definition_of(item)
    pages = [(page.key, page.title, page.questions) for page in definition.pages]
    return render_template(
        "workspace/editor/overview.html",
        survey=item,
        definition=definition,
        pages=pages,
        problems=problems,
        types=REGISTRY,
        conditions={
            q.key: (condition_builder.from_condition(q.spec["show_if"]), q.spec["show_if"])
            for q in definition.questions
            if q.spec.get("show_if")
        },
        answers=_answer_labels(definition),
        typed_text=condition_builder.typed_texts(
            definition, [q.key for q in definition.questions], str(get_locale())
        ),
        operators=dict(_operator_names()),
    ), status


def _answer_labels(definition: SurveyDefinition) -> dict[str, dict[Any, str]]:
    """The label of every answer code a condition can test, by question
    reference (a matrix row shares its question's answers)."""
    first = definition.default_language
    labels: dict[str, dict[Any, str]] = {}
    for q in definition.questions:
        answers = {o.code: text_for(o.label, first) for o in q.options}
        labels[q.key] = answers
        for row in q.rows:
            labels[f"{q.key}.{row.key}"] = answers
    return labels


def _text(texts: Any, item: Survey) -> str:
    first = survey_languages(item)[0]
    return text_for(texts, first, first)


def _after(
    item: Survey, problems: list[Explained], message: str, anchor: str = ""
) -> ResponseReturnValue:
    """Back to the overview after an action posted from it: a message and a
    redirect, or the overview with the problems."""
    if problems:
        return _overview_page(item, problems, 422)
    flash(message, "success")
    return redirect(url_for(".overview", key=item.key) + (f"#{anchor}" if anchor else ""))


# --- the overview ------------------------------------------------------------------


@bp.get("/<key>/bewerken", access=Access.MANAGE)
@draft
def overview(item: Survey) -> ResponseReturnValue:
    """A draft's pages and questions with every action on them."""
    return _overview_page(item, [])


# --- settings ------------------------------------------------------------------------


@bp.route("/<key>/bewerken/instellingen", methods=["GET", "POST"], access=Access.MANAGE)
@draft
def settings(item: Survey) -> ResponseReturnValue:
    """The survey's title, introduction, closing text, access and languages."""
    raw = item.definition
    languages = survey_languages(item)
    form = SettingsForm(
        data={
            "title": texts_for(raw.get("title"), languages),
            "intro": texts_for(raw.get("intro"), languages),
            "closing": texts_for(raw.get("closing"), languages),
            "access": raw.get("access"),
            "languages": languages,
        }
    )
    form.offer_languages(languages)
    summary: list[tuple[str | None, str]] = []
    if form.validate_on_submit():
        chosen = form.chosen_languages()
        # The first language stays first: it is the reference text.
        ordered = [lang for lang in languages if lang in chosen] + [
            lang for lang in chosen if lang not in languages
        ]
        changed = editing.set_settings(
            raw,
            {
                "title": texts_value(form.title),
                "intro": texts_value(form.intro),
                "closing": texts_value(form.closing),
                "access": form.access.data,
                "languages": ordered,
            },
        )
        problems = store(item, changed)
        if not problems:
            flash(_("The settings were saved."), "success")
            return redirect(url_for(".overview", key=item.key))
        summary = place_problems(form, problems)
    pad_texts(form, languages, blank_items=False)
    status = 422 if summary or form.errors else 200
    return render_template(
        "workspace/editor/settings.html", survey=item, form=form, summary=summary
    ), status


# --- pages ---------------------------------------------------------------------------


@bp.route("/<key>/bewerken/paginas", methods=["GET", "POST"], access=Access.MANAGE)
@draft
def add_page(item: Survey) -> ResponseReturnValue:
    """A new page at the end, with its title (it starts with one open
    question to rewrite)."""
    languages = survey_languages(item)
    form = PageForm(data={"title": texts_for({}, languages)})
    summary: list[tuple[str | None, str]] = []
    if form.validate_on_submit():
        problems = store(item, editing.add_page(item.definition, texts_value(form.title)))
        if not problems:
            flash(_("The page was added."), "success")
            return redirect(url_for(".overview", key=item.key))
        summary = place_problems(form, problems)
    pad_texts(form, languages, blank_items=False)
    return render_template(
        "workspace/editor/page.html", survey=item, form=form, summary=summary, page=None
    ), (422 if summary else 200)


@bp.route("/<key>/bewerken/paginas/<page_key>", methods=["GET", "POST"], access=Access.MANAGE)
@draft
def page(item: Survey, page_key: str) -> ResponseReturnValue:
    """A page's title."""
    languages = survey_languages(item)
    current = _page_or_404(item.definition, page_key)
    form = PageForm(data={"title": texts_for(current.get("title"), languages)})
    summary: list[tuple[str | None, str]] = []
    if form.validate_on_submit():
        changed = editing.rename_page(item.definition, page_key, texts_value(form.title))
        problems = store(item, changed)
        if not problems:
            flash(_("The page was renamed."), "success")
            return redirect(url_for(".overview", key=item.key, _anchor=f"page-{page_key}"))
        summary = place_problems(form, problems)
    pad_texts(form, languages, blank_items=False)
    return render_template(
        "workspace/editor/page.html", survey=item, form=form, summary=summary, page=current
    ), (422 if summary else 200)


@bp.post("/<key>/bewerken/paginas/<page_key>/verplaatsen", access=Access.MANAGE)
@draft
def move_page(item: Survey, page_key: str) -> ResponseReturnValue:
    """A page one place up or down."""
    form = MoveForm()
    _page_or_404(item.definition, page_key)
    if not form.validate_on_submit() or form.direction.data not in ("up", "down"):
        abort(400)
    step = -1 if form.direction.data == "up" else 1
    problems = store(item, editing.move_page(item.definition, page_key, step))
    return _after(item, problems, _("The page was moved."), f"page-{page_key}")


@bp.route(
    "/<key>/bewerken/paginas/<page_key>/verwijderen", methods=["GET", "POST"], access=Access.MANAGE
)
@draft
def delete_page(item: Survey, page_key: str) -> ResponseReturnValue:
    """Confirm, then delete a page with its questions."""
    current = _page_or_404(item.definition, page_key)
    return _confirm_delete(
        item,
        lambda: editing.delete_page(item.definition, page_key),
        _("The page was deleted."),
        _(
            "the page '%(title)s' and its %(n)s questions",
            title=_text(current.get("title"), item),
            n=len(current.get("questions") or []),
        ),
    )


def _confirm_delete(
    item: Survey, delete: Callable[[], Definition], done: str, what: str
) -> ResponseReturnValue:
    """The page that asks to confirm deleting ``what``; posted, the
    deletion through the validator and back to the overview."""
    form = ConfirmForm()
    if form.validate_on_submit():
        return _after(item, store(item, delete()), done)
    return render_template("workspace/editor/delete.html", survey=item, form=form, what=what)


@bp.post("/<key>/bewerken/paginas/<page_key>/vragen", access=Access.MANAGE)
@draft
def add_question(item: Survey, page_key: str) -> ResponseReturnValue:
    """A new question of the chosen type at the end of a page; then its form."""
    _page_or_404(item.definition, page_key)
    form = AddQuestionForm()
    if not form.validate_on_submit():
        abort(400)
    changed, new_key = editing.add_question(item.definition, page_key, form.type.data)
    problems = store(item, changed)
    if problems:
        return _overview_page(item, problems, 422)
    flash(_("The question was added. Write its text and settings."), "success")
    return redirect(url_for(".question", key=item.key, question_key=new_key))


# --- questions ------------------------------------------------------------------------


def _question_form(item: Survey, spec: dict[str, Any], formdata: Any) -> QuestionForm:
    form = form_for(get_type(str(spec["type"])), spec, formdata=formdata)
    return form


@bp.route("/<key>/bewerken/vragen/<question_key>", methods=["GET", "POST"], access=Access.MANAGE)
@draft
def question(item: Survey, question_key: str) -> ResponseReturnValue:
    """A question's settings: its type's editor form. Saved through the
    validator; refused with each problem beside its field."""
    languages = survey_languages(item)
    spec = _question_or_404(item.definition, question_key)
    posted = request.form if request.method == "POST" else None
    form = _question_form(item, spec, posted)
    summary: list[tuple[str | None, str]] = []
    if request.method == "POST" and form.validate():
        changed_spec = editing.without_blank_items(form.definition())
        # The condition has its own page (pickers): it stays as it is.
        changed_spec.pop("show_if", None)
        if "show_if" in spec:
            changed_spec["show_if"] = spec["show_if"]
        changed = editing.replace_question(item.definition, question_key, changed_spec)
        problems = store(item, changed)
        if not problems:
            flash(_("The question was saved."), "success")
            return redirect(url_for(".overview", key=item.key, _anchor=f"q-{changed_spec['key']}"))
        summary = place_problems(form, problems)
    elif request.method == "POST":
        summary = form_errors(form)
    else:
        pad_texts(form, languages, blank_items=True)
    if request.method == "POST":
        pad_texts(form, languages, blank_items=False)
    status = 422 if request.method == "POST" else 200
    return render_template(
        "workspace/editor/question.html",
        survey=item,
        form=form,
        spec=spec,
        summary=summary,
        qtype=get_type(str(spec["type"])),
    ), status


@bp.post("/<key>/bewerken/vragen/<question_key>/verplaatsen", access=Access.MANAGE)
@draft
def move_question(item: Survey, question_key: str) -> ResponseReturnValue:
    """A question one place up or down on its page, or to the end of another page."""
    _question_or_404(item.definition, question_key)
    form = MoveForm()
    if not form.validate_on_submit():
        abort(400)
    if form.direction.data in ("up", "down"):
        step = -1 if form.direction.data == "up" else 1
        changed = editing.move_question(item.definition, question_key, step)
    else:
        try:
            changed = editing.move_question_to_page(
                item.definition, question_key, form.page.data or ""
            )
        except KeyError:
            abort(400)
    problems = store(item, changed)
    return _after(item, problems, _("The question was moved."), f"q-{question_key}")


@bp.route(
    "/<key>/bewerken/vragen/<question_key>/verwijderen",
    methods=["GET", "POST"],
    access=Access.MANAGE,
)
@draft
def delete_question(item: Survey, question_key: str) -> ResponseReturnValue:
    """Confirm, then delete a question."""
    spec = _question_or_404(item.definition, question_key)
    return _confirm_delete(
        item,
        lambda: editing.delete_question(item.definition, question_key),
        _("The question was deleted."),
        _("the question '%(key)s': %(text)s", key=question_key, text=_text(spec.get("text"), item)),
    )


# --- conditions ----------------------------------------------------------------------


def _earlier(item: Survey, question_key: str) -> list[tuple[str, str, list[tuple[int, str]]]]:
    """The questions (and matrix rows) a condition of ``question_key`` may
    test: those asked before it, with their answers (code, label)."""
    definition = definition_of(item)
    first = definition.default_language
    found: list[tuple[str, str, list[tuple[int, str]]]] = []
    for q in definition.questions:
        if q.key == question_key:
            break
        answers = [(o.code, text_for(o.label, first)) for o in q.options]
        found.append((q.key, f"{q.key}: {text_for(q.text, first)}", answers))
        for row in q.rows:
            found.append((f"{q.key}.{row.key}", f"{q.key} – {text_for(row.label, first)}", answers))
    return found


@bp.route(
    "/<key>/bewerken/vragen/<question_key>/voorwaarde",
    methods=["GET", "POST"],
    access=Access.MANAGE,
)
@draft
def condition(item: Survey, question_key: str) -> ResponseReturnValue:
    """When a question is shown, built from pickers without JavaScript:
    tests on earlier questions (is, is not, is one of, is none of,
    answered, not answered; the answers of a choice question chosen from
    lists, the numbers of a number question typed and read by its type,
    a problem beside the field and nothing stored) in groups of every or at least one of their
    parts, a group optionally turned around (not). The add and remove
    buttons post the tree and bring it back changed; saving stores it
    through the validator (``survey.definitions.condition_builder``)."""
    spec = _question_or_404(item.definition, question_key)
    earlier = _earlier(item, question_key)
    current = condition_builder.from_condition(spec.get("show_if"))
    root = current if current is not None else condition_builder.Group()
    form = ConfirmForm()
    summary: list[tuple[str | None, str]] = []
    typed = condition_builder.typed_readers(
        definition_of(item), {key for key, _label, _answers in earlier}
    )
    posted = form.validate_on_submit()
    if posted:
        root = condition_builder.from_form(request.form.get, request.form.getlist, typed)
        action = request.form.get("action", "save")
        typed_problems = condition_builder.problems(root)
        if action == "save" and typed_problems:
            summary = list(typed_problems)
        elif action in ("save", "clear"):
            wanted = condition_builder.to_condition(root) if action == "save" else None
            problems = store(item, editing.set_condition(item.definition, question_key, wanted))
            if not problems:
                flash(_("The condition was saved."), "success")
                return redirect(url_for(".overview", key=item.key, _anchor=f"q-{question_key}"))
            summary = [(None, str(p)) for p in problems]
        elif not condition_builder.apply(root, action):
            abort(400)
        if action != "save":
            # A value typed wrong is told when saving, not while building.
            for _node_id, node in condition_builder.nodes(root):
                if isinstance(node, condition_builder.Clause):
                    node.problem = ""
    if not root.parts:
        root.parts.append(condition_builder.Clause())
    question_choices = [("", _("(choose a question)"))] + [(k, label) for k, label, _a in earlier]
    return render_template(
        "workspace/editor/condition.html",
        survey=item,
        form=form,
        spec=spec,
        summary=summary,
        root=root,
        question_choices=question_choices,
        value_groups=[(k, label, answers) for k, label, answers in earlier if answers],
        operators=_operator_names(),
        unreadable=current is None,
        earlier=earlier,
        typed_keys=list(typed),
        typed_text=condition_builder.typed_texts(
            definition_of(item), list(typed), str(get_locale())
        ),
    ), (422 if summary else 200)


def _operator_names() -> list[tuple[str, str]]:
    return [
        ("equals", _("is")),
        ("not_equals", _("is not")),
        ("in", _("is one of")),
        ("not_in", _("is none of")),
        ("answered", _("is answered")),
        ("not_answered", _("is not answered")),
    ]


# --- translations ----------------------------------------------------------------------


@bp.route("/<key>/bewerken/vertalingen", methods=["GET", "POST"], access=Access.MANAGE)
@draft
def translations(item: Survey) -> ResponseReturnValue:
    """Every text of the survey with the reference language beside the
    others; a missing translation is marked (residents then read the
    reference text), and so is an outdated one (the reference text changed
    after it was translated: rewriting it, or confirming it is still right,
    clears the mark). Saved through the validator like every edit."""
    languages = survey_languages(item)
    entries = text_entries(item.definition)
    form = ConfirmForm()
    summary: list[tuple[str | None, str]] = []
    posted: dict[str, str] = {}
    if form.validate_on_submit():
        changes: dict[tuple[str | int, ...], dict[str, str]] = {}
        confirmed: list[tuple[tuple[str | int, ...], str]] = []
        for entry in entries:
            for lang in languages[1:]:
                name = f"{entry.name}:{lang}"
                if name not in request.form:
                    continue
                value = request.form[name]
                posted[name] = value
                if value.strip() != entry.texts.get(lang, ""):
                    changes.setdefault(entry.path, {})[lang] = value.strip()
                elif request.form.get(f"{name}:confirm"):
                    confirmed.append((entry.path, lang))
        changed = confirm_translations(set_texts(item.definition, changes), confirmed)
        problems = store(item, changed) if changes or confirmed else []
        if not problems:
            flash(_("The translations were saved."), "success")
            return redirect(url_for(".translations", key=item.key))
        summary = [(None, str(p)) for p in problems]
    missing = sum(1 for e in entries for lang in languages[1:] if not e.texts.get(lang))
    stale = outdated(item.definition, entries)
    return render_template(
        "workspace/editor/translations.html",
        survey=item,
        form=form,
        entries=entries,
        languages=languages,
        posted=posted,
        missing=missing,
        stale=stale,
        summary=summary,
    ), (422 if summary else 200)
