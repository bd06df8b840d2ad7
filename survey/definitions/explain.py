"""The validator's problems in the planner's language, pointing at the
question: ``pages[6].questions[1].max: must not be below min`` becomes
"Pagina 'Over u', vraag 'leeftijd': de bovengrens is kleiner dan de
ondergrens", with the field it is about (for the editor's forms).

The validator gives each problem as data: its path, a code and the
values its message names (``survey.definitions.problems``; its English
line ``path: message`` is the contract of survey files and the command
line). This module reads the path against the definition (page titles,
question keys) and says the message in the planner's language from the
code and values; every code has its words here (a test checks it), so a
reworded English message cannot slip through untranslated. The YAML path
stays available as a detail (file uploads show it).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _

from survey.definitions.problems import Problem
from survey.i18n import text_for

_PAGE = re.compile(r"^pages\[(\d+)\](?:\.questions\[(\d+)\])?(?:\.(.*))?$")
_STEP = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


@dataclass(frozen=True)
class Explained:
    """One problem: where (page and question in words), the field within
    the question or the survey (``field``: the path after the question,
    e.g. ``options[2].code``; empty for the whole question), the message in
    the planner's language, and the YAML path as the validator wrote it."""

    where: str
    field: str
    message: str
    path: str
    page_key: str | None = None
    question_key: str | None = None
    field_words: str = ""

    def __str__(self) -> str:
        # A nested field (an option's code) is named; a question's own
        # setting is clear from the message.
        where = self.where
        if self.field_words and ("." in self.field or "[" in self.field or not where):
            where = f"{where}, {self.field_words}" if where else self.field_words
        return f"{where}: {self.message}" if where else self.message


def explain(definition: Any, problem: Problem) -> Explained:
    """The validator's ``problem`` of ``definition``."""
    path = problem.path
    page_key = question_key = None
    field = path
    where_parts: list[str] = []
    match = _PAGE.match(path)
    if match and isinstance(definition, dict):
        pages = definition.get("pages") or []
        p = int(match.group(1))
        page = pages[p] if p < len(pages) and isinstance(pages[p], dict) else {}
        first = _first_language(definition)
        title = text_for(page.get("title"), first, first) if isinstance(page, dict) else ""
        page_key = page.get("key")
        where_parts.append(_("Page '%(title)s'", title=title or page_key or p + 1))
        field = match.group(3) or ""
        if match.group(2) is not None:
            q = int(match.group(2))
            questions = page.get("questions") or []
            spec = questions[q] if q < len(questions) and isinstance(questions[q], dict) else {}
            question_key = spec.get("key")
            where_parts.append(_("question '%(key)s'", key=question_key or q + 1))
    return Explained(
        ", ".join(where_parts),
        field,
        _message(problem),
        path,
        page_key,
        question_key,
        field_words(field),
    )


def _first_language(definition: dict[str, Any]) -> str:
    languages = definition.get("languages")
    if isinstance(languages, list) and languages and isinstance(languages[0], str):
        return languages[0]
    return "nl"


def field_words(field: str) -> str:
    """A path within a question or form, in words: ``options[2].code`` as
    "option 3, code"."""
    words: list[str] = []
    for name, index in _STEP.findall(field):
        if index:
            if words:
                words[-1] = f"{words[-1]} {int(index) + 1}"
            continue
        words.append(_field_names().get(name, name))
    return ", ".join(words)


def _field_names() -> dict[str, str]:
    """Names of the survey file's keys, in the planner's language."""
    return {
        "title": _("title"),
        "intro": _("introduction"),
        "closing": _("closing text"),
        "text": _("question text"),
        "help": _("help text"),
        "options": _("option"),
        "rows": _("row"),
        "code": _("code"),
        "label": _("label"),
        "key": _("key"),
        "min": _("lower limit"),
        "max": _("upper limit"),
        "choose": _("how many to choose"),
        "max_length": _("longest answer"),
        "show_if": _("condition"),
        "measure": _("measure"),
        "concern_codes": _("codes that count as a problem"),
        "unsafety_codes": _("codes that count as feeling unsafe"),
        "dimension": _("dimension"),
        "bands": _("bands"),
        "edges": _("band edges"),
        "scale": _("scale"),
        "phenomenon": _("phenomenon"),
        "questions": _("questions"),
        "pages": _("pages"),
        "languages": _("languages"),
        "access": _("access"),
        "question": _("question"),
        "equals": _("answer"),
        "in": _("answers"),
        "all": _("every test"),
        "any": _("one of the tests"),
        "not": _("not"),
    }


def _message(problem: Problem) -> str:
    """The problem's message in the planner's language, from its code and
    values (every code has its words: a test checks it)."""
    say = _MESSAGES.get(problem.code)
    return str(say(problem.params)) if say is not None else problem.message


def _r(value: Any) -> str:
    """A value as the file has it (a text quoted), as the English message
    names it."""
    return repr(value)


P = Mapping[str, Any]

