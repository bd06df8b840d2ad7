"""What a planner may choose for a report, and why a report cannot be built."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
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
    collapse_minimum: int = DEFAULT_MINIMUM
    """Complete respondents a weighting category needs to be raked on
    alone; sparser ones are merged with a neighbour
    (``survey.analysis.collapsing``). 0 turns collapsing off."""
    weight_unanswered: bool = False
    """Responses without an answer on a weighting dimension are weighted on
    the other dimensions (held at their own number on that one) instead of
    left out of the weighting."""
    collapse_into: Mapping[str, Mapping[int, int]] | None = None
    """Declared merges of weighting categories ``{dimension: {code: into
    code}}``: for sparse categories of a nominal dimension and codes the
    margins lack."""
