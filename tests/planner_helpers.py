"""Helpers for the planner tests: users and logging in through the form."""

from __future__ import annotations

import html
import re
import time
from pathlib import Path
from typing import Any

from flask import Flask
from formtools import Page

PASSWORD = "correct horse battery"
# Not imported from conftest: other test folders have a conftest module too.
RESIDENT_FILE = (
    Path(__file__).resolve().parent.parent
    / "survey"
    / "definitions"
    / "default_surveys"
    / "burgers.yaml"
)


def make_user(app: Flask, email: str = "admin@zone.be", role: str = "admin") -> str:
    from survey.extensions import db
    from survey.workspace.accounts import create_user

    with app.app_context():
        create_user(db.session, email, PASSWORD, role)
        db.session.commit()
    return email


def log_in(client: Any, email: str, password: str = PASSWORD) -> Any:
    page = Page(client.get("/planner/aanmelden"))
    form = page.form()
    form.set("email", email).set("password", password)
    return form.submit(client)


def logged_in(app: Flask, client: Any, role: str = "admin", email: str | None = None) -> Any:
    email = email or f"{role}@zone.be"
    make_user(app, email, role)
    response = log_in(client, email)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return client


def sign_in_browser(page: Any, live_server: str, email: str, password: str = PASSWORD) -> None:
    """A planner signs in in Chromium (playwright ``page``), at desktop width."""
    from playwright.sync_api import expect

    page.set_viewport_size({"width": 1024, "height": 800})
    page.goto(f"{live_server}/planner/aanmelden")
    page.locator("#email").fill(email)
    page.locator("#password").fill(password)
    page.locator("main form button[type=submit]").click()
    expect(page.locator("h1")).to_be_visible()


def submit_file(client: Any, page: Page, data: bytes, filename: str, **extra: str) -> Any:
    """Submit the page's file-upload form with ``data`` as its file."""
    import io

    form = page.form()
    payload: dict[str, Any] = {name: value for name, value in form.data() if name != "file"}
    payload.update(extra)
    payload["file"] = (io.BytesIO(data), filename)
    response = client.post(form.action, data=payload, content_type="multipart/form-data")
    # The test client spools a body over 500 KB to a temporary file and closes
    # it only after a followed redirect; left open, the garbage collector
    # closes it with a ResourceWarning in whatever test runs then.
    response.request.input_stream.close()
    return response


def random_values(definition: Any, rng: Any) -> dict[str, Any]:
    """A valid answer set: follows show_if, each type's rules."""
    from survey.definitions.conditions import evaluate

    kept: dict[str, Any] = {}
    for question in definition.questions:
        if not evaluate(question.show_if, definition, kept):
            continue
        codes = [o.code for o in question.options]
        plain = [o.code for o in question.options if not o.exclusive]
        spec = question.spec
        kind = question.type
        if kind in ("single", "scale"):
            kept[question.key] = rng.choice(codes)
        elif kind == "multiple":
            limit = min(int(spec.get("max", len(plain))), len(plain))
            kept[question.key] = sorted(rng.sample(plain, rng.randint(0, limit)), key=codes.index)
        elif kind == "matrix":
            kept[question.key] = {row.key: rng.choice(codes) for row in question.rows}
        elif kind == "ranking":
            kept[question.key] = rng.sample(codes, int(spec["choose"]))
        elif kind == "number":
            low, high = int(spec.get("min", 0)), int(spec.get("max", 100))
            kept[question.key] = rng.randint(low, high)
        elif kind == "text":
            kept[question.key] = rng.choice([None, "Te veel sluikstort aan de kerk", "=1+2"])
    return kept


def response_csv(definition: Any, count: int, seed: int = 7) -> bytes:
    """A response file of ``count`` valid responses (contract section 2)."""
    import csv
    import io
    import random

    rng = random.Random(seed)
    columns = [name for q in definition.questions for name in q.qtype.column_names(q)]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([*columns, "language"])
    for _ in range(count):
        values = random_values(definition, rng)
        cells: dict[str, Any] = {}
        for question in definition.questions:
            if question.key in values:
                cells.update(question.qtype.to_cells(question, values[question.key]))
        writer.writerow(["" if cells.get(c) is None else cells[c] for c in columns] + ["nl"])
    return buffer.getvalue().encode("utf-8")