_MESSAGES: dict[str, Callable[[P], str]] = {
    "not_mapping": lambda p: _("must be a group of settings (key: value)"),
    "top_not_mapping": lambda p: _("the file must start with the survey's settings (key: value)"),
    "not_list": lambda p: _("must be a list"),
    "empty": lambda p: _("must not be empty"),
    "unknown_key": lambda p: _("is not a known setting"),
    "required": lambda p: _("is required"),
    "not_whole": lambda p: _("must be a whole number"),
    "below_minimum": lambda p: _("must be at least %(n)s", n=p["minimum"]),
    "above_maximum": lambda p: _("must be at most %(n)s", n=p["maximum"]),
    "not_number": lambda p: _("must be a number"),
    "not_finite": lambda p: _("must be a finite number"),
    "not_boolean": lambda p: _("must be true or false"),
    "bad_identifier": lambda p: _(
        "%(value)s is not a valid key: use small letters, digits and _", value=_r(p["value"])
    ),
    "not_one_of": lambda p: _(
        "%(value)s is not possible (possible: %(allowed)s)",
        value=_r(p["value"]),
        allowed=p["allowed"],
    ),
    "nested_too_deeply": lambda p: _("is nested too deeply"),
    "unreadable": lambda p: _("the file cannot be read: %(reason)s", reason=p["reason"]),
    "unsupported_format": lambda p: _(
        "format %(value)s is not supported: use 1", value=_r(p["value"])
    ),
    "not_text": lambda p: _("must be a text per language, e.g. nl: ..."),
    "text_not_string": lambda p: _("must be a text"),
    "foreign_language": lambda p: _("this language is not one of the survey's languages"),
    "too_long": lambda p: _("is longer than %(n)s characters", n=p["limit"]),
    "first_language_missing": lambda p: _("the text in the survey's first language is missing"),
    "language_twice": lambda p: _("a language is listed twice"),
    "not_language_code": lambda p: _(
        "%(value)s is not a language code: use a code such as nl, fr, de or tr",
        value=_r(p["value"]),
    ),
    "bad_text_id": lambda p: _("is not the id of a text"),
    "not_other_language": lambda p: _(
        "a translation is recorded for a language that is not one of the survey's other languages"
    ),
    "bad_fingerprint": lambda p: _("the recorded translation source is damaged"),
    "partner_access": lambda p: _(
        "access by personal link goes with the partner audience, and only with it"
    ),
    "page_condition": lambda p: _("a page cannot have a condition: put it on its questions"),
    "too_many_questions": lambda p: _("a survey has at most %(n)s questions", n=p["limit"]),
    "key_used_twice": lambda p: _("%(value)s is used twice", value=_r(p["value"])),
    "measure_not_possible": lambda p: _(
        "%(value)s is not possible for this type (possible: %(allowed)s)",
        value=_r(p["measure"]),
        allowed=p["allowed"],
    ),
    "dimension_used_twice": lambda p: _(
        "the dimension '%(name)s' is used by another question", name=p["dimension"]
    ),
    "too_many_options": lambda p: _("has more than %(n)s options", n=p["limit"]),
    "code_used_twice": lambda p: _("%(value)s is used twice", value=p["value"]),
    "unknown_phenomenon": lambda p: _(
        "'%(name)s' is not one of the survey's phenomena", name=p["value"]
    ),
    "options_or_scale": lambda p: _("give either options or a scale"),
    "unknown_scale": lambda p: _("there is no scale '%(name)s' (any more)", name=p["name"]),
    "concern_only": lambda p: _("only applies when the question measures concern"),
    "concern_required": lambda p: _("say which codes count as a problem"),
    "unsafety_only": lambda p: _("only applies when the question measures the feeling of unsafety"),
    "unsafety_required": lambda p: _("say which codes count as feeling unsafe"),
    "not_one_of_the_codes": lambda p: _("%(code)s is not one of the codes", code=p["value"]),
    "max_below_min": lambda p: _("the lower limit is above the upper limit"),
    "max_before_min": lambda p: _("the first day is after the last day"),
    "not_increasing": lambda p: _("each edge must be above the one before"),
    "not_a_day": lambda p: _(
        "%(value)s is not a day: write it as 2026-03-27", value=_r(p["value"])
    ),
    "rows_required": lambda p: _("a matrix needs rows"),
    "choose_required": lambda p: _("say how many answers a resident ranks"),
    "condition_shape": lambda p: _(
        "a condition needs a question (with is, is one of or answered), or every, any, not"
    ),
    "condition_tests": lambda p: _("a test needs exactly one of is, is one of, answered"),
    "not_question_key": lambda p: _("must be the key of a question"),
    "not_earlier": lambda p: _(
        "the condition refers to '%(key)s', which is not asked before this question",
        key=p["reference"],
    ),
    "rows_only_matrix": lambda p: _(
        "the condition refers to '%(key)s', but only a matrix has rows", key=p["reference"]
    ),
    "not_a_row": lambda p: _(
        "the condition refers to the row '%(row)s', which question '%(key)s' does not have",
        row=p["row"],
        key=p["key"],
    ),
    "not_a_code": lambda p: _(
        "%(value)s is not an answer of question '%(key)s'", value=_r(p["value"]), key=p["key"]
    ),
    "only_answered": lambda p: _("an answer of this type can only be tested with answered"),
    "not_a_draft": lambda p: _(
        "the survey %(key)s has been opened: only a draft can get a new version", key=p["key"]
    ),
    "other_consultation": lambda p: _(
        "the survey %(key)s belongs to another consultation", key=p["key"]
    ),
}
