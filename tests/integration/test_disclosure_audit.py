"""A careful reader attacks the published report: from the JSON alone (and
the survey file), every suppressed count is solved for with linear
programming written apart from the product's audit
(``tests/disclosure_check.py``). No hidden count may be pinned to an
interval narrower than the threshold: on a small survey with many small
cells (rankings of exactly N options, a follow-up question, a tiny
column), on the demo, and with a raised threshold. Every other format
(HTML, PDF, XLSX) shows the figures of this JSON (``Report.to_json``), so
what holds here holds there."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from disclosure_check import recoverable, weighted_beside_hidden
from flask import Flask
from report_data import MARGINS_CSV, generate, load


def build(app: Flask, key: str, **settings: Any) -> dict[str, Any]:
    from survey.analysis.report import ReportSettings, build_report
    from survey.extensions import db
    from survey.reporting.json_writer import render_json

    with app.app_context():
        model = build_report(db.session, key, ReportSettings(**settings))
        return dict(json.loads(render_json(model.to_json())))


def survey_file(app: Flask, key: str) -> dict[str, Any]:
    from survey.analysis.aggregates import find_survey
    from survey.extensions import db

    with app.app_context():
        return dict(find_survey(db.session, key).definition)


@pytest.fixture
def mini(app: Flask, tmp_path: Path) -> str:
    return load(app, tmp_path, generate())


def test_the_small_survey_hides_nothing_a_reader_can_solve(app: Flask, mini: str) -> None:
    report = build(app, mini)
    survey = survey_file(app, mini)
    # What makes this survey hard: a ranking where everyone who answered
    # ranked exactly N options, a follow-up behind show_if, small columns.
    ranking = next(q for q in report["questions"] if q["type"] == "ranking")
    assert report["disclosure"]["audited"] is True
    assert report["disclosure"]["primary"] > 0 and report["disclosure"]["complementary"] > 0
    assert any(
        c["valid"] is not None and c["valid"] < 30
        for x in report["crosstabs"]
        for c in x["columns"]
    )
    assert any("show_if" in q for p in survey["pages"] for q in p["questions"])
    assert ranking["choose"] >= 2
    assert recoverable(report, report["suppression_threshold"], survey) == {}


def test_a_weighted_report_hides_the_weighted_figure_of_every_hidden_count(
    app: Flask, mini: str
) -> None:
    """Weighted to the population margins, the small survey publishes
    weighted shares, cross-tab cells and means: none beside a hidden count
    (share x weighted base would give it back), none solvable; and the
    check sees a weighted share put back beside a hidden count."""
    from survey.analysis.margins import parse_margins

    report = build(app, mini, margins=parse_margins(MARGINS_CSV.encode()))
    assert report["estimates"] == "weighted" and report["weighting"]
    assert report["disclosure"]["audited"] is True
    assert any(
        c.get("weighted_percent") is not None
        for x in report["crosstabs"]
        for o in x["options"]
        for c in o["cells"]
    )
    assert weighted_beside_hidden(report) == []
    assert recoverable(report, report["suppression_threshold"], survey_file(app, mini)) == {}
    table = next(
        q for q in report["questions"] if any(o["suppressed"] for o in q.get("options", []))
    )
    option = next(o for o in table["options"] if o["suppressed"])
    option["weighted_percent"] = 3.5
    assert weighted_beside_hidden(report) == [
        f"{table['key']} option {option['code']}: ['weighted_percent']"
    ]


def _weighted_with(app: Flask, tmp_path: Path, sex: Any, margins: str) -> dict[str, Any]:
    """The small survey with every district answered, ``sex(i)`` as the
    i-th respondent's sex, weighted to ``margins``."""
    from survey.analysis.margins import parse_margins

    people = generate()
    for i, person in enumerate(people):
        person.values["wijk"] = person.values["wijk"] or 1
        person.values["geslacht"] = sex(i, person.values["geslacht"])
    key = load(app, tmp_path, people)
    return build(app, key, margins=parse_margins(margins.encode())) | {"#key": key}


def test_responses_left_out_of_the_weighting_are_hidden_with_the_audit(
    app: Flask, tmp_path: Path
) -> None:
    """Four respondents left sex empty: the weighting section lists them as
    one group left out of the weighting, hidden (1 .. threshold-1); the
    audit knows that the groups add up to the excluded responses, and no
    hidden count is solvable."""
    report = _weighted_with(app, tmp_path, lambda i, sex: None if i < 4 else sex or 1, MARGINS_CSV)
    survey = survey_file(app, report.pop("#key"))
    (group,) = report["weighting"]["excluded"]
    assert group["reason"] == "no_answer" and group["suppressed"] is True
    assert group["responses"] is None
    assert report["disclosure"]["audited"] is True
    assert weighted_beside_hidden(report) == []
    assert recoverable(report, report["suppression_threshold"], survey) == {}


