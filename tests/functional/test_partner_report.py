"""Partner answers feed the input report: the importance scores partners
send through their links appear in the report JSON priorities (indicator
``importance``: the mean of the valid codes), overall and per sector; the
partner part shows per phenomenon what each organisation that agreed to be
named answered, and the others only in groups of the sector minimum."""

from __future__ import annotations

import json
import re
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from formtools import Page
from partner_flow import ADMIN, add_partner, answer_all, full_answers, issue_all, send
from planner_helpers import logged_in

pytest.importorskip("survey.analysis.report")


def _priorities(runner: Any, key: str, out: Path) -> dict[str, Any]:
    result = runner.invoke(args=["report", "build", key, "--format", "json", "--out", str(out)])
    assert result.exit_code == 0, result.output
    report = json.loads(out.read_text(encoding="utf-8"))
    return {p["phenomenon"]: p for p in report["priorities"]}


def test_submitted_importance_scores_appear_in_the_report(
    app: Flask, partner_survey: str, runner: Any, tmp_path: Path
) -> None:
    planner = logged_in(app, app.test_client(), role="planner")
    partners = {
        "School Een": ("Onderwijs", 5, 1),
        "School Twee": ("Onderwijs", 4, 2),
        "School Drie": ("Onderwijs", 3, 1),
        "Parket": ("Justitie", 1, 1),
    }
    for name, (sector, _score, _named) in partners.items():
        add_partner(planner, name, sector, f"{name.replace(' ', '').lower()}@vb.be")
    add_partner(planner, "Stil", "Welzijn", "stil@vb.be")  # never answers
    links = issue_all(planner, partner_survey)
    for name, (_sector, score, named) in partners.items():
        client = app.test_client()
        answers = full_answers(score=2, vermelding=named)
        answers["belang"]["belang.drugs"] = score
        answers["belang"]["belang.verkeer"] = 9  # "geen zicht op": not valid
        answer_all(client, links[name], answers)
        assert send(client, links[name]).status_code == 302

    priorities = _priorities(runner, partner_survey, tmp_path / "report.json")
    drugs = priorities["drugs"]["indicators"]["importance"]
    assert drugs == pytest.approx((5 + 4 + 3 + 1) / 4, abs=0.01)
    assert priorities["milieu"]["indicators"]["importance"] == pytest.approx(2.0, abs=0.01)
    # Nobody could judge traffic: no importance figure for it.
    assert priorities["verkeer"]["indicators"].get("importance") is None
    # Per sector: from three organisations on (SURVEY_PARTNER_SECTOR_MIN),
    # else only counted. Onderwijs has three, but School Twee did not agree
    # to be named and is the only one: the partner part shows it with the
    # other schools as "other organisations" (the named schools then not
    # by name), so a mean of the sector, less the named ones, would be
    # School Twee's own answer. Both the mean and its n are withheld.
    by_sector = priorities["drugs"]["importance_by_sector"]
    assert priorities["drugs"]["bases"]["importance"] == 4
    assert by_sector["Onderwijs"] == {"n": None, "mean": None}
    assert by_sector["Justitie"] == {"n": 1, "mean": None}


ORGANISATIONS = {
    # name: (sector, agrees to be named, importance of drugs, comment)
    "Parket Gent": ("Justitie", 1, 5, "Drugshandel aan de schoolpoort neemt toe."),
    "School Een": ("Onderwijs", 2, 4, ""),
    "School Twee": ("Onderwijs", 2, 2, ""),
    "Havenbedrijf Noord": ("Haven", 2, 1, "Drugs komen binnen via de containers."),
    "Welzijn Oost": ("Welzijn", 2, 3, ""),
}


def _report(app: Flask, planner: Any, key: str) -> tuple[dict[str, Any], str]:
    """The partner survey's report as the planner downloads it: JSON and HTML."""
    page = Page(planner.get(f"/planner/rapporten/{key}"))
    assert page.response.status_code == 200
    links = dict(
        (fmt, unescape(href))
        for href, fmt in re.findall(r'href="([^"]*/inputrapport\.(\w+)[^"]*)"', page.html)
    )
    report = json.loads(planner.get(links["json"]).get_data(as_text=True))
    html = planner.get(links["html"]).get_data(as_text=True)
    return report, html


def _drugs_importance(report: dict[str, Any]) -> dict[str, list[int]]:
    part = report["partner_input"]
    drugs = next(p for p in part["phenomena"] if p["phenomenon"] == "drugs")
    belang = next(a for a in drugs["answers"] if a["question"] == "belang")
    return {g["group"]: g["counts"] for g in belang["groups"]}


