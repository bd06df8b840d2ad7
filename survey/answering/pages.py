"""Which pages and questions a respondent sees, and reading a posted page.

Rules (contract section 1, ``show_if``):
- A question is shown when its condition holds for the answers given so far
  (``survey.definitions.conditions.shown_questions``); a page with no shown
  question is skipped.
- A question whose condition refers to a question on the *same* page is
  rendered hidden (``hidden`` + ``data-show-if``) so that the page script can
  show it at once; without JavaScript the server notices, when the page is
  posted, that a newly shown question has no answer yet and shows the page
  again (without errors) so the respondent can answer it.
- Answers to questions that are not shown are dropped, never stored.
- Each question type reads and checks its own fields (``from_form`` and
  ``check``), knows where an error link points (``first_field``) and what a
  field that could not be read shows again (``tolerant``); nothing here
  repeats their rules.

Nothing here touches Flask: a posted form is any mapping with ``get`` and
``getlist`` (a werkzeug ``MultiDict``, or ``PostedForm`` in tests and scripts).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from survey.definitions.conditions import references, shown_questions
from survey.definitions.definition import PageDef, QuestionDef, SurveyDefinition
from survey.questions.base import CellError, Problem
from survey.questions.base import FormData as FormData  # what the callers of read_page pass

# --- fields, anchors and labels ----------------------------------------------


def field_id(name: str) -> str:
    """The HTML id of the (first) input of a form field
    (``questions/_parts.html`` builds the same ids)."""
    return "f-" + name.replace(".", "-").replace("_", "-")


def anchor_for(question: QuestionDef, name: str) -> str:
    """Where an error summary link for field ``name`` should point: the
    input itself, or for the whole question the first input of the
    question (its type's ``first_field``)."""
    if name == question.key:
        return field_id(question.qtype.first_field(question))
    return field_id(name)


def field_label(question: QuestionDef, name: str) -> dict[str, str]:
    """The text that names a field in the error summary: the row of a
    matrix, else the question."""
    _, _, row_key = name.partition(".")
    for row in question.rows:
        if row.key == row_key:
            return row.label
    return question.text


@dataclass(frozen=True)
class FieldProblem:
    """A problem with one field of a question: ``name`` is the field (the
    question key, ``key.row`` or ``key.rank``), ``message`` a (lazy)
    translated text."""

    question: QuestionDef
    name: str
    message: Any

    @property
    def anchor(self) -> str:
        """The id of the input the error summary links to."""
        return anchor_for(self.question, self.name)

    @property
    def label(self) -> dict[str, str]:
        """The texts (per language) that name the field."""
        return field_label(self.question, self.name)


def field_problems(definition: SurveyDefinition, problems: list[Problem]) -> list[FieldProblem]:
    """``(field, message)`` problems as ``FieldProblem``; a field of no
    question of the survey (a forged answer) has no place to point at and
    is left out."""
    found: list[FieldProblem] = []
    for name, message in problems:
        key = name.partition(".")[0]
        if definition.has_question(key):
            found.append(FieldProblem(definition.question(key), name, message))
    return found


# --- which pages and questions are shown --------------------------------------


def shown_pages(definition: SurveyDefinition, values: Mapping[str, Any]) -> list[PageDef]:
    """The pages that have at least one shown question, in order."""
    shown, _ = shown_questions(definition, values)
    indexes = {q.page_index for q in shown}
    return [p for p in definition.pages if p.index in indexes]


def same_page_condition(question: QuestionDef, page: PageDef) -> bool:
    """Whether the question's ``show_if`` refers to a question on its page."""
    if not question.show_if:
        return False
    keys = {q.key for q in page.questions}
    return any(ref.partition(".")[0] in keys for ref in references(question.show_if))


@dataclass
class PageView:
    """The questions of one page, given the earlier answers."""

    page: PageDef
    visible: list[QuestionDef]
    # Rendered hidden, shown by the page script when their condition holds.
    conditional: list[QuestionDef]
    # Answers to questions on earlier pages that conditions on this page use,
    # as the page script reads them (``QuestionType.browser_value``).
    known: dict[str, Any]

    @property
    def questions(self) -> list[QuestionDef]:
        """Every question rendered on the page (shown or hidden), in order."""
        rendered = {q.key for q in self.visible} | {q.key for q in self.conditional}
        return [q for q in self.page.questions if q.key in rendered]

    @property
    def empty(self) -> bool:
        """Nothing on this page is for this respondent: it is skipped."""
        return not self.visible and not self.conditional

    def is_hidden(self, question: QuestionDef) -> bool:
        return question in self.conditional


def page_view(definition: SurveyDefinition, values: Mapping[str, Any], page: PageDef) -> PageView:
    shown, kept = shown_questions(definition, values, upto_page=page.index)
    visible = [q for q in shown if q.page_index == page.index]
    conditional = [q for q in page.questions if q not in visible and same_page_condition(q, page)]
    own = {q.key for q in page.questions}
    known: dict[str, Any] = {}
    for question in conditional:
        for ref in references(question.show_if or {}):
            key = ref.partition(".")[0]
            if key not in own and key in kept:
                earlier = definition.question(key)
                known[key] = earlier.qtype.browser_value(earlier, kept[key])
    return PageView(page=page, visible=visible, conditional=conditional, known=known)


# --- reading a posted page ----------------------------------------------------


def read_question(question: QuestionDef, form: FormData) -> tuple[Any, list[Problem]]:
    """The typed answer of one question from a posted form and the problem
    that kept it from being read (then the value is only for showing again)."""
    try:
        return question.qtype.from_form(question, form), []
    except CellError as exc:
        return question.qtype.tolerant(question, form), [(exc.field, exc.message)]


def _optional(question: QuestionDef) -> QuestionDef:
    return replace(question, spec={**question.spec, "required": False})


@dataclass
class PageOutcome:
    """The result of reading a posted page.

    ``status``: ``saved`` (store ``page_values`` and go on), ``errors``
    (show the page again with ``problems``) or ``changed`` (new questions
    appeared on the page: show it again, without errors). ``shown_values``
    are what the page's fields show when it is shown again."""

    status: str
    view: PageView
    shown_values: dict[str, Any]
    page_values: dict[str, Any] = field(default_factory=dict)
    problems: list[FieldProblem] = field(default_factory=list)


def read_page(
    definition: SurveyDefinition,
    values: Mapping[str, Any],
    page: PageDef,
    form: FormData,
    *,
    partial: bool = False,
) -> PageOutcome:
    """Read the posted fields of ``page`` against the earlier ``values``.
    With ``partial`` (save and continue later) an unanswered required
    question is no error, and new questions on the page do not stop the
    save; any other problem still does."""
    before = page_view(definition, values, page)
    parsed: dict[str, Any] = {}
    parse_problems: dict[str, list[Problem]] = {}
    for question in page.questions:
        parsed[question.key], problems = read_question(question, form)
        if problems:
            parse_problems[question.key] = problems

    own = {q.key for q in page.questions}
    merged = {k: v for k, v in values.items() if k not in own}
    merged.update({k: v for k, v in parsed.items() if k not in parse_problems})
    after = page_view(definition, merged, page)
    shown_values = {q.key: parsed[q.key] for q in page.questions}

    newly_shown = [q for q in after.visible if q not in before.visible]
    if not partial and any(
        q.key not in parse_problems and not q.qtype.is_answered(q, parsed[q.key])
        for q in newly_shown
    ):
        return PageOutcome("changed", after, shown_values)

    errors: list[FieldProblem] = []
    for question in after.visible:
        if question.key in parse_problems:
            problems = parse_problems[question.key]
        else:
            checked = _optional(question) if partial else question
            problems = question.qtype.check(checked, parsed[question.key])
        errors.extend(FieldProblem(question, name, message) for name, message in problems)
    if errors:
        return PageOutcome("errors", after, shown_values, problems=errors)
    page_values = {q.key: parsed[q.key] for q in after.visible}
    return PageOutcome("saved", after, shown_values, page_values=page_values)
