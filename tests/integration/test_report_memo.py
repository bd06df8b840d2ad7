"""A planner opens the report page, then downloads its PDF: the disclosure
audit and the charts are remembered between the two (``survey.memo``), and
what is published is byte for byte what a fresh build publishes; a new
response or another threshold is never answered from memory."""

from __future__ import annotations

from typing import Any

from flask import Flask
from planner_helpers import load_demo_residents
from sqlalchemy import select

from survey import memo


def _build(app: Flask, key: str, **settings: Any) -> tuple[bytes, str]:
    """The report JSON and the HTML fragment of the report page."""
    from survey.analysis.report import ReportSettings, build_report
    from survey.extensions import db
    from survey.reporting.html_writer import render_report_html
    from survey.reporting.json_writer import render_json

    with app.test_request_context("/planner/"):
        model = build_report(db.session, key, ReportSettings(**settings))
        html = render_report_html(model)
        db.session.rollback()
        return render_json(model.to_json()), html


def test_the_second_build_is_remembered_and_publishes_the_same_bytes(app: Flask) -> None:
    key = load_demo_residents(app, 200)
    memo.AUDITS.clear()
    memo.CHARTS.clear()
    first_json, first_html = _build(app, key)
    assert (memo.AUDITS.hits, memo.AUDITS.misses) == (0, 1)
    drawn = memo.CHARTS.misses
    assert drawn > 5 and memo.CHARTS.hits == 0
    second_json, second_html = _build(app, key)
    assert (memo.AUDITS.hits, memo.AUDITS.misses) == (1, 1)
    assert (memo.CHARTS.hits, memo.CHARTS.misses) == (drawn, drawn)
    assert second_json == first_json
    assert second_html == first_html
    # And the same bytes as a build with nothing remembered.
    memo.AUDITS.clear()
    memo.CHARTS.clear()
    fresh_json, fresh_html = _build(app, key)
    assert memo.AUDITS.misses == 1 and memo.CHARTS.hits == 0
    assert fresh_json == first_json and fresh_html == first_html


def test_the_same_pdf_is_laid_out_once(app: Flask) -> None:
    from survey.analysis.report import ReportSettings, build_report
    from survey.extensions import db
    from survey.reporting.pdf_writer import render_pdf

    key = load_demo_residents(app, 120)
    memo.PDFS.clear()
    with app.test_request_context("/planner/"):
        first = render_pdf(build_report(db.session, key, ReportSettings()))
        again = render_pdf(build_report(db.session, key, ReportSettings()))
        raised = render_pdf(build_report(db.session, key, ReportSettings(threshold=20)))
        db.session.rollback()
    assert (memo.PDFS.hits, memo.PDFS.misses) == (1, 2)
    assert again == first and raised != first


def test_a_new_response_or_another_threshold_is_audited_again(app: Flask) -> None:
    from survey.definitions.store import find_survey
    from survey.extensions import db
    from survey.models import Response

    key = load_demo_residents(app, 200)
    memo.AUDITS.clear()
    before, _html = _build(app, key)
    raised, _html = _build(app, key, threshold=15)
    assert memo.AUDITS.misses == 2 and memo.AUDITS.hits == 0
    assert raised != before and b'"suppression_threshold": 15' in raised
    with app.app_context():
        # One of this survey's residents: the demo has partner responses
        # too, and ids are random, so "any response" may not touch this
        # report (and then its audit is rightly found again).
        survey = find_survey(db.session, key)
        assert survey is not None
        resident = select(Response).where(Response.survey_id == survey.id).limit(1)
        db.session.delete(db.session.scalars(resident).one())
        db.session.commit()
    after, _html = _build(app, key)
    assert memo.AUDITS.misses == 3 and memo.AUDITS.hits == 0
    assert after != before
