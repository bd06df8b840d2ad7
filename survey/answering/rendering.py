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
from typing import Any, NoReturn, cast

from flask import abort, current_app, g, make_response, render_template, request, url_for
from flask import session as cookie
from flask_babel import refresh
from markupsafe import Markup
from werkzeug.wrappers import Response

from survey.answering.browser import show_if_data
from survey.answering.journey import Journey, PageScreen
from survey.answering.pages import FieldProblem
from survey.definitions.definition import PageDef, QuestionDef, SurveyDefinition, definition_of
from survey.i18n import browser_choice, language_chain, page_locale, tagged, text_for, use_chain
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


def set_language(definition: SurveyDefinition, known: str | None = None) -> None:
    """The reader's survey language, ``g.language``: ``?lang=`` (stored in
    the session) when the survey offers it, else the language chosen
    earlier, else ``known`` (the language the reader is known to read: a
    partner organisation's, in which its e-mails came) when the survey
    offers it, else what the browser's Accept-Language asks for (through
    the installation's fallback chains: a German browser on a Dutch and
    French survey reads French), else the survey's first language. Also
    sets the request's lookup chain for the survey's texts and renews the
    interface language (``survey.i18n.select_locale``) for it."""
    offered = definition.languages
    chosen = request.args.get("lang")
    if chosen in offered:
        cookie["lang"] = chosen
    stored = cookie.get("lang")
    if stored in offered:
        g.language = stored
    elif known in offered:
        g.language = known
    else:
        g.language = browser_choice(offered) or definition.default_language
    use_chain(language_chain(g.language, offered))
    refresh()


def survey_context(survey: Survey) -> dict[str, Any]:
    """What every answer page template needs: the survey, its definition,
    the reader's language, ``t`` (a survey text along the language's
    fallback chain, a ``ShownText`` that knows its language), the page's
    interface language (``page_language``, the ``<html lang>``) and the
    other languages offered, each with the address of this page in it."""
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
        "page_language": page_locale(),
        "t": t,
        "languages": [code for code in definition.languages if code != lang],
        "language_url": language_url,
    }


def language_url(language: str, /, **keep: Any) -> str:
    """This page's address in ``language``: the same view and query
    (a code typed on the letter page, passed in ``keep``, included), so a
    switch keeps what the reader had; the draft stays in the cookie."""
    args: dict[str, Any] = dict(request.view_args or {})
    args.update(request.args.to_dict())
    args.update({name: value for name, value in keep.items() if value})
    args["lang"] = language
    return url_for(str(request.endpoint), **args)


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
        summary.append((problem.anchor, _summary_line(t(problem.label), problem.message)))
    return by_field, summary


def page_context(
    screen: PageScreen, context: dict[str, Any], render_question: Callable[..., Markup]
) -> dict[str, Any]:
    """What ``answering/page.html`` needs besides the front end's own
    blocks: the page's questions and values, the error summary, progress,
    the data of the page script, and ``render_question`` (the question
    fields; see ``question_renderer``), with the options in the order this
    respondent sees them."""
    by_field, summary = error_messages(screen.problems, context["t"])

    def render_in_order(question: QuestionDef, *args: Any) -> Markup:
        return render_question(screen.in_order(question), *args)

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
        "render_question": render_in_order,
    }


def submit_problems(
    problems: Iterable[FieldProblem], t: Callable[[Any], str], page_url: Callable[[str], str]
) -> list[tuple[str, str]]:
    """Problems found at submit as error summary rows on the check page:
    each links to its field on its page (``page_url`` of the page key)."""
    return [
        (
            f"{page_url(problem.question.page_key)}#{problem.anchor}",
            _summary_line(t(problem.label), problem.message),
        )
        for problem in problems
    ]


def _summary_line(label: str, message: Any) -> Markup:
    """The error summary's line (label, colon, message), the label in its
    own language where a fallback filled it in (``tagged``)."""
    return Markup("{}: {}").format(tagged(label), message)


def question_renderer() -> Callable[..., Markup]:
    """``render_question(question, value, errors, lang)`` for page
    templates: the fields of one question (``questions/_question.html``)."""
    module: Any = current_app.jinja_env.get_template("questions/_question.html").module
    return cast(Callable[..., Markup], module.render)
