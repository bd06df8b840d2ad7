"""Exports that let a statistician reproduce the report: the weight column
(the report's default raking) in CSV, XLSX and SAV, the SAV dictionary read
back with pyreadstat (measurement levels, formats, labels in the chosen
language, missing codes, documents), the XLSX codebook, valid SPSS names for
long ``key.row`` names, and ``mode`` and ``language`` kept through an
export -> import -> export round trip."""

from __future__ import annotations

import csv
import io
import random
from pathlib import Path
from typing import Any

import numpy as np
import openpyxl
import pyreadstat
import pytest
from flask import Flask
from report_data import MARGINS, generate, load, wilson

KEY = "mini-2026"


def store_margins(app: Flask, key: str = KEY) -> None:
    from survey.definitions.store import find_survey
    from survey.extensions import db
    from survey.models import PopulationMargin

    with app.app_context():
        survey = find_survey(db.session, key)
        for dimension, codes in MARGINS.items():
            for code, population in codes.items():
                db.session.add(
                    PopulationMargin(
                        consultation_id=survey.consultation_id,
                        dimension=dimension,
                        code=code,
                        population=population,
                    )
                )
        db.session.commit()


def export(app: Flask, fmt: str, path: Path, key: str = KEY, language: str | None = None) -> None:
    from survey.definitions.store import find_survey
    from survey.extensions import db
    from survey.planner.exports import write_export

    with app.app_context():
        write_export(db.session, find_survey(db.session, key), fmt, str(path), language)


def report(app: Flask, key: str = KEY) -> dict[str, Any]:
    from survey.analysis.report import ReportSettings, build_report
    from survey.extensions import db

    with app.app_context():
        return build_report(db.session, key, ReportSettings(crosstabs=False)).to_json()


def rake(codes: np.ndarray) -> np.ndarray:
    """Plain IPF to the MARGINS (district, sex), weights of mean 1."""
    w = np.ones(len(codes))
    for _sweep in range(5000):
        for d, margins in enumerate((MARGINS["district"], MARGINS["sex"])):
            total = sum(margins.values())
            for code, population in margins.items():
                rows = codes[:, d] == code
                w[rows] *= population / total * len(codes) / w[rows].sum()
    return w / w.mean()


@pytest.fixture
def mini(app: Flask, tmp_path: Path) -> list[Any]:
    people = generate(n=300, seed=5)
    load(app, tmp_path, people)
    store_margins(app)
    return people


