"""What a planner may choose for a report, and why a report cannot be built."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from survey.analysis.collapsing import DEFAULT_MINIMUM
from survey.analysis.suppression import DEFAULT_THRESHOLD

DEFAULT_PARTNER_SECTOR_MIN = 3


class ReportError(Exception):
    """The report cannot be built (an unknown survey, answers the database
    cannot count). Unusable margins are not an error: the report is then
    built unweighted and says why.

    The message is a plain English sentence (the command line prints it);
    ``kind`` names the problem for the planners' pages (``other``)."""

    def __init__(self, message: str, /, kind: str = "other", **details: Any) -> None:
        super().__init__(message)
        self.kind = kind
        self.details: dict[str, Any] = details


@dataclass(frozen=True)
class ReportSettings:
    """What a planner may choose. ``margins`` (``{dimension: {code:
    population}}``) replaces the consultation's stored margins (an empty
    mapping: no weighting); ``trim`` caps weights at that multiple of the
    mean (no trimming by default); ``threshold`` is the smallest published
    count; ``seed`` and ``bootstrap_samples`` fix the rank intervals of the
    priority matrix."""

    threshold: int = DEFAULT_THRESHOLD
    margins: Mapping[str, Mapping[int, float]] | None = None
    trim: float | None = None
    language: str = "nl"
    seed: int = 2026
    bootstrap_samples: int = 400
    crosstabs: bool = True
    partner_sector_min: int = DEFAULT_PARTNER_SECTOR_MIN
    """Partner organisations a sector needs before its figures are
    published (``SURVEY_PARTNER_SECTOR_MIN``): partners are named
    organisations, so the residents' threshold does not apply to them, but
    no figure may single one out."""
    collapse_minimum: int | None = None
    """Overrides ``WeightingChoices.minimum``; None: the consultation's."""
    weight_unanswered: bool | None = None
    """Overrides ``WeightingChoices.unanswered``; None: the consultation's."""
    collapse_into: Mapping[str, Mapping[int, int]] | None = None
    """Overrides ``WeightingChoices.into`` (all of it); None: the
    consultation's."""

    def weighting_choices(self, stored: WeightingChoices) -> WeightingChoices:
        """The choices this report weights with: ``stored`` (the
        consultation's, as the planner saved them) with each choice these
        settings name in its place (the command line's options)."""
        return WeightingChoices(
            stored.minimum if self.collapse_minimum is None else self.collapse_minimum,
            stored.into if self.collapse_into is None else self.collapse_into,
            stored.unanswered if self.weight_unanswered is None else self.weight_unanswered,
        )


MINIMUM_MAX = 1000
"""The largest collapsing minimum a planner may set: beyond it nearly every
category of a consultation would be merged."""


@dataclass(frozen=True)
class WeightingChoices:
    """How a consultation's responses are weighted beyond the margins
    themselves, entered once per consultation by a planner (the margins
    page) and used by every report and export of it.

    ``minimum``: complete respondents a weighting category needs to be
    raked on alone (0 to ``MINIMUM_MAX``; 0: no collapsing); sparser ones
    are merged with a neighbour (``survey.analysis.collapsing``).
    ``into``: declared merges ``{dimension: {code: into code}}``, for
    sparse categories of a nominal dimension and codes the margins lack.
    ``unanswered``: responses without an answer on a weighting dimension
    are weighted on the other dimensions (held at their own number on that
    one) instead of left out of the weighting."""

    minimum: int = DEFAULT_MINIMUM
    into: Mapping[str, Mapping[int, int]] = field(default_factory=dict)
    unanswered: bool = False

    def stored(self) -> dict[str, Any]:
        """The JSON the consultation stores (``Consultation.weighting``):
        codes are strings there, as JSON keys must be."""
        return {
            "minimum": self.minimum,
            "into": {
                dimension: {str(code): target for code, target in sorted(merges.items())}
                for dimension, merges in sorted(self.into.items())
                if merges
            },
            "unanswered": self.unanswered,
        }

    @classmethod
    def from_stored(cls, data: Mapping[str, Any] | None) -> WeightingChoices:
        """The choices of ``Consultation.weighting``; the defaults when the
        planner saved none."""
        if not data:
            return cls()
        return cls(
            int(data.get("minimum", DEFAULT_MINIMUM)),
            {
                str(dimension): {int(code): int(target) for code, target in merges.items()}
                for dimension, merges in dict(data.get("into") or {}).items()
            },
            bool(data.get("unanswered", False)),
        )
