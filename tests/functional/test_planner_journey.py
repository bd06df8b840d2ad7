"""The issue's "Done when", walked as a new planner would: create a
consultation, upload and preview a survey, open it, print letters, type in
a paper questionnaire, import 1,000 responses, watch the dashboard, export
CSV/XLSX/SAV and re-open them, purge; then log out and find every page
closed."""

from __future__ import annotations

import csv
import io
import subprocess
from datetime import date, timedelta

import openpyxl
import pyreadstat
import pytest
from formtools import Page
from planner_helpers import RESIDENT_FILE, logged_in, msg, response_csv, submit_file
from sqlalchemy import func, select

KEY = "burgers-2026"
CONSULTATION = "zvp-2026-2031"


def _pdf_pages(data: bytes, tmp_path) -> int:
    path = tmp_path / "letters.pdf"
    path.write_bytes(data)
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    line = next(line for line in out.stdout.splitlines() if line.startswith("Pages:"))
    return int(line.split()[1])


def _fill_paper_form(form):
    """Fill every question the way a typist copies a paper form: the first
    option of each radio question and matrix row, three ranks, an age."""
    for name, field in form.fields.items():
        if field.kind == "radio" and name not in ("format",):
            form.set(name, field.options[0])
    for rank in (1, 2, 3):
        form.set(f"top3.{rank}", str(rank))
    form.set("leeftijd", "41")
    form.set("opmerkingen", '=HYPERLINK("http://x") bel 0470 12 34 56')
    return form


