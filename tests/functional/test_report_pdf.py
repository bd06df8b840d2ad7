"""The report PDF made in the background: the planner asks for it on the
report page, follows its progress on the PDF's page, downloads it when it
is ready; asking again for the same report reuses the file; a failure says
so in Dutch and can be retried; only signed-in users reach it, and a job is
only served under its own survey."""

from __future__ import annotations

import html
import io
import json
import re
import shutil
import subprocess
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from flask import Flask
from formtools import Page
from pdf_checks import page_texts, read_tagged, tree_lines
from planner_helpers import (
    load_demo_residents,
    logged_in,
    msg,
    pdf_form,
    pdf_link,
    wait_until_finished,
)

KEY = "burgers-2026"
PARTNER_KEY = "partners-2026"
REPORT_URL = f"/planner/rapporten/{KEY}"


@pytest.fixture
def demo(app: Flask) -> str:
    """The demo consultation with 200 synthetic residents and its margins."""
    return load_demo_residents(app, 200)


@pytest.fixture
def jobs(app: Flask) -> Path:
    """The jobs folder, empty (the app lives for the whole session)."""
    folder = Path(app.instance_path) / "report-pdfs"
    shutil.rmtree(folder, ignore_errors=True)
    return folder


def test_planner_makes_the_pdf_in_the_background_and_downloads_it(
    app: Flask, client: Any, demo: str, jobs: Path
) -> None:
    logged_in(app, client, "planner")
    report = Page(client.get(f"{REPORT_URL}?threshold=12&crosstabs=off"))
    assert report.response.status_code == 200
    # The PDF is asked for with a button (a form), not a link that waits.
    asked = pdf_form(report).submit(client)
    assert asked.status_code == 303
    assert "/pdf?" in asked.location and "threshold=12" in asked.location
    page = Page(client.get(asked.location))
    assert page.response.status_code == 200
    assert page.response.headers["Cache-Control"] == "no-store"
    # While it is made (seconds, even for 200 answers): a progress bar, a
    # status (live region) and a refresh link, which wait_until_finished follows.
    assert "data-progress-url" in page.html and "<progress" in page.html
    progress = client.get(f"{REPORT_URL}/pdf/voortgang?threshold=12&crosstabs=off").get_json()
    assert progress["state"] in ("running", "done") and progress["message"]
    page = wait_until_finished(app, client, page)
    assert msg(app, "The PDF is ready.") in page.text
    download = pdf_link(page)
    response = client.get(download)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "filename=inputrapport-burgers-2026-" in response.headers["Content-Disposition"]
    data = response.get_data()
    response.close()
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert len(pdf.pages) > 5
    tagged = read_tagged(data)
    assert tagged.marked and tagged.language.startswith("nl")
    texts = page_texts(data)
    # The options reached the PDF: the title page names the raised threshold.
    assert "minder dan 12 antwoorden" in " ".join(texts[0].split())

    # The progress as JSON (what the page's script asks) says done.
    progress = client.get(f"/planner/rapporten/{KEY}/pdf/voortgang?threshold=12&crosstabs=off")
    assert progress.get_json()["state"] == "done"

    # A kept PDF says when it was made and on how many responses.
    assert "Gemaakt op " in page.text and "op 200 antwoorden" in page.text
    job_file = next(jobs.glob("job-*.json"))
    kept = json.loads(job_file.read_text(encoding="utf-8"))
    # Made yesterday morning (09:30 UTC is 10:30 in Brussels in winter).
    kept["updated"] = datetime(2026, 12, 4, 9, 30, tzinfo=UTC).timestamp()
    job_file.write_text(json.dumps(kept), encoding="utf-8")
    again = Page(client.get(asked.location))
    assert "Gemaakt op 4 december 2026, 10:30, op 200 antwoorden." in again.text
    assert msg(app, "Make it again with the latest answers") in again.text

    # Making it again for the same report reuses the laid-out file, and
    # the page gives the new time.
    made = [path for path in jobs.iterdir() if path.suffix == ".pdf"]
    assert len(made) == 1
    first = made[0].stat().st_mtime_ns
    asked_again = pdf_form(again).submit(client)
    assert asked_again.status_code == 303
    page = wait_until_finished(app, client, Page(client.get(asked_again.location)))
    assert msg(app, "The PDF is ready.") in page.text
    assert "4 december 2026" not in page.text and "op 200 antwoorden" in page.text
    assert [path for path in jobs.iterdir() if path.suffix == ".pdf"] == made
    assert made[0].stat().st_mtime_ns == first
    response = client.get(download)
    assert response.get_data() == data
    response.close()  # send_file streams from the open file

    # The old address of the PDF leads to its page, without waiting for a layout.
    old = client.get(f"{REPORT_URL}/inputrapport.pdf?threshold=12&crosstabs=off")
    assert old.status_code == 303 and "/pdf?" in old.location


