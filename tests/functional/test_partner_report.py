"""Partner answers feed the input report: what partners send through their
links appears in the report JSON priorities: the partners' own indicator
(``partner_priority`` and the row's ``partners`` block: the share of
organisations that want a priority, their top-3 count and tagged extra
attention points) of the default partner survey, and, for a survey that
still asks a 1-5 importance matrix, ``importance`` (the mean of the valid
codes) overall and per sector; the partner part shows per phenomenon what
each organisation that agreed to be named answered, and the others only in
groups of the sector minimum."""

from __future__ import annotations

import json
import re
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from formtools import Page
from partner_flow import (
    ADMIN,
    ATTENTION,
    NO_EXTRA,
    NO_VIEW,
    PRIORITY,
    add_partner,
    answer_all,
    full_answers,
    importance_partner_survey,
    issue_all,
    send,
    with_importance,
)
from planner_helpers import logged_in

pytest.importorskip("survey.analysis.report")


def _priorities(runner: Any, key: str, out: Path) -> dict[str, Any]:
    result = runner.invoke(args=["report", "build", key, "--format", "json", "--out", str(out)])
    assert result.exit_code == 0, result.output
    report = json.loads(out.read_text(encoding="utf-8"))
    return {p["phenomenon"]: p for p in report["priorities"]}


def test_submitted_importance_scores_appear_in_the_report(
    app: Flask, runner: Any, tmp_path: Path
) -> None:
    partner_survey = importance_partner_survey(app, tmp_path)
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
        # "geen zicht op" (9) on traffic: not valid
        answers = with_importance(full_answers(vermelding=named), 2, drugs=score, verkeer=9)
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
    app: Flask, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
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
    partner_survey = importance_partner_survey(app, tmp_path)
    planner = logged_in(app, app.test_client(), role="planner")
    for name, (sector, *_rest) in ORGANISATIONS.items():
        add_partner(planner, name, sector, f"{name.replace(' ', '').lower()}@vb.be")
    links = issue_all(planner, partner_survey)
    for name, (_sector, named, score, comment) in ORGANISATIONS.items():
        client = app.test_client()
        answers = with_importance(full_answers(vermelding=named), 3, drugs=score)
        answers["toelichting"]["toelichting"] = comment
        # No extra attention point: its tag and rating are then not asked.
        for field in ("aandachtspunt_1", "aandachtspunt_1_fenomeen", "aandachtspunt_1_belang"):
            del answers["toelichting"][field]
        # The evidence pages hold comments about drugs and traffic too.
        answers.pop("fenomeen_drugs")
        answers.pop("fenomeen_verkeer")
        answers["aanpak"]["aanpak.drugs"] = NO_EXTRA
        answers["aanpak"]["aanpak.verkeer"] = NO_EXTRA
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
    # The Parket's row: its answers per question (what the zone should do,
    # the trend, the importance, the previous plan), its importance by name.
    row = re.search(r"Parket Gent</th>(.*?)</tr>", section, flags=re.S)
    assert row is not None and "<td>Zeer belangrijk</td>" in row.group(1)
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


# What four partners answer in the default partner survey: per phenomenon
# what the zone should do (the others: no extra effort), their top 3, and
# whether they tag an extra attention point (with burglary).
DECISIONS = {
    "Stad Oost": ({"drugs": PRIORITY, "verkeer": ATTENTION, "milieu": NO_VIEW}, True),
    "Parket West": ({"drugs": PRIORITY, "verkeer": PRIORITY}, True),
    "Scholen Noord": ({"drugs": ATTENTION, "verkeer": NO_EXTRA, "milieu": NO_VIEW}, True),
    "Welzijn Zuid": ({"drugs": NO_VIEW, "verkeer": ATTENTION}, False),
}
TOP3 = {
    "Stad Oost": ("drugs", "verkeer", "overlast"),
    "Parket West": ("verkeer", "drugs", "milieu"),
    "Scholen Noord": ("drugs", "geweld", "ifg"),
    "Welzijn Zuid": ("ifg", "verkeer", "drugs"),
}


def _expected_partner_figures(phenomenon: str, minimum: int) -> dict[str, Any]:
    """The partners' indicator of a phenomenon worked out from the answers
    above, as docs/report-json.md defines it (not from the report)."""
    codes = [answers.get(phenomenon, NO_EXTRA) for answers, _point in DECISIONS.values()]
    valid = [c for c in codes if c != NO_VIEW]
    top3 = sum(phenomenon in ranked for ranked in TOP3.values())
    points = sum(point for _answers, point in DECISIONS.values()) if phenomenon == "inbraak" else 0
    enough = len(valid) >= minimum
    return {
        "organisations": len(valid) if enough else None,
        "priority": round(100 * valid.count(PRIORITY) / len(valid), 2) if enough else None,
        "attention": round(100 * valid.count(ATTENTION) / len(valid), 2) if enough else None,
        "top3": top3 if len(TOP3) >= minimum else None,
        "top3_organisations": len(TOP3) if len(TOP3) >= minimum else None,
        "extra_points": points if len(DECISIONS) >= minimum else None,
    }


