"""Charts: matplotlib Figure objects (no pyplot), SVG out, and a text
alternative that gives the same numbers, Dutch-style."""

from __future__ import annotations

import base64
import re
import sys

from survey.reporting import charts


def test_bar_chart_svg_and_text_alternative(app_ctx: object) -> None:
    chart = charts.bar_chart(
        "Slachtoffer?",
        ["Ja", "Nee", "Zeldzaam"],
        [8.33, 91.67, None],
        [[6.9, 10.0], [90.0, 93.1], None],
    )
    assert chart.svg.startswith("<svg")
    assert "<script" not in chart.svg
    assert "8,33 %" in chart.alt and "91,67 %" in chart.alt
    assert "6,9 %" in chart.alt and "10,0 %" in chart.alt
    assert "Zeldzaam" in chart.alt
    uri = chart.data_uri
    assert uri.startswith("data:image/svg+xml;base64,")
    assert base64.b64decode(uri.split(",", 1)[1]).decode().startswith("<svg")
    assert "matplotlib.pyplot" not in sys.modules


def test_stacked_bubble_and_grouped_charts(app_ctx: object) -> None:
    stacked = charts.stacked_bars(
        "Problemen",
        [("Drugs", [30.0, 45.0, 25.0]), ("Lawaai", [None, 50.0, 50.0])],
        ["a", "b", "c"],
    )
    assert "Drugs: a 30,0 %, b 45,0 %, c 25,0 %" in stacked.alt
    bubble = charts.bubble_chart(
        "Matrix",
        [("Drugs", 1, 31.5, 4.2, 468.0), ("Fraude", 2, None, 2.8, 95.0)],
        x_label="x",
        y_label="y",
        size_label="feiten",
    )
    assert "31,5 %" in bubble.alt and "4,2" in bubble.alt and "468" in bubble.alt
    assert "Fraude" in bubble.alt
    grouped = charts.grouped_bars("Respons", ["Noord", "Zuid"], [("respons", [60.0, 40.0])])
    assert "Noord: respons 60,0 %" in grouped.alt
    assert "matplotlib.pyplot" not in sys.modules


def _drawn(monkeypatch: object, once: bool) -> list[tuple[charts.Chart, str]]:
    """One chart of every kind with its SVG, drawn once and cropped or
    twice by matplotlib's tight box; the bubble chart names a phenomenon
    under the figure (text outside the axes and the figure)."""
    import pytest

    from survey import memo

    assert isinstance(monkeypatch, pytest.MonkeyPatch)
    monkeypatch.setattr(charts, "DRAW_ONCE", once)
    memo.CHARTS.clear()  # remembered charts would hide the other way
    made = [
        charts.bar_chart(
            "Slachtoffer?", ["Ja", "Nee", "Zeldzaam"], [8.3, 91.7, None], [[6.9, 10.0], None, None]
        ),
        charts.stacked_bars(
            "Problemen",
            [("Drugs", [30.0, 45.0, 25.0]), ("Lawaai", [None, 50.0, 50.0])],
            ["a", "b", "c"],
        ),
        charts.bubble_chart(
            "Matrix",
            [
                ("Drugs", 1, 31.5, 4.2, 468.0),
                ("Fraude", 2, None, 2.8, 95.0),
                ("Verkeer", 3, 12.0, 3.1, 40.0),
            ],
            x_label="bezorgdheid",
            y_label="belang",
            size_label="feiten",
        ),
        charts.rank_chart(
            "Rang",
            [
                ("Drugs", 1, (1, 2), 0.8, "priority", "prioriteit"),
                ("Fraude", 2, None, None, "basic", ""),
            ],
            [(1.0, "prioriteiten")],
        ),
        charts.grouped_bars(
            "Wijken", ["Noord", "Zuid"], [("antwoorden", [40.0, 60.0]), ("bevolking", [50.0, None])]
        ),
    ]
    # A chart is drawn when its SVG is asked for: here, with DRAW_ONCE as set.
    return [(chart, chart.svg) for chart in made]


def _size(svg: str) -> tuple[str, str, list[str]]:
    import re

    root = re.search(r"<svg[^>]*>", svg)
    assert root is not None
    found = dict(re.findall(r'(width|height|viewBox)="([^"]*)"', root.group(0)))
    return found["width"], found["height"], found["viewBox"].split()[2:]


def _pixels(svg: str, tmp_path: object) -> bytes:
    """The chart as the PDF shows it: laid out by WeasyPrint, rasterised by pdftoppm."""
    import subprocess
    from pathlib import Path

    from PIL import Image
    from weasyprint import HTML

    assert isinstance(tmp_path, Path)
    uri = "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
    pdf = tmp_path / "chart.pdf"
    HTML(string=f'<style>@page {{ size: A4; margin: 1cm }}</style><img src="{uri}">').write_pdf(pdf)
    subprocess.run(
        ["pdftoppm", "-r", "100", "-png", "-singlefile", pdf, tmp_path / "chart"], check=True
    )
    with Image.open(tmp_path / "chart.png") as image:
        return image.convert("RGB").tobytes()


def test_a_chart_drawn_once_is_the_tight_chart_matplotlib_draws_twice(
    app_ctx: object, monkeypatch: object, tmp_path: object
) -> None:
    """The report page draws each chart once and crops it (``DRAW_ONCE``):
    the same size in points, and the same picture in the PDF, as
    matplotlib's ``bbox_inches="tight"``, which draws every figure twice."""
    once = _drawn(monkeypatch, True)
    twice = _drawn(monkeypatch, False)
    for (new, new_svg), (old, old_svg) in zip(once, twice, strict=True):
        assert new_svg != old_svg  # really the two ways (the coordinates differ)
        assert _size(new_svg) == _size(old_svg)
        assert new.alt == old.alt and new.table == old.table
        assert _pixels(new_svg, tmp_path) == _pixels(old_svg, tmp_path)


def test_a_question_as_title_keeps_its_own_question_mark_in_the_alt_text(
    app_ctx: object,
) -> None:
    question = "Voelt u zich veilig?"
    alts = [
        charts.bar_chart(question, ["Ja", "Nee"], [40.0, 60.0], [None, None]).alt,
        charts.stacked_bars(question, [("Buurt", [40.0, 60.0])], ["ja", "nee"]).alt,
        charts.bubble_chart(
            question, [("Drugs", 1, 31.5, 4.2, 468.0)], x_label="x", y_label="y", size_label="f"
        ).alt,
        charts.rank_chart(question, [("Drugs", 1, (1, 2), 0.8, "priority", "prioriteit")], []).alt,
        charts.grouped_bars(question, ["Noord"], [("respons", [60.0])]).alt,
    ]
    for alt in alts:
        # "...: Voelt u zich veilig? Ja: 40,0 %; ..." - one sentence end, not "?."
        assert f": {question} " in alt, alt
        assert not re.search(r"[?!.][.]", alt), alt
        assert alt.endswith(".")
