"""A weighted report against an independent implementation: the raking,
and every weighted figure the report shows, recomputed here with numpy over
the raw values that were stored (no code of survey.analysis is used for the
expected figures). Figure families: option shares, matrix rows, multiple
choice, ranking, the weighting dimensions themselves, number means and
medians, cross-tabs (weighted column % beside unweighted counts), the
priority matrix (weighted indicators, concern per respondent, scores and
ranks), and what the writers say (summary, charts, cross-tab captions)."""

from __future__ import annotations

import json
import math
import random
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from flask import Flask
from report_data import MARGINS, MINI_SURVEY, Respondent, generate, load, wilson

Z = 1.959963984540054
THRESHOLD = 10

# The mini survey with a third row about traffic (concern is per respondent,
# so two traffic rows must count a resident once) and a victimisation matrix
# of two rows about burglary (victimisation is per answer).
SURVEY = MINI_SURVEY.replace(
    """          - {key: snelheid, label: {nl: "Te snel rijden"}, phenomenon: verkeer}""",
    """          - {key: snelheid, label: {nl: "Te snel rijden"}, phenomenon: verkeer}
          - {key: parkeren, label: {nl: "Foutparkeren"}, phenomenon: verkeer}""",
).replace(
    """      - key: aangifte
""",
    """      - key: feiten
        type: matrix
        measure: victimisation
        text: {nl: "Was u slachtoffer van:"}
        options: [{code: 1, label: {nl: "Ja"}}, {code: 2, label: {nl: "Nee"}}]
        rows:
          - {key: woning, label: {nl: "Woninginbraak"}, phenomenon: inbraak}
          - {key: garage, label: {nl: "Inbraak in garage"}, phenomenon: inbraak}
      - key: aangifte
""",
)


def people_with_parking() -> list[Respondent]:
    people = generate(n=400, seed=11)
    rng = random.Random(99)
    for person in people:
        person.values["problemen"]["parkeren"] = rng.choice([1, 2, 2, 3, 3, 9, None])
        person.values["feiten"] = {
            "woning": rng.choice([1, 2, 2, 2, 2, None]),
            "garage": rng.choice([1, 2, 2, 2, None]),
        }
    return people


# --- the independent implementation -------------------------------------------------


def rake(codes: np.ndarray, margins: list[dict[int, float]]) -> np.ndarray:
    """Iterative proportional fitting on respondents (rows of ``codes``, one
    column per dimension) to the population shares, weights of mean 1."""
    n = len(codes)
    weights = np.ones(n)
    targets = [{c: v / sum(m.values()) * n for c, v in m.items()} for m in margins]
    for _sweep in range(10_000):
        for d, target in enumerate(targets):
            for code, wanted in target.items():
                rows = codes[:, d] == code
                weights[rows] *= wanted / weights[rows].sum()
        worst = max(
            abs(weights[codes[:, d] == c].sum() / wanted - 1)
            for d, target in enumerate(targets)
            for c, wanted in target.items()
        )
        if worst < 1e-14:
            break
    return weights / weights.mean()


def kish(w: np.ndarray) -> float:
    return float(w.sum() ** 2 / (w * w).sum())


def share(w: np.ndarray, hit: np.ndarray, base: np.ndarray) -> tuple[float, list[float], float]:
    """Weighted % of ``hit`` among ``base``, its Wilson interval on the
    Kish n of the base, and that n."""
    total = w[base].sum()
    p = w[hit & base].sum() / total
    neff = kish(w[base])
    return round(p * 100, 2), wilson(p * neff, neff), neff


def weighted_median(values: np.ndarray, w: np.ndarray) -> float:
    order = np.argsort(values, kind="stable")
    values, w = values[order], w[order]
    distinct = np.unique(values)
    cumulative = np.cumsum([w[values == v].sum() for v in distinct])
    half = w.sum() / 2
    for i, reached in enumerate(cumulative):
        if math.isclose(reached, half, rel_tol=1e-12, abs_tol=1e-12):
            return float((distinct[i] + distinct[i + 1]) / 2)
        if reached > half:
            return float(distinct[i])
    return float(distinct[-1])


