"""The report options a planner chooses in the workspace (a GET form, so a
report can be bookmarked and every download link carries the same options).

Pure: ``parse_options`` turns the query arguments into ``ReportOptions`` or
a list of problems (lazy Dutch messages); ``ReportOptions.settings`` gives the
``ReportSettings`` of the analysis, ``ReportOptions.query`` the arguments
that reproduce them.

Rules:
- ``threshold``: a whole number up to 100 (cells with a count of 1 to
  threshold-1 are suppressed); default, and floor, the configured
  ``SUPPRESSION_THRESHOLD``: a planner may raise it for one report, nobody
  may lower it. A lower value in the query (a bookmark, a hand-edited
  address) is not an error: the report is built at the floor and
  ``ReportOptions.raised_to_floor`` says so, so no role can switch
  suppression off by editing an address.
- ``weighting``: ``on`` (default) rakes to the consultation's stored
  population margins; ``off`` reports unweighted figures.
- ``trim``: empty (no trimming) or a number above 1 and at most 100: weights
  stay between 1/trim and trim times the mean (``survey.analysis.weighting``).
  A decimal comma is accepted.
  Ignored without weighting.
- ``crosstabs``: ``on`` (default) or ``off``.
- ``language``: empty (the platform's default, Dutch) or one of the
  languages offered for this survey: its own languages that the report's
  texts are complete in (``REPORT_LANGUAGES``). Anything else is a problem
  on the form, never a report in a language half translated.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from flask_babel import lazy_gettext as _l

from survey.analysis.report import ReportSettings
from survey.analysis.settings import DEFAULT_PARTNER_SECTOR_MIN

THRESHOLD_MIN = 1
THRESHOLD_MAX = 100
TRIM_MAX = 100.0
SWITCH_VALUES = ("on", "off")
REPORT_LANGUAGES = ("nl", "fr")
"""The languages a planner can have a report written in: those whose report
texts the catalogs hold in full (Dutch, and French: the French annex test
reads every format). German and English cover the resident and partner pages
only, so they are not offered."""


@dataclass(frozen=True)
class ReportOptions:
    """What a report request asked for (threshold, weighting and its trim,
    cross-tabs), checked; ``settings()`` gives the analysis settings."""

    threshold: int
    weighting: bool = True
    trim: float | None = None
    crosstabs: bool = True
    raised_to_floor: bool = False
    """A threshold below the configured floor was asked for; the floor is used."""
    language: str | None = None
    """The report's language; None: the platform's default."""

    def settings(self, partner_sector_min: int = DEFAULT_PARTNER_SECTOR_MIN) -> ReportSettings:
        """``partner_sector_min``: the configured ``PARTNER_SECTOR_MIN``."""
        # An empty margins mapping means "no weighting"; None means "the
        # consultation's stored margins".
        settings = ReportSettings(
            threshold=self.threshold,
            margins=None if self.weighting else {},
            trim=self.trim if self.weighting else None,
            crosstabs=self.crosstabs,
            partner_sector_min=partner_sector_min,
        )
        return settings if self.language is None else replace(settings, language=self.language)

    def query(self) -> dict[str, str]:
        """Query arguments that give these options back."""
        args = {
            "threshold": str(self.threshold),
            "weighting": "on" if self.weighting else "off",
            "crosstabs": "on" if self.crosstabs else "off",
        }
        if self.weighting and self.trim is not None:
            args["trim"] = format_trim(self.trim)
        if self.language is not None:
            args["language"] = self.language
        return args


def format_trim(value: float) -> str:
    """A trim factor as a query argument: 5 rather than 5.0."""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _switch(raw: str | None, default: bool) -> bool | None:
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value not in SWITCH_VALUES:
        return None
    return value == "on"


def parse_options(
    args: Mapping[str, str], floor: int, languages: Collection[str] = ()
) -> tuple[ReportOptions | None, dict[str, Any]]:
    """Options from query arguments: ``(options, {})`` or ``(None, problems)``
    where ``problems`` maps a field name to a lazy message. ``floor`` is the
    configured threshold: the default, and the lowest threshold used;
    ``languages`` the report languages offered for the survey."""
    problems: dict[str, Any] = {}

    threshold = floor
    raised = False
    raw_threshold = (args.get("threshold") or "").strip()
    if raw_threshold:
        try:
            threshold = int(raw_threshold)
        except ValueError:
            threshold = -1
        if not THRESHOLD_MIN <= threshold <= THRESHOLD_MAX:
            problems["threshold"] = _l(
                "Enter a whole number from %(low)s to %(high)s as the suppression threshold.",
                low=THRESHOLD_MIN,
                high=THRESHOLD_MAX,
            )
        elif threshold < floor:
            threshold, raised = floor, True

    weighting = _switch(args.get("weighting"), True)
    if weighting is None:
        problems["weighting"] = _l("Choose whether the figures are weighted.")

    trim: float | None = None
    raw_trim = (args.get("trim") or "").strip().replace(",", ".")
    if raw_trim:
        try:
            trim = float(raw_trim)
        except ValueError:
            trim = math.nan
        if not (math.isfinite(trim) and 1.0 < trim <= TRIM_MAX):
            problems["trim"] = _l(
                "Enter a number above 1 and at most %(high)s as the weight cap "
                "(for example 5), or leave it empty.",
                high=int(TRIM_MAX),
            )

    crosstabs = _switch(args.get("crosstabs"), True)
    if crosstabs is None:
        problems["crosstabs"] = _l("Choose whether the results by group are shown.")

    language = (args.get("language") or "").strip() or None
    if language is not None and language not in languages:
        problems["language"] = _l("Choose one of the languages offered for the report.")

    if problems or weighting is None or crosstabs is None:
        return None, problems
    return ReportOptions(threshold, weighting, trim, crosstabs, raised, language), {}


def report_languages(survey_languages: Sequence[str]) -> list[str]:
    """The languages offered for a survey's report: its own languages that
    the report is complete in, in the survey's order."""
    return [code for code in survey_languages if code in REPORT_LANGUAGES]