def msg(app: Flask, text: str, **values: Any) -> str:
    """A message as the app shows it: translated when the catalogs are
    compiled, else the English msgid."""
    from flask_babel import gettext

    with app.test_request_context("/planner/"):
        return str(gettext(text, **values))


def row_prefix(app: Flask, row: int, name: str | None = None) -> str:
    if name is None:
        return msg(app, "Row %(row)s", row=row)
    return msg(app, "Row %(row)s, column %(name)s", row=row, name=name)


def load_demo_residents(app: Flask, residents: int) -> str:
    """The demo consultation with ``residents`` synthetic residents, its
    margins, indicators and partners; returns the resident survey's key."""
    from survey.demo.loader import load_demo
    from survey.extensions import db

    with app.app_context():
        load_demo(db.session, residents=residents)
        db.session.commit()
    return "burgers-2026"


def draw_and_print(app: Flask, key: str, *, people: int, size: int, responses: int = 0) -> int:
    """A frame of ``people``, a sample of ``size`` over district x sex (seed
    5) and its invitation letters printed; with ``responses`` responses
    imported from a file first. Returns the sample's id."""
    from bench.framegen import frame_csv, frame_rows
    from survey.definitions.definition import definition_of
    from survey.definitions.store import find_survey
    from survey.extensions import db
    from survey.planner.frame import import_frame
    from survey.planner.sample import draw_sample
    from survey.responses.csv_import import import_responses

    with app.test_request_context("/planner/"):
        survey = find_survey(db.session, key)
        assert survey is not None
        frame = import_frame(db.session, survey.consultation, frame_csv(frame_rows(people))).frame
        sample = draw_sample(
            db.session,
            survey,
            frame,
            dimensions=["district", "sex"],
            method="proportional",
            size=size,
            seed=5,
        )
        if responses:
            import_responses(db.session, survey, response_csv(definition_of(survey), responses))
        db.session.commit()
        print_wave(sample.id, reminder=False)
        return sample.id


def print_wave(sample_id: int, *, reminder: bool) -> None:
    """Print the invitation (or the next reminder) of a sample, here and
    now, in the current app context; the run must end done."""
    from survey.extensions import db
    from survey.models import Sample
    from survey.planner import mailing

    sample = db.session.get(Sample, sample_id)
    assert sample is not None
    run = mailing.start_run(db.session, sample, reminder=reminder)
    db.session.commit()
    mailing.execute_run(db.session, run.id)
    assert run.state == "done", run.error


def pdf_form(page: Page) -> Any:
    """The form that asks for the report PDF (a POST to .../pdf)."""
    return next(
        f for f in page.forms if f.method == "post" and f.action.split("?")[0].endswith("/pdf")
    )


def pdf_link(page: Page) -> str:
    """The finished PDF's address on its page."""
    found = re.search(r'href="([^"]+\.pdf)"', page.html)
    assert found, page.text[:1000]
    return html.unescape(found.group(1))


def wait_until_finished(app: Flask, client: Any, page: Page) -> Page:
    """Follow the PDF's page as a planner without JavaScript does (its
    "Refresh" link, while it shows the progress) until the job is no longer
    running."""
    for _ in range(900):
        if "data-progress-url" not in page.html:
            return page
        assert "<progress" in page.html and 'role="status"' in page.html
        refresh = re.search(r'href="([^"]+)">' + re.escape(msg(app, "Refresh")) + "<", page.html)
        assert refresh, page.text[:1000]
        time.sleep(0.2)
        page = Page(client.get(html.unescape(refresh.group(1))))
    raise AssertionError("the PDF was not finished in three minutes")


def made_pdf(app: Flask, client: Any, page: Page) -> bytes:
    """The report PDF asked for on ``page`` (the report page or the PDF's
    page), made in the background, followed until ready and downloaded."""
    asked = pdf_form(page).submit(client)
    assert asked.status_code == 303, asked.status_code
    ready = wait_until_finished(app, client, Page(client.get(asked.location)))
    response = client.get(pdf_link(ready))
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    data: bytes = response.get_data()
    response.close()  # send_file streams from the open file
    return data
