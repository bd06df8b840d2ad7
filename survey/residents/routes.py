"""The residents' pages under ``/s/<survey key>``: start, invitation code,
one page per survey page, check your answers, thank you, and resume.

Routes stay thin: they find the survey and the browser's draft, call a
service (``drafts``, ``pages``, ``submission``, ``codes``), commit once and
render. Every answer page is sent with ``Cache-Control: no-store``.
"""

from __future__ import annotations

import re
from typing import Any, NoReturn

from flask import (
    Blueprint,
    current_app,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask import session as cookie
from flask_babel import gettext as _
from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import defer
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.wrappers import Response

from survey.answering import pages
from survey.answering import rendering as views
from survey.answering.display import answer_lines
from survey.definitions.definition import definition_of
from survey.extensions import begin_writes, db, limiter, read_only_request
from survey.models import Draft, Survey, SurveyState
from survey.residents import codes as code_service
from survey.residents import drafts, submission
from survey.tokens import normalise_code

bp = Blueprint("residents", __name__, url_prefix="/s")

COOKIE_KEY = "respond"
ESTIMATED_MINUTES = 10
_KEY_RE = re.compile(r"[a-z0-9-]{3,64}")
# Query flag (``?bijgewerkt=1``) of a page shown again because the draft
# changed in another window between reading and saving: the page says so.
UPDATED = "bijgewerkt"
# Per client address; a code or resume code cannot be guessed at this pace.
CODE_LIMIT = "10/minute"


bp.before_request(views.no_store)
# Read first, write last: on SQLite a request takes the write lock only for
# its writes and commit (``begin_writes``); a GET never takes it.
bp.before_request(read_only_request)


# --- helpers -------------------------------------------------------------


def _unavailable(reason: str, status: int, survey: Survey | None = None) -> NoReturn:
    context = views.survey_context(survey) if survey is not None else None
    views.unavailable("residents/unavailable.html", reason, status, context)


# Built once, so SQLAlchemy reuses its cache key instead of building the
# statement and its key on every request (~0.1 ms each).
_SURVEY_BY_KEY = (
    select(Survey).where(Survey.key == bindparam("key")).options(defer(Survey.definition))
)
# ``g`` attribute: (token, draft) found together with the survey.
_PRELOADED = "respond_draft"


def _find_survey(key: str) -> Survey | None:
    """The survey ``key`` without its definition column: the ~30 KB JSON is
    decoded only when ``definition_of`` has no typed view of this version
    yet (once per process), not on every request. With a resume token in
    the cookie, the draft comes in the same statement (kept for
    ``_current``)."""
    token = _cookie_credentials(key).token
    if token and len(token) <= 100:
        survey, draft = drafts.find_survey_and_draft(db.session, key, token)
        setattr(g, _PRELOADED, (token, draft))
        return survey
    return db.session.scalar(_SURVEY_BY_KEY, {"key": key})


def _load(key: str) -> Survey:
    """The open resident survey ``key`` with the page language set, or a
    Dutch page: 404 when unknown or not yet open, 410 when closed."""
    survey = _find_survey(key) if _KEY_RE.fullmatch(key) else None
    if (
        survey is None
        or survey.state is SurveyState.DRAFT
        or survey.access not in ("open", "invitation")
    ):
        _unavailable("unknown", 404)
    views.set_language(definition_of(survey))
    if survey.state is SurveyState.CLOSED:
        _unavailable("closed", 410, survey)
    return survey


def _cookie_credentials(key: str) -> drafts.Credentials:
    return drafts.Credentials.from_cookie((cookie.get(COOKIE_KEY) or {}).get(key))


def _credentials(survey: Survey) -> drafts.Credentials:
    return _cookie_credentials(survey.key)


def _remember(key: str, credentials: drafts.Credentials) -> None:
    """Keep the draft's secrets for survey ``key`` in the session cookie.
    Takes the key, not the survey: after a commit the survey is expired,
    and reading its key would load the row again."""
    stored = dict(cookie.get(COOKIE_KEY) or {})
    wanted = credentials.as_cookie()
    if stored.get(key) == wanted:
        return  # unchanged: no new signed cookie on every page
    stored[key] = wanted
    cookie[COOKIE_KEY] = stored


def _current(survey: Survey) -> Draft | None:
    credentials = _credentials(survey)
    if not (credentials.token or credentials.code):
        return None
    # Found with the survey, in this transaction: used once (after a
    # rollback or commit the draft is looked up again).
    preloaded: tuple[str | None, Draft | None] = g.pop(_PRELOADED, (None, None))
    token, draft = preloaded
    if draft is not None and token == credentials.token:
        return draft
    return drafts.find_draft(db.session, survey, credentials)


def _require_draft(survey: Survey) -> tuple[Draft, drafts.Credentials]:
    """The browser's unsent, unexpired draft, or a redirect / Dutch page."""
    draft = _current(survey)
    if draft is None:
        views.stop(redirect(url_for(".start", key=survey.key)))
    if draft.submitted:
        views.stop(redirect(url_for(".thanks", key=survey.key)))
    if drafts.is_expired(draft):
        _unavailable("expired", 410, survey)
    credentials = drafts.complete_credentials(db.session, draft, _credentials(survey))
    _remember(survey.key, credentials)
    return draft, credentials


def _resume_url(survey: Survey, draft: Draft) -> str:
    """The furthest page the resident reached (or the check page)."""
    definition = definition_of(survey)
    for page in pages.shown_pages(definition, draft.data or {}):
        if page.index >= draft.page_index:
            return url_for(".page", key=survey.key, page_key=page.key)
    return url_for(".check", key=survey.key)


def _first_url(survey: Survey) -> str:
    shown = pages.shown_pages(definition_of(survey), {})
    if not shown:
        return url_for(".check", key=survey.key)
    return url_for(".page", key=survey.key, page_key=shown[0].key)


def _format_code(typed: str) -> str:
    code = normalise_code(typed)
    return f"{code[:4]}-{code[4:]}"


def _commit() -> None:
    db.session.commit()


# --- start, codes, resume ------------------------------------------------


@bp.get("/<key>")
def start(key: str) -> str:
    survey = _load(key)
    draft = _current(survey)
    active = draft is not None and not draft.submitted and not drafts.is_expired(draft)
    code = request.args.get("code", "")[:40]
    return render_template(
        "residents/start.html",
        **views.survey_context(survey),
        active=active,
        sent=draft is not None and draft.submitted,
        code=code,
        minutes=ESTIMATED_MINUTES,
        controller=current_app.config["PRIVACY_CONTROLLER"],
        contact=current_app.config["PRIVACY_CONTACT"],
        days=current_app.config["DRAFT_LIFETIME_DAYS"],
    )


@bp.post("/<key>/begin")
def begin(key: str) -> Response:
    """Start an open survey: a new draft for this browser."""
    survey = _load(key)
    if survey.access != "open":
        return redirect(url_for(".code", key=key))
    _, credentials = drafts.create_draft(db.session, survey, language=g.language)
    # The address before the commit, which expires the survey (a reload).
    target = _first_url(survey)
    _commit()
    _remember(key, credentials)
    return redirect(target)


@bp.route("/<key>/code", methods=["GET", "POST"])
@limiter.limit(CODE_LIMIT, methods=["POST"])
def code(key: str) -> Response | str:
    """The code from the letter: checked here, consumed only at submit."""
    survey = _load(key)
    if survey.access != "invitation":
        return redirect(url_for(".start", key=key))
    typed = request.form.get("code", "") if request.method == "POST" else ""
    if request.method == "GET":
        typed = request.args.get("code", "")[:40]
    error = None
    if request.method == "POST":
        # Whether a draft exists for this code decides the write: read it
        # under the write lock, so two devices do not both start one.
        begin_writes(db.session)
        found = code_service.find_code(db.session, survey, typed)
        if not typed.strip():
            error = _("Enter the code from your letter.")
        elif found is None:
            error = _("We do not recognise this code. Check the code on your letter and try again.")
        elif found.used:
            error = _(
                "This code has already been used to send answers. Each code can be used once."
            )
        else:
            try:
                draft = drafts.find_open_draft_for_code(db.session, survey, found.id)
                if draft is None:
                    draft, credentials = drafts.create_draft(
                        db.session, survey, language=g.language, invitation_code_id=found.id
                    )
                    target = _first_url(survey)
                else:
                    # The same letter again: continue where it was left.
                    credentials = drafts.complete_credentials(
                        db.session, draft, drafts.Credentials()
                    )
                    target = _resume_url(survey, draft)
                _commit()
            except StaleDataError:
                # The same letter typed on another device at the same moment
                # took the draft over first (revision check): ask to retry.
                db.session.rollback()
                error = _(
                    "This code is being used on another device at this moment. "
                    "Wait a moment and try again."
                )
            else:
                _remember(key, credentials)
                return redirect(target)
    return render_template(
        "residents/code.html", **views.survey_context(survey), typed=typed[:40], error=error
    )


@bp.route("/<key>/hervat", methods=["GET", "POST"])
@limiter.limit(CODE_LIMIT, methods=["POST"])
def resume_code(key: str) -> Response | str:
    """Continue with the short resume code."""
    survey = _load(key)
    typed = request.form.get("resume_code", "")[:40] if request.method == "POST" else ""
    error = None
    if request.method == "POST":
        draft = drafts.find_by_code(db.session, survey, typed)
        if not typed.strip():
            error = _("Enter the code you wrote down to continue later.")
        elif draft is None:
            error = _("We do not recognise this code. Check the code and try again.")
        elif draft.submitted:
            error = _("The answers saved under this code have already been sent.")
        elif drafts.is_expired(draft):
            error = _(
                "This code has expired: unfinished answers are kept for %(days)s days. "
                "You can start again.",
                days=current_app.config["DRAFT_LIFETIME_DAYS"],
            )
        else:
            credentials = drafts.complete_credentials(
                db.session, draft, drafts.Credentials(code=_format_code(typed))
            )
            target = _resume_url(survey, draft)
            _commit()
            _remember(key, credentials)
            return redirect(target)
    return render_template(
        "residents/resume.html", **views.survey_context(survey), typed=typed, error=error
    )


@bp.get("/<key>/hervat/<token>")
def resume_link(key: str, token: str) -> Response:
    survey = _load(key)
    draft = drafts.find_by_token(db.session, survey, token)
    if draft is None:
        _unavailable("bad-link", 404, survey)
    if draft.submitted:
        _remember(key, drafts.Credentials(token=token))
        return redirect(url_for(".thanks", key=key))
    if drafts.is_expired(draft):
        _unavailable("expired", 410, survey)
    credentials = drafts.complete_credentials(db.session, draft, drafts.Credentials(token=token))
    target = _resume_url(survey, draft)
    _commit()
    _remember(key, credentials)
    return redirect(target)


# --- the survey pages ----------------------------------------------------


def _render_page(
    survey: Survey,
    draft: Draft,
    credentials: drafts.Credentials,
    view: pages.PageView,
    values: dict[str, Any],
    errors: list[tuple[Any, str, Any]] | None = None,
    changed: bool = False,
) -> str:
    definition = definition_of(survey)
    data = draft.data or {}
    shown = pages.shown_pages(definition, {**data, **values})
    keys = [p.key for p in shown]
    step = keys.index(view.page.key) + 1 if view.page.key in keys else 1
    previous = pages.previous_page(definition, data, view.page)
    context = views.survey_context(survey)
    by_field, summary = views.error_messages(errors or [], context["t"])
    return render_template(
        "residents/page.html",
        **context,
        view=view,
        values=values,
        errors=by_field,
        summary=summary,
        changed=changed,
        step=step,
        total=len(shown),
        previous=previous,
        back_to_check=request.args.get("terug") == "controle",
        updated=request.args.get(UPDATED) == "1",
        resume_link=url_for(".resume_link", key=survey.key, token=credentials.token, _external=True)
        if credentials.token
        else None,
        resume_code=credentials.code,
        expires=views.long_date(draft.expires_at),
        field_id=pages.field_id,
        show_if=_show_if_payload,
        same_page=pages.same_page_condition,
        render_question=views.question_renderer(definition),
    )


def _show_if_payload(view: pages.PageView, question: Any) -> dict[str, Any]:
    """What the page script needs to evaluate a condition in the browser."""
    from survey.definitions.conditions import references

    definition_types = {q.key: q.type for q in view.page.questions}
    types: dict[str, str] = {}
    for ref in references(question.show_if or {}):
        key = ref.partition(".")[0]
        types[key] = definition_types.get(key, "")
    return {"if": question.show_if, "known": view.known, "types": types}


@bp.route("/<key>/stap/<page_key>", methods=["GET", "POST"])
def page(key: str, page_key: str) -> Response | str:
    survey = _load(key)
    draft, credentials = _require_draft(survey)
    definition = definition_of(survey)
    current = views.page_or_404(definition, page_key)
    data = dict(draft.data or {})
    if current.index > draft.page_index:
        return redirect(_resume_url(survey, draft))
    back_to_check = request.args.get("terug") == "controle"
    if request.method == "GET":
        view = pages.page_view(definition, data, current)
        if not view.visible and not view.conditional:
            following = pages.next_page(definition, data, current)
            if following is None:
                return redirect(url_for(".check", key=key))
            return redirect(url_for(".page", key=key, page_key=following.key))
        # Rendered before the commit, which would expire (and reload) the
        # survey and the draft the page is made of.
        html = _render_page(survey, draft, credentials, view, data)
        _commit()
        return html

    outcome = pages.read_page(definition, data, current, request.form)
    if outcome.status != "saved":
        html = _render_page(
            survey,
            draft,
            credentials,
            outcome.view,
            {**data, **outcome.shown_values},
            errors=outcome.errors,
            changed=outcome.status == "changed",
        )
        _commit()  # only credentials issued on resume; no answer is saved
        return html
    merged = {k: v for k, v in data.items() if k not in {q.key for q in current.questions}}
    merged.update(outcome.page_values)
    following = pages.next_page(definition, merged, current)
    reached = following.index if following is not None else len(definition.pages)
    try:
        drafts.save_page(
            db.session,
            draft,
            page_keys=[q.key for q in current.questions],
            page_values=outcome.page_values,
            reached=reached,
            language=g.language,
        )
        _commit()
    except StaleDataError:
        # Saved meanwhile from another window: show the page as it is now.
        db.session.rollback()
        return redirect(url_for(".page", key=key, page_key=page_key, bijgewerkt="1"))
    if following is None or back_to_check:
        return redirect(url_for(".check", key=key))
    return redirect(url_for(".page", key=key, page_key=following.key))


# --- check your answers, submit, thank you -------------------------------


def _render_check(
    survey: Survey, draft: Draft, problems: list[tuple[str, str]] | None = None
) -> str:
    from survey.definitions.conditions import shown_questions

    definition = definition_of(survey)
    context = views.survey_context(survey)
    shown, kept = shown_questions(definition, draft.data or {})
    sections = []
    for page_def in definition.pages:
        rows = [
            {
                "question": q,
                "lines": answer_lines(q, kept.get(q.key), context["lang"]),
                "change": url_for(".page", key=survey.key, page_key=page_def.key, terug="controle")
                + "#"
                + pages.anchor_for(q, q.key),
            }
            for q in shown
            if q.page_index == page_def.index
        ]
        if rows:
            sections.append({"page": page_def, "rows": rows})
    return render_template(
        "residents/check.html",
        **context,
        sections=sections,
        summary=problems or [],
        updated=request.args.get(UPDATED) == "1",
    )


@bp.route("/<key>/controle", methods=["GET", "POST"])
def check(key: str) -> Response | str:
    survey = _load(key)
    draft, _ignored = _require_draft(survey)
    definition = definition_of(survey)
    if draft.page_index < len(definition.pages):
        return redirect(_resume_url(survey, draft))
    if request.method == "GET":
        html = _render_check(survey, draft)
        _commit()
        return html

    try:
        outcome = submission.submit_draft(db.session, survey, draft.id, current=draft)
        if outcome.status == "stored":
            _commit()
            return redirect(url_for(".thanks", key=key))
    except (IntegrityError, StaleDataError):
        # Sent (or saved from another window) by a concurrent request: the
        # check page shows where the draft is now (or sends on to thanks).
        db.session.rollback()
        return redirect(url_for(".check", key=key, bijgewerkt="1"))
    db.session.rollback()
    if outcome.status == "already":
        return redirect(url_for(".thanks", key=key))
    draft, _ignored = _require_draft(survey)
    _commit()
    context = views.survey_context(survey)
    problems: list[tuple[str, str]] = []
    if outcome.status == "code_used":
        problems.append(
            (
                url_for(".code", key=key),
                _("The code from your letter has already been used to send answers."),
            )
        )
    for name, message in outcome.problems:
        question_key = name.partition(".")[0]
        if not definition.has_question(question_key):
            continue
        question = definition.question(question_key)
        target = url_for(".page", key=key, page_key=question.page_key, terug="controle")
        problems.append(
            (
                f"{target}#{pages.anchor_for(question, name)}",
                f"{context['t'](question.text)}: {message}",
            )
        )
    return _render_check(survey, draft, problems)


@bp.get("/<key>/bedankt")
def thanks(key: str) -> Response | str:
    survey = _load(key)
    draft = _current(survey)
    if draft is None or not draft.submitted:
        return redirect(url_for(".start", key=key))
    return render_template("residents/thanks.html", **views.survey_context(survey))
