"""Residents answer the survey through the rendered forms (no JavaScript):
complete journeys, validation, drafts and resume, idempotent submit."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from flask import Flask
from formtools import Page
from resident_flow import (
    answer_all,
    count_responses,
    fill,
    make_codes,
    open_copy,
    start,
    submit,
    tr,
)
from sqlalchemy import func, select
from support import RESIDENT_FILE, import_file

from survey.extensions import db
from survey.models import Answer, Draft, FreeText, InvitationCode, Response, Variable

CODE_UNKNOWN = "We do not recognise this code. Check the code on your letter and try again."
CODE_USED = "This code has already been used to send answers. Each code can be used once."
RESUME_UNKNOWN = "We do not recognise this code. Check the code and try again."
RESUME_EXPIRED = (
    "This code has expired: unfinished answers are kept for %(days)s days. You can start again."
)
BAD_REQUEST = (
    "Your answers could not be processed. Go back, reload the page and try again. "
    "Nothing was saved from this attempt."
)
MORE_QUESTIONS = (
    "Your answer brings up more questions on this page. Answer them, then choose Continue."
)


def _draft(app: Flask) -> Draft:
    with app.app_context():
        draft = db.session.scalars(select(Draft)).one()
        db.session.expunge(draft)
        return draft


def _answers(app: Flask, prefix: str) -> list[tuple[str, int | None, float | None]]:
    with app.app_context():
        rows = db.session.execute(
            select(Variable.name, Answer.code, Answer.number)
            .join(Variable, Variable.id == Answer.variable_id)
            .where(Variable.name.startswith(prefix))
            .order_by(Variable.name)
        ).all()
        return [tuple(r) for r in rows]  # type: ignore[misc]


def _go_to(client: Any, key: str, page_key: str, first: Any) -> Any:
    """Answer pages until ``page_key`` is shown."""
    response = first
    for _ in range(10):
        if response.request.path.endswith(f"/stap/{page_key}"):
            return response
        posted = fill(Page(response).form()).submit(client)
        assert posted.status_code == 302, Page(posted).text[:1500]
        response = client.get(posted.location)
    raise AssertionError(f"never reached {page_key}")


# --- complete journeys -------------------------------------------------


def test_complete_with_letter_code(app: Flask, client: Any, resident_survey: str) -> None:
    codes = make_codes(app, resident_survey)
    first = start(client, resident_survey, code=codes[0].lower().replace("-", " "))
    assert first.headers["Cache-Control"] == "no-store"
    check = answer_all(client, first)
    assert tr(app, "Check your answers") in Page(check).text
    done = submit(client, check)
    assert done.location.endswith(f"/s/{resident_survey}/bedankt")
    thanks = Page(client.get(done.location))
    assert "Bedankt voor uw hulp" in thanks.text
    assert count_responses(app, resident_survey) == 1
    with app.app_context():
        used = db.session.scalars(select(InvitationCode.used).order_by(InvitationCode.id)).all()
        assert sorted(used) == [False, True]
        draft = db.session.scalars(select(Draft)).one()
        assert draft.submitted and draft.data == {} and draft.invitation_code_id is None
        response = db.session.scalars(select(Response)).one()
        assert response.mode == "web" and response.language == "nl"
        text = db.session.scalars(select(FreeText.redacted)).one()
        assert "verlichting" in text
    # Age 42 is stored as a number with its band code (25-44 -> 2).
    assert _answers(app, "leeftijd") == [("leeftijd", 2, 42.0)]


def test_complete_with_open_link(app: Flask, client: Any, tmp_path: Path) -> None:
    key = open_copy(app, tmp_path)
    start_page = Page(client.get(f"/s/{key}"))
    # The default survey takes about 11 minutes (survey.definitions.duration: 659 s).
    assert tr(app, "It takes about %(minutes)s minutes.", minutes=11) in start_page.text
    assert "de lokale politiezone" in start_page.text  # PRIVACY_CONTROLLER
    check = answer_all(client, start(client, key))
    submit(client, check)
    assert count_responses(app, key) == 1


def test_a_survey_without_intro_or_closing_can_be_answered(
    app: Flask, client: Any, tmp_path: Path
) -> None:
    """Both texts are optional in a survey file; the start page once gave a 500 without them."""
    raw = yaml.safe_load(RESIDENT_FILE.read_text(encoding="utf-8"))
    raw.update(key="zonder-intro", access="open")
    raw.pop("intro", None)
    raw.pop("closing", None)
    path = tmp_path / "zonder-intro.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    key = import_file(app, path)
    submit(client, answer_all(client, start(client, key)))
    assert count_responses(app, key) == 1


def test_code_entry_refuses_unknown_and_used_codes(
    app: Flask, client: Any, resident_survey: str
) -> None:
    codes = make_codes(app, resident_survey, count=1)
    page = Page(client.get(f"/s/{resident_survey}/code"))
    wrong = Page(page.form().set("code", "AAAA-AAAA-AAAA").submit(client))
    assert wrong.response.status_code == 200
    assert 'role="alert"' in wrong.html and 'href="#f-code"' in wrong.html
    assert tr(app, CODE_UNKNOWN) in wrong.text
    submit(client, answer_all(client, start(client, resident_survey, code=codes[0])))
    other = app.test_client()
    again = Page(
        Page(other.get(f"/s/{resident_survey}/code")).form().set("code", codes[0]).submit(other)
    )
    assert tr(app, CODE_USED) in again.text
    assert count_responses(app, resident_survey) == 1


def test_same_letter_on_a_second_device_takes_the_draft_over(
    app: Flask, client: Any, resident_survey: str
) -> None:
    """Typing the letter's code again continues its draft (new secrets are
    issued, so the first device has to type the code again)."""
    code = make_codes(app, resident_survey, count=1)[0]
    check_one = answer_all(client, start(client, resident_survey, code=code))
    other = app.test_client()
    resumed = start(other, resident_survey, code=code)
    assert resumed.request.path.endswith("/controle")
    stale = Page(check_one).form().submit(client)
    assert stale.location.endswith(f"/s/{resident_survey}")
    submit(other, resumed)
    assert count_responses(app, resident_survey) == 1
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Draft)) == 1


def test_code_consumed_once_even_with_two_drafts(app: Flask, resident_survey: str) -> None:
    """The guarded UPDATE: a second draft holding the same code cannot
    submit once the code is used; nothing of it is stored."""
    from survey.definitions.store import find_survey
    from survey.residents.drafts import create_draft, journey_of

    def send(survey: Any, draft_id: int) -> str:
        draft = db.session.get(Draft, draft_id)
        assert draft is not None
        return journey_of(db.session, survey, draft, "nl").submit().status

    make_codes(app, resident_survey, count=1)
    with app.test_request_context():
        survey = find_survey(db.session, resident_survey)
        assert survey is not None
        code_id = db.session.scalar(select(InvitationCode.id))
        rows = survey.definition["pages"][0]["questions"][1]["rows"]
        values = {"problemen": {r["key"]: 1 for r in rows}, "onveilig": 2, "wijk": 1}
        empty = create_draft(db.session, survey, language="nl", invitation_code_id=code_id)[0]
        # An empty draft: required answers missing.
        assert send(survey, empty.id) == "problems"
        db.session.rollback()
        drafts = [
            create_draft(db.session, survey, language="nl", invitation_code_id=code_id)[0]
            for _ in range(2)
        ]
        for draft in drafts:
            draft.data = values
            draft.page_index = 99
        db.session.commit()
        assert send(survey, drafts[0].id) == "stored"
        db.session.commit()
        assert send(survey, drafts[1].id) == "code_used"
        db.session.rollback()
        assert send(survey, drafts[0].id) == "already"
    assert count_responses(app, resident_survey) == 1


def test_replayed_submit_stores_one_response(app: Flask, client: Any, resident_survey: str) -> None:
    code = make_codes(app, resident_survey, count=1)[0]
    check = answer_all(client, start(client, resident_survey, code=code))
    form = Page(check).form()
    first = form.submit(client)
    second = form.submit(client)
    assert first.status_code == second.status_code == 302
    assert second.location.endswith("/bedankt")
    assert "Bedankt" in Page(client.get(second.location)).text
    assert count_responses(app, resident_survey) == 1


def test_invitation_survey_needs_a_code(client: Any, resident_survey: str) -> None:
    page = Page(client.get(f"/s/{resident_survey}"))
    assert f"/s/{resident_survey}/code" in page.html
    assert client.get(f"/s/{resident_survey}/stap/buurt").status_code == 302
    begin = client.post(f"/s/{resident_survey}/begin")
    assert begin.status_code == 400  # no CSRF token


# --- validation --------------------------------------------------------


def test_missing_required_answers_error_summary(app: Flask, client: Any, tmp_path: Path) -> None:
    key = open_copy(app, tmp_path)
    first = Page(start(client, key))
    form = first.form()
    form.set("problemen.snelheid", "3")
    page = Page(form.submit(client))
    assert page.response.status_code == 200
    assert 'role="alert"' in page.html and 'tabindex="-1"' in page.html
    assert tr(app, "There is a problem") in page.text
    assert 'href="#f-problemen-drugsoverlast"' in page.html
    assert 'id="f-problemen-drugsoverlast"' in page.html
    assert f"Drugsgebruik of drugshandel op straat: {tr(app, 'Answer this row.')}" in page.text
    # Fifteen rows, one answered: fourteen messages, one per row left open.
    assert page.html.count('class="error-message"') == 14
    # The answer that was given is kept.
    assert page.form().fields["problemen.snelheid"].selected == ["3"]
    assert page.html.startswith("<!doctype html>")
    assert f"<title>{tr(app, 'Error:')}" in page.html
    assert _draft(app).data == {}


def test_forged_option_code_is_refused(app: Flask, client: Any, tmp_path: Path) -> None:
    key = open_copy(app, tmp_path)
    form = fill(Page(start(client, key)).form())
    form.fields["problemen.drugsoverlast"].selected = []
    form.force("problemen.drugsoverlast", "7")
    page = Page(form.submit(client))
    assert page.response.status_code == 200
    assert tr(app, "Choose one of the options.") in page.text
    assert _draft(app).data == {}
    form = fill(Page(page.response).form())
    form.fields["problemen.geluid_buren"].selected = []
    form.force("problemen.geluid_buren", "1; DROP TABLE answers")
    assert tr(app, "Choose one of the options.") in Page(form.submit(client)).text
    assert _draft(app).data == {}


def test_duplicate_fields_are_refused(app: Flask, client: Any, tmp_path: Path) -> None:
    key = open_copy(app, tmp_path)
    page = _go_to(client, key, "veiligheid", start(client, key))
    form = fill(Page(page).form(), {"onveilig": "2"})
    form.force("onveilig", "3")
    result = Page(form.submit(client))
    assert result.response.status_code == 200
    assert tr(app, "This answer was sent more than once.") in result.text
    assert "onveilig" not in _draft(app).data


def test_over_long_text_is_refused(app: Flask, client: Any, tmp_path: Path) -> None:
    key = open_copy(app, tmp_path)
    page = _go_to(client, key, "prioriteiten", start(client, key))
    form = fill(Page(page).form(), {"opmerkingen": "x" * 2001})
    result = Page(form.submit(client))
    assert tr(app, "Use at most %(max)s characters (now %(n)s).", max=2000, n=2001) in result.text
    # The long text is kept in the field for the resident to shorten.
    assert len(result.form().fields["opmerkingen"].value) == 2001
    assert "opmerkingen" not in _draft(app).data


@pytest.mark.parametrize(
    ("typed", "stored", "message"),
    [
        ("NaN", None, "Enter a number, for example 42."),
        ("inf", None, "Enter a number, for example 42."),
        ("1e3", None, "Enter a number, for example 42."),
        ("42,5", None, "Enter a whole number, without decimals."),
        ("200", None, "Enter a number from %(min)s to %(max)s."),
        ("４２", 42, None),
        ("15", 15, None),  # a 15-year-old with a letter can answer (VM: 15+)
        (" 42 ", 42, None),
    ],
)
def test_number_input(
    app: Flask, client: Any, tmp_path: Path, typed: str, stored: int | None, message: str | None
) -> None:
    key = open_copy(app, tmp_path)
    page = _go_to(client, key, "over-u", start(client, key))
    result = fill(Page(page).form(), {"leeftijd": typed}).submit(client)
    if message:
        # The VM's population: 15 and older.
        assert tr(app, message, min=15, max=110) in Page(result).text
        assert Page(result).form().fields["leeftijd"].value == typed
        assert "leeftijd" not in _draft(app).data
    else:
        assert result.status_code == 302
        assert _draft(app).data["leeftijd"] == stored


def test_missing_csrf_is_400_and_stores_nothing(app: Flask, client: Any, tmp_path: Path) -> None:
    key = open_copy(app, tmp_path)
    form = fill(Page(start(client, key)).form())
    form.fields.pop("csrf_token")
    result = form.submit(client)
    assert result.status_code == 400
    assert tr(app, BAD_REQUEST) in Page(result).text
    assert _draft(app).data == {}


def test_hidden_question_answers_are_not_stored(app: Flask, client: Any, tmp_path: Path) -> None:
    key = open_copy(app, tmp_path)
    page = Page(_go_to(client, key, "politie", start(client, key)))
    # oordeel_contact depends on contact (same page): rendered hidden.
    assert "data-show-if=" in page.html
    contact = page.form().fields["contact"]
    no = contact.options[1]
    form = fill(page.form(), {"contact": no})  # also fills the hidden matrix rows
    result = form.submit(client)
    assert result.status_code == 302
    assert "oordeel_contact" not in _draft(app).data
    submit(client, answer_all(client, client.get(result.location)))
    assert _answers(app, "oordeel_contact.") == []
    assert _answers(app, "contact") == [("contact", int(no), None)]


def test_same_page_condition_without_javascript(app: Flask, client: Any, tmp_path: Path) -> None:
    """Choosing an answer that brings up a question on the same page shows
    the page again (no error) so the new question can be answered."""
    key = open_copy(app, tmp_path)
    page = Page(_go_to(client, key, "politie", start(client, key)))
    yes = page.form().fields["contact"].options[0]
    form = page.form()
    form.set("contact", yes)
    again = Page(form.submit(client))
    assert again.response.status_code == 200
    assert tr(app, MORE_QUESTIONS) in again.text
    assert tr(app, "There is a problem") not in again.text
    assert 'id="q-oordeel_contact"' in again.html
    assert 'id="q-oordeel_contact" data-show-if' in again.html
    assert again.form().fields["contact"].selected == [yes]
    follow = fill(again.form(), {"contact": yes}).submit(client)
    assert follow.status_code == 302
    assert "oordeel_contact" in _draft(app).data


# --- drafts and resume ---------------------------------------------------


def _resume_parts(page: Page) -> tuple[str, str]:
    import re

    link = re.search(r'href="(http[^"]+/hervat/[^"]+)"', page.html)
    code = re.search(r'class="resume-code">([A-Z0-9-]+)<', page.html)
    assert link and code, page.text
    # The link starts with the configured public address, not the request's.
    assert link.group(1).startswith(f"{BASE_URL}/s/"), link.group(1)
    return link.group(1), code.group(1)


BASE_URL = "http://127.0.0.1:5000"  # the tests' SURVEY_PUBLIC_BASE_URL (development default)


def test_resume_with_link_in_a_new_browser(app: Flask, client: Any, tmp_path: Path) -> None:
    key = open_copy(app, tmp_path)
    second = _go_to(client, key, "veiligheid", start(client, key))
    link, _code = _resume_parts(Page(second))
    other = app.test_client()
    resumed = other.get(link.removeprefix(BASE_URL))
    assert resumed.status_code == 302 and resumed.location.endswith("/stap/veiligheid")
    page = Page(other.get(resumed.location))
    assert "Hoe veilig voelt u zich?" in page.text
    # The answers of the first page are there.
    back = Page(other.get(f"/s/{key}/stap/buurt"))
    assert back.form().fields["problemen.drugsoverlast"].selected == ["1"]
    submit(other, answer_all(other, other.get(resumed.location)))
    assert count_responses(app, key) == 1


def test_resume_with_code_in_a_new_browser(app: Flask, client: Any, tmp_path: Path) -> None:
    key = open_copy(app, tmp_path)
    second = _go_to(client, key, "veiligheid", start(client, key))
    _link, code = _resume_parts(Page(second))
    other = app.test_client()
    form_page = Page(other.get(f"/s/{key}/hervat"))
    wrong = Page(form_page.form().set("resume_code", "AAAA-AAAA-AAAA").submit(other))
    assert tr(app, RESUME_UNKNOWN) in wrong.text
    resumed = wrong.form().set("resume_code", code.lower()).submit(other)
    assert resumed.status_code == 302 and resumed.location.endswith("/stap/veiligheid")
    page = Page(other.get(resumed.location))
    # This browser is shown the code only; the saved link still works.
    assert "/hervat/" not in page.html
    assert f'class="resume-code">{code}<' in page.html
    third = app.test_client()
    assert third.get(_link.removeprefix(BASE_URL)).status_code == 302
    # Coming back with the link shows the same code.
    again = Page(third.get(f"/s/{key}/stap/veiligheid"))
    assert _resume_parts(again) == (_link, code)


def test_expired_draft_is_refused(app: Flask, client: Any, tmp_path: Path) -> None:
    key = open_copy(app, tmp_path)
    first = Page(start(client, key))
    link, code = _resume_parts(first)
    with app.app_context():
        draft = db.session.scalars(select(Draft)).one()
        draft.expires_at = draft.expires_at - timedelta(days=31)
        db.session.commit()
    gone = client.get(f"/s/{key}/stap/buurt")
    assert gone.status_code == 410
    assert tr(app, "Your saved answers have expired") in Page(gone).text
    other = app.test_client()
    assert other.get(link.removeprefix(BASE_URL)).status_code == 410
    form = Page(other.get(f"/s/{key}/hervat")).form().set("resume_code", code)
    assert tr(app, RESUME_EXPIRED, days=30) in Page(form.submit(other)).text


def test_bad_resume_link(client: Any, app: Flask, tmp_path: Path) -> None:
    key = open_copy(app, tmp_path)
    result = client.get(f"/s/{key}/hervat/not-a-token")
    assert result.status_code == 404
    assert tr(app, "This link does not work") in Page(result).text


def test_pages_cannot_be_skipped(app: Flask, client: Any, tmp_path: Path) -> None:
    key = open_copy(app, tmp_path)
    start(client, key)
    jump = client.get(f"/s/{key}/stap/over-u")
    assert jump.status_code == 302 and jump.location.endswith("/stap/buurt")
    assert client.get(f"/s/{key}/controle").location.endswith("/stap/buurt")
    assert client.get(f"/s/{key}/stap/nope").status_code == 404


# --- survey states and languages -----------------------------------------


def test_closed_unknown_and_draft_surveys(app: Flask, client: Any, resident_survey: str) -> None:
    from survey.definitions.lifecycle import close_survey

    with app.app_context():
        close_survey(db.session, resident_survey)
        db.session.commit()
    closed = client.get(f"/s/{resident_survey}")
    assert closed.status_code == 410
    assert tr(app, "This survey is closed") in Page(closed).text
    assert client.get(f"/s/{resident_survey}/code").status_code == 410
    unknown = client.get("/s/no-such-survey")
    assert unknown.status_code == 404
    assert tr(app, "Survey not found") in Page(unknown).text
    assert client.get("/s/x").status_code == 404


def test_draft_survey_is_not_found(app: Flask, client: Any, tmp_path: Path) -> None:
    import yaml
    from resident_flow import RESIDENT_FILE

    raw = yaml.safe_load(RESIDENT_FILE.read_text(encoding="utf-8"))
    raw["key"] = "nog-niet-open"
    from survey.definitions.store import import_survey

    with app.app_context():
        import_survey(db.session, raw)
        db.session.commit()
    assert client.get("/s/nog-niet-open").status_code == 404


def test_language_switch(app: Flask, client: Any, tmp_path: Path) -> None:
    key = open_copy(app, tmp_path)
    french = Page(client.get(f"/s/{key}?lang=fr"))
    assert "Enquête sécurité et qualité de vie" in french.text
    assert '<html lang="fr">' in french.html
    # Stored in the session: the next page stays French.
    first = Page(start(client, key))
    assert "Votre quartier" in first.text
    # A language the survey does not offer is ignored.
    assert "Votre quartier" in Page(client.get(f"/s/{key}/stap/buurt?lang=tr")).text
    dutch = Page(client.get(f"/s/{key}/stap/buurt?lang=nl"))
    assert "Uw buurt" in dutch.text
    # Options without a French text fall back to Dutch (wijk has nl only).
    submit(client, answer_all(client, client.get(f"/s/{key}/stap/buurt?lang=fr")))
    with app.app_context():
        assert db.session.scalar(select(Response.language)) == "fr"


def test_no_client_data_is_stored(app: Flask, client: Any, tmp_path: Path) -> None:
    key = open_copy(app, tmp_path)
    submit(client, answer_all(client, start(client, key)))
    columns = {c.name for c in Response.__table__.columns}
    assert not columns & {"ip", "ip_address", "user_agent", "submitted_at", "created_at"}
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Response)) == 1
