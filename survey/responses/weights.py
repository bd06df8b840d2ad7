"""The ``weight`` column of a response export: the raking weight of every
response under the report's default settings (the consultation's stored
population margins, no trimming), so that anyone can reproduce the report's
weighted figures from the export alone.

The weights are worked out by the analysis (``survey.analysis.response_weights``)
and handed to the exporters as this value object: the responses package sits
below the analysis and never imports it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

WEIGHT_COLUMN = "weight"


@dataclass(frozen=True)
class WeightColumn:
    """Weights per response cell (``ResponseCell.id``: every response in a
    cell has the same weight), and what they are, in the export's language.

    A response whose cell has no weight (no valid answer on a weighting
    characteristic, a category the margins lack, or weighting impossible)
    gets an empty cell: leave it out of weighted analyses, as the report
    does. ``description`` says how the weights were made (or why there are
    none); ``label`` is the short variable label."""

    by_cell: Mapping[int, float] = field(default_factory=dict)
    label: str = "weight"
    description: str = ""

    def weight_of(self, cell_id: int | None) -> float | None:
        """The weight of a response in cell ``cell_id``; None without a cell or for a cell the
        weighting left out."""
        return None if cell_id is None else self.by_cell.get(cell_id)