class Data:
    """The stored values as arrays, the weights of complete respondents."""

    def __init__(self, people: list[Respondent]) -> None:
        self.people = people
        self.n = len(people)
        get = self.column
        district, sex = get(lambda v: v["wijk"]), get(lambda v: v["geslacht"])
        self.complete = ~np.isnan(district) & ~np.isnan(sex)
        codes = np.stack([district, sex], axis=1)[self.complete].astype(int)
        self.w = np.zeros(self.n)
        self.w[self.complete] = rake(codes, [MARGINS["district"], MARGINS["sex"]])

    def column(self, pick: Any) -> np.ndarray:
        return np.array(
            [np.nan if pick(p.values) is None else pick(p.values) for p in self.people],
            dtype=float,
        )


def question(model: dict[str, Any], key: str) -> dict[str, Any]:
    return next(q for q in model["questions"] if q["key"] == key)


@pytest.fixture
def weighted(app: Flask, tmp_path: Path) -> tuple[dict[str, Any], Data, str]:
    from survey.analysis.report import ReportSettings, build_report
    from survey.extensions import db
    from survey.reporting.json_writer import render_json

    people = people_with_parking()
    key = load(app, tmp_path, people, SURVEY)
    with app.app_context():
        model = build_report(db.session, key, ReportSettings(margins=MARGINS))
        published = json.loads(render_json(model.to_json()))
    return published, Data(people), key


class Checked:
    """Counts the figures compared, so that no check passes vacuously."""

    def __init__(self) -> None:
        self.n = 0

    def equal(self, got: Any, expected: Any) -> None:
        assert got == expected
        self.n += 1


def check_options(
    checked: Checked,
    table: dict[str, Any],
    w: np.ndarray,
    answers: np.ndarray,
    valid: list[int],
    shown: np.ndarray,
) -> None:
    base = shown & np.isin(answers, valid) & (w > 0)
    assert table["estimates"] == "weighted"
    assert table["effective_n"] == round(kish(w[base]), 1)
    for option in table["options"]:
        if option["suppressed"] or option.get("missing") or table["base_flag"] == "hidden":
            continue
        percent, interval, _neff = share(w, answers == option["code"], base)
        checked.equal(option["weighted_percent"], percent)
        checked.equal(option["weighted_ci95"], interval)
        checked.equal((option["estimate"], option["estimate_ci95"]), (percent, interval))


