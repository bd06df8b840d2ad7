"""A planner's weighting choices for a consultation, on the margins page:
the collapsing minimum, a group weighted with another one chosen by its
label, and the unanswered weighted on the other characteristics. Every
report of the consultation (page, downloads, ``report build``) weights with
them; the command line's options override them; bad choices are refused
in Dutch and store nothing; only planners may change them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from formtools import Page
from planner_helpers import load_demo_residents, logged_in

KEY = "burgers-2026"
CONSULTATION = "zvp-2026-2031"
MARGINS_URL = f"/planner/raadplegingen/{CONSULTATION}/marges"
CHOICES_URL = f"{MARGINS_URL}/weging"
REPORT_URL = f"/planner/rapporten/{KEY}"
MINIMUM_REFUSED = (
    "Vul een geheel getal van 0 tot en met 1000 in als minimum aantal antwoorden per groep."
)


@pytest.fixture
def demo(app: Flask) -> str:
    """The demo consultation: 200 residents, a few of them of sex "Anders"
    (code 3), which the margins (Statbel's two sexes) lack."""
    return load_demo_residents(app, 200)


def choices_form(page: Page) -> Any:
    index = next(i for i, form in enumerate(page.forms) if "minimum" in form.fields)
    return page.form(index)


def choose(form: Any, name: str, value: str) -> Any:
    """Set a field, or post a value its list does not offer (a hand-made post)."""
    field = form.fields[name]
    if field.kind != "select" or value in field.options:
        return form.set(name, value)
    del form.fields[name]
    return form.force(name, value)


def report_json(client: Any) -> dict[str, Any]:
    response = client.get(f"{REPORT_URL}/inputrapport.json?crosstabs=off")
    assert response.status_code == 200
    return dict(json.loads(response.data))


def sex_merges(report: dict[str, Any]) -> list[list[int]]:
    return [g["codes"] for g in report["weighting"]["collapsed"] if g["dimension"] == "sex"]


def stored(app: Flask) -> Any:
    from sqlalchemy import select

    from survey.extensions import db
    from survey.models import Consultation

    with app.app_context():
        return db.session.scalar(
            select(Consultation.weighting).where(Consultation.key == CONSULTATION)
        )


def test_a_planner_weights_a_group_the_margins_lack_with_another_one_chosen_by_label(
    app: Flask, client: Any, demo: str, tmp_path: Path
) -> None:
    logged_in(app, client, "planner")
    page = Page(client.get(MARGINS_URL))
    assert "Keuzes voor de weging" in page.text
    # The groups are listed with their labels; the one the margins lack says so.
    assert "geslacht: Anders (code 3)" in page.text
    assert "niet in de marges" in page.text
    before = report_json(client)
    assert sex_merges(before) == []
    assert ("sex", 3) in {(e["dimension"], e["code"]) for e in before["weighting"]["excluded"]}
    text = " ".join(Page(client.get(f"{REPORT_URL}?crosstabs=off")).text.split())
    assert "geslacht: Vrouw + Anders" not in text

    form = choices_form(page)
    form.set("merges-0-group", "sex:3").set("merges-0-into", "sex:2")
    response = form.submit(client)
    assert response.status_code == 302, Page(response).text[:2000]
    saved = Page(client.get(response.location))
    assert "De keuzes voor de weging zijn bewaard." in saved.text
    again = choices_form(saved)
    assert again.fields["merges-0-group"].selected == ["sex:3"]
    assert again.fields["merges-0-into"].selected == ["sex:2"]
    assert again.fields["minimum"].value == "20"

    # The report page and its JSON weight Anders with Vrouw, and say so.
    after = report_json(client)
    assert sex_merges(after) == [[2, 3]]
    (anders,) = [g for g in after["weighting"]["collapsed"] if g["dimension"] == "sex"]
    assert anders["lacking"] == [3]
    assert ("sex", 3) not in {(e["dimension"], e["code"]) for e in after["weighting"]["excluded"]}
    text = " ".join(Page(client.get(f"{REPORT_URL}?crosstabs=off")).text.split())
    assert "Samen gewogen:" in text
    assert "geslacht: Vrouw + Anders (niet in de marges)" in text

    # The command line's report is the same without options, and its options
    # override the stored choice for that report only.
    out = tmp_path / "r.json"
    runner = app.test_cli_runner()
    result = runner.invoke(args=["report", "build", KEY, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert sex_merges(json.loads(out.read_text())) == [[2, 3]]
    result = runner.invoke(
        args=["report", "build", KEY, "--out", str(out), "--collapse-into", "sex:3=1"]
    )
    assert result.exit_code == 0, result.output
    assert sex_merges(json.loads(out.read_text())) == [[1, 3]]
    assert sex_merges(report_json(client)) == [[2, 3]]


def test_the_unanswered_and_the_minimum_are_stored_and_the_command_line_overrides_them(
    app: Flask, client: Any, demo: str, tmp_path: Path
) -> None:
    logged_in(app, client, "planner")
    form = choices_form(Page(client.get(MARGINS_URL)))
    form.set("minimum", "0").set("unanswered", "y")
    assert form.submit(client).status_code == 302
    assert stored(app) == {"minimum": 0, "into": {}, "unanswered": True}
    weighting = report_json(client)["weighting"]
    assert weighting["collapse_minimum"] == 0
    assert "sex" in weighting["unanswered_weighted"]

    out = tmp_path / "r.json"
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=[
            "report",
            "build",
            KEY,
            "--out",
            str(out),
            "--no-weight-unanswered",
            "--collapse-minimum",
            "25",
        ]
    )
    assert result.exit_code == 0, result.output
    weighting = json.loads(out.read_text())["weighting"]
    assert weighting["unanswered_weighted"] == [] and weighting["collapse_minimum"] == 25


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"minimum": "veel"},
            MINIMUM_REFUSED,
        ),
        (
            {"minimum": "1001"},
            MINIMUM_REFUSED,
        ),
        (
            {"merges-0-group": "sex:2", "merges-0-into": "sex:2"},
            "geslacht: Vrouw (code 2) kan niet met zichzelf samen gewogen worden.",
        ),
        (
            {"merges-0-group": "sex:2", "merges-0-into": "district:1"},
            "geslacht: Vrouw (code 2) kan alleen samen gewogen worden met een groep van "
            "hetzelfde kenmerk.",
        ),
        (
            {"merges-0-group": "sex:2"},
            "Kies uit de lijst de groep waarmee ze samen gewogen wordt.",
        ),
        (
            {"merges-0-group": "sex:9", "merges-0-into": "sex:1"},
            "Kies een groep uit de lijst.",
        ),
        (
            {
                "merges-0-group": "sex:3",
                "merges-0-into": "sex:1",
                "merges-1-group": "sex:3",
                "merges-1-into": "sex:2",
            },
            "geslacht: Anders (code 3) is twee keer gekozen: weeg elke groep samen met één "
            "andere groep.",
        ),
    ],
)
def test_bad_weighting_choices_are_refused_in_dutch_and_store_nothing(
    app: Flask, client: Any, demo: str, fields: dict[str, str], message: str
) -> None:
    logged_in(app, client, "planner")
    form = choices_form(Page(client.get(MARGINS_URL)))
    # A valid merge beside the bad field: nothing at all is stored.
    form.set("minimum", "30")
    for name, value in fields.items():
        choose(form, name, value)
    response = form.submit(client)
    assert response.status_code == 422
    refused = Page(response)
    assert message in " ".join(refused.text.split())
    assert "Er is een probleem" in refused.text
    assert stored(app) is None


