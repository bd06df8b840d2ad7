"""The methods section of the input report says how the fieldwork went, from
the platform's own tables: the sample drawn from the register, the letter
waves, the codes used, the response rate overall and per stratum, the days
of the fieldwork, the survey version, and the margins' source as the
planner entered it on the margins page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask
from formtools import Page
from planner_helpers import logged_in
from resident_flow import answer_all, submit

from bench.framegen import frame_csv, frame_rows
from survey.reporting.methods import fieldwork_sentences

CONSULTATION = "zvp-2026-2031"


def _use_code(client: Any, letters_csv: Path) -> None:
    """One resident answers with the code of the first letter."""
    import csv

    with letters_csv.open(encoding="utf-8") as handle:
        (row, *_rest) = list(csv.DictReader(handle))
    form_page = Page(client.get(f"/s/burgers-2026/code?code={row['code']}"))
    response = form_page.form().submit(client)
    assert response.status_code == 302, Page(response).text[:500]
    submit(client, answer_all(client, client.get(response.location)))


def test_the_methods_say_how_the_sample_was_drawn_and_who_answered(
    app: Flask, client: Any, runner: Any, resident_survey: str, tmp_path: Path
) -> None:
    frame = tmp_path / "register.csv"
    frame.write_bytes(frame_csv(frame_rows(600)))
    assert runner.invoke(args=["frame", "import", CONSULTATION, str(frame)]).exit_code == 0
    drawn = runner.invoke(
        args=["sample", "draw", resident_survey, "--strata", "district", "--size", "60"]
    )
    assert drawn.exit_code == 0, drawn.output
    letters = tmp_path / "letters.pdf"
    printed = runner.invoke(args=["letters", "print", resident_survey, "--out", str(letters)])
    assert printed.exit_code == 0, printed.output
    recipients = tmp_path / "wave1.csv"
    listed = runner.invoke(
        args=["letters", "csv", resident_survey, "--wave", "1", "--out", str(recipients)]
    )
    assert listed.exit_code == 0, listed.output
    _use_code(client, recipients)

    # The planner enters the margins' source once, on the margins page.
    planner = logged_in(app, app.test_client(), role="planner")
    page = Page(planner.get(f"/planner/raadplegingen/{CONSULTATION}/marges"))
    index = next(i for i, f in enumerate(page.forms) if f.action.endswith("/marges/bron"))
    form = page.form(index)
    form.fields["margins_source"].value = "Statbel, bevolking per deelgemeente"
    form.fields["margins_date"].value = "2026-01-01"
    saved = form.submit(planner)
    assert saved.status_code == 302
    assert "De bron van de marges is bewaard." in Page(planner.get(saved.location)).text

    # The fieldwork facts the report publishes (built without the rest of
    # the report: with one response the disclosure audit would hide, and
    # linear-program, every cell for minutes).
    from flask_babel import force_locale

    from survey.analysis.aggregates import fieldwork_facts
    from survey.extensions import db
    from survey.planner.surveys import get_consultation

    with app.test_request_context():
        consultation = get_consultation(db.session, CONSULTATION)
        assert consultation is not None
        facts = fieldwork_facts(db.session, resident_survey, consultation, 10, "nl")
        fieldwork = facts.to_json()
        words = fieldwork_sentences(
            {"fieldwork": fieldwork, "suppression_threshold": 10, "language": "nl"}
        )
        # A French report quotes the source entered in Dutch only, and says so.
        with force_locale("fr"):
            in_french = fieldwork_facts(db.session, resident_survey, consultation, 10, "fr")
            french = fieldwork_sentences(
                {"fieldwork": in_french.to_json(), "suppression_threshold": 10, "language": "fr"}
            )
    assert fieldwork["sample"]["drawn"] == 60
    assert fieldwork["sample"]["frame_people"] == 600
    assert [w["wave"] for w in fieldwork["waves"]] == [1]
    assert fieldwork["waves"][0]["letters"] == 60
    assert fieldwork["codes_used"] == 1
    assert fieldwork["response_rate"] == round(100 / 60, 1)
    # One person in a stratum is a small number: hidden with its rate; and
    # the strata add up to the one code used, so the others are hidden too
    # (one hidden stratum would be the codes used less the published zeros).
    strata = fieldwork["sample"]["strata"]
    assert len(strata) > 1
    assert sum(s["drawn"] for s in strata) == 60
    assert all(s["used"] is None and s["rate"] is None for s in strata)
    assert fieldwork["margins_source"] == "Statbel, bevolking per deelgemeente"
    assert fieldwork["margins_date"] == "2026-01-01"
    assert fieldwork["versions_answered"] == [1]

    # What the methods section says, in Dutch.
    assert "gestratificeerde aselecte steekproef van 60 personen" in words["sample"]
    assert "uittreksel van het register met 600 personen" in words["sample"]
    assert "1 van de 60 getrokken personen antwoordden met hun code" in words["rate"]
    assert "responsgraad van 1,7 %" in words["rate"]
    assert words["version"] == "Alle antwoorden werden gegeven op versie 1 van de vragenlijst."
    assert (
        "Statbel, bevolking per deelgemeente (referentiedatum 1 januari 2026)" in (words["margins"])
    )
    assert all(s["rate"] is None for s in words["strata"])
    assert in_french.margins_source_language == "nl"
    assert french["margins"] == (
        "Source des marges de population : Statbel, bevolking per deelgemeente (date de "
        "référence 1 janvier 2026). Non traduit : saisi uniquement en néerlandais."
    )
