"""The report JSON against an independent computation over the raw values
that were stored (contract section 3, to the decimal)."""

from __future__ import annotations

import json
import statistics
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from report_data import (
    MARGINS,
    complementary,
    generate,
    kish,
    load,
    rake,
    single_figures,
    wilson,
)

THRESHOLD = 10


@pytest.fixture
def people() -> list[Any]:
    return generate()


@pytest.fixture
def mini(app: Flask, tmp_path: Path, people: list[Any]) -> str:
    return load(app, tmp_path, people)


def build(app: Flask, key: str, **settings: Any) -> dict[str, Any]:
    from survey.analysis.report import ReportSettings, build_report
    from survey.extensions import db
    from survey.reporting.json_writer import render_json

    with app.app_context():
        model = build_report(db.session, key, ReportSettings(**settings))
        # What the file holds: go through the writer.
        return dict(json.loads(render_json(model.to_json())))


def question(model: dict[str, Any], key: str) -> dict[str, Any]:
    return next(q for q in model["questions"] if q["key"] == key)


def check_single_table(
    table: dict[str, Any],
    answers: list[Any],
    valid_codes: set[int],
    missing_codes: set[int],
    *,
    exact_suppression: bool,
) -> None:
    expected = single_figures(answers, valid_codes)
    for base in ("valid", "missing"):
        if 0 < expected[base] < THRESHOLD:
            # A base of 1 .. 9 is hidden like a cell (docs/report-json.md).
            assert table[base] is None and table[f"{base}_suppressed"] is True
        else:
            assert table[base] == expected[base]
    valid_counts = {c: expected["counts"].get(c, 0) for c in valid_codes}
    hidden = complementary(valid_counts, THRESHOLD) | {
        c for c in missing_codes if 0 < expected["counts"].get(c, 0) < THRESHOLD
    }
    by_code = {o["code"]: o for o in table["options"]}
    assert set(by_code) == valid_codes | missing_codes
    for code, option in by_code.items():
        count = expected["counts"].get(code, 0)
        if 0 < count < THRESHOLD:
            assert option["suppressed"] is True
        if exact_suppression and code in hidden:
            # The table's own rule; the audit may hide more (tested apart,
            # tests/integration/test_disclosure_audit.py).
            assert option["suppressed"] is True, code
        if option["suppressed"]:
            assert option["count"] is None
            assert option["percent"] is None
            assert option["ci95"] is None
            continue
        assert option["count"] == count
        if code in missing_codes:
            assert option["percent"] is None
            assert option["ci95"] is None
        else:
            valid = expected["valid"]
            assert option["percent"] == round(count / valid * 100, 2)
            assert option["ci95"] == wilson(count, valid)
    visible_hidden = [o for o in table["options"] if o["suppressed"] and o["code"] in valid_codes]
    assert len(visible_hidden) != 1, "one suppressed cell could be recomputed from valid"


def test_counts_percentages_and_intervals(app: Flask, mini: str, people: list[Any]) -> None:
    model = build(app, mini, crosstabs=False)
    assert model["format"] == 1
    assert model["survey"] == "mini-2026"
    assert model["responses"] == len(people)
    assert model["suppression_threshold"] == THRESHOLD
    assert model["weighting"] is None

    # single with a missing option
    answers = [p.values["slachtoffer"] for p in people]
    check_single_table(question(model, "slachtoffer"), answers, {1, 2}, {9}, exact_suppression=True)
    # scale with a rare option: primary + complementary suppression
    answers = [p.values["veilig"] for p in people]
    table = question(model, "veilig")
    check_single_table(table, answers, {1, 2, 3}, {9}, exact_suppression=True)
    assert next(o for o in table["options"] if o["code"] == 1)["suppressed"] is True
    assert sum(o["suppressed"] for o in table["options"] if o["code"] != 9) == 2

    # a question behind show_if: only the shown respondents count
    answers = [p.values["aangifte"] for p in people if p.values["slachtoffer"] == 1]
    table = question(model, "aangifte")
    shown_valid = sum(1 for a in answers if a in {1, 2})
    assert table["valid"] == shown_valid
    # The few shown who left it empty (1 .. 9) are a hidden base.
    assert 0 < len(answers) - shown_valid < THRESHOLD
    assert table["missing"] is None and table["missing_suppressed"] is True
    check_single_table(table, answers, {1, 2}, set(), exact_suppression=True)
    assert table["base_flag"] == "hidden"

    # matrix rows
    matrix = question(model, "problemen")
    for row in matrix["rows"]:
        answers = [p.values["problemen"][row["key"]] for p in people]
        check_single_table(row, answers, {1, 2, 3}, {9}, exact_suppression=True)
        assert row["base_flag"] == "ok"


