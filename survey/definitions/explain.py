"""The validator's problems in the planner's language, pointing at the
question: ``pages[6].questions[1].max: must not be below min`` becomes
"Pagina 'Over u', vraag 'leeftijd': de bovengrens is kleiner dan de
ondergrens", with the field it is about (for the editor's forms).

The validator writes each problem as one English line ``path: message``
(the contract of survey files and the command line); this module reads the
path against the definition (page titles, question keys) and says the
message in Dutch where it knows its form, else as written. The YAML path
stays available as a detail (file uploads show it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _

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


def explain(definition: Any, line: str) -> Explained:
    """The problem ``line`` (``path: message``) of ``definition``."""
    path, _sep, message = line.partition(": ")
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
        _message(message),
        path,
        page_key,
        question_key,
        _field_words(field),
    )


def _first_language(definition: dict[str, Any]) -> str:
    languages = definition.get("languages")
    if isinstance(languages, list) and languages and isinstance(languages[0], str):
        return languages[0]
    return "nl"


def _field_words(field: str) -> str:
    """``options[2].code`` as "option 3, code"."""
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
        "all": _("every test"),
        "any": _("one of the tests"),
        "not": _("not"),
    }


def _message(message: str) -> str:
    for pattern, say in _MESSAGES:
        match = pattern.fullmatch(message)
        if match:
            return str(say(match))
    return message


_MESSAGES: list[tuple[re.Pattern[str], Any]] = [
    (re.compile("must not be below min"), lambda m: _("the lower limit is above the upper limit")),
    (re.compile(r"(.+) is used twice"), lambda m: _("%(value)s is used twice", value=m[1])),
    (re.compile("is required"), lambda m: _("is required")),
    (re.compile("must not be empty"), lambda m: _("must not be empty")),
    (
        re.compile(r"is missing \(the first language must be everywhere\)"),
        lambda m: _("the text in the survey's first language is missing"),
    ),
    (
        re.compile(r"'(.+)' is not a question on an earlier page or earlier on this page"),
        lambda m: _(
            "the condition refers to '%(key)s', which is not asked before this question",
            key=m[1],
        ),
    ),
    (
        re.compile(r"(.+) is not a code of '(.+)'"),
        lambda m: _("%(value)s is not an answer of question '%(key)s'", value=m[1], key=m[2]),
    ),
    (re.compile(r"must be at least (.+)"), lambda m: _("must be at least %(n)s", n=m[1])),
    (re.compile(r"must be at most (.+)"), lambda m: _("must be at most %(n)s", n=m[1])),
    (
        re.compile(r"(.+) must match .+"),
        lambda m: _("%(value)s is not a valid key: use small letters, digits and _", value=m[1]),
    ),
    (
        re.compile("is not one of the survey's languages"),
        lambda m: _("this language is not one of the survey's languages"),
    ),
    (
        re.compile(r"is longer than (\d+) characters"),
        lambda m: _("is longer than %(n)s characters", n=m[1]),
    ),
    (
        re.compile("must be strictly increasing"),
        lambda m: _("each edge must be above the one before"),
    ),
    (
        re.compile(r"(.+) is not one of the codes"),
        lambda m: _("%(code)s is not one of the codes", code=m[1]),
    ),
    (
        re.compile("only applies to measure: concern"),
        lambda m: _("only applies when the question measures concern"),
    ),
    (
        re.compile("is required for measure: concern"),
        lambda m: _("say which codes count as a problem"),
    ),
    (
        re.compile(r"needs either options or scale \(exactly one\)"),
        lambda m: _("give either options or a scale"),
    ),
    (
        re.compile(r"'(.+)' is used by another question"),
        lambda m: _("the dimension '%(name)s' is used by another question", name=m[1]),
    ),
    (
        re.compile(r"'(.+)' is not one of the survey's phenomena"),
        lambda m: _("'%(name)s' is not one of the survey's phenomena", name=m[1]),
    ),
    (
        re.compile(r"'(.+)' is not defined under scales"),
        lambda m: _("there is no scale '%(name)s' (any more)", name=m[1]),
    ),
    (
        re.compile(r"(.+) is not possible here \(allowed: (.+)\)"),
        lambda m: _(
            "%(value)s is not possible for this type (possible: %(allowed)s)",
            value=m[1],
            allowed=m[2],
        ),
    ),
    (
        re.compile(r"must be a whole number, not (.+)"),
        lambda m: _("must be a whole number"),
    ),
]
