"""Exporting responses: the contract layout, formula injection neutralised in
the CSV's text cells only (the XLSX keeps texts as typed, as string cells),
XLSX and SAV with labels, and the command line."""

from __future__ import annotations

import csv
import io

import openpyxl
import pyreadstat
import pytest
from planner_helpers import response_csv

KEY = "burgers-2026"


def _store(session, values_list, mode="web"):
    from survey.definitions.definition import definition_of
    from survey.definitions.store import find_survey
    from survey.responses.checking import check_values
    from survey.responses.storage import ResponseWriter

    survey = find_survey(session, KEY)
    definition = definition_of(survey)
    writer = ResponseWriter(session, survey)
    for values in values_list:
        shown, kept, problems = check_values(definition, values)
        assert not problems, problems
        writer.write(shown, kept, mode=mode)
    session.commit()
    return survey


def _base_values(session):
    import random

    from planner_helpers import random_values

    from survey.definitions.definition import definition_of
    from survey.definitions.store import find_survey

    definition = definition_of(find_survey(session, KEY))
    values = random_values(definition, random.Random(1))
    values["slachtoffer12"] = {k: 2 for k in values["slachtoffer12"]}
    for key in list(values):
        if key.startswith(("aangifte_", "waarom_niet")):
            del values[key]
    return values


def _csv(session, survey):
    from survey.responses.csv_export import iter_csv

    text = b"".join(iter_csv(session, survey)).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))


def test_csv_layout_and_values(resident_survey, session):
    values = _base_values(session)
    values["meer_inzet"] = [1, 3]
    values["top3"] = [4, 2, 7]
    values["leeftijd"] = 58
    values["opmerkingen"] = "Veel inbraken in de Kerkstraat"
    survey = _store(session, [values])
    from survey.responses.csv_export import layout_of

    rows = _csv(session, survey)
    assert len(rows) == 1
    row = rows[0]
    assert list(row) == layout_of(survey).columns
    assert list(row)[:2] == ["response_id", "language"] and list(row)[-1] == "mode"
    assert len(row["response_id"]) == 24 and row["language"] == "nl" and row["mode"] == "web"
    assert row["meer_inzet.1"] == "1" and row["meer_inzet.2"] == "0" and row["meer_inzet.3"] == "1"
    assert [row["top3.1"], row["top3.2"], row["top3.3"]] == ["4", "2", "7"]
    assert row["leeftijd"] == "58"
    assert row["opmerkingen"] == "Veel inbraken in de Kerkstraat"
    # Not shown: empty cells.
    assert row["aangifte_inbraak"] == ""


@pytest.mark.parametrize("text", ["=1+2", "+32 470", "-5", "@SUM(A1)"])
def test_formula_injection_is_neutralised_in_text_cells_only(resident_survey, session, text):
    values = _base_values(session)
    values["opmerkingen"] = text
    values["leeftijd"] = 58
    survey = _store(session, [values])
    from survey.responses.csv_export import iter_records, layout_of, record_row

    # The record holds the text as typed; the CSV writer neutralises it.
    record = next(iter_records(session, survey))
    row = dict(zip(layout_of(survey).columns, record_row(layout_of(survey), record), strict=True))
    assert row["opmerkingen"] == text
    assert isinstance(row["leeftijd"], int)
    exported = _csv(session, survey)[0]
    assert exported["opmerkingen"] == "'" + text
    assert exported["leeftijd"] == "58"  # numbers untouched


def test_round_trip_through_import(resident_survey, session):
    """An export re-imports: imported again, every row is found by its
    response_id (skipped, never doubled); imported to replace, the same
    answers in the same layout under the same ids."""
    from survey.definitions.definition import definition_of
    from survey.definitions.store import find_survey
    from survey.responses.csv_import import import_responses

    survey = find_survey(session, KEY)
    data = response_csv(definition_of(survey), 30, seed=11)
    import_responses(session, survey, data)
    session.commit()
    first = _csv(session, survey)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(first[0]))
    writer.writeheader()
    writer.writerows(first)
    report = import_responses(session, survey, buffer.getvalue().encode())
    session.commit()
    assert report.stored == 0 and len(report.skipped) == 30 and not report.warnings
    report = import_responses(session, survey, buffer.getvalue().encode(), on_duplicate="replace")
    session.commit()
    assert report.replaced == 30 and not report.warnings
    # A neutralised text ("'=1+2") comes back as the same text.
    assert _csv(session, survey) == first