def test_multiple_ranking_and_number(app: Flask, mini: str, people: list[Any]) -> None:
    model = build(app, mini, crosstabs=False)

    # multiple: % of respondents with at least one (non-missing) option
    table = question(model, "waar")
    chosen = [p.values["waar"] for p in people]
    valid = sum(1 for c in chosen if any(x != 9 for x in c))
    assert table["valid"] == valid
    assert table["missing"] == len(people) - valid
    for option in table["options"]:
        count = sum(1 for c in chosen if option["code"] in c)
        if 0 < count < THRESHOLD:
            assert option["suppressed"] is True and option["count"] is None
            continue
        assert option["suppressed"] is False
        assert option["count"] == count
        if option["code"] == 9:
            assert option["percent"] is None
        else:
            assert option["percent"] == round(count / valid * 100, 2)
            assert option["ci95"] == wilson(count, valid)

    # ranking: chosen at any rank, first places, Borda (2 points for first, 1 for second)
    table = question(model, "top")
    ranks = [p.values["top"] for p in people]
    valid = sum(1 for r in ranks if r)
    assert table["valid"] == valid
    assert table["missing"] == len(people) - valid
    for option in table["options"]:
        code = option["code"]
        chosen_count = sum(1 for r in ranks if code in r)
        if 0 < chosen_count < THRESHOLD or option["suppressed"]:
            # Primary, or hidden by the audit: with N = 2, first places are
            # Borda minus chosen, so a hidden first place hides its option.
            assert option["suppressed"] is True
            assert option["chosen_count"] is None and option["borda"] is None
            continue
        assert option["chosen_count"] == chosen_count
        assert option["chosen_percent"] == round(chosen_count / valid * 100, 2)
        first = sum(1 for r in ranks if r and r[0] == code)
        if not 0 < first < THRESHOLD:
            assert option["first_count"] == first
        assert option["borda"] == sum(2 - r.index(code) for r in ranks if code in r)
    assert next(o for o in table["options"] if o["code"] == 3)["suppressed"] is True

    # number: mean, median, interval of the mean (normal quantile from n = 30)
    table = question(model, "leeftijd")
    ages = [p.values["leeftijd"] for p in people if p.values["leeftijd"] is not None]
    assert table["valid"] == len(ages)
    # 1 .. 9 without an age: a hidden base.
    assert 0 < len(people) - len(ages) < THRESHOLD
    assert table["missing"] is None and table["missing_suppressed"] is True
    mean = statistics.fmean(ages)
    half = 1.959963984540054 * statistics.stdev(ages) / len(ages) ** 0.5
    assert table["mean"] == round(mean, 2)
    assert table["median"] == round(statistics.median(ages), 2)
    assert table["ci95"] == [round(mean - half, 2), round(mean + half, 2)]
    bands = {b["code"]: b for b in table["bands"]}
    for code, (low, high) in {1: (16, 39), 2: (40, 64), 3: (65, 200)}.items():
        count = sum(1 for a in ages if low <= a <= high)
        if bands[code]["suppressed"]:
            continue
        assert bands[code]["count"] == count
        assert bands[code]["percent"] == round(count / len(ages) * 100, 2)

    # text: answered / shown
    table = question(model, "opmerking")
    answered = sum(1 for p in people if p.values.get("opmerking"))
    assert table["valid"] == answered
    assert table["missing"] == len(people) - answered


