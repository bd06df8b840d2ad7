"""What the page script (``static/js/answering.js``) needs to show and hide
a conditional question in the browser, without a round trip.

A question whose ``show_if`` refers to a question on its own page carries
``data-show-if`` = ``{"if": condition, "known": answers from earlier pages
that the condition uses, "answered": for every question of this page it
refers to, "any" or "all" of its fields filled in}``. The script reads an
answer from the form as the values of its filled-in fields (named ``key``
or ``key.part``, as the partials of ``questions/`` name them), compares
codes and numbers with ``equals`` and ``in``, and counts a question as
answered by its type's rule (``QuestionType.browser_answered``); a known
answer comes as its type gives it (``browser_value``). The server applies
the same rules again (``survey.definitions.conditions``) when the page is
posted.
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
    on_page = {q.key: q for q in view.page.questions}
    answered: dict[str, str] = {}
    for ref in references(question.show_if or {}):
        key = ref.partition(".")[0]
        if key in on_page:
            answered[key] = on_page[key].qtype.browser_answered
    return {"if": question.show_if, "known": view.known, "answered": answered}
