"""The priority matrix pools every survey of a consultation: whichever of its
reports is built (the residents' or the partners'), the matrix reads the other
surveys from the database (``priority.collect_counts``) and must show the same
figures as the report that holds them itself, weighted the same way."""

from __future__ import annotations

import json
from typing import Any

from flask import Flask


def _build(app: Flask, key: str, **settings: Any) -> dict[str, Any]:
    from survey.analysis.report import ReportSettings, build_report
    from survey.extensions import db
    from survey.reporting.json_writer import render_json

    with app.app_context():
        model = build_report(db.session, key, ReportSettings(**settings))
        return dict(json.loads(render_json(model.to_json())))


def _agree(first: dict[str, Any], second: dict[str, Any], part: str) -> int:
    """Compare one part of every row (indicators, weighted indicators, bases) where
    both reports publish it; how many figures were compared."""
    rows = {p["phenomenon"]: p for p in second["priorities"]}
    compared = 0
    for row in first["priorities"]:
        mine, theirs = row.get(part) or {}, rows[row["phenomenon"]].get(part) or {}
        for name, value in mine.items():
            if value is not None and theirs.get(name) is not None:
                assert theirs[name] == value, (row["phenomenon"], part, name)
                compared += 1
    return compared


def test_the_residents_and_the_partners_report_show_one_matrix(app: Flask) -> None:
    """The demo consultation (a residents' and a partners' survey): built from
    either report, weighted (the consultation's margins) or not (margins switched
    off), the matrix publishes the same shares, weighted shares and bases
    wherever both publish them. (Which figures each hides follows its own
    tables; that is compared nowhere here.)"""
    from survey.demo.loader import load_demo
    from survey.extensions import db

    with app.app_context():
        load_demo(db.session, residents=300)
        db.session.commit()
    cases: list[tuple[dict[str, Any], str]] = [({}, "weighted"), ({"margins": {}}, "unweighted")]
    for settings, kind in cases:
        residents = _build(app, "burgers-2026", **settings)
        partners = _build(app, "partners-2026", **settings)
        for model in (residents, partners):
            assert model["priority_method"]["estimates"] == kind
        assert {p["phenomenon"] for p in residents["priorities"]} == {
            p["phenomenon"] for p in partners["priorities"]
        }
        assert _agree(residents, partners, "indicators") >= 20
        assert _agree(residents, partners, "bases") >= 20
        weighted = _agree(residents, partners, "weighted_indicators")
        assert weighted >= 10 if kind == "weighted" else weighted == 0
        people = {s["source"]: s["people"] for s in residents["priority_method"]["sources"]}
        assert people == {s["source"]: s["people"] for s in partners["priority_method"]["sources"]}
        assert people["residents"] == 300 and people["partners"] > 0


def test_the_matrix_page_offers_the_indicators_the_surveys_ask(app: Flask) -> None:
    """The planner weighs only what the consultation's surveys ask (a question with
    that measure) and the registered figures; before any survey asks anything,
    every indicator."""
    from survey.analysis import priority
    from survey.definitions.definition import definition_of
    from survey.demo.loader import load_demo
    from survey.extensions import db
    from survey.models import Consultation, Survey

    with app.app_context():
        load_demo(db.session, residents=20)
        db.session.commit()
        consultation = db.session.query(Consultation).one()
        measures = {
            question.measure
            for survey in db.session.query(Survey).filter_by(consultation_id=consultation.id)
            for question in definition_of(survey).questions
        }
        asked = priority.asked_indicators(db.session, consultation.id)
        assert set(asked) == (measures & set(priority.SURVEY_INDICATORS)) | {"facts", "trend"}
        assert "partner_priority" in asked and "importance" not in asked
        assert asked == tuple(n for n in priority.INDICATORS if n in asked)  # the method's order
        empty = Consultation(key="leeg", title="Leeg")
        db.session.add(empty)
        db.session.flush()
        assert priority.asked_indicators(db.session, empty.id) == priority.INDICATORS
        db.session.rollback()


def test_the_partners_report_never_shows_a_residents_figure_the_residents_report_hides(
    app: Flask,
) -> None:
    """Set beside the residents' report, a residents' indicator that report
    hides (a share resting on a protected count) but the partners' report
    showed would give the protected count back: each report's matrix hides
    what any report of the consultation hides, so both show one matrix,
    hidden figures, effective bases and all."""
    from survey.demo.loader import load_demo
    from survey.extensions import db

    with app.app_context():
        load_demo(db.session, residents=300)
        db.session.commit()
    residents = _build(app, "burgers-2026")
    partners = _build(app, "partners-2026")
    hidden = [
        (row["phenomenon"], name)
        for row in residents["priorities"]
        for name, value in (row.get("indicators") or {}).items()
        if value is None
    ]
    assert hidden, "the demo hides some residents' indicator"
    shown = {p["phenomenon"]: p.get("indicators") or {} for p in partners["priorities"]}
    assert [(p, n) for p, n in hidden if shown[p].get(n) is not None] == []
    assert partners["priorities"] == residents["priorities"]
    assert partners["priority_method"] == residents["priority_method"]