def test_weighted_percentages_and_intervals(app: Flask, mini: str, people: list[Any]) -> None:
    model = build(app, mini, crosstabs=False, margins=MARGINS)
    weighting = model["weighting"]
    assert weighting["dimensions"] == ["district", "sex"]
    complete = [
        ((p.values["wijk"], p.values["geslacht"]), p)
        for p in people
        if p.values["wijk"] is not None and p.values["geslacht"] is not None
    ]
    weights = rake(complete, [MARGINS["district"], MARGINS["sex"]])
    n = len(weights)
    mean = sum(weights) / n
    cv2 = sum((w - mean) ** 2 for w in weights) / n / mean**2
    assert weighting["design_effect"] == round(1 + cv2, 2)
    assert weighting["effective_n"] == round(kish(weights))
    assert weighting["excluded_responses"] == len(people) - n

    table = question(model, "problemen")["rows"][1]  # snelheid
    rows = [
        (w, p.values["problemen"]["snelheid"])
        for w, (_cell, p) in zip(weights, complete, strict=True)
        if p.values["problemen"]["snelheid"] in {1, 2, 3}
    ]
    total = sum(w for w, _ in rows)
    neff = kish([w for w, _ in rows])
    assert table["effective_n"] == round(neff, 1)
    for option in table["options"]:
        if option["code"] == 9 or option["suppressed"]:
            continue
        share = sum(w for w, c in rows if c == option["code"]) / total
        assert option["weighted_percent"] == pytest.approx(round(share * 100, 2), abs=0.011)
        expected = wilson(share * neff, neff)
        assert option["weighted_ci95"] == pytest.approx(expected, abs=0.011)
        # the unweighted count stays beside the weighted percentage
        assert option["count"] == sum(
            1 for p in people if p.values["problemen"]["snelheid"] == option["code"]
        )

    # multiple choice: weighted share of respondents
    table = question(model, "waar")
    rows_m = [
        (w, p.values["waar"])
        for w, (_cell, p) in zip(weights, complete, strict=True)
        if any(c != 9 for c in p.values["waar"])
    ]
    total = sum(w for w, _ in rows_m)
    for option in table["options"]:
        if option["code"] == 9 or option["suppressed"]:
            continue
        share = sum(w for w, c in rows_m if option["code"] in c) / total
        assert option["weighted_percent"] == pytest.approx(round(share * 100, 2), abs=0.011)


def test_priority_indicators(app: Flask, mini: str, people: list[Any]) -> None:
    model = build(app, mini, crosstabs=False)
    by_key = {p["phenomenon"]: p for p in model["priorities"]}
    assert set(by_key) == {"drugs", "verkeer", "inbraak"}
    assert by_key["drugs"]["federal_priority"] is True
    answers = [p.values["problemen"]["drugs"] for p in people]
    valid = [a for a in answers if a in {1, 2, 3}]
    concern = sum(1 for a in valid if a == 3) / len(valid) * 100
    assert by_key["drugs"]["indicators"]["concern"] == round(concern, 2)
    # verkeer's ranking option is hidden by the disclosure audit (its first
    # places would follow from Borda minus chosen): its share is hidden too
    # and does not count in the score.
    ranking = question(model, "top")
    assert next(o for o in ranking["options"] if o["code"] == 2)["suppressed"] is True
    assert by_key["verkeer"]["indicators"]["priority"] is None
    assert "priority" in by_key["verkeer"]["suppressed_indicators"]
    # inbraak was chosen by fewer than 10: the share is not published
    assert by_key["inbraak"]["indicators"]["priority"] is None
    assert "priority" in by_key["inbraak"]["suppressed_indicators"]
    # inbraak has no published indicator left: no score, unranked, last.
    assert by_key["inbraak"]["score"] is None and by_key["inbraak"]["rank"] is None
    assert by_key["inbraak"]["rank_interval"] is None
    assert model["priorities"][-1]["phenomenon"] == "inbraak"
    ranks_seen = sorted(p["rank"] for p in model["priorities"] if p["rank"] is not None)
    assert ranks_seen == [1, 2]
    for p in model["priorities"]:
        assert p["proposal"] in {"prioriteit", "aandachtspunt", "basiszorg"}
        assert p["reason"]
        if p["rank"] is not None:
            low, high = p["rank_interval"]
            assert low <= p["rank"] <= high
    # deterministic: a second build gives the same matrix
    assert build(app, mini, crosstabs=False)["priorities"] == model["priorities"]


def test_crosstabs_protect_small_cells(app: Flask, mini: str, people: list[Any]) -> None:
    model = build(app, mini)
    tabs = model["crosstabs"]
    assert {t["dimension"] for t in tabs} == {"district", "age", "sex", "mode"}
    tab = next(t for t in tabs if t["question"] == "veilig" and t["dimension"] == "district")
    columns = [c["code"] for c in tab["columns"]]
    for option in tab["options"]:
        code = option["code"]
        for column, cell in zip(columns, option["cells"], strict=True):
            count = sum(
                1
                for p in people
                if p.values["veilig"] == code
                and (p.values["wijk"] == column or (column is None and p.values["wijk"] is None))
            )
            if 0 < count < THRESHOLD:
                assert cell["suppressed"] is True
            if not cell["suppressed"]:
                assert cell["count"] == count
    # no line (option across groups, or a group's column) keeps exactly one hidden cell
    for tab in tabs:
        overall_table = question(model, tab["question"])
        if tab.get("row"):
            overall_table = next(r for r in overall_table["rows"] if r["key"] == tab["row"])
        total_hidden = {o["code"] for o in overall_table["options"] if o["suppressed"]}
        for option in tab["options"]:
            # A row adds up to the option's overall count: while that count is
            # shown, the row may not keep exactly one hidden cell.
            hidden = sum(c["suppressed"] for c in option["cells"])
            assert hidden != 1 or option["code"] in total_hidden, (tab["question"], option)
        if tab["type"] in {"single", "scale", "matrix"}:
            for index, column in enumerate(tab["columns"]):
                hidden = sum(o["cells"][index]["suppressed"] for o in tab["options"])
                assert hidden != 1 or column["suppressed"], (tab["question"], tab["dimension"])
        for column in tab["columns"]:
            if column["valid"] is not None:
                assert not 0 < column["valid"] < THRESHOLD
        for option in tab["options"]:
            for cell in option["cells"]:
                if cell["count"] is not None:
                    assert not 0 < cell["count"] < THRESHOLD
    # the overall table hides whatever its cross-tabs need hidden
    overall = question(model, "veilig")
    assert sum(o["suppressed"] for o in overall["options"] if o["code"] != 9) >= 2


