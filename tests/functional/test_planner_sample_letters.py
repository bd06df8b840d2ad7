"""A planner in the workspace: uploads a register extract (a bad one first),
sets the letters' sender, contact, dates and logo, draws a stratified
sample, prints the invitation letters in the background while the page
shows the progress, downloads the PDF and the mail-house file, and deletes
the PDF after printing."""

from __future__ import annotations

import io
import subprocess
import time
from pathlib import Path
from typing import Any

import segno
from flask import Flask
from formtools import Page
from planner_helpers import logged_in, msg, row_prefix, submit_file
from sqlalchemy import func, select

from bench.framegen import frame_csv, frame_rows
from survey.extensions import db
from survey.models import FramePerson, SampleMember

CONSULTATION = "zvp-2026-2031"


def _png() -> bytes:
    buffer = io.BytesIO()
    segno.make("Politiezone Voorbeeld").save(buffer, kind="png", scale=4)
    return buffer.getvalue()


def _settings(client: Any, **files: bytes) -> Any:
    url = f"/planner/raadplegingen/{CONSULTATION}/brieven"
    form = Page(client.get(url)).form()
    form.set("sender", "Politiezone Voorbeeld")
    form.set("sender_address", "Stationsstraat 1, 9000 Gent")
    form.set("signatory", "Eva Claes")
    form.set("signatory_title", "Korpschef")
    form.set("phone", "09 266 61 11")
    form.set("email", "bevraging@politie.example.be")
    form.set("privacy_url", "https://politie.example.be/privacy")
    form.set("reply_by", "2027-01-31")
    form.set("fieldwork_until", "2027-02-28")
    payload: dict[str, Any] = dict(form.data())
    for name, data in files.items():
        payload[name] = (io.BytesIO(data), f"{name}.png")
    return client.post(form.action, data=payload, content_type="multipart/form-data")


def test_planner_draws_a_sample_and_prints_letters_in_the_background(
    app: Flask, client: Any, resident_survey: str, tmp_path: Path
) -> None:
    logged_in(app, client, "planner")
    frame_url = f"/planner/raadplegingen/{CONSULTATION}/steekproefkader"
    rows = frame_rows(300)
    rows[7]["postcode"] = "90000"
    response = submit_file(client, Page(client.get(frame_url)), frame_csv(rows), "register.csv")
    assert response.status_code == 422
    assert f"{row_prefix(app, 9)}:" in Page(response).text
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(FramePerson)) == 0
    rows[7]["postcode"] = "9000"
    response = submit_file(client, Page(client.get(frame_url)), frame_csv(rows), "register.csv")
    assert response.status_code == 302
    assert "300" in Page(client.get(frame_url)).text

    # Settings: a text file as logo is refused, a PNG is kept.
    response = _settings(client, logo=b"GIF89a not a png")
    assert response.status_code == 422
    assert msg(app, "An image must be a PNG or JPEG file.") in Page(response).text
    response = _settings(client, logo=_png(), signature=_png())
    assert response.status_code == 302, Page(response).text[:800]

    sample_url = f"/planner/bevragingen/{resident_survey}/steekproef"
    form = Page(client.get(sample_url)).form()
    form.set("strata", ["district", "sex"]).set("size", "60").set("minimum", "3")
    form.set("seed", "77")
    response = form.submit(client)
    assert response.status_code == 302, Page(response).text[:1500]
    page = Page(client.get(sample_url))
    assert "seed 77" in page.text
    # Strata as the planner reads them: "Noord, women", not "district=Noord|sex=f".
    assert "district=" not in page.text and "sex=" not in page.text
    assert msg(app, "women") in page.text and msg(app, "men") in page.text
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(SampleMember)) >= 60

    # Print the invitation letters; the page polls the progress until done.
    invitation = next(
        f for f in page.forms if any(v.value == "invitation" for v in f.fields.values())
    )
    response = invitation.submit(client)
    assert response.status_code == 302
    page = Page(client.get(response.location))
    assert "data-progress-url" in page.html or msg(app, "Letters (PDF)") in page.text
    progress_url = f"/planner/bevragingen/{resident_survey}/steekproef/brieven/1"
    for _ in range(600):
        state = client.get(progress_url).get_json()
        if state["state"] not in ("queued", "running"):
            break
        time.sleep(0.1)
    assert state["state"] == "done" and state["done"] == state["total"] >= 60, state
    page = Page(client.get(sample_url))
    assert msg(app, "Letters (PDF)") in page.text

    pdf = client.get(f"{progress_url}/pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    path = tmp_path / "letters.pdf"
    path.write_bytes(pdf.get_data())
    pdf.close()  # send_file streams from the open file
    text = subprocess.run(
        ["pdftotext", "-f", "1", "-l", "1", str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for expected in ("Politiezone Voorbeeld", "Eva Claes", "09 266 61 11", "Korpschef"):
        assert expected in text, text
    assert "2027" in text  # the reply-by date
    images = subprocess.run(
        ["pdfimages", "-list", "-f", "1", "-l", "1", str(path)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert len(images.strip().splitlines()) >= 4  # header lines + logo + signature

    mailhouse = client.get(f"{progress_url}/csv")
    assert mailhouse.status_code == 200
    assert mailhouse.get_data(as_text=True).startswith("name,address,postcode")

    # After printing, the file is deleted; the wave stays listed.
    page = Page(client.get(sample_url))
    delete = next(f for f in page.forms if f.action.endswith("/verwijderen"))
    assert delete.submit(client).status_code == 302
    assert client.get(f"{progress_url}/pdf").status_code == 404
    page = Page(client.get(sample_url))
    reminder = next(f for f in page.forms if any(v.value == "reminder" for v in f.fields.values()))
    assert reminder is not None


def test_viewers_cannot_open_the_sample_pages(
    app: Flask, client: Any, resident_survey: str
) -> None:
    logged_in(app, client, "viewer")
    for url in (
        f"/planner/raadplegingen/{CONSULTATION}/steekproefkader",
        f"/planner/raadplegingen/{CONSULTATION}/brieven",
        f"/planner/bevragingen/{resident_survey}/steekproef",
    ):
        assert client.get(url).status_code == 403
