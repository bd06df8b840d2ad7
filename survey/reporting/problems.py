"""Why a report cannot be built, in the planner's language.

``ReportError`` carries an English message for the command line and a
``kind`` with details; the planners' pages say it with these sentences.
A kind without a sentence here (an internal inconsistency rather than a
planner's choice) gets the general sentence, never the English text."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_babel import gettext as _

from survey.analysis.report import ReportError


def _sentences() -> dict[str, Callable[[dict[str, Any]], str]]:
    return {
        "unknown_margin_dimension": lambda d: _(
            "The population margins name the dimension %(dimension)s, but no question of "
            "this survey has that dimension.",
            dimension=d.get("dimension", "?"),
        ),
        "empty_margin": lambda d: _(
            "The population margins of %(dimension)s are missing or add up to zero.",
            dimension=d.get("dimension", "?"),
        ),
        "negative_population": lambda d: _(
            "A population in the margins is negative or not a number."
        ),
        "bad_trim": lambda d: _("The trim factor must be above 1."),
        "no_complete_responses": lambda d: _(
            "No response has an answer on every weighting dimension."
        ),
        "margin_without_respondents": lambda d: _(
            "%(dimension)s = %(code)s has a population in the margins but no respondents: "
            "merge it with a neighbouring category.",
            dimension=d.get("dimension", "?"),
            code=d.get("code", "?"),
        ),
        "zero_population_with_respondents": lambda d: _(
            "%(count)s respondents have %(dimension)s = %(code)s, whose population in the "
            "margins is 0.",
            count=d.get("respondents", "?"),
            dimension=d.get("dimension", "?"),
            code=d.get("code", "?"),
        ),
        "unknown_code": lambda d: _(
            "%(count)s respondents have %(dimension)s = %(code)s, which is not in the margins.",
            count=d.get("respondents", "?"),
            dimension=d.get("dimension", "?"),
            code=d.get("code", "?"),
        ),
    }


def problem_text(exc: ReportError) -> str:
    """The sentence for the planner's page, with a way out."""
    sentence = _sentences().get(exc.kind)
    reason = sentence(exc.details) if sentence else _("The data do not allow it.")
    return str(
        _(
            "The report cannot be built with these options: %(reason)s Correct the "
            "population margins, or build the report without weighting.",
            reason=reason,
        )
    )
