"""The report page's charts as their own requests (issue 19: the page's
HTML returns before the charts are drawn): every chart of the rendered
page is an image at its own address, drawn once and then read from the
store, with the figures of the table beside it; another survey's or a
tampered address is a Dutch 404."""

from __future__ import annotations

import base64
import html
import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from formtools import Page
from planner_helpers import load_demo_residents, logged_in, msg

from survey import memo
from survey.reporting import chart_store

KEY = "burgers-2026"
PARTNER_KEY = "partners-2026"  # the demo's other survey
REPORT_URL = f"/planner/rapporten/{KEY}"
IMG = re.compile(r'<figure class="chart">\s*<img ([^>]*)>')
SECTION = re.compile(r'<section class="question[^"]*" id="q-([^"]+)">(.*?)</section>', re.S)
DECIMAL = re.compile(r"\d+,\d+")


@pytest.fixture(autouse=True)
def empty_chart_store(app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts from an empty chart store: the app (and its instance
    folder) serves the whole session, where another test may have drawn the
    same demo's charts."""
    monkeypatch.setitem(app.config, "REPORT_CHART_DIR", str(tmp_path / "charts"))


@pytest.fixture
def demo(app: Flask) -> str:
    """The demo consultation with 200 synthetic residents and its margins."""
    return load_demo_residents(app, 200)


def chart_images(page: Page) -> list[dict[str, str]]:
    """The attributes of every chart's ``<img>`` on the page, in order."""
    images = []
    for attributes in IMG.findall(page.html):
        found = dict(re.findall(r'([\w-]+)="([^"]*)"', attributes))
        images.append({name: html.unescape(value) for name, value in found.items()})
    return images


def svg_texts(svg: str) -> list[str]:
    """The words and numbers a chart shows (its SVG's text elements)."""
    return [html.unescape(t) for t in re.findall(r"<text[^>]*>([^<]*)</text>", svg)]


def decimals(text: str) -> set[float]:
    return {round(float(d.replace(",", ".")), 2) for d in DECIMAL.findall(text)}


def test_every_chart_of_the_report_page_is_its_own_image_with_the_tables_figures(
    app: Flask, client: Any, demo: str
) -> None:
    """The page names each chart by an address with its size and text
    alternative and draws nothing; each address answers an SVG that the
    browser may keep, whose percentages are those of the question's table;
    asked again (in any worker: the charts remembered in this process are
    forgotten), it is read from the store and not drawn again."""
    logged_in(app, client, "viewer")
    memo.CHARTS.clear()
    page = Page(client.get(REPORT_URL))
    assert page.response.status_code == 200
    assert memo.CHARTS.misses == 0  # the page drew no chart
    images = chart_images(page)
    assert len(images) > 10
    for index, image in enumerate(images):
        assert image["src"].startswith(f"{REPORT_URL}/grafiek/"), image
        assert int(image["width"]) > 0 and int(image["height"]) > 0
        assert len(image["alt"]) > 30
        assert (image.get("loading") == "lazy") == (index >= chart_store.EAGER), image
    sections = dict(SECTION.findall(page.html))
    compared = 0
    served: dict[str, bytes] = {}
    for image in images:
        response = client.get(image["src"])
        assert response.status_code == 200, image["src"]
        assert response.mimetype == "image/svg+xml"
        assert "immutable" in response.headers["Cache-Control"]
        assert "private" in response.headers["Cache-Control"]
        svg = response.get_data(as_text=True)
        assert svg.startswith("<svg") and "<script" not in svg
        served[image["src"]] = response.data
        section = next(
            (text for key, text in sections.items() if image["src"] in html.unescape(text)), None
        )
        shown = decimals(" ".join(svg_texts(svg)))
        if section is not None and shown:
            table = section[section.index("<table") :]
            assert shown <= decimals(table), (image["alt"], shown - decimals(table))
            compared += 1
    assert compared >= 5  # the bar charts of the results, each against its table
    drawn = memo.CHARTS.misses
    assert drawn == len(set(served))
    memo.CHARTS.clear()
    for image in images:
        again = client.get(image["src"])
        assert again.data == served[image["src"]]
    assert memo.CHARTS.misses == 0  # read from the store, not drawn


def test_a_chart_whose_svg_another_worker_has_not_kept_is_drawn_from_its_stored_inputs(
    app: Flask, client: Any, demo: str
) -> None:
    logged_in(app, client, "viewer")
    images = chart_images(Page(client.get(REPORT_URL)))
    first = client.get(images[0]["src"]).data
    with app.test_request_context():
        kept = list(chart_store.charts_dir().glob("chart-*.svg"))
    assert kept
    for path in kept:
        path.unlink()
    memo.CHARTS.clear()
    assert client.get(images[0]["src"]).data == first
    assert memo.CHARTS.misses == 1


def test_a_chart_named_by_another_app_instance_is_named_again_from_its_address(
    app: Flask, client: Any, demo: str
) -> None:
    """An app instance on another machine has its own store: the chart's
    address carries the page's options, so this instance builds the same
    report, names its charts and draws the one asked for."""
    logged_in(app, client, "viewer")
    images = chart_images(Page(client.get(f"{REPORT_URL}?threshold=12&crosstabs=off")))
    assert all("threshold=12" in i["src"] and "crosstabs=off" in i["src"] for i in images)
    served = [client.get(i["src"]).data for i in images[:3]]
    with app.test_request_context():
        for path in chart_store.charts_dir().glob("chart-*"):
            path.unlink()
    memo.CHARTS.clear()
    assert [client.get(i["src"]).data for i in images[:3]] == served
    with app.test_request_context():
        assert len(list(chart_store.charts_dir().glob("chart-*.json"))) == len(images)


def test_a_chart_address_of_another_survey_or_tampered_is_a_dutch_404(
    app: Flask, client: Any, demo: str
) -> None:
    logged_in(app, client, "viewer")
    src = chart_images(Page(client.get(REPORT_URL)))[0]["src"]
    key = src.split("?")[0].rsplit("/", 1)[1].removesuffix(".svg")
    tampered = key[:-1] + ("0" if key[-1] != "0" else "1")
    for path in (
        f"/planner/rapporten/{PARTNER_KEY}/grafiek/{key}.svg",
        f"{REPORT_URL}/grafiek/{tampered}.svg",
        f"{REPORT_URL}/grafiek/{key[:10]}.svg",
        f"{REPORT_URL}/grafiek/..%2F..%2Fsecret.svg",
        f"/planner/rapporten/onbekend/grafiek/{key}.svg",
    ):
        response = client.get(path)
        assert response.status_code == 404, path
        assert msg(app, "Page not found") in Page(response).text, path
    assert client.get(src).status_code == 200


def test_an_anonymous_visitor_gets_no_chart(app: Flask, client: Any, demo: str) -> None:
    viewer = logged_in(app, app.test_client(), "viewer")
    src = chart_images(Page(viewer.get(REPORT_URL)))[0]["src"]
    response = client.get(src)
    assert response.status_code == 302
    assert "/planner/aanmelden" in response.location
    assert b"<svg" not in response.data


def test_charts_served_apart_and_drawn_into_the_page_are_the_same_svg(
    app: Flask, client: Any, demo: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The seam (``chart_store.SEPARATE``): the page with its charts drawn
    in, as before, and the page with its charts served apart show the same
    SVG bytes for every chart, drawn independently."""
    logged_in(app, client, "viewer")
    memo.CHARTS.clear()
    monkeypatch.setattr(chart_store, "SEPARATE", False)
    inline = chart_images(Page(client.get(REPORT_URL)))
    assert all(i["src"].startswith("data:image/svg+xml;base64,") for i in inline)
    assert not any("width" in i or "loading" in i for i in inline)
    embedded = [base64.b64decode(i["src"].split(",", 1)[1]) for i in inline]
    memo.CHARTS.clear()
    monkeypatch.setattr(chart_store, "SEPARATE", True)
    apart = chart_images(Page(client.get(REPORT_URL)))
    served = [client.get(i["src"]).data for i in apart]
    assert served == embedded
    assert [i["alt"] for i in apart] == [i["alt"] for i in inline]
