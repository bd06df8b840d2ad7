"""No format publishes a figure the report JSON hides, nor one computed from
it: every format (HTML, PDF text via pdftotext, XLSX via openpyxl, DOCX
via python-docx, the charts ZIP's CSV data and drawings) is rendered from
the report and from the same report with every hidden figure of its typed
model poisoned (``tests/poisoned_report.py``), and the two documents must
be the same. With the JSON attacked cell by cell
(``tests/integration/test_disclosure_audit.py``), no format pins a hidden
count closer than the threshold: on the small survey with many small
cells (weighted), with a lone small group left out of the weighting, and
on the demo. A control publishes one poisoned count and sees every
format change (and the count in every format that prints counts), so the
comparison is not blind."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from poisoned_report import SENTINEL, poisoned
from report_data import MARGINS_CSV, generate, load
from report_text import READ

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

FORMATS = ("html", "pdf", "xlsx", "docx", "zip")


def documents(app: Flask, report: Any) -> dict[str, str]:
    """Every format of ``report``, as text."""
    from survey.reporting.commands import render

    with app.test_request_context():
        return {fmt: READ[fmt](render(report, fmt)) for fmt in FORMATS}


def report_model(app: Flask, key: str, margins: str | None = None) -> Any:
    from survey.analysis.margins import parse_margins
    from survey.analysis.report import ReportSettings, build_report
    from survey.extensions import db

    settings = ReportSettings(margins=None if margins is None else parse_margins(margins.encode()))
    with app.test_request_context():
        return build_report(db.session, key, settings)


def shows_sentinel(text: str) -> bool:
    digits = str(SENTINEL)
    return any(
        form in text
        for form in (digits, f"{digits[:3]}.{digits[3:]}", f"{digits[:3]}\u202f{digits[3:]}")
    )


def assert_no_format_reads_a_hidden_figure(app: Flask, report: Any) -> None:
    original = documents(app, report)
    attacked = documents(app, poisoned(report))
    for fmt in FORMATS:
        assert not shows_sentinel(attacked[fmt]), fmt
        assert attacked[fmt] == original[fmt], f"{fmt} depends on a hidden figure"


def test_no_format_of_the_small_weighted_survey_reads_a_hidden_figure(
    app: Flask, tmp_path: Path
) -> None:
    key = load(app, tmp_path, generate())
    report = report_model(app, key, MARGINS_CSV)
    assert report.weighting is not None and report.disclosure.audited
    assert report.disclosure.primary > 0 and report.disclosure.complementary > 0
    assert_no_format_reads_a_hidden_figure(app, report)


def _lone_group_survey(app: Flask, tmp_path: Path) -> str:
    """The small survey with five women: margins without women leave them
    out of the weighting as one small group."""
    people = generate()
    for i, person in enumerate(people):
        person.values["wijk"] = person.values["wijk"] or 1
        person.values["geslacht"] = 2 if i < 5 else 1
    return load(app, tmp_path, people)


def test_no_format_gives_back_a_lone_group_left_out_of_the_weighting(
    app: Flask, tmp_path: Path
) -> None:
    key = _lone_group_survey(app, tmp_path)
    report = report_model(app, key, MARGINS_CSV.replace("sex,2,5100\n", ""))
    assert report.weighting is not None and report.weighting.totals_hidden
    assert report.disclosure.audited
    assert_no_format_reads_a_hidden_figure(app, report)
    # What the reader sees instead: the methods say why the design effect
    # is missing, the facts and tables write "x".
    docs = documents(app, report)
    for fmt in ("html", "pdf", "docx"):
        text = " ".join(docs[fmt].split())
        assert "Het designeffect en de effectieve steekproefgrootte staan hier niet" in text, fmt
    for fmt in ("html", "pdf"):
        assert "x antwoorden krijgen geen gewicht" in " ".join(docs[fmt].split()), fmt
    assert "('Designeffect', 'x')" in docs["xlsx"]


def test_the_report_page_does_not_give_the_hidden_weighting_figures_back(
    app: Flask, client: Any, tmp_path: Path
) -> None:
    """The planners' report page states the weighting from the model: with
    the weighting totals hidden it says that the design effect and the
    effective n are not published, and shows neither."""
    from planner_helpers import logged_in

    from survey.extensions import db
    from survey.planner.margins import import_margins
    from survey.planner.surveys import get_consultation

    key = _lone_group_survey(app, tmp_path)
    margins = MARGINS_CSV.replace("sex,2,5100\n", "")
    with app.app_context():
        consultation = get_consultation(db.session, "mini-consultatie")
        assert consultation is not None
        import_margins(db.session, consultation, margins.encode())
        db.session.commit()
    weighting = report_model(app, key, margins).weighting
    assert weighting is not None and weighting.weights_hidden
    logged_in(app, client, "viewer")
    page = client.get(f"/planner/rapporten/{key}", query_string={"crosstabs": "off"})
    assert page.status_code == 200
    text = " ".join(page.get_data(as_text=True).split())
    assert "designeffect en effectieve n niet gepubliceerd" in text
    assert f"designeffect {weighting.design_effect:.2f}".replace(".", ",") not in text
    assert f"effectieve n {weighting.effective_n}" not in text


@pytest.mark.slow
def test_the_demo_publishes_no_hidden_figure_in_any_format(app: Flask) -> None:
    from survey.demo.loader import load_demo
    from survey.extensions import db

    with app.app_context():
        load_demo(db.session)
        db.session.commit()
    report = report_model(app, "burgers-2026")
    assert report.weighting is not None and report.disclosure.audited
    assert_no_format_reads_a_hidden_figure(app, report)


def test_a_published_poisoned_count_shows_in_every_format(app: Flask, tmp_path: Path) -> None:
    """The control: the same comparison sees a hidden count that a writer
    publishes after all (its mark dropped from the typed table)."""
    from survey.analysis.tables import CategoricalTable

    key = load(app, tmp_path, generate())
    report = poisoned(report_model(app, key, MARGINS_CSV))
    index, question = next(
        (i, q)
        for i, q in enumerate(report.questions)
        if isinstance(q.table, CategoricalTable)
        and q.measure is None
        and any(c.mark is not None and not c.missing for c in q.table.categories)
    )
    table: Any = question.table
    categories = tuple(
        replace(c, mark=None) if c.count == SENTINEL else c for c in table.categories
    )
    # Its base grows with it, so that the count is a count of that base.
    leaky = replace(
        question,
        table=replace(table, categories=categories, valid=table.valid + SENTINEL, weighted=None),
    )
    questions = (*report.questions[:index], leaky, *report.questions[index + 1 :])
    published = replace(report, questions=questions)  # its JSON rebuilt from the tables
    before = documents(app, report)
    after = documents(app, published)
    for fmt in FORMATS:
        assert after[fmt] != before[fmt], fmt
        # The chart data hold percentages, the other formats the count too.
        assert fmt == "zip" or shows_sentinel(after[fmt]), fmt


def _settings_report(app: Flask, key: str, **settings: Any) -> Any:
    from survey.analysis.report import ReportSettings, build_report
    from survey.extensions import db

    with app.test_request_context():
        return build_report(db.session, key, ReportSettings(**settings))


def test_a_lone_group_weighted_with_a_declared_category_gives_the_design_effect_back_safely(
    app: Flask, tmp_path: Path
) -> None:
    """Issue 16's lone group, weighted instead of left out: the five women
    are declared part of the men's category; sex then has one category and
    drops out of the raking, nobody is left out, and the design effect and
    effective n are published again, while no format gives the women's
    number back."""
    from survey.analysis.margins import parse_margins

    key = _lone_group_survey(app, tmp_path)
    margins = parse_margins(MARGINS_CSV.replace("sex,2,5100\n", "").encode())
    report = _settings_report(app, key, margins=margins, collapse_into={"sex": {2: 1}})
    weighting = report.weighting
    assert weighting is not None and report.disclosure.audited
    assert not weighting.totals_hidden and not weighting.weights_hidden
    assert weighting.excluded_responses == 0 and weighting.dropped_dimensions == ("sex",)
    published = report.to_json()["weighting"]
    assert published["design_effect"] is not None and published["effective_n"] is not None
    assert published["collapsed"] == []
    assert_no_format_reads_a_hidden_figure(app, report)
    text = " ".join(documents(app, report)["html"].split())
    assert "geslacht wordt niet gebruikt voor de weging" in text


@pytest.mark.slow
def test_the_small_demo_weights_its_small_sex_groups_and_publishes_the_design_effect_safely(
    app: Flask,
) -> None:
    """The 200-resident demo: sex "Anders" (a few respondents, the margins
    have two sexes) declared part of "Vrouw". Anders is weighted and no
    longer left out, its number is published nowhere in the weighting
    section, and no format reads a hidden figure. The design effect stays
    withheld all the same: the residents who did not give their sex are a
    second small group left out of the weighting, and the complete and
    excluded responses would give it back (issue 16's rule). Weighting those
    on the other characteristics as well (``weight_unanswered``) leaves
    nobody out, and then the design effect is published, safely."""
    from survey.demo.loader import load_demo
    from survey.extensions import db

    with app.app_context():
        load_demo(db.session, residents=200)
        db.session.commit()
    before = _settings_report(app, "burgers-2026")
    assert before.weighting is not None
    assert [(e.dimension, e.code) for e in before.weighting.excluded] == [
        ("sex", None),
        ("sex", 3),
    ]
    report = _settings_report(app, "burgers-2026", collapse_into={"sex": {3: 2}})
    weighting = report.weighting
    assert weighting is not None and report.disclosure.audited
    assert [(e.dimension, e.code) for e in weighting.excluded] == [("sex", None)]
    (anders,) = [g for g in report.to_json()["weighting"]["collapsed"] if g["dimension"] == "sex"]
    assert anders["codes"] == [2, 3] and anders["lacking"] == [3]
    assert anders["responses"] == [None, None] and anders["suppressed"]
    assert weighting.totals_hidden and weighting.weights_hidden
    assert_no_format_reads_a_hidden_figure(app, report)

    # Those without a sex answer weighted on the other characteristics too:
    # nobody is left out, and the design effect and effective n are published
    # again, without the number of either small group anywhere.
    both = _settings_report(
        app, "burgers-2026", collapse_into={"sex": {3: 2}}, weight_unanswered=True
    )
    weighting = both.weighting
    assert weighting is not None and both.disclosure.audited
    assert weighting.excluded == () and weighting.excluded_responses == 0
    assert weighting.unanswered["sex"] > 0
    assert not weighting.totals_hidden and not weighting.weights_hidden
    published = both.to_json()["weighting"]
    assert published["design_effect"] is not None and published["effective_n"] is not None
    assert published["unanswered_weighted"] == ["sex"]
    # Sex's sample shares are hidden (its table hides Anders and its missing),
    # so complete responses less their counts give neither group back.
    assert all(m["sample_percent"] is None for m in published["margins"] if m["dimension"] == "sex")
    # Shares of the answered: men at their population share of those who answered.
    men = next(m for m in published["margins"] if m["dimension"] == "sex" and m["code"] == 1)
    assert men["weighted_percent"] == pytest.approx(men["population_percent"], abs=0.01)
    assert_no_format_reads_a_hidden_figure(app, both)
    text = " ".join(documents(app, both)["html"].split())
    assert "Wie geen antwoord gaf op geslacht, wordt alleen op de andere kenmerken gewogen" in text
