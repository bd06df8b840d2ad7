"""Charts a council member can read: numbers on bar segments contrast with
their colour (WCAG AA, 4.5:1), and the priority charts show every
phenomenon, without long names printed over each other."""

from __future__ import annotations

import pytest

from survey.reporting.charts import (
    PROPOSAL_COLOURS,
    _sequential,
    bubble_chart,
    contrast_ratio,
    label_colour,
    rank_chart,
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
