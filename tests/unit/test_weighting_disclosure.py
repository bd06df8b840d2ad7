"""What the weighting section of a report publishes when the disclosure
control hides part of it: the complete and excluded responses go as one,
with every figure that multiplies back to them; raked on one dimension, a
hidden sample share takes the weight statistics with it; raked on more,
they stay."""

from __future__ import annotations

from dataclasses import replace

from survey.analysis.model import ExcludedGroup, MarginRow, WeightingSummary


def summary(dimensions: tuple[str, ...], *, hidden_share: bool = False) -> WeightingSummary:
    margins = tuple(
        MarginRow(
            dimension=d,
            code=code,
            label=f"{d} {code}",
            population=5000.0,
            population_percent=50.0,
            sample_percent=52.5 if code == 1 else 47.5,
            weighted_percent=50.0,
            sample_count=84 if code == 1 else 76,
            sample_hidden=hidden_share and d == dimensions[0],
        )
        for d in dimensions
        for code in (1, 2)
    )
    return WeightingSummary(
        dimensions=dimensions,
        design_effect=1.02,
        effective_n=157,
        complete_responses=160,
        excluded_responses=5,
        converged=True,
        iterations=4,
        trim=None,
        min_weight=0.952,
        max_weight=1.053,
        margins=margins,
        excluded=(ExcludedGroup("sex", 3, "Anders", "not_in_margins", 5, hidden=True),),
    )


WEIGHT_STATISTICS = ("design_effect", "effective_n", "min_weight", "max_weight")


def test_hidden_totals_take_every_figure_that_multiplies_back_to_them() -> None:
    published = replace(summary(("district", "sex")), totals_hidden=True).to_json()
    assert published["complete_responses"] is None and published["excluded_responses"] is None
    assert published["totals_suppressed"] is True and published["weights_suppressed"] is True
    # effective n x design effect = complete responses; share x complete = a count
    assert all(published[name] is None for name in WEIGHT_STATISTICS)
    assert all(m["sample_percent"] is None and m["sample_suppressed"] for m in published["margins"])
    # the population side is no secret
    assert all(m["population_percent"] == 50.0 for m in published["margins"])


def test_one_dimension_with_a_hidden_share_hides_the_weight_statistics() -> None:
    """A code's weight is its population share over its sample share: the
    largest weight would give the hidden share back."""
    published = summary(("sex",), hidden_share=True).to_json()
    assert published["weights_suppressed"] is True
    assert all(published[name] is None for name in WEIGHT_STATISTICS)
    assert published["complete_responses"] == 160 and "totals_suppressed" not in published


def test_several_dimensions_keep_the_weight_statistics_beside_a_hidden_share() -> None:
    published = summary(("district", "sex"), hidden_share=True).to_json()
    assert "weights_suppressed" not in published
    assert published["design_effect"] == 1.02 and published["effective_n"] == 157
    assert published["max_weight"] == 1.053
    hidden = [m for m in published["margins"] if m["dimension"] == "district"]
    assert all(m["sample_percent"] is None for m in hidden)


def test_nothing_hidden_publishes_everything() -> None:
    published = summary(("district", "sex")).to_json()
    assert published["complete_responses"] == 160 and published["excluded_responses"] == 5
    assert all(published[name] is not None for name in WEIGHT_STATISTICS)
    assert "totals_suppressed" not in published and "weights_suppressed" not in published