def test_planner_journey(app, client, tmp_path):
    from survey.extensions import db
    from survey.models import FreeText, InvitationCode, Response

    logged_in(app, client, "admin")

    # 1. A consultation, with a retention date in the future.
    page = Page(client.get("/planner/raadplegingen/nieuw"))
    form = page.form()
    form.set("key", CONSULTATION).set("title", "ZVP 2026-2031")
    form.set("retention_until", (date.today() + timedelta(days=400)).isoformat())
    response = form.submit(client)
    assert response.status_code == 302
    assert "ZVP 2026-2031" in Page(client.get(response.location)).text

    # 2. A broken survey file is refused with its problems by path.
    page = Page(client.get("/planner/bevragingen/opladen"))
    broken = RESIDENT_FILE.read_bytes().replace(b"type: ranking", b"type: rankking", 1)
    response = submit_file(client, page, broken, "burgers.yaml")
    assert response.status_code == 422
    assert "pages[" in Page(response).text

    # 3. The real file is stored as a draft survey; preview shows its questions.
    page = Page(client.get("/planner/bevragingen/opladen"))
    response = submit_file(client, page, RESIDENT_FILE.read_bytes(), "burgers.yaml")
    assert response.status_code == 302, Page(response).text[:1500]
    detail = Page(client.get(f"/planner/bevragingen/{KEY}"))
    assert (
        msg(
            app,
            "This survey is a draft. You can still upload a new version. "
            "Once opened, its questions can no longer change.",
        )
        in detail.text
    )
    preview = Page(client.get(f"/planner/bevragingen/{KEY}/voorbeeld"))
    assert "Hoe vaak komen deze problemen" in preview.text or "problemen" in preview.html
    assert 'name="top3.1"' in preview.html

    # 4. Open it, after the page that says what opening means; then its
    # definition cannot change.
    confirm = Page(client.get(f"/planner/bevragingen/{KEY}/openen"))
    assert msg(app, "What opening means") in confirm.text
    response = confirm.form().submit(client)
    assert response.status_code == 302
    assert (
        msg(app, "This survey is open. Its questions can no longer change.")
        in Page(client.get(f"/planner/bevragingen/{KEY}")).text
    )
    page = Page(client.get("/planner/bevragingen/opladen"))
    response = submit_file(client, page, RESIDENT_FILE.read_bytes(), "burgers.yaml")
    assert response.status_code == 422
    said = msg(
        app, "the survey %(key)s has been opened: only a draft can get a new version", key=KEY
    )
    assert said in Page(response).text

    # 5. Letters: a PDF with one page per letter, and a CSV for a mail merge.
    page = Page(client.get(f"/planner/bevragingen/{KEY}/brieven"))
    form = page.form().set("count", "3").set("format", "pdf")
    response = form.submit(client)
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    assert response.headers["Cache-Control"] == "no-store"
    assert _pdf_pages(response.data, tmp_path) == 3
    page = Page(client.get(f"/planner/bevragingen/{KEY}/brieven"))
    response = page.form().set("count", "2").set("format", "csv").submit(client)
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == ["code", "link"] and len(rows) == 3
    assert rows[1][1].endswith(rows[1][0])
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(InvitationCode)) == 5

    # 6. A paper questionnaire, first with a typing error, then right.
    page = Page(client.get(f"/planner/bevragingen/{KEY}/papier"))
    form = _fill_paper_form(page.form()).set("leeftijd", "veertig")
    response = form.submit(client)
    assert response.status_code == 422
    page = Page(response)
    form = _fill_paper_form(page.form())
    response = form.submit(client)
    assert response.status_code == 302, Page(response).text[:2000]
    # The same form sent again (double click) stores nothing new.
    assert form.submit(client).status_code == 302
    with app.app_context():
        modes = dict(
            db.session.execute(select(Response.mode, func.count()).group_by(Response.mode)).all()
        )
    assert modes == {"paper": 1}

    # 7. Import 1,000 responses from a CSV file.
    from survey.definitions.definition import definition_of
    from survey.definitions.store import find_survey

    with app.app_context():
        data = response_csv(definition_of(find_survey(db.session, KEY)), 1000)
    page = Page(client.get(f"/planner/bevragingen/{KEY}/importeren"))
    response = submit_file(client, page, data, "antwoorden.csv")
    assert response.status_code == 200, Page(response).text[:2000]
    assert "1000" in Page(response).text

    # 8. Population margins, then the dashboard with representativeness.
    page = Page(client.get(f"/planner/raadplegingen/{CONSULTATION}/marges"))
    margins = "dimension,code,population\n" + "\n".join(
        [f"district,{c},{p}" for c, p in [(1, 12000), (2, 8000), (3, 5000), (4, 5000)]]
        + [f"age,{c},{p}" for c, p in [(1, 6000), (2, 7000), (3, 9000), (4, 8000)]]
        + ["sex,1,15000", "sex,2,15000"]
    )
    response = submit_file(client, page, margins.encode(), "marges.csv")
    assert response.status_code == 302, Page(response).text[:1500]
    board = Page(client.get(f"/planner/bevragingen/{KEY}/veldwerk"))
    assert "1001" in board.text
    assert "district" in board.text and "sex" in board.text
    assert 'src="data:image/png;base64,' in board.html
    assert "5 / 0" not in board.text and "0 / 5" in board.text

    # 9. Exports that re-open in their tools.
    export_page = Page(client.get(f"/planner/bevragingen/{KEY}/exporteren"))
    assert "antwoorden.csv" in export_page.html
    response = client.get(f"/planner/bevragingen/{KEY}/antwoorden.csv")
    assert response.headers["Cache-Control"] == "no-store"
    text = response.get_data(as_text=True).lstrip("\ufeff")
    table = list(csv.DictReader(io.StringIO(text)))
    assert len(table) == 1001
    assert list(table[0])[:2] == ["response_id", "language"]
    # The consultation has margins now: the raking weight of every response
    # closes the row (mean 1 over those with a weight).
    assert list(table[0])[-2:] == ["mode", "weight"]
    weights = [float(row["weight"]) for row in table if row["weight"]]
    assert weights and abs(sum(weights) / len(weights) - 1) < 1e-9
    paper = next(row for row in table if row["mode"] == "paper")
    assert paper["opmerkingen"].startswith("'=HYPERLINK")
    assert paper["leeftijd"] == "41"
    assert {row["mode"] for row in table} == {"paper", "import"}

    response = client.get(f"/planner/bevragingen/{KEY}/antwoorden.xlsx")
    book = openpyxl.load_workbook(io.BytesIO(response.data), read_only=True)
    sheet_rows = list(book.active.iter_rows(values_only=True))
    assert len(sheet_rows) == 1002
    assert sheet_rows[0][0] == "response_id"

    response = client.get(f"/planner/bevragingen/{KEY}/antwoorden.sav")
    sav = tmp_path / "antwoorden.sav"
    sav.write_bytes(response.data)
    frame, meta = pyreadstat.read_sav(str(sav), user_missing=True)
    assert len(frame) == 1001
    labels = dict(zip(meta.column_names, meta.column_labels, strict=True))
    assert labels["wijk"].startswith("In welke")
    assert meta.variable_value_labels["geslacht"]
    assert any(meta.missing_ranges.values())

    # 10. Purge after the retention date: codes gone, raw free text blanked.
    page = Page(client.get(f"/planner/raadplegingen/{CONSULTATION}/opschonen"))
    assert page.forms[-1].action.endswith("/afmelden")  # not due yet: no purge form
    page = Page(client.get(f"/planner/raadplegingen/{CONSULTATION}"))
    retention_form = next(f for f in page.forms if f.action.endswith("/bewaartermijn"))
    retention_form.set("retention_until", (date.today() - timedelta(days=1)).isoformat())
    assert retention_form.submit(client).status_code == 302
    page = Page(client.get(f"/planner/raadplegingen/{CONSULTATION}/opschonen"))
    response = page.form().set("confirm", CONSULTATION).submit(client)
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(InvitationCode)) == 0
        texts = db.session.execute(select(FreeText.text, FreeText.redacted)).all()
        assert texts and all(raw is None and redacted for raw, redacted in texts)

    # 11. Log out: nothing is reachable any more.
    page = Page(client.get("/planner/"))
    logout = next(f for f in page.forms if f.action.endswith("/afmelden"))
    assert logout.submit(client).status_code == 302
    for url in ("/planner/", f"/planner/bevragingen/{KEY}/antwoorden.csv"):
        response = client.get(url)
        assert response.status_code == 302
        assert "/planner/aanmelden" in response.location


