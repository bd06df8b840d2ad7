"""Many residents at once, against a real threaded HTTP server: every
submission stored exactly once with all its answer rows, one letter code
raced by many browsers gives one response, a replayed submit gives one
response and a thank-you page each time. Never a 5xx (on SQLite that means
no "database is locked": WAL, busy timeout and BEGIN IMMEDIATE)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from flask import Flask
from livehttp import ANSWERS, Browser, Reply, journey
from resident_flow import make_codes
from sqlalchemy import func, select

# Answer rows of one complete response of the short survey: veilig,
# problemen.drugs, problemen.snelheid, leeftijd, and one row per option of
# the multiple question (zorgen.1..3).
ROWS_PER_RESPONSE = 7


def _counts(app: Flask) -> dict[str, Any]:
    from survey.extensions import db
    from survey.models import Answer, FreeText, InvitationCode, Response

    with app.app_context():
        per_response = db.session.execute(
            select(Answer.response_id, func.count()).group_by(Answer.response_id)
        ).all()
        texts = db.session.scalars(select(FreeText.text)).all()
        return {
            "responses": db.session.scalar(select(func.count()).select_from(Response)),
            "rows": {count for _, count in per_response},
            "texts": sorted(t or "" for t in texts),
            "used": db.session.scalar(
                select(func.count()).select_from(InvitationCode).where(InvitationCode.used)
            ),
        }


# "Code already used", in English (msgid) or Dutch (the catalog).
USED = ("already been used", "al antwoorden verzonden", "al gebruikt")


def _says(reply: Reply, *phrases: str) -> bool:
    return any(phrase in reply.text for phrase in phrases)


def _no_server_errors(browsers: list[Browser]) -> None:
    errors = [s for b in browsers for s in b.statuses if s >= 500]
    assert errors == [], f"{len(errors)} server errors: {sorted(set(errors))}"


@pytest.mark.slow
def test_200_concurrent_submissions_are_each_stored_once(
    app: Flask, live_server: str, short_survey: str
) -> None:
    browsers = [Browser(live_server) for _ in range(200)]

    def one(index: int) -> Reply:
        browser = browsers[index]
        check = journey(browser, short_survey, index)
        return browser.follow(browser.submit(check))

    with ThreadPoolExecutor(max_workers=32) as pool:
        finals = list(pool.map(one, range(200)))

    _no_server_errors(browsers)
    assert all(f.path.endswith("/bedankt") and f.status == 200 for f in finals)
    counts = _counts(app)
    assert counts["responses"] == 200
    assert counts["rows"] == {ROWS_PER_RESPONSE}
    assert counts["texts"] == sorted(f"nummer {i}" for i in range(200))


def _valid_draft_data(app: Flask, live_server: str, open_key: str) -> dict[str, Any]:
    """The draft data of a complete journey (taken from the open survey,
    which has the same questions)."""
    from survey.extensions import db
    from survey.models import Draft, Survey

    journey(Browser(live_server), open_key, 0)
    with app.app_context():
        query = select(Draft.data).join(Survey).where(Survey.key == open_key)
        return dict(db.session.scalars(query).one())


@pytest.mark.slow
def test_one_code_raced_by_50_browsers_gives_one_response(
    app: Flask, live_server: str, short_survey: str, short_invitation_survey: str
) -> None:
    from survey.definitions.store import find_survey
    from survey.extensions import db
    from survey.models import InvitationCode
    from survey.residents import drafts

    key = short_invitation_survey
    code = make_codes(app, key, 1)[0]

    # 1. Fifty browsers type the same letter code at the same moment: each
    # gets into the survey (the letter's draft, taken over) or a clear
    # "in use on another device" message; never an error.
    typists = [Browser(live_server) for _ in range(50)]

    def type_code(browser: Browser) -> Reply:
        return browser.submit(browser.get(f"/s/{key}/code"), {"code": code})

    with ThreadPoolExecutor(max_workers=50) as pool:
        entered = list(pool.map(type_code, typists))
    _no_server_errors(typists)
    for reply in entered:
        assert reply.status == 302 or _says(reply, "another device", "ander toestel"), reply.text

    # 2. Fifty devices each hold a complete draft started with that code
    # (as if each had started before the others) and press "send" together.
    data = _valid_draft_data(app, live_server, short_survey)
    tokens = []
    with app.app_context():
        survey = find_survey(db.session, key)
        assert survey is not None
        code_id = db.session.scalars(
            select(InvitationCode.id).where(InvitationCode.survey_id == survey.id)
        ).one()
        for index in range(50):
            draft, credentials = drafts.create_draft(
                db.session, survey, language="nl", invitation_code_id=code_id
            )
            draft.data = {**data, "opmerkingen": f"nummer {index}"}
            draft.page_index = 2
            tokens.append(credentials.token)
        db.session.commit()
    senders = [Browser(live_server) for _ in range(50)]
    checks = []
    for browser, token in zip(senders, tokens, strict=True):
        check = browser.follow(browser.get(f"/s/{key}/hervat/{token}"))
        assert check.path.endswith("/controle"), check.text[:300]
        checks.append(check)

    def send(pair: tuple[Browser, Reply]) -> Reply:
        browser, check = pair
        return browser.follow(browser.submit(check))

    with ThreadPoolExecutor(max_workers=50) as pool:
        finals = list(pool.map(send, zip(senders, checks, strict=True)))

    _no_server_errors(senders)
    counts = _counts(app)
    assert counts["responses"] == 1
    assert counts["used"] == 1
    assert counts["rows"] == {ROWS_PER_RESPONSE}
    thanked = [f for f in finals if f.path.endswith("/bedankt")]
    refused = [f for f in finals if _says(f, *USED)]
    assert len(thanked) == 1, [f.path for f in finals]
    assert len(refused) == 49
    assert all(f.status == 200 for f in finals)
    # The code cannot be used again afterwards.
    late = Browser(live_server)
    reply = late.submit(late.get(f"/s/{key}/code"), {"code": code})
    assert reply.status == 200
    assert _says(reply, *USED)


def test_one_submission_replayed_20_times_stores_one_response(
    app: Flask, live_server: str, short_survey: str
) -> None:
    browser = Browser(live_server)
    check = journey(browser, short_survey, 7)
    form = check.form()
    pairs = [(name, f.value) for name, f in form.fields.items()]
    cookies = dict(browser.cookies)
    replays = [Browser(live_server, cookies=dict(cookies)) for _ in range(20)]

    def one(replay: Browser) -> Reply:
        return replay.follow(replay.post(form.action or check.path, pairs))

    with ThreadPoolExecutor(max_workers=20) as pool:
        finals = list(pool.map(one, replays))

    _no_server_errors([browser, *replays])
    assert [f.path.endswith("/bedankt") and f.status == 200 for f in finals] == [True] * 20
    counts = _counts(app)
    assert counts["responses"] == 1
    assert counts["rows"] == {ROWS_PER_RESPONSE}
    assert counts["texts"] == ["nummer 7"]
    assert ANSWERS  # the journey used the shared answer set
