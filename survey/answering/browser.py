"""What the page script (``static/js/answering.js``) needs to show and hide
a conditional question in the browser, without a round trip.

A question whose ``show_if`` refers to a question on its own page carries
``data-show-if`` = ``{"if": condition, "known": answers from earlier pages
that the condition uses, "types": the type of every question it refers to}``.
The script reads each referenced answer from the form by its type (the
field names of ``questions/*.html``) and evaluates the condition as
``survey.definitions.conditions.evaluate`` does; the server applies the same
rules again when the page is posted.
"""

from __future__ import annotations

from typing import Any

from survey.answering.pages import PageView, same_page_condition
from survey.definitions.conditions import references
from survey.definitions.definition import QuestionDef


def show_if_data(view: PageView, question: QuestionDef) -> dict[str, Any] | None:
    """The ``data-show-if`` of ``question`` on the page of ``view``, or
    None when its condition (if any) looks only at earlier pages (then the
    server alone decides whether it is shown)."""
    if not same_page_condition(question, view.page):
        return None
    on_page = {q.key: q.type for q in view.page.questions}
    types: dict[str, str] = {}
    for ref in references(question.show_if or {}):
        key = ref.partition(".")[0]
        types[key] = on_page.get(key, "")
    return {"if": question.show_if, "known": view.known, "types": types}
