"""The raking weights of a survey's responses for its exports: the weights
of the report's default settings (the consultation's stored population
margins and weighting choices, no trimming), so that the report's weighted figures can be
reproduced from the CSV, XLSX or SAV export alone.

Rules (docs/response-file.md, "weight"):

- A citizen survey whose consultation has population margins gets a
  ``weight`` column; any other survey gets none (contract section 2).
- The weight of a response is that of its weighting cell (``collect.weigh``:
  the same raking as the report): mean 1 over the complete responses.
- A response the report leaves out of the weighting (no valid answer on a
  weighting characteristic, a category the margins lack) has an empty
  weight, and so has every response when weighting is impossible; the
  column's description (in the codebook and the SAV documents) says why.
"""

from __future__ import annotations

from babel.numbers import format_decimal
from flask_babel import force_locale, gettext

from survey.analysis import aggregates, collect
from survey.analysis.settings import ReportSettings
from survey.analysis.weighting_summary import dimension_label, weighting_problem
from survey.extensions import DbSession
from survey.models import Survey
from survey.responses.weights import WeightColumn

LOCALE = "nl_BE"


def _(msgid: str, **values: object) -> str:
    return str(gettext(msgid, **values))


def _join(items: list[str]) -> str:
    return ", ".join(items)


def response_weights(
    session: DbSession, survey: Survey, language: str | None = None
) -> WeightColumn | None:
    """The weight column of ``survey``'s exports, described in ``language``
    (default: the survey's first), or None without margins."""
    found = aggregates.survey_aggregates(session, survey)
    language = language if language in found.definition.languages else None
    language = language or found.definition.default_language
    settings = ReportSettings(language=language)
    margins = collect.report_margins(session, found, settings)
    if not margins:
        return None
    choices = collect.weighting_choices(session, found, settings)
    weighting, problem = collect.weigh(found, margins, settings, choices, None, [])
    with force_locale(language):
        label = _("Weight (raking to the population margins)")
        if weighting is None:
            assert problem is not None
            reason = weighting_problem(*problem, found.dimensions, language).message
            return WeightColumn({}, label, _("No weights: %(reason)s", reason=reason))
        result = weighting.result
        description = _(
            "Raking weight, as in the input report with its default settings: raked to the "
            "consultation's population margins by %(dimensions)s until every margin is within "
            "1e-6; mean 1 over the %(complete)s responses with a weight; design effect "
            "%(deff)s. Empty for the %(excluded)s responses without a valid answer on one of "
            "these characteristics or with a group the margins lack: leave them out of "
            "weighted analyses, as the report does (SPSS: WEIGHT BY weight; R: svydesign with "
            "weights = ~weight on the rows with a weight).",
            dimensions=_join([dimension_label(d) for d in weighting.dimensions]),
            complete=format_decimal(result.respondents, format="#,##0", locale=LOCALE),
            deff=format_decimal(result.design_effect, format="0.00", locale=LOCALE),
            excluded=format_decimal(result.excluded, format="#,##0", locale=LOCALE),
        )
        if weighting.collapsed.merges or weighting.collapsed.dropped:
            description += " " + _(
                "Groups with too few complete responses were weighted together with a "
                "neighbouring group, as the report's methods list."
            )
        return WeightColumn(dict(weighting.cell_weights), label, description)