def test_every_weighted_figure_is_reproduced(weighted: Any) -> None:
    model, data, _key = weighted
    w = data.w
    checked = Checked()
    assert model["estimates"] == "weighted"
    assert model["weighting"]["complete_responses"] == int(data.complete.sum())
    everybody = np.ones(data.n, dtype=bool)

    # single and scale questions, and a question behind show_if
    for key, valid in (("veilig", [1, 2, 3]), ("slachtoffer", [1, 2])):
        answers = data.column(lambda v, k=key: v[k])
        check_options(checked, question(model, key), w, answers, valid, everybody)
    victims = data.column(lambda v: v["slachtoffer"]) == 1
    aangifte = question(model, "aangifte")
    check_options(checked, aangifte, w, data.column(lambda v: v.get("aangifte")), [1, 2], victims)

    # matrix rows
    for row in question(model, "problemen")["rows"]:
        answers = data.column(lambda v, r=row["key"]: v["problemen"][r])
        check_options(checked, row, w, answers, [1, 2, 3], everybody)

    # multiple choice: % of respondents who chose at least one valid option
    table = question(model, "waar")
    chosen = [p.values["waar"] for p in data.people]
    base = np.array([any(c in (1, 2, 3) for c in x) for x in chosen]) & (w > 0)
    assert table["effective_n"] == round(kish(w[base]), 1)
    for option in table["options"]:
        if option["suppressed"] or option.get("missing"):
            continue
        hit = np.array([option["code"] in x for x in chosen])
        percent, interval, _neff = share(w, hit, base)
        checked.equal((option["estimate"], option["estimate_ci95"]), (percent, interval))

    # ranking: % of respondents with a valid first choice who chose it anywhere
    table = question(model, "top")
    ranks = [p.values["top"] for p in data.people]
    base = np.array([bool(r) for r in ranks]) & (w > 0)
    for option in table["options"]:
        if option["suppressed"]:
            continue
        hit = np.array([option["code"] in r for r in ranks])
        percent, interval, _neff = share(w, hit, base)
        checked.equal((option["weighted_percent"], option["estimate"]), (percent, percent))
        checked.equal(option["estimate_ci95"], interval)

    # the weighting dimensions themselves: the margins, without an interval
    for key, dimension in (("wijk", "district"), ("geslacht", "sex")):
        table = question(model, key)
        assert table["estimates"] == "margins"
        margins = MARGINS[dimension]
        for option in table["options"]:
            expected = round(margins[option["code"]] / sum(margins.values()) * 100, 2)
            checked.equal(option["estimate"], expected)
            assert option["estimate_ci95"] is None and option["weighted_ci95"] is None
            assert option["ci95"] is not None  # the unweighted interval stays

    # a number: weighted mean, median and interval on the Kish n
    table = question(model, "leeftijd")
    ages = data.column(lambda v: v["leeftijd"])
    has = ~np.isnan(ages) & (w > 0)
    x, wx = ages[has], w[has]
    mean = float((wx * x).sum() / wx.sum())
    neff = kish(wx)
    sd = math.sqrt(float((wx * (x - mean) ** 2).sum() / wx.sum()) * neff / (neff - 1))
    half = Z * sd / math.sqrt(neff)
    assert table["estimates"] == "weighted" and table["effective_n"] == round(neff, 1)
    checked.equal(table["weighted_mean"], round(mean, 2))
    checked.equal(table["estimate_mean"], round(mean, 2))
    checked.equal(table["estimate_median"], round(weighted_median(x, wx), 2))
    checked.equal(table["estimate_ci95"], [round(mean - half, 2), round(mean + half, 2)])
    assert table["mean"] != table["weighted_mean"]  # the unweighted mean stays beside it
    # its bands (age is not raked on here): weighted shares of those with an age
    bands = np.digitize(ages, [16, 40, 65])
    check_options(
        checked,
        {**table, "options": table["bands"], "estimates": table["bands_estimates"]},
        w,
        np.where(np.isnan(ages), np.nan, bands),
        [1, 2, 3],
        everybody,
    )

    assert checked.n >= 60, checked.n


def test_crosstabs_show_weighted_column_percentages(weighted: Any) -> None:
    model, data, _key = weighted
    w = data.w
    groups = {
        "district": data.column(lambda v: v["wijk"]),
        "sex": data.column(lambda v: v["geslacht"]),
        "age": np.array(
            [
                np.nan
                if p.values["leeftijd"] is None
                else np.digitize(p.values["leeftijd"], [16, 40, 65])
                for p in data.people
            ]
        ),
    }
    modes = np.array([p.mode for p in data.people])
    checked = 0
    for tab in model["crosstabs"]:
        if tab["type"] not in ("single", "scale", "matrix"):
            continue
        assert tab["estimates"] == "weighted"
        if "row" in tab:
            answers = data.column(lambda v, q=tab["question"], r=tab["row"]: v[q][r])
        else:
            answers = data.column(lambda v, q=tab["question"]: v.get(q))
        valid = np.isin(answers, [o["code"] for o in tab["options"]])
        # A group hidden in its own table is no column: its respondents are
        # in the unknown column (docs/report-json.md, disclosure).
        known = [c["code"] for c in tab["columns"] if c["code"] is not None]
        for index, column in enumerate(tab["columns"]):
            if tab["dimension"] == "mode":
                members = modes == column["code"]
            elif column["code"] is None:
                members = ~np.isin(groups[tab["dimension"]], known)
            else:
                members = groups[tab["dimension"]] == column["code"]
            base = members & valid & (w > 0)
            # the column's n is unweighted
            if not column["suppressed"]:
                assert column["valid"] == int((members & valid).sum())
            for option in tab["options"]:
                cell = option["cells"][index]
                if cell["suppressed"] or column["suppressed"] or column["base_flag"] == "hidden":
                    continue
                if w[base].sum() == 0:
                    # respondents without a district or sex have no weight
                    assert cell["estimate"] is None
                    continue
                expected = round(
                    w[base & (answers == option["code"])].sum() / w[base].sum() * 100, 2
                )
                assert cell["estimate"] == expected, (tab["question"], tab["dimension"], column)
                assert cell["weighted_percent"] == expected
                assert cell["count"] == int((members & (answers == option["code"])).sum())
                checked += 1
    assert checked >= 40, checked