def test_xlsx_and_sav_reopen_with_labels(resident_survey, session, tmp_path):
    from survey.responses.sav_export import write_sav
    from survey.responses.xlsx_export import write_xlsx

    values = _base_values(session)
    values["opmerkingen"] = "=cmd|' /C calc'!A0"
    values["geslacht"] = 1
    survey = _store(session, [values, _base_values(session)], mode="paper")
    xlsx = tmp_path / "out.xlsx"
    assert write_xlsx(session, survey, str(xlsx)) == 2
    book = openpyxl.load_workbook(xlsx)
    rows = list(book.active.iter_rows(values_only=True))
    header = rows[0]
    assert header[0] == "response_id" and header[-1] == "mode"
    # Rows in random order: the one with the formula-like text.
    first = next(
        dict(zip(header, row, strict=True))
        for row in rows[1:]
        if str(row[header.index("opmerkingen")] or "").startswith("=cmd")
    )
    assert first["opmerkingen"] == "=cmd|' /C calc'!A0"  # a string cell, as typed
    assert first["geslacht"] == 1
    assert all(
        book.active.cell(row=r, column=header.index("opmerkingen") + 1).data_type == "s"
        for r in (2, 3)
        if book.active.cell(row=r, column=header.index("opmerkingen") + 1).value
    )

    sav = tmp_path / "out.sav"
    assert write_sav(session, survey, str(sav)) == 2
    frame, meta = pyreadstat.read_sav(str(sav), user_missing=True)
    assert list(frame.columns) == list(header)
    labels = dict(zip(meta.column_names, meta.column_labels, strict=True))
    assert "Drugsoverlast" in labels["problemen.drugsoverlast"] or labels["problemen.drugsoverlast"]
    assert meta.variable_value_labels["geslacht"][1.0]
    assert meta.variable_value_labels["meer_inzet.1"] == {0.0: "Niet gekozen", 1.0: "Gekozen"}
    missing_codes = {r["lo"] for ranges in meta.missing_ranges.values() for r in ranges}
    assert missing_codes
    assert 1 in set(frame["geslacht"])
    assert set(frame["mode"]) == {"paper"}
    labelled, _ = pyreadstat.read_sav(str(sav), apply_value_formats=True)
    assert any(isinstance(v, str) for v in labelled["geslacht"])


def test_export_streams_in_batches(resident_survey, session):
    """Records come from one streamed query: a small yield_per gives the
    same result as a large one."""
    from survey.definitions.definition import definition_of
    from survey.definitions.store import find_survey
    from survey.responses.csv_export import iter_records
    from survey.responses.csv_import import import_responses

    survey = find_survey(session, KEY)
    import_responses(session, survey, response_csv(definition_of(survey), 25, seed=12))
    session.commit()
    small = [r.cells for r in iter_records(session, survey, yield_per=7)]
    large = [r.cells for r in iter_records(session, survey, yield_per=5000)]
    assert len(small) == 25 and small == large


@pytest.mark.parametrize("ext", ["csv", "xlsx", "sav"])
def test_export_command(app, runner, resident_survey, tmp_path, ext):
    from survey.extensions import db

    with app.app_context():
        _store(db.session, [_base_values(db.session)])
    out = tmp_path / f"antwoorden.{ext}"
    result = runner.invoke(args=["responses", "export", KEY, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.stat().st_size > 100
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]
    bad = runner.invoke(args=["responses", "export", KEY, "--out", str(tmp_path / "x.pdf")])
    assert bad.exit_code != 0


def test_csv_export_memory_stays_flat(resident_survey, session):
    """Peak memory while streaming the CSV does not grow with the number
    of responses (the answers are read in yield_per batches)."""
    import tracemalloc

    from survey.definitions.definition import definition_of
    from survey.definitions.store import find_survey
    from survey.responses.csv_export import iter_csv
    from survey.responses.csv_import import import_responses

    survey = find_survey(session, KEY)
    definition = definition_of(survey)

    def peak() -> int:
        tracemalloc.start()
        size = 0
        for chunk in iter_csv(session, survey):
            size += len(chunk)
        _, top = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert size > 0
        return top

    import_responses(session, survey, response_csv(definition, 300, seed=30))
    session.commit()
    small = peak()
    import_responses(session, survey, response_csv(definition, 2700, seed=31))
    session.commit()
    large = peak()
    assert large < small * 2, (small, large)