def test_partners_indicator_per_phenomenon_is_their_own_and_follows_the_minimum(
    app: Flask, partner_survey: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Four partners say per phenomenon what the zone should do and give a
    top 3. The report gives each phenomenon the partners' own indicator:
    the share of the organisations that could judge it that want a
    priority (the matrix's ``partner_priority``, apart from the residents'
    shares), the share that want an attention point, the top-3 count and
    the tagged extra attention points; the partner part states it per
    phenomenon. A figure on fewer organisations than the partner minimum
    is withheld, and then left out of the score."""
    planner = logged_in(app, app.test_client(), role="planner")
    for name in DECISIONS:
        add_partner(planner, name, "Lokaal bestuur", f"{name.replace(' ', '').lower()}@vb.be")
    links = issue_all(planner, partner_survey)
    for name, (decisions, point) in DECISIONS.items():
        client = app.test_client()
        answers = full_answers(decisions, vermelding=1, top3=TOP3[name])
        if not point:
            for field in ("aandachtspunt_1", "aandachtspunt_1_fenomeen", "aandachtspunt_1_belang"):
                del answers["toelichting"][field]
        answer_all(client, links[name], answers)
        assert send(client, links[name]).status_code == 302

    report, html = _report(app, planner, partner_survey)
    rows = {p["phenomenon"]: p for p in report["priorities"]}
    for phenomenon in ("drugs", "verkeer", "milieu", "ifg", "inbraak", "overlast"):
        expected = _expected_partner_figures(phenomenon, 3)
        row = rows[phenomenon]
        assert row["partners"] == expected, phenomenon
        assert row["indicators"].get("partner_priority") == expected["priority"], phenomenon
    # drugs: Welzijn Zuid cannot judge it; two of the other three want a
    # priority, and all four put it in their top 3.
    assert rows["drugs"]["partners"]["priority"] == pytest.approx(66.67)
    assert rows["drugs"]["partners"]["top3"] == 4
    # milieu: two of four cannot judge it, so its share rests on two
    # organisations: withheld, named as suppressed, out of the score.
    assert rows["milieu"]["partners"]["priority"] is None
    assert "partner_priority" in rows["milieu"]["suppressed_indicators"]
    # The partners are never pooled with residents: no residents' priority
    # share comes from their top 3.
    assert all(p["indicators"].get("priority") is None for p in report["priorities"])
    sources = {s["source"]: s for s in report["priority_method"]["sources"]}
    assert sources["partners"]["indicators"] == ["partner_priority"]
    assert sources["partners"]["people"] == 4
    # The partner part shows the indicator per phenomenon.
    section = html.split('id="partners-drugs"', 1)[1].split("</section>", 1)[0]
    assert "67 % van 3 organisaties wil een prioriteit, 33 % een aandachtspunt" in section
    assert "4 van 4 zetten het in hun top 3" in section
    assert "partner-indicator" in html.split('id="partners-drugs"', 1)[0]

    # With a partner minimum of 5, four organisations are too few for any
    # partners' figure: all withheld, and the matrix scores without them.
    monkeypatch.setitem(app.config, "PARTNER_SECTOR_MIN", 5)
    report, _html = _report(app, planner, partner_survey)
    for row in report["priorities"]:
        if "partners" in row:
            assert row["partners"] == _expected_partner_figures(row["phenomenon"], 5)
            assert set(row["partners"].values()) == {None}
        assert row["indicators"].get("partner_priority") is None


def test_partners_remarks_are_quoted_and_the_places_they_name_shown_with_the_phenomenon(
    app: Flask, tmp_path: Path
) -> None:
    """A partner writes what it sees about drugs (several lines), where it
    happens ("Centrum", one line), an extra attention point (one line) and
    a closing remark: the report quotes the two remarks; "Centrum" is no
    remark but the place the Parket named for drugs, shown (by name) in
    the drugs section; the attention point's name is counted, not quoted.
    A second organisation that did not agree to be named is alone: all
    its answers are withheld, its place too."""
    partner_survey = importance_partner_survey(app, tmp_path)
    planner = logged_in(app, app.test_client(), role="planner")
    add_partner(planner, "Parket Gent", "Justitie", "parket@vb.be")
    add_partner(planner, "Buurtwerk Zuid", "Welzijn", "buurtwerk@vb.be")
    links = issue_all(planner, partner_survey)
    for name, named, place in (
        ("Parket Gent", 1, "Centrum"),
        ("Buurtwerk Zuid", 2, "Kerkhove, aan de markt"),
    ):
        client = app.test_client()
        answers = with_importance(full_answers(vermelding=named), 3, drugs=5)
        answers["fenomeen_drugs"]["drugs_wat"] = "Dealen aan het station, drie dossiers dit jaar."
        answers["fenomeen_drugs"]["drugs_waar"] = place
        answer_all(client, links[name], answers)
        assert send(client, links[name]).status_code == 302

    report, html = _report(app, planner, partner_survey)
    quoted = [q["text"] for q in report["partner_input"]["quotes"]]
    assert "Dealen aan het station, drie dossiers dit jaar." in quoted
    assert "Wij zien vooral drugsoverlast aan het station." in quoted
    assert "Centrum" not in quoted
    assert "Fietsdiefstal aan scholen" not in quoted
    assert "<blockquote" in html
    phenomena = {p["phenomenon"]: p for p in report["partner_input"]["phenomena"]}
    assert phenomena["drugs"]["short_answers"] == [
        {
            "question": "drugs_waar",
            "text": "Waar speelt dit vooral?",
            "answers": [{"text": "Centrum", "organisation": "Parket Gent"}],
        }
    ]
    # Traffic's page was answered with the evidence's own place.
    assert [a["text"] for a in phenomena["verkeer"]["short_answers"][0]["answers"]] == [
        "Hoogveld, aan het station"
    ]
    section = html.split('id="partners-drugs"', 1)[1].split("</section>", 1)[0]
    assert "Waar speelt dit vooral? (antwoorden van de partners)" in section
    assert '<li>Centrum <span class="source">(Parket Gent)</span></li>' in section
    assert not any(
        "Centrum" in quote for quote in re.findall(r"<blockquote.*?</blockquote>", html, flags=re.S)
    )
    assert "Kerkhove, aan de markt" not in html
    assert "Kerkhove, aan de markt" not in json.dumps(report, ensure_ascii=False)
