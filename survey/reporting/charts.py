"""Charts of the input report, drawn with matplotlib ``Figure`` objects (never
pyplot: no global state, safe in a web process) and returned as SVG with a
text alternative that gives the same numbers.

Every chart takes numbers from the report model only, so a chart never shows
a figure that the tables suppress: a suppressed or hidden percentage is not
drawn and the text alternative says it is not shown.
"""

from __future__ import annotations

import base64
import io
import json
import math
import re
import threading
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import ParamSpec

import matplotlib
from flask_babel import gettext
from matplotlib.backends.backend_svg import RendererSVG
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from survey.memo import CHARTS, repr_key
from survey.reporting.numbers import num, pct

PALETTE = ("#1d4f91", "#5b8fd6", "#a9c4ea", "#e3a33b", "#b5562b", "#6d6d6d")
INK = "#1b1b1b"
GRID = "#d0d5dd"

P = ParamSpec("P")
# A remembered chart's figure is shared by the requests that find it; a
# figure may be drawn by one thread at a time.
_DRAWING = threading.Lock()


def _(msgid: str, **values: object) -> str:
    return str(gettext(msgid, **values))


@dataclass(frozen=True)
class Drawn:
    """A chart drawn: its SVG and the matplotlib figure (kept to draw a PNG
    only when one is asked for)."""

    svg: str
    figure: Figure = field(repr=False, compare=False)


@dataclass(frozen=True)
class Chart:
    """A chart's text alternative (same numbers, in words), its caption
    (which figures it shows: weighted or unweighted), its data table and
    what it is drawn from; drawn only when its SVG or PNG is asked for, so
    a page can name a chart without drawing it (``survey.reporting.
    chart_store``)."""

    alt: str
    caption: str
    table: tuple[tuple[object, ...], ...]
    """The numbers drawn, as rows (the first is the header): the chart's data
    table in the ZIP of charts."""
    kind: str
    """Which drawing (a key of ``DRAWINGS``)."""
    inputs: str
    """The drawing's arguments as JSON, ``[args, kwargs]``: plain labels and
    published numbers only, so they may be stored and drawn elsewhere."""
    size: tuple[float, float]
    """The figure's width and height in inches before it is cropped."""

    @property
    def drawn(self) -> Drawn:
        """The chart drawn, in the interface language (remembered)."""
        return draw(self.kind, self.inputs)

    @property
    def svg(self) -> str:
        """The chart as SVG."""
        return self.drawn.svg

    @property
    def figure(self) -> Figure:
        """The matplotlib figure."""
        return self.drawn.figure

    def png(self, dpi: int = 200) -> bytes:
        """The chart as a PNG (Word documents and slides)."""
        buffer = io.BytesIO()
        figure = self.figure
        with _DRAWING:
            figure.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight", metadata={})
        return buffer.getvalue()

    @property
    def data_uri(self) -> str:
        """For ``<img src>``: the page's CSP allows data: images, and an SVG
        in an image keeps its own styles."""
        encoded = base64.b64encode(self.svg.encode("utf-8")).decode("ascii")
        return f"data:image/svg+xml;base64,{encoded}"


DRAWINGS: dict[str, Callable[..., Figure]] = {}
"""Every drawing by its name: the figure of a chart from its inputs."""


def _drawing(name: str) -> Callable[[Callable[P, Figure]], Callable[P, Figure]]:
    """Register a drawing under ``name`` in ``DRAWINGS``."""

    def register(make: Callable[P, Figure]) -> Callable[P, Figure]:
        DRAWINGS[name] = make
        return make

    return register


def _chart(
    drawing: str,
    text: tuple[str, str, tuple[tuple[object, ...], ...]],
    size: tuple[float, float],
    /,
    *args: object,
    **kwargs: object,
) -> Chart:
    """A chart named by its ``text`` (alt, caption, table), not yet drawn.
    The inputs pass through JSON once, so that a chart drawn from stored
    inputs and one drawn here get exactly the same arguments."""
    alt, caption, table = text
    inputs = json.dumps([args, kwargs], ensure_ascii=False, separators=(",", ":"))
    return Chart(alt, caption, table, drawing, inputs, size)


