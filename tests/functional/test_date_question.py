"""A date question, end to end: a resident types a day in three fields
(GOV.UK's date input) and reads it back on the check page, gets a clear
Dutch message for a day that is not real, incomplete or out of range, and
the day comes out of every export as a day and into the report by month."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from flask import Flask
from formtools import Page
from resident_flow import start, submit, tr
from sqlalchemy import select
from support import import_file

from survey.extensions import db
from survey.models import Answer, Variable

KEY = "datum-test"
SURVEY = {
    "format": 1,
    "key": KEY,
    "consultation": KEY,
    "audience": "citizen",
    "access": "open",
    "languages": ["nl", "fr"],
    "title": {"nl": "Uw aangifte"},
    "pages": [
        {
            "key": "feit",
            "title": {"nl": "Het feit"},
            "questions": [
                {
                    "key": "wanneer",
                    "type": "date",
                    "text": {"nl": "Wanneer gebeurde het?", "fr": "Quand est-ce arrivé ?"},
                    "min": "2024-01-01",
                    "max": "2026-12-31",
                    "required": True,
                },
                {
                    "key": "waar",
                    "type": "text",
                    "text": {"nl": "Waar gebeurde het?"},
                    "show_if": {"question": "wanneer", "answered": True},
                },
            ],
        }
    ],
}


@pytest.fixture
def survey(app: Flask, tmp_path: Path) -> str:
    path = tmp_path / "datum.yaml"
    # Unquoted days, as a planner writes them: they stay the text they are.
    path.write_text(
        yaml.safe_dump(SURVEY, allow_unicode=True).replace("'2024-01-01'", "2024-01-01"),
        encoding="utf-8",
    )
    return import_file(app, path)


def _post_day(client: Any, page: Page, day: str, month: str, year: str) -> Any:
    form = page.form().set("wanneer.day", day).set("wanneer.month", month)
    return form.set("wanneer.year", year).submit(client)


def test_a_resident_types_a_day_and_reads_it_back(app: Flask, client: Any, survey: str) -> None:
    page = Page(start(client, survey))
    assert tr(app, "For example, 27 3 2026") in page.text
    assert [f"wanneer.{p}" in page.form().fields for p in ("day", "month", "year")] == [True] * 3
    assert 'id="f-wanneer-day"' in page.html and 'inputmode="numeric"' in page.html

    # Without the page script, the question that depends on the day comes up.
    again = _post_day(client, page, "27", "3", "2026")
    assert again.status_code == 200 and "waar" in Page(again).form().fields
    assert Page(again).form().fields["wanneer.month"].value == "3"
    posted = Page(again).form().set("waar", "Aan het station").submit(client)
    assert posted.status_code == 302
    check = client.get(posted.location)
    assert "27 maart 2026" in Page(check).text
    submit(client, check)

    with app.app_context():
        code, number = db.session.execute(
            select(Answer.code, Answer.number)
            .join(Variable, Variable.id == Answer.variable_id)
            .where(Variable.name == "wanneer")
        ).one()
    assert (code, number) == (202603, 20260327.0)  # the month is the code: SQL groups by it


@pytest.mark.parametrize(
    ("typed", "field", "message", "params"),
    [
        (("31", "2", "2026"), "day", "Enter a real date, for example 27 3 2026.", {}),
        (("27", "", "2026"), "month", "The date must include a month.", {}),
        (("27", "3", "26"), "year", "The year must have 4 numbers.", {}),
        (("2x", "3", "2026"), "day", "Enter a real date, for example 27 3 2026.", {}),
        (
            ("27", "3", "2023"),
            "day",
            "Enter a date from %(min)s to %(max)s.",
            {"min": "1 1 2024", "max": "31 12 2026"},
        ),
    ],
)
def test_a_day_that_cannot_be_right_gets_a_clear_message_at_its_field(
    app: Flask,
    client: Any,
    survey: str,
    typed: tuple[str, str, str],
    field: str,
    message: str,
    params: dict[str, str],
) -> None:
    page = Page(start(client, survey))
    shown = Page(_post_day(client, page, *typed))
    if tr(app, "There is a problem") not in shown.text:
        # A day that reads brings up the next question first.
        shown = Page(shown.form().set("waar", "Thuis").submit(client))
    assert shown.response.status_code == 200
    expected = tr(app, message, **params)
    assert f'href="#f-wanneer-{field}"' in shown.html
    assert expected in shown.text
    # What was typed stays in the fields.
    assert [shown.form().fields[f"wanneer.{p}"].value for p in ("day", "month", "year")] == list(
        typed
    )


def test_the_dutch_message_follows_the_govuk_pattern(app: Flask) -> None:
    assert tr(app, "Enter a real date, for example 27 3 2026.") == (
        "Vul een geldige datum in, bijvoorbeeld 27 3 2026."
    )


def _import(runner: Any, tmp_path: Path, days: list[str]) -> Any:
    path = tmp_path / "antwoorden.csv"
    rows = [["wanneer", "waar"], *([day, "thuis"] for day in days)]
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return runner.invoke(args=["responses", "import", KEY, str(path)])


def test_days_come_out_of_every_export_as_days(runner: Any, survey: str, tmp_path: Path) -> None:
    import pyreadstat
    from openpyxl import load_workbook

    assert _import(runner, tmp_path, ["2026-03-27", "2024-01-01"]).exit_code == 0
    out = tmp_path / "export"
    for suffix in ("csv", "xlsx", "sav"):
        result = runner.invoke(args=["responses", "export", KEY, "--out", f"{out}.{suffix}"])
        assert result.exit_code == 0, result.output

    rows = list(csv.DictReader(io.StringIO(Path(f"{out}.csv").read_text(encoding="utf-8-sig"))))
    assert sorted(r["wanneer"] for r in rows) == ["2024-01-01", "2026-03-27"]

    sheet = load_workbook(f"{out}.xlsx")["responses"]
    column = [c.value for c in sheet[1]].index("wanneer")
    cells = [row[column] for row in sheet.iter_rows(min_row=2)]
    assert all(c.is_date and c.number_format == "yyyy-mm-dd" for c in cells)
    assert sorted(c.value.date().isoformat() for c in cells) == ["2024-01-01", "2026-03-27"]

    frame, meta = pyreadstat.read_sav(f"{out}.sav")
    assert meta.original_variable_types["wanneer"] == "DATE11"
    assert meta.variable_measure["wanneer"] == "scale"
    assert sorted(str(v) for v in frame["wanneer"].dropna()) == ["2024-01-01", "2026-03-27"]


def test_a_response_file_day_that_is_no_day_refuses_the_file(
    runner: Any, survey: str, tmp_path: Path
) -> None:
    result = _import(runner, tmp_path, ["2026-03-27", "27/03/2026", "2023-05-01"])
    assert result.exit_code != 0
    assert "Rij 3, kolom wanneer: Schrijf de dag als 2026-03-27." in result.output
    assert "Rij 4, kolom wanneer.day: Vul een datum in van 1 1 2024 tot 31 12 2026." in (
        result.output
    )


def test_the_report_counts_days_by_month(runner: Any, survey: str, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    days = [f"2026-03-{d % 28 + 1:02d}" for d in range(30)] + ["2025-11-15"] * 10 + ["2024-02-29"]
    assert _import(runner, tmp_path, days).exit_code == 0
    out = tmp_path / "report"
    for fmt in ("json", "html", "xlsx"):
        result = runner.invoke(
            args=["report", "build", KEY, "--format", fmt, "--out", f"{out}.{fmt}"]
        )
        assert result.exit_code == 0, result.output

    question = next(q for q in json.loads(Path(f"{out}.json").read_text())["questions"])
    assert question["type"] == "date" and (question["valid"], question["missing"]) == (41, 0)
    months = {m["month"]: m for m in question["months"]}
    assert list(months) == ["2024-02", "2025-11", "2026-03"]
    assert months["2026-03"]["label"] == "maart 2026"
    # One answer in February 2024 is hidden, and so is the next smallest
    # month: the months add up to the published valid answers.
    assert months["2024-02"]["suppressed"] and months["2024-02"]["count"] is None
    assert months["2025-11"]["suppressed"] and not months["2026-03"]["suppressed"]
    assert months["2026-03"]["count"] == 30 and months["2026-03"]["percent"] == 73.17

    html = Path(f"{out}.html").read_text(encoding="utf-8")
    assert '<th scope="row">maart 2026</th>' in html
    assert "73,17" in html

    sheet = load_workbook(f"{out}.xlsx")["wanneer"]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=4, max_row=6)]
    assert rows[0][:2] == ["februari 2024", "x"]
    assert rows[2][:3] == ["maart 2026", 30, 73.17]


def test_a_weighted_report_weighs_the_months_too(app: Flask, runner: Any, tmp_path: Path) -> None:
    """When the report is weighted, every estimate is: the months get their
    weighted percentages like any table of counts."""
    raw = json.loads(json.dumps(SURVEY))
    raw.update(key="datum-gewogen", consultation="datum-gewogen")
    raw["pages"][0]["questions"].append(
        {
            "key": "wijk",
            "type": "single",
            "dimension": "district",
            "text": {"nl": "Waar woont u?"},
            "options": [
                {"code": 1, "label": {"nl": "Noord"}},
                {"code": 2, "label": {"nl": "Zuid"}},
            ],
        }
    )
    path = tmp_path / "gewogen.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    key = import_file(app, path)
    rows = [["wanneer", "waar", "wijk"]]
    rows += [["2026-03-10", "thuis", "1"]] * 30 + [["2025-11-15", "thuis", "2"]] * 20
    data = tmp_path / "antwoorden.csv"
    data.write_text("\n".join(",".join(r) for r in rows) + "\n", encoding="utf-8")
    assert runner.invoke(args=["responses", "import", key, str(data)]).exit_code == 0
    margins = tmp_path / "margins.csv"
    margins.write_text("dimension,code,population\ndistrict,1,500\ndistrict,2,1500\n")
    out = tmp_path / "gewogen.json"
    result = runner.invoke(
        args=[
            "report",
            "build",
            key,
            "--format",
            "json",
            "--margins",
            str(margins),
            "--out",
            str(out),
        ]
    )
    assert result.exit_code == 0, result.output
    question = json.loads(out.read_text())["questions"][0]
    months = {m["month"]: m for m in question["months"]}
    # 30 of 50 answers in March, all from the north: a quarter of the population.
    assert months["2026-03"]["percent"] == 60.0
    assert months["2026-03"]["weighted_percent"] == 25.0
    assert months["2025-11"]["weighted_percent"] == 75.0
    assert question["effective_n"] > 0
