"""Which pages and questions a resident sees, and reading a posted page.

Rules (contract section 1, ``show_if``):
- A question is shown when its condition holds for the answers given so far
  (``survey.definitions.conditions.shown_questions``); a page with no shown
  question is skipped.
- A question whose condition refers to a question on the *same* page is
  rendered hidden (``hidden`` + ``data-show-if``) so that the page script can
  show it at once; without JavaScript the server notices, when the page is
  posted, that a newly shown question has no answer yet and shows the page
  again (without errors) so the resident can answer it.
- Answers to questions that are not shown are dropped, never stored.
- Each question type reads and checks its own fields (``from_form`` and
  ``check``); nothing here repeats their rules.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from survey.definitions.conditions import references, shown_questions
from survey.definitions.definition import PageDef, QuestionDef, SurveyDefinition
from survey.definitions.question_types.base import CellError, Problem


def field_id(name: str) -> str:
    """The HTML id of the (first) input of a form field."""
    return "f-" + name.replace(".", "-").replace("_", "-")


def anchor_for(question: QuestionDef, name: str) -> str:
    """Where an error summary link for field ``name`` should point: the
    input itself, or the first input of the question."""
    if name == question.key:
        if question.type == "matrix" and question.rows:
            return field_id(f"{question.key}.{question.rows[0].key}")
        if question.type == "ranking":
            return field_id(f"{question.key}.1")
    return field_id(name)


def field_label(question: QuestionDef, name: str) -> dict[str, str]:
    """The text that names a field in the error summary: the row of a
    matrix, else the question."""
    _, _, row_key = name.partition(".")
    for row in question.rows:
        if row.key == row_key:
            return row.label
    return question.text


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
    """What to render for one page."""

    page: PageDef
    visible: list[QuestionDef]
    # Rendered hidden, shown by the page script when their condition holds.
    conditional: list[QuestionDef]
    # Answers to questions on earlier pages that conditions on this page use.
    known: dict[str, Any]

    @property
    def questions(self) -> list[QuestionDef]:
        rendered = {q.key for q in self.visible} | {q.key for q in self.conditional}
        return [q for q in self.page.questions if q.key in rendered]

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
                known[key] = kept[key]
    return PageView(page=page, visible=visible, conditional=conditional, known=known)


def tolerant_value(question: QuestionDef, form: Any) -> Any:
    """What to show again in the fields of a question whose posted value
    could not be read: the raw text for typed answers, the readable codes
    for choices. Used only to re-render, never stored."""

    def code(raw: str) -> int | None:
        raw = raw.strip()
        return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 10 else None

    kind = question.type
    if kind in ("text", "number"):
        return form.get(question.key, "")
    if kind in ("single", "scale"):
        return code(form.get(question.key, ""))
    if kind == "multiple":
        return [c for c in (code(v) for v in form.getlist(question.key)) if c is not None]
    if kind == "matrix":
        return {r.key: code(form.get(f"{question.key}.{r.key}", "")) for r in question.rows}
    if kind == "ranking":
        choose = int(question.spec.get("choose", 1))
        return [code(form.get(f"{question.key}.{n}", "")) for n in range(1, choose + 1)]
    return None


@dataclass
class PageOutcome:
    """The result of reading a posted page.

    ``status``: ``saved`` (store ``page_values`` and go on), ``errors``
    (show the page again with ``errors``) or ``changed`` (new questions
    appeared on the page: show it again, without errors)."""

    status: str
    view: PageView
    shown_values: dict[str, Any]
    page_values: dict[str, Any] = field(default_factory=dict)
    errors: list[tuple[QuestionDef, str, Any]] = field(default_factory=list)


def read_page(
    definition: SurveyDefinition, values: Mapping[str, Any], page: PageDef, form: Any
) -> PageOutcome:
    """Read the posted fields of ``page`` against the draft's ``values``."""
    before = page_view(definition, values, page)
    parsed: dict[str, Any] = {}
    parse_problems: dict[str, list[Problem]] = {}
    for question in page.questions:
        try:
            parsed[question.key] = question.qtype.from_form(question, form)
        except CellError as exc:
            parse_problems.setdefault(question.key, []).append((exc.field, exc.message))
            parsed[question.key] = tolerant_value(question, form)

    own = {q.key for q in page.questions}
    merged = {k: v for k, v in values.items() if k not in own}
    merged.update({k: v for k, v in parsed.items() if k not in parse_problems})
    after = page_view(definition, merged, page)
    shown_values = {q.key: parsed[q.key] for q in page.questions}

    newly_shown = [q for q in after.visible if q not in before.visible]
    if any(
        q.key not in parse_problems and not q.qtype.is_answered(q, parsed[q.key])
        for q in newly_shown
    ):
        return PageOutcome("changed", after, shown_values)

    errors: list[tuple[QuestionDef, str, Any]] = []
    for question in after.visible:
        if question.key in parse_problems:
            problems = parse_problems[question.key]
        else:
            problems = question.qtype.check(question, parsed[question.key])
        errors.extend((question, name, message) for name, message in problems)
    if errors:
        return PageOutcome("errors", after, shown_values, errors=errors)
    page_values = {q.key: parsed[q.key] for q in after.visible}
    return PageOutcome("saved", after, shown_values, page_values=page_values)


def next_page(
    definition: SurveyDefinition, values: Mapping[str, Any], page: PageDef
) -> PageDef | None:
    """The next page with a shown question, or None after the last."""
    for candidate in shown_pages(definition, values):
        if candidate.index > page.index:
            return candidate
    return None


def previous_page(
    definition: SurveyDefinition, values: Mapping[str, Any], page: PageDef
) -> PageDef | None:
    earlier = [p for p in shown_pages(definition, values) if p.index < page.index]
    return earlier[-1] if earlier else None
