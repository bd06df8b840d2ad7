"""The sample frame: a register extract (population register or the
municipality) with one person per row, imported into ``frame_people``,
apart from every response table.

Columns (header row, comma or semicolon, UTF-8): ``name``, ``address``,
``postcode`` (4 digits), ``municipality``, ``district`` (optional: the
municipality when empty or absent), ``age`` or ``birth_year``, ``sex``
(m, v/f or x) and ``language`` (nl, fr, en or de: the letter's language).
Every row is checked; one error refuses the whole file (errors listed per
row number, in Dutch).
An age is stored as a birth year, counted from the import's year.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import insert, select

from survey.extensions import DbSession
from survey.models import Consultation, FramePerson, SampleFrame
from survey.models.base import today
from survey.planner.csvfile import CsvRefused, parse_int, read_table

REQUIRED = ("name", "address", "postcode", "municipality", "sex", "language")
LANGUAGES = ("nl", "fr", "en", "de")
# What the register and the municipalities write for sex, read as m, f or x.
SEXES = {"m": "m", "man": "m", "v": "f", "f": "f", "vrouw": "f", "x": "x"}
MAX_AGE = 120
# Errors listed in full; the rest are counted.
MAX_ERRORS_SHOWN = 50
MAX_PEOPLE = 1_000_000


@dataclass(frozen=True)
class FrameImport:
    """An imported frame and the number of people stored in it."""

    frame: SampleFrame
    people: int


def import_frame(
    session: DbSession, consultation: Consultation, data: bytes, filename: str = ""
) -> FrameImport:
    """Check every row of ``data`` and store them as a new frame of
    ``consultation``, all or nothing. Raises ``CsvRefused`` with the errors
    (at most ``MAX_ERRORS_SHOWN``, then a count). Flushes only."""
    year = today().year
    rows = read_table(data, REQUIRED)
    errors: list[str] = []
    error_count = 0
    people: list[dict[str, object]] = []
    header_checked = False
    for number, cells in rows:
        if not header_checked:
            header_checked = True
            if "age" not in cells and "birth_year" not in cells:
                raise CsvRefused([_("Row 1: a column age or birth_year is needed.")])
        problems, person = _check_row(cells, year)
        if problems:
            error_count += len(problems)
            errors.extend(f"{_('Row %(row)s', row=number)}: {p}" for p in problems)
            continue
        person["row"] = number
        people.append(person)
        if len(people) > MAX_PEOPLE:
            raise CsvRefused([_("The file has more than %(n)s people.", n=MAX_PEOPLE)])
    if error_count:
        shown = errors[:MAX_ERRORS_SHOWN]
        if error_count > len(shown):
            shown.append(_("... and %(n)s more errors.", n=error_count - len(shown)))
        raise CsvRefused(shown)
    if not people:
        raise CsvRefused([_("The file has no people.")])
    frame = SampleFrame(
        consultation_id=consultation.id,
        filename=filename[:200],
        people=len(people),
        reference_year=year,
    )
    session.add(frame)
    session.flush()
    for person in people:
        person["frame_id"] = frame.id
    session.execute(insert(FramePerson), people)
    session.flush()
    return FrameImport(frame=frame, people=len(people))


def _check_row(cells: dict[str, str], year: int) -> tuple[list[str], dict[str, object]]:
    """The problems of one row (empty when none) and the person it gives."""
    problems: list[str] = []
    person: dict[str, object] = {}
    for column, limit in (("name", 200), ("address", 200), ("municipality", 100)):
        value = " ".join(cells.get(column, "").split())
        if not value:
            problems.append(_("the column %(column)s is empty.", column=column))
        elif len(value) > limit:
            problems.append(
                _("%(column)s is longer than %(n)s characters.", column=column, n=limit)
            )
        person[column] = value
    district = " ".join(cells.get("district", "").split()) or str(person["municipality"])
    if len(district) > 100:
        problems.append(_("%(column)s is longer than %(n)s characters.", column="district", n=100))
    person["district"] = district
    postcode = cells.get("postcode", "").strip()
    if not (
        len(postcode) == 4 and postcode.isascii() and postcode.isdigit() and postcode >= "1000"
    ):
        problems.append(
            _("the postcode %(value)s is not a Belgian postcode (4 digits).", value=postcode[:20])
        )
    person["postcode"] = postcode
    birth_year = _birth_year(cells, year)
    if birth_year is None:
        problems.append(
            _("age or birth_year must be a whole number (an age from 0 to %(max)s).", max=MAX_AGE)
        )
    person["birth_year"] = birth_year
    sex = SEXES.get(cells.get("sex", "").strip().lower())
    if sex is None:
        problems.append(
            _("sex must be m, v (or f) or x, not %(value)s.", value=cells.get("sex", "")[:20])
        )
    person["sex"] = sex
    language = cells.get("language", "").strip().lower()
    if language not in LANGUAGES:
        problems.append(
            _(
                "language must be nl, fr, en or de, not %(value)s.",
                value=cells.get("language", "")[:20],
            )
        )
    person["language"] = language
    return problems, person


def _birth_year(cells: dict[str, str], year: int) -> int | None:
    raw_year = cells.get("birth_year", "").strip()
    if raw_year:
        value = parse_int(raw_year)
        return value if value is not None and year - MAX_AGE <= value <= year else None
    age = parse_int(cells.get("age", ""))
    return year - age if age is not None and 0 <= age <= MAX_AGE else None


def current_frame(session: DbSession, consultation: Consultation) -> SampleFrame | None:
    """The newest frame of ``consultation`` that still has its people."""
    return session.scalar(
        select(SampleFrame)
        .where(SampleFrame.consultation_id == consultation.id, SampleFrame.purged_on.is_(None))
        .order_by(SampleFrame.id.desc())
        .limit(1)
    )
