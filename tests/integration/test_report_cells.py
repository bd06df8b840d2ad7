"""Answer rows carry their response's cross-tab cell, the report counts
every response from them (those without answers too), and a database whose
answers lack their cells gets a clear error instead of wrong figures."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from report_data import MARGINS, generate, load
from sqlalchemy import delete, func, select, update


def build(app: Flask, key: str) -> dict[str, Any]:
    from survey.analysis.report import ReportSettings, build_report
    from survey.extensions import db
    from survey.reporting.json_writer import render_json

    with app.app_context():
        report = build_report(db.session, key, ReportSettings(margins=MARGINS))
        model = dict(json.loads(render_json(report.to_json())))
    model.pop("generated_on", None)
    return model


def assert_answers_carry_their_cells(app: Flask) -> None:
    """Every answer of a response has the same cell, the cell holds the
    response's mode and its codes on the dimension questions, and no two
    cells have the same key."""
    from survey.extensions import db
    from survey.models import Answer, Response, ResponseCell
    from survey.responses.cells import decode_codes

    with app.app_context():
        assert db.session.scalar(select(func.count()).where(Answer.cell_id.is_(None))) == 0
        cells = {c.id: c for c in db.session.scalars(select(ResponseCell))}
        keys = {(c.survey_id, c.dimensions, c.mode, c.codes) for c in cells.values()}
        assert len(keys) == len(cells)
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


def test_answers_without_a_cell_are_refused_not_miscounted(
    app: Flask, tmp_path: Path, runner: Any
) -> None:
    """Every answer has its cell since migration 0002; a database where one
    has not (not migrated) gets a message that says what to do."""
    from survey.analysis.report import ReportError
    from survey.extensions import db
    from survey.models import Answer

    key = load(app, tmp_path, generate())
    assert_answers_carry_their_cells(app)
    stored = build(app, key)
    assert stored["crosstabs"] and stored["weighting"]
    with app.app_context():
        db.session.execute(update(Answer).values(cell_id=None))
        db.session.commit()
    with pytest.raises(ReportError, match="flask db upgrade"):
        build(app, key)
    out = tmp_path / "report.json"
    result = runner.invoke(args=["report", "build", key, "--out", str(out)])
    assert result.exit_code != 0 and "flask db upgrade" in result.output
    assert not out.exists()


def test_responses_without_answers_count_in_the_unknown_cell(app: Flask, tmp_path: Path) -> None:
    """The raking cells derived from the answer cube count the responses that
    have no answer row at all (no cell) as incomplete."""
    from survey.definitions.store import find_survey
    from survey.extensions import db
    from survey.responses.storage import ResponseWriter

    people = generate(n=120, seed=11)
    key = load(app, tmp_path, people)
    with app.app_context():
        survey = find_survey(db.session, key)
        assert survey is not None
        writer = ResponseWriter(db.session, survey)
        for mode in ("web", "web", "paper"):
            writer.write([], {}, mode=mode)
        db.session.commit()
    stored = build(app, key)
    assert stored["responses"] == 123
    complete = sum(
        1
        for p in people
        if p.values["wijk"] in MARGINS["district"] and p.values["geslacht"] in MARGINS["sex"]
    )
    assert stored["weighting"]["complete_responses"] == complete
    assert stored["weighting"]["excluded_responses"] == 123 - complete


def test_cube_respondents_are_the_distinct_responses(app: Flask, tmp_path: Path) -> None:
    """Valid respondents of a multiple-choice variable whose stored codes are
    all valid are derived (shown minus empty rows); where a missing option
    was chosen they are counted. Both equal count(DISTINCT response)."""
    from survey.analysis import aggregates
    from survey.definitions.definition import definition_of
    from survey.definitions.store import find_survey
    from survey.extensions import db
    from survey.models import Answer, QuestionOption, Variable
    from survey.responses.cells import dimension_variable_ids

    key = load(app, tmp_path, generate())
    with app.app_context():
        survey = find_survey(db.session, key)
        assert survey is not None
        variable_id = db.session.scalar(
            select(Variable.id).where(Variable.survey_id == survey.id, Variable.name == "waar")
        )
        assert variable_id is not None

        def exact() -> list[tuple[int, int, int, int]]:
            shown = dict(
                db.session.execute(
                    select(Answer.cell_id, func.count(func.distinct(Answer.response_id)))
                    .where(Answer.variable_id == variable_id)
                    .group_by(Answer.cell_id)
                ).all()
            )
            valid = dict(
                db.session.execute(
                    select(Answer.cell_id, func.count(func.distinct(Answer.response_id)))
                    .join(Variable, Variable.id == Answer.variable_id)
                    .join(
                        QuestionOption,
                        (QuestionOption.question_id == Variable.question_id)
                        & (QuestionOption.code == Answer.code)
                        & QuestionOption.missing.is_(False),
                    )
                    .where(Answer.variable_id == variable_id)
                    .group_by(Answer.cell_id)
                ).all()
            )
            return sorted((variable_id, c, n, valid.get(c, 0)) for c, n in shown.items())

        variables = aggregates.variables(db.session, survey.id)
        dims = dimension_variable_ids(definition_of(survey), {v.name: v.id for v in variables})

        def cube() -> list[tuple[int, int, int, int]]:
            ids = [v.id for v in variables]
            found = aggregates.answer_cube(db.session, survey.id, ids, [variable_id], dims)
            return sorted(found.respondents)

        # "Weet niet waar" (missing) was chosen and left alone: counted.
        chose_missing = db.session.scalar(
            select(func.count()).where(Answer.variable_id == variable_id, Answer.code == 9)
        )
        empty = db.session.scalar(
            select(func.count()).where(Answer.variable_id == variable_id, Answer.code.is_(None))
        )
        assert chose_missing and empty
        assert cube() == exact()
        # Without it every stored code is valid: derived from the empty rows.
        db.session.execute(
            delete(Answer).where(Answer.variable_id == variable_id, Answer.code == 9)
        )
        assert cube() == exact()
        assert any(shown != valid for _v, _c, shown, valid in exact())


def test_final_submits_find_or_create_their_cells(app: Flask, tmp_path: Path) -> None:
    """The final submit's insert (a new writer per request, the cell looked
    up inside the response row's INSERT) creates a cell the first time and
    finds it afterwards: the same cells as the bulk writer, none twice."""
    from survey.definitions.definition import definition_of
    from survey.definitions.store import find_survey
    from survey.extensions import db
    from survey.models import ResponseCell
    from survey.responses.checking import check_values
    from survey.responses.storage import ResponseWriter

    key = load(app, tmp_path, generate(n=40, seed=3))
    with app.app_context():
        bulk_cells = db.session.scalar(select(func.count()).select_from(ResponseCell))
        survey = find_survey(db.session, key)
        assert survey is not None
        definition = definition_of(survey)
        # The same people again (every cell exists), then new ones.
        for person in generate(n=40, seed=3) + generate(n=60, seed=4):
            shown, kept, problems = check_values(definition, person.values)
            assert not problems
            ResponseWriter(db.session, survey).insert(shown, kept, mode=person.mode)
            db.session.commit()
        all_cells = db.session.scalar(select(func.count()).select_from(ResponseCell))
    assert bulk_cells and all_cells and all_cells > bulk_cells
    assert_answers_carry_their_cells(app)
