"""A planner's report of a survey with a sparse age band: the band is
weighted together with its neighbour, the raking meets the merged margin,
the methods say what was merged in every format, and a dimension whose
bands all had to be merged drops out of the weighting."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from report_data import generate, load
from report_text import READ

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

AGE_MARGINS = {
    "district": {1: 6000, 2: 4000},
    "age": {1: 4000, 2: 4000, 3: 2000},
    "sex": {1: 4900, 2: 5100},
}


def _survey(app: Flask, tmp_path: Path, old: int) -> str:
    """The mini survey, everyone with a district, sex and age, and ``old``
    respondents of 65 or older (band 3)."""
    people = generate()
    for i, person in enumerate(people):
        person.values["wijk"] = person.values["wijk"] or 1
        person.values["geslacht"] = person.values["geslacht"] or 2
        person.values["leeftijd"] = 70 if i < old else 20 + i % 40
    return load(app, tmp_path, people)


def _report(app: Flask, key: str, **settings: Any) -> Any:
    from survey.analysis.report import ReportSettings, build_report
    from survey.extensions import db

    with app.test_request_context():
        return build_report(db.session, key, ReportSettings(margins=AGE_MARGINS, **settings))


def _text(app: Flask, report: Any, fmt: str) -> str:
    from survey.reporting.commands import render

    with app.test_request_context():
        return " ".join(READ[fmt](render(report, fmt)).split())


def test_a_sparse_age_band_is_weighted_with_its_neighbour_and_the_methods_say_so(
    app: Flask, tmp_path: Path
) -> None:
    key = _survey(app, tmp_path, old=15)
    report = _report(app, key)
    weighting = report.to_json()["weighting"]
    assert weighting["collapse_minimum"] == 20
    (merged,) = weighting["collapsed"]
    assert merged["dimension"] == "age" and merged["codes"] == [2, 3]
    assert merged["responses"][1] == 15 and not merged["suppressed"]
    young, middle, old = merged_rows = [m for m in weighting["margins"] if m["dimension"] == "age"]
    assert merged_rows[0]["code"] == 1
    # The merged band is raked to the sum of its populations; neither member
    # publishes a weighted share of its own.
    assert young["weighted_percent"] == pytest.approx(40.0, abs=0.01)
    assert middle["weighted_percent"] is None and old["weighted_percent"] is None
    assert report.weighting is not None and report.weighting.converged
    assert weighting["dropped_dimensions"] == []
    members = (
        f"{middle['label']}: {merged['responses'][0]} antwoorden + {old['label']}: 15 antwoorden"
    )
    line = f"leeftijdsgroep: {members}"
    for fmt in ("html", "pdf", "docx"):
        text = _text(app, report, fmt)
        assert "minder dan 20 volledige antwoorden" in text, fmt
        assert line in text, fmt


def test_with_collapsing_off_the_sparse_band_is_raked_alone(app: Flask, tmp_path: Path) -> None:
    key = _survey(app, tmp_path, old=15)
    weighting = _report(app, key, collapse_minimum=0).to_json()["weighting"]
    assert weighting["collapsed"] == []
    old = next(m for m in weighting["margins"] if m["dimension"] == "age" and m["code"] == 3)
    assert old["weighted_percent"] == pytest.approx(20.0, abs=0.01)
    assert "samengevoegd" not in _text(app, _report(app, key, collapse_minimum=0), "html")


def test_an_age_band_without_respondents_no_longer_stops_the_weighting(
    app: Flask, tmp_path: Path
) -> None:
    key = _survey(app, tmp_path, old=0)
    assert _report(app, key, collapse_minimum=0).weighting is None
    report = _report(app, key)
    assert report.weighting_problem is None and report.weighting is not None
    (merged,) = report.to_json()["weighting"]["collapsed"]
    assert merged["codes"] == [2, 3] and merged["responses"][1] == 0


def test_a_dimension_whose_bands_all_merge_drops_out_and_the_report_says_so(
    app: Flask, tmp_path: Path
) -> None:
    key = _survey(app, tmp_path, old=15)
    # Age is the only ordered dimension: a minimum of 100 merges all three
    # bands (the largest has fewer than 100); district and sex are nominal
    # and stay as they are without a declaration.
    report = _report(app, key, collapse_minimum=100)
    weighting = report.to_json()["weighting"]
    assert weighting["dropped_dimensions"] == ["age"]
    assert weighting["dimensions"] == ["district", "sex"]
    assert all(m["dimension"] != "age" for m in weighting["margins"])
    assert all(e["dimension"] != "age" for e in weighting["excluded"])
    assert "leeftijdsgroep wordt niet gebruikt voor de weging" in _text(app, report, "html")
    # Declared merges of district and sex too: nothing is left to weight on.
    everything = _report(
        app, key, collapse_minimum=1000, collapse_into={"district": {2: 1}, "sex": {2: 1}}
    )
    assert everything.weighting is None and everything.weighting_problem is not None
    assert everything.weighting_problem.kind == "all_dimensions_collapsed"


def test_the_command_line_sets_the_minimum_and_declared_merges(
    app: Flask, runner: Any, tmp_path: Path
) -> None:
    import json

    key = _survey(app, tmp_path, old=15)
    margins = tmp_path / "m.csv"
    margins.write_text(
        "dimension,code,population\n"
        + "".join(f"{d},{c},{p}\n" for d, codes in AGE_MARGINS.items() for c, p in codes.items())
    )
    out = tmp_path / "r.json"
    args = ["report", "build", key, "--out", str(out), "--margins", str(margins)]
    bad = runner.invoke(args=[*args, "--collapse-into", "sex3"])
    assert bad.exit_code == 2 and "DIMENSION:CODE=INTO" in bad.output and not out.exists()
    itself = runner.invoke(args=[*args, "--collapse-into", "sex:2=2"])
    assert itself.exit_code == 2 and "into itself" in itself.output and not out.exists()
    assert runner.invoke(args=args).exit_code == 0
    assert [g["codes"] for g in json.loads(out.read_text())["weighting"]["collapsed"]] == [[2, 3]]
    off = runner.invoke(args=[*args, "--collapse-minimum", "0", "--collapse-into", "district:2=1"])
    assert off.exit_code == 0, off.output
    weighting = json.loads(out.read_text())["weighting"]
    # Collapsing off: the sparse band stays; a declaration applies only below
    # the minimum, so district 2 stays too.
    assert weighting["collapsed"] == [] and weighting["collapse_minimum"] == 0
    declared = runner.invoke(
        args=[*args, "--collapse-minimum", "200", "--collapse-into", "district:2=1"]
    )
    assert declared.exit_code == 0, declared.output
    weighting = json.loads(out.read_text())["weighting"]
    assert (
        "district" in weighting["dropped_dimensions"] and "age" in weighting["dropped_dimensions"]
    )
    assert weighting["dimensions"] == ["sex"]
