"""The residents' pages under ``/s/<survey key>``: start, invitation code,
one page per survey page, check your answers, thank you, and resume.

Routes stay thin: they find the survey and the browser's draft, ask the
answering journey (``survey.answering.journey``, over the draft's store
``drafts.ResidentDraftStore``) or a service (``drafts``, ``codes``), commit
once and render the shared page and check templates. Every answer page is
sent with ``Cache-Control: no-store``.
"""

from __future__ import annotations

import re
from typing import NoReturn

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
from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import defer
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.wrappers import Response

from survey.answering import rendering
from survey.answering.drafts import is_expired
from survey.answering.journey import CheckRow, Journey, PageScreen
from survey.answering.stores import ChangedMeanwhile
from survey.config import DEFAULTS
from survey.database import read_only_gets
from survey.definitions.definition import definition_of
from survey.definitions.duration import estimated_minutes
from survey.extensions import db
from survey.models import Draft, Survey, SurveyState
from survey.planner.letters import LetterSettings
from survey.ratelimits import code_entry
from survey.residents import codes as code_service
from survey.residents import drafts
from survey.residents.drafts import ResidentDraftStore
from survey.tokens import normalise_code
from survey.urls import public_url

bp = Blueprint("residents", __name__, url_prefix="/s")

# The drafts' secrets in the session cookie, per survey key (the name is
# older than this package: kept, so started drafts stay reachable).
COOKIE_KEY = "respond"
_KEY_RE = re.compile(r"[a-z0-9-]{3,64}")
# Query flag (``?bijgewerkt=1``) of a page shown again because the draft
# changed in another window between reading and saving: the page says so.
UPDATED = "bijgewerkt"


bp.before_request(rendering.no_store)
# A GET only reads: it never waits for another worker's write lock.
bp.before_request(read_only_gets)


# --- helpers -------------------------------------------------------------


def _unavailable(reason: str, status: int, survey: Survey | None = None) -> NoReturn:
    context = rendering.survey_context(survey) if survey is not None else None
    rendering.unavailable("residents/unavailable.html", reason, status, context)


def _find_survey(key: str) -> Survey | None:
    """The survey ``key`` without its definition column: the survey file's
    JSON is decoded only when ``definition_of`` has no typed view of this
    version yet (once per process), not on every request."""
    return db.session.scalar(
        select(Survey).where(Survey.key == key).options(defer(Survey.definition))
    )


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
    rendering.set_language(definition_of(survey))
    if survey.state is SurveyState.CLOSED:
        _unavailable("closed", 410, survey)
    return survey


def _credentials(survey: Survey) -> drafts.Credentials:
    return drafts.Credentials.from_cookie((cookie.get(COOKIE_KEY) or {}).get(survey.key))


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
    return drafts.find_draft(db.session, survey, _credentials(survey))


def _require_draft(survey: Survey) -> tuple[Draft, drafts.Credentials]:
    """The browser's unsent, unexpired draft, or a redirect / Dutch page."""
    draft = _current(survey)
    if draft is None:
        rendering.stop(redirect(url_for(".start", key=survey.key)))
    if draft.submitted:
        rendering.stop(redirect(url_for(".thanks", key=survey.key)))
    if is_expired(draft):
        _unavailable("expired", 410, survey)
    credentials = drafts.complete_credentials(db.session, draft, _credentials(survey))
    _remember(survey.key, credentials)
    return draft, credentials


def _journey(survey: Survey, draft: Draft) -> Journey[ResidentDraftStore]:
    return drafts.journey_of(db.session, survey, draft, g.language)


def _page_url(key: str, page_key: str | None) -> str:
    """A page of the survey, or the check page after the last (None)."""
    if page_key is None:
        return url_for(".check", key=key)
    return url_for(".page", key=key, page_key=page_key)


def _resume_url(survey: Survey, draft: Draft) -> str:
    """The furthest page the resident reached (or the check page)."""
    following = _journey(survey, draft).resume_page()
    return _page_url(survey.key, following.key if following else None)


def _first_url(survey: Survey, draft: Draft) -> str:
    first = _journey(survey, draft).first_page()
    return _page_url(survey.key, first.key if first else None)


def _format_code(typed: str) -> str:
    code = normalise_code(typed)
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def _commit() -> None:
    db.session.commit()


# --- start, codes, resume ------------------------------------------------