def draw(kind: str, inputs: str) -> Drawn:
    """The drawing ``kind`` of ``inputs`` (JSON, as ``Chart.inputs``) in the
    interface language, remembered (``survey.memo.CHARTS``): a chart is a
    pure function of its inputs and the language, so the same chart on the
    page, then in the PDF and the DOCX, is drawn once. ``KeyError`` for an
    unknown kind."""
    return CHARTS.get_or_make(repr_key(kind, inputs), lambda: draw_now(kind, inputs))


def draw_now(kind: str, inputs: str) -> Drawn:
    """The drawing ``kind`` of ``inputs`` in the interface language, drawn
    now and not remembered (``draw`` remembers; a chart drawer process,
    ``survey.reporting.print_charts``, keeps nothing)."""
    args, kwargs = json.loads(inputs)
    figure = DRAWINGS[kind](*args, **kwargs)
    return Drawn(_svg(figure), figure)


DRAW_ONCE = True
"""Draw each chart once and crop it to its tight box (``_svg_once``), not
matplotlib's ``bbox_inches="tight"``, which draws every figure twice (once
to measure, once to write): the report page's first open drew 21 charts in
~1.7 s CPU, ~1.2 s drawn once (bench/notes.md). Same size, same picture
(``tests/unit/test_report_charts.py`` compares the two ways)."""
_SVG_ROOT = re.compile(r'<svg([^>]*?) width="[^"]*" height="[^"]*" viewBox="[^"]*"')


def _svg_style() -> AbstractContextManager[None]:
    """Text as text (searchable, no glyph paths) and stable element ids."""
    return matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "zvp-report"})


def _svg(figure: Figure) -> str:
    text = _svg_once(figure) if DRAW_ONCE else None
    if text is None:
        text = _svg_tight(figure)
    start = text.find("<svg")
    return text[start:] if start >= 0 else text


def _svg_tight(figure: Figure) -> str:
    """The tight SVG as matplotlib makes it: drawn to measure, then again."""
    buffer = io.StringIO()
    with _svg_style():
        figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    return buffer.getvalue()


def _svg_once(figure: Figure) -> str | None:
    """The figure drawn once at its full size, then cropped to the box that
    ``bbox_inches="tight"`` would keep (the same measure: the tight box of
    every artist at the SVG's 72 dpi, padded by ``savefig.pad_inches``) by
    the SVG's size and ``viewBox``: the same width and height in points and
    the same picture, with the coordinates not shifted. None when the
    SVG's root element is not as expected (another matplotlib)."""
    buffer = io.StringIO()
    with _svg_style():
        figure.savefig(buffer, format="svg", metadata={"Date": None})
        width, height = figure.get_size_inches()
        dpi = figure.dpi
        # The SVG backend lays out at 72 dpi; measure there as savefig does.
        figure.dpi = 72
        try:
            measure = RendererSVG(width * 72, height * 72, io.StringIO(), image_dpi=72)  # type: ignore[no-untyped-call]
            pad = matplotlib.rcParams["savefig.pad_inches"]
            box = figure.get_tightbbox(measure).padded(pad)
        finally:
            figure.dpi = dpi
    w, h = _points(box.width * 72), _points(box.height * 72)
    left, top = _points(box.x0 * 72), _points((height - box.y1) * 72)
    text, found = _SVG_ROOT.subn(
        lambda m: f'<svg{m.group(1)} width="{w}pt" height="{h}pt" viewBox="{left} {top} {w} {h}"',
        buffer.getvalue(),
        count=1,
    )
    return text if found else None


def _points(value: float) -> str:
    """A length as the SVG backend writes it (``%f`` without trailing zeros)."""
    return f"{value:f}".rstrip("0").rstrip(".")


def kind_title(kind: str) -> str:
    """What a chart's percentages are, as its title: every chart says
    whether it is weighted (``survey.analysis.estimates``)."""
    if kind == "weighted":
        return _("Weighted percentages")
    if kind == "margins":
        return _("Weighted percentages (equal to the population margins)")
    return _("Unweighted percentages")


