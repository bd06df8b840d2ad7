"""When the disclosure audit fails (``AuditError``: relations that
contradict the true values, a bug in the platform), no report is shown and
no file is written: the report page, every download, the background PDF and
``report build`` say so, the pages in Dutch, never a 500 or half a file."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from formtools import Page
from planner_helpers import load_demo_residents, logged_in, msg, pdf_form, wait_until_finished

KEY = "burgers-2026"
REPORT_URL = f"/planner/rapporten/{KEY}"
PROBLEM = (
    "The report cannot be built: the check that no hidden figure can be worked out from the "
    "published ones did not finish, so nothing is shown. This is an error in the platform and "
    "it has been logged: tell the administrator. Other options (a higher threshold, no "
    "cross-tabs) may give a report meanwhile."
)


@pytest.fixture
def broken_audit(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    """The demo with an audit that meets relations contradicting the true
    values: the real audit on a system built wrong (a published 10 in a
    total of 5), in place of the report's own."""
    from survey import memo
    from survey.analysis import audit

    load_demo_residents(app, 60)

    def contradiction(*_args: Any, **_kwargs: Any) -> Any:
        system = audit.System()
        system.add("published", 10)
        system.add("hidden", 2, hidden=True)
        system.relate(audit.equation({"published": 1.0, "hidden": 1.0}, 5))
        return audit.audit(system, 10)

    monkeypatch.setattr(audit, "protect", contradiction)
    memo.AUDITS.clear()  # an audit remembered from another test would hide it


def test_the_report_page_and_downloads_say_why_there_is_no_report(
    app: Flask, client: Any, broken_audit: None, caplog: pytest.LogCaptureFixture
) -> None:
    logged_in(app, client, "viewer")
    response = client.get(REPORT_URL)
    assert response.status_code == 422
    page = Page(response)
    assert msg(app, PROBLEM) in page.text
    assert "Traceback" not in page.html and "no solution" not in page.html
    # The administrator finds the cause in the log.
    assert any("disclosure audit" in r.getMessage() for r in caplog.records)
    for fmt in ("xlsx", "json", "html", "docx", "zip"):
        download = client.get(f"{REPORT_URL}/inputrapport.{fmt}")
        assert download.status_code == 422, fmt
        assert "attachment" not in download.headers.get("Content-Disposition", "")
        assert msg(app, PROBLEM) in Page(download).text


def test_the_background_pdf_fails_with_the_reason_and_leaves_no_file(
    app: Flask, client: Any, broken_audit: None
) -> None:
    jobs = Path(app.instance_path) / "report-pdfs"
    shutil.rmtree(jobs, ignore_errors=True)
    logged_in(app, client, "planner")
    page = Page(client.get(f"{REPORT_URL}/pdf"))
    asked = pdf_form(page).submit(client)
    page = wait_until_finished(app, client, Page(client.get(asked.location)))
    assert 'role="alert"' in page.html
    assert msg(app, PROBLEM) in page.text
    assert client.get(f"{REPORT_URL}/pdf/voortgang").get_json()["state"] == "failed"
    assert not any(path.suffix == ".pdf" for path in jobs.iterdir())


def test_report_build_stops_with_the_reason_and_writes_no_file(
    app: Flask, broken_audit: None, tmp_path: Path
) -> None:
    out = tmp_path / "rapport.pdf"
    result = app.test_cli_runner().invoke(
        args=["report", "build", KEY, "--format", "pdf", "--out", str(out)]
    )
    assert result.exit_code == 1
    assert "the disclosure audit could not check the report of burgers-2026" in result.output
    assert "nothing was written" in result.output
    assert "Traceback" not in result.output
    assert not out.exists()
