"""A zone's fieldwork on the command line: import a register extract of
20,000 people, draw a stratified sample of 5,000 (4 districts x 2 sexes x
4 age bands), print every letter as one PDF with the address in the
envelope window and a QR code that opens the survey with a working code,
remind only the codes not used yet, and purge the addresses at the end of
fieldwork."""

from __future__ import annotations

import csv
import io
import re
import subprocess
from collections import Counter
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from flask import Flask
from flask_babel import force_locale, gettext
from formtools import Page
from planner_helpers import msg
from pyzbar.pyzbar import decode
from resident_flow import answer_all, submit
from sqlalchemy import func, select

from bench.framegen import DISTRICT_WEIGHTS, DISTRICTS, frame_csv, frame_rows
from survey.extensions import db
from survey.models import FramePerson, InvitationCode, PurgeLog, Sample, SampleMember
from survey.planner import letterpress

CONSULTATION = "zvp-2026-2031"
MM = 72 / 25.4


def _draw(runner: Any, key: str, *args: str) -> Any:
    return runner.invoke(args=["sample", "draw", key, *args])


def _words(pdf: Path, page: int) -> list[tuple[str, float, float, float, float]]:
    """(word, xMin, yMin, xMax, yMax) in millimetres from the top-left, by
    poppler's ``pdftotext -bbox``."""
    html = subprocess.run(
        ["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    found = []
    for match in re.finditer(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>',
        html,
    ):
        x0, y0, x1, y1 = (float(match.group(i)) / MM for i in range(1, 5))
        found.append((match.group(5), x0, y0, x1, y1))
    return found


def _qr_links(pdf: Path, page: int, tmp_path: Path) -> list[str]:
    """The QR codes on a page rendered at 100 dpi, decoded by zbar."""
    from PIL import Image

    prefix = tmp_path / f"page{page}"
    subprocess.run(
        ["pdftoppm", "-r", "100", "-f", str(page), "-l", str(page), "-png", str(pdf), str(prefix)],
        check=True,
    )
    (image,) = tmp_path.glob(f"page{page}*.png")
    with Image.open(image) as picture:
        links = [symbol.data.decode("utf-8") for symbol in decode(picture)]
    image.unlink()
    return links


@pytest.mark.slow
def test_register_to_letters_to_reminder_to_purge(
    app: Flask, client: Any, runner: Any, resident_survey: str, tmp_path: Path
) -> None:
    rows = frame_rows(20_000)
    frame_file = tmp_path / "register.csv"
    frame_file.write_bytes(frame_csv(rows))
    result = runner.invoke(args=["frame", "import", CONSULTATION, str(frame_file)])
    assert result.exit_code == 0, result.output
    assert "20000 people of the sample frame stored" in result.output

    result = _draw(
        runner, resident_survey, "--strata", "district,sex,age", "--size", "5000", "--seed", "2026"
    )
    assert result.exit_code == 0, result.output
    assert "5000 people drawn" in result.output and "32 strata" in result.output
    with app.app_context():
        sample = db.session.scalars(select(Sample)).one()
        strata = {label: tuple(pair) for label, pair in sample.strata.items()}
        members = db.session.scalar(select(func.count()).select_from(SampleMember))
        codes = db.session.scalar(select(func.count()).select_from(InvitationCode))
        drawn_people = set(db.session.scalars(select(SampleMember.person_id)))
    assert members == codes == 5000
    assert len(strata) == 4 * 2 * 4
    # Proportional: every stratum's share of the sample is its share of the
    # frame, within one person (largest remainders).
    for label, (population, drawn) in strata.items():
        assert abs(drawn - 5000 * population / 20_000) < 1, label
    per_district = Counter()
    for label, (_population, drawn) in strata.items():
        per_district[label.split("|")[0].removeprefix("district=")] += drawn
    for district, weight in zip(DISTRICTS, DISTRICT_WEIGHTS, strict=True):
        assert abs(per_district[district] / 5000 - weight) < 0.02, per_district

    # The same frame, settings and seed draw the same people.
    result = _draw(
        runner, resident_survey, "--strata", "district,sex,age", "--size", "5000", "--seed", "2026"
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        second = db.session.scalars(select(Sample).order_by(Sample.id.desc())).first()
        again = set(
            db.session.scalars(
                select(SampleMember.person_id).where(SampleMember.sample_id == second.id)
            )
        )
    assert again == drawn_people

    letters = tmp_path / "letters.pdf"
    result = runner.invoke(args=["letters", "print", resident_survey, "--out", str(letters)])
    assert result.exit_code == 0, result.output
    assert "5000 letters (wave 1)" in result.output
    info = subprocess.run(
        ["pdfinfo", str(letters)], capture_output=True, text=True, check=True
    ).stdout
    assert re.search(r"Pages:\s+5000\b", info), info
    title = msg(app, "Invitation letters %(survey)s, wave %(wave)s", survey=resident_survey, wave=1)
    assert re.search(rf"Title:\s+{re.escape(title)}\n", info), info
    with pikepdf.open(letters) as document:
        assert str(document.Root.Lang) == "nl"  # most letters are Dutch
    assert re.search(r"Page size:\s+595\.\d+ x 841\.\d+", info)  # A4

    # The address sits in the window of a DIN 5008 form B envelope.
    names = {row["name"] for row in rows}
    for page in (1, 2500, 5000):
        words = _words(letters, page)
        first_line = [w for w in words if w[2] >= 62.7 and w[4] <= 90.0 and w[1] < 105]
        text = " ".join(w[0] for w in first_line)
        assert any(name in text for name in names), (page, text)
        for _word, x0, y0, x1, y1 in first_line:
            assert x0 >= letterpress.WINDOW_LEFT_MM and x1 <= 105.0
            assert y0 >= 62.7 and y1 <= 90.0

    # The QR code opens the code page with a code that works.
    (link,) = _qr_links(letters, 1, tmp_path)
    assert f"/s/{resident_survey}/code?code=" in link
    code = link.rsplit("=", 1)[1]
    page_text = " ".join(w[0] for w in _words(letters, 1))
    assert code in page_text  # typed under the QR code too
    path = link.split("://", 1)[1].split("/", 1)[1]
    form_page = Page(client.get("/" + path))
    assert form_page.response.status_code == 200
    response = form_page.form().submit(client)
    assert response.status_code == 302, Page(response).text[:500]
    submit(client, answer_all(client, client.get(response.location)))
    with app.app_context():
        assert db.session.scalar(select(func.count()).where(InvitationCode.used)) == 1

    # The reminder goes to every code not used yet, and not to the one used.
    reminder = tmp_path / "reminder.csv"
    result = runner.invoke(
        args=["letters", "csv", resident_survey, "--wave", "2", "--out", str(reminder)]
    )
    assert result.exit_code == 0, result.output
    wave_two = list(csv.DictReader(io.StringIO(reminder.read_text(encoding="utf-8"))))
    assert len(wave_two) == 4999 and code not in {row["code"] for row in wave_two}

    # End of fieldwork: the purge deletes every address and code link and
    # counts them; the codes stay until the retention date.
    with app.app_context():
        from survey.planner.surveys import get_consultation

        consultation = get_consultation(db.session, CONSULTATION)
        consultation.fieldwork_until = date.today() - timedelta(days=1)
        consultation.retention_until = date.today() + timedelta(days=90)
        db.session.commit()
    result = runner.invoke(args=["purge"])
    assert result.exit_code == 0, result.output
    assert "20000 addresses, 10000 code-to-address links" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(FramePerson)) == 0
        assert db.session.scalar(select(func.count()).select_from(SampleMember)) == 0
        assert db.session.scalar(select(func.count()).select_from(InvitationCode)) == 10_000
        log = db.session.scalars(select(PurgeLog)).one()
        assert (log.addresses, log.sample_links, log.codes) == (20_000, 10_000, 0)


def test_a_long_name_and_address_stay_inside_the_window(
    app: Flask, runner: Any, resident_survey: str, tmp_path: Path
) -> None:
    rows = frame_rows(4)
    for row in rows:
        row["name"] = "Marie-Claire Van den Broeck-Özdemir de Merode-Westerloo"
        row["address"] = "Sint-Pietersnieuwstraat 12345 bus 67, appartement links"
    frame_file = tmp_path / "register.csv"
    frame_file.write_bytes(frame_csv(rows))
    assert runner.invoke(args=["frame", "import", CONSULTATION, str(frame_file)]).exit_code == 0
    result = _draw(runner, resident_survey, "--strata", "", "--size", "4")
    assert result.exit_code == 0, result.output
    letters = tmp_path / "letters.pdf"
    result = runner.invoke(args=["letters", "print", resident_survey, "--out", str(letters)])
    assert result.exit_code == 0, result.output
    # The address block: below the return line, left of the date.
    words = [w for w in _words(letters, 1) if w[2] >= 62.7 and w[4] <= 90.0 and w[1] < 100]
    assert any(w[0].startswith("Marie-Claire") for w in words)
    assert "…" in " ".join(w[0] for w in words)  # cut, not spilled over the edge
    right = letterpress.WINDOW_LEFT_MM + letterpress.WINDOW_WIDTH_MM
    assert max(x1 for _w, _x0, _y0, x1, _y1 in words) <= right


def test_the_letters_are_tagged_for_a_screen_reader_each_in_its_own_language(
    app: Flask, runner: Any, resident_survey: str, tmp_path: Path
) -> None:
    from pdf_checks import marked_content_ids, read_tagged, untagged_ink

    rows = frame_rows(6)
    for row, language in zip(rows, ("nl", "fr", "en", "nl", "fr", "en"), strict=True):
        row["language"] = language
    frame_file = tmp_path / "register.csv"
    frame_file.write_bytes(frame_csv(rows))
    assert runner.invoke(args=["frame", "import", CONSULTATION, str(frame_file)]).exit_code == 0
    assert _draw(runner, resident_survey, "--strata", "", "--size", "6").exit_code == 0
    letters = tmp_path / "letters.pdf"
    result = runner.invoke(args=["letters", "print", resident_survey, "--out", str(letters)])
    assert result.exit_code == 0, result.output
    mailhouse = tmp_path / "wave1.csv"
    result = runner.invoke(args=["letters", "csv", resident_survey, "--out", str(mailhouse)])
    assert result.exit_code == 0, result.output
    recipients = list(csv.DictReader(io.StringIO(mailhouse.read_text(encoding="utf-8"))))
    data = letters.read_bytes()

    tagged = read_tagged(data)
    assert tagged.marked and tagged.language in ("nl", "fr", "en")
    # Per letter: the heading and paragraphs of the letter, the address and
    # the code, and the QR code as a figure with a text a reader can speak.
    assert tagged.structure["Sect"] == 6 * 3 and tagged.structure["H1"] == 6
    assert tagged.structure["Figure"] == 6 and tagged.figures_without_alt == 0
    # Nothing on the page escapes the tags, and every tag points at ink.
    assert untagged_ink(data) == []
    for used, mapped in marked_content_ids(data):
        assert used == mapped
    with pikepdf.open(letters) as pdf:
        with pdf.open_metadata() as meta:
            assert meta["pdfuaid:part"] == "1"
        sections = list(pdf.Root.StructTreeRoot.K.K)
        assert len(sections) == len(recipients) == len(pdf.pages)
        for section, recipient, page in zip(sections, recipients, pdf.pages, strict=True):
            language = recipient["language"]
            assert str(section.Lang) == language
            assert section.Pg.objgen == page.obj.objgen
            (figure,) = [
                kid
                for part in section.K
                if part.S == "/Sect"
                for kid in part.K
                if kid.S == "/Figure"
            ]
            alt = str(figure.Alt)
            with app.test_request_context("/planner/"), force_locale(language):
                wanted = gettext("QR code with the link to the survey and your personal code")
            assert alt == wanted
            # The QR code holds the link with the code: a way in that the
            # alternative text does not give away a second time.
            assert recipient["code"] not in alt and "http" not in alt
            # The code is a paragraph of the access section, read once.
            parents = pdf.Root.StructTreeRoot.ParentTree.Nums
            code_element = parents[2 * int(page.obj.StructParents) + 1][letterpress.CODE_MCID]
            assert code_element.S == "/P" and code_element.P.S == "/Sect"
            address = parents[2 * int(page.obj.StructParents) + 1][letterpress.ADDRESS_MCID]
            assert address.S == "/P"