WIDTH = 6.6
"""Every chart's figure width in inches (the report's text width)."""
BUBBLE_SIZE = (WIDTH, 4.6)
GROUPED_SIZE = (WIDTH, 3.0)


def _bar_size(labels: Sequence[str]) -> tuple[float, float]:
    names = [_wrap(label) for label in labels]
    return WIDTH, 1.1 + _row_pitch(names, 0.42, 8) * len(labels)


def _stacked_size(rows: Sequence[tuple[str, object]]) -> tuple[float, float]:
    names = [_wrap(label, 34) for label, _values in rows]
    return WIDTH, 1.3 + _row_pitch(names, 0.4, 7.5) * len(rows)


def _rank_size(rows: Sequence[object]) -> tuple[float, float]:
    return WIDTH, 0.9 + 0.36 * len(rows)


def _new_figure(width: float, height: float) -> Figure:
    figure = Figure(figsize=(width, height), dpi=100)
    figure.patch.set_alpha(0)
    return figure


def _style(ax: object) -> None:
    from matplotlib.axes import Axes

    assert isinstance(ax, Axes)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.spines["left"].set_color(GRID)
    ax.spines["bottom"].set_color(GRID)
    ax.tick_params(colors=INK, labelsize=8)
    ax.xaxis.label.set_color(INK)


def _sentence(text: str) -> str:
    """``text`` ended as a sentence: a full stop, unless it already ends in
    one (a question's own "?" stays "?", never "?.")."""
    text = text.rstrip()
    return text if not text or text.endswith((".", "?", "!", "\u2026")) else text + "."


def _alt(head: str, parts: Sequence[str]) -> str:
    """A chart's text alternative: what it is (``head``, e.g. "Bar chart:
    <question>"), then its numbers, each part separated by "; ". Every
    format (HTML ``alt``, PDF tags, DOCX picture descriptions) takes it
    from here."""
    return " ".join(s for s in (_sentence(head), _sentence("; ".join(parts))) if s)


def _row_pitch(names: Sequence[str], least: float, size: float) -> float:
    """Inches per bar: ``least``, or more when a wrapped label's lines (at
    ``size`` points, 1.2 line height, 4 pt apart) would touch the next
    row's label."""
    lines = max((name.count("\n") + 1 for name in names), default=1)
    # The axes get this share of the figure's height (matplotlib's subplot box).
    share = float(matplotlib.rcParams["figure.subplot.top"]) - float(
        matplotlib.rcParams["figure.subplot.bottom"]
    )
    return max(least, (lines * size * 1.2 + 4) / 72 / share)


def _wrap(label: str, width: int = 38) -> str:
    words = label.split()
    lines: list[str] = []
    current = ""
    for word in words:
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}".strip()
    if current:
        lines.append(current)
    return "\n".join(lines[:3])


@_drawing("bar_chart")
def _bar_chart_figure(
    title: str,
    labels: Sequence[str],
    percents: Sequence[float | None],
    intervals: Sequence[Sequence[float] | None],
    *,
    unit_note: str = "",
    kind: str = "unweighted",
) -> Figure:
    """The figure of ``bar_chart``."""
    names = [_wrap(label) for label in labels]
    figure = _new_figure(*_bar_size(labels))
    ax = figure.add_subplot()
    positions = list(range(len(labels)))[::-1]
    for y, value, ci in zip(positions, percents, intervals, strict=True):
        if value is None:
            ax.text(1, y, _("not shown"), va="center", fontsize=7, color="#6d6d6d")
            continue
        ax.barh(y, value, color=PALETTE[0], height=0.62)
        if ci is not None:
            ax.errorbar(
                value,
                y,
                xerr=[[value - ci[0]], [ci[1] - value]],
                fmt="none",
                ecolor=INK,
                elinewidth=0.9,
                capsize=2.5,
            )
        right = ci[1] if ci is not None else value
        ax.text(right + 1.2, y, pct(value), va="center", fontsize=7.5, color=INK)
    ax.set_yticks(positions, names, fontsize=8)
    top = max([c[1] for c in intervals if c is not None] + [v or 0 for v in percents] + [10])
    ax.set_xlim(0, min(100.0, top * 1.18 + 4))
    if not unit_note:
        # The margins of a weighting dimension have no interval to draw.
        unit_note = (
            _("percent of valid answers")
            if kind == "margins"
            else _("percent of valid answers (line: interval at 95%)")
        )
    # What the percentages are goes under the axis, not over the top bar: a
    # title above the axes ran into the first row's label or "not shown".
    ax.set_xlabel(f"{kind_title(kind)}\n{unit_note}", fontsize=8)
    ax.grid(axis="x", color=GRID, linewidth=0.5)
    ax.set_axisbelow(True)
    _style(ax)
    return figure


