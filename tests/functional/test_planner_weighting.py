"""What planners decide about the weighted report, on screen: the weights of
the priority matrix (recorded in the report, with the share of each source),
margins whose totals disagree (a warning on the margins page and in the
report), respondents the margins cannot place (listed, never a weight of 0),
and the free-text tags a planner corrects (the report counts them); the raw
exports in the chosen language with the report's weights and a codebook."""

from __future__ import annotations

import json
from typing import Any

import pytest
from flask import Flask
from formtools import Page
from planner_helpers import load_demo_residents, logged_in, submit_file
from report_data import MINI_SURVEY

KEY = "burgers-2026"
CONSULTATION = "zvp-2026-2031"
MATRIX_URL = f"/planner/raadplegingen/{CONSULTATION}/matrix"


@pytest.fixture
def demo(app: Flask) -> str:
    return load_demo_residents(app, 300)


def report_json(client: Any) -> dict[str, Any]:
    response = client.get(f"/planner/rapporten/{KEY}/inputrapport.json?crosstabs=off")
    assert response.status_code == 200
    return dict(json.loads(response.data))


def form_with(page: Page, field: str) -> Any:
    index = next(i for i, form in enumerate(page.forms) if field in form.fields)
    return page.form(index)


def test_a_planner_sets_the_matrix_weights_and_the_report_records_them(
    app: Flask, client: Any, demo: str
) -> None:
    logged_in(app, client, "planner")
    consultation = Page(client.get(f"/planner/raadplegingen/{CONSULTATION}"))
    assert MATRIX_URL in consultation.html
    assert "De matrix gebruikt de standaardgewichten." in consultation.text
    page = Page(client.get(MATRIX_URL))
    assert "inwoners 50 %, partners 20 %, geregistreerde feiten 30 %" in page.text

    # bad input: a Dutch message per field, nothing stored
    response = form_with(page, "concern").set("concern", "veel").submit(client)
    assert response.status_code == 422
    refused = Page(response)
    assert "Vul voor bezorgdheid (%) een gewicht van 0 tot 100 in." in refused.text
    form = form_with(refused, "concern")
    for name in (
        "concern",
        "priority",
        "importance",
        "partner_priority",
        "victimisation",
        "facts",
        "trend",
    ):
        form.set(name, "0")
    response = form.submit(client)
    assert response.status_code == 422
    assert "Geef minstens één indicator een gewicht boven 0." in Page(response).text

    # residents count four times as much as the registered facts; partners not
    form = form_with(Page(client.get(MATRIX_URL)), "concern")
    for name, value in {
        "concern": "3",
        "priority": "1,5",
        "importance": "0",
        "partner_priority": "0",
        "victimisation": "0",
        "facts": "1",
        "trend": "",
    }.items():
        form.set(name, value)
    response = form.submit(client)
    assert response.status_code == 302
    saved = Page(client.get(MATRIX_URL))
    assert "inwoners 82 %, partners 0 %, geregistreerde feiten 18 %" in saved.text

    method = report_json(client)["priority_method"]
    assert method["weights"] == {"concern": 3.0, "priority": 1.5, "facts": 1.0}
    assert method["weights_source"] == "consultation"
    sources = {s["source"]: s for s in method["sources"]}
    assert sources["residents"]["weight_share"] == pytest.approx(4.5 / 5.5, abs=1e-4)
    assert sources["partners"]["weight_share"] == 0 and sources["partners"]["people"] == 6
    assert sources["residents"]["people"] == 300
    assert {c["indicator"] for c in method["sensitivity"]["changes"]} <= {
        "concern",
        "priority",
        "facts",
    }
    html = client.get(f"/planner/rapporten/{KEY}?crosstabs=off").get_data(as_text=True)
    assert "Aandeel van elke bron in de score: inwoners (300 antwoorden) 82 %" in html

    # back to the defaults
    response = form_with(Page(client.get(MATRIX_URL)), "reset").submit(client)
    assert response.status_code == 302
    assert report_json(client)["priority_method"]["weights_source"] == "default"


