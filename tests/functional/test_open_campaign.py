"""The open campaign of a survey with an open link: the absolute link to
copy, its QR code (which decodes to that link) and a poster in every
language of the survey, A4 or A3."""

from __future__ import annotations

import io
import subprocess

import pikepdf
import pytest
from formtools import Page
from pdf_checks import read_tagged, untagged_ink
from planner_helpers import logged_in, msg
from resident_flow import open_copy

KEY = "burgers-open"


@pytest.fixture
def viewer(app, client, tmp_path):
    open_copy(app, tmp_path, KEY)
    return logged_in(app, client, "viewer")


def _minutes(app) -> dict[str, int]:
    from survey.definitions.definition import definition_of
    from survey.definitions.duration import estimated_minutes
    from survey.definitions.store import find_survey
    from survey.extensions import db

    with app.app_context():
        definition = definition_of(find_survey(db.session, KEY))
        return {lang: estimated_minutes(definition, lang) for lang in ("nl", "fr", "en", "de")}


def _pdf_text(data: bytes, tmp_path, name: str) -> tuple[list[str], dict[str, str]]:
    """The text of each page and the document's info (pdfinfo)."""
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(data)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    fields = dict(
        (k.strip(), v.strip())
        for k, _sep, v in (line.partition(":") for line in info.stdout.splitlines())
    )
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    pages = text.split("\f")[: int(fields["Pages"])]
    return [" ".join(page.split()) for page in pages], fields


def test_the_campaign_page_shows_the_absolute_link_and_its_qr_code(app, viewer):
    page = Page(viewer.get(f"/planner/bevragingen/{KEY}/campagne"))
    link = f"{app.config['PUBLIC_BASE_URL']}/s/{KEY}"
    assert f'value="{link}"' in page.html
    assert 'data-copy="open-link"' in page.html
    assert 'id="open-qr"' in page.html and "data:image/svg+xml" in page.html
    svg = viewer.get(f"/planner/bevragingen/{KEY}/campagne/qr.svg")
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml"
    png = viewer.get(f"/planner/bevragingen/{KEY}/campagne/qr.png")
    assert png.data.startswith(b"\x89PNG")


def test_the_qr_code_decodes_to_the_open_link(app, viewer, tmp_path):
    # zbarimg: zbar-tools, installed by scripts/setup.sh.
    path = tmp_path / "qr.png"
    path.write_bytes(viewer.get(f"/planner/bevragingen/{KEY}/campagne/qr.png").data)
    out = subprocess.run(
        ["zbarimg", "--quiet", "--raw", str(path)], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == f"{app.config['PUBLIC_BASE_URL']}/s/{KEY}"


@pytest.mark.parametrize(
    ("size", "points"), [("A4", "595.276 x 841.89"), ("A3", "841.89 x 1190.55")]
)
def test_the_poster_has_a_page_per_language_in_that_language(
    app, viewer, tmp_path, monkeypatch, size, points
):
    # A long address must still fit one page per language.
    base = "https://bevraging.politiezone-voorbeeldgemeente-en-omstreken.be"
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", base)
    response = viewer.get(f"/planner/bevragingen/{KEY}/affiche.pdf?formaat={size}")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    pages, info = _pdf_text(response.data, tmp_path, size)
    assert info["Page size"].startswith(points)
    assert info["Title"] == "Bevraging veiligheid en leefbaarheid"
    assert len(pages) == 4
    nl, fr, en, de = pages
    # The length is the survey's own, computed per language as on its start page.
    minutes = _minutes(app)
    assert "Veilig in uw buurt? Geef uw mening." in nl
    assert f"Het duurt ongeveer {minutes['nl']} minuten." in nl
    assert "Enquête sécurité et qualité de vie" in fr
    assert f"Cela prend environ {minutes['fr']} minutes." in fr
    assert "Survey on safety and quality of life" in en
    assert f"It takes about {minutes['en']} minutes." in en
    assert "Niemand weet welke antwoorden van u komen." in nl
    assert "Befragung zu Sicherheit und Lebensqualität" in de
    assert f"Es dauert etwa {minutes['de']} Minuten." in de
    # Tagged for a screen reader: each page a section in its own language,
    # the QR code a figure that says what it is for, no ink outside the tags.
    tagged = read_tagged(response.data)
    assert tagged.marked and tagged.language == "nl"
    assert tagged.figures_without_alt == 0 and len(tagged.alt_texts) == 4
    assert tagged.alt_texts[0] == msg(app, "QR code with the link to the survey")
    assert len(set(tagged.alt_texts)) == 4  # one per language
    assert untagged_ink(response.data) == []
    with pikepdf.open(io.BytesIO(response.data)) as pdf:
        (document,) = pdf.Root.StructTreeRoot.K
        languages = [str(kid.Lang) for kid in document.K if kid.S == "/Sect"]
    assert languages == ["nl", "fr", "en", "de"]
    # The QR code on every page leads to the open link.
    subprocess.run(
        ["pdftoppm", "-r", "150", "-png", str(tmp_path / f"{size}.pdf"), str(tmp_path / "p")],
        check=True,
    )
    for number in (1, 2, 3, 4):
        out = subprocess.run(
            ["zbarimg", "--quiet", "--raw", str(tmp_path / f"p-{number}.png")],
            capture_output=True,
            text=True,
            check=True,
        )
        assert out.stdout.strip() == f"{base}/s/{KEY}"


def test_a_poster_size_that_does_not_exist_is_a_clear_message(app, viewer):
    response = viewer.get(f"/planner/bevragingen/{KEY}/affiche.pdf?formaat=A0")
    assert response.status_code == 422
    assert msg(app, "Choose the size of the poster: A4 or A3.") in Page(response).text


def test_a_survey_with_letter_codes_has_no_open_campaign(app, client, resident_survey):
    viewer = logged_in(app, client, "viewer")
    page = Page(viewer.get(f"/planner/bevragingen/{resident_survey}/campagne"))
    assert 'id="no-open-link"' in page.html
    assert viewer.get(f"/planner/bevragingen/{resident_survey}/affiche.pdf").status_code == 404
