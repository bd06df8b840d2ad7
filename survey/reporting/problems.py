"""Why a report cannot be built, in the planner's language.

Only a database that cannot be counted (answers without their cell: the
database was not upgraded) and a disclosure audit that fails (an error in
the platform, logged) stop a report now: margins that cannot weight
the answers give an unweighted report that says why
(``Report.weighting_problem``, ``survey.analysis.weighting_summary``), from
the first response on. ``ReportError`` carries an English message for the
command line; the planners' pages say this sentence instead, never the
English text."""

from __future__ import annotations

from flask_babel import gettext as _

from survey.analysis.report import ReportError


def problem_text(exc: ReportError) -> str:
    """The sentence for the planner's page, with a way out."""
    if exc.kind == "audit":
        return str(
            _(
                "The report cannot be built: the check that no hidden figure can be worked "
                "out from the published ones did not finish, so nothing is shown. This is an "
                "error in the platform and it has been logged: tell the administrator. Other "
                "options (a higher threshold, no cross-tabs) may give a report meanwhile."
            )
        )
    return str(
        _(
            "The report cannot be built: the answers in the database cannot be counted. Ask "
            "the administrator to upgrade the database (flask db upgrade)."
        )
    )
