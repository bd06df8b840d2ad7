"""Importing response files (contract section 2): all or nothing, errors by
row number and reason, unknown columns ignored with a warning, fast."""

from __future__ import annotations

import csv
import io

import pytest
from planner_helpers import response_csv, row_prefix
from sqlalchemy import func, select

KEY = "burgers-2026"


def _survey(session):
    from survey.definitions.store import find_survey

    return find_survey(session, KEY)


def _count(session):
    from survey.models import Response

    return session.scalar(select(func.count()).select_from(Response))


def _rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8"))))


def _write(rows: list[list[str]], delimiter: str = ",") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows(rows)
    return buffer.getvalue().encode("utf-8")


def test_import_stores_every_row_with_mode_import(resident_survey, session):
    from survey.definitions.definition import definition_of
    from survey.models import Answer, Response
    from survey.responses.csv_import import import_responses

    survey = _survey(session)
    data = response_csv(definition_of(survey), 50, seed=3)
    report = import_responses(session, survey, data)
    session.commit()
    assert report.ok and report.stored == 50 and not report.warnings
    assert session.scalar(select(func.count()).where(Response.mode == "import")) == 50
    assert session.scalar(select(func.count()).select_from(Answer)) > 50 * 20


def test_one_bad_row_refuses_the_whole_file(app, resident_survey, session):
    from survey.definitions.definition import definition_of
    from survey.responses.csv_import import ResponseImportRefused, import_responses

    survey = _survey(session)
    rows = _rows(response_csv(definition_of(survey), 20, seed=4))
    header = rows[0]
    rows[5][header.index("leeftijd")] = "twaalf"
    rows[9][header.index("onveilig")] = "77"
    with pytest.raises(ResponseImportRefused) as caught:
        import_responses(session, survey, _write(rows))
    session.rollback()
    errors = caught.value.report.errors
    assert any(e.startswith(row_prefix(app, 6, "leeftijd")) for e in errors), errors
    assert any(e.startswith(row_prefix(app, 10, "onveilig")) for e in errors), errors
    assert caught.value.report.error_count == 2
    assert _count(session) == 0


def test_required_answer_and_hidden_question_are_errors(app, resident_survey, session):
    from survey.definitions.definition import definition_of
    from survey.responses.csv_import import ResponseImportRefused, import_responses

    survey = _survey(session)
    rows = _rows(response_csv(definition_of(survey), 3, seed=5))
    header = rows[0]
    rows[1][header.index("onveilig")] = ""  # required
    rows[2][header.index("slachtoffer12.inbraak")] = "2"  # not a victim ...
    rows[2][header.index("aangifte_inbraak")] = "1"  # ... so this was not asked
    with pytest.raises(ResponseImportRefused) as caught:
        import_responses(session, survey, _write(rows))
    session.rollback()
    errors = " | ".join(caught.value.report.errors)
    assert row_prefix(app, 2, "onveilig") in errors
    assert row_prefix(app, 3, "aangifte_inbraak") in errors


def test_unknown_columns_are_ignored_with_a_warning_and_semicolons_work(resident_survey, session):
    from survey.definitions.definition import definition_of
    from survey.responses.csv_import import import_responses

    survey = _survey(session)
    rows = _rows(response_csv(definition_of(survey), 4, seed=6))
    rows[0].append("postcode")
    for row in rows[1:]:
        row.append("9940")
    rows.append([""] * len(rows[0]))  # a blank line at the end
    report = import_responses(session, survey, b"\xef\xbb\xbf" + _write(rows, ";"))
    assert report.stored == 4
    assert report.warnings and "postcode" in report.warnings[0]


@pytest.mark.parametrize(
    "data",
    [b"", b"\xff\xfe not utf-8", b"foo,bar\n1,2\n", b"response_id,onveilig,onveilig\n1,2,3\n"],
)
def test_unreadable_files_are_refused(resident_survey, session, data):
    from survey.responses.csv_import import ResponseImportRefused, import_responses

    with pytest.raises(ResponseImportRefused) as caught:
        import_responses(session, _survey(session), data)
    session.rollback()
    assert caught.value.report.errors
    assert _count(session) == 0


def test_a_draft_survey_takes_no_responses(app, session):
    from planner_helpers import RESIDENT_FILE

    from survey.definitions.loader import load_definition
    from survey.definitions.store import import_survey
    from survey.responses.csv_import import ResponseImportRefused, import_responses

    import_survey(session, load_definition(RESIDENT_FILE.read_bytes()))
    session.commit()
    with pytest.raises(ResponseImportRefused):
        import_responses(session, _survey(session), b"onveilig\n1\n")


def test_thousand_rows_import_in_one_go(resident_survey, session):
    # How fast: the import scenario of ``make bench``, not a timed test.
    from survey.definitions.definition import definition_of
    from survey.responses.csv_import import import_responses

    survey = _survey(session)
    data = response_csv(definition_of(survey), 1000, seed=8)
    report = import_responses(session, survey, data)
    session.commit()
    assert report.stored == 1000
    assert _count(session) == 1000


def test_import_command(app, runner, resident_survey, tmp_path):
    from survey.definitions.definition import definition_of
    from survey.extensions import db

    with app.app_context():
        data = response_csv(definition_of(_survey(db.session)), 12, seed=9)
    good = tmp_path / "good.csv"
    good.write_bytes(data)
    bad = tmp_path / "bad.csv"
    bad.write_bytes(data.replace(b"\r\n", b"\r\nx,", 1))
    result = runner.invoke(args=["responses", "import", KEY, str(bad)])
    assert result.exit_code != 0
    assert "nothing imported" in result.output
    result = runner.invoke(args=["responses", "import", KEY, str(good)])
    assert result.exit_code == 0, result.output
    assert "12 responses imported" in result.output
    assert runner.invoke(args=["responses", "import", "nope", str(good)]).exit_code != 0