def test_a_failed_pdf_says_why_in_dutch_and_can_be_made_again(
    app: Flask, client: Any, demo: str, jobs: Path, tmp_path: Path
) -> None:
    # A zone restyled its report templates and broke one: the PDF fails.
    broken = tmp_path / "reports"
    broken.mkdir()
    (broken / "input_report.html").write_text("{{ r.no_such_thing.at_all }}", encoding="utf-8")
    logged_in(app, client, "planner")
    page = Page(client.get(f"{REPORT_URL}/pdf"))
    assert msg(app, "Make the PDF") in page.text
    app.config["SURVEY_REPORTS_FOLDER"] = str(broken)
    try:
        asked = pdf_form(page).submit(client)
        page = wait_until_finished(app, client, Page(client.get(asked.location)))
    finally:
        app.config.pop("SURVEY_REPORTS_FOLDER")
    assert 'role="alert"' in page.html
    assert msg(app, "There is a problem") in page.text
    assert "went wrong" not in page.text  # Dutch, not the English msgid
    assert "Traceback" not in page.html and "no_such_thing" not in page.html
    assert not any(path.suffix == ".pdf" for path in jobs.iterdir())
    progress = client.get(f"{REPORT_URL}/pdf/voortgang")
    assert progress.get_json()["state"] == "failed"

    # Retried once the templates are repaired: the PDF is made.
    retry = pdf_form(page)
    assert msg(app, "Try again") in page.text
    page = wait_until_finished(app, client, Page(client.get(retry.submit(client).location)))
    assert msg(app, "The PDF is ready.") in page.text


def test_an_interrupted_job_can_be_started_again(
    app: Flask, client: Any, demo: str, jobs: Path
) -> None:
    from survey.reporting import pdf_jobs

    logged_in(app, client, "planner")
    with app.test_request_context(REPORT_URL):
        query = {"threshold": "10", "weighting": "on", "crosstabs": "on"}
        identifier = pdf_jobs.job_id(KEY, query, "nl")
        folder = pdf_jobs.jobs_dir()
    # A job that was laying out when the server restarted, long ago.
    job = pdf_jobs.PdfJob(identifier, KEY, {}, "nl", state="layout")
    (folder / f"job-{identifier}.json").write_text(
        json.dumps({**job.__dict__, "updated": time.time() - 3600}),
        encoding="utf-8",
    )
    page = Page(client.get(f"{REPORT_URL}/pdf"))
    assert "data-progress-url" not in page.html
    assert 'role="alert"' in page.html and msg(app, "Try again") in page.text


def test_only_signed_in_users_reach_the_pdf_and_a_job_only_under_its_survey(
    app: Flask, client: Any, demo: str, jobs: Path
) -> None:
    for path in (f"{REPORT_URL}/pdf", f"{REPORT_URL}/pdf/voortgang", f"{REPORT_URL}/pdf/0.pdf"):
        response = client.get(path)
        assert response.status_code == 302 and "/planner/aanmelden" in response.location
    response = client.post(f"{REPORT_URL}/pdf")
    assert response.status_code in (302, 400)
    assert not jobs.exists() or not any(jobs.iterdir())

    logged_in(app, client, "viewer")
    page = Page(client.get(f"{REPORT_URL}/pdf"))
    asked = pdf_form(page).submit(client)
    page = wait_until_finished(app, client, Page(client.get(asked.location)))
    download = pdf_link(page)
    job = download.rsplit("/", 1)[1]
    # The same job asked for under another survey, or a job that does not exist.
    assert client.get(f"/planner/rapporten/{PARTNER_KEY}/pdf/{job}").status_code == 404
    assert client.get(f"{REPORT_URL}/pdf/{'0' * 32}.pdf").status_code == 404
    assert client.get(f"{REPORT_URL}/pdf/..%2Fjob.pdf").status_code == 404
    assert client.get("/planner/rapporten/bestaat-niet/pdf").status_code == 404


