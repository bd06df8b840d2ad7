"""The survey editor's lists of a draft: its reusable scales (named option
lists that questions share, ``/bewerken/schalen``) and its phenomena (the
candidate priorities the report counts answers for,
``/bewerken/fenomenen``). Each is listed with where it is used, added,
edited and deleted; a deletion of something in use is refused by the
validator, with its problems in the planner's words, like every edit.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from survey.definitions import editing
from survey.definitions.editing import Definition, EditRefused
from survey.definitions.explain import Explained, field_words
from survey.i18n import text_for
from survey.models import Survey
from survey.questions.editor import texts_value
from survey.workspace.editor_forms import ConfirmForm, PhenomenonForm, ScaleForm, texts_for
from survey.workspace.shell import Access, workspace_blueprint
from survey.workspace.views.editor_support import (
    draft,
    form_errors,
    pad_texts,
    place_problems,
    store,
    survey_languages,
)

bp = workspace_blueprint("editor_lists", __name__, "/bevragingen")

Summary = list[tuple[str | None, str]]

# Empty lines a scale's form offers to add points without JavaScript.
NEW_SCALE_LINES = 5
MORE_LINES = 2


def _scales(item: Survey) -> dict[str, list[Any]]:
    scales = item.definition.get("scales")
    return dict(scales) if isinstance(scales, dict) else {}


def _phenomena(item: Survey) -> list[dict[str, Any]]:
    items = item.definition.get("phenomena")
    return [p for p in items if isinstance(p, dict)] if isinstance(items, list) else []


def _about(problems: list[Explained], prefix: str, field: str) -> list[Explained]:
    """Problems whose path starts with ``prefix`` (the scale or phenomenon
    edited) pointed at the form's ``field`` instead (``scales.freq[2].code``
    -> ``options[2].code``), so that they stand beside their field."""
    moved: list[Explained] = []
    for problem in problems:
        if problem.path == prefix or problem.path.startswith((f"{prefix}.", f"{prefix}[")):
            rest = problem.path.removeprefix(prefix)
            placed = f"{field}{rest}" if field else rest.lstrip(".")
            problem = dataclasses.replace(problem, field=placed, field_words=field_words(placed))
        moved.append(problem)
    return moved


def _save_entry(
    item: Survey,
    form: Any,
    name_field: Any,
    edited: str | None,
    change: Callable[[str], Definition],
    place: Callable[[str], tuple[str, str]],
    saved: Callable[[str], tuple[str, str]],
) -> tuple[ResponseReturnValue | None, Summary]:
    """A posted form of a scale or phenomenon through the validator: the
    one ``edited`` (None: a new one, named by ``name_field``) changed by
    ``change``. Saved: a redirect to the message and address ``saved``
    gives. Refused: the problems, those about the entry (at the path and
    form field ``place`` gives) beside their fields. Not posted: nothing."""
    if form.validate_on_submit():
        wanted = edited if edited is not None else (name_field.data or "").strip()
        try:
            changed = change(wanted)
        except EditRefused as exc:
            name_field.errors = [*name_field.errors, str(exc.message)]
            return None, [(name_field.id, f"{name_field.label.text}: {exc.message}")]
        problems = _about(store(item, changed), *place(wanted))
        if not problems:
            message, address = saved(wanted)
            flash(message, "success")
            return redirect(address), []
        return None, place_problems(form, problems)
    if request.method == "POST":
        return None, form_errors(form)
    return None, []


def _entry_page(item: Survey, template: str, form: Any, **context: Any) -> ResponseReturnValue:
    """A scale's or phenomenon's form page, its texts in every language of
    the survey; 422 when a posted form comes back."""
    pad_texts(form, survey_languages(item), blank_items=False)
    return render_template(template, survey=item, form=form, **context), (
        422 if request.method == "POST" else 200
    )


# --- scales ---------------------------------------------------------------------------


def _scales_page(item: Survey, summary: Summary, status: int = 200) -> ResponseReturnValue:
    first = survey_languages(item)[0]
    scales = [
        (
            name,
            [(o.get("code"), text_for(o.get("label"), first, first)) for o in options or []],
            editing.scale_users(item.definition, name),
        )
        for name, options in _scales(item).items()
    ]
    return render_template(
        "workspace/editor/scales.html", survey=item, scales=scales, summary=summary
    ), status


@bp.get("/<key>/bewerken/schalen", access=Access.MANAGE)
@draft
def scales(item: Survey) -> ResponseReturnValue:
    """The draft's scales: their points and the questions that use them."""
    return _scales_page(item, [])


def _scale_form(item: Survey, name: str | None) -> ResponseReturnValue:
    current = _scales(item).get(name) if name is not None else []
    if current is None:
        abort(404)
    form = ScaleForm(data={"name": name or "", "options": ScaleForm.fill(current)})
    done, summary = _save_entry(
        item,
        form,
        form.name,
        name,
        lambda wanted: editing.set_scale(item.definition, wanted, form.scale(), new=name is None),
        lambda wanted: (f"scales.{wanted}", "options"),
        lambda wanted: (
            _("The scale %(name)s was saved.", name=wanted),
            url_for(".scales", key=item.key) + f"#scale-{wanted}",
        ),
    )
    if done is not None:
        return done
    if request.method == "GET":
        for _line in range(NEW_SCALE_LINES if name is None else MORE_LINES):
            form.options.append_entry()
    return _entry_page(item, "workspace/editor/scale.html", form, name=name, summary=summary)


