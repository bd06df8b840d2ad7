"""Response exports for the planners: the response file as CSV, XLSX or SAV
with the ``weight`` column of the report's default settings and the
codebook in the chosen language. The command line and the workspace both
call these; the weights come from the analysis
(``survey.analysis.response_weights``), the files from
``survey.responses``."""

from __future__ import annotations

from collections.abc import Iterator

from survey.analysis.response_weights import response_weights
from survey.definitions.definition import definition_of
from survey.extensions import DbSession
from survey.models import Survey

FORMATS = ("csv", "xlsx", "sav")


def export_language(survey: Survey, language: str | None) -> str:
    """``language`` when the survey has it, else its first language."""
    definition = definition_of(survey)
    return language if language in definition.languages else definition.default_language


def csv_chunks(session: DbSession, survey: Survey) -> Iterator[bytes]:
    """The CSV export as UTF-8 chunks, with the weights (a CSV has no labels)."""
    from survey.responses.csv_export import iter_csv

    return iter_csv(session, survey, weights=response_weights(session, survey))


def write_export(
    session: DbSession, survey: Survey, fmt: str, path: str, language: str | None = None
) -> int:
    """Write the export in ``fmt`` to ``path``; labels and codebook in
    ``language``. Returns the number of responses (CSV: not counted, 0)."""
    language = export_language(survey, language)
    if fmt == "csv":
        with open(path, "wb") as handle:
            for chunk in csv_chunks(session, survey):
                handle.write(chunk)
        return 0
    weights = response_weights(session, survey, language)
    if fmt == "xlsx":
        from survey.responses.xlsx_export import write_xlsx

        return write_xlsx(session, survey, path, language=language, weights=weights)
    if fmt == "sav":
        from survey.responses.sav_export import write_sav

        return write_sav(session, survey, path, language=language, weights=weights)
    raise ValueError(f"unknown export format {fmt!r}")