def test_a_lone_small_category_the_margins_lack_hides_the_weighting_totals(
    app: Flask, tmp_path: Path
) -> None:
    """Five women and margins for men only: the five are the one group left
    out of the weighting, so the excluded responses would give their hidden
    count back. The audit hides the complete and excluded responses as one
    unit, with the design effect and effective n that multiply back to
    them: the report is audited, and neither published total nor the
    product of design effect and effective n solves the group back."""
    report = _weighted_with(
        app, tmp_path, lambda i, _sex: 2 if i < 5 else 1, MARGINS_CSV.replace("sex,2,5100\n", "")
    )
    survey = survey_file(app, report.pop("#key"))
    weighting = report["weighting"]
    (group,) = weighting["excluded"]
    assert group["reason"] == "not_in_margins" and group["suppressed"] is True
    assert report["disclosure"]["audited"] is True
    assert weighting["totals_suppressed"] is True and weighting["weights_suppressed"] is True
    hidden = ("complete_responses", "excluded_responses", "design_effect", "effective_n")
    assert all(weighting[name] is None for name in hidden)
    assert all(m["sample_percent"] is None for m in weighting["margins"])
    # Nor a table's effective n (at most the complete responses: it would
    # bound the excluded ones) or a weighted interval (which gives it back).
    tables = [t for q in report["questions"] for t in q.get("rows") or [q]]
    assert all(t.get("effective_n") is None for t in tables)
    assert all(
        o.get(name) is None
        for t in tables
        for o in t.get("options") or []
        for name in ("weighted_ci95", "estimate_ci95")
    )
    assert all(not row.get("effective_bases") for row in report["priorities"])
    assert recoverable(report, report["suppression_threshold"], survey) == {}
    # The checker reads the tables' effective n: one published again pins
    # the five women between 0 and the responses less it.
    sex = next(q for q in report["questions"] if q["key"] == "geslacht")
    sex["effective_n"] = 153.0
    assert ("excluded", "sex", 2) in recoverable(report, report["suppression_threshold"], survey)
    sex["effective_n"] = None
    # The checker is not blind to the product: the design effect and the
    # effective n published again give the complete responses, and so the
    # five women, back.
    from survey.analysis.report import ReportSettings, build_report
    from survey.extensions import db

    with app.app_context():
        model = build_report(
            db.session,
            survey["key"],
            ReportSettings(margins=_margins(MARGINS_CSV.replace("sex,2,5100\n", ""))),
        )
        assert model.weighting is not None
        deff, neff = model.weighting.design_effect, model.weighting.effective_n
    weighting.update(design_effect=deff, effective_n=neff)
    assert ("excluded", "sex", 2) in recoverable(report, report["suppression_threshold"], survey)


def _margins(text: str) -> Any:
    from survey.analysis.margins import parse_margins

    return parse_margins(text.encode())


def test_a_raised_threshold_is_audited_at_its_own_width(app: Flask, mini: str) -> None:
    report = build(app, mini, threshold=15)
    assert report["suppression_threshold"] == 15
    assert report["disclosure"]["audited"] is True
    assert recoverable(report, 15, survey_file(app, mini)) == {}


def test_the_attack_finds_what_the_old_rule_left_open(app: Flask, mini: str) -> None:
    """The checker is not blind: on the same report with one audited cell
    published again, it solves that cell back."""
    report = build(app, mini)
    survey = survey_file(app, mini)
    table = next(q for q in report["questions"] if q["key"] == "veilig")
    hidden = [o for o in table["options"] if o["suppressed"] and not o.get("missing")]
    assert len(hidden) >= 2
    from survey.extensions import db  # noqa: F401 (the app context below)

    # Publish all but one hidden valid option: that one follows from `valid`.
    full = build(app, mini, threshold=2)
    shown = {
        o["code"]: o for o in next(q for q in full["questions"] if q["key"] == "veilig")["options"]
    }
    for option in hidden[1:]:
        option.update(count=shown[option["code"]]["count"], suppressed=False)
    found = recoverable(report, report["suppression_threshold"], survey)
    assert ("count", ("veilig", None), hidden[0]["code"]) in found