def test_margins_whose_totals_disagree_are_warned_about(app: Flask, client: Any, demo: str) -> None:
    logged_in(app, client, "planner")
    url = f"/planner/raadplegingen/{CONSULTATION}/marges"
    # the sex margins describe a population a tenth smaller than the districts'
    margins = b"dimension,code,population\nsex,1,18000\nsex,2,18800\n"
    response = submit_file(client, Page(client.get(url)), margins, "marges.csv")
    assert response.status_code == 302
    page = Page(client.get(url))
    assert "tellen per kenmerk op tot verschillende totalen" in page.text
    assert "deelgemeente 40.900" in page.text and "geslacht 36.800" in page.text
    weighting = report_json(client)["weighting"]
    assert weighting["margin_totals"] == {"age": 40900, "district": 40900, "sex": 36800}
    (warning,) = weighting["warnings"]
    assert warning["kind"] == "margin_totals_differ"
    html = client.get(f"/planner/rapporten/{KEY}?crosstabs=off").get_data(as_text=True)
    assert "tellen per kenmerk op tot verschillende totalen" in html
    # margins that agree (within 0.5 %) give no warning
    agree = b"dimension,code,population\nsex,1,20150\nsex,2,20800\n"
    assert submit_file(client, Page(client.get(url)), agree, "m.csv").status_code == 302
    assert "verschillende totalen" not in Page(client.get(url)).text
    assert report_json(client)["weighting"]["warnings"] == []


def test_respondents_the_margins_cannot_place_are_listed_not_weighted_zero(
    app: Flask, client: Any, demo: str
) -> None:
    logged_in(app, client, "viewer")
    report = report_json(client)
    weighting = report["weighting"]
    excluded = {(e["dimension"], e["code"], e["reason"]): e for e in weighting["excluded"]}
    other = excluded[("sex", 3, "not_in_margins")]
    no_answer = excluded[("sex", None, "no_answer")]
    assert other["label"] == "Anders"
    sex = next(q for q in report["questions"] if q["key"] == "geslacht")
    assert sex["estimates"] == "margins"
    anders = next(o for o in sex["options"] if o["code"] == 3)
    # the group is listed, but a small group is hidden as its table cell is
    if anders["suppressed"]:
        assert other["suppressed"] and other["responses"] is None
        assert no_answer["suppressed"]  # else the total would give it away
        listed = "x antwoorden met geslacht Anders, een groep die niet in de marges staat"
    else:
        assert anders["count"] == other["responses"]
        assert weighting["excluded_responses"] == other["responses"] + no_answer["responses"]
        listed = f"{other['responses']} antwoorden met geslacht Anders"
    # never a weight of 0: no weighted share at all
    assert anders["weighted_percent"] is None and anders["estimate"] is None
    page = Page(client.get(f"/planner/rapporten/{KEY}?crosstabs=off"))
    assert f"{weighting['excluded_responses']} antwoorden krijgen geen gewicht" in page.text
    assert listed in page.text


def test_a_small_group_the_margins_lack_is_hidden_in_the_listing(app_ctx: Flask) -> None:
    from survey.analysis.collect import Exclusion, WeightData
    from survey.analysis.weighting import rake
    from survey.analysis.weighting_summary import weighting_summary
    from survey.definitions.definition import build_definition
    from survey.definitions.loader import load_definition

    # the mini survey's sex question has two options: code 3 is one the
    # margins (and the question) lack
    definition = build_definition(load_definition(MINI_SURVEY.encode()))
    margins = {"sex": {1: 50.0, 2: 50.0}}
    cells = {(1,): 40.0, (2,): 45.0, (3,): 4.0, (None,): 30.0}
    result = rake(cells, margins, on_unknown_code="exclude")
    data = WeightData(
        ["sex"],
        result,
        margins,
        cells,
        {},
        {},
        exclusions=(
            Exclusion("sex", None, "no_answer", 30),
            Exclusion("sex", 3, "not_in_margins", 4),
        ),
        raked={"sex": frozenset({1, 2})},
    )
    summary = weighting_summary(data, definition.dimension_questions(), "nl", 10).to_json()
    assert [e["responses"] for e in summary["excluded"]] == [None, None]
    assert all(e["suppressed"] for e in summary["excluded"])
    assert summary["excluded_responses"] == 34