def bar_chart(
    title: str,
    labels: Sequence[str],
    percents: Sequence[float | None],
    intervals: Sequence[Sequence[float] | None],
    *,
    unit_note: str = "",
    kind: str = "unweighted",
) -> Chart:
    """Horizontal bars (percent 0-100) with 95 % interval whiskers; the
    ``kind`` of the percentages heads the axis label. Bars whose percentage
    is not shown (suppressed, small base) are left empty."""
    parts = []
    for label, value, ci in zip(labels, percents, intervals, strict=True):
        if value is None:
            parts.append(_("%(label)s: not shown", label=label))
        elif ci is not None:
            parts.append(
                _(
                    "%(label)s: %(value)s (95%% interval %(low)s to %(high)s)",
                    label=label,
                    value=pct(value),
                    low=pct(ci[0]),
                    high=pct(ci[1]),
                )
            )
        else:
            parts.append(f"{label}: {pct(value)}")
    caption = kind_title(kind)
    alt = _alt(_("Bar chart (%(kind)s): %(title)s", kind=caption.lower(), title=title), parts)
    table = (
        (_("Answer"), kind_title(kind), _("interval from"), _("interval to")),
        *(
            (label, value, None if ci is None else ci[0], None if ci is None else ci[1])
            for label, value, ci in zip(labels, percents, intervals, strict=True)
        ),
    )
    return _chart(
        "bar_chart",
        (alt, caption, table),
        _bar_size(labels),
        title,
        labels,
        percents,
        intervals,
        unit_note=unit_note,
        kind=kind,
    )


@_drawing("stacked_bars")
def _stacked_bars_figure(
    title: str,
    rows: Sequence[tuple[str, Sequence[float | None]]],
    option_labels: Sequence[str],
    *,
    kind: str = "unweighted",
) -> Figure:
    """The figure of ``stacked_bars``."""
    names = [_wrap(label, 34) for label, _v in rows]
    figure = _new_figure(*_stacked_size(rows))
    ax = figure.add_subplot()
    positions = list(range(len(rows)))[::-1]
    colours = _sequential(len(option_labels))
    for y, (_label, values) in zip(positions, rows, strict=True):
        if any(v is None for v in values):
            ax.text(1, y, _("not shown"), va="center", fontsize=7, color="#6d6d6d")
            continue
        left = 0.0
        for index, value in enumerate(values):
            assert value is not None
            ax.barh(y, value, left=left, color=colours[index], height=0.66)
            if value >= 7:
                ax.text(
                    left + value / 2,
                    y,
                    num(value, 0),
                    ha="center",
                    va="center",
                    fontsize=6.5,
                    color=label_colour(colours[index]),
                )
            left += value
    ax.set_yticks(positions, names, fontsize=7.5)
    ax.set_xlim(0, 100)
    ax.set_xlabel(_("%(kind)s of valid answers", kind=kind_title(kind)), fontsize=8)
    handles = [Patch(color=colours[i], label=label) for i, label in enumerate(option_labels)]
    ax.legend(
        handles=handles,
        loc="lower center",
        bbox_to_anchor=(0.4, 1.0),
        ncol=min(len(option_labels), 3),
        fontsize=7,
        frameon=False,
    )
    _style(ax)
    return figure


