"""Importing response files (contract section 2): all or nothing, errors by
row number and reason, unknown columns ignored with a warning, fast."""

from __future__ import annotations

import csv
import io

import pytest
from planner_helpers import msg, response_csv, row_prefix
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


def test_a_hidden_question_answered_is_an_error(app, resident_survey, session):
    from survey.definitions.definition import definition_of
    from survey.responses.csv_import import ResponseImportRefused, import_responses

    survey = _survey(session)
    rows = _rows(response_csv(definition_of(survey), 3, seed=5))
    header = rows[0]
    rows[2][header.index("slachtoffer12.inbraak")] = "2"  # not a victim ...
    rows[2][header.index("aangifte_inbraak")] = "1"  # ... so this was not asked
    with pytest.raises(ResponseImportRefused) as caught:
        import_responses(session, survey, _write(rows))
    session.rollback()
    errors = " | ".join(caught.value.report.errors)
    assert row_prefix(app, 3, "aangifte_inbraak") in errors
    assert caught.value.report.error_count == 1


def test_paper_rows_with_blank_required_answers_are_stored_as_missing(resident_survey, session):
    """Item non-response on paper is data: a blank required scale and a
    required matrix with one row filled are stored, the blanks as missing."""
    from survey.models import Answer, Variable
    from survey.responses.csv_import import import_responses

    survey = _survey(session)
    data = b"form_number,onveilig,problemen.geluid_buren,leeftijd\nP-1,,3,\nP-2,2,,57\n"
    report = import_responses(session, survey, data, mode="paper")
    session.commit()
    assert report.ok and report.stored == 2
    stored = dict(
        session.execute(
            select(Variable.name, func.count(Answer.code))
            .join(Answer, Answer.variable_id == Variable.id)
            .where(Variable.name.in_(["onveilig", "problemen.geluid_buren", "problemen.snelheid"]))
            .group_by(Variable.name)
        ).all()
    )
    # Both forms were shown the questions; one answer each to the first two,
    # none to another row of the matrix: missing rows (code NULL), not absent.
    assert stored == {"onveilig": 1, "problemen.geluid_buren": 1, "problemen.snelheid": 0}
    shown = session.scalar(
        select(func.count())
        .select_from(Answer)
        .join(Variable, Variable.id == Answer.variable_id)
        .where(Variable.name == "problemen.snelheid")
    )
    assert shown == 2


def test_a_row_without_any_answer_is_an_error(app, resident_survey, session):
    from survey.responses.csv_import import ResponseImportRefused, import_responses

    with pytest.raises(ResponseImportRefused) as caught:
        import_responses(session, _survey(session), b"language,onveilig\nnl,2\nfr,\n")
    session.rollback()
    expected = f"{row_prefix(app, 3)}: {msg(app, 'This row holds no answer.')}"
    assert caught.value.report.errors == [expected]
    assert _count(session) == 0


def test_the_same_file_imported_twice_gives_one_copy(resident_survey, session):
    from survey.definitions.definition import definition_of
    from survey.responses.csv_import import import_responses

    survey = _survey(session)
    rows = _rows(response_csv(definition_of(survey), 6, seed=10))
    rows[0].append("form_number")
    for number, row in enumerate(rows[1:], start=101):
        row.append(str(number))
    data = _write(rows)
    first = import_responses(session, survey, data, mode="paper")
    session.commit()
    second = import_responses(session, survey, data, mode="paper")
    session.commit()
    assert (first.stored, first.skipped) == (6, [])
    assert (second.stored, second.replaced, second.skipped) == (0, 0, [2, 3, 4, 5, 6, 7])
    assert _count(session) == 6


