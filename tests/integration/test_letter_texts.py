"""The invitation letter and its reminder, as a sampled resident reads them:
in Dutch, French and German, with the survey's own computed length (not a
fixed "ten minutes"), how the resident was drawn and that the letter is for
them alone, and every text inside its place on the A4 page (above the code
box, above the privacy footer), even with every setting filled in."""

from __future__ import annotations

import re
import subprocess
from datetime import date
from pathlib import Path

import pytest
from flask import Flask

from survey.definitions.definition import definition_of
from survey.definitions.duration import estimated_minutes
from survey.definitions.store import find_survey
from survey.extensions import db
from survey.planner import letterpress
from survey.planner.letters import templates

MM = 72 / 25.4
FOOTER_TOP_MM = 282.0
BLOCK_TOP_MM = 96.0

SETTINGS = {
    "sender": "Politiezone Meetjesland Centrum",
    "sender_address": "Stationsstraat 100, 9900 Eeklo",
    "signatory": "Marie-Claire Vandenbroucke-Delacroix",
    "signatory_title": "Korpschef, hoofdcommissaris van politie",
    "phone": "09 376 50 00",
    "email": "veiligheidsplan@pz-meetjesland-centrum.be",
    "privacy_url": "https://www.pz-meetjesland-centrum.be/privacyverklaring-bevraging",
}
EXPECTED = {
    "nl": ("Meedoen is vrijwillig. Het duurt ongeveer {n} minuten.", "bevolkingsregister"),
    "fr": ("Cela prend environ {n} minutes.", "registre de la population"),
    "de": ("Die Teilnahme ist freiwillig. Es dauert etwa {n} Minuten.", "Bevölkerungsregister"),
}


def _lines(pdf: bytes, tmp_path: Path) -> list[tuple[str, float, float]]:
    """The page's text lines: (text, top, bottom) in millimetres from the
    top, by poppler's ``pdftotext -bbox-layout``."""
    path = tmp_path / "letter.pdf"
    path.write_bytes(pdf)
    html = subprocess.run(
        ["pdftotext", "-bbox-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    lines = []
    for match in re.finditer(
        r'<line xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">(.*?)</line>',
        html,
        re.S,
    ):
        words = re.findall(r">([^<]+)</word>", match.group(3))
        lines.append((" ".join(words), float(match.group(1)) / MM, float(match.group(2)) / MM))
    return lines


@pytest.mark.parametrize("wave", [1, 2])
def test_the_letter_reads_plainly_in_each_language_and_fits_its_page(
    app: Flask, resident_survey: str, tmp_path: Path, wave: int
) -> None:
    with app.app_context():
        survey = find_survey(db.session, resident_survey)
        assert survey is not None
        survey.consultation.letter = SETTINGS
        survey.consultation.reply_by = date(2026, 12, 31)
        db.session.commit()
        definition = definition_of(survey)
        minutes = {lang: estimated_minutes(definition, lang) for lang in EXPECTED}
        with app.test_request_context():
            pages = templates(
                survey.consultation, survey, wave, list(EXPECTED), app.config["PUBLIC_BASE_URL"]
            )
    for language, (length, register) in EXPECTED.items():
        lines = _lines(pages[language], tmp_path)
        text = " ".join(line for line, _top, _bottom in lines)
        assert length.format(n=minutes[language]) in text, (language, text)
        assert "tien minuten" not in text and "dix minutes" not in text
        if wave == 1:
            assert register in text, (language, text)
        # Nothing of the letter's body runs into the code box or the footer.
        body = [line for line in lines if BLOCK_TOP_MM <= line[1] < letterpress.ACCESS_TOP_MM]
        assert body and all(bottom <= letterpress.ACCESS_TOP_MM for _t, _top, bottom in body), body
        # The reply-by date closes the body: when it fits, everything above it does.
        assert "2026" in body[-1][0], (language, body)
        below = letterpress.ACCESS_TOP_MM + letterpress.ACCESS_HEIGHT_MM
        closing = [line for line in lines if below <= line[1] < FOOTER_TOP_MM]
        assert closing and all(bottom <= FOOTER_TOP_MM for _t, _top, bottom in closing), closing
        assert any(SETTINGS["signatory_title"] in line for line, _top, _bottom in closing)
