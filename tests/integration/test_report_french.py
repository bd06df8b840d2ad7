"""A zone whose survey has French asks the platform for a French input
report (`report build --language fr`) and gets one: the annex's texts in
French, the survey's own texts in French, no English interface word and no
Dutch one; a language the survey does not have is refused."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from language_checks import docx_text, english_only_words, html_text, words
from report_data import COMMENTS, MINI_SURVEY, generate, load

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

SURVEY = (
    MINI_SURVEY.replace("languages: [nl]", "languages: [nl, fr]")
    .replace('title: {nl: "Mini-bevraging"}', 'title: {nl: "Mini-bevraging", fr: "Mini-enquête"}')
    .replace('{nl: "Noord"}', '{nl: "Noord", fr: "Nord"}')
    .replace('{nl: "Zuid"}', '{nl: "Zuid", fr: "Sud"}')
)
# Words of the Dutch annex that a French reader must not meet.
DUTCH = {
    "voorstel",
    "samenvatting",
    "prioriteit",
    "aandachtspunt",
    "basiszorg",
    "kerncijfers",
    "inputrapport",
    "deelgemeente",
    "gewogen",
    "inwoners",
    # Fieldwork days are written in the report's language.
    "januari",
    "februari",
    "maart",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
}


@pytest.fixture(scope="module")
def french(app: Flask, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    from support import wipe_database

    tmp = tmp_path_factory.mktemp("french")
    people = generate(n=240, seed=5)
    for person in people:
        person.values["wijk"] = person.values["wijk"] or 1
    key = load(app, tmp, people, SURVEY)
    runner = app.test_cli_runner()
    found: dict[str, Any] = {"key": key, "tmp": tmp}
    try:
        for fmt in ("html", "docx"):
            out = tmp / f"rapport.{fmt}"
            result = runner.invoke(
                args=[
                    "report",
                    "build",
                    key,
                    "--format",
                    fmt,
                    "--language",
                    "fr",
                    "--out",
                    str(out),
                ]
            )
            assert result.exit_code == 0, result.output
            found[fmt] = out.read_bytes()
        refused = tmp / "rapport.json"
        result = runner.invoke(
            args=["report", "build", key, "--language", "de", "--out", str(refused)]
        )
        found["refused"] = (result.exit_code, result.output, refused.exists())
    finally:
        wipe_database(app)
    return found


def test_the_zone_gets_its_annex_in_french(french: dict[str, Any]) -> None:
    html = french["html"].decode("utf-8")
    assert '<html lang="fr">' in html
    text = html_text(html)
    for sentence in (
        "Proposition au conseil zonal de sécurité",
        # A deelgemeente is a "section de commune" (a quartier is a neighbourhood).
        "Chiffres clés par section de commune",
        "Mini-enquête",
        "Nord",
    ):
        assert sentence in text, sentence
    # The proposals are said in French, whatever the JSON's Dutch key holds.
    assert "priorité" in text
    document = docx_text(french["docx"])
    assert "7. Chiffres clés par section de commune" in document
    assert "Proposition au conseil zonal de sécurité" in document


def test_texts_the_planner_entered_in_dutch_only_are_quoted_and_marked(
    french: dict[str, Any],
) -> None:
    html = french["html"].decode("utf-8")
    untranslated = "Non traduit : saisi uniquement en néerlandais."
    # The consultation's title (the margins' source: test_report_methods),
    # marked as Dutch for a screen reader and for the eye.
    assert re.search(r'<span lang="nl">[^<]+</span> \(' + re.escape(untranslated) + r"\)", html)
    document = docx_text(french["docx"])
    assert document.count(untranslated) == 1


def test_the_french_annex_has_no_english_or_dutch_interface_words(
    french: dict[str, Any],
) -> None:
    english = english_only_words("fr")
    assert {"the", "weighted", "unknown"} <= english
    # The survey's texts without French (page titles, questions) fall back
    # to Dutch, as the survey file says, and residents wrote in Dutch:
    # content, not the interface.
    content = words(SURVEY + " ".join(COMMENTS))
    for name, text in (
        ("html", html_text(french["html"].decode("utf-8"))),
        ("docx", docx_text(french["docx"])),
    ):
        found = words(text) - content
        assert not found & english, (name, sorted(found & english))
        assert not found & DUTCH, (name, sorted(found & DUTCH))


def test_a_redacted_phone_number_is_said_in_french(french: dict[str, Any]) -> None:
    """A resident's comment quoted in the French annex keeps its Dutch words
    (what the resident wrote) but the platform's marker is French."""
    for text in (html_text(french["html"].decode("utf-8")), docx_text(french["docx"])):
        assert "Bel mij op [numéro de téléphone supprimé] over de inbraak bij de buren." in text
        assert "verwijderd" not in text


def test_a_language_the_survey_lacks_is_refused(french: dict[str, Any]) -> None:
    exit_code, output, written = french["refused"]
    assert exit_code != 0
    assert "--language de" in output and "nl, fr" in output
    assert not written
    assert isinstance(french["tmp"], Path)
