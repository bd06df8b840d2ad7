"""A mayor of a multi-municipality zone opens the input report and finds the
key figures of their own municipality: in the JSON (recomputed here from
the stored answers, without survey.analysis), the PDF (a bookmark each,
pdftotext), the HTML and the Word version (a heading each); a municipality
with too few answers gets one honest line, and no per-municipality figure
shows what the cross-tabs hide."""

from __future__ import annotations

import io
from typing import Any

import pytest
from flask import Flask
from pdf_checks import page_texts, read_tagged
from report_data import MINI_SURVEY, Respondent, generate, load, wilson

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

# Four municipalities: Oost with five residents (a small cell of the
# district table), West with a dozen (hidden as its complement).
# The feeling of unsafety counts "altijd" and "vaak" as the default survey
# does; "altijd" is rare (a small cell in every municipality, with "vaak"
# hidden as its complement).
SURVEY = MINI_SURVEY.replace(
    """          - {code: 2, label: {nl: "Zuid"}}
""",
    """          - {code: 2, label: {nl: "Zuid"}}
          - {code: 3, label: {nl: "Oost"}}
          - {code: 4, label: {nl: "West"}}
""",
).replace(
    """        scale: freq
        text: {nl: "Voelt u zich onveilig?"}
""",
    """        measure: unsafety
        unsafety_codes: [1, 2]
        text: {nl: "Voelt u zich onveilig?"}
        options:
          - {code: 1, label: {nl: "Altijd"}}
          - {code: 2, label: {nl: "Vaak"}}
          - {code: 3, label: {nl: "Nooit"}}
          - {code: 9, label: {nl: "Weet niet"}, missing: true}
""",
)
assert "unsafety_codes" in SURVEY


def _people() -> list[Respondent]:
    people = generate(n=320, seed=11)
    for i, person in enumerate(people):
        # Everyone names a municipality: no small unknown group to protect.
        person.values["wijk"] = 3 if i < 5 else 4 if i < 17 else person.values["wijk"] or 1
    return people


