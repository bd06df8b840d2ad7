"""Which estimate a figure of the report shows: the one decision that every
table, the priority matrix and (through the report JSON) every writer
follows. Writers read the ``estimate`` keys of the JSON; they never choose
between weighted and unweighted figures, and never recompute one.

Rules (contract section 3, "weighted reports"; docs/report-json.md):

- A **weighted** report (population margins given and raking possible)
  shows the weighted estimate of every figure: weighted shares with the
  Wilson interval on the Kish effective n, weighted means and medians,
  weighted cross-tab column percentages, weighted priority indicators. The
  unweighted counts and bases stay beside them, and the unweighted figures
  stay in the JSON for comparison.
- The table of a weighting dimension itself (the question that gives the
  district or the sex, the bands of the age) shows the **margins**: raking
  makes its weighted shares equal to the population shares, so they carry
  no interval. A category the margins lack has no weighted share at all
  (null, never 0).
- An **unweighted** report shows the unweighted estimates and says so
  ("ongewogen") wherever a figure appears.

Like the tables, this module imports nothing from the definitions, the
report or the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

EstimateKind = Literal["weighted", "unweighted", "margins"]
"""What a figure is: a weighted estimate, an unweighted one, or a share that
raking fixed at the population margin."""

WEIGHTED: EstimateKind = "weighted"
UNWEIGHTED: EstimateKind = "unweighted"
MARGINS: EstimateKind = "margins"


@dataclass(frozen=True, slots=True)
class Figure:
    """One published figure: its value in its unit (percent 0-100, or the
    unit of a number), rounded for publication, its 95 % interval (same
    unit, or None) and what kind of estimate it is."""

    value: float | None
    ci95: list[float] | None
    kind: EstimateKind


def shown(unweighted: Figure, weighted: Figure | None) -> Figure:
    """The figure the report shows: the weighted one whenever the report is
    weighted (``weighted`` is given, even when its value is None: a weighted
    report never falls back to an unweighted figure for one cell), else the
    unweighted one."""
    return unweighted if weighted is None else weighted


def report_kind(weighted: bool) -> EstimateKind:
    """The kind of estimates a whole report (or one of its parts) shows."""
    return WEIGHTED if weighted else UNWEIGHTED
