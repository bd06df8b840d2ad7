"""The weighting section of the report: how the raking went and every
population margin beside the sample.

Per margin code: the population share of its dimension, the share of the
complete responses in the sample (unweighted), and their weighted share
after raking, all in percent with two decimals. Complete responses are
those with a weight (a valid code on every weighting dimension)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any, cast

from survey.analysis.collect import WeightData
from survey.analysis.model import MarginRow, WeightingSummary
from survey.analysis.tables import round2
from survey.definitions.definition import QuestionDef


def weighting_summary(
    weighting: WeightData, dimensions: Mapping[str, QuestionDef], language: str
) -> WeightingSummary:
    """The summary of ``weighting``; ``dimensions`` give the group labels."""
    result = weighting.result
    complete = {cell: n for cell, n in weighting.cells.items() if cell in result.weights}
    total = sum(complete.values())
    margins = []
    for index, dimension in enumerate(weighting.dimensions):
        labels = dimensions[dimension].dimension_codes(language).labels
        sample: dict[Any, float] = defaultdict(float)
        for cell, n in complete.items():
            sample[cell[index]] += n
        for code, share in result.target_shares[dimension].items():
            margins.append(
                MarginRow(
                    dimension=dimension,
                    code=code,
                    label=labels.get(code, str(code)),
                    population=weighting.margins[dimension][cast(int, code)],
                    population_percent=round2(share * 100),
                    sample_percent=round2(sample.get(code, 0) / total * 100) if total else None,
                    weighted_percent=round2(result.weighted_shares[dimension].get(code, 0) * 100),
                    sample_count=round(sample.get(code, 0)),
                )
            )
    return WeightingSummary(
        dimensions=result.dimensions,
        design_effect=round(result.design_effect, 2),
        effective_n=round(result.effective_n),
        complete_responses=result.respondents,
        excluded_responses=result.excluded,
        converged=result.converged,
        iterations=result.iterations,
        trim=result.trim,
        min_weight=round(result.min_weight, 3),
        max_weight=round(result.max_weight, 3),
        margins=tuple(margins),
    )
