"""Reading the small CSV files planners upload (margins, indicators):
UTF-8 (with or without BOM), comma or semicolon, a header row."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from flask_babel import gettext as _


class CsvRefused(ValueError):
    """The file as a whole cannot be read; ``errors`` say why (in Dutch)."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


def read_table(data: bytes, required: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    """(row number, cells by lower-case column name) for each non-blank row;
    the header is row 1. Raises ``CsvRefused`` when the file is not UTF-8 or
    misses a required column."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CsvRefused([_("The file is not UTF-8 text (byte %(n)s).", n=exc.start)]) from exc
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    try:
        rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    except csv.Error as exc:
        raise CsvRefused(
            [_("The file is not a valid CSV file: %(reason)s", reason=str(exc))]
        ) from exc
    if not rows:
        raise CsvRefused([_("The file is empty: the first row must name the columns.")])
    header = [name.strip().lower() for name in rows[0]]
    missing = [name for name in required if name not in header]
    if missing:
        raise CsvRefused([_("Row 1: the columns %(names)s are missing.", names=", ".join(missing))])
    for number, cells in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue
        yield number, {name: value.strip() for name, value in zip(header, cells, strict=False)}


# Whole numbers in these files (codes, populations, years) have at most
# this many digits: below an INTEGER column's 2**31 on every engine.
MAX_WHOLE_DIGITS = 9
# Decimal numbers (counts or rates) have at most this many digits before
# the decimal mark.
MAX_NUMBER_DIGITS = 12


def parse_int(raw: str) -> int | None:
    """A whole number in ASCII digits (spaces as thousands separators
    allowed) of at most ``MAX_WHOLE_DIGITS`` digits; None otherwise. The
    digits are counted before ``int()``, which refuses more than 4300."""
    text = raw.strip().replace(" ", "")
    negative = text.startswith("-")
    digits = (text[1:] if text[:1] in ("+", "-") else text).lstrip("0") or "0"
    if not digits.isascii() or not digits.isdigit() or len(digits) > MAX_WHOLE_DIGITS:
        return None
    return -int(digits) if negative else int(digits)


def parse_float(raw: str) -> float | None:
    """A number with comma or point as decimal mark and at most
    ``MAX_NUMBER_DIGITS`` digits before it; NaN, infinity, longer numbers
    and longer texts refused (None)."""
    text = raw.strip().replace(" ", "").replace(",", ".")
    if len(text) > 40:
        return None
    try:
        value = float(text)
    except ValueError:
        return None
    return value if abs(value) < 10.0**MAX_NUMBER_DIGITS else None
