"""Changing survey definitions: new drafts (from a template, or a copy of
any survey) and edits of a draft, every one through the validator.

The edits are pure functions over a definition (a survey file as a dict):
each returns a changed deep copy and never touches the one it was given.
``save_edit`` stores the result as the draft's next version, or refuses it
whole with the validator's problems (``EditRefused``), exactly as an
uploaded file is refused: the editor and the file are one format.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from flask_babel import lazy_gettext as _l

from survey.definitions.problems import Problem
from survey.definitions.store import ImportRefused, find_survey, import_survey
from survey.definitions.translations import record_sources
from survey.definitions.validation import PAGE_KEY_RE, SURVEY_KEY_RE
from survey.extensions import DbSession
from survey.i18n import is_language_code
from survey.models import DefinitionFrozen, Survey
from survey.questions import get_type
from survey.questions.base import QUESTION_KEY_RE

Definition = dict[str, Any]
Spec = dict[str, Any]


class EditRefused(Exception):
    """An edit, copy or new draft that cannot be stored. ``message`` says
    why in the planner's words (a lazy msgid); ``problems`` are the
    validator's problems when the definition broke a rule."""

    def __init__(self, message: Any, problems: list[Problem] | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        self.problems = problems or []


# --- new drafts ---------------------------------------------------------------------


def free_key(session: DbSession, wanted: str) -> str:
    """``wanted`` when no survey has that key, else the first free
    ``wanted-2``, ``wanted-3``, ... (a suggestion for a form)."""
    if find_survey(session, wanted) is None:
        return wanted
    stem = re.sub(r"-\d{1,2}$", "", wanted)[:60]
    number = 2
    while find_survey(session, f"{stem}-{number}") is not None:
        number += 1
    return f"{stem}-{number}"


def new_draft(session: DbSession, raw: Definition, *, key: str, consultation: str) -> Survey:
    """A new draft survey from the definition ``raw`` under a new ``key``, in
    ``consultation`` (made when it does not exist yet). Refused when the key
    is malformed or taken, or the definition breaks a rule. Flushes."""
    key, consultation = key.strip(), consultation.strip()
    if not SURVEY_KEY_RE.fullmatch(key):
        raise EditRefused(
            _l("Use 3 to 64 small letters, digits and hyphens for the key, e.g. burgers-2032.")
        )
    if not SURVEY_KEY_RE.fullmatch(consultation):
        raise EditRefused(
            _l(
                "Use 3 to 64 small letters, digits and hyphens for the consultation, "
                "e.g. zvp-2032-2037."
            )
        )
    if find_survey(session, key) is not None:
        raise EditRefused(_l("There is already a survey with this key. Choose another key."))
    definition = copy.deepcopy(raw)
    definition["key"] = key
    definition["consultation"] = consultation
    try:
        return import_survey(session, definition).survey
    except ImportRefused as exc:
        raise EditRefused(_l("The survey was not stored."), exc.issues) from exc


def copy_survey(
    session: DbSession, source: Survey, *, key: str, consultation: str | None = None
) -> Survey:
    """A new draft with ``source``'s definition (in any state: an open
    survey changes through a copy, its next version), under ``key``, in
    ``consultation`` (default: the source's). Flushes."""
    return new_draft(
        session,
        source.definition,
        key=key,
        consultation=consultation or source.consultation.key,
    )


def save_edit(session: DbSession, survey: Survey, definition: Definition) -> Survey:
    """Store ``definition`` as the draft's next version. Refused (nothing
    changes) when the survey is no longer a draft or the definition breaks
    a rule: ``EditRefused`` with the validator's problems. The translations
    the edit wrote are recorded as made from the current reference text
    (``survey.definitions.translations.record_sources``). Flushes."""
    try:
        survey.ensure_editable()
    except DefinitionFrozen as exc:
        raise EditRefused(
            _l("This survey has been opened: its questions can no longer change. Copy it.")
        ) from exc
    if definition.get("key") != survey.key:
        raise EditRefused(_l("The key of a survey cannot change. Copy it under a new key."))
    definition = record_sources(survey.definition, definition)
    try:
        return import_survey(session, definition).survey
    except ImportRefused as exc:
        raise EditRefused(_l("The change was not stored."), exc.issues) from exc


# --- the edits ------------------------------------------------------------------------


def _pages(definition: Definition) -> list[dict[str, Any]]:
    pages = definition.get("pages")
    return pages if isinstance(pages, list) else []


def page_index(definition: Definition, page_key: str) -> int:
    """The index of page ``page_key``; ``KeyError`` when there is none."""
    for index, page in enumerate(_pages(definition)):
        if page.get("key") == page_key:
            return index
    raise KeyError(page_key)


def question_place(definition: Definition, key: str) -> tuple[int, int]:
    """(page index, index on the page) of question ``key``; ``KeyError``
    when there is none."""
    for p, page in enumerate(_pages(definition)):
        for q, spec in enumerate(page.get("questions") or []):
            if spec.get("key") == key:
                return p, q
    raise KeyError(key)


def _moved(items: list[Any], index: int, step: int) -> None:
    target = index + step
    if 0 <= target < len(items):
        items[index], items[target] = items[target], items[index]


def set_settings(definition: Definition, settings: dict[str, Any]) -> Definition:
    """The survey's own settings (``title``, ``intro``, ``closing``,
    ``access``, ``languages``) replaced by those given; an empty text is
    left out. A language taken away takes its texts with it, everywhere."""
    changed = copy.deepcopy(definition)
    for name, value in settings.items():
        if value in (None, {}, "", []):
            changed.pop(name, None)
        else:
            changed[name] = value
    languages = settings.get("languages")
    if languages:
        _keep_languages(changed, set(languages))
    return changed


def _is_text(value: Any) -> bool:
    return (
        isinstance(value, dict)
        and bool(value)
        and all(is_language_code(k) and isinstance(v, str) for k, v in value.items())
    )


def _keep_languages(node: Any, languages: set[str]) -> None:
    """Remove the texts of languages not in ``languages`` below ``node``."""
    children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else []
    for child in children:
        if _is_text(child):
            for lang in [k for k in child if k not in languages]:
                del child[lang]
        else:
            _keep_languages(child, languages)


def _free(taken: set[str], stem: str) -> str:
    if stem not in taken:
        return stem
    number = 2
    while f"{stem}_{number}" in taken:
        number += 1
    return f"{stem}_{number}"


def new_page_key(definition: Definition) -> str:
    """A page key not used yet (``pagina``, ``pagina_2``, ...)."""
    return _free({str(p.get("key")) for p in _pages(definition)}, "pagina")


def add_page(definition: Definition, title: dict[str, str], key: str | None = None) -> Definition:
    """A new page with ``title`` after the last one. A page needs a
    question: it starts with one open question the planner rewrites."""
    changed = copy.deepcopy(definition)
    key = key or new_page_key(changed)
    if not PAGE_KEY_RE.fullmatch(key):
        raise EditRefused(_l("Use small letters, digits, - and _ for the key of a page."))
    first = str(changed.get("languages", ["nl"])[0])
    question = starter_question("text", new_question_key(changed, "text"), first)
    changed.setdefault("pages", []).append({"key": key, "title": title, "questions": [question]})
    return changed


def rename_page(definition: Definition, page_key: str, title: dict[str, str]) -> Definition:
    """Page ``page_key`` with a new title."""
    changed = copy.deepcopy(definition)
    _pages(changed)[page_index(changed, page_key)]["title"] = title
    return changed


def move_page(definition: Definition, page_key: str, step: int) -> Definition:
    """Page ``page_key`` one place earlier (``step`` -1) or later (+1)."""
    changed = copy.deepcopy(definition)
    _moved(_pages(changed), page_index(changed, page_key), step)
    return changed


def delete_page(definition: Definition, page_key: str) -> Definition:
    """Page ``page_key`` removed with its questions."""
    changed = copy.deepcopy(definition)
    del _pages(changed)[page_index(changed, page_key)]
    return changed


def new_question_key(definition: Definition, stem: str) -> str:
    """A question key not used yet (``stem``, ``stem_2``, ...)."""
    taken = {
        str(spec.get("key")) for page in _pages(definition) for spec in page.get("questions") or []
    }
    return _free(taken, stem if QUESTION_KEY_RE.fullmatch(stem) else "vraag")


def starter_question(type_name: str, key: str, language: str) -> Spec:
    """A new question of type ``type_name`` that passes the rules: a text to
    rewrite, and the settings the type needs (two options, one row)."""
    qtype = get_type(type_name)
    spec: Spec = {"key": key, "type": type_name, "text": {language: str(_l("New question"))}}
    spec.update(qtype.starter(language))
    return spec


def add_question(definition: Definition, page_key: str, type_name: str) -> tuple[Definition, str]:
    """A new question of ``type_name`` at the end of page ``page_key``;
    returns the definition and the new question's key."""
    changed = copy.deepcopy(definition)
    key = new_question_key(changed, type_name)
    first = str(changed.get("languages", ["nl"])[0])
    page = _pages(changed)[page_index(changed, page_key)]
    page.setdefault("questions", []).append(starter_question(type_name, key, first))
    return changed, key


def replace_question(definition: Definition, key: str, spec: Spec) -> Definition:
    """Question ``key`` replaced by ``spec`` (its settings from the type's
    editor form), in the same place."""
    changed = copy.deepcopy(definition)
    p, q = question_place(changed, key)
    _pages(changed)[p]["questions"][q] = spec
    return changed


def set_condition(definition: Definition, key: str, condition: Any) -> Definition:
    """Question ``key`` shown only if ``condition`` holds (None: always)."""
    changed = copy.deepcopy(definition)
    p, q = question_place(changed, key)
    spec = _pages(changed)[p]["questions"][q]
    if condition is None:
        spec.pop("show_if", None)
    else:
        spec["show_if"] = condition
    return changed


def move_question(definition: Definition, key: str, step: int) -> Definition:
    """Question ``key`` one place earlier (-1) or later (+1) on its page."""
    changed = copy.deepcopy(definition)
    p, q = question_place(changed, key)
    _moved(_pages(changed)[p]["questions"], q, step)
    return changed


def move_question_to_page(definition: Definition, key: str, page_key: str) -> Definition:
    """Question ``key`` moved to the end of page ``page_key``. A page left
    without questions is a problem the validator reports."""
    changed = copy.deepcopy(definition)
    p, q = question_place(changed, key)
    target = page_index(changed, page_key)
    spec = _pages(changed)[p]["questions"].pop(q)
    _pages(changed)[target].setdefault("questions", []).append(spec)
    return changed


def delete_question(definition: Definition, key: str) -> Definition:
    """Question ``key`` removed (a condition that refers to it makes the
    validator refuse the change)."""
    changed = copy.deepcopy(definition)
    p, q = question_place(changed, key)
    del _pages(changed)[p]["questions"][q]
    return changed


def without_blank_items(spec: Spec) -> Spec:
    """A question's settings from an editor form without the empty option
    and row entries (the form's "add one" line, or one the planner emptied
    to remove it)."""
    changed = dict(spec)
    for name in ("options", "rows"):
        items = changed.get(name)
        if isinstance(items, list):
            changed[name] = [
                item
                for item in items
                if item.get("code") is not None or item.get("key") or item.get("label")
            ]
    return changed


# --- scales and phenomena -------------------------------------------------------------


def scale_users(definition: Definition, name: str) -> list[str]:
    """The keys of the questions that take their options from scale ``name``."""
    return [
        str(spec.get("key"))
        for page in _pages(definition)
        for spec in page.get("questions") or []
        if spec.get("scale") == name
    ]


def set_scale(
    definition: Definition, name: str, options: list[dict[str, Any]], *, new: bool
) -> Definition:
    """Scale ``name`` with ``options`` (a new scale when ``new``: refused when
    the name is malformed or taken; else the scale's options replaced)."""
    changed = copy.deepcopy(definition)
    scales = changed.get("scales")
    if not isinstance(scales, dict):
        scales = changed["scales"] = {}
    if new:
        if not QUESTION_KEY_RE.fullmatch(name):
            raise EditRefused(
                _l("Use small letters, digits and _ for the name of a scale, e.g. frequency.")
            )
        if name in scales:
            raise EditRefused(_l("There is already a scale with this name. Choose another name."))
    elif name not in scales:
        raise KeyError(name)
    scales[name] = options
    return changed


def delete_scale(definition: Definition, name: str) -> Definition:
    """Scale ``name`` removed (a question that uses it makes the validator
    refuse the change)."""
    changed = copy.deepcopy(definition)
    scales = changed.get("scales")
    if not isinstance(scales, dict) or name not in scales:
        raise KeyError(name)
    del scales[name]
    if not scales:
        del changed["scales"]
    return changed


def phenomenon_users(definition: Definition, key: str) -> list[str]:
    """Where phenomenon ``key`` is counted: the questions whose options or
    rows name it, and the scales whose options do (``scale NAME``)."""
    users: list[str] = []
    for page in _pages(definition):
        for spec in page.get("questions") or []:
            items = [*(spec.get("options") or []), *(spec.get("rows") or [])]
            if any(isinstance(i, dict) and i.get("phenomenon") == key for i in items):
                users.append(str(spec.get("key")))
    scales = definition.get("scales")
    for name, options in scales.items() if isinstance(scales, dict) else []:
        if any(isinstance(o, dict) and o.get("phenomenon") == key for o in options or []):
            users.append(f"scale {name}")
    return users


def _phenomena(definition: Definition) -> list[dict[str, Any]]:
    items = definition.get("phenomena")
    return items if isinstance(items, list) else []


def set_phenomenon(
    definition: Definition,
    key: str,
    label: dict[str, str],
    federal_priority: bool,
    *,
    new: bool,
) -> Definition:
    """Phenomenon ``key`` with its label and whether it is a federal
    priority: added at the end when ``new`` (refused when the key is
    malformed or taken), else changed in place. The key of a phenomenon
    never changes: the consultation's figures and matrix are kept by it."""
    changed = copy.deepcopy(definition)
    items = _phenomena(changed)
    found = [item for item in items if isinstance(item, dict) and item.get("key") == key]
    if new:
        if not QUESTION_KEY_RE.fullmatch(key):
            raise EditRefused(
                _l("Use small letters, digits and _ for the key of a phenomenon, e.g. drugs.")
            )
        if found:
            raise EditRefused(
                _l("There is already a phenomenon with this key. Choose another key.")
            )
        item: dict[str, Any] = {"key": key, "label": label}
        if federal_priority:
            item["federal_priority"] = True
        changed["phenomena"] = [*items, item]
        return changed
    if not found:
        raise KeyError(key)
    found[0]["label"] = label
    if federal_priority:
        found[0]["federal_priority"] = True
    else:
        found[0].pop("federal_priority", None)
    return changed


def delete_phenomenon(definition: Definition, key: str) -> Definition:
    """Phenomenon ``key`` removed from the survey (an option or row that
    counts for it makes the validator refuse the change)."""
    changed = copy.deepcopy(definition)
    items = _phenomena(changed)
    kept = [item for item in items if not (isinstance(item, dict) and item.get("key") == key)]
    if len(kept) == len(items):
        raise KeyError(key)
    changed["phenomena"] = kept
    return changed