def indicators(data: Data, weights: np.ndarray) -> dict[str, dict[str, float]]:
    """Concern (per respondent), priority and victimisation, with ``weights``."""
    w = weights
    result: dict[str, dict[str, float]] = {}
    rows = {"drugs": ["drugs"], "verkeer": ["snelheid", "parkeren"]}
    for phenomenon, keys in rows.items():
        answers = [[p.values["problemen"][k] for k in keys] for p in data.people]
        base = np.array([any(a in (1, 2, 3) for a in row) for row in answers]) & (w > 0)
        hit = np.array([any(a == 3 for a in row) for row in answers])
        result.setdefault(phenomenon, {})["concern"] = w[base & hit].sum() / w[base].sum() * 100
    ranks = [p.values["top"] for p in data.people]
    base = np.array([bool(r) for r in ranks]) & (w > 0)
    for code, phenomenon in ((1, "drugs"), (2, "verkeer"), (3, "inbraak")):
        hit = np.array([code in r for r in ranks])
        result.setdefault(phenomenon, {})["priority"] = w[base & hit].sum() / w[base].sum() * 100
    # victimisation per answer: the two burglary rows pooled
    hits = total = 0.0
    for row in ("woning", "garage"):
        answers = data.column(lambda v, r=row: v["feiten"][r])
        valid = np.isin(answers, [1, 2]) & (w > 0)
        hits += w[valid & (answers == 1)].sum()
        total += w[valid].sum()
    result["inbraak"]["victimisation"] = hits / total * 100
    return result


def scores(values: dict[str, dict[str, float]], weights: dict[str, float]) -> dict[str, float]:
    """Min-max per indicator, then the weighted mean of those a phenomenon has."""
    names = {n for v in values.values() for n in v}
    normalised: dict[str, dict[str, float]] = {p: {} for p in values}
    for name in names:
        have = {p: v[name] for p, v in values.items() if name in v}
        low, high = min(have.values()), max(have.values())
        for p, x in have.items():
            normalised[p][name] = 0.5 if high - low <= 1e-12 else (x - low) / (high - low)
    return {
        p: sum(weights[n] * x for n, x in own.items()) / sum(weights[n] for n in own)
        for p, own in normalised.items()
    }