def test_the_sav_export_reproduces_the_weighted_report(
    app: Flask, mini: list[Any], tmp_path: Path
) -> None:
    path = tmp_path / "mini.sav"
    export(app, "sav", path)
    frame, meta = pyreadstat.read_sav(str(path), user_missing=True)

    # the weight: the report's raking, independently recomputed
    complete = [p.values["wijk"] is not None and p.values["geslacht"] is not None for p in mini]
    codes = np.array(
        [(p.values["wijk"], p.values["geslacht"]) for p, c in zip(mini, complete, strict=True) if c]
    )
    expected = rake(codes)
    weights = frame["weight"].to_numpy()
    assert np.isnan(weights).sum() == complete.count(False)
    # Rows come in the order of random keys (no submission order): raking
    # gives every (district, sex) cell one weight, so each row is checked
    # against its cell's.
    by_cell = {(int(d), int(s)): w for (d, s), w in zip(codes, expected, strict=True)}
    rows = ~np.isnan(weights)
    cells = zip(frame["wijk"].to_numpy()[rows], frame["geslacht"].to_numpy()[rows], strict=True)
    assert np.allclose(weights[rows], [by_cell[(int(d), int(s))] for d, s in cells], rtol=1e-9)
    # and with it every weighted share of the report, from the file alone
    model = report(app)
    assert model["estimates"] == "weighted"
    compared = 0
    # every weighted table of one answer per respondent (the disclosure
    # audit may hide a whole small one)
    for table in model["questions"]:
        key = table["key"]
        if table["type"] not in ("single", "scale") or table["estimates"] != "weighted":
            continue
        valid = [o["code"] for o in table["options"] if not o.get("missing")]
        answers = frame[key].to_numpy()
        base = np.isin(answers, valid) & ~np.isnan(weights)
        neff = weights[base].sum() ** 2 / (weights[base] ** 2).sum()
        for option in table["options"]:
            if option["suppressed"] or option.get("missing"):
                continue
            p = weights[base & (answers == option["code"])].sum() / weights[base].sum()
            assert option["estimate"] == round(p * 100, 2)
            assert option["estimate_ci95"] == wilson(p * neff, neff)
            compared += 1
    assert compared >= 4

    # the dictionary: measurement levels, formats, labels, missing codes
    measure, types = meta.variable_measure, meta.original_variable_types
    assert measure["problemen.drugs"] == "ordinal" and types["problemen.drugs"] == "F1.0"
    assert measure["veilig"] == "ordinal" and types["veilig"] == "F1.0"
    assert measure["slachtoffer"] == "nominal" and types["slachtoffer"] == "F1.0"
    assert measure["wijk"] == "nominal" and measure["top.1"] == "nominal"
    assert measure["waar.1"] == "nominal" and types["waar.1"] == "F1.0"
    assert measure["leeftijd"] == "scale" and types["leeftijd"] == "F2.0"
    assert measure["weight"] == "scale" and types["weight"] == "F8.4"
    assert measure["opmerking"] == "nominal" and types["opmerking"].startswith("A")
    labels = meta.column_names_to_labels
    assert labels["problemen.drugs"] == "Hoe vaak? - Drugsoverlast"
    assert labels["top.2"] == "Wat eerst? (2)"
    assert labels["weight"] == "Gewicht (weging naar de bevolkingsmarges)"
    assert labels["mode"] == "Manier van antwoorden (web, paper, import)"
    assert meta.variable_value_labels["veilig"] == {
        1.0: "Nooit",
        2.0: "Soms",
        3.0: "Vaak",
        9.0: "Weet niet",
    }
    assert meta.variable_value_labels["waar.2"] == {0.0: "Niet gekozen", 1.0: "Gekozen"}
    assert meta.missing_ranges["veilig"] == [{"lo": 9.0, "hi": 9.0}]
    assert meta.file_label == "mini-2026 Mini-bevraging"
    documents = " ".join(meta.notes)
    assert "weight: Weegfactor" in documents and "1e-6" in documents
    assert "leeftijd: Groepen (age): 1 = 16-39; 2 = 40-64; 3 = 65+" in documents


def test_the_csv_and_xlsx_carry_the_same_weights_and_a_codebook(
    app: Flask, mini: list[Any], tmp_path: Path
) -> None:
    export(app, "csv", tmp_path / "mini.csv")
    export(app, "sav", tmp_path / "mini.sav")
    export(app, "xlsx", tmp_path / "mini.xlsx")
    text = (tmp_path / "mini.csv").read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0])[-2:] == ["mode", "weight"]
    frame, _meta = pyreadstat.read_sav(str(tmp_path / "mini.sav"))
    from_csv = np.array([float(r["weight"]) if r["weight"] else np.nan for r in rows])
    assert np.allclose(from_csv, frame["weight"].to_numpy(), equal_nan=True, rtol=1e-15)

    book = openpyxl.load_workbook(tmp_path / "mini.xlsx", read_only=True)
    assert book.sheetnames == ["responses", "codeboek"]
    data = list(book["responses"].iter_rows(values_only=True))
    assert data[0][-1] == "weight"
    assert [r[-1] for r in data[1:]] == [
        None if np.isnan(w) else pytest.approx(w) for w in from_csv
    ]
    codebook = list(book["codeboek"].iter_rows(values_only=True))
    assert codebook[0][:6] == (
        "Variabele",
        "Vraagtekst",
        "Type",
        "Meetniveau",
        "Codes en labels",
        "Ontbrekende codes",
    )
    entries = {r[0]: r for r in codebook[1:]}
    assert list(entries) == list(data[0])  # one row per column, in file order
    assert entries["veilig"][3] == "ordinaal"
    assert entries["veilig"][4] == "1 = Nooit; 2 = Soms; 3 = Vaak; 9 = Weet niet"
    assert entries["veilig"][5] == "9"
    assert entries["leeftijd"][3] == "schaal"
    assert "Weegfactor" in entries["weight"][7] and "WEIGHT BY" in entries["weight"][7]