def stacked_bars(
    title: str,
    rows: Sequence[tuple[str, Sequence[float | None]]],
    option_labels: Sequence[str],
    *,
    kind: str = "unweighted",
) -> Chart:
    """One 100 % bar per matrix row, split by answer option, with the
    ``kind`` of the percentages in its axis label. A row with any
    percentage not shown is drawn empty (its parts would reveal the rest)."""
    parts = []
    for label, values in rows:
        if any(v is None for v in values):
            parts.append(_("%(label)s: not shown", label=label))
            continue
        pieces = ", ".join(
            f"{option} {pct(v)}" for option, v in zip(option_labels, values, strict=True)
        )
        parts.append(f"{label}: {pieces}")
    caption = kind_title(kind)
    alt = _alt(
        _("Stacked bar chart (%(kind)s): %(title)s", kind=caption.lower(), title=title), parts
    )
    table = (("", *option_labels), *((label, *values) for label, values in rows))
    return _chart(
        "stacked_bars",
        (alt, caption, table),
        _stacked_size(rows),
        title,
        rows,
        option_labels,
        kind=kind,
    )


def _luminance(colour: str) -> float:
    """WCAG 2 relative luminance of a ``#rrggbb`` colour (0 black .. 1 white)."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(first: str, second: str) -> float:
    """WCAG 2 contrast ratio of two ``#rrggbb`` colours (1 .. 21)."""
    high, low = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def label_colour(background: str) -> str:
    """White or ink, whichever contrasts more with ``background``: a number
    printed on a bar segment stays readable (WCAG AA asks 4.5:1)."""
    white = "#ffffff"
    return white if contrast_ratio(white, background) > contrast_ratio(INK, background) else INK


def _sequential(n: int) -> list[str]:
    base = ["#0b3c7a", "#2e6bb8", "#7fa7dc", "#c7d8ef", "#f0c987", "#d9822b", "#a3461d"]
    if n <= len(base):
        step = (len(base) - 1) / max(n - 1, 1)
        return [base[round(i * step)] for i in range(n)]
    return [base[i % len(base)] for i in range(n)]


@_drawing("bubble_chart")
def _bubble_chart_figure(
    title: str,
    points: Sequence[tuple[str, int | None, float | None, float | None, float | None]],
    *,
    x_label: str,
    y_label: str,
    size_label: str,
    caption: str = "",
) -> Figure:
    """The figure of ``bubble_chart``."""
    figure = _new_figure(*BUBBLE_SIZE)
    ax = figure.add_subplot()
    sizes = [s for _n, _r, _x, _y, s in points if s is not None and s > 0]
    largest = max(sizes) if sizes else 1.0
    drawn = []
    missing = []
    for name, rank, x, y, size in points:
        if x is None or y is None:
            missing.append(name if rank is None else f"{rank}. {name}")
            continue
        area = 80 + 1400 * ((size or 0) / largest if largest else 0)
        ax.scatter(x, y, s=area, color=PALETTE[2], alpha=0.6, edgecolors=PALETTE[0])
        ax.annotate(
            "-" if rank is None else str(rank),
            (x, y),
            ha="center",
            va="center",
            fontsize=8,
            fontweight="bold",
            color=INK,
        )
        drawn.append((x, y, area))
    if drawn:
        xs = [p[0] for p in drawn]
        ys = [p[1] for p in drawn]
        reach = [_bubble_reach(area) for _x, _y, area in drawn]
        box = ax.get_position()
        width_pt, height_pt = (72 * v for v in figure.get_size_inches())
        # A mean on a 1-5 scale spans at least one point, a share ten.
        ax.set_xlim(*_room(xs, reach, box.width * width_pt, least=10.0))
        ax.set_ylim(*_room(ys, reach, box.height * height_pt, least=1.0 if max(ys) <= 5 else 10.0))
        # Room for a bubble may reach below 0 %: no tick says "-5 %".
        ax.xaxis.set_major_formatter(_tick_label)
        ax.yaxis.set_major_formatter(_tick_label)
        ax.axvline(sum(xs) / len(xs), color=GRID, linewidth=0.8, linestyle="--")
        ax.axhline(sum(ys) / len(ys), color=GRID, linewidth=0.8, linestyle="--")
    ax.set_xlabel(x_label, fontsize=8)
    ax.set_ylabel(y_label, fontsize=8)
    _style(ax)
    if missing:
        note = _(
            "Not in the chart (no figure of residents or partners): %(names)s.",
            names=", ".join(missing),
        )
        figure.text(0.0, -0.02, _wrap(note, 110), fontsize=7, color=INK, va="top")
    return figure