def test_threshold_is_configurable(app: Flask, mini: str) -> None:
    model = build(app, mini, crosstabs=False, threshold=3)
    assert model["suppression_threshold"] == 3
    table = question(model, "veilig")
    rare = next(o for o in table["options"] if o["code"] == 1)
    # The rare option has 4 answers: shown at threshold 3, hidden at 10 and 15.
    assert rare["suppressed"] is False and rare["count"] == 4
    for higher in (10, 15):
        strict = question(build(app, mini, crosstabs=False, threshold=higher), "veilig")
        assert next(o for o in strict["options"] if o["code"] == 1)["suppressed"] is True
    # A count of 10 .. 14 is shown at 10 and hidden at 15.
    at_ten = build(app, mini, crosstabs=False, threshold=10)
    at_fifteen = build(app, mini, crosstabs=False, threshold=15)
    middling = [
        (q["key"], o["code"])
        for q in at_ten["questions"]
        for o in q.get("options", [])
        if o.get("count") is not None and 10 <= o["count"] < 15
    ]
    assert middling
    for key, code in middling:
        option = next(o for o in question(at_fifteen, key)["options"] if o["code"] == code)
        assert option["suppressed"] is True


def test_the_demo_reports_follow_the_schema(app: Flask) -> None:
    """docs/report.schema.json describes the demo's reports, weighted and
    not, resident and partner; and it refuses a report that shows a
    suppressed count or lacks a key of the contract."""
    from report_schema import schema_errors

    from survey.demo.loader import load_demo
    from survey.extensions import db

    with app.app_context():
        load_demo(db.session, residents=300)
        db.session.commit()
    weighted = build(app, "burgers-2026")
    assert weighted["weighting"] and weighted["crosstabs"]
    for model in (weighted, build(app, "burgers-2026", margins={}), build(app, "partners-2026")):
        assert schema_errors(model) == []
    index, table = next(
        (i, q)
        for i, q in enumerate(weighted["questions"])
        if any(o["suppressed"] for o in q.get("options", []))
    )
    next(o for o in table["options"] if o["suppressed"])["count"] = 4
    del weighted["suppression_threshold"]
    errors = schema_errors(weighted)
    assert any("suppression_threshold" in e for e in errors)
    assert any(e.startswith(f"questions/{index}:") for e in errors), errors


def test_the_report_states_the_concern_rule_and_the_shuffled_order(
    app: Flask, mini: str, people: list[Any]
) -> None:
    """The concern question carries the codes that count as a problem, and
    the report says in words which answers count and that "weet niet" stays
    out of the base; the ranking (shuffled by default) is named in the
    method section."""
    from survey.analysis.report import ReportSettings, build_report
    from survey.extensions import db
    from survey.reporting.html_writer import render_report_html

    model = build(app, mini, crosstabs=False)
    assert question(model, "problemen")["concern_codes"] == [3]
    assert question(model, "top")["shuffled"] is True
    assert "concern_codes" not in question(model, "veilig")
    assert "shuffled" not in question(model, "problemen")
    with app.test_request_context():
        html = render_report_html(build_report(db.session, mini, ReportSettings(crosstabs=False)))
    text = " ".join(html.split())
    assert "een respondent ziet een probleem als die “Vaak” antwoordt" in text
    assert "“Nooit” of “Soms” telt niet als probleem" in text
    assert "“Weet niet” telt niet mee in de basis" in text
    assert "Elke respondent zag de mogelijkheden van “" in text
