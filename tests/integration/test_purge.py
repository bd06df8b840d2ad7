"""The purge: after the retention date, codes and drafts deleted and raw
free text blanked (redacted copies kept); refused before unless forced;
logged as counts."""

from __future__ import annotations

import logging
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

KEY = "burgers-2026"
CONSULTATION = "zvp-2026-2031"


def _fill(session):
    """Codes, a draft and two responses with free text."""
    from survey.definitions.definition import definition_of
    from survey.definitions.store import find_survey
    from survey.models import Draft
    from survey.models.base import utcnow
    from survey.residents.codes import generate_codes
    from survey.responses.csv_import import import_responses

    survey = find_survey(session, KEY)
    generate_codes(session, survey, 4)
    session.add(
        Draft(
            token_hash="t" * 64,
            survey_id=survey.id,
            data={"onveilig": 2},
            submission_key="s" * 32,
            expires_at=utcnow() + timedelta(days=30),
        )
    )
    from planner_helpers import response_csv

    data = response_csv(definition_of(survey), 40, seed=21)
    import_responses(session, survey, data)
    session.commit()
    return survey


def _counts(session):
    from survey.models import Draft, FreeText, InvitationCode, Response

    return {
        "codes": session.scalar(select(func.count()).select_from(InvitationCode)),
        "drafts": session.scalar(select(func.count()).select_from(Draft)),
        "raw": session.scalar(select(func.count()).where(FreeText.text.is_not(None))),
        "redacted": session.scalar(select(func.count()).where(FreeText.redacted != "")),
        "responses": session.scalar(select(func.count()).select_from(Response)),
    }


def _set_retention(session, days: int):
    from survey.planner.surveys import get_consultation

    consultation = get_consultation(session, CONSULTATION)
    consultation.retention_until = date.today() + timedelta(days=days)
    session.commit()
    return consultation


def test_purge_after_the_retention_date(resident_survey, session, caplog):
    from survey.models import PurgeLog
    from survey.planner.purge import purge_consultation

    _fill(session)
    before = _counts(session)
    assert before["codes"] == 4 and before["drafts"] == 1 and before["raw"] > 0
    consultation = _set_retention(session, -1)
    dry = purge_consultation(session, consultation, dry_run=True)
    assert (dry.codes, dry.drafts, dry.free_texts) == (4, 1, before["raw"])
    assert _counts(session) == before
    with caplog.at_level(logging.INFO, logger="survey.planner.purge"):
        counts = purge_consultation(session, consultation, actor="test")
    session.commit()
    after = _counts(session)
    assert after["codes"] == 0 and after["drafts"] == 0 and after["raw"] == 0
    assert after["redacted"] == before["redacted"] and after["responses"] == 40
    log = session.scalars(select(PurgeLog)).one()
    assert (log.codes, log.drafts, log.free_texts) == (4, 1, counts.free_texts)
    assert "4 codes" in caplog.text and "Kerk" not in caplog.text
    # A second purge finds nothing left.
    again = purge_consultation(session, consultation)
    assert (again.codes, again.drafts, again.free_texts) == (0, 0, 0)


def test_purge_refused_before_the_retention_date(resident_survey, session):
    from survey.planner.purge import PurgeRefused, purge_consultation

    _fill(session)
    consultation = _set_retention(session, 0)  # today: not yet past
    with pytest.raises(PurgeRefused):
        purge_consultation(session, consultation)
    consultation.retention_until = None
    with pytest.raises(PurgeRefused):
        purge_consultation(session, consultation)
    forced = purge_consultation(session, consultation, force=True)
    session.commit()
    assert forced.codes == 4 and _counts(session)["codes"] == 0


def test_purge_command(app, runner, resident_survey):
    from survey.extensions import db

    with app.app_context():
        _fill(db.session)
        _set_retention(db.session, 10)
    result = runner.invoke(args=["purge", "--consultation", CONSULTATION])
    assert result.exit_code != 0 and result.output.startswith(f"Error: {CONSULTATION}:")
    result = runner.invoke(args=["purge"])
    assert result.exit_code == 0 and "nothing to purge" in result.output
    with app.app_context():
        _set_retention(db.session, -3)
    result = runner.invoke(args=["purge", "--dry-run"])
    assert result.exit_code == 0 and "would remove 4 codes" in result.output
    with app.app_context():
        assert _counts(db.session)["codes"] == 4
    result = runner.invoke(args=["purge", "--consultation", CONSULTATION])
    assert result.exit_code == 0 and "removed 4 codes, 1 drafts" in result.output
    with app.app_context():
        assert _counts(db.session)["codes"] == 0


def test_purge_page_needs_confirmation(app, client, resident_survey):
    from formtools import Page
    from planner_helpers import logged_in

    from survey.extensions import db

    with app.app_context():
        _fill(db.session)
        _set_retention(db.session, -1)
    logged_in(app, client, "admin")
    page = Page(client.get(f"/planner/raadplegingen/{CONSULTATION}/opschonen"))
    assert "4" in page.text
    response = page.form().set("confirm", "wrong").submit(client)
    assert response.status_code == 422
    with app.app_context():
        assert _counts(db.session)["codes"] == 4
    response = Page(response).form().set("confirm", CONSULTATION).submit(client)
    assert response.status_code == 302
    with app.app_context():
        assert _counts(db.session)["codes"] == 0