def bubble_chart(
    title: str,
    points: Sequence[tuple[str, int | None, float | None, float | None, float | None]],
    *,
    x_label: str,
    y_label: str,
    size_label: str,
    caption: str = "",
) -> Chart:
    """The priority matrix: x = citizen concern (%), y = the partners'
    indicator (mean importance, or the share that wants a priority), bubble
    area = objective figure; ``points`` are (name, rank, x, y, size). A
    bubble is labelled with its rank (long names overlap; the table beside
    the chart gives each rank its name), and the phenomena
    without x or y are named under the chart, so every phenomenon is shown.
    ``caption`` says whether the residents' figures are weighted."""
    parts = []
    for name, rank, x, y, size in points:
        parts.append(
            _(
                "%(name)s (rank %(rank)s): concern %(x)s, %(y_label)s %(y)s, "
                "%(size_label)s %(size)s",
                name=name,
                y_label=y_label,
                rank="-" if rank is None else rank,
                x=pct(x),
                y=num(y),
                size_label=size_label,
                size=num(size, 0),
            )
        )
    alt = _alt(_("Bubble chart: %(title)s", title=title), parts)
    table = ((_("Phenomenon"), _("Rank"), x_label, y_label, size_label), *points)
    return _chart(
        "bubble_chart",
        (alt, caption, table),
        BUBBLE_SIZE,
        title,
        points,
        x_label=x_label,
        y_label=y_label,
        size_label=size_label,
        caption=caption,
    )


BUBBLE_EDGE_PT = 4.0
"""Room (points) between a bubble's edge, or its rank label, and the axes."""


def _bubble_reach(area: float) -> float:
    """How far (points) a bubble of marker ``area`` (points squared) reaches
    from its centre: its radius, at least half its rank label ("12" at 8 pt),
    its edge line and ``BUBBLE_EDGE_PT`` of room."""
    return max(math.sqrt(area) / 2, 6.0) + 1.0 + BUBBLE_EDGE_PT


def _room(
    values: Sequence[float], reach: Sequence[float], length: float, least: float
) -> tuple[float, float]:
    """Axis limits that keep every bubble inside the axes: value ``v[i]``
    reaches ``reach[i]`` points either side on an axis ``length`` points
    long. With span W, bubble i needs ``a[i] * W`` data units each side
    (``a[i] = reach[i] / length``), so W is the largest
    ``(v[i] - v[j]) / (1 - a[i] - a[j])`` over all pairs (and at least
    ``least``); the limits centre that span on the bubbles' extremes."""
    share = [min(r / length, 0.45) for r in reach]
    span = least
    for vi, ai in zip(values, share, strict=True):
        for vj, aj in zip(values, share, strict=True):
            span = max(span, (vi - vj) / (1 - ai - aj))
    low = min(v - a * span for v, a in zip(values, share, strict=True))
    high = max(v + a * span for v, a in zip(values, share, strict=True))
    spare = (span - (high - low)) / 2
    return low - spare, high + spare


def _tick_label(value: float, _position: object) -> str:
    """An axis tick of the bubble chart, Dutch style; none below zero (the
    room a bubble needs, not a value)."""
    return "" if value < 0 else num(value)


PROPOSAL_COLOURS = {"priority": "#a3461d", "attention": "#8a5a00", "basic": "#1d4f91"}
"""Dot colours per proposed label; each passes 4.5:1 on white (WCAG AA)."""