def test_the_priority_matrix_uses_weighted_indicators(weighted: Any) -> None:
    from survey.analysis.ranking import DEFAULT_WEIGHTS

    model, data, _key = weighted
    assert model["priority_method"]["estimates"] == "weighted"
    expected = indicators(data, data.w)
    unweighted = indicators(data, np.ones(data.n))
    rows = {p["phenomenon"]: p for p in model["priorities"]}
    for phenomenon, values in expected.items():
        row = rows[phenomenon]
        for name, value in values.items():
            if name in row.get("suppressed_indicators", []):
                continue
            assert row["estimate_indicators"][name] == round(value, 2), (phenomenon, name)
            assert row["weighted_indicators"][name] == round(value, 2)
            assert row["indicators"][name] == round(unweighted[phenomenon][name], 2)
    # concern per respondent: two traffic rows count a resident once
    both = [
        p
        for p in data.people
        if p.values["problemen"]["snelheid"] in (1, 2, 3)
        or p.values["problemen"]["parkeren"] in (1, 2, 3)
    ]
    assert rows["verkeer"]["bases"]["concern"] == len(both)
    assert model["priority_method"]["indicator_bases"]["concern"] == "respondents"
    # scores and ranks from the weighted indicators that are published (a
    # hidden one is left out of the score: the score could give it back)
    weights = {
        k: v for k, v in DEFAULT_WEIGHTS.items() if k in ("concern", "priority", "victimisation")
    }
    published = {
        p: {n: v for n, v in values.items() if n not in rows[p].get("suppressed_indicators", [])}
        for p, values in expected.items()
    }
    published = {p: values for p, values in published.items() if values}
    for phenomenon, score in scores(published, weights).items():
        assert rows[phenomenon]["score"] == round(score, 2), phenomenon
    ranked = sorted(published, key=lambda p: -scores(published, weights)[p])
    assert [p["phenomenon"] for p in model["priorities"][: len(ranked)]] == ranked
    # how much residents weigh against partners and registered facts
    sources = {s["source"]: s for s in model["priority_method"]["sources"]}
    assert sources["residents"]["weight_share"] == 1.0
    assert sources["residents"]["people"] == data.n


def test_the_writers_say_weighted_and_show_the_estimates(app: Flask, weighted: Any) -> None:
    from survey.analysis.report import ReportSettings, build_report
    from survey.extensions import db
    from survey.reporting.html_writer import build_charts, render_report_html, summary_sentences

    model, _data, key = weighted
    with app.app_context():
        report = build_report(db.session, key, ReportSettings(margins=MARGINS))
        html = render_report_html(report, standalone=True)
        sentences = summary_sentences(report.to_json())
        charts = build_charts(report)
    # the summary quotes the weighted concern, in whole percentages, and says so
    top = [p for p in model["priorities"] if p["rank"] is not None][:3]
    for p in top:
        concern = p["estimate_indicators"].get("concern")
        if concern is not None:
            assert any(
                s.startswith(f"{round(concern)} %") and s.endswith("(gewogen).") for s in sentences
            ), sentences
    # every question chart is titled as weighted, the weighting dimensions as margins
    assert charts["veilig"].caption == "Gewogen percentages"
    assert "Staafdiagram (gewogen percentages)" in charts["veilig"].alt
    assert "gelijk aan de bevolkingsmarges" in charts["wijk"].caption
    assert charts["problemen"].alt.startswith("Gestapeld staafdiagram (gewogen percentages)")
    # tables and cross-tabs say which figures they show
    assert "Gewogen %" in html and "Ongewogen %" in html
    assert "gewogen kolompercentages" in html


def test_an_unweighted_report_says_ongewogen_wherever_a_figure_appears(
    app: Flask, tmp_path: Path
) -> None:
    from survey.analysis.report import ReportSettings, build_report
    from survey.extensions import db
    from survey.reporting.html_writer import build_charts, render_report_html, summary_sentences

    key = load(app, tmp_path, people_with_parking(), SURVEY)
    with app.app_context():
        report = build_report(db.session, key, ReportSettings(margins={}))
        model = report.to_json()
        html = render_report_html(report, standalone=True)
        sentences = summary_sentences(model)
        charts = build_charts(report)
    assert model["estimates"] == "unweighted" and model["weighting"] is None
    assert model["priority_method"]["estimates"] == "unweighted"
    for q in model["questions"]:
        for table in q.get("rows") or [q]:
            if "options" in table:
                assert table["estimates"] == "unweighted"
                for option in table["options"]:
                    key_pct = "chosen_percent" if "chosen_percent" in option else "percent"
                    assert option["estimate"] == option[key_pct]
    assert all(x["estimates"] == "unweighted" for x in model["crosstabs"])
    assert "De resultaten zijn ongewogen" in " ".join(sentences)
    assert any(s.endswith("(ongewogen).") for s in sentences)
    assert all(
        c.caption.startswith("Ongewogen") for k, c in charts.items() if k in ("veilig", "top")
    )
    assert "% (ongewogen)" in html and "Gewogen %" not in html
    assert "Alle indicatoren zijn ongewogen" in html