def test_a_cap_the_margins_cannot_live_with_is_said_with_its_bounds_and_the_gap(
    app_ctx: Flask,
) -> None:
    """Margins of 70/30 on a sample of 10 and 10 with a cap of 1.3: the
    weights are 16/13 and 10/13 (the floor 1/1.3 binds), so the weighted
    shares are 8/13 and 5/13 against 70 % and 30 %: 8.46 percentage points
    off on both. The notice says the bounds the weights were kept in and
    that gap; nobody "counts for almost nothing" (the floor forbids it)."""
    from flask_babel import force_locale

    from survey.analysis.collect import WeightData
    from survey.analysis.weighting import rake
    from survey.analysis.weighting_summary import weighting_summary
    from survey.definitions.definition import build_definition
    from survey.definitions.loader import load_definition

    definition = build_definition(load_definition(MINI_SURVEY.encode()))
    margins = {"sex": {1: 70.0, 2: 30.0}}
    cells: dict[tuple[Any, ...], float] = {(1,): 10.0, (2,): 10.0}
    result = rake(cells, margins, trim=1.3)
    assert not result.converged
    data = WeightData(["sex"], result, margins, cells, {}, {}, raked={"sex": frozenset({1, 2})})

    def notice(language: str) -> dict[str, Any]:
        with force_locale(language):
            summary = weighting_summary(data, definition.dimension_questions(), language, 1)
        found = [w for w in summary.to_json()["warnings"] if w["kind"] == "margins_not_reached"]
        assert len(found) == 1
        return dict(found[0])

    dutch = notice("nl")
    assert dutch["details"] == {"trim": 1.3, "gaps": {"sex": 8.46}}
    assert dutch["message"] == (
        "De gewichten bleven tussen 0,77 en 1,3 keer het gemiddelde gewicht (een grens van 1,3 "
        "en het omgekeerde ervan). Binnen die grenzen wijken de gewogen cijfers af van de "
        "bevolkingsmarges, met hoogstens 8,5 procentpunten voor geslacht. Verhoog de grens of "
        "weeg zonder grens."
    )
    assert notice("fr")["message"] == (
        "Les poids ont été maintenus entre 0,77 et 1,3 fois le poids moyen (un plafond de 1,3 "
        "et son inverse). Dans ces limites, les chiffres pondérés s'écartent des marges de "
        "population, au plus de 8,5 points de pourcentage pour sexe. Relevez le plafond ou "
        "pondérez sans plafond."
    )
    # The gap is what the published margins table shows.
    rows = {
        m["code"]: m
        for m in weighting_summary(data, definition.dimension_questions(), "nl", 1).to_json()[
            "margins"
        ]
    }
    assert rows[1]["weighted_percent"] == 61.54 and rows[1]["population_percent"] == 70.0


def test_a_planner_corrects_the_tags_of_a_comment_and_the_report_counts_them(
    app: Flask, client: Any, demo: str
) -> None:
    logged_in(app, client, "planner")
    url = f"/planner/bevragingen/{KEY}/opmerkingen"
    before = report_json(client)["free_text"]
    assert before["corrected"] == 0
    page = Page(client.get(url, query_string={"phenomenon": "verkeer"}))
    assert "Opmerkingen en hun fenomenen" in page.text
    # a comment only about traffic: the planner says it is about nuisance only
    forms = [(i, f) for i, f in enumerate(page.forms) if "comment" in f.fields]
    position, index = next(
        (n, i) for n, (i, f) in enumerate(forms) if f.fields["tags"].selected == ["verkeer"]
    )
    form = page.form(index)
    section = page.html.split('<section class="comment"')[position + 1]
    copies = 1
    if "keer geschreven" in section:
        copies = int(section.split(" keer geschreven")[0].split()[-1])
    response = form.set("tags", ["overlast"]).submit(client)
    assert response.status_code == 302
    after = report_json(client)["free_text"]
    assert after["corrected"] == copies
    counts = {
        phase: {t["phenomenon"]: t["count"] for t in data["themes"]}
        for phase, data in (("before", before), ("after", after))
    }
    if counts["before"].get("verkeer") and counts["after"].get("verkeer"):
        assert counts["after"]["verkeer"] == counts["before"]["verkeer"] - copies
    if counts["before"].get("overlast") and counts["after"].get("overlast"):
        assert counts["after"]["overlast"] == counts["before"]["overlast"] + copies
    corrected = Page(client.get(url, query_string={"phenomenon": "overlast"}))
    assert "Fenomenen gekozen door een planner." in corrected.text

    # forged input is refused in Dutch; back to the keywords
    form = form_with(corrected, "comment")
    response = form.force("tags", "bestaat-niet").submit(client)
    assert response.status_code == 422
    assert "Onbekend fenomeen: bestaat-niet." in Page(response).text
    form = form_with(Page(client.get(url)), "comment")
    form.fields["comment"].value = "0" * 64
    response = form.submit(client)
    assert response.status_code == 422
    assert "Deze opmerking hoort niet bij deze bevraging." in Page(response).text
    page = Page(client.get(url, query_string={"phenomenon": "overlast"}))
    reset = next(
        i for i, f in enumerate(page.forms) if "comment" in f.fields and ("reset", "1") in f.buttons
    )
    assert page.form(reset).submit(client, button="reset").status_code == 302
    assert report_json(client)["free_text"]["corrected"] == 0