@bp.get("/<key>")
def start(key: str) -> str:
    """The survey's start page, for anyone: what it is about, how long it
    takes, who keeps the answers and for how long a draft is kept; a
    button to begin (or to go on with this browser's draft)."""
    survey = _load(key)
    draft = _current(survey)
    active = draft is not None and not draft.submitted and not is_expired(draft)
    code = request.args.get("code", "")[:40]
    return render_template(
        "residents/start.html",
        **rendering.survey_context(survey),
        active=active,
        sent=draft is not None and draft.submitted,
        code=code,
        minutes=estimated_minutes(definition_of(survey), g.language),
        **_zone(survey),
        days=current_app.config["DRAFT_LIFETIME_DAYS"],
    )


def _zone(survey: Survey) -> dict[str, str]:
    """Who is responsible for the answers and how residents reach the zone:
    the sender, phone and e-mail of the consultation's letters where the
    planners set them (the zone's own name and address), else the
    installation's ``PRIVACY_CONTROLLER`` and ``PRIVACY_CONTACT``. While
    those are the built-in placeholders (Dutch phrases, not a zone's name),
    the page says them in its own language."""
    settings = LetterSettings.of(survey.consultation)
    reach = [part for part in (settings.phone, settings.email) if part]
    config = current_app.config
    controller = config["PRIVACY_CONTROLLER"]
    if controller == DEFAULTS["PRIVACY_CONTROLLER"]:
        controller = _("the local police zone")
    contact = config["PRIVACY_CONTACT"]
    if contact == DEFAULTS["PRIVACY_CONTACT"]:
        contact = _("the data protection officer of the police zone")
    return {
        "controller": settings.sender or controller,
        "contact": " / ".join(reach) or contact,
        "privacy_url": settings.privacy_url,
    }


@bp.post("/<key>/begin")
def begin(key: str) -> Response:
    """Start an open survey: a new draft for this browser."""
    survey = _load(key)
    if survey.access != "open":
        return redirect(url_for(".code", key=key))
    draft, credentials = drafts.create_draft(db.session, survey, language=g.language)
    # The address before the commit, which expires the survey (a reload).
    target = _first_url(survey, draft)
    _commit()
    _remember(key, credentials)
    return redirect(target)


@bp.route("/<key>/code", methods=["GET", "POST"])
@code_entry
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
                    target = _first_url(survey, draft)
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
        "residents/code.html",
        **rendering.survey_context(survey),
        **_zone(survey),
        typed=typed[:40],
        error=error,
        switch_keep={"code": typed[:40]},
    )


@bp.route("/<key>/hervat", methods=["GET", "POST"])
@code_entry
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
        elif is_expired(draft):
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
        "residents/resume.html", **rendering.survey_context(survey), typed=typed, error=error
    )


@bp.get("/<key>/hervat/<token>")
def resume_link(key: str, token: str) -> Response:
    """A resume link (shown on the draft's pages) opens the draft in
    this browser at the page where it stands; 404 for an unknown link, 410
    for an expired draft, the thank-you page when it was sent."""
    survey = _load(key)
    draft = drafts.find_by_token(db.session, survey, token)
    if draft is None:
        _unavailable("bad-link", 404, survey)
    if draft.submitted:
        _remember(key, drafts.Credentials(token=token))
        return redirect(url_for(".thanks", key=key))
    if is_expired(draft):
        _unavailable("expired", 410, survey)
    credentials = drafts.complete_credentials(db.session, draft, drafts.Credentials(token=token))
    target = _resume_url(survey, draft)
    _commit()
    _remember(key, credentials)
    return redirect(target)


# --- the survey pages ----------------------------------------------------


def _render_page(
    survey: Survey,
    journey: Journey[ResidentDraftStore],
    credentials: drafts.Credentials,
    screen: PageScreen,
) -> str:
    key = survey.key
    context = rendering.survey_context(survey)
    back_to_check = request.args.get("terug") == "controle"
    if back_to_check:
        back_url = url_for(".check", key=key)
    elif screen.previous is not None:
        back_url = url_for(".page", key=key, page_key=screen.previous.key)
    else:
        back_url = url_for(".start", key=key)
    render_question = rendering.question_renderer()
    return render_template(
        "residents/page.html",
        **rendering.page_context(screen, context, render_question),
        back_url=back_url,
        action_url=url_for(
            ".page",
            key=key,
            page_key=screen.page.key,
            terug="controle" if back_to_check else None,
        ),
        updated=request.args.get(UPDATED) == "1",
        resume_link=public_url(".resume_link", key=key, token=credentials.token)
        if credentials.token
        else None,
        resume_code=credentials.code,
        expires=format_date(journey.store.draft.expires_at, "long"),
    )


