"""Objective indicators of a consultation (registered facts per phenomenon
and year, e.g. from the crime barometer), from a CSV with the columns
``phenomenon,year,value[,unit,source]``.

All or nothing: rows with the same phenomenon, year and source replace the
stored ones, only if no row has an error.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import delete, select

from survey.extensions import DbSession
from survey.models import Consultation, ObjectiveIndicator
from survey.planner.csvfile import (
    MAX_NUMBER_DIGITS,
    CsvRefused,
    parse_float,
    parse_int,
    read_table,
)

MIN_YEAR, MAX_YEAR = 1990, 2100


def import_indicators(session: DbSession, consultation: Consultation, data: bytes) -> int:
    """Store the indicators in ``data``; return how many rows were stored.
    A phenomenon must be one of the consultation's phenomena (by key).
    Raises ``CsvRefused`` with every error. Flushes only."""
    known = {p.key for p in consultation.phenomena}
    errors: list[str] = []
    rows: dict[tuple[str, int, str], tuple[float, str]] = {}
    for number, cells in read_table(data, ("phenomenon", "year", "value")):
        phenomenon = cells.get("phenomenon", "")
        year = parse_int(cells.get("year", ""))
        value = parse_float(cells.get("value", ""))
        unit = cells.get("unit", "")[:40] or "feiten"
        source = cells.get("source", "")[:120]
        if phenomenon not in known:
            errors.append(
                _(
                    "Row %(row)s: %(name)s is not a phenomenon of this consultation.",
                    row=number,
                    name=phenomenon or "''",
                )
            )
            continue
        if year is None or not MIN_YEAR <= year <= MAX_YEAR:
            errors.append(
                _(
                    "Row %(row)s: the year must be a year from %(min)s to %(max)s.",
                    row=number,
                    min=MIN_YEAR,
                    max=MAX_YEAR,
                )
            )
            continue
        if value is None:
            errors.append(
                _(
                    "Row %(row)s: the value must be a number with at most %(digits)s digits "
                    "before the decimal mark.",
                    row=number,
                    digits=MAX_NUMBER_DIGITS,
                )
            )
            continue
        if (phenomenon, year, source) in rows:
            errors.append(
                _(
                    "Row %(row)s: %(name)s %(year)s appears twice.",
                    row=number,
                    name=phenomenon,
                    year=year,
                )
            )
            continue
        rows[(phenomenon, year, source)] = (value, unit)
    if not rows and not errors:
        errors.append(_("The file has no rows with indicators."))
    if errors:
        raise CsvRefused(errors)
    for (phenomenon, year, source), (value, unit) in sorted(rows.items()):
        session.execute(
            delete(ObjectiveIndicator).where(
                ObjectiveIndicator.consultation_id == consultation.id,
                ObjectiveIndicator.phenomenon_key == phenomenon,
                ObjectiveIndicator.year == year,
                ObjectiveIndicator.source == source,
            )
        )
        session.add(
            ObjectiveIndicator(
                consultation_id=consultation.id,
                phenomenon_key=phenomenon,
                year=year,
                value=value,
                unit=unit,
                source=source,
            )
        )
    session.flush()
    return len(rows)


def indicators_of(session: DbSession, consultation: Consultation) -> list[ObjectiveIndicator]:
    """The consultation's objective indicators by phenomenon, then year."""
    return list(
        session.scalars(
            select(ObjectiveIndicator)
            .where(ObjectiveIndicator.consultation_id == consultation.id)
            .order_by(ObjectiveIndicator.phenomenon_key, ObjectiveIndicator.year)
        )
    )
