"""Charts a council member can read: numbers on bar segments contrast with
their colour (WCAG AA, 4.5:1), and the priority charts show every
phenomenon, without long names printed over each other."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from survey.reporting.charts import (
    PROPOSAL_COLOURS,
    _sequential,
    bar_chart,
    bubble_chart,
    contrast_ratio,
    kind_title,
    label_colour,
    rank_chart,
    stacked_bars,
)


@pytest.mark.parametrize("options", range(2, 9))
def test_numbers_on_stacked_bars_pass_wcag_contrast(options: int) -> None:
    for colour in _sequential(options):
        assert contrast_ratio(colour, label_colour(colour)) >= 4.5, colour


def test_contrast_ratio_matches_wcag() -> None:
    assert round(contrast_ratio("#000000", "#ffffff"), 1) == 21.0
    assert contrast_ratio("#777777", "#777777") == 1.0
    for colour in PROPOSAL_COLOURS.values():
        assert contrast_ratio(colour, "#ffffff") >= 4.5


def test_every_phenomenon_is_in_the_priority_charts(app_ctx: object) -> None:
    # No spaces: a wrapped label never splits a name over two lines.
    names = [f"Fenomeen-met-een-lange-naam-{chr(64 + i)}x" for i in range(1, 11)]
    points = [
        (name, i, (None if i > 7 else 10.0 + i), (None if i > 7 else 3.0), 100.0)
        for i, name in enumerate(names, start=1)
    ]
    bubbles = bubble_chart("Matrix", points, x_label="x", y_label="y", size_label="feiten")
    # Bubbles carry their rank, not their name; the others are named under it.
    for i, name in enumerate(names, start=1):
        assert name in bubbles.alt
        if i > 7:
            assert name in bubbles.svg
        else:
            assert name not in bubbles.svg
    ranks = rank_chart(
        "Rangen",
        [(name, i, [i, i + 2], 0.5, "basic", "basiszorg") for i, name in enumerate(names, 1)],
        [(3, "prioriteiten"), (6, "aandachtspunten")],
    )
    # One label line per phenomenon, in rank order.
    assert ranks.svg.count("Fenomeen-met-een-lange-naam") == len(names)
    for name in names:
        assert name in ranks.alt
    assert "rang 3 (interval 3 tot 5)" in ranks.alt


def _bubbles_and_labels(chart: Any) -> tuple[Any, list[Any], list[Any]]:
    """The axes box, every bubble's box and every rank label's box of a
    drawn bubble chart, in pixels (matplotlib's display coordinates)."""
    from matplotlib.backends.backend_agg import RendererAgg
    from matplotlib.collections import PathCollection
    from matplotlib.transforms import Bbox

    figure = chart.figure
    width, height = figure.get_size_inches() * figure.dpi
    renderer = RendererAgg(width, height, figure.dpi)
    (ax,) = figure.axes
    bubbles = []
    for collection in ax.collections:
        assert isinstance(collection, PathCollection)
        (size,) = collection.get_sizes()
        radius = (size**0.5) / 2 * figure.dpi / 72
        for x, y in ax.transData.transform(collection.get_offsets()):
            bubbles.append(Bbox.from_extents(x - radius, y - radius, x + radius, y + radius))
    labels = [text.get_window_extent(renderer) for text in ax.texts]
    return ax.get_window_extent(renderer), bubbles, labels


@pytest.mark.parametrize(
    "points",
    [
        # The demo: two bubbles on the x-axis (0 %), the largest at the right edge.
        [
            ("Verkeersveiligheid", 1, 98.17, 33.33, 655.0),
            ("Drugs", 2, 43.75, 83.33, 468.0),
            ("Overlast", 3, 86.44, 40.0, 402.0),
            ("Inbraken", 4, 58.42, 20.0, 236.0),
            ("Milieu", 5, 59.2, 0.0, 171.0),
            ("Woninginbraak", 6, 34.67, 0.0, 12.0),
            ("Intrafamiliaal geweld", 8, 18.16, 16.67, 305.0),
        ],
        # A mean importance on the 1-5 scale, at both ends, the largest at the corners.
        [
            ("Drugs", 1, 0.0, 1.0, 900.0),
            ("Fraude", 2, 100.0, 5.0, 900.0),
            ("Verkeer", 3, 50.0, 3.0, 10.0),
        ],
        # One phenomenon only.
        [("Drugs", 1, 12.0, 4.2, 50.0)],
    ],
)
def test_every_bubble_and_its_rank_sit_inside_the_matrix_chart(
    app_ctx: object, points: list[tuple[str, int, float, float, float]]
) -> None:
    chart = bubble_chart("Matrix", points, x_label="x", y_label="y", size_label="feiten")
    axes, bubbles, labels = _bubbles_and_labels(chart)
    assert len(bubbles) == len(points) and len(labels) == len(points)
    for box in bubbles + labels:
        assert axes.x0 < box.x0 and box.x1 < axes.x1, (axes, box)
        assert axes.y0 < box.y0 and box.y1 < axes.y1, (axes, box)
    # No axis tick names a share below zero: the room is not a value.
    (ax,) = chart.figure.axes
    ticks = [label.get_text() for label in ax.get_xticklabels() + ax.get_yticklabels()]
    assert not [t for t in ticks if t.startswith(("-", "\u2212"))]


def _texts(chart: Any) -> list[tuple[str, Any]]:
    """Every piece of text drawn in a chart with its box in pixels."""
    from matplotlib.backends.backend_agg import RendererAgg

    figure = chart.figure
    width, height = figure.get_size_inches() * figure.dpi
    renderer = RendererAgg(width, height, figure.dpi)
    (ax,) = figure.axes
    artists = [
        *ax.get_yticklabels(),
        *ax.get_xticklabels(),
        ax.xaxis.label,
        ax.title,
        # The titles matplotlib may draw above the axes, left and right.
        ax._left_title,
        ax._right_title,
        *ax.texts,
    ]
    return [(a.get_text(), a.get_window_extent(renderer)) for a in artists if a.get_text().strip()]


@pytest.mark.parametrize("kind", ["weighted", "unweighted", "margins"])
def test_what_the_percentages_are_never_overlaps_a_bar_label(app_ctx: object, kind: str) -> None:
    long_label = "Ja, ik heb aangifte gedaan (de politie maakte een proces-verbaal op)"
    chart = bar_chart(
        "Hebt u aangifte gedaan van de diefstal van uw fiets of step?",
        [long_label, "Ik heb het gemeld, maar geen aangifte gedaan", "Nee"],
        [None, 96.0, 60.58],
        [None, [93.0, 98.0], [50.61, 69.74]],
        kind=kind,
    )
    texts = _texts(chart)
    assert any(kind_title(kind) in text for text, _box in texts)  # the chart says it
    # Two texts that merely touch already read as one in the PDF: keep 1.5 pt apart.
    gap = 1.5 * chart.figure.dpi / 72 / 2
    for i, (text, box) in enumerate(texts):
        for other, other_box in texts[i + 1 :]:
            assert not box.padded(gap).overlaps(other_box.padded(gap)), (text, other)


@pytest.mark.parametrize("draw", ["stacked", "bars"])
def test_long_row_labels_stand_apart(app_ctx: object, draw: str) -> None:
    # Three-line labels one line-gap apart read as one long label: rows keep
    # at least 4 pt between two labels (more than between a label's lines).
    labels = [
        f"{i}. Iemand nam iets van u af met geweld of bedreiging (bijvoorbeeld uw tas of gsm)"
        for i in range(12)
    ]
    if draw == "stacked":
        shares: list[list[float | None]] = [[3.0, 97.0], [None, None], [5.0, 95.0]] * 4
        chart = stacked_bars("Overkomen?", list(zip(labels, shares, strict=True)), ["Ja", "Nee"])
    else:
        chart = bar_chart("Overkomen?", labels, [3.0, None, 5.0] * 4, [None] * 12)
    (ax,) = chart.figure.axes
    names = {label.get_text() for label in ax.get_yticklabels()}
    boxes = sorted((box for text, box in _texts(chart) if text in names), key=lambda b: b.y0)
    assert len(boxes) == 12
    for lower, upper in itertools.pairwise(boxes):
        assert upper.y0 - lower.y1 >= 4 * chart.figure.dpi / 72, (lower, upper)
