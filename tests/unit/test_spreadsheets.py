"""The neutraliser of spreadsheet cells (survey/privacy/spreadsheets.py):
the CSV rule, numbers left alone, workbooks that keep texts as texts, and
no module of survey/ that writes a CSV or a workbook around it."""

from __future__ import annotations

import io
import re
import string
import zipfile

import openpyxl
import pytest
from support import ROOT

from survey.privacy.spreadsheets import csv_writer, neutralise, read_xlsx, xlsx_workbook

FORMULAS = [
    "=1+1",
    "+1+1",
    "-1+1",
    "@SUM(1+1)",
    "\tx",
    "\rx",
    "\uff1d1+1",
    "\uff0b1",
    "\uff0d1",
    "\uff20SUM(1)",
    '=HYPERLINK("http://evil.example","klik")',
    "-cmd|' /C calc'!A0",
]


@pytest.mark.parametrize("text", FORMULAS)
def test_a_text_that_starts_like_a_formula_gets_an_apostrophe(text: str) -> None:
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("text", ["  =1+1", '"=1+1', ' "@SUM(1)'])
def test_spaces_and_quotes_in_front_do_not_hide_a_formula(text: str) -> None:
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize(
    ("text", "neutral"),
    [
        ("ja;=1+1", "ja;'=1+1"),
        ("ja; -1+1", "ja;' -1+1"),
        ('ja;"=1+1', "ja;'\"=1+1"),
        ("één\n=1+1", "één\n'=1+1"),
        ("twee\r\n@SUM(1)", "twee\r\n'@SUM(1)"),
        ("drie\t+1", "drie\t'+1"),
        ("\t=1+1", "'\t'=1+1"),
        ("\r=1+1", "'\r'=1+1"),
    ],
)
def test_a_formula_where_another_reader_starts_a_cell_gets_an_apostrophe(
    text: str, neutral: str
) -> None:
    # A Belgian Excel splits a comma-separated file on semicolons.
    assert neutralise(text) == neutral


@pytest.mark.parametrize(
    "text",
    ["Kerkstraat 5", "1=1", "", "'=1", "ja, -5 graden", "a-b", "e-mail: a@b.be", "regel\nregel"],
)
def test_ordinary_texts_are_left_alone(text: str) -> None:
    assert neutralise(text) == text


# The OWASP formula characters, their full-width forms, and what may stand
# in front of them (spaces, double quotes) or start a new cell.
_NOT_A_START = "=+-@\t\r\uff1d\uff0b\uff0d\uff20" + ' "\n'


@pytest.mark.parametrize("first", [c for c in string.printable + "éçÀ€'’" if c not in _NOT_A_START])
def test_a_text_starting_with_any_other_character_is_left_alone(first: str) -> None:
    # Only the formula characters start a formula: a name, an amount or an
    # address keeps its first character, also after a semicolon.
    assert neutralise(first + "1+1") == first + "1+1"
    assert neutralise("ja;" + first + "1") == "ja;" + first + "1"


@pytest.mark.parametrize("text", [*FORMULAS, "ja;=1", "x\n-1", "Kerkstraat"])
def test_neutralising_twice_changes_nothing_more(text: str) -> None:
    assert neutralise(neutralise(text)) == neutralise(text)


def test_the_csv_writer_neutralises_texts_and_keeps_numbers() -> None:
    buffer = io.StringIO()
    writer = csv_writer(buffer, lineterminator="\n")
    writer.writerow(["=1+1", -5, -2.5, None, "-5", "Gent"])
    writer.writerows([["@a", 3]])
    assert buffer.getvalue() == "'=1+1,-5,-2.5,,'-5,Gent\n'@a,3\n"


def test_a_workbook_writes_formulas_links_and_numbers_as_texts() -> None:
    buffer = io.BytesIO()
    book = xlsx_workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("blad")
    texts = ["=1+1", "http://evil.example", "{=A1}", "42", "-1+1"]
    for row, text in enumerate(texts):
        sheet.write(row, 0, text)
    sheet.write(len(texts), 0, 7)
    book.close()
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as archive:
        parts = {name: archive.read(name).decode() for name in archive.namelist()}
    assert not any(re.search(r"<f[\s>/]", content) for content in parts.values())
    assert not any("hyperlink" in content for content in parts.values())
    cells = [c for (c,) in openpyxl.load_workbook(buffer).active.iter_rows()]
    assert [(c.data_type, c.value) for c in cells[:-1]] == [("s", t) for t in texts]
    assert (cells[-1].data_type, cells[-1].value) == ("n", 7)


@pytest.mark.parametrize("option", ["strings_to_formulas", "strings_to_urls", "strings_to_numbers"])
def test_a_workbook_refuses_to_run_texts_again(option: str) -> None:
    with pytest.raises(ValueError, match=option):
        xlsx_workbook(io.BytesIO(), {option: True})


def test_the_refusal_names_every_option_that_would_run_texts() -> None:
    message = (
        "spreadsheet texts stay texts: strings_to_formulas, strings_to_urls cannot be switched on"
    )
    with pytest.raises(ValueError, match=f"^{message}$"):
        xlsx_workbook(io.BytesIO(), {"strings_to_urls": True, "strings_to_formulas": True})


def test_an_uploaded_workbook_is_read_as_values_sheet_by_sheet() -> None:
    # An XLSForm made in a spreadsheet may compute a cell: the importer reads
    # what the cell shows (its cached value), never the formula behind it.
    buffer = io.BytesIO()
    book = xlsx_workbook(buffer, {"in_memory": True})
    survey = book.add_worksheet("survey")
    survey.write_row(0, 0, ["type", "name"])
    survey.write(1, 0, "integer")
    survey.write_formula(1, 1, '="leeftijd"', None, "leeftijd")
    choices = book.add_worksheet("choices")
    choices.write_row(0, 0, ["list_name", "value"])
    choices.write_row(1, 0, ["ja_nee", 1])
    book.close()
    assert read_xlsx(buffer.getvalue()) == {
        "survey": [("type", "name"), ("integer", "leeftijd")],
        "choices": [("list_name", "value"), ("ja_nee", 1)],
    }


@pytest.mark.parametrize("data", [b"", b"type,name\ninteger,leeftijd\n", b"PK\x03\x04 broken"])
def test_a_file_that_is_no_workbook_is_refused(data: bytes) -> None:
    with pytest.raises(ValueError):
        read_xlsx(data)


# What writes a CSV file or a workbook without the neutraliser.
_RAW_WRITERS = re.compile(
    r"csv\.(?:writer|DictWriter)\(|from csv import|import xlsxwriter|from xlsxwriter"
    r"|openpyxl|\.to_csv\(|\.to_excel\("
)


def test_every_spreadsheet_is_written_through_the_neutraliser() -> None:
    home = ROOT / "survey" / "privacy" / "spreadsheets.py"
    offenders = [
        f"{path.relative_to(ROOT)}: {match.group(0)}"
        for path in sorted((ROOT / "survey").rglob("*.py"))
        if path != home
        for match in _RAW_WRITERS.finditer(path.read_text(encoding="utf-8"))
    ]
    assert offenders == [], "write spreadsheets with survey.privacy.spreadsheets"
