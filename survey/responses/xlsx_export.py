"""Responses as an XLSX workbook, in the response-file layout, with a
codebook sheet.

XlsxWriter in ``constant_memory`` mode writes each row to a temporary file
as soon as it is complete, so memory stays flat; text cells are strings,
exactly as typed, never formulas or links (``survey.privacy.spreadsheets``);
a day is a date cell (``yyyy-mm-dd``). The codebook sheet
(``survey.responses.codebook``) lists every column: its label, type,
measurement level, codes and labels, missing codes, SPSS name and notes (the
bands of a number, how the weights were made).
"""

from __future__ import annotations

from datetime import date
from typing import IO, Any

from flask_babel import force_locale, gettext

from survey.extensions import DbSession
from survey.models import Survey
from survey.privacy.spreadsheets import xlsx_workbook
from survey.responses.codebook import CodebookEntry, codebook
from survey.responses.csv_export import iter_records, layout_of, record_row
from survey.responses.weights import WeightColumn


def _(msgid: str, **values: object) -> str:
    return str(gettext(msgid, **values))


def write_xlsx(
    session: DbSession,
    survey: Survey,
    out: str | IO[bytes],
    *,
    language: str | None = None,
    weights: WeightColumn | None = None,
) -> int:
    """Write the workbook to a path or a binary file; return the number of
    responses written. The codebook is in ``language`` (default: the
    survey's first); ``weights`` add the ``weight`` column."""
    layout = layout_of(survey, weights, language)
    language = language if language in layout.definition.languages else None
    language = language or layout.definition.default_language
    entries = codebook(layout.definition, language, weights)
    workbook = xlsx_workbook(out, {"constant_memory": True})
    try:
        sheet = workbook.add_worksheet("responses")
        bold = workbook.add_format({"bold": True})
        day = workbook.add_format({"num_format": "yyyy-mm-dd"})
        for col, name in enumerate(layout.columns):
            sheet.write_string(0, col, name, bold)
        count = 0
        for count, record in enumerate(iter_records(session, survey), start=1):
            for col, value in enumerate(record_row(layout, record)):
                _write(sheet, count, col, value, day)
        sheet.freeze_panes(1, 1)
        # constant_memory writes rows in order, sheet by sheet: the codebook
        # comes after the responses.
        _codebook_sheet(workbook, entries, bold, language)
    finally:
        workbook.close()
    return count


def _codebook_sheet(workbook: Any, entries: list[CodebookEntry], bold: Any, language: str) -> None:
    with force_locale(language):
        sheet = workbook.add_worksheet(_("codebook")[:31])
        headers = [
            _("Variable"),
            _("Question text"),
            _("Type"),
            _("Measurement level"),
            _("Codes and labels"),
            _("Missing codes"),
            _("SPSS name"),
            _("Notes"),
        ]
        measures = {
            "nominal": _("nominal"),
            "ordinal": _("ordinal"),
            "scale": _("scale"),
        }
        for col, header in enumerate(headers):
            sheet.write_string(0, col, header, bold)
        for row, entry in enumerate(entries, start=1):
            column = entry.column
            values = [
                entry.name,
                entry.label,
                entry.kind,
                measures[column.measure],
                "; ".join(f"{code} = {label}" for code, label in column.value_labels.items()),
                ", ".join(str(code) for code in column.missing),
                entry.spss_name,
                column.note,
            ]
            for col, value in enumerate(values):
                if value:
                    sheet.write_string(row, col, value)
        sheet.set_column(0, 0, 24)
        sheet.set_column(1, 1, 60)
        sheet.set_column(4, 4, 60)
        sheet.set_column(7, 7, 80)
        sheet.freeze_panes(1, 1)


def _write(sheet: Any, row: int, col: int, value: Any, day: Any) -> None:
    if value is None:
        return
    if isinstance(value, date):
        sheet.write_datetime(row, col, value, day)
    elif isinstance(value, bool):
        sheet.write_number(row, col, int(value))
    elif isinstance(value, int | float):
        sheet.write_number(row, col, value)
    else:
        sheet.write_string(row, col, str(value))
