"""The PDF's rendition of a chart (``survey.reporting.print_charts``): lighter
to paint, and the page it is drawn on looks and reads the same."""

from __future__ import annotations

import gc
import subprocess
import threading

from survey.reporting import charts
from survey.reporting.print_charts import print_svg, print_uri
from survey.reporting.tagged_pdf import LAYOUT_GC_THRESHOLD, fewer_collections, tagged_pdf
from tests.pdf_checks import page_texts


def _page(uri: str) -> str:
    return (
        '<!doctype html><html lang="nl"><head><title>Grafiek</title></head><body>'
        f'<figure><img src="{uri}" alt="Slachtoffer: ja 8 %, nee 92 %"></figure></body></html>'
    )


def _pixels(pdf: bytes) -> bytes:
    return subprocess.run(
        ["pdftoppm", "-r", "100", "-gray", "-"], input=pdf, capture_output=True, check=True
    ).stdout


def test_the_pdf_draws_the_same_chart_from_a_lighter_svg(app_ctx: object) -> None:
    chart = charts.bar_chart(
        "Slachtoffer?",
        ["Ja", "Nee", "Zeldzaam"],
        [8.33, 91.67, None],
        [[6.9, 10.0], [90.0, 93.1], None],
    )
    light = print_svg(chart.svg)
    assert len(light) < 0.7 * len(chart.svg)
    assert "<metadata" not in light and "Bitstream Vera Sans" not in light
    assert light.count("<text") == chart.svg.count("<text")
    assert light.count("<path") == chart.svg.count("<path")
    assert "clip-path=" in light  # what clips the bars is kept

    screen_pdf = tagged_pdf(_page(chart.data_uri))
    print_pdf = tagged_pdf(_page(print_uri(chart)))
    assert page_texts(print_pdf) == page_texts(screen_pdf)
    assert "Nee" in page_texts(print_pdf)[0]  # the labels are still text
    assert _pixels(print_pdf) == _pixels(screen_pdf)


def test_layouts_raise_the_collection_threshold_and_the_last_restores_it() -> None:
    before = gc.get_threshold()
    inside: list[int] = []
    started, release = threading.Event(), threading.Event()

    def other_layout() -> None:
        with fewer_collections():
            inside.append(gc.get_threshold()[0])
            started.set()
            release.wait(5)

    with fewer_collections():
        thread = threading.Thread(target=other_layout)
        thread.start()
        assert started.wait(5)
    # The first layout ended while the other still runs: still raised.
    assert gc.get_threshold()[0] == LAYOUT_GC_THRESHOLD
    release.set()
    thread.join()
    assert inside == [LAYOUT_GC_THRESHOLD]
    assert gc.get_threshold() == before
