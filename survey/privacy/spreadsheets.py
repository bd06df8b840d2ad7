"""Spreadsheet cells are never formulas or links: the one neutraliser for
every CSV and XLSX file the platform writes (response exports, the input
report, partner links and reminders, letter and invitation codes).

Texts in these files come from people the platform does not trust: a
resident's answer, a partner's comment, an organisation's name or sector, a
survey's labels and titles. A spreadsheet that runs such a text as a formula
can send cells to another server (``=WEBSERVICE(...)``), offer a link that
looks like the platform's (``=HYPERLINK(...)``) or start a program (DDE).

CSV (:func:`csv_writer`, :func:`neutralise`): a CSV file has no types, so the
spreadsheet guesses, and a cell that starts with ``= + - @``, a tab or a
carriage return (or the full-width ``＝ ＋ － ＠`` that spreadsheets fold to
them) is read as a formula (the OWASP "CSV injection" rule). Such a text
gets an apostrophe in front, which spreadsheets read as "this is text".
Leading spaces and double quotes do not hide a trigger from the rule. A
Belgian Excel opens a comma-separated file with its own list separator, the
semicolon, and a reader that splits the file in another place than the
writer meant starts a new cell after a semicolon, a tab or a line break
inside a text: a trigger there gets the apostrophe too
(``"ja;=1+1"`` -> ``"ja;'=1+1"``). Numbers (``int``, ``float``) are written
as numbers, negative ones included, and empty cells stay empty; only
``str`` cells are changed. Importing such a file back keeps the apostrophes.

XLSX (:func:`xlsx_workbook`): cells have types, and a text written as a
string cell is never run. XlsxWriter's ``write()`` turns a text that starts
with ``=`` into a formula, one that looks like an address into a hyperlink
and one that looks like a number into a number, unless the workbook is
opened with ``strings_to_formulas``, ``strings_to_urls`` and
``strings_to_numbers`` off: every workbook is opened here with the three
off, so a text is written as it was typed, without an apostrophe. (The
platform writes no workbook with openpyxl; one that did would need its
text cells written with ``data_type = "s"``.)

``tests/security/test_no_live_formulas.py`` plants formulas in every text a
person controls and walks every download and command output.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from typing import IO, Any

import xlsxwriter

FORMULA_TRIGGERS = "=+-@\t\r\uff1d\uff0b\uff0d\uff20"
"""Characters that make a spreadsheet read a cell as a formula."""

# Where a spreadsheet may start a cell: at the start of the text, or after
# a semicolon, a tab or a line break (a reader splitting the file its own
# way); a trigger there, after any spaces and double quotes, gets "'".
_CELL_START = re.compile(r"(?:^|(?<=[;\t\r\n]))(?=[ \"]*[" + re.escape(FORMULA_TRIGGERS) + "])")

XLSX_OPTIONS: dict[str, bool] = {
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
}
"""The XlsxWriter options that make ``write()`` keep every text a text."""


def neutralise(text: str) -> str:
    """A text for a CSV cell that no spreadsheet runs as a formula: an
    apostrophe before every trigger where a cell may start. Idempotent."""
    return _CELL_START.sub("'", text)


def neutralise_cell(value: Any) -> Any:
    """A CSV cell value: a text neutralised, anything else (numbers, None,
    dates) unchanged."""
    return neutralise(value) if isinstance(value, str) else value


class CsvWriter:
    """``csv.writer`` whose every text cell is neutralised."""

    def __init__(self, stream: IO[str], **fmtparams: Any) -> None:
        self._writer = csv.writer(stream, **fmtparams)

    def writerow(self, row: Iterable[Any]) -> None:
        """Write one row, every cell neutralised."""
        self._writer.writerow([neutralise_cell(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        """Write the rows, every cell neutralised."""
        for row in rows:
            self.writerow(row)


def csv_writer(stream: IO[str], **fmtparams: Any) -> CsvWriter:
    """A writer like ``csv.writer(stream, **fmtparams)`` for files people
    open in a spreadsheet: every ``str`` cell goes through ``neutralise``;
    numbers stay numbers."""
    return CsvWriter(stream, **fmtparams)


def xlsx_workbook(target: Any, options: dict[str, Any] | None = None) -> Any:
    """An XlsxWriter ``Workbook`` on ``target`` (a path or a binary file)
    with ``options`` (``constant_memory``, ``in_memory``, ...) whose
    ``write()`` writes every text as a string cell: never a formula, a
    hyperlink or a number. Options that would switch that back on are
    refused (ValueError)."""
    options = dict(options or {})
    clash = sorted(k for k, v in XLSX_OPTIONS.items() if options.get(k, v) != v)
    if clash:
        raise ValueError(f"spreadsheet texts stay texts: {', '.join(clash)} cannot be switched on")
    return xlsxwriter.Workbook(target, {**options, **XLSX_OPTIONS})


def read_xlsx(data: bytes) -> dict[str, list[tuple[Any, ...]]]:
    """The rows of every sheet of an XLSX workbook (values, not formulas),
    by sheet name; raises ``ValueError`` when ``data`` is no workbook. The
    one place that opens a workbook the platform did not write (XLSForm
    imports)."""
    import io

    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # whatever openpyxl raises: the file is no workbook
        raise ValueError("not an XLSX workbook") from exc
    try:
        return {name: list(book[name].iter_rows(values_only=True)) for name in book.sheetnames}
    finally:
        book.close()