def test_a_target_the_margins_lack_and_an_age_band_are_refused(
    app: Flask, client: Any, demo: str
) -> None:
    """The lists offer neither; a hand-made post is refused all the same."""
    logged_in(app, client, "planner")
    page = Page(client.get(MARGINS_URL))
    options = page.html.split('id="weighting-merges-0-into"', 1)[1].split("</select>", 1)[0]
    assert 'value="sex:3"' not in options and 'value="sex:2"' in options
    form = choose(choose(choices_form(page), "merges-0-group", "sex:2"), "merges-0-into", "sex:3")
    response = form.submit(client)
    assert response.status_code == 422
    assert (
        "geslacht: Anders (code 3) staat niet in de bevolkingsmarges: kies een groep die er "
        "wel in staat." in " ".join(Page(response).text.split())
    )
    form = choose(choose(choices_form(page), "merges-0-group", "age:1"), "merges-0-into", "age:2")
    response = form.submit(client)
    assert response.status_code == 422
    assert "De groepen van leeftijdsgroep hebben een volgorde" in Page(response).text
    assert stored(app) is None


def test_only_planners_change_the_weighting_choices(app: Flask, client: Any, demo: str) -> None:
    logged_in(app, client, "planner")
    form = choices_form(Page(client.get(MARGINS_URL))).set("minimum", "30")
    viewer = logged_in(app, app.test_client(), "viewer")
    assert viewer.get(MARGINS_URL).status_code == 403
    assert form.submit(viewer).status_code in (400, 403)
    # Anonymous: to the login page.
    anonymous = form.submit(app.test_client())
    assert anonymous.status_code in (302, 400, 401, 403)
    assert stored(app) is None


def test_a_pdf_made_before_the_choices_changed_is_not_offered_after(
    app: Flask, client: Any, demo: str
) -> None:
    """The PDF is made in the background and kept: once a planner saves
    other weighting choices, the PDF page offers to make it again instead
    of the file weighted the old way."""
    from survey.reporting import pdf_jobs

    logged_in(app, client, "planner")
    with app.test_request_context(REPORT_URL):
        query = {"threshold": "10", "weighting": "on", "crosstabs": "on"}
        identifier = pdf_jobs.job_id(KEY, query, "nl")
        folder = pdf_jobs.jobs_dir()
    # A PDF made with the choices as they were (none saved).
    (folder / "inputrapport-oud.pdf").write_bytes(b"%PDF-1.7 old")
    job = pdf_jobs.PdfJob(identifier, KEY, query, "nl", state="done")
    job.filename, job.download_name = "inputrapport-oud.pdf", "inputrapport.pdf"
    (folder / f"job-{identifier}.json").write_text(json.dumps(job.__dict__), encoding="utf-8")
    assert f"{identifier}.pdf" in Page(client.get(f"{REPORT_URL}/pdf")).html

    form = choices_form(Page(client.get(MARGINS_URL))).set("minimum", "30")
    assert form.submit(client).status_code == 302
    page = Page(client.get(f"{REPORT_URL}/pdf"))
    assert f"{identifier}.pdf" not in page.html
    assert any(f.action.split("?")[0].endswith("/pdf") for f in page.forms if f.method == "post")
