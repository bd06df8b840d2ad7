"""The one reader of population margins files (docs/margins.md): what it
accepts, and the sentence with the row number for what it refuses."""

from __future__ import annotations

import pytest
from flask_babel import gettext

from survey.analysis.margins import MarginsRefused, parse_margins, whole_number


def refused(data: bytes) -> list[str]:
    with pytest.raises(MarginsRefused) as caught:
        parse_margins(data)
    return caught.value.errors


def row(number: int) -> str:
    return f"{gettext('Row %(row)s', row=number)}:"


@pytest.mark.parametrize(
    "data",
    [
        b"dimension,code,population\ndistrict,1,12034\ndistrict,2,8000\nsex,1,10000\n",
        b"district,1,12034\ndistrict,2,8000\nsex,1,10000\n",
        (
            "\ufeffDimension;Code;Population\r\ndistrict;1;12 034\r\n\r\n"
            "district;2;8000\r\nsex;1;10000\r\n"
        ).encode(),
        b"population,bron,code,dimension\n12034,statbel,1,district\n8000,statbel,2,District\n"
        b"10000,statbel,1,sex\n",
    ],
    ids=["header", "no header", "excel nl: BOM, semicolons, spaces, capitals", "any column order"],
)
def test_every_layout_of_the_contract_gives_the_same_margins(app_ctx: object, data: bytes) -> None:
    assert parse_margins(data) == {"district": {1: 12034, 2: 8000}, "sex": {1: 10000}}


def test_every_problem_is_listed_with_its_row(app_ctx: object) -> None:
    errors = refused(
        b"dimension,code,population\n"
        b"district,1,1200\n"
        b"wijk nummer,2,5\n"  # 3: not a dimension name
        b"district,x,5\n"  # 4: code not a number
        b"district,2,12.5\n"  # 5: a decimal population
        b"district,3,-3\n"  # 6: negative
        b"district,1,9\n"  # 7: twice
        b"district,4\n"  # 8: no population
    )
    assert [e.split(":")[0] + ":" for e in errors] == [row(n) for n in (3, 4, 5, 6, 7, 8)]


def test_without_a_header_every_row_has_three_cells(app_ctx: object) -> None:
    errors = refused(b"district,1,100\ndistrict,2\nsex,1,5,extra\n")
    assert [e.split(":")[0] + ":" for e in errors] == [row(2), row(3)]


def test_a_header_names_all_three_columns(app_ctx: object) -> None:
    (error,) = refused(b"dim,code\nx,1\n")
    assert error.startswith(row(1)) and "dimension" in error and "population" in error


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\n \n",
        b"dimension,code,population\n",
        b"\xff\xfe\x00d",
        b"dimension,code,population\nsex,1,0\nsex,2,0\n",
    ],
    ids=["empty", "blank", "header only", "not utf-8", "zero total"],
)
def test_files_without_usable_margins_are_refused(app_ctx: object, data: bytes) -> None:
    assert refused(data)


def test_huge_numbers_get_a_sentence_not_a_crash(app_ctx: object) -> None:
    huge = "9" * 5000
    zeros = "0" * 5000 + "7"
    errors = refused(f"district,1,{huge}\ndistrict,{huge},5\nsex,{zeros},{zeros}\n".encode())
    assert [e.split(":")[0] + ":" for e in errors] == [row(1), row(2)]
    assert all(len(e) < 200 for e in errors)


def test_whole_numbers_are_bounded_before_they_are_read() -> None:
    assert whole_number("999 999 999", 0, 999_999_999) == 999_999_999
    assert whole_number("1000000000", 0, 999_999_999) is None
    assert whole_number("-999999", -999_999, 999_999) == -999_999
    assert whole_number("+007", 0, 10) == 7
    assert whole_number("٣", 0, 10) is None  # not ASCII digits
    assert whole_number("1e3", 0, 10_000) is None
    assert whole_number("9" * 5000, 0, 10) is None