@pytest.fixture(scope="module")
def mayors(app: Flask, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The unweighted report of the four-municipality survey in every
    format, built once; the tables are wiped afterwards."""
    from support import wipe_database

    from survey.analysis.report import ReportSettings, build_report
    from survey.extensions import db
    from survey.reporting.docx_writer import render_docx
    from survey.reporting.html_writer import render_report_html
    from survey.reporting.pdf_writer import render_pdf

    people = _people()
    key = load(app, tmp_path_factory.mktemp("mayors"), people, SURVEY)
    try:
        with app.app_context():
            report = build_report(db.session, key, ReportSettings(margins={}))
            pdf = render_pdf(report)
            result = {
                "people": people,
                "json": report.to_json(),
                "html": render_report_html(report, standalone=True),
                "pdf": pdf,
                "pages": page_texts(pdf),
                "bookmarks": read_tagged(pdf).bookmarks,
                "docx": render_docx(report),
            }
    finally:
        wipe_database(app)
    return result


def _sections(mayors: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {s["label"]: s for s in mayors["json"]["municipalities"]["sections"]}


def test_each_mayor_finds_the_figures_of_their_municipality(mayors: dict[str, Any]) -> None:
    sections = _sections(mayors)
    assert [s for s in sections] == ["Noord", "Zuid", "Oost", "West"]
    assert sections["Noord"]["status"] == sections["Zuid"]["status"] == "shown"
    assert sections["Oost"]["status"] == "too_few"
    assert sections["West"]["status"] == "protected"
    assert not sections["Oost"]["figures"] and not sections["West"]["figures"]
    # The phenomena the decision page proposes, in rank order.
    proposed = [
        p["phenomenon"]
        for p in mayors["json"]["priorities"]
        if p["proposal_key"] in ("priority", "attention")
    ]
    # The feeling of unsafety first (no phenomenon's), then those phenomena.
    order = list(dict.fromkeys(f["phenomenon"] for f in sections["Noord"]["figures"]))
    assert order == [None, *proposed]


def test_the_concern_figures_count_the_residents_of_the_municipality(
    mayors: dict[str, Any],
) -> None:
    people = mayors["people"]
    rows = {"drugs": "drugs", "verkeer": "snelheid"}
    checked = 0
    for code, name in ((1, "Noord"), (2, "Zuid")):
        for figure in _sections(mayors)[name]["figures"]:
            if figure["indicator"] != "concern" or figure["suppressed"]:
                continue
            assert figure["row"] == rows[figure["phenomenon"]]
            answers = [
                p.values["problemen"][figure["row"]] for p in people if p.values["wijk"] == code
            ]
            valid = sum(1 for a in answers if a in (1, 2, 3))
            hits = sum(1 for a in answers if a == 3)
            assert figure["codes"] == [3]
            assert (figure["count"], figure["valid"]) == (hits, valid)
            assert figure["percent"] == round(hits / valid * 100, 2)
            assert figure["ci95"] == wilson(hits, valid)
            assert figure["estimate"] == figure["percent"]
            # Beside it, the zone's share as the question's own table shows it.
            everyone = [p.values["problemen"][figure["row"]] for p in people]
            zone_valid = sum(1 for a in everyone if a in (1, 2, 3))
            zone_hits = sum(1 for a in everyone if a == 3)
            assert figure["zone_estimate"] == round(zone_hits / zone_valid * 100, 2)
            checked += 1
    assert checked >= 2


def test_each_mayor_reads_the_feeling_of_unsafety_first_beside_the_zones(
    mayors: dict[str, Any],
) -> None:
    """Recomputed from the answers: the share of the municipality's valid
    answers with "altijd" or "vaak" (missing "weet niet" and unanswered left
    out), its Wilson interval, and the zone's share beside it; shown though
    "altijd" is a small cell (the reader has the sum of the two)."""
    people = mayors["people"]
    everyone = [p.values["veilig"] for p in people]
    zone_valid = sum(1 for a in everyone if a in (1, 2, 3))
    zone_share = round(sum(1 for a in everyone if a in (1, 2)) / zone_valid * 100, 2)
    sections = _sections(mayors)
    for section in sections.values():
        if section["figures"]:
            first = section["figures"][0]
            assert (first["indicator"], first["question"]) == ("unsafety", "veilig")
            assert first["codes"] == [1, 2] and first["phenomenon"] is None
            assert first["label"] == "Voelt u zich onveilig?"
    first = sections["Noord"]["figures"][0]
    answers = [p.values["veilig"] for p in people if p.values["wijk"] == 1]
    valid = sum(1 for a in answers if a in (1, 2, 3))
    hits = sum(1 for a in answers if a in (1, 2))
    assert not first["suppressed"]
    assert (first["count"], first["valid"]) == (hits, valid)
    assert first["estimate"] == first["percent"] == round(hits / valid * 100, 2)
    assert first["estimate_ci95"] == wilson(hits, valid)
    # The zone's share: "altijd" and "vaak" are hidden in the question's own
    # table too, and 100 minus "nooit" gives it (to the rounding of "nooit").
    assert first["zone_estimate"] == pytest.approx(zone_share, abs=0.011)
    # Zuid's column base is hidden in the cross-tabs: its figure with it.
    assert sections["Zuid"]["figures"][0]["suppressed"]


def test_the_feeling_of_unsafety_opens_each_municipality_in_every_format(
    mayors: dict[str, Any],
) -> None:
    from docx import Document

    noord = _sections(mayors)["Noord"]["figures"][0]
    share = f"{round(noord['estimate'])} % ("
    text = "\n".join(mayors["pages"])
    part = text[text.rindex("7. Kerncijfers per deelgemeente") :]
    noord_part = part[part.index("Noord") : part.index("Zuid")]
    assert "Onveiligheidsgevoel" in noord_part
    # The question cell may wrap: pdftotext then puts the row's figures
    # between its lines.
    words = " ".join(noord_part.split())
    assert "voelt zich onveilig: altijd," in words and "vaak)" in words
    assert share in noord_part
    assert "Onveiligheidsgevoel" in mayors["html"]
    document = Document(io.BytesIO(mayors["docx"]))
    table = next(
        t
        for t in document.tables
        if len(t.columns) == 5 and t.rows[0].cells[2].text == "Aandeel (interval 95%)"
    )
    first = [c.text for c in table.rows[1].cells]
    assert first[0] == "Onveiligheidsgevoel"
    assert first[1] == "Voelt u zich onveilig? (voelt zich onveilig: altijd, vaak)"
    assert first[2].startswith(share.removesuffix(" ("))
    assert first[4] == f"{round(noord['zone_estimate'])} %"


def test_no_municipality_figure_shows_what_the_cross_tabs_hide(mayors: dict[str, Any]) -> None:
    model = mayors["json"]
    tabs = {
        (x["question"], x.get("row")): x for x in model["crosstabs"] if x["dimension"] == "district"
    }
    seen_hidden = seen_derived = False
    for section in model["municipalities"]["sections"]:
        for figure in section["figures"]:
            tab = tabs[(figure["question"], figure["row"])]
            column = next(i for i, c in enumerate(tab["columns"]) if c["code"] == section["code"])
            codes = figure["codes"]
            cells = [o["cells"][column] for o in tab["options"] if o["code"] in codes]
            others = [o["cells"][column] for o in tab["options"] if o["code"] not in codes]
            base = tab["columns"][column]["valid"]
            # One answer per respondent: the column's cells add up to its base.
            adds_up = tab.get("percent_of") != "respondents"
            derived = (
                adds_up
                and any(c["suppressed"] for c in cells)
                and not any(c["suppressed"] for c in others)
            )
            hidden = tab["columns"][column]["suppressed"] or (
                any(c["suppressed"] for c in cells) and not derived
            )
            assert figure["suppressed"] is hidden
            if hidden:
                seen_hidden = True
                assert figure["count"] is figure["valid"] is figure["estimate"] is None
                continue
            assert figure["valid"] == base
            if derived:
                # The base minus the published other cells: the reader has it.
                seen_derived = True
                assert figure["count"] == base - sum(c["count"] for c in others)
                continue
            # A sum of published cells over the published column base: nothing new.
            assert figure["count"] == sum(c["count"] for c in cells)
    # The rarely chosen option of the ranking is hidden in the cross-tab; and
    # "altijd or vaak" is shown where "altijd" and its complement are hidden.
    assert seen_hidden and seen_derived


def test_the_pdf_has_a_bookmark_and_a_section_per_municipality(mayors: dict[str, Any]) -> None:
    bookmarks = mayors["bookmarks"]
    chapter = bookmarks.index("7. Kerncijfers per deelgemeente")
    assert bookmarks[chapter + 1 : chapter + 5] == ["Noord", "Zuid", "Oost", "West"]
    text = "\n".join(mayors["pages"])
    part = text[text.rindex("7. Kerncijfers per deelgemeente") :]
    part = part[: part.index("Bijlage: resultaten per groep")]
    assert "Oost: te weinig antwoorden om apart te tonen." in part
    assert "West: niet apart getoond, om een kleinere groep respondenten te beschermen." in part
    noord = next(f for f in _sections(mayors)["Noord"]["figures"] if not f["suppressed"])
    assert noord["label"] in part
    # Whole percentages, as on the decision page.
    assert f"{round(noord['estimate'])} % (" in part
    assert "Kerncijfers per deelgemeente" in mayors["html"]
    assert 'id="municipality-1"' in mayors["html"]


def test_the_word_version_has_a_heading_and_a_table_per_municipality(
    mayors: dict[str, Any],
) -> None:
    from docx import Document

    document = Document(io.BytesIO(mayors["docx"]))
    headings = [
        (p.style.name, p.text) for p in document.paragraphs if p.style.name.startswith("Heading")
    ]
    start = headings.index(("Heading 1", "7. Kerncijfers per deelgemeente"))
    assert headings[start + 1 : start + 5] == [
        ("Heading 2", name) for name in ("Noord", "Zuid", "Oost", "West")
    ]
    tables = [
        t
        for t in document.tables
        if len(t.columns) == 5 and t.rows[0].cells[2].text == "Aandeel (interval 95%)"
    ]
    assert len(tables) == 2
    labels = [f["label"] for f in _sections(mayors)["Noord"]["figures"]]
    assert [row.cells[1].text.split(" (")[0] for row in tables[0].rows[1:]] == labels


def test_an_attacker_solves_no_hidden_count_from_the_municipalities(
    mayors: dict[str, Any],
) -> None:
    """The independent attack (tests/disclosure_check.py) reads the
    per-municipality figures as relations on the cross-tabs' cells: none
    pins a hidden count; and it does see a figure published over a hidden
    cell."""
    import copy

    from disclosure_check import recoverable

    model = mayors["json"]
    assert recoverable(model, model["suppression_threshold"]) == {}
    leaked = copy.deepcopy(model)
    section = next(s for s in leaked["municipalities"]["sections"] if s["status"] == "shown")
    figure = next(f for f in section["figures"] if f["suppressed"])
    (code,) = figure["codes"]
    assert figure["indicator"] == "priority"
    figure["suppressed"] = False
    figure["count"] = sum(
        1
        for p in mayors["people"]
        if p.values["wijk"] == section["code"] and code in (p.values["top"] or [])
    )
    found = recoverable(leaked, leaked["suppression_threshold"])
    assert any(name[0] == "cell" and name[2] == code for name in found), found