@bp.route("/<key>/stap/<page_key>", methods=["GET", "POST"])
def page(key: str, page_key: str) -> Response | str:
    """One survey page for the holder of a draft: its questions (GET); the
    posted answers read, checked and saved, then the next page (POST), or
    the page again with its problems. A page the resident cannot reach yet
    sends them back to where the draft stands; a page with nothing to show
    is skipped."""
    survey = _load(key)
    draft, credentials = _require_draft(survey)
    journey = _journey(survey, draft)
    current = rendering.page_or_404(journey, page_key)
    if not journey.can_visit(current):
        return redirect(_resume_url(survey, draft))
    if request.method == "GET":
        view = journey.view(current)
        if view.empty:
            following = journey.next_page(current)
            return redirect(_page_url(key, following.key if following else None))
        # Rendered before the commit, which would expire (and reload) the
        # survey and the draft the page is made of.
        html = _render_page(survey, journey, credentials, journey.screen(view))
        _commit()
        return html

    outcome = journey.read(current, request.form)
    if outcome.status != "saved":
        html = _render_page(survey, journey, credentials, journey.screen_after(outcome))
        _commit()  # only credentials issued on resume; no answer is saved
        return html
    try:
        following = journey.save(current, outcome)
        _commit()
    except (ChangedMeanwhile, StaleDataError):
        # Saved meanwhile from another window: show the page as it is now.
        db.session.rollback()
        return redirect(url_for(".page", key=key, page_key=page_key, bijgewerkt="1"))
    if following is None or request.args.get("terug") == "controle":
        return redirect(url_for(".check", key=key))
    return redirect(url_for(".page", key=key, page_key=following.key))


# --- check your answers, submit, thank you -------------------------------


def _render_check(
    survey: Survey, journey: Journey[ResidentDraftStore], problems: list[tuple[str, str]]
) -> str:
    key = survey.key
    sections = journey.check_sections()

    def change_url(row: CheckRow) -> str:
        target = url_for(".page", key=key, page_key=row.question.page_key, terug="controle")
        return f"{target}#{row.anchor}"

    return render_template(
        "residents/check.html",
        **rendering.survey_context(survey),
        sections=sections,
        summary=problems,
        change_url=change_url,
        back_url=url_for(".page", key=key, page_key=sections[-1].page.key) if sections else None,
        action_url=url_for(".check", key=key),
        updated=request.args.get(UPDATED) == "1",
    )


@bp.route("/<key>/controle", methods=["GET", "POST"])
def check(key: str) -> Response | str:
    """Check your answers, for the holder of a draft that reached it: every
    shown answer with a link to change it (GET); sending them (POST) stores
    the anonymous response and goes to the thank-you page, or shows what
    stops it (a used code, a problem found again)."""
    survey = _load(key)
    draft, _ignored = _require_draft(survey)
    journey = _journey(survey, draft)
    if not journey.can_check():
        return redirect(_resume_url(survey, draft))
    if request.method == "GET":
        html = _render_check(survey, journey, [])
        _commit()
        return html

    try:
        outcome = journey.submit()
        if outcome.status == "stored":
            _commit()
            return redirect(url_for(".thanks", key=key))
    except (ChangedMeanwhile, IntegrityError, StaleDataError):
        # Sent (or saved from another window) by a concurrent request: the
        # check page shows where the draft is now (or sends on to thanks).
        db.session.rollback()
        return redirect(url_for(".check", key=key, bijgewerkt="1"))
    db.session.rollback()
    if outcome.status == "already":
        return redirect(url_for(".thanks", key=key))
    draft, _ignored = _require_draft(survey)
    _commit()
    context = rendering.survey_context(survey)
    problems: list[tuple[str, str]] = []
    if outcome.status == "code_used":
        problems.append(
            (
                url_for(".code", key=key),
                _("The code from your letter has already been used to send answers."),
            )
        )
    problems += rendering.submit_problems(
        outcome.problems,
        context["t"],
        lambda page_key: url_for(".page", key=key, page_key=page_key, terug="controle"),
    )
    return _render_check(survey, _journey(survey, draft), problems)


@bp.get("/<key>/bedankt")
def thanks(key: str) -> Response | str:
    """The thank-you page, only for the browser whose draft was sent (others
    go to the start page)."""
    survey = _load(key)
    draft = _current(survey)
    if draft is None or not draft.submitted:
        return redirect(url_for(".start", key=key))
    return render_template("residents/thanks.html", **rendering.survey_context(survey))
