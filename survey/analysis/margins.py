"""Population margins files: the one reader of the contract's margins CSV.

The CSV has ``dimension,code,population`` (e.g. ``district,1,12034``); used by the
planners' upload, ``flask margins import`` and ``flask report build
--margins``. The rules are in docs/margins.md:

- UTF-8, with or without a byte order mark; comma or semicolon between
  cells (the separator that occurs most in the first line); blank rows are
  skipped. Rows are numbered as in a spreadsheet, from 1.
- A header row is optional. When the first row names a column
  (``dimension``, ``code`` or ``population``, any case), it is the header:
  it must name all three, in any order, and other columns are ignored.
  Without a header every row has exactly three cells in that order.
- ``dimension``: a name of small letters, digits and underscores (at most
  40; capitals are lowered), as the ``dimension`` of a survey question.
- ``code``: a whole number of at most 9 digits (a database integer; option
  codes have at most 6).
- ``population``: a whole number of people, 0 or more, of at most 9 digits;
  spaces as thousands separators are allowed, decimals are not.
- A (dimension, code) pair appears once; a dimension's populations do not
  add up to 0; the file has at least one row.
- Dimensions whose totals differ by more than 0.5 % of the largest are
  accepted (raking uses each dimension's shares), but the margins page and
  every report weighted with them warn about it (``totals_disagree``).

A file with any problem is refused as a whole, every problem listed with its
row number, in the planner's language (Dutch by default).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping

from flask_babel import gettext

COLUMNS = ("dimension", "code", "population")
DIMENSION_RE = re.compile(r"[a-z0-9_]{1,40}")
MAX_DIGITS = 9
"""Codes and populations are stored as database integers."""
LIMIT = 10**MAX_DIGITS - 1
_SPACES = re.compile(r"[ \u00a0\u202f]")

Margins = dict[str, dict[int, int]]
"""``{dimension: {code: population}}``, dimensions and codes in file order."""


def _(msgid: str, **values: object) -> str:
    return str(gettext(msgid, **values))


class MarginsRefused(ValueError):
    """The file cannot be used; ``errors`` say why, one sentence each."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


def whole_number(raw: str, low: int, high: int) -> int | None:
    """A whole number from ``low`` to ``high`` in ASCII digits (spaces as
    thousands separators allowed), else None. The digits are counted before
    converting, so a number of thousands of digits is refused, not parsed."""
    text = _SPACES.sub("", raw.strip())
    digits = text[1:] if text[:1] in ("+", "-") else text
    if not digits or not digits.isascii() or not digits.isdigit():
        return None
    significant = digits.lstrip("0") or "0"
    if len(significant) > len(str(max(abs(low), abs(high)))):
        return None
    value = -int(significant) if text.startswith("-") else int(significant)
    return value if low <= value <= high else None


def _rows(data: bytes) -> list[tuple[int, list[str]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise MarginsRefused([_("The file is not UTF-8 text (byte %(n)s).", n=exc.start)]) from exc
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    try:
        rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    except csv.Error as exc:
        raise MarginsRefused(
            [_("The file is not a valid CSV file: %(reason)s", reason=str(exc))]
        ) from exc
    return [
        (number, [cell.strip() for cell in cells])
        for number, cells in enumerate(rows, start=1)
        if any(cell.strip() for cell in cells)
    ]


def parse_margins(data: bytes) -> Margins:
    """The margins of a file, or ``MarginsRefused`` with every problem."""
    rows = _rows(data)
    positions: dict[str, int] | None = None
    if rows and any(cell.lower() in COLUMNS for cell in rows[0][1]):
        number, header = rows.pop(0)
        names = [cell.lower() for cell in header]
        missing = [name for name in COLUMNS if name not in names]
        if missing:
            raise MarginsRefused(
                [
                    _(
                        "Row %(row)s: the columns %(names)s are missing.",
                        row=number,
                        names=", ".join(missing),
                    )
                ]
            )
        positions = {name: names.index(name) for name in COLUMNS}
    errors: list[str] = []
    margins: Margins = {}
    for number, cells in rows:
        if positions is None:
            if len(cells) != len(COLUMNS):
                errors.append(
                    _(
                        "Row %(row)s: give three cells: dimension, code and population.",
                        row=number,
                    )
                )
                continue
            dimension, code_text, population_text = cells
        else:
            dimension, code_text, population_text = (
                cells[positions[name]] if positions[name] < len(cells) else "" for name in COLUMNS
            )
        problem = _row_problem(number, dimension.lower(), code_text, population_text, margins)
        if problem:
            errors.append(problem)
    if not margins and not errors:
        errors.append(_("The file has no rows with margins."))
    errors.extend(
        _("The population of dimension %(dimension)s adds up to 0.", dimension=dimension)
        for dimension, populations in margins.items()
        if sum(populations.values()) == 0
    )
    if errors:
        raise MarginsRefused(errors)
    return margins


def _row_problem(
    number: int, dimension: str, code_text: str, population_text: str, margins: Margins
) -> str | None:
    """What is wrong with one row, or None after adding it to ``margins``."""
    if not DIMENSION_RE.fullmatch(dimension):
        return _("Row %(row)s: the dimension must be a name like district, age or sex.", row=number)
    code = whole_number(code_text, -LIMIT, LIMIT)
    if code is None:
        return _(
            "Row %(row)s: the code must be a whole number of at most %(digits)s digits.",
            row=number,
            digits=MAX_DIGITS,
        )
    population = whole_number(population_text, 0, LIMIT)
    if population is None:
        return _(
            "Row %(row)s: the population must be a whole number of 0 or more, "
            "with at most %(digits)s digits.",
            row=number,
            digits=MAX_DIGITS,
        )
    found = margins.setdefault(dimension, {})
    if code in found:
        return _(
            "Row %(row)s: %(dimension)s code %(code)s appears twice.",
            row=number,
            dimension=dimension,
            code=code,
        )
    found[code] = population
    return None


TOTAL_TOLERANCE = 0.005
"""Dimensions whose population totals differ by more than this share of the
largest total are said to disagree (0.5 %)."""


def dimension_totals(margins: Mapping[str, Mapping[int, float]]) -> dict[str, float]:
    """The population total of every dimension, in the order given."""
    return {dimension: float(sum(codes.values())) for dimension, codes in margins.items()}


def totals_disagree(margins: Mapping[str, Mapping[int, float]]) -> bool:
    """True when the dimensions' population totals differ by more than
    ``TOTAL_TOLERANCE`` of the largest one. Raking uses every dimension's
    shares of its own total, so it still works; but margins from tables of
    different dates or populations (all residents against residents of 16
    and older) describe different populations, and the planner must know."""
    totals = list(dimension_totals(margins).values())
    if len(totals) < 2:
        return False
    return max(totals) - min(totals) > TOTAL_TOLERANCE * max(totals)