@pytest.mark.parametrize("role", ["viewer"])
def test_viewer_sees_dashboards_but_no_raw_data(app, client, resident_survey, role):
    logged_in(app, client, role)
    assert client.get(f"/planner/bevragingen/{KEY}/veldwerk").status_code == 200
    assert client.get(f"/planner/bevragingen/{KEY}/voorbeeld").status_code == 200
    for url in (
        f"/planner/bevragingen/{KEY}/antwoorden.csv",
        f"/planner/bevragingen/{KEY}/brieven",
        f"/planner/bevragingen/{KEY}/papier",
        f"/planner/raadplegingen/{CONSULTATION}/opschonen",
        "/planner/gebruikers",
    ):
        assert client.get(url).status_code == 403, url


def test_exports_of_a_survey_without_responses(app, client, resident_survey):
    logged_in(app, client, "planner")
    for fmt in ("csv", "xlsx", "sav"):
        response = client.get(f"/planner/bevragingen/{KEY}/antwoorden.{fmt}")
        assert response.status_code == 200, fmt
    assert client.get(f"/planner/bevragingen/{KEY}/antwoorden.pdf").status_code == 404


def test_letters_refused_for_a_bad_count(app, client, resident_survey):
    logged_in(app, client, "planner")
    page = Page(client.get(f"/planner/bevragingen/{KEY}/brieven"))
    response = page.form().set("count", "0").submit(client)
    assert response.status_code == 422
    response = (
        Page(client.get(f"/planner/bevragingen/{KEY}/brieven"))
        .form()
        .set("count", "501")
        .submit(client)
    )
    assert response.status_code == 422