def test_the_demo_hides_nothing_a_reader_can_solve(app: Flask) -> None:
    """The demo (1,500 residents, weighted, cross-tabs by district, age, sex
    and mode, a priority matrix): no hidden count, the priority matrix's
    shares and bases included, is pinned closer than the threshold."""
    from survey.demo.loader import load_demo
    from survey.extensions import db

    with app.app_context():
        load_demo(db.session)
        db.session.commit()
    report = build(app, "burgers-2026")
    assert report["weighting"] and report["crosstabs"]
    assert report["estimates"] == "weighted"
    assert report["disclosure"]["audited"] is True
    assert weighted_beside_hidden(report) == []
    assert any(row.get("suppressed_indicators") for row in report["priorities"])
    assert (
        recoverable(report, report["suppression_threshold"], survey_file(app, "burgers-2026")) == {}
    )


def test_the_demo_publishes_the_feeling_of_unsafety_with_small_groups_under_unknown(
    app: Flask,
) -> None:
    """On the demo, 14 residents answer "Anders" to the sex question: too
    few for a cross-tab column to show a percentage, so no column of its
    own, and its residents are counted in the unknown column with those who
    gave no sex. Before, that column's small counts, pinned by the published
    sex counts, drove the audit's last resort to hide the whole question
    "onveilig" (its zone table and every cross-tab); and that last resort
    hid all ten rows of the victimisation matrix, bases included."""
    from survey.demo.loader import load_demo
    from survey.extensions import db

    with app.app_context():
        load_demo(db.session)
        db.session.commit()
    report = build(app, "burgers-2026")
    assert report["disclosure"]["audited"] is True
    hidden_below = report["base_rules"]["hidden_below"]
    questions = {q["key"]: q for q in report["questions"]}
    sex = questions["geslacht"]
    groups = [o for o in sex["options"] if not o.get("missing")]
    small = {o["code"]: o["count"] for o in groups if o["count"] < hidden_below}
    assert small, "the demo has a sex group below hidden_below"
    by_sex = [x for x in report["crosstabs"] if x["dimension"] == "sex"]
    assert by_sex
    for tab in by_sex:
        assert not small.keys() & {c["code"] for c in tab["columns"]}, tab["question"]

    # Feeling unsafe: the zone table is published, and so are its cross-tabs.
    unsafe = questions["onveilig"]
    assert unsafe["valid"] == report["responses"]  # asked to all, required
    shown = [o for o in unsafe["options"] if not o["suppressed"]]
    assert len(shown) >= len(unsafe["options"]) - 2
    tabs = [x for x in report["crosstabs"] if x["question"] == "onveilig"]
    assert {x["dimension"] for x in tabs} == {"district", "age", "sex", "mode"}
    for tab in tabs:
        assert not any(c["suppressed"] for c in tab["columns"]), tab["dimension"]
        assert any(not cell["suppressed"] for o in tab["options"] for cell in o["cells"])
    unknown = next(
        c for x in tabs if x["dimension"] == "sex" for c in x["columns"] if c["code"] is None
    )
    # The small group plus everyone without a sex answer.
    assert unknown["valid"] == sum(small.values()) + report["responses"] - sex["valid"]

    # Victimisation: where the audit's last resort is needed, it hides a
    # matrix row's table, not the whole matrix: every row keeps its base.
    victims = questions["slachtoffer12"]["rows"]
    assert all(row["valid"] is not None for row in victims)
    assert any(o["count"] is not None for row in victims for o in row["options"] if o["code"] == 1)


def test_the_attack_solves_a_priority_share_published_on_a_hidden_count(
    app: Flask, tmp_path: Path
) -> None:
    """The checker reads the priority matrix: verkeer's ranking option is
    hidden, and so is its priority share; published again, the share times
    its base gives the hidden chosen count back."""
    people = generate()
    key = load(app, tmp_path, people)
    report = build(app, key)
    survey = survey_file(app, key)
    row = next(r for r in report["priorities"] if r["phenomenon"] == "verkeer")
    assert row["indicators"]["priority"] is None
    assert recoverable(report, report["suppression_threshold"], survey) == {}
    ranks = [p.values["top"] for p in people]
    chose = sum(1 for r in ranks if r and 2 in r) / sum(1 for r in ranks if r) * 100
    row["indicators"]["priority"] = round(chose, 2)
    found = recoverable(report, report["suppression_threshold"], survey)
    assert ("chosen", ("top", None), 2) in found
