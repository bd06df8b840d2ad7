"""What every page of the survey editor shares: the draft check (an
opened survey's editor pages become a notice), storing an edit through
the validator with the audit trail, and the problems put beside the
fields of the forms (``survey.definitions.explain``). The editor's views
are split by what they edit (``editor``: settings, pages, questions,
conditions, translations; ``editor_lists``: scales and phenomena).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from survey.definitions import editing
from survey.definitions.editing import Definition, EditRefused
from survey.definitions.explain import Explained, explain
from survey.extensions import db
from survey.models import Survey, SurveyState
from survey.planner import history
from survey.questions.editor import LanguageText
from survey.workspace.shell import survey_or_404

_STEP = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def survey_languages(item: Survey) -> list[str]:
    """The survey's languages, the reference language first."""
    return [str(lang) for lang in item.definition.get("languages", ["nl"])]


def frozen_notice(item: Survey) -> ResponseReturnValue | None:
    """The notice page of an opened survey's editor (or a POST back to it),
    None for a draft."""
    if item.state is SurveyState.DRAFT:
        return None
    if request.method == "POST":
        flash(
            _("This survey has been opened: its questions can no longer change. Copy it."), "error"
        )
        return redirect(url_for("editor.overview", key=item.key))
    return render_template("workspace/editor/frozen.html", survey=item)


def store(item: Survey, definition: Definition) -> list[Explained]:
    """Store ``definition`` as the draft's next version and commit; the
    problems, in the planner's words, when it was refused (nothing stored)."""
    try:
        editing.save_edit(db.session, item, definition)
    except EditRefused as exc:
        db.session.rollback()
        if not exc.problems:
            return [Explained("", "", str(exc.message), "")]
        return [explain(definition, problem) for problem in exc.problems]
    # The page or question the edit was about, by key.
    about = " ".join(str(v) for k, v in (request.view_args or {}).items() if k != "key")
    history.record(db.session, item, "edited", current_user.email, about)
    db.session.commit()
    return []


def pad_texts(form: Any, languages: list[str], *, blank_items: bool) -> None:
    """Give every texts field of ``form`` an entry per survey language, and
    (``blank_items``) every list of options or rows an empty entry to add
    one, without JavaScript."""
    for field in form:
        if field.type != "FieldList":
            if field.type == "FormField":
                pad_texts(field.form, languages, blank_items=blank_items)
            continue
        inner = field.unbound_field.args[0] if field.unbound_field.args else None
        if inner is LanguageText:
            present = {entry.form.language.data for entry in field}
            for lang in languages:
                if lang not in present:
                    field.append_entry({"language": lang, "text": ""})
            continue
        if blank_items:
            field.append_entry()
        for entry in field:
            pad_texts(entry.form, languages, blank_items=False)


def field_at(form: Any, path: str) -> Any:
    """The form field a problem's path (after the question) is about, e.g.
    ``options[2].code`` or ``text.nl``; None when no field matches."""
    current: Any = form
    for name, index in _STEP.findall(path):
        if index:
            entries = list(current) if current is not None and hasattr(current, "entries") else []
            current = entries[int(index)].form if int(index) < len(entries) else None
        elif current is not None and getattr(current, "type", "") == "FieldList":
            texts = [e.form for e in current if getattr(e.form, "language", None) is not None]
            match = [t for t in texts if t.language.data == name]
            current = match[0].text if match else None
        elif current is not None:
            current = current._fields.get(name) if hasattr(current, "_fields") else None
            if current is not None and current.type == "FormField":
                current = current.form
        if current is None:
            return None
    return current


def place_problems(form: Any, problems: list[Explained]) -> list[tuple[str | None, str]]:
    """Put each problem beside its field (``errors``); the summary lines
    with the id they link to (None: the whole question)."""
    summary: list[tuple[str | None, str]] = []
    for problem in problems:
        field = field_at(form, problem.field) if problem.field else None
        if field is not None and hasattr(field, "errors"):
            field.errors = [*field.errors, problem.message]
            summary.append((field.id, str(problem)))
        else:
            summary.append((None, str(problem)))
    return summary


def form_errors(form: Any) -> list[tuple[str | None, str]]:
    """The form's own field errors (a number that is no number) as summary
    lines linking to their fields."""
    found: list[tuple[str | None, str]] = []
    for field in form:
        if field.type in ("FieldList",):
            for entry in field:
                found += form_errors(entry.form)
        elif field.type == "FormField":
            found += form_errors(field.form)
        elif field.type != "CSRFTokenField":
            found += [
                (field.id, f"{field.label.text}: {e}") for e in field.errors if isinstance(e, str)
            ]
    return found


def draft(view: Callable[..., ResponseReturnValue]) -> Callable[..., ResponseReturnValue]:
    """A view of a draft's editor: called with the survey instead of its
    key; an opened survey gets the frozen notice (or, posted, a redirect)."""

    @functools.wraps(view)
    def wrapper(key: str, **kwargs: Any) -> ResponseReturnValue:
        item = survey_or_404(key)
        notice = frozen_notice(item)
        if notice is not None:
            return notice
        return view(item, **kwargs)

    return wrapper
