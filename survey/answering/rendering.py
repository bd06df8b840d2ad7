"""The Flask side shared by the two answering front ends: the residents'
pages (``survey.residents.routes``) and the partners' pages
(``survey.partners.routes``). The journey engine itself
(``survey.answering.journey`` and the modules it uses) has no request
globals and never imports this module.

Only what is truly the same lives here: stopping a request with a ready
response, the "not available" page (each front end names its own
template), the page language, the template context every answer page
needs, finding a page by key, the context of the shared page and check
templates (``answering/page.html``, ``answering/check.html``), and turning
field problems into the per-field messages and the error summary.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime
from functools import lru_cache
from typing import Any, NoReturn, cast

from babel.dates import format_date
from flask import abort, current_app, g, make_response, render_template, request
from flask import session as cookie
from flask_babel import get_locale, to_user_timezone
from markupsafe import Markup
from werkzeug.wrappers import Response

from survey.answering.browser import show_if_data
from survey.answering.journey import Journey, PageScreen
from survey.answering.pages import FieldProblem
from survey.definitions.definition import PageDef, QuestionDef, SurveyDefinition, definition_of
from survey.i18n import text_for
from survey.models import Survey


def no_store() -> None:
    """``before_request`` of the answer pages: answers are never kept in a
    shared cache."""
    g.no_store = True


def stop(response: Response) -> NoReturn:
    """End the request with ``response`` (a redirect or a rendered page)."""
    abort(response)


def unavailable(
    template: str, reason: str, status: int, context: dict[str, Any] | None = None
) -> NoReturn:
    """End the request with the front end's "not available" ``template``
    (``reason`` tells which text it shows) and HTTP ``status``."""
    stop(make_response(render_template(template, reason=reason, **(context or {})), status))


def set_language(definition: SurveyDefinition) -> None:
    """``?lang=`` (stored in the session) when the survey offers it, else
    the survey's first language; the result is ``g.language``."""
    offered = definition.languages
    chosen = request.args.get("lang")
    if chosen in offered:
        cookie["lang"] = chosen
    stored = cookie.get("lang")
    g.language = stored if stored in offered else definition.default_language


def long_date(moment: datetime) -> str:
    """``moment`` as a long date ("25 november 2026") in the page's language
    and the app's time zone, as Flask-Babel's ``format_date`` gives it, but
    formatted once per day and language: Babel's formatting costs ~0.05 ms,
    3 % of a page, for the same few dates."""
    return _long_date(to_user_timezone(moment).date(), str(get_locale()))


@lru_cache(maxsize=64)
def _long_date(day: date, locale: str) -> str:
    return format_date(day, "long", locale=locale)


def survey_context(survey: Survey) -> dict[str, Any]:
    """What every answer page template needs: the survey, its definition,
    the language, ``t`` (survey text in that language, Dutch fallback) and
    the other languages offered."""
    definition = definition_of(survey)
    lang: str = g.language
    default = definition.default_language

    def t(texts: Any) -> str:
        # An optional text the survey file leaves out (``intro``, ``closing``)
        # reaches the template as Jinja's Undefined: nothing to show.
        return text_for(texts or None, lang, default)

    return {
        "survey": survey,
        "definition": definition,
        "lang": lang,
        "page_language": lang,
        "t": t,
        "languages": [code for code in definition.languages if code != lang],
    }


def page_or_404(journey: Journey[Any], page_key: str) -> PageDef:
    """The page ``page_key`` of the journey's survey; 404 when there is none."""
    page = journey.page(page_key)
    if page is None:
        abort(404)
    return page


def error_messages(
    problems: Iterable[FieldProblem], t: Callable[[Any], str]
) -> tuple[dict[str, list[str]], list[tuple[str, str]]]:
    """Field problems as the messages per field and the summary rows
    ``(anchor, "label: message")`` above the form."""
    by_field: dict[str, list[str]] = {}
    summary: list[tuple[str, str]] = []
    for problem in problems:
        by_field.setdefault(problem.name, []).append(str(problem.message))
        summary.append((problem.anchor, f"{t(problem.label)}: {problem.message}"))
    return by_field, summary


def page_context(
    screen: PageScreen, context: dict[str, Any], render_question: Callable[..., Markup]
) -> dict[str, Any]:
    """What ``answering/page.html`` needs besides the front end's own
    blocks: the page's questions and values, the error summary, progress,
    the data of the page script, and ``render_question`` (the question
    fields; see ``question_renderer``)."""
    by_field, summary = error_messages(screen.problems, context["t"])
    return {
        **context,
        "view": screen.view,
        "values": screen.values,
        "errors": by_field,
        "summary": summary,
        "changed": screen.changed,
        "step": screen.step,
        "total": screen.total,
        "previous": screen.previous,
        "show_if": show_if_data,
        "render_question": render_question,
    }


def submit_problems(
    problems: Iterable[FieldProblem], t: Callable[[Any], str], page_url: Callable[[str], str]
) -> list[tuple[str, str]]:
    """Problems found at submit as error summary rows on the check page:
    each links to its field on its page (``page_url`` of the page key)."""
    return [
        (
            f"{page_url(problem.question.page_key)}#{problem.anchor}",
            f"{t(problem.label)}: {problem.message}",
        )
        for problem in problems
    ]


_RENDER_MEMO_LIMIT = 4096


def question_renderer(definition: SurveyDefinition, *, remember: bool) -> Callable[..., Markup]:
    """``render_question(question, value, errors, lang)`` for page
    templates: the fields of one question (``questions/_question.html``).

    The HTML depends only on the question, its value, its errors and the
    languages, so with ``remember`` and without errors it is kept per
    survey version (in ``definition.memo``) for unanswered questions and
    closed answers: the question macros were about a third of a residents'
    page render. Not kept while templates reload (development), nor for
    pages that are rarely the same twice (``remember=False``: the
    partners' scored matrices would fill the memo with one-off pages).
    An answer is kept only when its type's answer is codes of its options
    (``uses_options``): then the fields are a function of a small set of
    values and hold nothing a resident typed."""
    env = current_app.jinja_env
    module: Any = env.get_template("questions/_question.html").module
    memo = None if env.auto_reload or not remember else definition.memo
    locale = str(get_locale())

    def render(question: QuestionDef, value: Any, errors: Any, lang: str) -> Markup:
        if memo is None or errors or (value is not None and not question.qtype.uses_options):
            return cast(Markup, module.render(question, value, errors, lang))
        key = ("question-html", question.key, lang, locale, repr(value))
        html = memo.get(key)
        if html is None:
            html = cast(Markup, module.render(question, value, errors, lang))
            if len(memo) < _RENDER_MEMO_LIMIT:
                memo[key] = html
        return html

    return render