def test_a_cap_the_margins_cannot_live_with_still_weights_the_report_and_says_so(
    app: Flask, tmp_path: Path
) -> None:
    """Margins of 90/10 on districts answered about 55/45, with a cap of 1.3:
    raking wants weights of about 1.6 and 0.2, the floor holds district 2 at
    1/1.3 and district 1 carries the rest of the mean (about 1.19). The report
    weights with those (it fell back to weights of 1: the unweighted figures
    under the weighted label, design effect 1.0) and says the margins are not
    reached."""
    from survey.analysis.report import ReportSettings, build_report
    from survey.extensions import db
    from survey.reporting.json_writer import render_json

    people = generate(n=400, seed=11)
    for person in people:
        # Everybody answers the district, so no weight is withheld for a small group.
        if person.values["wijk"] is None:
            person.values["wijk"] = 1
    key = load(app, tmp_path, people)
    margins = {"district": {1: 90.0, 2: 10.0}}
    with app.app_context():
        model = build_report(db.session, key, ReportSettings(margins=margins, trim=1.3))
        published = json.loads(render_json(model.to_json()))

    data = Data(people)
    district = data.column(lambda v: v["wijk"])
    n, n2 = data.n, int((district == 2).sum())
    w = np.where(district == 2, 1 / 1.3, (n - n2 / 1.3) / (n - n2))
    assert w.mean() == pytest.approx(1.0) and w.max() < 1.3
    weighting = published["weighting"]
    assert published["estimates"] == "weighted"
    assert (weighting["min_weight"], weighting["max_weight"]) == (
        round(1 / 1.3, 3),
        round(float(w.max()), 3),
    )
    assert weighting["design_effect"] == round(data.n / kish(w), 2) > 1.0
    assert not weighting["converged"]
    notices = [x for x in weighting["warnings"] if x["kind"] == "margins_not_reached"]
    assert notices and notices[0]["details"]["trim"] == 1.3
    # The gap the notice states is the published margins table's largest.
    shown = [m for m in weighting["margins"] if m["dimension"] == "district"]
    gap = max(abs(m["weighted_percent"] - m["population_percent"]) for m in shown)
    assert notices[0]["details"]["gaps"] == {"district": pytest.approx(gap, abs=0.005)}
    assert gap > 1
    checked = Checked()
    everybody = np.ones(data.n, dtype=bool)
    answers = data.column(lambda v: v["veilig"])
    check_options(checked, question(published, "veilig"), w, answers, [1, 2, 3], everybody)
    # Weights that miss the margins do not make the district's own shares the
    # margins: they are weighted estimates with their interval (55/45 moved
    # towards 90/10, short of it), and the method says so.
    wijk = question(published, "wijk")
    check_options(checked, wijk, w, district, [1, 2], everybody)
    first = next(o for o in wijk["options"] if o["code"] == 1)
    assert first["estimate"] < 90 - 1 and first["estimate_ci95"] is not None
    assert checked.n >= 8, checked.n
    with app.test_request_context("/"):
        from survey.reporting.html_writer import method_sentences

        said = method_sentences(published)["weighting"]
    assert "gewogen schattingen zoals elk ander cijfer, en niet de marges zelf" in said
    assert "zijn de bevolkingsmarges" not in said