@_drawing("rank_chart")
def _rank_chart_figure(
    title: str,
    rows: Sequence[tuple[str, int, Sequence[int] | None, float | None, str, str]],
    boundaries: Sequence[tuple[float, str]],
) -> Figure:
    """The figure of ``rank_chart``."""
    n = len(rows)
    figure = _new_figure(*_rank_size(rows))
    ax = figure.add_subplot()
    positions = list(range(n))[::-1]
    for y, (_name, rank, interval, _score, key, _words) in zip(positions, rows, strict=True):
        colour = PROPOSAL_COLOURS.get(key, INK)
        if interval:
            ax.hlines(y, interval[0], interval[1], color=colour, linewidth=2.2)
        ax.plot(rank, y, "o", color=colour, markersize=7)
    for at, label in boundaries:
        ax.axvline(at + 0.5, color=GRID, linewidth=1, linestyle="--")
        ax.text(at + 0.45, n - 0.4, label, ha="right", va="bottom", fontsize=7, color=INK)
    ax.set_yticks(
        positions,
        [
            _wrap(f"{name} ({num(score)})" if score is not None else name, 34)
            for name, _r, _i, score, _k, _w in rows
        ],
        fontsize=7.5,
    )
    ax.set_xlim(0.5, max(n, 1) + 0.5)
    ax.set_ylim(-0.7, n - 0.1)
    ax.set_xticks(range(1, n + 1))
    ax.set_xlabel(_("rank (line: rank interval at 95%)"), fontsize=8)
    ax.grid(axis="x", color=GRID, linewidth=0.4)
    ax.set_axisbelow(True)
    _style(ax)
    return figure


def rank_chart(
    title: str,
    rows: Sequence[tuple[str, int, Sequence[int] | None, float | None, str, str]],
    boundaries: Sequence[tuple[float, str]],
) -> Chart:
    """Dot and interval: every ranked phenomenon on its own line, in rank
    order, its rank as a dot and its bootstrap rank interval as a line, the
    score beside its name; ``rows`` are (name, rank, interval, score,
    proposal key, proposal in words); ``boundaries`` the rule's rank
    boundaries (drawn between rank n and n + 1) with their label."""
    parts = [
        _(
            "%(name)s: rank %(rank)s (interval %(low)s to %(high)s), score %(score)s, %(proposal)s",
            name=name,
            rank=rank,
            low=interval[0] if interval else rank,
            high=interval[1] if interval else rank,
            score=num(score),
            proposal=words,
        )
        for name, rank, interval, score, _k, words in rows
    ]
    alt = _alt(_("Dot and interval chart: %(title)s", title=title), parts)
    table = (
        (
            _("Phenomenon"),
            _("Rank"),
            _("interval from"),
            _("interval to"),
            _("Score"),
            _("Proposal"),
        ),
        *(
            (name, rank, *(interval or (rank, rank)), score, words)
            for name, rank, interval, score, _k, words in rows
        ),
    )
    # The title is the caption: a numbered figure never stands without one.
    return _chart(
        "rank_chart",
        (alt, title, table),
        _rank_size(rows),
        title,
        rows,
        boundaries,
    )


@_drawing("grouped_bars")
def _grouped_bars_figure(
    title: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
) -> Figure:
    """The figure of ``grouped_bars``."""
    figure = _new_figure(*GROUPED_SIZE)
    ax = figure.add_subplot()
    width = 0.8 / max(len(series), 1)
    for index, (name, values) in enumerate(series):
        xs = [i + (index - (len(series) - 1) / 2) * width for i in range(len(labels))]
        ax.bar(
            xs,
            [0.0 if v is None or math.isnan(v) else v for v in values],
            width=width * 0.95,
            color=PALETTE[index * 2 % len(PALETTE)],
            label=name,
        )
    ax.set_xticks(range(len(labels)), [_wrap(label, 14) for label in labels], fontsize=7.5)
    ax.set_ylabel(_("percent"), fontsize=8)
    ax.legend(fontsize=7, frameon=False)
    ax.grid(axis="y", color=GRID, linewidth=0.5)
    ax.set_axisbelow(True)
    _style(ax)
    return figure


def grouped_bars(
    title: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
) -> Chart:
    """Vertical grouped bars in percent, e.g. responses against population per district."""
    parts = []
    for i, label in enumerate(labels):
        pieces = ", ".join(f"{name} {pct(values[i])}" for name, values in series)
        parts.append(f"{label}: {pieces}")
    alt = _alt(_("Bar chart: %(title)s", title=title), parts)
    table = (
        ("", *(name for name, _v in series)),
        *((label, *(values[i] for _n, values in series)) for i, label in enumerate(labels)),
    )
    return _chart(
        "grouped_bars",
        (alt, title, table),
        GROUPED_SIZE,
        title,
        labels,
        series,
    )