def test_viewers_cannot_change_weights_or_tags(app: Flask, client: Any, demo: str) -> None:
    logged_in(app, client, "viewer")
    assert client.get(MATRIX_URL).status_code == 403
    assert client.get(f"/planner/bevragingen/{KEY}/opmerkingen").status_code == 403


def test_a_planner_exports_in_french_with_the_report_weights(
    app: Flask, client: Any, demo: str, tmp_path: Any
) -> None:
    import html
    import re

    import pyreadstat
    from openpyxl import load_workbook

    logged_in(app, client, "planner")
    page = Page(client.get(f"/planner/bevragingen/{KEY}/exporteren"))
    assert "kolom weight" in page.text
    form = form_with(page, "language").set("language", "fr")
    page = Page(client.get(form.action, query_string=form.data()))
    links = {
        fmt: html.unescape(href)
        for href, fmt in re.findall(r'href="([^"]*/antwoorden\.(\w+)[^"]*)"', page.html)
    }
    assert set(links) == {"csv", "xlsx", "sav"}
    assert "language=fr" in links["xlsx"] and "language=fr" in links["sav"]

    sav = tmp_path / "antwoorden.sav"
    sav.write_bytes(client.get(links["sav"]).data)
    frame, meta = pyreadstat.read_sav(str(sav))
    labels = dict(zip(meta.column_names, meta.column_labels, strict=True))
    assert labels["onveilig"].startswith("Vous arrive-t-il de ne pas vous sentir")
    assert frame["weight"].notna().sum() > 250
    assert abs(frame["weight"].mean() - 1) < 1e-9

    xlsx = tmp_path / "antwoorden.xlsx"
    xlsx.write_bytes(client.get(links["xlsx"]).data)
    book = load_workbook(xlsx, read_only=True)
    responses, codebook = (list(book[name].iter_rows(values_only=True)) for name in book.sheetnames)
    assert responses[0][-1] == "weight"
    rows = {row[0]: row for row in codebook[1:]}
    assert rows["onveilig"][1] == labels["onveilig"]
    # the codebook says, in French, how the weights were made
    assert rows["weight"][1] == "Poids (calage sur les marges de population)"
    assert "1e-6" in str(rows["weight"][-1]) and "WEIGHT BY weight" in str(rows["weight"][-1])


def test_a_margin_band_without_respondents_is_weighted_with_its_neighbour_on_the_page(
    app: Flask, client: Any, demo: str
) -> None:
    """A planner uploads age margins with a band no resident is in (a fifth
    band the survey does not have yet): the report is weighted all the same,
    that band together with the one next to it, and the page says so."""
    logged_in(app, client, "planner")
    url = f"/planner/raadplegingen/{CONSULTATION}/marges"
    margins = (
        b"dimension,code,population\nage,1,4900\nage,2,12700\nage,3,13100\nage,4,9700\nage,5,500\n"
    )
    assert submit_file(client, Page(client.get(url)), margins, "marges.csv").status_code == 302
    weighting = report_json(client)["weighting"]
    merged = next(g for g in weighting["collapsed"] if 5 in g["codes"])
    assert merged["dimension"] == "age" and merged["codes"][-2:] == [4, 5]
    assert merged["responses"][-1] in (0, None)
    page = Page(client.get(f"/planner/rapporten/{KEY}?crosstabs=off"))
    assert "worden samen met een naburige groep gewogen" in page.text
    assert "Samen gewogen:" in page.text
    assert "leeftijdsgroep: " in page.text