def test_without_margins_there_is_no_weight_column(app: Flask, tmp_path: Path) -> None:
    load(app, tmp_path, generate(n=40, seed=2))
    export(app, "csv", tmp_path / "mini.csv")
    header = (tmp_path / "mini.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    assert header.split(",")[-1] == "mode"


def test_labels_come_in_the_chosen_language(
    app: Flask, resident_survey: str, tmp_path: Path
) -> None:
    from planner_helpers import random_values

    from survey.definitions.definition import definition_of
    from survey.definitions.store import find_survey
    from survey.extensions import db
    from survey.responses.checking import check_values
    from survey.responses.storage import ResponseWriter

    with app.app_context():
        survey = find_survey(db.session, resident_survey)
        definition = definition_of(survey)
        writer = ResponseWriter(db.session, survey)
        for seed in range(3):
            shown, kept, problems = check_values(
                definition, random_values(definition, random.Random(seed))
            )
            assert not problems
            writer.write(shown, kept, mode="web", language="fr")
        db.session.commit()
    path = tmp_path / "fr.sav"
    export(app, "sav", path, key=resident_survey, language="fr")
    _frame, meta = pyreadstat.read_sav(str(path))
    labels = meta.column_names_to_labels
    assert labels["geslacht"] == "Quel est votre sexe ?"
    assert meta.variable_value_labels["geslacht"][1.0] == "Homme"
    assert labels["language"] == "Langue de la réponse"
    assert meta.variable_value_labels["meer_inzet.1"] == {0.0: "Non choisi", 1.0: "Choisi"}


LONG = "a" * 40
ROWS = ["b" * 40, "b" * 39 + "c", "kort"]


def long_survey() -> str:
    rows = "\n".join(
        f'          - {{key: {row}, label: {{nl: "Rij {i}"}}}}' for i, row in enumerate(ROWS)
    )
    return f"""
format: 1
key: lang-2026
consultation: lang-consultatie
audience: citizen
access: open
languages: [nl]
title: {{nl: "Lange namen"}}
pages:
  - key: p
    title: {{nl: "Pagina"}}
    questions:
      - key: {LONG}
        type: matrix
        text: {{nl: "Hoe vaak?"}}
        options: [{{code: 1, label: {{nl: "Nooit"}}}}, {{code: 2, label: {{nl: "Vaak"}}}}]
        rows:
{rows}
      - key: "1e_vraag"
        type: single
        text: {{nl: "Begint met een cijfer"}}
        options: [{{code: 1, label: {{nl: "Ja"}}}}]
      - key: "by"
        type: single
        text: {{nl: "Een woord dat SPSS reserveert"}}
        options: [{{code: 1, label: {{nl: "Ja"}}}}]
"""


def test_long_matrix_names_get_valid_spss_names(
    app: Flask, runner: Any, client: Any, tmp_path: Path
) -> None:
    """A matrix whose key.row is longer than SPSS's 64 bytes (81 here) used
    to crash the SAV export (SavError: a traceback on the command line, a 500
    on the web): now it gets a short valid name, its long name opening the
    variable label."""
    from planner_helpers import logged_in

    from survey.definitions.definition import definition_of
    from survey.definitions.lifecycle import open_survey
    from survey.definitions.loader import load_definition
    from survey.definitions.store import import_survey
    from survey.extensions import db
    from survey.responses.checking import check_values
    from survey.responses.storage import ResponseWriter

    with app.app_context():
        survey = import_survey(db.session, load_definition(long_survey().encode())).survey
        open_survey(db.session, survey.key)
        definition = definition_of(survey)
        values = {LONG: {row: 1 + i % 2 for i, row in enumerate(ROWS)}, "1e_vraag": 1, "by": 1}
        shown, kept, problems = check_values(definition, values)
        assert not problems, problems
        ResponseWriter(db.session, survey).write(shown, kept, mode="web")
        db.session.commit()

    out = tmp_path / "lang.sav"
    result = runner.invoke(args=["responses", "export", "lang-2026", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    frame, meta = pyreadstat.read_sav(str(out))
    names = list(meta.column_names)
    long_names = [f"{LONG}.{row}" for row in ROWS[:2]]
    assert not set(long_names) & set(names)
    labels = meta.column_names_to_labels
    found = {}
    for name in names:
        assert len(name.encode()) <= 64 and name[0].isalpha(), name
        for long_name in long_names:
            if labels[name].startswith(f"{long_name}: "):
                found[long_name] = name
    assert set(found) == set(long_names)
    assert len(set(found.values())) == 2  # the same first 57 bytes, two names
    assert labels[found[long_names[0]]] == f"{long_names[0]}: Hoe vaak? - Rij 0"
    assert frame[found[long_names[0]]].iloc[0] == 1 and frame[found[long_names[1]]].iloc[0] == 2
    assert f"{LONG}.kort" in names  # a valid name stays as it is
    assert "v1e_vraag" in names and "v_by" in names
    # the CSV keeps the full names (an import reads them)
    csv_out = tmp_path / "lang.csv"
    assert (
        runner.invoke(args=["responses", "export", "lang-2026", "--out", str(csv_out)]).exit_code
        == 0
    )
    header = csv_out.read_text(encoding="utf-8-sig").splitlines()[0].split(",")
    assert long_names[0] in header and "1e_vraag" in header
    # and the web export answers, no 500
    logged_in(app, client, "planner")
    response = client.get("/planner/bevragingen/lang-2026/antwoorden.sav")
    assert response.status_code == 200 and len(response.data) > 100


def test_mode_and_language_survive_export_import_export(
    app: Flask, runner: Any, resident_survey: str, tmp_path: Path
) -> None:
    from planner_helpers import random_values

    from survey.definitions.definition import definition_of
    from survey.definitions.store import find_survey
    from survey.extensions import db
    from survey.responses.checking import check_values
    from survey.responses.storage import ResponseWriter

    plan = [("web", "nl"), ("paper", "fr"), ("import", "en"), ("web", "fr"), ("paper", "nl")]
    with app.app_context():
        survey = find_survey(db.session, resident_survey)
        definition = definition_of(survey)
        writer = ResponseWriter(db.session, survey)
        for seed, (mode, language) in enumerate(plan):
            shown, kept, problems = check_values(
                definition, random_values(definition, random.Random(seed))
            )
            assert not problems
            writer.write(shown, kept, mode=mode, language=language)
        db.session.commit()
    first = tmp_path / "eerste.csv"
    assert (
        runner.invoke(args=["responses", "export", resident_survey, "--out", str(first)]).exit_code
        == 0
    )

    # a copy of the survey, with another key, takes the file back
    definition_file = tmp_path / "kopie.yaml"
    result = runner.invoke(
        args=["surveys", "export", resident_survey, "--out", str(definition_file)]
    )
    assert result.exit_code == 0, result.output
    definition_file.write_text(
        definition_file.read_text(encoding="utf-8").replace(
            f"key: {resident_survey}", "key: kopie-2026", 1
        ),
        encoding="utf-8",
    )
    for args in (["surveys", "import", str(definition_file)], ["surveys", "open", "kopie-2026"]):
        result = runner.invoke(args=args)
        assert result.exit_code == 0, result.output
    result = runner.invoke(args=["responses", "import", "kopie-2026", str(first)])
    assert result.exit_code == 0, result.output
    second = tmp_path / "tweede.csv"
    assert (
        runner.invoke(args=["responses", "export", "kopie-2026", "--out", str(second)]).exit_code
        == 0
    )

    def rows(path: Path) -> list[dict[str, str]]:
        return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))

    def content(found: list[dict[str, str]]) -> list[list[tuple[str, str]]]:
        """The rows without their ids, as a sorted list: rows come in the
        order of random keys, never of submission."""
        return sorted(sorted((k, v) for k, v in r.items() if k != "response_id") for r in found)

    before, after = rows(first), rows(second)
    assert sorted((r["mode"], r["language"]) for r in after) == sorted(plan)
    assert sorted((r["mode"], r["language"]) for r in before) == sorted(plan)
    assert content(before) == content(after)


def test_an_unknown_mode_is_an_error_of_its_row(app: Flask, resident_survey: str) -> None:
    from survey.definitions.store import find_survey
    from survey.extensions import db
    from survey.models import Response
    from survey.responses.csv_import import ResponseImportRefused, import_responses

    data = b"problemen.drugsoverlast,mode\n1,web\n2,fax\n"
    with app.app_context():
        survey = find_survey(db.session, resident_survey)
        with pytest.raises(ResponseImportRefused) as refused:
            import_responses(db.session, survey, data)
        db.session.rollback()
        assert any("Rij 3, kolom mode" in e and "fax" in e for e in refused.value.report.errors)
        assert db.session.query(Response).count() == 0
