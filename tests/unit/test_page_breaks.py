"""A heading at the foot of a PDF page goes to the next page with what it
heads: the report's stylesheet, laid out by WeasyPrint with the heading at
every height near the bottom of the page, read back page by page with
pdftotext as a reader turns the pages."""

from __future__ import annotations

import base64

import pytest
from pdf_checks import page_texts, pages_ending_with

from survey.reporting.html_writer import stylesheet

CHART = "data:image/svg+xml;base64," + base64.b64encode(
    b'<svg xmlns="http://www.w3.org/2000/svg" width="480" height="200">'
    b'<rect width="480" height="200" fill="#1d4f91"/></svg>'
).decode("ascii")

THEME = "Veiligheid in de buurt"
QUESTION = "Hoe veilig voelt u zich in uw buurt?"
HINT = "Een probleem telt als een antwoord van 4 of 5."
INTRO = "Vier organisaties kozen dit fenomeen."
WROTE = "Wat partners erover schreven"


def _page(filler: int) -> str:
    """``filler`` lines of text, then a theme, a question with its hint,
    chart and table, then a partner section with a heading over quotes:
    the shapes of the report's chapters."""
    lines = "<p>" + "<br>".join(f"Regel {i} van de inleiding." for i in range(filler)) + "</p>"
    rows = "".join(f"<tr><th scope='row'>Antwoord {i}</th><td>{i}</td></tr>" for i in range(4))
    quotes = "".join(
        f"<blockquote class='quote'><p>Opmerking {i}.</p><footer>een partner</footer></blockquote>"
        for i in range(3)
    )
    return f"""<!doctype html><html lang="nl"><head><style>{stylesheet()}</style></head>
<body class="pdf"><div class="input-report">{lines}
<section class="theme"><h3>{THEME}</h3>
<section class="question"><h4>{QUESTION}</h4><p class="hint concern-rule">{HINT}</p>
<figure class="chart"><img src="{CHART}" alt="Staafdiagram">
<figcaption>Figuur 1.</figcaption></figure>
<table class="figures"><thead><tr><th scope="col">Antwoord</th>
<th scope="col">Aantal</th></tr></thead><tbody>{rows}</tbody></table></section></section>
<section class="partner-phenomenon"><h3>Drugs</h3><p class="partner-indicator">{INTRO}</p>
<h4>{WROTE}</h4>{quotes}</section>
</div></body></html>"""


# Two lines a step (about 28 pt): the theme, then the partner section, cross
# the foot of the first page at every height.
@pytest.mark.parametrize("filler", range(12, 58, 2))
def test_no_page_ends_with_a_heading_or_the_line_under_it(filler: int) -> None:
    from weasyprint import HTML

    data = HTML(string=_page(filler)).write_pdf()
    assert len(page_texts(data)) >= 2  # the sections do cross a page break
    alone = pages_ending_with(data, [THEME, QUESTION, HINT, INTRO, WROTE, "Drugs"])
    assert not alone, alone


def _document(body: str) -> bytes:
    """``body`` laid out by WeasyPrint with the report's stylesheet."""
    from weasyprint import HTML

    return bytes(
        HTML(
            string=f"""<!doctype html><html lang="nl"><head><style>{stylesheet()}</style></head>
<body class="pdf"><div class="input-report">{body}</div></body></html>"""
        ).write_pdf()
    )


def _tall_question(rows: int) -> str:
    """A question with its hint, a chart 150 mm tall and a table of ``rows``."""
    cells = "".join(f"<tr><th scope='row'>Antwoord {i}</th><td>{i}</td></tr>" for i in range(rows))
    return f"""<section class="question"><h4>{QUESTION}</h4><p class="hint concern-rule">{HINT}</p>
<figure class="chart"><img src="{CHART}" style="height: 150mm" alt="x">
<figcaption>Figuur 2.</figcaption></figure>
<table class="figures"><tbody>{cells}</tbody></table></section>"""


def test_a_chapter_heading_is_never_alone_on_its_page() -> None:
    """A chapter starts on a new page; its heading, the first theme and a
    question whose result is one line, then a question with a tall chart
    and table: "keep with what follows" must not chain from one question to
    the next, or the heading is left alone on the chapter's first page."""
    data = _document(
        f"""<p>Vorig hoofdstuk.</p>
<section class="chapter"><h2>3. Resultaten per thema</h2><section class="theme"><h3>{THEME}</h3>
<section class="question"><h4>Welk cijfer geeft u?</h4><p>Gemiddelde 6,89 op 1.445.</p></section>
{_tall_question(14)}</section></section>"""
    )
    assert not pages_ending_with(data, ["3. Resultaten per thema", THEME]), page_texts(data)


def test_a_theme_heading_is_never_alone_when_its_chart_and_table_fill_more_than_a_page() -> None:
    """Heading, hint, a tall chart and a long table cannot all stay on one
    page: the chart moves on with its heading, the table follows, and the
    theme's heading is not left alone on a page."""
    data = _document(
        f"""<p>Vorige vraag.</p>
<section class="theme"><h3>{THEME}</h3>{_tall_question(20)}</section>"""
    )
    assert not pages_ending_with(data, [THEME, QUESTION, HINT]), page_texts(data)