def test_partners_are_named_only_with_consent_and_others_only_in_groups(
    app: Flask, partner_survey: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With a sector minimum of 2: the Parket agreed to be named and is
    shown by name; the two schools together as their sector; the port and
    the welfare office (one each in their sector) together as "other
    organisations". Their names appear nowhere in the report; the port's
    comment is quoted without its name. When the welfare office then tells
    the zone it may be named (the planner ticks it), the port would be
    alone: the schools join it, and the education sector's mean in the
    priority matrix is withdrawn (it would give the schools' part away)."""
    monkeypatch.setitem(app.config, "PARTNER_SECTOR_MIN", 2)
    planner = logged_in(app, app.test_client(), role="planner")
    for name, (sector, *_rest) in ORGANISATIONS.items():
        add_partner(planner, name, sector, f"{name.replace(' ', '').lower()}@vb.be")
    links = issue_all(planner, partner_survey)
    for name, (_sector, named, score, comment) in ORGANISATIONS.items():
        client = app.test_client()
        answers = full_answers(score=3, vermelding=named)
        answers["belang"]["belang.drugs"] = score
        answers["toelichting"]["toelichting"] = comment
        answers["toelichting"]["aandachtspunt_1"] = ""
        answers["toelichting"]["aandachtspunt_2"] = ""
        answer_all(client, links[name], answers)
        assert send(client, links[name]).status_code == 302

    report, html = _report(app, planner, partner_survey)
    part = report["partner_input"]
    assert [(g["key"], g["organisations"]) for g in part["groups"]] == [
        ("named:Parket Gent", 1),
        ("sector:Onderwijs", 2),
        ("other", 2),
    ]
    # belang codes 1..5 and 9 (geen zicht op): the Parket's 5 by name, the
    # schools' 4 and 2, the port's 1 with the welfare office's 3.
    assert _drugs_importance(report) == {
        "named:Parket Gent": [0, 0, 0, 0, 1, 0],
        "sector:Onderwijs": [0, 1, 0, 1, 0, 0],
        "other": [1, 0, 1, 0, 0, 0],
    }
    quotes = {q["text"]: q["organisation"] for q in part["quotes"]}
    assert quotes["Drugshandel aan de schoolpoort neemt toe."] == "Parket Gent"
    assert quotes["Drugs komen binnen via de containers."] is None
    for hidden in ("Havenbedrijf Noord", "Welzijn Oost", "School Een", "School Twee"):
        assert hidden not in html and hidden not in json.dumps(report, ensure_ascii=False)
    # The page reads as answers: the Parket's own answer, the schools' counts.
    section = html.split('id="partners-drugs"', 1)[1].split("</section>", 1)[0]
    assert re.search(r"Parket Gent</th>\s*<td>Zeer belangrijk</td>", section)
    assert "Onderwijs (2 organisaties)" in section and "Belangrijk: 1" in section
    assert "Drugs komen binnen via de containers." in section
    # No residents' tables of a handful of organisations: nothing hidden.
    assert report["questions"] == [] and report["disclosure"]["audited"] is True
    by_sector = {p["phenomenon"]: p for p in report["priorities"]}["drugs"]["importance_by_sector"]
    assert by_sector["Onderwijs"] == {"n": 2, "mean": 3.0}
    assert by_sector["Haven"] == {"n": None, "mean": None}
    assert by_sector["Welzijn"] == {"n": None, "mean": None}

    # The welfare office agrees to be named, by letter: the planner records it.
    listing = Page(planner.get(ADMIN))
    edit = re.search(
        r'href="(/planner/partners/\d+)"[^>]*>[^<]*<span[^>]*>\s*Welzijn Oost', listing.html
    )
    assert edit, listing.text[:1500]
    form = Page(planner.get(edit.group(1))).form()
    assert form.fields["named"].selected == []
    form.set("named", "y")
    assert form.submit(planner).status_code == 302

    report, html = _report(app, planner, partner_survey)
    part = report["partner_input"]
    assert [(g["key"], g["organisations"]) for g in part["groups"]] == [
        ("named:Parket Gent", 1),
        ("named:Welzijn Oost", 1),
        ("other", 3),
    ]
    assert _drugs_importance(report)["other"] == [1, 1, 0, 1, 0, 0]
    assert "Welzijn Oost" in html and "Havenbedrijf Noord" not in html
    by_sector = {p["phenomenon"]: p for p in report["priorities"]}["drugs"]["importance_by_sector"]
    assert by_sector["Onderwijs"] == {"n": None, "mean": None}
