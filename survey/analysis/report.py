"""The input report of a survey: one typed model (``survey.analysis.model.Report``)
that every writer renders, so the numbers are the same in every format.

``build_report`` is the orchestration; each step has its own module:

1. ``collect``: the survey's aggregates (``aggregates``, the only database
   access: two GROUP BYs over the answers' cells), cross-tab counts and,
   with population margins, the raking weights (``weighting``).
2. ``priority``: the priority matrix of the consultation, from the same
   aggregates of this survey and those of its other surveys.
3. ``themes``: the residents' free-text themes and the partner input (only
   redacted texts), with disclosure control of the theme counts.
4. ``assemble``: per question its type's ``summary`` (``survey.questions``)
   makes the typed table and its cross-tabs (``tables``), ``disclosure`` marks the
   cells to suppress, and the report model collects them with the
   weighting section (``weighting_summary``).

The rules of every figure (valid and missing, percentages, intervals,
weighting, suppression) are in docs/report-json.md and in the docstrings
of those modules; ``Report.to_json()`` is the report JSON.
"""

from __future__ import annotations

from survey.analysis import disclosure, priority, themes
from survey.analysis.assemble import assemble
from survey.analysis.collect import collect
from survey.analysis.model import Report
from survey.analysis.settings import ReportError, ReportSettings
from survey.extensions import DbSession

__all__ = ["Report", "ReportError", "ReportSettings", "build_report"]


def build_report(session: DbSession, key: str, settings: ReportSettings | None = None) -> Report:
    """The report model of survey ``key`` with the priority matrix of its
    consultation. Raises ``ReportError`` when it cannot be built (unknown
    survey, unusable margins). Reads only."""
    settings = settings or ReportSettings()
    data = collect(session, key, settings)
    matrix = priority.build_priorities(
        session,
        data.consultation,
        data.aggregates,
        settings,
        None if data.weighting is None else data.weighting.cell_weights,
    )
    lexicon = themes.lexicon_of(data.consultation)
    labels = {row.phenomenon: row.label for row in matrix.rows}
    free_text = disclosure.protect_themes(
        themes.resident_themes(session, data.aggregates, lexicon, labels), settings.threshold
    )
    partners = themes.partner_input(session, data.consultation, lexicon)
    return assemble(data, settings, matrix, free_text, partners)
