"""A planner follows the fieldwork on one screen: a sample of 40 gets its
invitation letters, residents answer with their codes (some quickly, one
after a reminder wave), others stop half-way or let their draft expire,
and 200 responses come in from a file. The fieldwork page and its JSON
show the drafts started and finished, the drop-off per page, the median
completion time, the response rate per wave and per stratum and the
topline of the key questions: every figure is checked against a recount
made here from the rows themselves (or, for the topline, from the answers
and the report's suppression)."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from typing import Any

from flask import Flask
from formtools import Page
from planner_helpers import draw_and_print, logged_in, msg, print_wave, response_csv
from resident_flow import answer_all, fill, start, submit
from sqlalchemy import select

from survey.extensions import db
from survey.models import (
    Answer,
    CompletionTimes,
    Draft,
    InvitationCode,
    QuestionOption,
    Response,
    SampleMember,
    Variable,
)
from survey.models.base import utcnow


def _codes(app: Flask) -> list[str]:
    from survey.residents.codes import open_sealed

    with app.app_context():
        members = db.session.scalars(select(SampleMember).order_by(SampleMember.id)).all()
        return [open_sealed(m.sealed_code) for m in members]


def _answer_with(app: Flask, client: Any, key: str, code: str, minutes: float) -> None:
    """A resident answers every page with ``code``; their draft is made to
    have started ``minutes`` before the submit."""
    check = answer_all(client, start(client, key, code))
    with app.app_context():
        draft = db.session.scalars(
            select(Draft).where(Draft.submitted.is_(False)).order_by(Draft.updated_at.desc())
        ).first()
        assert draft is not None
        draft.created_at = utcnow() - timedelta(minutes=minutes)
        db.session.commit()
    submit(client, check)


def _figures(client: Any, key: str) -> dict[str, str]:
    response = client.get(f"/planner/bevragingen/{key}/veldwerk.json")
    assert response.status_code == 200
    return dict(response.get_json()["figures"])


def _number(text: str) -> float:
    return float(text.replace(".", "").replace(",", "."))


def test_the_fieldwork_page_shows_figures_that_match_a_recount(
    app: Flask, client: Any, resident_survey: str
) -> None:
    key = resident_survey
    draw_and_print(app, key, people=300, size=40)
    codes = _codes(app)

    # Three residents answer after the invitation, in 7.5, 13 and 40 minutes.
    for code, minutes in zip(codes[:3], (7.5, 13, 40), strict=True):
        resident = app.test_client()
        _answer_with(app, resident, key, code, minutes)
    # A reminder goes to the 37 codes not used; one more answers, over 3 hours.
    with app.test_request_context("/planner/"):
        sample_id = db.session.scalar(select(SampleMember.sample_id).limit(1))
        assert sample_id is not None
        print_wave(sample_id, reminder=True)
    _answer_with(app, app.test_client(), key, codes[3], 180)
    # Two stop on the first page, one after it; one of them lets it expire.
    for code in codes[4:6]:
        start(app.test_client(), key, code)
    resident = app.test_client()
    posted = fill(Page(start(resident, key, codes[6])).form()).submit(resident)
    assert posted.status_code == 302
    with app.app_context():
        draft = db.session.scalars(
            select(Draft).where(Draft.submitted.is_(False), Draft.page_index == 0)
        ).first()
        assert draft is not None
        draft.expires_at = utcnow() - timedelta(days=1)
        db.session.commit()
    # And 200 responses from a file (no draft, no completion time).
    from survey.definitions.definition import definition_of
    from survey.definitions.store import find_survey
    from survey.responses.csv_import import import_responses

    with app.app_context():
        survey = find_survey(db.session, key)
        assert survey is not None
        import_responses(db.session, survey, response_csv(definition_of(survey), 200))
        db.session.commit()

    logged_in(app, client, "viewer")
    page = Page(client.get(f"/planner/bevragingen/{key}/veldwerk"))
    assert page.response.status_code == 200
    figures = _figures(client, key)
    # The page shows the same figures as the JSON, where the JSON says.
    for name in ("drafts.started", "wave.2.sent", "time.median", "page.0.stopped"):
        assert f'data-live="{name}">{figures[name]}<' in page.html, name

    # Drafts, recounted from the rows.
    with app.app_context():
        drafts = db.session.scalars(select(Draft)).all()
        now = utcnow()
        unsent = [d for d in drafts if not d.submitted]
        assert figures["drafts.started"] == str(len(drafts)) == "7"
        assert figures["drafts.finished"] == str(sum(d.submitted for d in drafts)) == "4"
        assert figures["drafts.in_progress"] == str(sum(d.expires_at > now for d in unsent))
        assert figures["drafts.stopped"] == str(sum(d.expires_at <= now for d in unsent)) == "1"
        assert figures["drafts.percent"] == "57,1"  # 4 of 7
        stops = Counter(d.page_index for d in unsent)
        assert stops == {0: 2, 1: 1}
        for index, n in stops.items():
            expired = sum(d.expires_at <= now for d in unsent if d.page_index == index)
            assert figures[f"page.{index}.stopped"] == str(expired)
            assert figures[f"page.{index}.in_progress"] == str(n - expired)

        # Completion times: bands 7-8, 12-15, 30-45 and 120+; the middle of
        # four lies at the end of the second: 12 + 3 * (2 - 1) / 1 = 15.
        assert figures["time.median"] == "15,0"
        assert figures["time.responses"] == "4"
        assert {b: figures[f"time.band.{b}"] for b in (7, 12, 30, 120)} == dict.fromkeys(
            (7, 12, 30, 120), "1"
        )
        # Nothing in the histogram points at a response or a time of day.
        assert {c.name for c in CompletionTimes.__table__.columns} == {
            "id",
            "survey_id",
            "band",
            "count",
        }

        # Response rate per wave and stratum, from the members and codes.
        members = db.session.execute(
            select(SampleMember.last_wave, SampleMember.stratum, InvitationCode.used).join(
                InvitationCode, InvitationCode.id == SampleMember.invitation_code_id
            )
        ).all()
        for wave in (1, 2):
            got = [used for last, _s, used in members if last >= wave]
            assert figures[f"wave.{wave}.sent"] == str(len(got))
            assert figures[f"wave.{wave}.used"] == str(sum(got))
        assert (figures["wave.1.sent"], figures["wave.1.used"]) == ("40", "4")
        assert (figures["wave.2.sent"], figures["wave.2.used"]) == ("37", "1")
        assert figures["wave.1.before_next"] == "3" and figures["wave.2.before_next"] == "1"
        for stratum, n in Counter(s for _l, s, _u in members).items():
            used = sum(u for _l, s, u in members if s == stratum)
            assert figures[f"stratum.{stratum}.sent"] == str(n)
            assert figures[f"stratum.{stratum}.used"] == str(used)

        # Topline: a key question's row, recounted from the answers.
        variable = db.session.scalar(
            select(Variable).where(Variable.name == "problemen.drugsoverlast")
        )
        assert variable is not None
        missing = set(
            db.session.scalars(
                select(QuestionOption.code).where(
                    QuestionOption.question_id == variable.question_id,
                    QuestionOption.missing.is_(True),
                )
            )
        )
        codes_given = Counter(
            db.session.scalars(
                select(Answer.code).where(
                    Answer.variable_id == variable.id, Answer.code.is_not(None)
                )
            )
        )
        valid = sum(n for code, n in codes_given.items() if code not in missing)
        assert db.session.query(Response).count() == 204
    assert figures["topline.problemen.drugsoverlast.valid"] == str(valid)
    options = sorted(c for c in codes_given if c not in missing)
    shown = [figures[f"topline.problemen.drugsoverlast.{i}"] for i in range(len(options))]
    for code, text in zip(options, shown, strict=False):
        if codes_given[code] < 10:  # the report's threshold: suppressed
            assert text == "x"
        else:
            assert abs(_number(text) - 100 * codes_given[code] / valid) < 0.06
    assert "x" in shown or all(codes_given[c] >= 10 for c in options)

    # Strata are shown as the planner reads them, not as keys.
    assert "district=" not in page.text
    assert msg(app, "women") in page.text


def test_the_dashboard_json_refreshes_what_the_page_shows(
    app: Flask, client: Any, resident_survey: str
) -> None:
    logged_in(app, client, "viewer")
    before = _figures(client, resident_survey)
    assert before["drafts.started"] == "0" and before["time.median"] == "–"
    resident = app.test_client()
    check = answer_all(resident, start(resident, resident_survey, _one_code(app)))
    submit(resident, check)
    after = _figures(client, resident_survey)
    assert after["drafts.finished"] == "1" and after["responses"] == "1"
    assert after["time.responses"] == "1" and after["time.median"] != "–"
    page = Page(client.get(f"/planner/bevragingen/{resident_survey}/veldwerk"))
    assert 'data-live-url="' in page.html and "js/fieldwork.js" in page.html
    # One response: every topline figure would be suppressed; none is shown.
    threshold = int(app.config["SUPPRESSION_THRESHOLD"])
    assert (
        msg(
            app,
            "The topline is shown from %(n)s responses on (the suppression threshold).",
            n=threshold,
        )
        in page.text
    )
    assert not any(name.startswith("topline.") for name in after)


def _one_code(app: Flask) -> str:
    from resident_flow import make_codes

    return make_codes(app, "burgers-2026", 1)[0]