@pytest.fixture
def own_chart_store(app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An empty chart store: the app serves the whole session, and another
    test may have had the report page draw the same demo's charts."""
    monkeypatch.setitem(app.config, "REPORT_CHART_DIR", str(tmp_path / "charts"))


def _broken_drawing(kind: str, inputs: str) -> None:
    raise MemoryError(kind)


def _hung_drawing(kind: str, inputs: str) -> None:
    time.sleep(600)


def _pixels(pdf: bytes, dpi: int = 40) -> bytes:
    return subprocess.run(
        ["pdftoppm", "-r", str(dpi), "-gray", "-"], input=pdf, capture_output=True, check=True
    ).stdout


def _annex(app: Flask) -> tuple[str, bytes, int]:
    """The PDF annex of the demo's report as the PDF job makes it: its
    HTML, its bytes and how many charts this process drew."""
    from survey import memo
    from survey.analysis.report import build_report
    from survey.extensions import db
    from survey.reporting.pdf_writer import lay_out, print_html
    from survey.workspace.views.reports import default_settings

    with app.test_request_context(REPORT_URL):
        model = build_report(db.session, KEY, default_settings())
        db.session.rollback()
        memo.CHARTS.clear()
        html, charts = print_html(model)
        assert len(charts.charts) > 10
        data = lay_out(html, charts)
        return html, data, memo.CHARTS.misses


def test_the_pdf_is_the_same_whether_its_charts_are_drawn_by_another_process_or_here(
    app: Flask, demo: str, own_chart_store: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from survey.reporting import print_charts

    monkeypatch.setattr(print_charts, "DRAWERS", 1)
    html, apart, drawn_here = _annex(app)
    assert drawn_here == 0  # every chart came from the drawer process
    # The HTML names each chart by its address and carries none of them.
    assert 'src="chart:' in html and "data:image/svg+xml" not in html
    monkeypatch.setattr(print_charts, "DRAWERS", 0)
    html_here, here, drawn_here = _annex(app)
    assert drawn_here > 10 and html_here == html
    assert page_texts(apart) == page_texts(here)
    assert "Figuur 1." in "".join(page_texts(apart))
    assert _pixels(apart) == _pixels(here)
    tagged = read_tagged(apart)
    assert tagged.figures_without_alt == 0 and tagged.structure["Figure"] >= 10


@pytest.fixture
def here(app: Flask, demo: str, own_chart_store: None, monkeypatch: pytest.MonkeyPatch) -> bytes:
    """The demo's PDF with every chart drawn in this process (no drawer)."""
    from survey.reporting import print_charts

    monkeypatch.setattr(print_charts, "DRAWERS", 0)
    return _annex(app)[1]


def test_a_chart_drawer_that_fails_leaves_no_chart_out_of_the_pdf(
    app: Flask, here: bytes, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from survey.reporting import print_charts

    # The drawer process inherits the broken drawing; this process draws.
    monkeypatch.setattr(print_charts, "DRAWERS", 1)
    monkeypatch.setattr(print_charts, "draw_now", _broken_drawing)
    _html, apart, drawn_here = _annex(app)
    assert drawn_here > 10
    assert "a chart drawer failed" in caplog.text
    assert page_texts(apart) == page_texts(here)
    assert _pixels(apart) == _pixels(here)

    # A drawer that hangs (a lock copied by the fork) does not hang the PDF.
    monkeypatch.setattr(print_charts, "draw_now", _hung_drawing)
    monkeypatch.setattr(print_charts, "PATIENCE", 1.0)
    began = time.monotonic()
    _html, waited, drawn_here = _annex(app)
    assert drawn_here > 10 and time.monotonic() - began < 60
    assert "no chart from the drawer in 1.0 s" in caplog.text
    assert page_texts(waited) == page_texts(here)


def test_the_pdf_reads_the_charts_the_report_page_had_drawn(
    app: Flask,
    client: Any,
    here: bytes,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    from survey.reporting import print_charts

    # The planner opened the report page and scrolled through its charts.
    logged_in(app, client, "viewer")
    page = client.get(REPORT_URL).get_data(as_text=True)
    addresses = re.findall(r'<img src="([^"]*/grafiek/[^"]*)"', page)
    assert len(addresses) > 10
    for address in addresses:
        assert client.get(html.unescape(address)).status_code == 200
    # A drawer would fail loudly: none is needed, and nothing is drawn here.
    monkeypatch.setattr(print_charts, "DRAWERS", 1)
    monkeypatch.setattr(print_charts, "draw_now", _broken_drawing)
    _html, read, drawn_here = _annex(app)
    assert drawn_here == 0 and "a chart drawer failed" not in caplog.text
    assert page_texts(read) == page_texts(here)
    assert _pixels(read) == _pixels(here)


def test_the_pdf_is_the_same_whether_its_html_is_read_by_libxml2_or_tinyhtml5_bare_or_indented(
    app: Flask, demo: str, own_chart_store: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tinyhtml5  # type: ignore[import-untyped]
    from flask_babel import force_locale

    from survey.analysis.report import build_report
    from survey.extensions import db
    from survey.reporting import pdf_seams, print_charts
    from survey.reporting.pdf_writer import print_html
    from survey.workspace.views.reports import default_settings

    monkeypatch.setattr(print_charts, "DRAWERS", 0)
    html, fast, _drawn = _annex(app)
    # The report's HTML, in Dutch and in French: libxml2 builds the tree
    # tinyhtml5 builds, node by node.
    with app.test_request_context(REPORT_URL):
        french = replace(default_settings(), language="fr")
        with force_locale("fr"):
            french_html = print_html(build_report(db.session, KEY, french))[0]
        db.session.rollback()
    assert 'lang="fr"' in french_html
    for document in (html, french_html):
        tree = pdf_seams.c_parsed(document)
        assert tree is not None
        html5 = tinyhtml5.parse(document, namespace_html_elements=False)
        assert tree_lines(tree) == tree_lines(html5)
    # With the whitespace between its table tags, read by tinyhtml5 with
    # WeasyPrint's whole user-agent stylesheet: the same pages, text and
    # pixels, and the same file to the byte.
    monkeypatch.setattr(pdf_seams, "C_PARSER", False)
    monkeypatch.setattr(pdf_seams, "LEAN_UA", False)
    monkeypatch.setattr(pdf_seams, "BARE_TABLES", False)
    html_slow, slow, _drawn = _annex(app)
    assert len(html_slow) > len(html)
    monkeypatch.setattr(pdf_seams, "BARE_TABLES", True)
    assert pdf_seams.bare_tables(html_slow) == html
    assert page_texts(fast) == page_texts(slow)
    assert _pixels(fast, dpi=60) == _pixels(slow, dpi=60)
    assert fast == slow
    tagged = read_tagged(fast)
    assert tagged.language == "nl" and tagged.figures_without_alt == 0


def _page_pixels(pdf: bytes, folder: Path, dpi: int = 60) -> list[bytes]:
    """Each page's pixels (grey, ``dpi``), in page order."""
    folder.mkdir()
    (folder / "doc.pdf").write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", str(dpi), "-gray", str(folder / "doc.pdf"), str(folder / "page")],
        check=True,
    )
    return [page.read_bytes() for page in sorted(folder.glob("page-*.pgm"))]


def _reading_order(pdf: bytes) -> list[str]:
    """The text of every page in reading order (pdftotext without -layout:
    words, not their columns)."""
    result = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True)
    return result.stdout.decode("utf-8").split("\f")


def test_chart_labels_drawn_as_runs_read_the_same_and_change_only_the_chart_pages(
    app: Flask, here: bytes, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from survey.reporting import pdf_seams

    monkeypatch.setattr(pdf_seams, "SVG_TEXT_RUNS", False)
    _html, letters, _drawn = _annex(app)
    assert letters != here  # the labels are drawn otherwise...
    # ...and read the same: the same pages, the same words in the same order.
    assert _reading_order(here) == _reading_order(letters)
    runs_pages = _page_pixels(here, tmp_path / "runs")
    letters_pages = _page_pixels(letters, tmp_path / "letters")
    assert len(runs_pages) == len(letters_pages) == len(page_texts(here))
    changed = [n for n, (a, b) in enumerate(zip(runs_pages, letters_pages, strict=True)) if a != b]
    # Only pages with a chart (its numbered caption) change, and not all of them
    # show it at 60 dpi.
    with_chart = [n for n, text in enumerate(page_texts(here)) if "Figuur " in text]
    assert changed and set(changed) <= set(with_chart)
