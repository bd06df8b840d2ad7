"""The report page's charts as their own requests: the page names each
chart by an address and the browser fetches it, so the page's HTML (text,
tables, every chart's caption and text alternative) returns without
waiting for matplotlib (the demo's 21 charts take ~2 s to draw,
bench/notes.md).

When the page is rendered, each chart's inputs (its drawing's name and
arguments: plain labels and the published, post-suppression numbers the
chart shows, never more) are written to a small JSON file in the folder
``REPORT_CHART_DIR`` (default ``report-charts`` in the instance folder), so
that every server process (gunicorn runs several, each with its own
``survey.memo``) can draw a chart the page of another process named. The
file's name is the chart's key: the SHA-256 of the survey, the report's
language and the inputs. A changed report gives new keys, hence new
addresses, so a browser may keep an SVG for good. The chart's request
draws it once (in the report's language) and keeps the SVG beside its
inputs; the next request of any process reads the file. Files unused for
``KEEP_FOR`` are removed when a new chart is written, as the PDF jobs do
(``survey.reporting.pdf_jobs``).

The downloads (HTML file, PDF, DOCX, ZIP) keep their charts inside: they
are read without the server.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from flask import url_for
from flask_babel import force_locale

from survey.memo import language
from survey.reporting.charts import DRAWINGS, Chart, draw
from survey.reporting.stored_files import private_folder, remove_older, write_atomically

SEPARATE = True
"""The seam: the report page serves its charts as their own requests
(``True``), or draws them into the page as data addresses, as the
downloads do (``False``). Both give the same SVG bytes for a chart
(``tests/functional/test_report_charts_served.py``)."""

EAGER = 2
"""How many of the page's first charts the browser fetches at once; the
others carry ``loading="lazy"`` and are fetched as the planner scrolls
towards them. The page opens on the options, the decision page and the
summary, which hold no chart, so the first charts are below the first
screen on every screen; these are the ones a planner reaches first."""

KEEP_FOR = 24 * 3600
"""Seconds a chart's files are kept after the last page that named it."""

CACHE_SECONDS = 365 * 24 * 3600
"""How long a browser may keep a chart's SVG: for good (a year), since a
changed chart gets another address."""

PIXELS_PER_INCH = 96
"""CSS pixels per inch: the width and height the page gives an image."""

_KEY = re.compile(r"[0-9a-f]{32}")


@dataclass(frozen=True)
class ChartImage:
    """What the page's ``<img>`` of a chart needs: its address, its size
    in CSS pixels (the figure's, known before it is drawn; the drawn chart
    is cropped to its content, and the stylesheet keeps its proportions)
    and whether the browser may wait until it is near the screen."""

    src: str
    width: int
    height: int
    lazy: bool


def charts_dir() -> Path:
    """The folder of the charts' inputs and SVGs (``REPORT_CHART_DIR``, or
    ``report-charts`` in the instance folder), made when missing."""
    return private_folder("REPORT_CHART_DIR", "report-charts")


def chart_key(survey_key: str, chart: Chart) -> str:
    """The key of ``chart`` of ``survey_key`` in the interface language
    (32 hex digits): the same inputs give the same key in every process."""
    text = json.dumps([survey_key, language(), chart.kind, chart.inputs], ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


class PageCharts:
    """The charts of one rendering of the report page of ``survey_key``:
    each chart's inputs stored, its ``<img>`` described, in page order."""

    def __init__(self, survey_key: str, query: dict[str, str]) -> None:
        """For the page of ``survey_key`` with the options of ``query``, in
        the current request."""
        self.survey_key = survey_key
        self.query_string = urlencode(query)
        self.folder = charts_dir()
        self.count = 0
        self.tidied = False

    def image(self, chart: Chart) -> ChartImage:
        """Store the inputs of ``chart`` and describe its ``<img>``; draws
        nothing. The address carries the page's options, so that an app
        instance that does not share this store can name the chart again
        (``survey.workspace.views.reports.chart``)."""
        key = self.keep(chart)
        self.count += 1
        width, height = chart.size
        return ChartImage(
            src=f"{url_for('reports.chart', key=self.survey_key, chart=key)}?{self.query_string}",
            width=round(width * PIXELS_PER_INCH),
            height=round(height * PIXELS_PER_INCH),
            lazy=self.count > EAGER,
        )

    def keep(self, chart: Chart) -> str:
        """Store the inputs of ``chart`` (or mark them as still in use):
        its key."""
        key = chart_key(self.survey_key, chart)
        inputs = self.folder / f"chart-{key}.json"
        if inputs.is_file():
            os.utime(inputs)  # still named by a page: not for tidying
        else:
            if not self.tidied:
                remove_older(self.folder, KEEP_FOR)
                self.tidied = True
            record = {
                "survey": self.survey_key,
                "language": language(),
                "kind": chart.kind,
                "inputs": chart.inputs,
            }
            write_atomically(inputs, json.dumps(record, ensure_ascii=False))
        return key


def drawn_before(survey_key: str, chart: Chart) -> str | None:
    """The SVG of ``chart`` of ``survey_key`` if a page's request of any
    process drew it (``stored_svg``), else None; draws nothing."""
    try:
        return (charts_dir() / f"chart-{chart_key(survey_key, chart)}.svg").read_text(
            encoding="utf-8"
        )
    except OSError:
        return None


def is_key(text: str) -> bool:
    """Whether ``text`` has the form of a chart's key."""
    return _KEY.fullmatch(text) is not None


def stored_svg(survey_key: str, key: str) -> str | None:
    """The SVG of the chart ``key`` of ``survey_key``: read from the store,
    or drawn from its stored inputs in the report's language and kept.
    None when there is no such chart of this survey (an unknown or changed
    key, another survey's chart, inputs tidied away)."""
    if not is_key(key):
        return None
    folder = charts_dir()
    try:
        record = json.loads((folder / f"chart-{key}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(record, dict) or record.get("survey") != survey_key:
        return None
    if record.get("kind") not in DRAWINGS or not isinstance(record.get("inputs"), str):
        return None
    target = folder / f"chart-{key}.svg"
    try:
        return target.read_text(encoding="utf-8")
    except OSError:
        pass
    with force_locale(str(record.get("language") or "nl")):
        svg = draw(str(record["kind"]), str(record["inputs"])).svg
    write_atomically(target, svg)
    return svg