def test_an_export_imported_back_is_skipped_or_replaced_never_doubled(resident_survey, session):
    from survey.definitions.definition import definition_of
    from survey.models import Answer, Response, Variable
    from survey.responses.csv_export import iter_csv
    from survey.responses.csv_import import import_responses

    survey = _survey(session)
    import_responses(session, survey, response_csv(definition_of(survey), 4, seed=11))
    session.commit()
    exported = b"".join(iter_csv(session, survey))
    ids = set(session.scalars(select(Response.public_id)))
    report = import_responses(session, survey, exported)
    session.commit()
    assert (report.stored, report.skipped) == (0, [2, 3, 4, 5])

    # A corrected export: one answer changed, imported to replace.
    rows = _rows(exported.decode("utf-8-sig").encode())
    header = rows[0]
    rows[1][header.index("onveilig")] = "4" if rows[1][header.index("onveilig")] != "4" else "1"
    changed_id = rows[1][header.index("response_id")]
    report = import_responses(session, survey, _write(rows[:2]), on_duplicate="replace")
    session.commit()
    assert (report.stored, report.replaced, report.skipped) == (0, 1, [])
    assert set(session.scalars(select(Response.public_id))) == ids
    code = session.scalar(
        select(Answer.code)
        .join(Response, Response.id == Answer.response_id)
        .join(Variable, Variable.id == Answer.variable_id)
        .where(Response.public_id == changed_id, Variable.name == "onveilig")
    )
    assert str(code) == rows[1][header.index("onveilig")]


def test_new_rows_keep_their_response_id_and_ids_are_checked(app, resident_survey, session):
    from survey.models import Response
    from survey.responses.csv_import import ResponseImportRefused, import_responses

    survey = _survey(session)
    report = import_responses(session, survey, b"response_id,onveilig\ntool-0001,2\n")
    session.commit()
    assert report.stored == 1
    assert session.scalar(select(Response.public_id)) == "tool-0001"
    bad = b"response_id,form_number,onveilig\nx y,1,2\nok-2,7,2\nok-2,7,3\n"
    with pytest.raises(ResponseImportRefused) as caught:
        import_responses(session, survey, bad)
    session.rollback()
    errors = caught.value.report.errors
    assert errors[0].startswith(row_prefix(app, 2, "response_id"))
    assert errors[1].startswith(row_prefix(app, 4, "response_id"))
    assert errors[2].startswith(row_prefix(app, 4, "form_number"))
    assert _count(session) == 1


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
    # The generated file has no response_id: give it one to import it again.
    with app.app_context():
        from survey.responses.csv_export import iter_csv

        exported = b"".join(iter_csv(db.session, _survey(db.session)))
    again = tmp_path / "again.csv"
    again.write_bytes(exported)
    result = runner.invoke(args=["responses", "import", KEY, str(again)])
    assert result.exit_code == 0, result.output
    assert "0 responses imported" in result.output
    assert "12 rows already stored, skipped: rows 2, 3, 4" in result.output
    result = runner.invoke(
        args=["responses", "import", KEY, str(again), "--on-duplicate", "replace"]
    )
    assert "12 stored responses replaced" in result.output
    with app.app_context():
        assert _count(db.session) == 12
    assert runner.invoke(args=["responses", "import", "nope", str(good)]).exit_code != 0


def test_an_export_imported_into_another_survey_twice_gives_one_copy_there(
    app, resident_survey, session, tmp_path
):
    from resident_flow import open_copy

    from survey.definitions.store import find_survey
    from survey.models import Response
    from survey.responses.csv_import import import_responses

    data = b"response_id,onveilig\ntool-7,2\n"
    import_responses(session, _survey(session), data)
    session.commit()
    other = find_survey(session, open_copy(app, tmp_path))
    first = import_responses(session, other, data)
    session.commit()
    again = import_responses(session, other, data)
    session.commit()
    assert (first.stored, again.stored, again.skipped) == (1, 0, [2])
    ids = session.scalars(select(Response.public_id).where(Response.survey_id == other.id)).all()
    assert len(ids) == 1 and ids[0] != "tool-7"
    assert _count(session) == 2
