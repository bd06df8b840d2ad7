"""Partner answers feed the input report: the importance scores partners
send through their links appear in the report JSON priorities (indicator
``importance``: the mean of the valid codes), overall and per sector."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from partner_flow import add_partner, answer_all, full_answers, issue_all, send
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
    # else only counted. Onderwijs has three, but its mean (4.0) would give
    # the Parket's own answer away: pooled 4 x 3.25 less 3 x 4.0 = 1. So it
    # is withheld as the complement of Justitie.
    by_sector = priorities["drugs"]["importance_by_sector"]
    assert priorities["drugs"]["bases"]["importance"] == 4
    assert by_sector["Onderwijs"] == {"n": 3, "mean": None}
    assert by_sector["Justitie"] == {"n": 1, "mean": None}
