"""Charts: matplotlib Figure objects (no pyplot), SVG out, and a text
alternative that gives the same numbers, Dutch-style."""

from __future__ import annotations

import base64
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
