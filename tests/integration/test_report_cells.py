"""Answer rows carry their response's cross-tab cell, and the report gives
the same figures from the stored cells as from joining the dimension answers
(the path for answer rows written before cells existed)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from flask import Flask
from report_data import MARGINS, generate, load
from sqlalchemy import func, select, update


def build(app: Flask, key: str) -> dict[str, Any]:
    from survey.analysis.report import ReportSettings, build_report
    from survey.extensions import db
    from survey.reporting.json_writer import render_json

    with app.app_context():
        report = build_report(db.session, key, ReportSettings(margins=MARGINS))
        model = dict(json.loads(render_json(report)))
    model.pop("generated_on", None)
    return model


def test_stored_cells_give_the_same_report_as_the_join(app: Flask, tmp_path: Path) -> None:
    from survey.extensions import db
    from survey.models import Answer, Response, ResponseCell
    from survey.responses.cells import decode_codes

    key = load(app, tmp_path, generate())
    with app.app_context():
        assert db.session.scalar(select(func.count()).where(Answer.cell_id.is_(None))) == 0
        # Every answer of a response has the same cell, and the cell holds
        # the response's mode and its codes on the dimension questions.
        cells = {c.id: c for c in db.session.scalars(select(ResponseCell))}
        rows = db.session.execute(
            select(Answer.response_id, Answer.variable_id, Answer.code, Answer.cell_id)
        ).all()
        modes = dict(db.session.execute(select(Response.id, Response.mode)).all())
        by_response: dict[int, set[int]] = {}
        for response_id, _v, _c, cell_id in rows:
            by_response.setdefault(response_id, set()).add(cell_id)
        assert all(len(ids) == 1 for ids in by_response.values())
        codes = {(r, v): c for r, v, c, _cell in rows}
        for response_id, (cell_id,) in by_response.items():
            cell = cells[cell_id]
            assert cell.mode == modes[response_id]
            dims = [int(i) for i in cell.dimensions.split(",")]
            expected = tuple(codes.get((response_id, v)) for v in dims)
            assert decode_codes(cell.codes, len(dims)) == expected
    stored = build(app, key)
    assert stored["crosstabs"] and stored["weighting"]
    with app.app_context():
        db.session.execute(update(Answer).values(cell_id=None))
        db.session.commit()
    assert build(app, key) == stored


def test_responses_without_answers_count_in_the_unknown_cell(app: Flask, tmp_path: Path) -> None:
    """The raking cells derived from the answer cube count the responses that
    have no answer row at all (no cell) as incomplete, as the join does."""
    from survey.definitions.store import find_survey
    from survey.extensions import db
    from survey.models import Answer
    from survey.responses.storage import ResponseWriter

    key = load(app, tmp_path, generate(n=120, seed=11))
    with app.app_context():
        survey = find_survey(db.session, key)
        assert survey is not None
        writer = ResponseWriter(db.session, survey)
        for mode in ("web", "web", "paper"):
            writer.write([], {}, mode=mode)
        db.session.commit()
    stored = build(app, key)
    assert stored["responses"] == 123
    assert stored["weighting"]["excluded_responses"] >= 3
    with app.app_context():
        db.session.execute(update(Answer).values(cell_id=None))
        db.session.commit()
    assert build(app, key) == stored
