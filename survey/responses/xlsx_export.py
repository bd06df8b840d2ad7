"""Responses as an XLSX workbook, in the response-file layout.

XlsxWriter in ``constant_memory`` mode writes each row to a temporary file
as soon as it is complete, so memory stays flat; text cells are written as
strings (never formulas) and neutralised like the CSV; a day is a date cell
(``yyyy-mm-dd``).
"""

from __future__ import annotations

from datetime import date
from typing import IO, Any

import xlsxwriter

from survey.extensions import DbSession
from survey.models import Survey
from survey.responses.csv_export import iter_records, layout_of, record_row


def write_xlsx(session: DbSession, survey: Survey, out: str | IO[bytes]) -> int:
    """Write the workbook to a path or a binary file; return the number of
    responses written."""
    layout = layout_of(survey)
    workbook = xlsxwriter.Workbook(
        out, {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
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
    finally:
        workbook.close()
    return count


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
