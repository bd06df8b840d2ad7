"""A French PDF that quotes Dutch text untranslated (a partner sector, the
consultation's title) marks that text as Dutch in its structure tree, so a
screen reader reads it in Dutch (PDF/UA: a change of language is marked)."""

from __future__ import annotations

import pytest
from pdf_checks import read_tagged

from survey.reporting import tagged_pdf as tagged
from survey.reporting.tagged_pdf import marked_languages, tagged_pdf

FRENCH = """<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>Rapport</title></head>
<body>
<h1>Contributions des partenaires</h1>
<p>Secteur : <span lang="nl">welzijn</span> (non traduit)</p>
<table><thead><tr><th>Secteur</th><th>Organisations</th></tr></thead>
<tbody><tr><td lang="nl">parket</td><td>3</td></tr>
<tr><td>police</td><td>2</td></tr></tbody></table>
<p>Un paragraphe en français.</p>
</body></html>"""


def test_dutch_quoted_in_a_french_pdf_is_marked_dutch_for_a_screen_reader() -> None:
    found = read_tagged(tagged_pdf(FRENCH))
    assert found.language == "fr"
    assert found.languages == {("Span", "nl"): 1, ("TD", "nl"): 1}


def test_without_the_marking_weasyprint_gives_only_the_document_language(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The check above can fail: WeasyPrint's own builder marks nothing."""
    assert marked_languages()
    from weasyprint.pdf import tags as weasyprint_tags  # type: ignore[import-untyped]

    monkeypatch.setattr(weasyprint_tags, "_build_box_tree", tagged._STOCK_BOX_TREE[0])
    found = read_tagged(tagged_pdf(FRENCH))
    assert found.language == "fr" and not found.languages