@bp.route("/<key>/bewerken/schalen/nieuw", methods=["GET", "POST"], access=Access.MANAGE)
@draft
def add_scale(item: Survey) -> ResponseReturnValue:
    """A new scale: its name and points."""
    return _scale_form(item, None)


@bp.route("/<key>/bewerken/schalen/<name>", methods=["GET", "POST"], access=Access.MANAGE)
@draft
def scale(item: Survey, name: str) -> ResponseReturnValue:
    """A scale's points (a change reaches every question that uses it)."""
    return _scale_form(item, name)


@bp.route(
    "/<key>/bewerken/schalen/<name>/verwijderen", methods=["GET", "POST"], access=Access.MANAGE
)
@draft
def delete_scale(item: Survey, name: str) -> ResponseReturnValue:
    """Confirm, then delete a scale; refused while a question uses it."""
    if name not in _scales(item):
        abort(404)
    return _confirm_delete(
        item,
        lambda: editing.delete_scale(item.definition, name),
        done=_("The scale %(name)s was deleted.", name=name),
        what=_("the scale '%(name)s'", name=name),
        users=editing.scale_users(item.definition, name),
        listing=_scales_page,
        endpoint=".scales",
    )


def _confirm_delete(
    item: Survey,
    delete: Callable[[], Definition],
    *,
    done: str,
    what: str,
    users: list[str],
    listing: Callable[[Survey, Summary, int], ResponseReturnValue],
    endpoint: str,
) -> ResponseReturnValue:
    """The page that asks to confirm deleting ``what`` (naming its
    ``users``); posted, the deletion through the validator, then back to
    the list (``endpoint``), or its page with the problems (``listing``)
    when the validator refused it."""
    form = ConfirmForm()
    if form.validate_on_submit():
        problems = store(item, delete())
        if problems:
            return listing(item, [(None, str(p)) for p in problems], 422)
        flash(done, "success")
        return redirect(url_for(endpoint, key=item.key))
    return render_template(
        "workspace/editor/delete.html",
        survey=item,
        form=form,
        what=what,
        back=url_for(endpoint, key=item.key),
        users=users,
    )


# --- phenomena --------------------------------------------------------------------------


def _phenomena_page(item: Survey, summary: Summary, status: int = 200) -> ResponseReturnValue:
    first = survey_languages(item)[0]
    phenomena = [
        (
            str(p.get("key")),
            text_for(p.get("label"), first, first),
            bool(p.get("federal_priority", False)),
            editing.phenomenon_users(item.definition, str(p.get("key"))),
        )
        for p in _phenomena(item)
    ]
    return render_template(
        "workspace/editor/phenomena.html", survey=item, phenomena=phenomena, summary=summary
    ), status


@bp.get("/<key>/bewerken/fenomenen", access=Access.MANAGE)
@draft
def phenomena(item: Survey) -> ResponseReturnValue:
    """The draft's phenomena and the questions that count answers for them."""
    return _phenomena_page(item, [])


def _phenomenon_form(item: Survey, key: str | None) -> ResponseReturnValue:
    languages = survey_languages(item)
    items = _phenomena(item)
    index = next((i for i, p in enumerate(items) if p.get("key") == key), None)
    if key is not None and index is None:
        abort(404)
    current = items[index] if index is not None else {}
    form = PhenomenonForm(
        data={
            "key": key or "",
            "label": texts_for(current.get("label"), languages),
            "federal_priority": bool(current.get("federal_priority", False)),
        }
    )
    position = index if index is not None else len(items)
    done, summary = _save_entry(
        item,
        form,
        form.key,
        key,
        lambda wanted: editing.set_phenomenon(
            item.definition,
            wanted,
            texts_value(form.label),
            bool(form.federal_priority.data),
            new=key is None,
        ),
        lambda _wanted: (f"phenomena[{position}]", ""),
        lambda wanted: (
            _("The phenomenon %(key)s was saved.", key=wanted),
            url_for(".phenomena", key=item.key) + f"#phenomenon-{wanted}",
        ),
    )
    if done is not None:
        return done
    return _entry_page(item, "workspace/editor/phenomenon.html", form, key=key, summary=summary)


@bp.route("/<key>/bewerken/fenomenen/nieuw", methods=["GET", "POST"], access=Access.MANAGE)
@draft
def add_phenomenon(item: Survey) -> ResponseReturnValue:
    """A new phenomenon: its key, name and whether it is a federal priority."""
    return _phenomenon_form(item, None)


@bp.route(
    "/<key>/bewerken/fenomenen/<phenomenon_key>", methods=["GET", "POST"], access=Access.MANAGE
)
@draft
def phenomenon(item: Survey, phenomenon_key: str) -> ResponseReturnValue:
    """A phenomenon's name and whether it is a federal priority."""
    return _phenomenon_form(item, phenomenon_key)


@bp.route(
    "/<key>/bewerken/fenomenen/<phenomenon_key>/verwijderen",
    methods=["GET", "POST"],
    access=Access.MANAGE,
)
@draft
def delete_phenomenon(item: Survey, phenomenon_key: str) -> ResponseReturnValue:
    """Confirm, then delete a phenomenon; refused while an option or row
    counts for it."""
    if not any(p.get("key") == phenomenon_key for p in _phenomena(item)):
        abort(404)
    return _confirm_delete(
        item,
        lambda: editing.delete_phenomenon(item.definition, phenomenon_key),
        done=_("The phenomenon %(key)s was deleted.", key=phenomenon_key),
        what=_("the phenomenon '%(key)s'", key=phenomenon_key),
        users=editing.phenomenon_users(item.definition, phenomenon_key),
        listing=_phenomena_page,
        endpoint=".phenomena",
    )
